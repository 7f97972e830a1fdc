#!/usr/bin/env bash
# Ranking quality, reproducibly, in one command: the tables of docs/QUALITY.md.
#
#   scripts/quality.sh          build the derived sets (scripts/eval_sets.py), run
#                               `matcher eval` (BM25-only and full) and the bm25s baseline
#                               (scripts/bm25s_baseline.py) on every set of
#                               scripts/quality-sets.tsv, and rewrite the generated block of
#                               docs/QUALITY.md (the prose around it is kept).
#   scripts/quality.sh --fast   matcher only, on the sets named in data/quality-floors.tsv
#                               (10–25 s in all); exits 1 if a MAP is below its floor.
#
# Why: the numbers in docs/QUALITY.md should come from one command anyone can re-run, on
# the data in ../shared/data/eval (read by path: its licences forbid copying it here).
# Results and runs are kept in target/quality (target/quality/fast for --fast).
# Environment: MATCHER (the binary; default target/release/matcher, built if missing),
# EVAL (default ../shared/data/eval), SETS (default target/eval-sets), FLOORS (default
# data/quality-floors.tsv).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

FAST=0
case "${1:-}" in
  --fast) FAST=1 ;;
  "") ;;
  *) echo "usage: scripts/quality.sh [--fast]" >&2; exit 2 ;;
esac

EVAL=${EVAL:-../shared/data/eval}
SETS=${SETS:-target/eval-sets}
FLOORS=${FLOORS:-data/quality-floors.tsv}
OUT=target/quality
[ "$FAST" = 1 ] && OUT=target/quality/fast
M=${MATCHER:-target/release/matcher}
if [ ! -x "$M" ]; then
  if [ -n "${MATCHER:-}" ]; then echo "quality: MATCHER=$M is not an executable" >&2; exit 2; fi
  cargo build --release
fi

# (a) the derived sets
if [ "$FAST" = 1 ]; then
  python3 scripts/eval_sets.py --out "$SETS" --quiet >/dev/null
else
  python3 scripts/eval_sets.py --out "$SETS"
fi

# Which sets: all of the table, or in --fast mode those that have a floor.
if [ "$FAST" = 1 ]; then
  wanted=$(grep -v '^#' "$FLOORS" | grep -v '^set	' | cut -f1 | awk 'NF && !seen[$0]++')
else
  wanted=$(grep -v '^#' scripts/quality-sets.tsv | cut -f1 | awk 'NF')
fi

# (b) matcher eval on each set, timed: BM25 alone and the full ranking (what the floors
# judge); the full table also shows the lexical ranking (full without the semantic layer)
# and the semantic layer alone.
configs=(--config bm25-only --config full)
[ "$FAST" = 1 ] || configs=(--config bm25-only --config lexical --config semantic-only --config full)
rm -rf "$OUT/matcher" "$OUT/runs/matcher"
mkdir -p "$OUT/matcher"
qrels_args=()
echo "matcher eval ($M):"
while IFS=$'\t' read -r name _tokenizer corpus queries qrels; do
  case "$name" in ''|'#'*) continue ;; esac
  grep -qx "$name" <<<"$wanted" || continue
  corpus=${corpus//\$EVAL/$EVAL}; corpus=${corpus//\$SETS/$SETS}
  queries=${queries//\$EVAL/$EVAL}; queries=${queries//\$SETS/$SETS}
  qrels=${qrels//\$EVAL/$EVAL}; qrels=${qrels//\$SETS/$SETS}
  start=$(date +%s.%N)
  "$M" eval --corpus "$corpus" --queries "$queries" --qrels "$qrels" \
    "${configs[@]}" --format json --runs-dir "$OUT/runs/matcher/$name" \
    >"$OUT/matcher/$name.json"
  end=$(date +%s.%N)
  seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
  echo "$seconds" >"$OUT/matcher/$name.seconds"
  printf '  %-28s %6.2f s\n' "$name" "$seconds"
  qrels_args+=(--qrels "$name=$qrels")
  sets_done=${sets_done:+$sets_done,}$name
done <scripts/quality-sets.tsv

if [ "$FAST" = 1 ]; then
  python3 scripts/quality_report.py --results "$OUT" --check-floors "$FLOORS"
  exit
fi

# (c) the bm25s baseline (its own virtualenv in target/py-venv)
python3 scripts/bm25s_baseline.py --runs-dir "$OUT/runs/bm25s" \
  --eval "$EVAL" --eval-sets "$SETS" --json >"$OUT/bm25s.json"

# (d) docs/QUALITY.md
python3 scripts/quality_report.py --results "$OUT" --sets "$sets_done" "${qrels_args[@]}" \
  --command "scripts/quality.sh"
