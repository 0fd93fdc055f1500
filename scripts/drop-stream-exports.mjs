#!/usr/bin/env node
// Removes three JavaScript classes the widget never uses, and the wasm code
// behind them.
//
// Leptos 0.8 always compiles in the browser client of its server functions
// (server_fn's `browser` feature), and that brings wasm-streams, which
// exports three classes to JavaScript: IntoUnderlyingSource,
// IntoUnderlyingByteSource and IntoUnderlyingSink (Rust streams handed to
// JS streams). The widget has no server functions and never creates one,
// but a module's exports are roots, so neither LTO nor wasm-opt can drop
// their code. Measured: the wasm 5.5 KB smaller raw, and with the glue's
// classes 1.8 KB brotli less (bench/history.md).
//
// This script drops those exports from the .wasm, has wasm-opt remove what
// is no longer reachable (`--remove-unused-module-elements`, then one more
// `-Oz` pass, about 4 s), and cuts the
// three classes, their finalizers and their dispose hooks out of the glue.
// It stops the build if anything is not as expected, and afterwards
// nothing in the glue may mention the classes or their exports.
//
// Run by Trunk after each build, after scripts/minify-imports.mjs
// (Trunk.toml, post_build hook, on $TRUNK_STAGING_DIR), or by hand:
// node scripts/drop-stream-exports.mjs DIR
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { root, staging } from './staging.mjs';
import { editSections, leb, readLeb, readName } from './wasm-binary.mjs';

const { wasmPath, jsPath, fail } = staging('drop-stream-exports');
const CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];
// wasm-bindgen's export names for them: `intounderlyingsink_write`,
// `__wbg_intounderlyingsink_free`, ...
const EXPORT = new RegExp(`^(__wbg_)?(${CLASSES.map((c) => c.toLowerCase()).join('|')})_[a-zA-Z_]+$`);

let js = fs.readFileSync(jsPath, 'utf8');
if (!js.includes('export class IntoUnderlying')) {
  if (/IntoUnderlying|intounderlying/.test(js)) fail('the glue mentions the stream classes but exports none');
  console.log('drop-stream-exports: nothing to drop');
  process.exit(0);
}

// 1. The glue: each class, its dispose hook and its finalizer, exactly once.
function cut(pattern, what) {
  const hits = js.match(pattern)?.length ?? 0;
  if (hits !== 1) fail(`${what}: found ${hits} times in the glue, expected once`);
  js = js.replace(pattern, '');
}
for (const c of CLASSES) {
  // From `export class C {` to the first `}` alone on a line: wasm-bindgen
  // indents every line inside a class.
  cut(new RegExp(`^export class ${c} \\{\\n(?:(?: .*)?\\n)*?\\}\\n`, 'm'), `class ${c}`);
  cut(new RegExp(`^if \\(Symbol\\.dispose\\) ${c}\\.prototype\\[Symbol\\.dispose\\] = ${c}\\.prototype\\.free;\\n`, 'm'), `${c}'s dispose hook`);
  cut(new RegExp(`^const ${c}Finalization = [^;]*;\\n`, 'm'), `${c}'s finalizer`);
}
if (/IntoUnderlying|intounderlying/.test(js)) fail('the glue still mentions the stream classes');

// 2. The wasm: the exports those classes called.
const wasm = fs.readFileSync(wasmPath);
const dropped = [];
const [stripped, sections] = editSections(wasm, 7, (body) => {
  let [count, p] = readLeb(body, 0);
  const kept = [];
  for (let i = 0; i < count; i++) {
    const start = p;
    let field;
    [field, p] = readName(body, p);
    p = readLeb(body, p + 1)[1]; // kind byte, then index
    if (EXPORT.test(field)) dropped.push(field);
    else kept.push(body.subarray(start, p));
  }
  if (p !== body.length) fail('export section not fully read');
  return Buffer.concat([leb(kept.length), ...kept]);
});
if (sections !== 1) fail(`${sections} export sections, expected one`);
if (dropped.length === 0) fail('no stream-class exports in the wasm');
for (const field of dropped) {
  if (new RegExp(`\\b${field}\\b`).test(js)) fail(`the glue still calls ${field}`);
}
fs.writeFileSync(wasmPath, stripped);

// 3. What only those exports reached goes too; -Oz again, since callers of
// what went may now be simpler (measured: −2.0 KB brotli with it, −1.4 KB without).
const wasmOpt = path.join(root, '.tools', 'node_modules', '.bin', 'wasm-opt');
execFileSync(wasmOpt, [
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--enable-mutable-globals',
  '--remove-unused-module-elements', '-Oz', wasmPath, '-o', wasmPath,
], { stdio: 'inherit' });
fs.writeFileSync(jsPath, js);
const after = fs.statSync(wasmPath).size;
console.log(`drop-stream-exports: ${dropped.length} exports and ${CLASSES.length} classes dropped; wasm ${wasm.length} → ${after} bytes`);
