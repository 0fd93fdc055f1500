#!/usr/bin/env bash
# `make bench`: measures the widget against what a merchant would otherwise
# ship (React + Uppy, built with Vite from the npm registry) and the proxy
# against the sandbox called directly, then writes bench/report.md and
# bench/report.json. A measurement, not a test: exits 0 whatever the figures
# (a step that breaks is reported as "not measured" and the rest goes on).
#
# Steps (bench/README.md has the details):
#   1 setup     scripts/setup.sh test + oha, twiggy (cargo), the comparison's npm ci
#   2 build     full widget, claim-only widget (--no-default-features),
#               React + Uppy (vite build), proxy (--release)
#   3 sizes     raw / gzip -9 / brotli -q 11 per part and total
#   4 browser   start-up (4x CPU, Fast 3G, median of BENCH_LOADS) and the
#               12-megapixel photo pipeline (median of 5), headless Chromium
#   5 proxy     500 req/s for 30 s, proxy vs. sandbox direct (oha); peak RSS
#               of the proxy during 50 concurrent 6 MB uploads
#   6 profile   where the wasm's bytes go: sections (raw/brotli), twiggy top
#   7 report    bench/report.md, bench/report.json, table on stdout
#
# Environment: BENCH_LOADS (start-up loads per build, default 11),
# BENCH_PHOTO_RUNS (default 5), BENCH_RATE (default 500), BENCH_DURATION
# (default 30s), BENCH_SKIP_SETUP=1 (tools already there).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/bench/work
RESULTS=$WORK/results
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

OHA_VERSION=1.16.0
TWIGGY_VERSION=0.8.0

say() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }
started=$(date +%s)
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json "$RESULTS"/*.txt "$RESULTS"/*.log
: > "$RESULTS/steps.log"

# step NAME COMMAND...: runs one step, records its status and duration.
step() {
  local name=$1; shift
  local t0=$SECONDS
  say "$name"
  if "$@"; then
    echo "$name ok $((SECONDS - t0))" >> "$RESULTS/steps.log"
  else
    echo "$name failed $((SECONDS - t0))" >> "$RESULTS/steps.log"
    say "$name FAILED (its figures are reported as not measured)"
  fi
}

has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"; }

setup() {
  if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
    scripts/setup.sh test || return 1
  fi
  if ! has_version oha "$OHA_VERSION"; then
    say "cargo install oha $OHA_VERSION (about 9 minutes on 2 cores, once)"
    cargo install oha --version "$OHA_VERSION" --locked --force || return 1
  fi
  if ! has_version twiggy "$TWIGGY_VERSION"; then
    say "cargo install twiggy $TWIGGY_VERSION (once)"
    cargo install twiggy --version "$TWIGGY_VERSION" --locked --force || return 1
  fi
  if [ ! -f bench/compare/node_modules/.package-lock.json ] \
     || [ bench/compare/package-lock.json -nt bench/compare/node_modules/.package-lock.json ]; then
    say "npm ci in bench/compare/"
    (cd bench/compare && npm ci --no-audit --no-fund --silent) || return 1
  fi
}

# Trunk injects an inline script that initialises the wasm itself; the
# element script does that. Removed exactly as `make widget` does.
strip_trunk_init() {
  scripts/strip-trunk-init.sh "$1/index.html"
}

# cargo's wasm of the build just made (names intact), for the twiggy profile.
keep_cargo_wasm() {
  mkdir -p "$WORK/named"
  # scripts/trunk-release.sh builds in target/widget (target/ with PD_STABLE_STD=1).
  local dir=target/widget
  [ "${PD_STABLE_STD:-}" = 1 ] && dir=${CARGO_TARGET_DIR:-target}
  cp "$dir/wasm32-unknown-unknown/release/parcel_desk.wasm" "$WORK/named/cargo-$1.wasm"
}

build() {
  local ok=0
  # A failed build must not leave an earlier run's files to be measured.
  rm -rf "$WORK/full" "$WORK/claim" "$WORK/react" "$WORK/named"
  # (a) the full widget: the main index.html, as `make widget` builds it,
  # into its own directory so dist/ (and whoever uses it) is left alone.
  scripts/trunk-release.sh --dist "$WORK/full" && strip_trunk_init "$WORK/full" && keep_cargo_wasm full || ok=1
  # (b) the claim view only: the same crate with --no-default-features.
  scripts/trunk-release.sh builds/claim-only/index.html --dist "$WORK/claim" && strip_trunk_init "$WORK/claim" \
    && keep_cargo_wasm claim || ok=1
  # (c) the comparison: React + Uppy, Vite production build.
  (cd bench/compare && npx vite build --logLevel warn --outDir "$WORK/react" --emptyOutDir) || ok=1
  cargo build --release -p parcel-desk-proxy --bins --example burst || ok=1

  # One directory the proxy serves: the full build at /, the claim-only
  # build at /claim/, React + Uppy at /react/; all precompressed alike.
  rm -rf "$WORK/www" && mkdir -p "$WORK/www"
  [ -d "$WORK/full" ] && cp -r "$WORK/full/." "$WORK/www/"
  [ -d "$WORK/claim" ] && cp -r "$WORK/claim" "$WORK/www/claim"
  [ -d "$WORK/react" ] && cp -r "$WORK/react" "$WORK/www/react"
  find "$WORK/www" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.json' \) | while read -r f; do
    gzip -9 -k -f "$f" && brotli -q 11 -k -f "$f"
  done
  return $ok
}

# sizes.tsv: build, part, raw, gzip, brotli
sizes() {
  local out=$RESULTS/sizes.tsv
  : > "$out"
  row() { # build file label
    local raw gz br
    raw=$(stat -c %s "$2"); gz=$(gzip -9 -c "$2" | wc -c); br=$(brotli -q 11 -c "$2" | wc -c)
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$raw" "$gz" "$br" >> "$out"
  }
  largest_of() { # files: the largest of them, brotli
    for f in "$@"; do
      [ -f "$f" ] && printf '%s %s\n' "$(brotli -q 11 -c "$f" | wc -c)" "$f"
    done | sort -n | tail -1 | cut -d' ' -f2-
  }
  for b in full claim; do
    for f in parcel-desk_bg.wasm parcel-desk.js parcel-desk-element.js; do
      [ -f "$WORK/$b/$f" ] && row "$b" "$WORK/$b/$f" "$f"
    done
    # No language is compiled into the wasm: every page also downloads its
    # language's file (English's too). Count the largest (brotli) one, so
    # the total is what the heaviest page downloads.
    local largest core=()
    # (The view texts, i18n/<tag>.views.json, come later with the first
    # view module.)
    for f in "$WORK/$b"/i18n/*.json; do
      case $f in *.views.json) continue ;; esac
      core+=("$f")
    done
    largest=$(largest_of "${core[@]}")
    [ -n "$largest" ] && row "$b" "$largest" "i18n/$(basename "$largest") (largest language file)"
    # Our CSS is compiled into the wasm; a widget stylesheet would count here
    # (page.css and shop.css belong to the standalone and demo pages).
    for f in "$WORK/$b"/parcel-desk*.css; do
      [ -f "$f" ] && row "$b" "$f" "$(basename "$f")"
    done
  done
  # The full build's other views and the claim form's own lazy parts
  # (scripts/split-build.sh): loaded when the browser is idle after the
  # first view, or when their tab is opened or the form first needs them;
  # not part of what loads before the claim form is usable.
  for f in "$WORK"/full/split_*.wasm "$WORK"/full/chunk_*.wasm; do
    [ -f "$f" ] && row views "$f" "$(basename "$f")"
  done
  # With the first of those views: its texts (and the stylesheet's rules
  # the shell leaves out), the largest language's.
  largest=$(largest_of "$WORK"/full/i18n/*.views.json)
  [ -n "$largest" ] && row views "$largest" "i18n/$(basename "$largest") (largest view texts)"
  # The claim-only build is split too: its questions, photo list (with the
  # upload pipeline) and tracking look-up load when the browser is idle
  # after the form, or on first use, its view texts with the first of them.
  for f in "$WORK"/claim/split_*.wasm "$WORK"/claim/chunk_*.wasm; do
    [ -f "$f" ] && row claimlater "$f" "$(basename "$f")"
  done
  largest=$(largest_of "$WORK"/claim/i18n/*.views.json)
  [ -n "$largest" ] && row claimlater "$largest" "i18n/$(basename "$largest") (largest view texts)"
  # Of those, what comes right after the claim form's first step, at once:
  # the widget's module (Leptos and the form's code) and the one chunk it
  # needs (scripts/split-build.sh). Counted in the sums above too.
  for b in full claim; do
    for f in split_widget.wasm chunk_widget.wasm; do
      [ -f "$WORK/$b/$f" ] && row "widget$b" "$WORK/$b/$f" "$f"
    done
  done
  for f in "$WORK"/react/assets/*.js "$WORK"/react/assets/*.css; do
    [ -f "$f" ] && row react "$f" "assets/$(basename "$f")"
  done
  [ -s "$out" ]
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_http() { # url
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

browser() {
  local port pid rc=0
  port=$(free_port)
  PARCEL_DESK_LIMITS_CREATE_PER_MINUTE=0 PARCEL_DESK_LIMITS_OTHER_PER_MINUTE=0 \
    target/release/parcel-desk-proxy --sandbox --static "$WORK/www" --listen "127.0.0.1:$port" \
    > "$RESULTS/browser-proxy.log" 2>&1 &
  pid=$!
  if wait_http "http://127.0.0.1:$port/healthz"; then
    node bench/browser.mjs "http://127.0.0.1:$port" "$RESULTS" || rc=1
  else
    rc=1
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  return $rc
}

proxy_bench() { bench/proxy.sh "$RESULTS"; }

# Where the wasm's bytes go: its sections (raw and brotli), and twiggy's top
# items. Trunk's wasm has no names after wasm-opt, so the profile is of the
# same cargo output run through wasm-bindgen and `wasm-opt -Oz -g` (names
# kept; the code is the same within a few hundred bytes).
wasm_profile() {
  local b rc=0
  for b in full claim; do
    [ -f "$WORK/$b/parcel-desk_bg.wasm" ] || continue
    python3 bench/wasm_sections.py "$WORK/$b/parcel-desk_bg.wasm" > "$RESULTS/sections-$b.txt" || rc=1
    [ -f "$WORK/named/cargo-$b.wasm" ] || { rc=1; continue; }
    wasm-bindgen --target web --out-dir "$WORK/named/$b" --out-name parcel-desk "$WORK/named/cargo-$b.wasm" \
      && wasm-opt -Oz -g "$WORK/named/$b/parcel-desk_bg.wasm" -o "$WORK/named/$b-named.wasm" \
      && twiggy top -n 30 "$WORK/named/$b-named.wasm" > "$RESULTS/twiggy-$b.txt" || rc=1
  done
  return $rc
}

report() { node bench/report.mjs "$ROOT" "$RESULTS" "$(( $(date +%s) - started ))"; }

step setup setup
step build build
step sizes sizes
step browser browser
step proxy proxy_bench
step profile wasm_profile
report || say "report failed"
say "done in $(( $(date +%s) - started )) s"
exit 0
