#!/usr/bin/env bash
# Load and crash figures of `matcher serve` on a generated index (loopback only,
# bounded in count and time). Results go to stdout as JSON lines; docs/PERFORMANCE.md
# records them.
#
#   scripts/bench_serve.sh [GEN_DIR]     # default target/gen/100k
#
# GEN_DIR is made by scripts/gen_corpus.py --profiles 100000 --jobs 1000 --seed 42
# --out target/gen/100k, and its index by matcher --index GEN_DIR/index index
# GEN_DIR/profiles (both done here when missing; the index takes ~2 minutes).
#
# SKIP_CRASH=1 skips (4).
# Runs: (1) idle RSS of the server on the index; (2) 32 clients on /v1/match for
# $SECONDS_MATCH s; (3) 95 % match + 5 % upsert for $SECONDS_MIX s; (4) $KILLS SIGKILLs
# during a stream of upserts, on a copy of the index, every acknowledged id checked.
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${1:-target/gen/100k}
SECONDS_MATCH=${SECONDS_MATCH:-30}
SECONDS_MIX=${SECONDS_MIX:-30}
KILLS=${KILLS:-20}
CLIENTS=${CLIENTS:-32}
PORT=${PORT:-7731}
# More arguments for the server, e.g. SERVE_ARGS="--no-semantic" (words alone) or
# SERVE_ARGS="--embed-tokens 0" (upserts get no vectors).
read -r -a SERVE_ARGS <<<"${SERVE_ARGS:-}"
BIN=target/release/matcher

cargo build --release --bin matcher --example serve_load >&2
LOAD=target/release/examples/serve_load

if [ ! -d "$GEN/profiles" ]; then
    python3 scripts/gen_corpus.py --profiles 100000 --jobs 1000 --seed 42 --out "$GEN" >&2
fi
if [ ! -f "$GEN/index/meta.json" ]; then
    "$BIN" --index "$GEN/index" index "$GEN/profiles" >&2
fi

# The load runs write into a copy, so the generated index stays as generated.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench_serve.XXXXXX")
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cp -r "$GEN/index" "$WORK/index"

"$BIN" --index "$WORK/index" serve --addr "127.0.0.1:$PORT" --quiet "${SERVE_ARGS[@]}" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 600); do
    grep -q "listening on" "$WORK/server.log" 2>/dev/null && break
    sleep 0.1
done
BASE="http://127.0.0.1:$PORT"
curl -sf "$BASE/v1/health" >/dev/null
sleep 2
echo "{\"idle_rss_mb\": $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$SERVER/status), \"documents\": $(curl -s "$BASE/v1/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')}"

# Warm-up: one pass over 200 jobs, not measured.
"$LOAD" match --base "$BASE" --jobs "$GEN/jobs" --clients 4 --seconds 5 >/dev/null
"$LOAD" match --base "$BASE" --jobs "$GEN/jobs" --clients "$CLIENTS" --seconds "$SECONDS_MATCH"
"$LOAD" match --base "$BASE" --jobs "$GEN/jobs" --clients "$CLIENTS" --seconds "$SECONDS_MIX" \
    --upsert-share 0.05 --profiles "$GEN/profiles"
# Sustained write throughput: every request an upsert, 32 clients, group commit.
"$LOAD" match --base "$BASE" --jobs "$GEN/jobs" --clients "$CLIENTS" --seconds "$SECONDS_MIX" \
    --upsert-share 1.0 --profiles "$GEN/profiles"
echo "{\"rss_after_load_mb\": $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$SERVER/status)}"
kill -TERM "$SERVER"
wait "$SERVER" || { echo "server exited non-zero after SIGTERM" >&2; exit 1; }

[ "${SKIP_CRASH:-}" = 1 ] && exit 0
"$LOAD" crash --bin "$BIN" --index "$WORK/index" --profiles "$GEN/profiles" --kills "$KILLS"
