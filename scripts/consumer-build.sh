#!/usr/bin/env bash
# Builds the consumer app (e2e/consumer/, Vite + TypeScript) against the
# packed npm package, the way a shop would: `npm ci` for its own
# dependencies (lockfile), then the tarball from scripts/npm-pack.sh
# (--no-save: its integrity changes with every widget build, so it stays out
# of the lockfile), a typecheck against the package's declarations and
# `vite build` into e2e/consumer/dist/. The e2e tests serve that directory.
set -euo pipefail
cd "$(dirname "$0")/.."

tarball=$(ls npm/parcel-desk-*.tgz 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "consumer-build: no npm/parcel-desk-*.tgz (run scripts/npm-pack.sh)" >&2; exit 1; }

cd e2e/consumer
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi
npm install --no-save --no-audit --no-fund --silent "../../$tarball"
npx tsc --noEmit
npx vite build --logLevel warn
wasm=$(ls dist/assets/parcel-desk_bg-*.wasm 2>/dev/null | head -1)
[ -n "$wasm" ] || { echo "consumer-build: vite emitted no parcel-desk_bg .wasm asset" >&2; exit 1; }
echo "consumer-build: e2e/consumer/dist ($(basename "$wasm") emitted by Vite)"
