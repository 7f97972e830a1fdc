#!/usr/bin/env bash
# Tests of the weight fitting (scripts/fit_weights.py, scripts/train_sets.py), on the
# real binary and one small labelled set, in a scratch output directory:
#   1. the training sets are built, deterministically (two builds, same bytes);
#   2. every recomputed score equals the engine's (the script itself stops otherwise);
#   3. the weights TOML it writes is read by `matcher --weights`, and `matcher eval`
#      with it gives the MAP the script predicted from its dump.
# Needs python3 with venv and pip (numpy is installed into target/fit-venv on first use).
# Exits non-zero on any failure. About a minute on 2 cores, most of it the generated
# corpus and the numpy install on a first run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONDONTWRITEBYTECODE=1
M=${MATCHER:-target/release/matcher}
[ -x "$M" ] || cargo build --release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. training sets, twice
python3 scripts/train_sets.py --out "$tmp/a" --queries 200 --quiet
python3 scripts/train_sets.py --out "$tmp/b" --queries 200 --quiet
for f in titles-esco-onet/corpus.tsv titles-esco-onet/queries.tsv titles-esco-onet/qrels.tsv folds.tsv; do
  cmp "$tmp/a/$f" "$tmp/b/$f" || { echo "fit test: $f differs between two builds" >&2; exit 1; }
done
queries=$(($(wc -l <"$tmp/a/titles-esco-onet/queries.tsv") - 1))
[ "$queries" = 200 ] || { echo "fit test: $queries title queries, wanted 200" >&2; exit 1; }

# 2–3. a fit on the résumé categories, checked by matcher eval
python3 scripts/fit_weights.py --matcher "$M" --sets resume-categories-en --lambdas 0.02 \
  --out "$tmp/fit" --check-eval >/dev/null
target/fit-venv/bin/python - "$tmp/fit/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["largest_score_difference"] < 1e-4, r["largest_score_difference"]
s = "resume-categories-en"
predicted, measured = r["in_sample_map"][s], r["eval_check"][s]["fitted"]
assert abs(predicted - measured) < 1e-3, (predicted, measured)
assert abs(r["default_map"][s] - r["eval_check"][s]["default"]) < 1e-3, r["default_map"][s]
print(f"fit test: ok (categories: default {r['default_map'][s]:.4f}, fitted {measured:.4f} "
      f"as predicted {predicted:.4f})")
PY
