#!/usr/bin/env bash
# Prints what a shop page downloads for the widget: raw, gzip and brotli bytes.
set -euo pipefail
cd "$(dirname "$0")/../dist"
printf '%-26s %9s %9s %9s\n' file raw gzip brotli
total=(0 0 0)
for f in parcel-desk_bg.wasm parcel-desk.js parcel-desk-element.js; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-26s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
  total=($((total[0] + raw)) $((total[1] + gz)) $((total[2] + br)))
done
printf '%-26s %9d %9d %9d\n' "embed total" "${total[@]}"
echo "(CSS and English are compiled into the .wasm. A page in another language"
echo " also downloads its file, one of:)"
for f in i18n/*.json; do
  [ -f "$f" ] || continue
  printf '%-26s %9d %9d %9d\n' "$f" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
