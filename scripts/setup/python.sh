#!/usr/bin/env bash
# Installs what the Python package's tests and benchmarks need (issue 21), idempotently:
#   - Java 17 (Debian's openjdk-17-jre-headless) for Spark in local mode;
#   - a venv at target/py-venv with maturin (builds the extension), pytest, pandas,
#     pyspark, and bm25s + jieba (the peer of examples/python_vs_bm25s.py).
# What is already there is skipped: a second run takes a second or two.
#
#     scripts/setup/python.sh            # then: scripts/test/python.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

# Spark 4 needs Java 17 or newer.
if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi

PY=${PYTHON:-python3}
VENV=target/py-venv
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
# One stamp per requirements file: pip is only asked again when the pins change.
STAMP="$VENV/.python-setup-$(sha256sum python/requirements-dev.txt scripts/peer_requirements.txt | sha256sum | cut -c1-16)"
if [ ! -e "$STAMP" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r python/requirements-dev.txt -r scripts/peer_requirements.txt
    rm -f "$VENV"/.python-setup-*
    touch "$STAMP"
fi
echo "python setup: $("$VENV/bin/python" --version), $(java -version 2>&1 | head -1)"
