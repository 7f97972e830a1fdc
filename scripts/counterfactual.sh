#!/usr/bin/env bash
# The counterfactual benchmark: pairs of profiles identical but for one signal of who the
# candidate is (name across groups, first name alone, pronoun, gendered title form, age
# and birth year), each side indexed apart with the bundled corpus, ranked for jobs in
# four languages; prints per signal how many scores differ and the largest gap.
#   scripts/counterfactual.sh [PAIRS_PER_LANGUAGE]     # default 50 (≈ 20 s after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet --example counterfactual -- "${1:-50}"
