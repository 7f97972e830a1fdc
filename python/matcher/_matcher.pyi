"""Type stubs of the Rust extension ``matcher._matcher`` (re-exported by ``matcher``)."""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Tuple, Union

import pandas

StrPath = Union[str, "os.PathLike[str]"]
#: A job description: a parsed :class:`Job`, a path (``os.PathLike``, or a one-line
#: ``str`` naming an existing file), the description's text (``str``), or a file's
#: content (``bytes``: PDF and DOCX are recognised by their first bytes, anything else is
#: read as text).
JobSource = Union["Job", str, bytes, "os.PathLike[str]"]

SCHEMA_VERSION: int
__version__: str

class MatcherError(Exception):
    """Any error of matcher.

    ``file`` names the file or index directory at fault (``None`` when there is none),
    ``cause`` says what is wrong with it; ``str(error)`` is the one-line message the
    ``matcher`` command prints.
    """

    file: Optional[str]
    cause: str

class BadInputError(MatcherError):
    """An input matcher cannot use — an unreadable or empty file, a bad option: the
    caller's to fix.

    >>> m.rank(b"")                                  # doctest: +SKIP
    Traceback (most recent call last):
    matcher.BadInputError: <bytes>: empty file
    """

class IndexLockedError(MatcherError):
    """Another process is writing the index (``matcher index`` is running)."""

class SchemaMismatchError(MatcherError):
    """The index was written by an incompatible version of matcher: rebuild it."""

class NoIndexError(MatcherError):
    """No index exists at the directory given: build one with ``Matcher.index``."""

class IndexReport:
    """What :meth:`Matcher.index` did."""

    indexed: int
    """Profiles new to the index."""
    updated: int
    """Profiles whose file changed and were replaced."""
    skipped: int
    """Profiles whose file is unchanged since it was indexed."""
    pruned: int
    """Profiles removed because their file is gone (with ``prune=True``)."""
    ignored: int
    """Files of a type matcher does not read."""
    failures: list[MatcherError]
    """One error per file that could not be indexed (its ``file`` and ``cause``)."""
    elapsed: float
    """Wall time of the run, in seconds."""

class Job:
    """A parsed job description (:meth:`Matcher.read_job`), to rank many times."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    def to_dict(self) -> dict[str, Any]:
        """What the engine understood of the job: title, required and preferred skills
        with their evidence, minimum years, education, location …"""

class Ranking:
    """The ranked profiles for one job, best first.

    Indexing and iterating give one ``dict`` per match (``rank``, ``id``, ``name``,
    ``headline``, ``score``, ``bm25``, ``matched_terms``, ``snippet`` and, when ranked
    with ``explain=True``, ``explanation``: each feature's value, weight and
    contribution, the required and preferred skills found with the text that shows
    them, the missing ones, years, education, location).

    >>> ranking = m.rank("corpus/jobs/en-sre-devops.md", top=3)    # doctest: +SKIP
    >>> ranking[0]["id"], round(ranking[0]["score"], 1)             # doctest: +SKIP
    ('en-sre-k8s', 74.2)
    """

    @property
    def job_id(self) -> str: ...
    @property
    def job_title(self) -> str: ...
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    def __iter__(self) -> Iterator[dict[str, Any]]: ...
    def to_dicts(self) -> list[dict[str, Any]]:
        """One plain ``dict`` per match (as ``ranking[i]``, plus ``job_id``), built in
        Rust from the library's results."""
    def to_pandas(self) -> pandas.DataFrame:
        """A ``pandas.DataFrame``, one row per match. Columns: job_id, rank, profile_id,
        score, bm25, name, headline, years, location, matched_required,
        matched_preferred, missing_required, ``points_<feature>`` (points each feature
        added to the score) and, with ``explain=True``, explanation (a dict).

        >>> m.rank(job, top=5).to_pandas()[["rank", "profile_id", "score"]]  # doctest: +SKIP
        """
    def to_trec(self) -> str:
        """The ranking as a TREC run, byte for byte what ``matcher rank --format trec``
        writes: ``job_id Q0 profile_id rank score matcher`` lines."""
    def _columns(self) -> dict[str, list[Any]]: ...
    def _rows(self) -> list[Tuple[str, int, str, float, str]]: ...

