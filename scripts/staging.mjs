// What the post-build scripts (scripts/minify-imports.mjs,
// scripts/drop-stream-exports.mjs, scripts/minify-js.mjs) share: the
// directory they work on, Trunk's staging directory or the one given on the
// command line, its two build files, and how they stop.
import * as path from 'node:path';

/** The repository. */
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** `{ dir, wasmPath, jsPath, fail }` for the script called `tool`;
 *  `fail(message)` prints `tool: message` and exits 1. */
export function staging(tool) {
  const fail = (message) => {
    console.error(`${tool}: ${message}`);
    process.exit(1);
  };
  const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
  if (!dir) fail('no directory (argument or TRUNK_STAGING_DIR)');
  return { dir, wasmPath: path.join(dir, 'parcel-desk_bg.wasm'), jsPath: path.join(dir, 'parcel-desk.js'), fail };
}
