#!/usr/bin/env bash
# The full widget split per view (cargo feature `split`, src/lazy.rs):
# builds the wasm and writes the shell module, one module per view and the
# scripts that load them into DIR (Trunk's staging directory when Trunk
# runs it as the post_build hook, see Trunk.toml and index.html):
#
#   parcel-desk_bg.wasm      the shell: mount(), the claim form, what all
#                            views share
#   parcel-desk.js           its wasm-bindgen glue
#   split_*.wasm, chunk_*.wasm
#                            the other views (and code only they share)
#   __wasm_split.js          loads them on demand; scripts/minify-js.mjs
#                            then bundles it into the glue, which fetches
#                            them relative to itself
#
# Steps (as cargo-leptos does them): cargo build with the linker's
# relocations kept (build.rs adds --emit-relocs for the feature), the
# unused stream classes' exports dropped, then wasm-split-cli on the raw wasm (before wasm-bindgen, which would lose the
# relocations), wasm-bindgen on the shell with --keep-lld-exports (the
# views import from the shell by those export names), then wasm-opt -Oz on
# every module. Run from scripts/trunk-release.sh's environment (build-std,
# size flags, target/widget); by hand: scripts/split-build.sh DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-${TRUNK_STAGING_DIR:?no directory (argument or TRUNK_STAGING_DIR)}}
target=${CARGO_TARGET_DIR:-$PWD/target}
for tool in wasm-split-cli wasm-bindgen; do
  command -v "$tool" >/dev/null || { echo "split-build: $tool is missing (run scripts/setup.sh build)" >&2; exit 1; }
done
wasm_opt=$PWD/.tools/node_modules/.bin/wasm-opt

# The page Trunk builds says which views (Trunk's own attribute on its rust
# link): builds/claim-only/index.html has data-cargo-no-default-features,
# the claim view alone; by hand: PD_SPLIT_NO_DEFAULT_FEATURES=1.
features=(--features split)
if [ "${PD_SPLIT_NO_DEFAULT_FEATURES:-}" = 1 ] \
   || { [ -n "${TRUNK_HTML_FILE:-}" ] && grep -q 'rel="rust"[^>]*data-cargo-no-default-features' "$TRUNK_HTML_FILE"; }; then
  features=(--no-default-features --features split)
fi
# build.rs writes the language files this build ships into PD_I18N_OUT:
# i18n/<tag>.json with the core texts, i18n/<tag>.views.json with the texts
# only the views in their own modules use (loaded with the first of them).
# (One directory per set of views: build.rs writes only what the build
# shows, and runs again only when its inputs change.)
i18n_out=$target/i18n-split
[ "${features[0]}" = --no-default-features ] && i18n_out=$target/i18n-split-claim
PD_I18N_OUT=$i18n_out cargo build --release --lib -p parcel-desk --target wasm32-unknown-unknown "${features[@]}" ${CARGO_OFFLINE:+--offline}
raw=$target/wasm32-unknown-unknown/release/parcel_desk.wasm

work=$target/wasm-split
rm -rf "$work" && mkdir -p "$work/split" "$work/bindgen"
# The JS stream classes Leptos brings and the widget never uses go before
# the split: an export keeps in the shell all it reaches, data included,
# and no later step can drop data (scripts/drop-stream-exports.mjs).
cp "$raw" "$work/parcel-desk.wasm"
node scripts/drop-stream-exports.mjs --raw "$work/parcel-desk.wasm"
raw=$work/parcel-desk.wasm
# The shell keeps the name wasm-bindgen gives its input: parcel-desk.wasm in,
# parcel-desk.js + parcel-desk_bg.wasm out; __wasm_split.js imports
# initSync from ./parcel-desk.js. `--gate widget` (our patch of the
# splitter, tools/wasm-split-gate.patch): every other module is loaded
# after the widget's (src/lib.rs `widget_module`), so what the widget shares
# with them is one chunk loaded with it. `--merge-rest` (the same patch):
# what those other modules share among themselves is one chunk too, loaded
# with the first of them (was 57 chunks: −44.6 KB brotli in all,
# bench/history.md).
wasm-split-cli "$raw" "$work/split" --out-name parcel-desk --target web --gate widget --merge-rest
wasm-bindgen --target web --no-typescript --keep-lld-exports \
  --out-dir "$work/bindgen" --out-name parcel-desk "$work/split/parcel-desk.wasm"

