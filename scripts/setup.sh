#!/usr/bin/env bash
# Installs what building and testing parcel-desk needs, skipping every tool
# that is already there at the right version, so a second run takes seconds.
#
#   scripts/setup.sh build   wasm32 target + rust-src, wasm-bindgen-cli (the version in
#                            Cargo.lock), wasm-split-cli, Trunk, wasm-opt (npm binaryen@132), esbuild (npm),
#                            brotli (apt), and every crate the offline release build needs:
#                            the workspace's and those of the standard library it rebuilds
#   scripts/setup.sh test    the above, plus Chromium + chromedriver (apt), PostgreSQL's
#                            server binaries (apt; the tests start throwaway clusters),
#                            the Node test dependencies, and schemathesis and aiosmtpd
#                            (PyPI, in the virtualenv .tools/venv; aiosmtpd is the SMTP
#                            sink of the proxy's mail tests)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_SPLIT_VERSION=0.2.4
WASM_SPLIT_SHA256=f6c1f994b196e31969f4cdbe37d051362659567efc0f5c90cb931a8a5cdc530f
BINARYEN_VERSION=132
ESBUILD_VERSION=0.28.2
SCHEMATHESIS_VERSION=4.32.5
AIOSMTPD_VERSION=1.4.6
TOOLS_DIR=.tools

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen the widget links against: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

