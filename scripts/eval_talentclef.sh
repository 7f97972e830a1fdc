#!/usr/bin/env bash
# MAP of matcher on the TalentCLEF sets in ../shared/data/eval, BM25-only and full ranking.
# Until `matcher eval` exists (issue 4) this is the reproducible recipe; it needs only the
# release binary and python3. Usage: scripts/eval_talentclef.sh [EVAL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/data/eval}
M=${MATCHER:-target/release/matcher}
[ -x "$M" ] || cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

score() { python3 scripts/trec_map.py "$1" "$2" | awk '{printf "%s=%s ", $1, $2} END {print ""}'; }

# TalentCLEF 2026 Task A dev (Romanian): job description → résumé.
tc26=$EVAL/talentclef26-taskA-dev-ro
"$M" --index "$work/tc26" index "$tc26/corpus" >/dev/null
for mode in bm25-only full; do
  flag=(); [ "$mode" = bm25-only ] && flag=(--bm25-only)
  "$M" --index "$work/tc26" "${flag[@]}" rank --format trec --top 100 "$tc26/queries" > "$work/tc26.$mode.run"
  echo "talentclef26-dev-ro $mode: $(score "$tc26/qrels.tsv" "$work/tc26.$mode.run")"
done

# TalentCLEF 2025 Task A validation (English): job title → job title, each title a
# one-line document.
tc25=$EVAL/talentclef25-taskA-val-en
mkdir -p "$work/tc25/corpus" "$work/tc25/queries"
python3 - "$tc25" "$work/tc25" <<'PY'
import csv, os, sys
src, dst = sys.argv[1], sys.argv[2]
for name, sub in (("corpus_elements", "corpus"), ("queries", "queries")):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = row.get("c_id") or row.get("q_id")
            with open(os.path.join(dst, sub, key + ".txt"), "w", encoding="utf-8") as out:
                out.write(row["jobtitle"] + "\n")
PY
"$M" --index "$work/tc25/index" index "$work/tc25/corpus" >/dev/null
for mode in bm25-only full; do
  flag=(); [ "$mode" = bm25-only ] && flag=(--bm25-only)
  "$M" --index "$work/tc25/index" "${flag[@]}" rank --format trec --top 100 "$work/tc25/queries" > "$work/tc25.$mode.run"
  echo "talentclef25-val-en $mode: $(score "$tc25/qrels.tsv" "$work/tc25.$mode.run")"
done
