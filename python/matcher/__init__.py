"""matcher: candidate–job matching for Chinese, English and mixed text, from Python.

A thin layer over the Rust library (the same engine as the ``matcher`` command): an
on-disk Tantivy index of résumés, BM25 retrieval and explained fit ranking. Rust does
the work with the GIL released, so Python threads rank in parallel on one engine.

>>> import matcher
>>> m = matcher.Matcher("index")                       # doctest: +SKIP
>>> m.index(["corpus/profiles"])                       # doctest: +SKIP
IndexReport(indexed=40, updated=0, skipped=0, pruned=0, ignored=0, failed=0, elapsed=0.412)
>>> ranking = m.rank("corpus/jobs/zh-im-backend-lead.md", top=3)   # doctest: +SKIP
>>> [(r["rank"], r["id"], round(r["score"], 1)) for r in ranking]  # doctest: +SKIP
[(1, 'zh-im-lead', 82.4), (2, 'en-backend-go', 61.0), (3, 'zh-backend-java', 57.3)]
>>> ranking.to_pandas()                                # doctest: +SKIP

Batch ranking on Spark: :func:`matcher.spark.rank_jobs`.
"""

from __future__ import annotations

from matcher._matcher import (
    SCHEMA_VERSION,
    BadInputError,
    IndexLockedError,
    IndexReport,
    Job,
    Matcher,
    MatcherError,
    NoIndexError,
    Ranking,
    Rankings,
    SchemaMismatchError,
    __version__,
)

__all__ = [
    "SCHEMA_VERSION",
    "BadInputError",
    "IndexLockedError",
    "IndexReport",
    "Job",
    "Matcher",
    "MatcherError",
    "NoIndexError",
    "Ranking",
    "Rankings",
    "SchemaMismatchError",
    "__version__",
]

