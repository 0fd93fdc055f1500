// Checks what `wasm-opt --low-memory-unused` (scripts/split-build.sh)
// assumes of a module: its data lies at or above 1 KB, and so does the
// stack pointer's start (Rust's wasm32 linker puts the stack first, from
// 1 MB down toward 0, and the data above it). Stops the build otherwise.
//
// usage: node scripts/check-low-memory.mjs FILE.wasm
import * as fs from 'node:fs';

const file = process.argv[2];
const bytes = fs.readFileSync(file);
let at = 8;
const leb = () => {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
};
// An `i32.const N end` initialiser (0x41, signed LEB, 0x0b); null otherwise.
const constInit = () => {
  if (bytes[at] !== 0x41) return null;
  at++;
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) result |= ~0 << shift;
  return bytes[at++] === 0x0b ? result >>> 0 : null;
};
const low = [];
let stack = null;
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 6) {
    // The first global is the stack pointer (mutable i32).
    leb();
    at += 2;
    stack = constInit();
  } else if (id === 11) {
    for (let n = leb(); n > 0; n--) {
      const flags = leb();
      if (flags === 2) leb();
      if (flags !== 1) {
        const offset = constInit();
        if (offset === null || offset < 1024) low.push(offset);
        while (bytes[at - 1] !== 0x0b) at++;
      }
      const length = leb(); // (read before `at` is: `at += leb()` would add to the old `at`)
      at += length;
    }
  }
  at = end;
}
const problems = [];
if (stack === null || stack < 1024) problems.push(`the stack pointer starts at ${stack}`);
if (low.length) problems.push(`data segments at ${low.join(', ')}`);
if (problems.length) {
  console.error(`check-low-memory: ${file}: ${problems.join('; ')}: below 1 KB, so --low-memory-unused is wrong for it`);
  process.exit(1);
}
