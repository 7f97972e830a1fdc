"""The Python package against a real index of the bundled corpus.

Properties checked:
1. `index` reports what it did; re-indexing skips unchanged files; a bad file is a
   failure naming the file and the cause while the others are indexed.
2. `rank` gives the bytes the real `matcher query --format trec` gives, for a job read
   from a path, its text or its bytes; `semantic=False` and `dense_feedback=False` give
   what `--no-semantic` and `--no-dense-feedback` give, and change some ranking;
   `Matcher(job_tokens=16)` gives what `--job-tokens 16` gives; an index built with
   `embed_tokens=0` ranks as `semantic=False`; `audit_log=` records every ranking of
   `rank` and `rank_many`, and `matcher replay` reproduces each; `keep_writer=True`
   holds the index's lock until the engine is dropped.
3. Filters hold (`require`, `min_years`, `exclude`); `explain=False` and `blind=True`
   leave the scores as they are and drop what they say.
4. `rank_many` yields the rankings `rank` gives, in the order of the jobs.
5. Python threads ranking at once on one engine get the sequential results.
6. `to_dicts` and `to_pandas` hold the library's results, row for row.
7. `upsert` (str and bytes in other formats) and `delete` change what ranks, and say
   whether the profile was there; `parse` returns the library's data.
8. Errors are `MatcherError` subclasses carrying the file and the cause: no index, bad
   input, a locked index, a schema mismatch, bad weights, a read-only engine.
9. A read-only engine writes nothing to its index directory.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import matcher
from conftest import JOBS, run


def md_jobs() -> list[Path]:
    return [j for j in JOBS if j.suffix == ".md"]


# 1. index


def test_index_reports_and_skips_unchanged(tmp_path, profiles):
    m = matcher.Matcher(tmp_path / "idx", threads=1)
    first = m.index([profiles])
    assert (first.indexed, first.updated, first.failures) == (39, 0, [])
    assert first.elapsed > 0
    again = m.index(str(profiles))
    assert (again.indexed, again.skipped) == (0, 39)
    assert "IndexReport(indexed=0" in repr(again)


def test_index_names_the_bad_file_and_indexes_the_rest(tmp_path, profiles):
    mixed = tmp_path / "mixed"
    shutil.copytree(profiles, mixed)
    (mixed / "empty.md").write_text("   \n")
    (mixed / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not read")
    report = matcher.Matcher(tmp_path / "idx").index([mixed])
    assert report.indexed == 39
    failed = {Path(e.file).name: e for e in report.failures}
    assert set(failed) == {"empty.md", "old.doc"}
    assert all(isinstance(e, matcher.BadInputError) for e in failed.values())
    assert failed["empty.md"].cause == "empty file"
    assert "save it as .docx or PDF" in failed["old.doc"].cause
    assert str(failed["old.doc"]).startswith(str(mixed / "old.doc"))


# 2. rank = the real binary


@pytest.mark.parametrize("job", JOBS, ids=lambda p: p.name)
def test_rank_equals_the_binary(binary, index_dir, engine, job):
    expected = run(binary, "--index", str(index_dir), "query", "--format", "trec", "--top", "20", str(job))
    assert engine.rank(job, top=20).to_trec() == expected
    assert engine.rank(str(job), top=20).to_trec() == expected
    assert engine.rank(job.read_bytes(), top=20, job_id=job.stem, filename=job.name).to_trec() == expected


def test_meaning_options_equal_the_binary_flags(binary, index_dir, engine):
    changed = {"semantic": 0, "dense_feedback": 0}
    for job in md_jobs():
        default = engine.rank(job, top=20).to_trec()
        for option, flag in [("semantic", "--no-semantic"), ("dense_feedback", "--no-dense-feedback")]:
            expected = run(binary, "--index", str(index_dir), "query", flag, "--format", "trec", "--top", "20", str(job))
            got = engine.rank(job, top=20, **{option: False}).to_trec()
            assert got == expected, (job.name, option)
            changed[option] += got != default
    assert all(n > 0 for n in changed.values()), changed
    jobs = md_jobs()[:3]
    words = [r.to_trec() for r in engine.rank_many(jobs, top=20, semantic=False)]
    assert words == [engine.rank(j, top=20, semantic=False).to_trec() for j in jobs]


def test_encoder_budgets_equal_the_binary_flags(binary, tmp_path, profiles, index_dir, engine):
    jobs = md_jobs()
    short = matcher.Matcher(index_dir, threads=2, job_tokens=16)
    changed = 0
    for job in jobs:
        expected = run(binary, "--index", str(index_dir), "--job-tokens", "16", "query",
                       "--format", "trec", "--top", "20", str(job))
        got = short.rank(job, top=20).to_trec()
        assert got == expected, job.name
        changed += got != engine.rank(job, top=20).to_trec()
    assert changed > 0
    # No vectors at indexing: every ranking is by words alone.
    words = matcher.Matcher(tmp_path / "words", threads=2, embed_tokens=0)
    assert words.index([profiles]).failures == []
    for job in jobs:
        assert words.rank(job, top=20).to_trec() == engine.rank(job, top=20, semantic=False).to_trec(), job.name


def test_audit_log_records_every_ranking(binary, tmp_path, index_dir):
    log = tmp_path / "audit.jsonl"
    m = matcher.Matcher(index_dir, threads=2, audit_log=log)
    jobs = md_jobs()[:3]
    one = m.rank(jobs[0], top=5)
    many = list(m.rank_many(jobs[1:], top=5))  # a record is written as each is ranked
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    # rank_many ranks in parallel: its records are in the order the rankings finished.
    by_job = {r["job"]["id"]: r for r in records}
    assert len(records) == 3 and sorted(by_job) == sorted(j.stem for j in jobs)
    for job, ranking in zip(jobs, [one, *many]):
        assert [x["id"] for x in by_job[job.stem]["results"]] == [r["id"] for r in ranking]
    replayed = subprocess.run([str(binary), "--index", str(index_dir), "replay", str(log)],
                              capture_output=True, text=True)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.count("reproduced exactly") == 3, replayed.stdout


def test_keep_writer_holds_the_lock_until_dropped(tmp_path, profiles):
    kept = matcher.Matcher(tmp_path / "idx", threads=1, keep_writer=True)
    kept.index([profiles])
    assert kept.upsert("a", CV) is False
    assert kept.upsert("b", CV.replace("Kafka", "Pulsar")) is False
    other = matcher.Matcher(tmp_path / "idx", threads=1)
    with pytest.raises(matcher.IndexLockedError):
        other.upsert("c", CV)
    assert kept.rank("Pulsar Flink engineer")[0]["id"] == "b"
    del kept
    assert other.upsert("c", CV) is False


def test_text_and_bytes_rank_as_the_file(engine):
    job = md_jobs()[0]
    from_file = engine.rank(job)
    from_text = engine.rank(job.read_text(encoding="utf-8"), job_id=job.stem)
    from_bytes = engine.rank(job.read_bytes(), job_id=job.stem)
    assert from_file.to_dicts() == from_text.to_dicts() == from_bytes.to_dicts()
    assert len(from_file) > 0 and from_file.job_id == job.stem


def test_a_parsed_job_ranks_as_its_file(engine):
    job = md_jobs()[1]
    parsed = engine.read_job(job)
    assert parsed.id == job.stem and parsed.title
    assert parsed.to_dict()["title"] == parsed.title
    assert engine.rank(parsed).to_trec() == engine.rank(job).to_trec()


# 3. options


def test_filters_hold(engine):
    job = next(j for j in JOBS if j.name == "zh-im-backend-lead.md")
    base = engine.rank(job, top=39)
    assert len(base) > 3
    skill = base[0]["explanation"]["matched_required"][0]["skill"]
    required = engine.rank(job, top=39, require=[skill])
    assert 0 < len(required) <= len(base)
    assert all(skill in [e["skill"] for e in r["explanation"]["matched_required"]] for r in required)
    years = engine.rank(job, top=39, min_years=8)
    assert len(years) < len(base)
    assert all(r["explanation"]["years"] >= 8 for r in years)
    word = base[0]["matched_terms"][0]
    excluded = engine.rank(job, top=39, exclude=[word])
    assert base[0]["id"] not in [r["id"] for r in excluded]


def test_explain_false_and_blind_keep_the_scores(engine):
    job = md_jobs()[0]
    full = engine.rank(job)
    lean = engine.rank(job, explain=False)
    blind = engine.rank(job, blind=True)
    scores = [(r["id"], r["score"]) for r in full]
    assert [(r["id"], r["score"]) for r in lean] == scores
    assert [(r["id"], r["score"]) for r in blind] == scores
    assert all("explanation" not in r for r in lean)
    assert any(r.get("name") for r in full)
    assert all(r.get("name") is None for r in blind)


# 4. rank_many


def test_rank_many_yields_in_order(engine):
    many = list(engine.rank_many(JOBS, top=5))
    assert [r.job_id for r in many] == [j.stem for j in JOBS]
    assert [r.to_trec() for r in many] == [engine.rank(j, top=5).to_trec() for j in JOBS]
    named = list(engine.rank_many([("first", JOBS[0]), ("second", JOBS[1].read_bytes())]))
    assert [r.job_id for r in named] == ["first", "second"]


def test_rank_many_stops_early_and_raises_bad_jobs_at_once(engine, tmp_path):
    it = engine.rank_many(JOBS * 20, top=3)
    assert next(it).job_id == JOBS[0].stem
    del it  # the engine stops ranking the rest
    with pytest.raises(matcher.BadInputError) as err:
        engine.rank_many([JOBS[0], tmp_path / "missing.md"])
    assert err.value.file == str(tmp_path / "missing.md")


# 5. threads


def test_threads_rank_in_parallel_on_one_engine(engine):
    jobs = JOBS * 4
    sequential = [engine.rank(j).to_dicts() for j in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda j: engine.rank(j).to_dicts(), jobs))
    assert parallel == sequential


# 6. conversions


def test_to_dicts_and_to_pandas(engine):
    ranking = engine.rank(md_jobs()[0], top=7)
    dicts = ranking.to_dicts()
    assert len(dicts) == len(ranking) == 7
    assert [d["rank"] for d in dicts] == list(range(1, 8))
    assert all(d["job_id"] == ranking.job_id for d in dicts)
    assert dicts[0]["explanation"]["features"][0]["name"] == "bm25"
    df = ranking.to_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == 7
    assert df["profile_id"].tolist() == [d["id"] for d in dicts]
    assert df["score"].tolist() == [d["score"] for d in dicts]
    assert df["rank"].dtype.kind == "i" and df["score"].dtype.kind == "f"
    points = [c for c in df.columns if c.startswith("points_")]
    assert "points_bm25" in points
    # The points of the features add up to the score.
    assert (df[points].fillna(0).sum(axis=1) - df["score"]).abs().max() < 1e-3
    assert df["explanation"][0] == dicts[0]["explanation"]
    assert ranking[-1] == {k: v for k, v in dicts[-1].items() if k != "job_id"}
    with pytest.raises(IndexError):
        ranking[7]
    empty = engine.rank("纯文本岗位 xyzzy", require=["Kubernetes"], exclude=["Kubernetes"])
    assert len(empty) == 0 and empty.to_pandas().empty


# 7. upsert, delete, parse


CV = """# Alex Sample
Principal Kafka Engineer

