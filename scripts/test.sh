#!/usr/bin/env bash
# The tests, all of them, in one command (the README's; `.ci/run` runs it too).
#
# 1. What the tests need beyond Rust, installed by the project's own files (idempotent:
#    nothing is done when it is there): Debian's chromium and chromedriver for the page's
#    browser test (scripts/setup/serve.sh); a virtualenv with maturin, pytest, pandas,
#    pyspark and Java 17 for the Python package and Spark (scripts/setup/python.sh).
# 2. `cargo test --release`: unit tests, the integration tests that drive the real binary
#    (the HTTP server on loopback and the page in chromium among them), doctests.
# 3. The Python package's pytest suite with its Spark test (scripts/test/python.sh), and
#    the weight fitting's own check (scripts/test/fit.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup/serve.sh
scripts/setup/python.sh
cargo test --release
scripts/test/python.sh
scripts/test/fit.sh
