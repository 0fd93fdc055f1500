#!/usr/bin/env bash
# The proxy half of `make bench` (loopback only, bounded in count and time):
#
#   latency  oha at a constant BENCH_RATE (500) requests/s for BENCH_DURATION
#            (30s), with latency correction (no coordinated omission), first
#            against the sandbox directly, then through the proxy in front of
#            it: GET /parcels/tracking/PD-TRANSIT-0001 (the sandbox does not
#            rate-limit tracking reads; the proxy's own limits are off)
#   memory   peak RSS (VmHWM) of a fresh proxy while 50 concurrent uploads of
#            a just-under-6 MB JPEG part stream through it to the sandbox
#   claims   oha at a constant CLAIM_RATE (1000) claim creations/s for
#            BENCH_DURATION (30s) into a fresh proxy on SQLite, then at
#            PG_CLAIM_RATE (1200; its budget is 1000 accepted a second, which
#            a run offered exactly 1000/s cannot show: oha counts the run's
#            tail, 999.9/s) on a throwaway PostgreSQL cluster (initdb + pg_ctl on a free loopback
#            port, removed afterwards; default durability settings): accepted
#            per second, p50/p99, and the proxy's RSS sampled every second (the
#            filing worker runs meanwhile, paced at the account's 15 a minute)
#   burst    200 claims at once into a proxy whose account limit window is
#            shortened to 1 s (15 creates a second), on SQLite and PostgreSQL:
#            the time until the sandbox holds all 200 tickets, and its 429s
#            (cargo example `burst`)
#
# usage: bench/proxy.sh RESULTS_DIR   (after `cargo build --release -p parcel-desk-proxy`)
# Writes RESULTS_DIR/proxy.json (and the raw oha answers beside it).
set -uo pipefail
cd "$(dirname "$0")/.."
RESULTS=$1
BIN=target/release/parcel-desk-proxy
RATE=${BENCH_RATE:-500}
CLAIM_RATE=${CLAIM_RATE:-1000}
PG_CLAIM_RATE=${PG_CLAIM_RATE:-1200}
DURATION=${BENCH_DURATION:-30s}
UPLOADS=50
FILE_BYTES=5999000
ROUTE=/parcels/tracking/PD-TRANSIT-0001
TMP=$(mktemp -d)
PIDS=()
PGDIR=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  if [ -n "$PGDIR" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PGDIR"
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { # url [curl args...]
  local url=$1; shift
  for _ in $(seq 1 100); do
    curl -sS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "proxy.sh: $url did not come up" >&2
  return 1
}

KEY_PUBLIC=bench-public
KEY_SECRET=bench-secret-$(date +%s)
SANDBOX_PORT=$(free_port)
"$BIN" sandbox --listen "127.0.0.1:$SANDBOX_PORT" --public-key "$KEY_PUBLIC" --secret-key "$KEY_SECRET" \
  > "$RESULTS/proxy-sandbox.log" 2>&1 &
PIDS+=($!)
SANDBOX=http://127.0.0.1:$SANDBOX_PORT
wait_up "$SANDBOX$ROUTE" -u "$KEY_PUBLIC:$KEY_SECRET" || exit 1

start_proxy() { # port log
  PARCEL_DESK_SUPPORT_BASE_URL=$SANDBOX \
  PARCEL_DESK_TRACKING_BASE_URL=$SANDBOX \
  PARCEL_DESK_SUPPORT_PUBLIC_KEY=$KEY_PUBLIC \
  PARCEL_DESK_SUPPORT_SECRET_KEY=$KEY_SECRET \
  PARCEL_DESK_ACCESS_TOKEN_KEY=bench-access-token-key-0123456789abcdef \
  PARCEL_DESK_STORE_URL=${STORE_URL:-sqlite://$TMP/store-$1.sqlite3} \
  PARCEL_DESK_LIMITS_CREATE_PER_MINUTE=1000000 \
  PARCEL_DESK_LIMITS_OTHER_PER_MINUTE=1000000 \
  PARCEL_DESK_LIMITS_LOOKUP_PER_MINUTE=1000000 \
    "$BIN" --listen "127.0.0.1:$1" > "$2" 2>&1 &
  PIDS+=($!)
  PROXY_PID=$!
}

PROXY_PORT=$(free_port)
start_proxy "$PROXY_PORT" "$RESULTS/proxy-load.log"
PROXY=http://127.0.0.1:$PROXY_PORT
wait_up "$PROXY/healthz" || exit 1
# Both must answer 200 to the measured request before anything is timed.
[ "$(curl -s -o /dev/null -w '%{http_code}' -u "$KEY_PUBLIC:$KEY_SECRET" "$SANDBOX$ROUTE")" = 200 ] || { echo "sandbox: no 200" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$PROXY/api$ROUTE")" = 200 ] || { echo "proxy: no 200" >&2; exit 1; }

load() { # name url [oha args...]
  local name=$1 url=$2; shift 2
  echo "  $name: $RATE req/s for $DURATION"
  oha --no-tui --output-format json -q "$RATE" -z "$DURATION" -c 50 --latency-correction "$@" "$url" \
    > "$RESULTS/oha-$name.json" 2> "$RESULTS/oha-$name.err"
}
AUTH="Authorization: Basic $(printf '%s:%s' "$KEY_PUBLIC" "$KEY_SECRET" | base64 -w0)"
# A short warm-up of both (connections, caches), not recorded.
oha --no-tui -q 200 -z 3s -c 50 -H "$AUTH" "$SANDBOX$ROUTE" > /dev/null 2>&1
oha --no-tui -q 200 -z 3s -c 50 "$PROXY/api$ROUTE" > /dev/null 2>&1
load direct "$SANDBOX$ROUTE" -H "$AUTH" || exit 1
load proxy "$PROXY/api$ROUTE" || exit 1
kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null

# --- memory: a fresh proxy, 50 concurrent 6 MB uploads -----------------
BODY=$TMP/upload.multipart
BOUNDARY=parcel-desk-bench-boundary
{
  printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n' "$BOUNDARY"
  head -c "$FILE_BYTES" /dev/urandom
  printf -- '\r\n--%s--\r\n' "$BOUNDARY"
} > "$BODY"
PROXY_PORT=$(free_port)
start_proxy "$PROXY_PORT" "$RESULTS/proxy-upload.log"
PROXY=http://127.0.0.1:$PROXY_PORT
wait_up "$PROXY/healthz" || exit 1
rss_start=$(awk '/VmHWM/ { print $2 }' "/proc/$PROXY_PID/status")
echo "  uploads: $UPLOADS concurrent x $(stat -c %s "$BODY") bytes"
oha --no-tui --output-format json -n "$UPLOADS" -c "$UPLOADS" -m POST \
  -T "multipart/form-data; boundary=$BOUNDARY" -D "$BODY" "$PROXY/api/dsf/files" \
  > "$RESULTS/oha-uploads.json" 2> "$RESULTS/oha-uploads.err"
rss_peak=$(awk '/VmHWM/ { print $2 }' "/proc/$PROXY_PID/status")
rss_now=$(awk '/VmRSS/ { print $2 }' "/proc/$PROXY_PID/status")

kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null

# --- claims: accepted per second into SQLite, then PostgreSQL -------------
claims_run() { # name (sqlite|postgres), rate; STORE_URL set for postgres
  local name=$1 rate=$2
  echo "$rate" > "$RESULTS/claims-rate-$name.txt"
  PROXY_PORT=$(free_port)
  start_proxy "$PROXY_PORT" "$RESULTS/proxy-claims-$name.log"
  PROXY=http://127.0.0.1:$PROXY_PORT
  wait_up "$PROXY/healthz" || return 1
  CLAIM='{"tracking_number":"PD-LOAD-bench","contents_description":"bench"}'
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d "$CLAIM" "$PROXY/api/dsf/tickets/lost")" = 202 ] \
    || { echo "proxy ($name): a claim is not accepted" >&2; return 1; }
  : > "$RESULTS/claims-rss-$name.txt"
  ( while kill -0 "$PROXY_PID" 2>/dev/null; do
      awk '/VmRSS/ { print $2 }' "/proc/$PROXY_PID/status" >> "$RESULTS/claims-rss-$name.txt"; sleep 1
    done ) &
  local sampler=$!
  echo "  claims ($name): $rate creations/s for $DURATION"
  oha --no-tui --output-format json -q "$rate" -z "$DURATION" -c 50 --latency-correction -m POST \
    -T application/json -d "$CLAIM" "$PROXY/api/dsf/tickets/lost" \
    > "$RESULTS/oha-claims-$name.json" 2> "$RESULTS/oha-claims-$name.err"
  kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
}
claims_run sqlite "$CLAIM_RATE"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
  PGDIR=$(mktemp -d)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDIR"
  PGPORT=$(free_port)
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 > "$RESULTS/postgres-initdb.log" 2>&1 \
    && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
         -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDIR -c max_connections=100" start >/dev/null \
    && as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres bench \
    && STORE_URL="postgres://postgres@127.0.0.1:$PGPORT/bench" claims_run postgres "$PG_CLAIM_RATE"
  PG_URL_BURST="postgres://postgres@127.0.0.1:$PGPORT/bench"
else
  echo "  claims (postgres): skipped, no PostgreSQL server binaries (apt-get install postgresql)" >&2
  PG_URL_BURST=""
fi

# --- burst: 200 claims drained at the paced limit ----------------------------
echo "  burst: 200 claims at 15 creates per 1 s window (sqlite${PG_URL_BURST:+, postgres})"
target/release/examples/burst sqlite > "$RESULTS/burst-sqlite.json" 2> "$RESULTS/burst-sqlite.err"
if [ -n "$PG_URL_BURST" ]; then
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres burst \
    && target/release/examples/burst "${PG_URL_BURST%/bench}/burst" > "$RESULTS/burst-postgres.json" 2> "$RESULTS/burst-postgres.err"
fi

node - "$RESULTS" "$RATE" "$DURATION" "$rss_start" "$rss_peak" "$rss_now" "$UPLOADS" "$(stat -c %s "$BODY")" "$FILE_BYTES" "$CLAIM_RATE" <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const [results, rate, duration, rssStart, rssPeak, rssNow, uploads, bodyBytes, fileBytes, claimRate] = process.argv.slice(2);
const read = (n) => JSON.parse(fs.readFileSync(path.join(results, `oha-${n}.json`), 'utf8'));
const ms = (s) => (s == null ? null : s * 1000);
const summary = (o) => ({
  requests_per_sec: o.summary.requestsPerSec,
  success_rate: o.summary.successRate,
  p50_ms: ms(o.latencyPercentiles.p50),
  p99_ms: ms(o.latencyPercentiles.p99),
  max_ms: ms(o.summary.slowest),
  status: o.statusCodeDistribution,
  errors: o.errorDistribution,
});
const direct = summary(read('direct'));
const proxy = summary(read('proxy'));
const up = read('uploads');
const claimsOf = (name) => {
  let c;
  try { c = summary(read(`claims-${name}`)); } catch { return null; }
  const rss = fs.readFileSync(path.join(results, `claims-rss-${name}.txt`), 'utf8').split('\n').filter(Boolean).map(Number);
  let rate = claimRate;
  try { rate = fs.readFileSync(path.join(results, `claims-rate-${name}.txt`), 'utf8').trim(); } catch {}
  c.offered_per_sec = Number(rate);
  c.rss_first_kb = rss[0] ?? null;
  c.rss_last_kb = rss[rss.length - 1] ?? null;
  c.rss_max_kb = rss.length ? Math.max(...rss) : null;
  c.store = name;
  return c;
};
const claims = claimsOf('sqlite');
const claims_postgres = claimsOf('postgres');
const burstOf = (name) => {
  try { return JSON.parse(fs.readFileSync(path.join(results, `burst-${name}.json`), 'utf8')); } catch { return null; }
};
const out = {
  claims,
  claims_postgres,
  burst: { sqlite: burstOf('sqlite'), postgres: burstOf('postgres') },
  load: { rate: Number(rate), duration, route: '/parcels/tracking/PD-TRANSIT-0001', connections: 50, latency_correction: true },
  direct,
  proxy,
  added_p50_ms: proxy.p50_ms - direct.p50_ms,
  added_p99_ms: proxy.p99_ms - direct.p99_ms,
  uploads: {
    concurrent: Number(uploads),
    body_bytes: Number(bodyBytes),
    file_bytes: Number(fileBytes),
    status: up.statusCodeDistribution,
    errors: up.errorDistribution,
    seconds: up.summary.total,
    rss_start_kb: Number(rssStart),
    rss_peak_kb: Number(rssPeak),
    rss_after_kb: Number(rssNow),
  },
};
fs.writeFileSync(path.join(results, 'proxy.json'), JSON.stringify(out, null, 2));
EOF
