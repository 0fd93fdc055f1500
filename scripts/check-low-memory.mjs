// Checks what `wasm-opt --low-memory-unused` (scripts/split-build.sh)
// assumes of a module: its data lies at or above 1 KB, and so does the
// stack pointer's start (Rust's wasm32 linker puts the stack first, from
// 1 MB down toward 0, and the data above it). Stops the build otherwise.
//
// usage: node scripts/check-low-memory.mjs FILE.wasm
import * as fs from 'node:fs';
import { readLeb, sections } from './wasm-binary.mjs';

// An `i32.const N end` initialiser at `at`: [N, position after it], N null
// for any other initialiser (then the position is after its `end`).
function constInit(buf, at) {
  if (buf[at] !== 0x41) {
    while (buf[at++] !== 0x0b);
    return [null, at];
  }
  at++;
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) value |= ~0 << shift;
  return [buf[at] === 0x0b ? value >>> 0 : null, at + 1];
}

const file = process.argv[2];
const problems = [];
let stack = null;
for (const { id, body } of sections(fs.readFileSync(file))) {
  if (id === 6) {
    // The first global is the stack pointer (a mutable i32).
    const [, typeAt] = readLeb(body, 0);
    [stack] = constInit(body, typeAt + 2);
  } else if (id === 11) {
    const low = [];
    let [count, at] = readLeb(body, 0);
    for (; count > 0; count--) {
      let flags;
      [flags, at] = readLeb(body, at);
      if (flags === 2) [, at] = readLeb(body, at);
      if (flags !== 1) {
        let offset;
        [offset, at] = constInit(body, at);
        if (offset === null || offset < 1024) low.push(offset);
      }
      let length;
      [length, at] = readLeb(body, at);
      at += length;
    }
    if (low.length) problems.push(`data segments at ${low.join(', ')}`);
  }
}
if (stack === null || stack < 1024) problems.unshift(`the stack pointer starts at ${stack}`);
if (problems.length) {
  console.error(`check-low-memory: ${file}: ${problems.join('; ')}: below 1 KB, so --low-memory-unused is wrong for it`);
  process.exit(1);
}
