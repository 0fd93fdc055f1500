#!/usr/bin/env bash
# Assembles the npm package `parcel-desk` (npm/) from the release build in
# dist/ (run `make widget` first), packs it into npm/parcel-desk-<version>.tgz
# and checks it with @arethetypeswrong/cli (installed in e2e/).
#
#   npm/package.json, npm/index.d.ts, npm/README.md   hand-written, in git
#   npm/dist/                                        copied from dist/ here
#   npm/dist/claim/                                  the claim-only build
#                                                    (`parcel-desk/claim`)
set -euo pipefail
cd "$(dirname "$0")/.."

build=(parcel-desk-element.js parcel-desk.js parcel-desk_bg.wasm i18n/en.json i18n/de.json i18n/nl.json i18n/fr.json i18n/es.json i18n/it.json)
files=("${build[@]}" "${build[@]/#/claim/}")
# In both builds the claim form's questions, and in the full build the
# views in their own modules, load their texts with them
# (i18n/<tag>.views.json, English included; scripts/split-build.sh).
for tag in en de nl fr es it; do files+=("i18n/$tag.views.json" "claim/i18n/$tag.views.json"); done
for f in "${files[@]}"; do
  [ -f "dist/$f" ] || { echo "npm-pack: dist/$f is missing (run make widget)" >&2; exit 1; }
done
# Both builds are split (scripts/split-build.sh): every module a glue loads
# on demand, relative to itself (the full build's other views; in each, the
# claim form's questions, photo list and tracking look-up).
for build in "" claim/; do
  split=$(grep -oE 'new URL\("\./[a-z_0-9]+\.wasm", ?import\.meta\.url\)' "dist/${build}parcel-desk.js" | grep -oE '[a-z_0-9]+\.wasm' | sort -u)
  [ -n "$split" ] || { echo "npm-pack: dist/${build}parcel-desk.js loads no module of its own (is dist/ the split build?)" >&2; exit 1; }
  for m in $split; do
    [ -f "dist/$build$m" ] || { echo "npm-pack: dist/$build$m (loaded by ${build}parcel-desk.js) is missing" >&2; exit 1; }
    files+=("$build$m")
  done
done
# The glue must find the .wasm next to itself, relative to the module.
# (Minified by scripts/minify-js.mjs: either quote, no space.)
for glue in dist/parcel-desk.js dist/claim/parcel-desk.js; do
  grep -Eq "new URL\(['\"]parcel-desk_bg\.wasm['\"], ?import\.meta\.url\)" "$glue" \
    || { echo "npm-pack: $glue does not resolve the .wasm relative to import.meta.url" >&2; exit 1; }
done

rm -rf npm/dist npm/*.tgz
mkdir -p npm/dist/i18n npm/dist/claim/i18n
for f in "${files[@]}"; do cp "dist/$f" "npm/dist/$f"; done

tarball=$(cd npm && npm pack --silent)
echo "npm-pack: npm/$tarball ($(stat -c %s "npm/$tarball") bytes packed)"

# Types and module resolution as TypeScript and Node see them. ESM only:
# the package has no CommonJS entry (a custom element needs a browser, and
# the wasm-bindgen glue uses import.meta.url), so require() is out of scope.
if [ ! -x e2e/node_modules/.bin/attw ]; then
  (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
e2e/node_modules/.bin/attw --profile esm-only "npm/$tarball"
