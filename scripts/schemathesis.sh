#!/usr/bin/env bash
# schemathesis against the proxy in sandbox mode, from the OpenAPI document
# the proxy serves (GET /api/openapi.json, generated from wire's route
# table). Every operation, at least 1,000 generated cases in all, with the
# checks not_a_server_error, status_code_conformance,
# content_type_conformance and response_schema_conformance. The proxy's
# per-client rate limits are raised for this run only
# (tests/schemathesis/proxy.toml). Ends with one line
# "schemathesis: N cases, M operations, F failed".
#
#   scripts/schemathesis.sh            the fixed seed, as make test runs it
#   PD_ST_SEED=random scripts/schemathesis.sh   a new seed (printed)
set -euo pipefail
cd "$(dirname "$0")/.."
st=.tools/venv/bin/schemathesis
proxy=target/debug/parcel-desk-proxy
[ -x "$st" ] || { echo "schemathesis: $st is missing (scripts/setup.sh test installs it)" >&2; exit 1; }
[ -x "$proxy" ] || { echo "schemathesis: $proxy is missing (make proxy builds it)" >&2; exit 1; }
seed=${PD_ST_SEED:-20261202}
[ "$seed" = random ] && seed=$(python3 -c 'import random; print(random.getrandbits(64))')

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
work=$(mktemp -d)
# The sandbox's own limit of upstream reads (30 a minute) is off, and the
# proxy's read budget raised (proxy.toml): the run tests the contract, and the
# staff inbox's data-request reads would otherwise use up a minute's reads.
PARCEL_DESK_SANDBOX_UPSTREAM_LIMITS=off "$proxy" --sandbox --config tests/schemathesis/proxy.toml --listen "127.0.0.1:$port" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
trap 'kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$proxy_pid" 2>/dev/null || { echo "schemathesis: the proxy did not start:" >&2; cat "$work/proxy.log" >&2; exit 1; }
  sleep 0.1
done

set +e
timeout 180 "$st" run "http://127.0.0.1:$port/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 100 --seed "$seed" --no-color \
  -H "Authorization: Bearer schemathesis-staff-token-not-secret" \
  --report ndjson --report-ndjson-path "$work/events.ndjson" | tee "$work/st.log"
status=${PIPESTATUS[0]}
set -e
cases=$(grep -oE '[0-9]+ generated' "$work/st.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -oE '[0-9]+ failed' "$work/st.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
operations=$(grep -oE 'Tested: [0-9]+' "$work/st.log" | grep -oE '[0-9]+' || echo 0)
selected=$(grep -oE 'Selected: [0-9]+/[0-9]+' "$work/st.log" | grep -oE '[0-9]+$' || echo 0)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$cases" -lt 1000 ]; then
  echo "schemathesis: only $cases cases generated (at least 1000 wanted)" >&2; failed=$((failed + 1))
fi
if [ "$operations" -ne "$selected" ] || [ "$operations" -eq 0 ]; then
  echo "schemathesis: $operations of $selected operations tested" >&2; failed=$((failed + 1))
fi
echo "schemathesis: $cases cases, $operations operations, $failed failed (seed $seed)"
[ "$failed" -eq 0 ]
