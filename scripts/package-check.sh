#!/usr/bin/env bash
# Checks that the four publishable crates package: `cargo package --no-verify`
# (no build) for parcel-desk-wire, parcel-desk-sandbox, parcel-desk-proxy and
# parcel-desk, into a temporary target directory. Called by scripts/test.sh
# (step "package"); closes with "crates packaged: N of 4".
#
# One cargo invocation for all four: none is on crates.io yet, and cargo
# resolves a crate's path dependencies on its siblings (`version = "0.1.0"`)
# only when they are packaged together. --offline: the registry cache from
# the earlier steps of `make test` is enough (--no-verify compiles nothing).
set -uo pipefail
cd "$(dirname "$0")/.."

crates=(parcel-desk-wire parcel-desk-sandbox parcel-desk-proxy parcel-desk)
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done

log=$target/cargo.log
CARGO_TARGET_DIR=$target cargo package --no-verify --allow-dirty --offline "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The crates cargo reports "Packaged" (when one fails, cargo writes none of
# the .crate files, so the log is what tells which ones were fine).
done_list=$(awk '$1 == "Packaging" { c = $2 } $1 == "Packaged" { print c }' "$log")
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
packaged=0
missing=()
for c in "${crates[@]}"; do
  if grep -qx "$c" <<<"$done_list" && { [ "$status" -ne 0 ] || [ -f "$target/package/$c-$version.crate" ]; }; then
    packaged=$((packaged + 1))
  else
    missing+=("$c")
  fi
done

if [ "$status" -ne 0 ] || [ ${#missing[@]} -gt 0 ]; then
  echo "package-check: cargo package failed (exit $status); not packaged: ${missing[*]:-none}" >&2
fi
echo "crates packaged: $packaged of ${#crates[@]}"
[ "$status" -eq 0 ] && [ ${#missing[@]} -eq 0 ]
