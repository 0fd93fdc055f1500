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
// Two steps:
//
// `node scripts/drop-stream-exports.mjs --raw FILE`, run by
// scripts/split-build.sh on cargo's wasm before wasm-split-cli: drops the
// classes' exports and their wasm-bindgen descriptors from FILE. The
// splitter keeps in the shell everything an export reaches, *data
// included*, and wasm-opt later removes dead code but never dead data, so
// what only these exports reached (strings, vtables) stayed in the shell's
// data section. wasm-bindgen then still writes the classes (a class with
// only its `free`), but no method of them.
//
// `node scripts/drop-stream-exports.mjs DIR` (Trunk's post_build hook, after
// scripts/minify-imports.mjs, on $TRUNK_STAGING_DIR): cuts the three
// classes, their finalizers and their dispose hooks out of the glue, then
// drops the exports they called from the .wasm (if a build still has any)
// and has wasm-opt remove what is no longer reachable
// (`--remove-unused-module-elements`, then one more `-Oz` pass, about 4 s).
//
// Each step stops the build if anything is not as expected, and afterwards
// nothing in the glue may mention the classes or their exports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { root, staging } from './staging.mjs';
import { editSections, leb, readLeb, readName } from './wasm-binary.mjs';

const CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];
// wasm-bindgen's export names for them: `intounderlyingsink_write`,
// `__wbg_intounderlyingsink_free`, ...
const EXPORT = new RegExp(`^(__wbg_)?(${CLASSES.map((c) => c.toLowerCase()).join('|')})_[a-zA-Z_]+$`);

// `body` (an export section) without the exports `drop` matches:
// [new body, names dropped].
function withoutExports(body, drop, fail) {
  let [count, p] = readLeb(body, 0);
  const kept = [];
  const dropped = [];
  for (let i = 0; i < count; i++) {
    const start = p;
    let field;
    [field, p] = readName(body, p);
    p = readLeb(body, p + 1)[1]; // kind byte, then index
    if (drop.test(field)) dropped.push(field);
    else kept.push(body.subarray(start, p));
  }
  if (p !== body.length) fail('export section not fully read');
  return [Buffer.concat([leb(kept.length), ...kept]), dropped];
}

// `wasm` without the exports `drop` matches: [new module, names dropped].
function dropExports(wasm, drop, fail) {
  let dropped = [];
  const [stripped, sections] = editSections(wasm, 7, (body) => {
    let kept;
    [kept, dropped] = withoutExports(body, drop, fail);
    return kept;
  });
  if (sections !== 1) fail(`${sections} export sections, expected one`);
  return [stripped, dropped];
}

if (process.argv[2] === '--raw') {
  const file = process.argv[3];
  const fail = (message) => {
    console.error(`drop-stream-exports --raw: ${message}`);
    process.exit(1);
  };
  if (!file) fail('no file');
  // In cargo's wasm each name ends in the crate's hash (`_58a9…`), and each
  // export has its descriptor (`__wbindgen_describe_…`).
  const RAW = new RegExp(
    `^(__wbindgen_describe_)?(__wbg_)?(${CLASSES.map((c) => c.toLowerCase()).join('|')})_[a-zA-Z_]+_[0-9a-f]{16}$`,
  );
  const [stripped, dropped] = dropExports(fs.readFileSync(file), RAW, fail);
  // Every class has at least its `free` export and one method.
  for (const c of CLASSES) {
    const lower = c.toLowerCase();
    if (!dropped.some((f) => f.startsWith(`__wbg_${lower}_free_`))) fail(`no export frees ${c}`);
    if (!dropped.some((f) => f.startsWith(`${lower}_`))) fail(`no method of ${c} is exported`);
  }
  fs.writeFileSync(file, stripped);
  console.log(`drop-stream-exports --raw: ${dropped.length} exports and descriptors dropped from ${path.basename(file)}`);
  process.exit(0);
}

const { wasmPath, jsPath, fail } = staging('drop-stream-exports');

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

// 2. The wasm: the exports those classes called (none when
// scripts/split-build.sh dropped them before the split).
const wasm = fs.readFileSync(wasmPath);
const [stripped, dropped] = dropExports(wasm, EXPORT, fail);
for (const field of dropped) {
  if (new RegExp(`\\b${field}\\b`).test(js)) fail(`the glue still calls ${field}`);
}
if (dropped.length === 0) {
  fs.writeFileSync(jsPath, js);
  console.log(`drop-stream-exports: ${CLASSES.length} classes dropped from the glue (their exports were dropped before the split)`);
  process.exit(0);
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
