#!/usr/bin/env bash
# Runs every test suite and closes with one summary line per kind and a
# total, e.g. "tests: 68 passed, 0 failed". Called by `make test` after the
# tools, the release widget and the proxy binary are built.
set -uo pipefail
cd "$(dirname "$0")/.."
log_dir=$(mktemp -d)
failed_suites=()

run() { # name, command...
  local name=$1; shift
  echo "== $name: $*"
  if ! "$@" 2>&1 | tee "$log_dir/$name.log"; then
    failed_suites+=("$name")
  fi
}

# cargo: sum "test result: … N passed; M failed"
cargo_count() { # log, field (passed|failed)
  grep -oE "[0-9]+ $2;" "$1" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}

# Format and lints first: no import cycle between the modules of a crate
# (scripts/module-cycles.py), cargo fmt, and clippy with warnings as errors on
# the native workspace, the widget for wasm32 (every view) and the
# claim-only widget (no optional views), each also as the release builds
# compile it, split into modules (feature `split`).
lint() {
  scripts/module-cycles.py proxy/src sandbox/src wire/src src &&
    cargo fmt --all --check &&
    cargo clippy --workspace --all-targets -- -D warnings &&
    cargo clippy --target wasm32-unknown-unknown -p parcel-desk --all-targets -- -D warnings &&
    cargo clippy --target wasm32-unknown-unknown -p parcel-desk --no-default-features -- -D warnings &&
    cargo clippy --target wasm32-unknown-unknown -p parcel-desk --features split -- -D warnings &&
    cargo clippy --target wasm32-unknown-unknown -p parcel-desk --no-default-features --features split -- -D warnings &&
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p parcel-desk --target wasm32-unknown-unknown &&
    echo "lint: no module cycles, cargo fmt, clippy and rustdoc clean"
}
run lint lint
# The four publishable crates package (no build: scripts/package-check.sh).
run package scripts/package-check.sh
run native cargo test --no-fail-fast -p parcel-desk-wire -p parcel-desk-proxy -p parcel-desk-sandbox -p parcel-desk --lib --tests
# The widget's own tests once more as the release builds compile it (split
# into modules: its texts come in two parts).
run native-split cargo test --no-fail-fast -p parcel-desk --lib --features split
# The component library's doc examples compile (src/components.rs).
run doc cargo test --no-fail-fast -p parcel-desk --doc
run browser cargo test --no-fail-fast --target wasm32-unknown-unknown -p parcel-desk --test web
run e2e bash -c 'cd e2e && npx tsc -p . && npx playwright test'
run api scripts/schemathesis.sh

native=$(( $(cargo_count "$log_dir/native.log" passed) + $(cargo_count "$log_dir/native-split.log" passed) + $(cargo_count "$log_dir/doc.log" passed) ))
native_failed=$(( $(cargo_count "$log_dir/native.log" failed) + $(cargo_count "$log_dir/native-split.log" failed) + $(cargo_count "$log_dir/doc.log" failed) ))
browser=$(cargo_count "$log_dir/browser.log" passed)
browser_failed=$(cargo_count "$log_dir/browser.log" failed)
e2e=$(grep -oE "^ +[0-9]+ passed" "$log_dir/e2e.log" | awk '{ s += $1 } END { print s + 0 }')
e2e_failed=$(grep -oE "^ +[0-9]+ failed" "$log_dir/e2e.log" | awk '{ s += $1 } END { print s + 0 }')
# schemathesis: generated cases against the proxy's OpenAPI document.
api_line=$(grep -E '^schemathesis: [0-9]+ cases' "$log_dir/api.log" | tail -n 1)
api_failed=$(echo "$api_line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
api_cases=$(echo "$api_line" | grep -oE '^schemathesis: [0-9]+' | grep -oE '[0-9]+' || echo 0)
api=$((api_failed > 0 ? 0 : api_cases))

echo
echo "native (cargo test):            $native passed, $native_failed failed"
echo "in-browser (wasm-bindgen-test): $browser passed, $browser_failed failed"
echo "end-to-end (Playwright):        $e2e passed, $e2e_failed failed"
echo "module cycles, fmt, clippy:     $(grep -q '^lint: no module cycles, cargo fmt, clippy and rustdoc clean' "$log_dir/lint.log" && echo clean || echo FAILED)"
echo "API (schemathesis):             ${api_line#schemathesis: }"
echo "cargo package (--no-verify):    $(grep -E '^crates packaged: ' "$log_dir/package.log" | tail -n 1 || echo 'crates packaged: none (did not run)')"
failed=$((native_failed + browser_failed + e2e_failed + api_failed))
if [ ${#failed_suites[@]} -gt 0 ] && [ "$failed" -eq 0 ]; then
  failed=${#failed_suites[@]} # a suite broke before counting (e.g. did not compile)
fi
[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "tests: $((native + browser + e2e)) passed, $failed failed (and $api schemathesis cases passed)"
[ ${#failed_suites[@]} -eq 0 ]
