#!/usr/bin/env bash
# Prints what a shop page downloads for the widget: raw, gzip and brotli
# bytes, for the full build (dist/) and the claim-only build (dist/claim/).
# Both builds are split (scripts/split-build.sh): what loads before the
# claim form is usable (the shell, with the form's first step in plain
# HTML: element script, glue, parcel-desk_bg.wasm; __wasm_split.js only if
# it was not bundled into the glue), then at once the widget's module and
# the chunk it needs, and the other modules when idle or on first use.
set -euo pipefail
cd "$(dirname "$0")/../dist"
row() { printf '%-26s %9s %9s %9s\n' "$@"; }
total=(0 0 0)
add() { # file
  local raw gz br
  raw=$(stat -c %s "$1"); gz=$(gzip -9 -c "$1" | wc -c); br=$(brotli -q 11 -c "$1" | wc -c)
  row "${1#*/}" "$raw" "$gz" "$br"
  total=($((total[0] + raw)) $((total[1] + gz)) $((total[2] + br)))
}
sizes() { # directory, title
  [ -f "$1/parcel-desk_bg.wasm" ] || return 0
  echo "$2"
  row file raw gzip brotli
  total=(0 0 0)
  local f
  for f in parcel-desk_bg.wasm parcel-desk.js __wasm_split.js parcel-desk-element.js; do
    [ -f "$1/$f" ] && add "$1/$f"
  done
  row "embed total" "${total[@]}"
  local shell=("${total[@]}")
  compgen -G "$1/split_*.wasm" >/dev/null || return 0
  echo "  loaded right after the first step (the widget: Leptos, the form's code, the frame; its chunk):"
  total=(0 0 0)
  for f in split_widget.wasm chunk_widget.wasm; do
    [ -f "$1/$f" ] && add "$1/$f"
  done
  row "widget total" "${total[@]}"
  local widget=("${total[@]}")
  echo "  loaded when idle or on first use (other views; the claim form's questions, photo list and tracking look-up):"
  total=(0 0 0)
  for f in "$1"/split_*.wasm "$1"/chunk_*.wasm; do
    case ${f##*/} in split_widget.wasm | chunk_widget.wasm) continue ;; esac
    [ -f "$f" ] && add "$f"
  done
  # With the first of these modules: their texts (English here; in
  # another language its own i18n/<tag>.views.json, listed below).
  [ -f "$1/i18n/en.views.json" ] && add "$1/i18n/en.views.json"
  row "later total" "${total[@]}"
  row "all modules + scripts" $((shell[0] + widget[0] + total[0])) $((shell[1] + widget[1] + total[1])) $((shell[2] + widget[2] + total[2]))
}
sizes . "full build (dist/): the shell with the claim form's first step; the widget and the rest split off"
echo
sizes claim "claim-only build (dist/claim/): the shell with the claim form's first step; the widget, its questions, photo list and tracking look-up split off"
echo
echo "(The shell's CSS is compiled into the .wasm, no language is. A page also"
echo " downloads its language's i18n/<tag>.json before the form is usable, English"
echo " too, and with the first module that needs them its i18n/<tag>.views.json:)"
for f in i18n/*.json; do
  [ -f "$f" ] || continue
  row "$f" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
