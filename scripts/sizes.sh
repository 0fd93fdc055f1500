#!/usr/bin/env bash
# Prints what a shop page downloads for the widget: raw, gzip and brotli
# bytes, for the full build (dist/) and the claim-only build (dist/claim/).
set -euo pipefail
cd "$(dirname "$0")/../dist"
row() { printf '%-26s %9s %9s %9s\n' "$@"; }
sizes() { # directory, title
  [ -f "$1/parcel-desk_bg.wasm" ] || return 0
  echo "$2"
  row file raw gzip brotli
  local total=(0 0 0) f raw gz br
  for f in parcel-desk_bg.wasm parcel-desk.js parcel-desk-element.js; do
    [ -f "$1/$f" ] || continue
    raw=$(stat -c %s "$1/$f"); gz=$(gzip -9 -c "$1/$f" | wc -c); br=$(brotli -q 11 -c "$1/$f" | wc -c)
    row "$f" "$raw" "$gz" "$br"
    total=($((total[0] + raw)) $((total[1] + gz)) $((total[2] + br)))
  done
  row "embed total" "${total[@]}"
}
sizes . "full build (dist/): every view"
echo
sizes claim "claim-only build (dist/claim/): the claim form"
echo
echo "(CSS and English are compiled into the .wasm. A page in another language"
echo " also downloads its file, one of:)"
for f in i18n/*.json; do
  [ -f "$f" ] || continue
  row "$f" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
