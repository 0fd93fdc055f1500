#!/usr/bin/env bash
# `trunk build --release "$@"` with the widget's size settings.
#
# On top of the release profile (opt-level z, LTO, one codegen unit,
# panic = abort) the widget rebuilds Rust's standard library (`build-std`)
# for itself, with:
#   -Cpanic=immediate-abort     a panic traps at once: no panic message
#                               formatting in the wasm. (With panic = abort a
#                               panic already ended the widget, and its
#                               message went to a stderr that wasm32 does not
#                               have: nobody ever saw it.)
#   -Zlocation-detail=none      no source file names and lines for panics
#   -Zfmt-debug=none            `{:?}` prints nothing (the widget never shows
#                               Debug output; native tests are not built
#                               this way)
#   optimize_for_size           std's smaller sort and formatting code
# Measured: -18.6 KB brotli on the full widget (bench/history.md).
#
# These are unstable options of the pinned stable toolchain, unlocked with
# RUSTC_BOOTSTRAP=1 for this one build (it needs the rust-src component,
# which scripts/setup.sh installs). They live in their own target directory,
# target/widget, so the rest of the workspace never sees them. If a toolchain
# update breaks them, PD_STABLE_STD=1 builds the widget the plain way.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${PD_STABLE_STD:-}" != 1 ]; then
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  # Replaces the rustflags in .cargo/config.toml, so repeat its cfg here.
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
  export CARGO_TARGET_DIR="$PWD/target/widget"
fi
# `--in DIR` builds the app whose Trunk.toml is in DIR instead (the example
# Leptos shop), with the same settings and target directory.
if [ "${1:-}" = "--in" ]; then
  cd "$2"
  shift 2
fi
# (--release last: Trunk 0.21 would read a following path as its value.)
exec trunk build "$@" --release
