"""Batch ranking on Spark: every job of a DataFrame against one matcher index.

Each partition of the jobs runs on an executor, which opens the index read-only once
(:meth:`matcher.Matcher.open_readonly`: memory-mapped, nothing written, so the index may
sit on read-only shared storage) and ranks the partition's jobs on ``threads`` threads.
What scales is the jobs: spread across executors, each ranks its share against the whole
index; the index itself is not split, and every executor needs all of it (locally, or on
storage it can read — an executor pages in only what its searches touch).

On a cluster, give every executor the index in one of two ways:

* **shared storage**: ``index_dir`` is a path each executor can read (NFS, a mounted
  object store, the same path on every node);
* **shipped**: ``ship=True`` adds the index directory to the job with
  ``SparkContext.addFile(index_dir, recursive=True)``; each executor reads its copy
  from ``SparkFiles.get``.

The ``matcher`` package must be installed in the executors' Python (the wheel built by
``pip install ./python``, or shipped with ``--archives`` as a packed venv).

>>> from matcher.spark import rank_jobs                                   # doctest: +SKIP
>>> jobs = spark.createDataFrame([("j1", open("jobs/j1.md").read())], ["job_id", "text"])
>>> rank_jobs(jobs, "/shared/index", top=100).orderBy("job_id", "rank").show(3)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["RESULT_SCHEMA", "rank_jobs"]

#: The columns :func:`rank_jobs` returns, as a Spark DDL string.
RESULT_SCHEMA = "job_id string, rank int, profile_id string, score double, explanation string"


def rank_jobs(
    jobs_df: "DataFrame",
    index_dir: "str | os.PathLike[str]",
    top: int = 100,
    *,
    id_col: str = "job_id",
    text_col: str = "text",
    filename_col: Optional[str] = None,
    threads: int = 1,
    ship: bool = False,
    require: Sequence[str] = (),
    min_years: Optional[float] = None,
    exclude: Sequence[str] = (),
    explain: bool = True,
    blind: bool = False,
) -> "DataFrame":
    """Rank every job of ``jobs_df`` against the index at ``index_dir``.

    :param jobs_df: one row per job: its id (``id_col``) and its description's text
        (``text_col``), read as Markdown unless ``filename_col`` names a column holding
        each job's file name, whose extension then says the format (.txt, .html, .json …).
    :param index_dir: the index, on storage every executor reads (or shipped, below).
    :param top: results per job.
    :param threads: threads each task ranks on; by default 1, one per Spark task slot
        (raise it with ``spark.task.cpus``).
    :param ship: copy the index to the executors with ``SparkContext.addFile``.
    :param require, min_years, exclude, blind: as in :meth:`matcher.Matcher.rank`.
    :param explain: whether ``explanation`` holds each result's full explanation (with
        the quotes of its evidence) or only what scoring computed; scores are the same.
    :returns: a DataFrame of ``(job_id, rank, profile_id, score, explanation)``, one row
        per result; ``explanation`` is the library's explanation as JSON (parse it with
        ``pyspark.sql.functions.from_json``). Scores are the ones ``matcher rank``
        gives for the same index and jobs.
    """
    index_dir = os.fspath(index_dir)
    spark = jobs_df.sparkSession
    if ship:
        spark.sparkContext.addFile(index_dir, recursive=True)
        shipped: Optional[str] = os.path.basename(os.path.normpath(index_dir))
    else:
        shipped = None
    columns = [id_col, text_col] + ([filename_col] if filename_col else [])
    options: dict[str, Any] = {
        "top": top,
        "require": list(require),
        "min_years": min_years,
        "exclude": list(exclude),
        "explain": explain,
        "blind": blind,
    }

    def rank_partition(rows: Iterator[Any]) -> Iterator[tuple]:
        import matcher

        rows = list(rows)
        if not rows:
            return
        if shipped is not None:
            from pyspark import SparkFiles

            where = SparkFiles.get(shipped)
        else:
            where = index_dir
        # Once per partition: the index is memory-mapped, the dictionaries loaded once.
        engine = matcher.Matcher.open_readonly(where, threads=threads)
        jobs = []
        for row in rows:
            job_id = str(row[0])
            filename = row[2] if filename_col else f"{job_id}.md"
            jobs.append((job_id, engine.read_job(row[1], job_id=job_id, filename=filename)))
        for ranking in engine.rank_many(jobs, **options):
            yield from ranking._rows()

    rdd = jobs_df.select(*columns).rdd.mapPartitions(rank_partition)
    return spark.createDataFrame(rdd, schema=RESULT_SCHEMA)