has_version() { # command, expected version string
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

apt_install() { # packages...
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  # The release widget rebuilds the standard library (scripts/trunk-release.sh).
  if ! rustup component list --installed | grep -qx 'rust-src'; then
    say "rustup component add rust-src"
    rustup component add rust-src
  fi

  local wbg
  wbg=$(wasm_bindgen_version)
  [ -n "$wbg" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
  if ! has_version wasm-bindgen "$wbg" || ! command -v wasm-bindgen-test-runner >/dev/null; then
    # Not --locked: the CLI's own lock file names a crate the registry lacks.
    say "cargo install wasm-bindgen-cli $wbg (about 6 minutes on 2 cores)"
    cargo install wasm-bindgen-cli --version "=$wbg" --force
  fi

  # Cuts the widget into modules (scripts/split-build.sh): the crates.io
  # release with our patch tools/wasm-split-gate.patch (its `--gate`: what
  # the widget's module shares with the modules loaded after it goes into
  # one chunk, instead of one chunk per set of modules sharing it; and
  # `--merge-rest`: what those later modules share among themselves goes
  # into one chunk too). The crate comes from crates.io's download host,
  # checked against its checksum; `--merge-rest` in its help says the
  # current patch is installed (a machine with the older, gate-only patch
  # gets it again).
  if ! command -v wasm-split-cli >/dev/null \
    || ! cargo install --list | grep -qF "wasm_split_cli_support v$WASM_SPLIT_VERSION " \
    || ! wasm-split-cli --help | grep -q -- --merge-rest; then
    say "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION with tools/wasm-split-gate.patch (wasm-split-cli)"
    local src
    src=$(mktemp -d)
    curl -fsSL --retry 3 -o "$src/crate.tar.gz" \
      "https://static.crates.io/crates/wasm_split_cli_support/wasm_split_cli_support-$WASM_SPLIT_VERSION.crate"
    echo "$WASM_SPLIT_SHA256  $src/crate.tar.gz" | sha256sum -c --quiet
    tar xzf "$src/crate.tar.gz" -C "$src"
    git -C "$src/wasm_split_cli_support-$WASM_SPLIT_VERSION" apply "$PWD/tools/wasm-split-gate.patch"
    cargo install --locked --path "$src/wasm_split_cli_support-$WASM_SPLIT_VERSION" --features build-binary --force
    rm -rf "$src"
  fi

  if ! has_version trunk "$TRUNK_VERSION"; then
    say "cargo install trunk $TRUNK_VERSION (about 15 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
  fi

  # brotli precompresses the release files the proxy serves.
  apt_install brotli

  # Debian's binaryen 108 silently breaks the output: use npm's build.
  if ! has_version "$TOOLS_DIR/node_modules/.bin/wasm-opt" "version $BINARYEN_VERSION"; then
    say "npm install binaryen@$BINARYEN_VERSION into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    [ -f "$TOOLS_DIR/package.json" ] || echo '{"private": true}' > "$TOOLS_DIR/package.json"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
  # esbuild minifies the glue and element scripts (scripts/minify-js.mjs).
  if ! has_version "$TOOLS_DIR/node_modules/.bin/esbuild" "$ESBUILD_VERSION"; then
    say "npm install esbuild@$ESBUILD_VERSION into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    [ -f "$TOOLS_DIR/package.json" ] || echo '{"private": true}' > "$TOOLS_DIR/package.json"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "esbuild@$ESBUILD_VERSION"
  fi
}

# Trunk builds with `offline = true` (Trunk.toml), and the release widget
# rebuilds std (scripts/trunk-release.sh), whose own crates (dlmalloc,
# moto-rt, ...) come from the rust-src component's lock file. Nothing else
# downloads them, so fetch both here. Each fetch takes about a second when
# everything is already in cargo's cache.
fetch_crates() {
  local log sysroot_lib
  log=$(mktemp)
  # Without --target: the lock file's crates for every target (the widget's
  # wasm32 ones, the proxy's native ones, the test-only ones).
  if ! cargo fetch >"$log" 2>&1; then
    echo "setup: cargo fetch of the workspace's crates failed: $(grep -m 1 -E '^(error|warning: spurious)' "$log" || tail -n 1 "$log")" >&2
    rm -f "$log"; exit 1
  fi
  sysroot_lib="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
  if [ ! -f "$sysroot_lib/Cargo.lock" ]; then
    echo "setup: the rust-src component has no $sysroot_lib/Cargo.lock; reinstall it with: rustup component add rust-src" >&2
    rm -f "$log"; exit 1
  fi
  # std's workspace uses cargo features of nightly: the same RUSTC_BOOTSTRAP=1
  # the release build uses. --locked: the sysroot is never written to.
  if ! RUSTC_BOOTSTRAP=1 cargo fetch --locked --manifest-path "$sysroot_lib/Cargo.toml" >"$log" 2>&1; then
    echo "setup: cargo fetch of the standard library's crates (for build-std, $sysroot_lib/Cargo.lock) failed: $(grep -m 1 -E '^error' "$log" || tail -n 1 "$log")" >&2
    rm -f "$log"; exit 1
  fi
  rm -f "$log"
}

setup_test() {
  setup_build
  apt_install chromium chromium-driver
  # The store tests run against a real PostgreSQL: each starts its own cluster
  # (initdb + pg_ctl in a temporary directory) and removes it. Debian's package
  # starts a cluster of its own when installed: stop that one, nothing needs it.
  if ! dpkg -s postgresql >/dev/null 2>&1; then
    apt_install postgresql
    if command -v pg_lsclusters >/dev/null 2>&1; then
      pg_lsclusters -h | awk '$4 == "online" { print $1, $2 }' | while read -r v c; do
        say "stopping the cluster the package started ($v/$c)"
        pg_ctlcluster "$v" "$c" stop || true
      done
    fi
  fi
  # Node test dependencies (Playwright drives Debian's Chromium: no browser download).
  if [ ! -f e2e/node_modules/.package-lock.json ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    say "npm ci in e2e/"
    (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
  # schemathesis tests the proxy against its own OpenAPI document
  # (scripts/schemathesis.sh), from a virtualenv of its own.
  if ! has_version "$TOOLS_DIR/venv/bin/schemathesis" "version $SCHEMATHESIS_VERSION"; then
    say "pip install schemathesis==$SCHEMATHESIS_VERSION into $TOOLS_DIR/venv"
    mkdir -p "$TOOLS_DIR"
    [ -x "$TOOLS_DIR/venv/bin/pip" ] || python3 -m venv "$TOOLS_DIR/venv"
    "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  # aiosmtpd is the SMTP server the proxy's mail tests start and stop
  # (proxy/tests/smtp_sink.py, run with .tools/venv/bin/python).
  if ! "$TOOLS_DIR/venv/bin/python" -c "import sys, aiosmtpd; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
    say "pip install aiosmtpd==$AIOSMTPD_VERSION into $TOOLS_DIR/venv"
    mkdir -p "$TOOLS_DIR"
    [ -x "$TOOLS_DIR/venv/bin/pip" ] || python3 -m venv "$TOOLS_DIR/venv"
    "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
}

case "${1:-build}" in
  build) setup_build; fetch_crates ;;
  test) setup_test; fetch_crates ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
say "tools ready"
