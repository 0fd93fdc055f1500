#!/usr/bin/env node
// Shortens the names of the WebAssembly module's imports, in the .wasm and
// in the glue script that provides them, to one or two letters.
//
// wasm-bindgen names every import after the JS function it wraps plus a
// 16-digit hash (`__wbg_setonprogress_c71f…`); there are about 200, and the
// hashes do not compress: this saves about 5 KB brotli of the 230 KB a shop
// page downloads (bench/history.md). Only the import section's field names
// change (module names, function indices and code stay as they are), and in
// the glue only the keys of the import object, each of which must be found
// exactly once: anything unexpected stops the build instead of shipping a
// module that cannot be instantiated.
//
// Run by Trunk after each build (Trunk.toml, post_build hook, on
// $TRUNK_STAGING_DIR), or by hand: node scripts/minify-imports.mjs DIR
import * as fs from 'node:fs';
import { staging } from './staging.mjs';
import { editSections, leb, name, readLeb, readName } from './wasm-binary.mjs';

const { wasmPath, jsPath, fail } = staging('minify-imports');

const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, 'utf8');
if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a WebAssembly module`);

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function shortName(i) {
  let s = '';
  for (;;) {
    s = LETTERS[i % LETTERS.length] + s;
    i = Math.floor(i / LETTERS.length);
    if (i === 0) return `$${s}`; // `$` keeps them apart from any other key
    i -= 1;
  }
}

// The descriptor after an import's names: its kind and type, copied as is.
function skipDescriptor(buf, at) {
  const kind = buf[at++];
  let flags;
  switch (kind) {
    case 0: // function: type index
      return readLeb(buf, at)[1];
    case 1: // table: element type, limits
      at += 1;
    // falls through
    case 2: // memory: limits
      [flags, at] = readLeb(buf, at);
      at = readLeb(buf, at)[1];
      if (flags & 1) at = readLeb(buf, at)[1];
      return at;
    case 3: // global: value type, mutability
      return at + 2;
    case 4: // tag: attribute, type index
      return readLeb(buf, at + 1)[1];
    default:
      fail(`unknown import kind ${kind}`);
  }
}

const SPLIT_LOADER = './__wasm_split.js';
const renamed = new Map();
let kept = 0;
const [out, sections] = editSections(wasm, 2, (body) => {
  let [count, p] = readLeb(body, 0);
  const entries = [leb(count)];
  for (let i = 0; i < count; i++) {
    let module, field;
    [module, p] = readName(body, p);
    [field, p] = readName(body, p);
    const descAt = p;
    p = skipDescriptor(body, p);
    // The split build's shell also imports the loaders of the other views
    // from ./__wasm_split.js (scripts/split-build.sh): those are that
    // script's export names and stay as they are.
    if (module === SPLIT_LOADER) {
      kept += 1;
      entries.push(name(module), name(field), body.subarray(descAt, p));
      continue;
    }
    if (!renamed.has(field)) renamed.set(field, shortName(renamed.size));
    entries.push(name(module), name(renamed.get(field)), body.subarray(descAt, p));
  }
  if (p !== body.length) fail('import section not fully read');
  return Buffer.concat(entries);
});
if (sections !== 1) fail(`${sections} import sections, expected one`);
if ([...renamed.keys()].every((field) => /^\$[a-zA-Z]+$/.test(field))) {
  console.log('minify-imports: already minified');
  process.exit(0);
}

for (const [old, short] of renamed) {
  const escaped = old.replace(/[$.*+?^{}()|[\]\\]/g, '\\$&');
  const key = new RegExp(`^(\\s+)${escaped}(: )`, 'gm');
  const hits = js.match(key)?.length ?? 0;
  if (hits !== 1) fail(`import ${old}: found ${hits} times in the glue, expected once`);
  js = js.replace(key, (_, indent, colon) => `${indent}${short}${colon}`);
}

const before = wasm.length + Buffer.byteLength(fs.readFileSync(jsPath, 'utf8'));
fs.writeFileSync(wasmPath, out);
fs.writeFileSync(jsPath, js);
console.log(`minify-imports: ${renamed.size} imports renamed${kept ? ` (${kept} from ${SPLIT_LOADER} kept)` : ''}, ${before - out.length - Buffer.byteLength(js)} bytes saved (raw)`);