wasm_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --enable-mutable-globals)
# --low-memory-unused: no pointer points into the first 1 KB of memory, so
# wasm-opt may fold constant offsets into loads and stores (shell −0.5 KB
# brotli; bench/history.md). Rust's wasm32 linker puts the stack first,
# growing down from 1 MB toward 0, and the data above it: only the stack's
# last kilobyte lies there, reached only right before it overflows.
# scripts/check-low-memory.mjs stops the build if the shell, which lays
# out the memory every module shares, ever has data or its stack's start
# there.
node scripts/check-low-memory.mjs "$work/bindgen/parcel-desk_bg.wasm"
wasm_features+=(--low-memory-unused)
# --merge-similar-functions before -Oz (after it, it finds nothing more):
# functions that differ only in constants become one that takes them as
# arguments (−0.3 to −0.5 KB brotli per large module; bench/history.md).
wasm_passes=(--merge-similar-functions -Oz --converge)
"$wasm_opt" "${wasm_features[@]}" "${wasm_passes[@]}" "$work/bindgen/parcel-desk_bg.wasm" -o "$dir/parcel-desk_bg.wasm"
cp "$work/bindgen/parcel-desk.js" "$dir/parcel-desk.js"
cp "$work/split/__wasm_split.js" "$dir/__wasm_split.js"
# The glue's own snippets (src/lazy.rs: pd_asset_url), bundled into it by
# scripts/minify-js.mjs, which then removes them.
if [ -d "$work/bindgen/snippets" ]; then cp -r "$work/bindgen/snippets" "$dir/snippets"; fi
# The language files, split into core and view texts (Trunk copied the
# complete ones). The claim-only build loads its view texts with the claim
# form's questions.
for f in "$dir"/i18n/*.json; do
  tag=$(basename "$f" .json)
  case $tag in *.views) continue ;; esac
  [ -f "$i18n_out/$tag.json" ] || { echo "split-build: build.rs wrote no $i18n_out/$tag.json" >&2; exit 1; }
  cp "$i18n_out/$tag.json" "$f"
  cp "$i18n_out/$tag.views.json" "$dir/i18n/$tag.views.json"
done
# wasm-split-cli names a view's module after its #[lazy] function and a
# hash of where that is in the source (split_track_view_1456….wasm); the
# names here drop the hash, so that they stay the same from build to build
# (split_track_view.wasm). The splitter writes at most two chunks, which
# the loader lists, each in a comment with the modules that need it:
# chunk_widget.wasm, what the widget shares with the modules after it
# (`--gate widget`), and chunk_rest.wasm, what those share among themselves
# and the widget does not need (`--merge-rest`).
chunks() { # widget | rest: the chunk (file name) the widget's module needs, or the other one
  node -e '
    const s = require("fs").readFileSync(process.argv[1], "utf8");
    for (const m of s.matchAll(/\/\* ([^*]*) \*\/\nconst __chunk_(\d+)/g))
      if (m[1].split(", ").includes("widget") === (process.argv[2] === "widget")) console.log(`chunk_${m[2]}.wasm`);' "$work/split/__wasm_split.js" "$1"
}
widget_chunks=$(chunks widget)
rest_chunks=$(chunks rest)
[ "$(wc -w <<<"$widget_chunks")" = 1 ] || { echo "split-build: the widget's module needs $(wc -w <<<"$widget_chunks") chunks, not one: $widget_chunks" >&2; exit 1; }
[ "$(wc -w <<<"$rest_chunks")" -le 1 ] || { echo "split-build: $(wc -w <<<"$rest_chunks") chunks besides the widget's, not at most one: $rest_chunks" >&2; exit 1; }
for chunk in "$work/split"/*.wasm; do
  name=$(basename "$chunk")
  [ "$name" = parcel-desk.wasm ] && continue
  stable=$(sed -E 's/^(split_[a-z_]+)_[0-9]+\.wasm$/\1.wasm/' <<<"$name")
  [ "$name" = "$widget_chunks" ] && stable=chunk_widget.wasm
  [ "$name" = "$rest_chunks" ] && stable=chunk_rest.wasm
  [ -e "$dir/$stable" ] && { echo "split-build: two modules named $stable" >&2; exit 1; }
  "$wasm_opt" "${wasm_features[@]}" "${wasm_passes[@]}" "$chunk" -o "$dir/$stable"
  if [ "$stable" != "$name" ]; then
    grep -q "\"./$name\"" "$dir/__wasm_split.js" || { echo "split-build: __wasm_split.js does not load $name" >&2; exit 1; }
    sed -i "s|\"./$name\"|\"./$stable\"|" "$dir/__wasm_split.js"
  fi
done
ls -l "$dir"/*.wasm "$dir"/*.js
