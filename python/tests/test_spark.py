"""`matcher.spark.rank_jobs` on a real Spark in local mode (local[2], Java 17).

Properties checked:
1. Ranking a DataFrame of the bundled jobs (Markdown, text and HTML, spread over more
   partitions than cores) against an index built by the real binary gives exactly the
   lines `matcher rank --format trec` writes for the same index and jobs.
2. The index shipped to the executors (`ship=True`) ranks the same.
3. Each row's explanation is the library's JSON, and its points add up to the score.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from conftest import JOBS, REPO, run

try:
    import pyspark  # noqa: F401
except ImportError:  # never skipped: the Spark test is part of the suite
    pytest.fail("pyspark is missing: run scripts/setup/python.sh", pytrace=False)


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.fail("java is missing: run scripts/setup/python.sh (installs openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    # Spark binds to the machine's own interface by default: loopback only here.
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("matcher-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def cli_index(binary, tmp_path_factory, profiles):
    idx = tmp_path_factory.mktemp("spark") / "idx"
    run(binary, "--index", str(idx), "index", str(profiles))
    return idx


def jobs_frame(spark):
    rows = [(j.stem, j.read_text(encoding="utf-8"), j.name) for j in JOBS]
    return spark.createDataFrame(rows, ["job_id", "text", "filename"]).repartition(3)


def trec_lines(df) -> list[str]:
    rows = df.orderBy("job_id", "rank").collect()
    return [f"{r.job_id} Q0 {r.profile_id} {r.rank} {r.score:.6f} matcher" for r in rows]


@pytest.mark.parametrize("ship", [False, True], ids=["shared", "shipped"])
def test_rank_jobs_equals_matcher_rank(spark, binary, cli_index, ship):
    from matcher.spark import rank_jobs

    expected = run(binary, "--index", str(cli_index), "rank", "--format", "trec", "--top", "100",
                   *[str(j) for j in JOBS]).splitlines()
    got = rank_jobs(jobs_frame(spark), cli_index, top=100, filename_col="filename", ship=ship)
    assert got.columns == ["job_id", "rank", "profile_id", "score", "explanation"]
    lines = trec_lines(got)
    assert len(lines) > 100
    assert sorted(lines) == sorted(expected)


def test_explanations_are_the_librarys(spark, cli_index):
    from matcher.spark import rank_jobs

    row = rank_jobs(jobs_frame(spark), cli_index, top=1, filename_col="filename").orderBy("job_id").first()
    explanation = json.loads(row.explanation)
    points = sum(f["contribution"] for f in explanation["features"])
    assert abs(points - row.score) < 1e-3
