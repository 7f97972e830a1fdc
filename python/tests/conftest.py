"""Shared fixtures: the repository's bundled corpus, a real index built from it in a
temporary folder, and the real ``matcher`` binary to compare against."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import matcher

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
JOBS = sorted(p for p in (CORPUS / "jobs").iterdir() if p.is_file())


@pytest.fixture(scope="session")
def binary() -> Path:
    """The release build of the ``matcher`` command (scripts/test/python.sh builds it)."""
    path = Path(os.environ.get("MATCHER_BIN", REPO / "target" / "release" / "matcher"))
    if not path.is_file():
        pytest.fail(f"{path} is missing: run scripts/test/python.sh (it builds it)")
    return path


@pytest.fixture(scope="session")
def profiles(tmp_path_factory) -> Path:
    """A copy of corpus/profiles that tests may not change (ids are relative paths)."""
    dst = tmp_path_factory.mktemp("corpus") / "profiles"
    shutil.copytree(CORPUS / "profiles", dst)
    return dst


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, profiles) -> Path:
    """An index of the bundled profiles, built once by the package itself."""
    idx = tmp_path_factory.mktemp("index") / "idx"
    report = matcher.Matcher(idx, threads=2).index([profiles])
    assert report.failures == [] and report.indexed > 30
    return idx


@pytest.fixture(scope="session")
def engine(index_dir) -> matcher.Matcher:
    return matcher.Matcher(index_dir, threads=2)


def run(binary: Path, *args: str) -> str:
    out = subprocess.run([str(binary), *args], check=True, capture_output=True, text=True)
    return out.stdout
