// Reading and writing the parts of a WebAssembly binary that the post-build
// scripts touch (scripts/minify-imports.mjs, scripts/drop-stream-exports.mjs,
// scripts/check-low-memory.mjs).

// An unsigned LEB128 number at `at`: [value, position after it].
export function readLeb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

// `n` as unsigned LEB128.
export function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

// A length-prefixed UTF-8 name at `at`: [name, position after it].
export function readName(buf, at) {
  const [len, start] = readLeb(buf, at);
  return [buf.subarray(start, start + len).toString('utf8'), start + len];
}

// A name as the binary writes it.
export function name(text) {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([leb(bytes.length), bytes]);
}

// Every section of the module, in order: { id, body (a Buffer), whole (the
// section with its id and size) }.
export function* sections(wasm) {
  let at = 8;
  while (at < wasm.length) {
    const [size, bodyAt] = readLeb(wasm, at + 1);
    const end = bodyAt + size;
    yield { id: wasm[at], body: wasm.subarray(bodyAt, end), whole: wasm.subarray(at, end) };
    at = end;
  }
}

// The module with the body of every section whose id is `id` replaced by
// `edit(body)` (a Buffer); other sections are copied as they are. Returns
// [new module, number of sections edited].
export function editSections(wasm, id, edit) {
  const parts = [wasm.subarray(0, 8)];
  let edited = 0;
  for (const section of sections(wasm)) {
    if (section.id === id) {
      const body = edit(section.body);
      parts.push(Buffer.from([id]), leb(body.length), body);
      edited += 1;
    } else {
      parts.push(section.whole);
    }
  }
  return [Buffer.concat(parts), edited];
}
