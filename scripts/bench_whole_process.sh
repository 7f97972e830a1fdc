#!/usr/bin/env bash
# Whole-process benchmark of matcher against the bm25s peer on a generated corpus.
#
#   scripts/bench_whole_process.sh target/gen/100k
#
# What it measures, with the real binary (target/release/matcher, or $MATCHER) and fresh
# processes, so the figures are what a user sees (start-up, taxonomy and dictionary
# loading included):
#   1. `matcher --index IDX index CORPUS/profiles` into an empty index: wall time, peak RSS
#      (/usr/bin/time -v, or a Python getrusage(RUSAGE_CHILDREN) wrapper if that is
#      missing), index size on disk (du), MB/s of input bytes and profiles/s;
#   2. `matcher query` of the first job, 5 runs, each a new process ("cold" = new process;
#      the OS page cache is NOT dropped, the box is shared): median wall and RSS;
#   3. `matcher rank --format trec --top 100` over all CORPUS/jobs: wall, jobs/s; MAP etc.
#      with `matcher eval --run` against CORPUS/qrels.tsv; the same with --bm25-only
#      (matcher's own BM25 alone; SKIP_BM25_ONLY=1 skips it);
#   4. scripts/peer_bm25s.py on the same corpus (its in-process figures, plus its whole-
#      process wall and RSS), and its MAP the same way;
#   5. one summary table with matcher/peer ratios for indexing and batch ranking, and the
#      ranking quality of both; all figures also in OUT/summary.json.
#
# Output goes to $BENCH_OUT (default target/bench/<corpus name>): the index, the runs,
# every command's stdout/stderr and timing. Environment: MATCHER (binary), PEER_PY (the
# venv python, default target/py-venv/bin/python), MATCHER_THREADS (passed as --threads;
# default: matcher's own default, all CPUs), SKIP_PEER=1, SKIP_BM25_ONLY=1, KEEP_INDEX=1
# (keep the index afterwards; by default it is kept, set KEEP_INDEX=0 to delete it).
# The load average is recorded before every step: on a shared machine, read the figures
# with it.
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${1:?usage: scripts/bench_whole_process.sh CORPUS_DIR (made by scripts/gen_corpus.py)}
CORPUS=${CORPUS%/}
NAME=$(basename "$CORPUS")
OUT=${BENCH_OUT:-target/bench/$NAME}
M=${MATCHER:-target/release/matcher}
PY=${PEER_PY:-target/py-venv/bin/python}
IDX=$OUT/index
THREADS=()
[ -n "${MATCHER_THREADS:-}" ] && THREADS=(--threads "$MATCHER_THREADS")

[ -d "$CORPUS/profiles" ] && [ -d "$CORPUS/jobs" ] && [ -f "$CORPUS/qrels.tsv" ] ||
  { echo "bench: $CORPUS is not a generated corpus (profiles/, jobs/, qrels.tsv)" >&2; exit 2; }
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do [ -x "$M" ] && break; echo "bench: waiting for $M" >&2; sleep 10; done
[ -x "$M" ] || { echo "bench: no matcher binary at $M" >&2; exit 2; }
mkdir -p "$OUT"
rm -rf "$IDX"

log() { echo "bench: $*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# measure NAME CMD... — run CMD, stdout/stderr to OUT/NAME.{out,err}; writes
# OUT/NAME.json = {"wall_s", "rss_kb", "exit", "load"}. Never fails the script.
if [ -x /usr/bin/time ]; then
  measure() {
    local name=$1; shift
    local l t0 t1 rc=0
    l=$(load)
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
    t1=$(date +%s.%N)
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$name.time")
    printf '{"wall_s": %s, "rss_kb": %s, "exit": %s, "load": "%s"}\n' \
      "$(echo "$t1 - $t0" | bc -l | sed 's/^\./0./')" "${rss:-null}" "$rc" "$l" >"$OUT/$name.json"
  }
else
  measure() {
    local name=$1; shift
    python3 - "$OUT/$name" "$(load)" "$@" <<'EOF'
import json, resource, subprocess, sys, time
base, load, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
with open(base + ".out", "wb") as o, open(base + ".err", "wb") as e:
    rc = subprocess.run(cmd, stdout=o, stderr=e).returncode
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
json.dump({"wall_s": round(wall, 3), "rss_kb": rss, "exit": rc, "load": load}, open(base + ".json", "w"))
EOF
  }
fi

NJOBS=$(find "$CORPUS/jobs" -type f | wc -l)
JOB1=$(find "$CORPUS/jobs" -type f | sort | sed -n 1p)  # not head: SIGPIPE + pipefail
log "corpus $CORPUS ($(find "$CORPUS/profiles" -type f | wc -l) profiles, $NJOBS jobs), out $OUT, load $(load), $(nproc) CPUs"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GB RAM, load $(load)"
  echo "matcher: $("$M" --version) $(stat -c '%y' "$M") sha256 $(sha256sum "$M" | cut -c1-16)"
  echo "threads: ${MATCHER_THREADS:-default}"
} >"$OUT/env.txt"

log "1/4 matcher index"
measure index "$M" --index "$IDX" "${THREADS[@]}" index "$CORPUS/profiles"
du -sb "$IDX" | cut -f1 >"$OUT/index.bytes"
tail -1 "$OUT/index.err" >&2 || true

log "2/4 matcher query x5 ($(basename "$JOB1"))"
for i in 1 2 3 4 5; do
  measure "query$i" "$M" --index "$IDX" "${THREADS[@]}" query --top 10 "$JOB1"
done

log "3/4 matcher rank ($NJOBS jobs, top 100) + eval"
measure rank "$M" --index "$IDX" "${THREADS[@]}" rank --format trec --top 100 --out "$OUT/matcher.trec" "$CORPUS/jobs"
"$M" eval --run "$OUT/matcher.trec" --qrels "$CORPUS/qrels.tsv" --format json >"$OUT/matcher.eval.json"
if [ "${SKIP_BM25_ONLY:-0}" != 1 ]; then
  measure rank_bm25 "$M" --index "$IDX" "${THREADS[@]}" --bm25-only rank --format trec --top 100 \
    --out "$OUT/matcher-bm25.trec" "$CORPUS/jobs"
  "$M" eval --run "$OUT/matcher-bm25.trec" --qrels "$CORPUS/qrels.tsv" --format json >"$OUT/matcher-bm25.eval.json"
fi

if [ "${SKIP_PEER:-0}" != 1 ]; then
  log "4/4 peer: bm25s + jieba"
  measure peer_proc "$PY" scripts/peer_bm25s.py "$CORPUS" --run "$OUT/peer.trec" --json "$OUT/peer.json"
  if [ -s "$OUT/peer.trec" ]; then
    "$M" eval --run "$OUT/peer.trec" --qrels "$CORPUS/qrels.tsv" --format json >"$OUT/peer.eval.json"
  else
    log "peer failed, see $OUT/peer_proc.err"
  fi
fi
[ "${KEEP_INDEX:-1}" = 0 ] && rm -rf "$IDX"

python3 scripts/bench_summary.py "$OUT" "$CORPUS" "$NJOBS"