Skills: Kafka, Flink, Kubernetes, Go, zookeeperish-stream-ops

Experience: 12 years
"""


def test_upsert_and_delete(tmp_path, profiles):
    m = matcher.Matcher(tmp_path / "idx", threads=1)
    m.index([profiles])
    query = "Kafka Flink zookeeperish-stream-ops engineer"
    assert m.upsert("cand-1", CV) is False
    assert m.rank(query)[0]["id"] == "cand-1"
    html = "<html><body><h1>Jane Doe</h1><p>Principal Kafka Engineer, zookeeperish-stream-ops</p></body></html>"
    assert m.upsert("cand-2", html.encode(), filename="cv.html") is False
    assert "cand-2" in [r["id"] for r in m.rank(query)]
    assert m.upsert("cand-1", CV.replace("Kafka", "Excel")) is True
    assert m.delete("cand-2") is True
    assert m.delete("cand-2") is False
    assert "cand-2" not in [r["id"] for r in m.rank(query, top=50)]


def test_parse_paths_and_bytes(engine, profiles):
    p = engine.parse(profiles / "en-cloud-engineer-aws.md")
    assert p["kind"] == "profile" and p["id"] == "en-cloud-engineer-aws"
    assert any(s["skill"] == "AWS" for s in p["skills"])
    job = engine.parse(md_jobs()[0])
    assert job["kind"] == "job" and job["required_skills"]
    b = engine.parse(CV.encode())
    assert b["kind"] == "profile" and b["personal"]["name"] == "Alex Sample"
    assert engine.parse(md_jobs()[0].read_bytes(), kind="job")["kind"] == "job"
    with pytest.raises(ValueError):
        engine.parse(CV.encode(), kind="resume")


# 8. errors


def test_no_index(tmp_path):
    with pytest.raises(matcher.NoIndexError) as err:
        matcher.Matcher(tmp_path / "none").rank("Rust engineer")
    assert err.value.file == str(tmp_path / "none")
    assert isinstance(err.value, matcher.MatcherError)
    assert "no index here" in str(err.value)


def test_bad_input(engine, tmp_path):
    with pytest.raises(matcher.BadInputError) as err:
        engine.rank(b"  \n")
    assert (err.value.file, err.value.cause) == ("<bytes>", "empty file")
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG")
    with pytest.raises(matcher.BadInputError) as err:
        engine.rank(photo)
    assert err.value.file == str(photo) and "unsupported file type .png" in err.value.cause
    with pytest.raises(matcher.BadInputError, match="unknown skill|Nonexistent"):
        engine.rank("Rust", require=["Nonexistent Skill Xyz"])
    with pytest.raises(TypeError):
        engine.rank(42)
    with pytest.raises(ValueError):
        matcher.Matcher(tmp_path, threads=0)


def test_bad_weights(tmp_path):
    with pytest.raises(matcher.BadInputError, match="bad weights"):
        matcher.Matcher(tmp_path, weights={"charisma": 1.0})
    w = tmp_path / "w.toml"
    w.write_text("bm25 = -1\n")
    with pytest.raises(matcher.BadInputError) as err:
        matcher.Matcher(tmp_path, weights=w)
    assert err.value.file == str(w)


def test_weights_change_the_ranking(index_dir, engine):
    job = md_jobs()[0]
    bm25 = matcher.Matcher(index_dir, weights={name: 0.0 for name in
        ["required_skills", "preferred_skills", "related_skills", "title", "years", "education", "location",
         "semantic", "semantic_title"]})
    scores = [r["score"] for r in bm25.rank(job)]
    assert scores != [r["score"] for r in engine.rank(job)]
    assert all(f["name"] == "bm25" or f["weight"] == 0 for f in bm25.rank(job)[0]["explanation"]["features"])


def test_locked_index(tmp_path, profiles):
    m = matcher.Matcher(tmp_path / "idx")
    m.index([profiles])
    # Hold Tantivy's writer lock as another writer process would.
    with open(tmp_path / "idx" / ".tantivy-writer.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(matcher.IndexLockedError) as err:
            m.upsert("x", CV)
        assert err.value.file == str(tmp_path / "idx")
        assert m.rank("Kafka engineer")  # searching needs no writer lock
    assert m.upsert("x", CV) is False


def test_schema_mismatch(tmp_path, index_dir):
    old = tmp_path / "old"
    shutil.copytree(index_dir, old)
    marker = old / "matcher-index.json"
    marker.write_text(json.dumps({"schema_version": matcher.SCHEMA_VERSION - 1}))
    with pytest.raises(matcher.SchemaMismatchError) as err:
        matcher.Matcher.open_readonly(old).rank("Rust")
    assert err.value.file == str(old) and "rebuild" in str(err.value)


# 9. read-only


def test_read_only_writes_nothing(tmp_path, index_dir):
    copy = tmp_path / "ro"
    shutil.copytree(index_dir, copy, ignore=shutil.ignore_patterns("*.lock"))
    before = sorted(p.name for p in copy.iterdir())
    ro = matcher.Matcher.open_readonly(copy)
    assert ro.read_only and "read_only=True" in repr(ro)
    assert ro.rank(md_jobs()[0]).to_trec() == matcher.Matcher(index_dir).rank(md_jobs()[0]).to_trec()
    assert sorted(p.name for p in copy.iterdir()) == before
    for change in (lambda: ro.upsert("x", CV), lambda: ro.delete("x"), lambda: ro.index([copy])):
        with pytest.raises(matcher.BadInputError, match="read-only"):
            change()