class Rankings(Iterator[Ranking]):
    """The rankings of :meth:`Matcher.rank_many`, in the order of its jobs, each handed
    over as soon as it (and every job before it) is ranked. Raises the job's
    :class:`MatcherError` when one fails."""

    def __iter__(self) -> Rankings: ...
    def __next__(self) -> Ranking: ...

class Matcher:
    """The matching engine over one index directory.

    Build it once and share it: every method releases the GIL while Rust works, so
    Python threads rank in parallel. Results are the same for any number of threads.

    >>> import matcher
    >>> m = matcher.Matcher("index", threads=2)            # doctest: +SKIP
    >>> m.index(["corpus/profiles"]).indexed               # doctest: +SKIP
    39
    >>> m.rank("corpus/jobs/zh-im-backend-lead.md", top=3).to_trec()  # doctest: +SKIP

    :param index_dir: where the index lives (created by the first ``index``/``upsert``).
    :param threads: threads parsing and ranking use; by default, the number of CPUs.
    :param weights: feature weights, as a TOML file (``matcher --weights``) or a dict
        naming any subset (``{"required_skills": 0.5}``); by default, the library's.
    :param taxonomy: a skill taxonomy TSV that extends the built-in one.
    :param embed_tokens: tokens of a profile's text the sentence encoder reads at
        indexing (``matcher --embed-tokens``; 0: no vectors, words alone); by default 256.
    :param job_tokens: tokens of a job's text it reads at each ranking
        (``--job-tokens``; fewer is a faster query); by default 128.
    :param keep_writer: keep the index writer (and its lock) open from the first
        ``upsert``/``delete`` until the matcher is dropped, so each write pays for its
        commit only: for a long-running process that owns the index.
    :param audit_log: append a record of every ranking to this JSON-lines file
        (``matcher rank --audit-log``: job hash, index commit, configuration
        fingerprint, ids, scores; no résumé text), replayable with ``matcher replay``.
    """

    def __init__(
        self,
        index_dir: StrPath,
        *,
        threads: Optional[int] = None,
        weights: Union[StrPath, Mapping[str, float], None] = None,
        taxonomy: Optional[StrPath] = None,
        embed_tokens: Optional[int] = None,
        job_tokens: Optional[int] = None,
        keep_writer: bool = False,
        audit_log: Optional[StrPath] = None,
    ) -> None: ...
    @staticmethod
    def open_readonly(
        index_dir: StrPath,
        *,
        threads: Optional[int] = None,
        weights: Union[StrPath, Mapping[str, float], None] = None,
        taxonomy: Optional[StrPath] = None,
        job_tokens: Optional[int] = None,
        audit_log: Optional[StrPath] = None,
    ) -> Matcher:
        """The engine over an existing index, for searching only: nothing is written to
        the directory (not even a lock file), so it may be on read-only storage — a
        Spark executor's copy, a shared snapshot. ``index``, ``upsert`` and ``delete``
        raise :class:`BadInputError`. Nobody may write the index meanwhile."""
    @property
    def index_dir(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    def index(self, paths: Union[StrPath, Sequence[StrPath]], prune: bool = False) -> IndexReport:
        """Index the profile files under ``paths`` (files or directories, walked), in
        one commit. A changed file replaces its profile, an unchanged one is skipped;
        with ``prune=True`` profiles whose file is gone are removed. A file that cannot
        be read is in ``failures``; the others are indexed.

        >>> report = m.index(["corpus/profiles"])      # doctest: +SKIP
        >>> report.indexed, report.failures            # doctest: +SKIP
        (39, [])
        """
    def upsert(self, id: str, data: Union[str, bytes], *, filename: Optional[str] = None) -> bool:
        """Add or replace the profile ``id`` from its content — ``str`` (read as
        Markdown) or ``bytes`` in any format matcher reads (its format from
        ``filename``'s extension, else PDF/DOCX by their first bytes, else text).
        Returns whether it replaced a profile. Committed at once.

        >>> m.upsert("cand-42", open("cv.pdf", "rb").read(), filename="cv.pdf")  # doctest: +SKIP
        False
        """
    def delete(self, id: str) -> bool:
        """Remove the profile ``id``. Returns whether it was there."""
    def parse(
        self,
        source: Union[StrPath, bytes],
        *,
        kind: Optional[str] = None,
        filename: Optional[str] = None,
    ) -> dict[str, Any]:
        """What the engine understands of a file (a path) or of content (``bytes``,
        ``str``): ``{"kind": "profile", ...}`` or ``{"kind": "job", ...}``, the same
        data ``matcher parse`` prints. ``kind`` ("profile" or "job") overrides the
        guess.

        >>> m.parse(b"# Jane Doe\\nSkills: Rust, Kafka")["skills"][0]["skill"]  # doctest: +SKIP
        'Rust'
        """
    def read_job(
        self, path: JobSource, *, job_id: Optional[str] = None, filename: Optional[str] = None
    ) -> Job:
        """Parse a job description once, to rank it many times."""
    def rank(
        self,
        job: JobSource,
        *,
        top: int = 10,
        require: Sequence[str] = (),
        min_years: Optional[float] = None,
        exclude: Sequence[str] = (),
        explain: bool = True,
        blind: bool = False,
        job_id: Optional[str] = None,
        filename: Optional[str] = None,
        semantic: bool = True,
        dense_feedback: bool = True,
    ) -> Ranking:
        """Rank the indexed profiles against ``job``: BM25 candidates re-scored by the
        fit features, best ``top`` first, each with its score, features and evidence.

        :param require: skills every result must show (any name or alias).
        :param min_years: minimum years of experience of every result.
        :param exclude: terms no result may contain.
        :param explain: with ``False``, results carry no explanation, name, snippet or
            quotes (what only the stored documents have is not read: faster batches).
            Scores are the same.
        :param blind: results carry no name (nor other personal data); scores are the same.
        :param semantic: with ``False``, rank by words alone, as ``matcher query
            --no-semantic`` (no nearest-neighbour candidates, no semantic features).
        :param dense_feedback: with ``False``, score the semantic feature with the job's
            own text vector, as ``--no-dense-feedback``.
        :param job_id: the ranking's job id; by default, the file's name without
            extension, or ``"job"`` for text.
        :param filename: the name of the file ``job`` (text or bytes) came from: its
            extension says its format.

        >>> r = m.rank("资深后端工程师，熟悉 Go 和 Kafka，5年以上经验", top=5, require=["Go"])  # doctest: +SKIP
        """
    def rank_many(
        self,
        jobs: Iterable[Union[JobSource, Tuple[str, JobSource]]],
        *,
        top: int = 10,
        require: Sequence[str] = (),
        min_years: Optional[float] = None,
        exclude: Sequence[str] = (),
        explain: bool = True,
        blind: bool = False,
        semantic: bool = True,
        dense_feedback: bool = True,
    ) -> Rankings:
        """Rank many jobs on the engine's threads; yields each :class:`Ranking` as it is
        done, in the order of ``jobs``. An item is a job or a ``(job_id, job)`` pair.
        Same options as :meth:`rank`.
        The jobs are read and parsed first (a bad one raises at once).

        >>> for ranking in m.rank_many(["jobs/a.md", "jobs/b.md"], top=100):  # doctest: +SKIP
        ...     print(ranking.to_trec(), end="")
        """
