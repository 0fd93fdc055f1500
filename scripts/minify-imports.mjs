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
import * as path from 'node:path';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify-imports: no directory (argument or TRUNK_STAGING_DIR)');
  process.exit(1);
}
const wasmPath = path.join(dir, 'parcel-desk_bg.wasm');
const jsPath = path.join(dir, 'parcel-desk.js');

function fail(message) {
  console.error(`minify-imports: ${message}`);
  process.exit(1);
}

const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, 'utf8');
if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a WebAssembly module`);

function readLeb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

function readName(buf, at) {
  const [len, start] = readLeb(buf, at);
  return [buf.subarray(start, start + len).toString('utf8'), start + len];
}

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

const renamed = new Map();
const parts = [wasm.subarray(0, 8)];
let at = 8;
let found = false;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, bodyAt] = readLeb(wasm, at + 1);
  const end = bodyAt + size;
  if (id !== 2) {
    parts.push(wasm.subarray(at, end));
    at = end;
    continue;
  }
  found = true;
  const body = wasm.subarray(bodyAt, end);
  let [count, p] = readLeb(body, 0);
  const entries = [leb(count)];
  for (let i = 0; i < count; i++) {
    let module, field;
    [module, p] = readName(body, p);
    [field, p] = readName(body, p);
    const descAt = p;
    p = skipDescriptor(body, p);
    if (!renamed.has(field)) renamed.set(field, shortName(renamed.size));
    const m = Buffer.from(module, 'utf8');
    const f = Buffer.from(renamed.get(field), 'utf8');
    entries.push(leb(m.length), m, leb(f.length), f, body.subarray(descAt, p));
  }
  if (p !== body.length) fail('import section not fully read');
  const section = Buffer.concat(entries);
  parts.push(Buffer.from([2]), leb(section.length), section);
  at = end;
}
if (!found) fail('no import section');
if ([...renamed.keys()].every((name) => /^\$[a-zA-Z]+$/.test(name))) {
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
const out = Buffer.concat(parts);
fs.writeFileSync(wasmPath, out);
fs.writeFileSync(jsPath, js);
console.log(`minify-imports: ${renamed.size} imports renamed, ${before - out.length - Buffer.byteLength(js)} bytes saved (raw)`);
