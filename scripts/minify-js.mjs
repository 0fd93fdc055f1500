#!/usr/bin/env node
// Minifies the two scripts a shop page loads, the wasm-bindgen glue
// (parcel-desk.js) and the element script (parcel-desk-element.js), with
// esbuild: about 3 KB brotli less (bench/history.md). Export names,
// `import.meta.url` and behaviour stay as they are; the readable element
// script is js/parcel-desk-element.js in the repository.
//
// Run by Trunk after each build, after scripts/minify-imports.mjs (Trunk.toml,
// post_build hook, on $TRUNK_STAGING_DIR), or by hand: node scripts/minify-js.mjs DIR
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { root, staging } from './staging.mjs';

const { dir, fail } = staging('minify-js');
// esbuild is installed by scripts/setup.sh into .tools/.
const require = createRequire(path.join(root, '.tools', 'package.json'));
let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  fail('esbuild is missing from .tools/ (run scripts/setup.sh build)');
}

// The split build (scripts/split-build.sh) has one more script,
// __wasm_split.js, the loader of the other views, which the glue imports
// and which imports the glue: bundled into the glue here, so that the page
// does not wait one more round trip for it before the widget can start;
// so are the glue's snippets (wasm-bindgen's inline_js, snippets/).
const loader = path.join(dir, '__wasm_split.js');
if (fs.existsSync(loader)) {
  const glue = path.join(dir, 'parcel-desk.js');
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [glue],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify: true,
    target: 'es2022',
    legalComments: 'none',
    // wasm-bindgen names the module once per import from it in the import
    // object ("./__wasm_split.js": import1, …: 2, …), all the same module.
    logOverride: { 'duplicate-object-key': 'silent' },
  });
  if (outputFiles.length !== 1) fail(`bundling the glue gave ${outputFiles.length} files`);
  const code = outputFiles[0].text;
  // The view modules are fetched relative to the glue now.
  if (!/new URL\("\.\/split_[a-z_]+\.wasm",import\.meta\.url\)/.test(code)) fail('the bundled glue loads no view module');
  if (code.includes('__wasm_split.js"')) {
    // Only as the wasm's import module name, never as an import.
    if (/from"\.\/__wasm_split\.js"|import\("\.\/__wasm_split\.js"\)/.test(code)) fail('the bundled glue still imports __wasm_split.js');
  }
  if (/from"\.\/snippets\//.test(code)) fail('the bundled glue still imports a snippet');
  fs.writeFileSync(glue, code);
  fs.unlinkSync(loader);
  // The glue's snippets (src/lazy.rs) are in it now.
  fs.rmSync(path.join(dir, 'snippets'), { recursive: true, force: true });
}

for (const name of ['parcel-desk.js', 'parcel-desk-element.js']) {
  const file = path.join(dir, name);
  const source = fs.readFileSync(file, 'utf8');
  const { code } = esbuild.transformSync(source, {
    loader: 'js',
    format: 'esm',
    minify: true,
    // ES2022 keeps class fields as they are written; every browser with
    // constructable stylesheets (which the widget needs) has them.
    target: 'es2022',
    legalComments: 'none',
    // Drops top-level declarations nothing uses (after
    // scripts/drop-stream-exports.mjs: an enum table only the classes read).
    treeShaking: true,
  });
  fs.writeFileSync(file, code);
}
