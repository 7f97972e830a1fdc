#!/usr/bin/env bash
# Ranking quality on the TalentCLEF sets in ../shared/data/eval, BM25-only and full (or
# any `matcher eval` options, e.g. --ablation). Usage: scripts/eval_talentclef.sh [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/data/eval}
M=${MATCHER:-target/release/matcher}
[ -x "$M" ] || cargo build --release --quiet

echo "## TalentCLEF 2026 Task A dev (Romanian job description → résumé)"
"$M" eval --corpus "$EVAL/talentclef26-taskA-dev-ro/corpus" --queries "$EVAL/talentclef26-taskA-dev-ro/queries" \
  --qrels "$EVAL/talentclef26-taskA-dev-ro/qrels.tsv" "$@"
echo
echo "## TalentCLEF 2025 Task A validation (English job title → job title)"
"$M" eval --corpus "$EVAL/talentclef25-taskA-val-en/corpus_elements" --queries "$EVAL/talentclef25-taskA-val-en/queries" \
  --qrels "$EVAL/talentclef25-taskA-val-en/qrels.tsv" "$@"
