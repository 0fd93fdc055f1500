# parcel-desk — the two commands a new user needs:
#   make demo   build the widget (release) and run the proxy in sandbox mode
#   make test   every test: native, in-browser (wasm-bindgen-test), e2e (Playwright)
# Both install what is missing first (scripts/setup.sh, idempotent).

SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export CHROMEDRIVER := /usr/bin/chromedriver
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

LISTEN ?= 127.0.0.1:8080
PROXY := target/debug/parcel-desk-proxy

.PHONY: demo test setup setup-test widget example proxy npm test-native test-browser test-e2e package-check sizes bench fuzz clean

# --demo-staff: the staff view on, with a token generated for this run and
# printed with the staff view's URL.
FAULTS ?= 0
demo: setup widget proxy
	$(PROXY) --sandbox --demo-staff --sandbox-faults $(FAULTS) --static dist --listen $(LISTEN)

test: setup-test widget example proxy
	@scripts/test.sh

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

# The widget in release mode (scripts/trunk-release.sh: opt-level z, LTO,
# std rebuilt for size, wasm-opt -Oz --converge, then the post-build scripts
# in Trunk.toml): the full build in dist/, split per view
# (scripts/split-build.sh: the shell parcel-desk_bg.wasm, and split_*.wasm and
# chunk_*.wasm that its glue loads when needed), the claim-only build
# (builds/claim-only/index.html) in dist/claim/; plus gzip and brotli siblings
# that the proxy serves to browsers that accept them. Built in dist.new/,
# which replaces dist/ only when everything succeeded; skipped when nothing
# it is made from changed (dist/.widget-built is newer than all of it).
widget: dist/.widget-built

# Everything the two widget builds are made from: when none of it changed
# since the last complete build, `make widget` (and so a second `make demo`
# or `make test`) skips the release build (about 3.5 minutes).
WIDGET_INPUTS := $(shell find src wire/src style i18n js demo builds -type f 2>/dev/null) \
  index.html Trunk.toml Cargo.toml Cargo.lock build.rs wire/Cargo.toml \
  scripts/trunk-release.sh scripts/split-build.sh scripts/strip-trunk-init.sh $(wildcard scripts/*.mjs) \
  tools/wasm-split-gate.patch

dist/.widget-built: $(WIDGET_INPUTS)
	@rm -rf dist.new
	scripts/trunk-release.sh --dist dist.new
	scripts/trunk-release.sh builds/claim-only/index.html --dist dist.new/claim
	@scripts/strip-trunk-init.sh dist.new/index.html dist.new/claim/index.html
	@for f in dist.new/*.wasm dist.new/*.js dist.new/*.css dist.new/*.html dist.new/i18n/*.json \
	  dist.new/claim/*.wasm dist.new/claim/*.js dist.new/claim/*.css dist.new/claim/*.html dist.new/claim/i18n/*.json; do \
	  gzip -9 -k -f "$$f"; brotli -q 11 -k -f "$$f"; \
	done
	@# Both builds are complete: only now do they replace dist/ (a failed
	@# build leaves the last good dist/ as it was, never half of one).
	@touch dist.new/.widget-built
	@rm -rf dist && mv dist.new dist
	@scripts/sizes.sh

# The example Leptos shop (examples/leptos-shop/): the component library used
# from another Leptos app, built with the widget's release settings into
# examples/leptos-shop/dist/ (make test runs one Playwright flow on it).
EXAMPLE_INPUTS := $(shell find examples/leptos-shop/src -type f 2>/dev/null) \
  examples/leptos-shop/Cargo.toml examples/leptos-shop/Trunk.toml examples/leptos-shop/index.html \
  examples/leptos-shop/shop.css
example: examples/leptos-shop/dist/.built

examples/leptos-shop/dist/.built: $(WIDGET_INPUTS) $(EXAMPLE_INPUTS)
	scripts/trunk-release.sh --in examples/leptos-shop
	@for f in examples/leptos-shop/dist/*.wasm examples/leptos-shop/dist/*.js examples/leptos-shop/dist/*.css; do \
	  brotli -q 11 -k -f "$$f"; \
	done
	@touch $@

proxy:
	cargo build -p parcel-desk-proxy

# The npm package `parcel-desk`: npm/dist/ from dist/, packed into
# npm/parcel-desk-<version>.tgz and checked with attw. (The e2e run does this
# too, in e2e/global-setup.ts, and builds the Vite consumer app from it.)
npm: widget
	scripts/npm-pack.sh

test-native:
	cargo test -p parcel-desk-wire -p parcel-desk-proxy -p parcel-desk-sandbox -p parcel-desk --lib --tests

test-browser:
	cargo test --target wasm32-unknown-unknown -p parcel-desk --test web

test-e2e:
	cd e2e && npx tsc -p . && npx playwright test

# The four crates package for crates.io (cargo package --no-verify, no build).
package-check:
	scripts/package-check.sh

sizes:
	@scripts/sizes.sh

# Size, start-up, photo pipeline and proxy figures against their budgets and
# a React + Uppy build of the same form (not part of `make test`; installs
# what it needs; exits 0 whatever the figures): bench/report.md.
bench:
	@bench/bench.sh

# cargo-fuzz targets from their seed corpora, FUZZ_SECS (default 600)
# seconds each (scripts/fuzz.sh; not part of `make test`).
fuzz:
	@scripts/fuzz.sh

clean:
	rm -rf dist dist.new e2e/test-results e2e/screenshots npm/dist npm/*.tgz e2e/consumer/dist
