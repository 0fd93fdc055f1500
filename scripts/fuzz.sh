#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for FUZZ_SECS seconds
# each (default 600), starting from its committed seed corpus
# (fuzz/corpus/<target>/, never written to: new inputs go to a temporary
# corpus). Installs cargo-fuzz from crates.io when missing. The targets are
# built with AddressSanitizer, which needs unstable rustc options: they are
# unlocked with RUSTC_BOOTSTRAP=1 for this build only. Ends with one line
# per target: runs, seconds, crashes (a crash's input is kept in
# fuzz/artifacts/<target>/). Exits non-zero when any target crashed.
#
#   make fuzz                 every target, 600 s each
#   FUZZ_SECS=60 make fuzz    a quick round
#   scripts/fuzz.sh route_parsing   one target
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECS:-600}
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] cargo install cargo-fuzz --locked"
  cargo install cargo-fuzz --locked || exit 1
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(ls fuzz/fuzz_targets | sed 's/\.rs$//')
export RUSTC_BOOTSTRAP=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary=()
crashed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log="$work/$t.log"
  start=$(date +%s)
  (cd fuzz && cargo fuzz run "$t" "$work/$t" "corpus/$t" -- -max_total_time="$secs" -print_final_stats=1) >"$log" 2>&1
  status=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | grep -c '^crash-\|^oom-\|^timeout-\|^leak-' || true)
  if [ "$status" -ne 0 ]; then
    crashed=1
    echo "[fuzz] $t failed (exit $status); the end of its log:"
    tail -n 30 "$log"
  fi
  summary+=("fuzz: $t: ${runs:-0} runs in $(( $(date +%s) - start )) s, ${crashes:-0} crash inputs in fuzz/artifacts/$t, exit $status")
done
printf '%s\n' "${summary[@]}"
exit "$crashed"
