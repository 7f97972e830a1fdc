#!/usr/bin/env bash
# Tests of the Python package and its Spark batch ranking (issue 21).
#
# Builds the `matcher` binary and the extension's wheel with the project's own files
# (maturin, python/pyproject.toml), installs the wheel into target/py-venv, and runs
# pytest over python/tests — the Spark test included (local[2], Java 17). Exits non-zero
# on any failure and when no test ran (pytest exits 5 then).
#
#     scripts/setup/python.sh && scripts/test/python.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/py-venv
if [ ! -x "$VENV/bin/maturin" ]; then
    echo "scripts/test/python.sh: $VENV has no maturin: run scripts/setup/python.sh first" >&2
    exit 1
fi
cargo build --release --bin matcher
rm -rf target/wheels/matcher-*.whl
"$VENV/bin/maturin" build --release --quiet -m python/Cargo.toml -o target/wheels
"$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps target/wheels/matcher-*.whl
# Run from python/tests so that the installed wheel, not python/matcher, is imported.
cd python/tests
exec "../../$VENV/bin/python" -m pytest -p no:cacheprovider -q "$@"
