#!/usr/bin/env python3
"""Fit the ranking's fusion weights on training data, with cross-validated numbers.

    scripts/fit_weights.py                  dump (cached), verify, fit, report
    scripts/fit_weights.py --check-eval     and run `matcher --weights FILE eval` on the
                                            labelled sets to confirm the predicted MAP

What it does, in order:

1. **Sets.** The training sets of scripts/train_sets.py (ESCO/O*NET title pairs, the
   generated corpus on seed 7, hand-written title sets in Spanish, French, German and
   Portuguese, and folds of every set), built if missing, and the
   labelled sets of scripts/quality-sets.tsv that it may train on: TalentCLEF 2025
   English titles, résumé categories, resumener-zh. The 10-query TalentCLEF 2026 set is
   never trained on nor chosen by; `--check-eval` reports it beside the others.
2. **Dump.** For each set, the real `matcher` indexes the corpus into target/fit/index/SET
   (TSV rows written out as one file each, as `matcher eval` does) and ranks every query
   with `rank --top D --depth D --format jsonl` (D = --depth, 200 by default: the pool
   `matcher eval` re-scores for its top 100). Each candidate's feature values, each
   feature's trust and whether the gate scales it, and the gate's evidence are kept in
   target/fit/cache/SET.npz, keyed by the binary's and the inputs' digests: a rerun with
   the same binary skips straight to fitting.
3. **Verify.** The weights the dump was ranked with are read back from it, and every
   candidate's score is recomputed from the dumped values with the engine's formula
   (src/rank/mod.rs `Ranker::score`, src/features/weights.rs `Weights::gate`):

       gate  = clamp(evidence / text_gate, 0, 1)   (1 when text_gate or bm25 is 0)
       score = 100 × Σ_f w_f·trust_f·(gate if gated_f)·v_f / Σ_{f applies} w_f·trust_f

   in single precision, in the engine's order of operations; the largest difference
   from the engine's score must be under 1e-4 (else the script stops: the formula
   changed and this script must follow). MAP@100 is computed as `matcher eval` does
   (top 100 by score then id, ties then by id descending, as trec_eval).
4. **Fit.** Coordinate ascent on MAP (Metzler & Croft 2007, as in RankLib): one weight
   at a time, a line search over a fixed set of multiplicative and additive steps,
   weights renormalised to sum 1, until a round improves nothing. The objective is the
   macro average of training MAP over the sets, minus λ × L1 distance from the dump's
   (today's default) weights and text gate, so that small data cannot swing a weight it
   barely measures. Why coordinate ascent rather than a linear or logistic model: the
   target is MAP itself, there are under a dozen parameters, and the text gate is not
   linear in the features; a pairwise logistic model would optimise a surrogate and
   leave the gate threshold to a grid anyway. Each weight keeps a floor of
   0.001 when it was positive in the dump, so the candidate pools the dump saw stay the
   pools the engine would search (a title weight of 0 drops the occupation search).
   Beside the weights and the text gate, one more parameter: title_bm25, the share of
   BM25's weight a title-only job keeps (src/job `Job::is_title_only`). A dumped job is
   title-only where BM25's trust is below 1 (the dump's title_bm25, read back; it must
   be below 1 for the parameter to be fitted); its BM25 column is kept apart and scaled
   by each candidate title_bm25 of TITLE_GRID. The four hand-written title sets count
   as one set in every average, the objective's and the macros'.
5. **Cross-validate.** For each λ of --lambdas: k-fold by query (folds.tsv), training on
   the other folds of every set and scoring the held-out fold; each query is scored once,
   by the weights that did not see it. λ is chosen by the macro average of held-out MAP
   over the human-labelled sets, the hand-written titles among them (the ESCO/O*NET
   title pairs and the generated corpus are built from
   the engine's own vocabularies, on which its features are close to oracles); ties go to
   the larger λ. With that λ: leave-one-set-out (train on every other set, test on the
   whole held-out set) and the final fit on everything, written as a weights TOML that
   `matcher --weights FILE` reads (target/fit/weights.toml).

Features are taken by name from the dump, so a feature added to the engine is fitted
with no change here (its weight key must exist in `Weights`).

Outputs (target/fit/): weights.toml, report.md, report.json.
Dependencies: numpy, in a virtualenv target/fit-venv created on first use.

Usage: scripts/fit_weights.py [--depth 200] [--lambdas 0,0.005,0.02,0.05]
       [--sets a,b,...] [--fit-queries 500] [--check-eval] [--dump-only]
       [--out target/fit] [--matcher target/release/matcher]
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target/fit-venv"
REQUIREMENTS = ["numpy==2.4.6"]
OUT = ROOT / "target/fit"
TOP = 100  # MAP@100, as `matcher eval` and scripts/quality.sh report it
LABELLED = ["talentclef25-taskA-val-en", "resume-categories-en", "resumener-zh"]
HAND_TITLES = ["titles-train-es", "titles-train-fr", "titles-train-de", "titles-train-pt"]
TRAINING = ["titles-esco-onet", "gen-train-10k", *HAND_TITLES]
# The hand-written title sets count as one set in every average (objective and macros):
# four small sets of one kind would otherwise outweigh the postings.
GROUP = {s: "titles-train" for s in HAND_TITLES}
TITLE_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
NEVER_TRAINED = ["talentclef26-taskA-dev-ro"]
FLOOR = 0.001


def ensure_venv(script=__file__):
    """Re-run `script` (this one by default; scripts/fit_title_adapter.py passes its own)
    under target/fit-venv, creating it and installing numpy first."""
    if os.environ.get("FIT_WEIGHTS_IN_VENV") == "1":
        return
    python = VENV / "bin/python"
    stamp = VENV / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if not python.exists():
        print(f"fit_weights: creating {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"fit_weights: installing {' '.join(REQUIREMENTS)}", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", *REQUIREMENTS], check=True)
        stamp.write_text(wanted)
    os.environ["FIT_WEIGHTS_IN_VENV"] = "1"
    os.execv(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]])


def log(msg):
    print(f"fit_weights: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- sets

def set_table(data, eval_sets, train_sets):
    """name → (corpus, queries, qrels) for every set this script knows."""
    sets = {}
    for line in (ROOT / "scripts/quality-sets.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _tok, *paths = line.split("\t")
        sets[name] = tuple(Path(p.replace("$EVAL", str(data / "eval")).replace("$SETS", str(eval_sets)))
                           for p in paths)
    t = train_sets / "titles-esco-onet"
    sets["titles-esco-onet"] = (t / "corpus.tsv", t / "queries.tsv", t / "qrels.tsv")
    g = ROOT / "target/gen/train-10k"
    sets["gen-train-10k"] = (g / "profiles", g / "jobs", g / "qrels.tsv")
    for s in HAND_TITLES:
        sets[s] = (train_sets / s / "corpus.tsv", train_sets / s / "queries.tsv", train_sets / s / "qrels.tsv")
    return sets


def group_weights(sets):
    """Each set's share of an average over `sets`: 1 per group, split among its members."""
    groups = [GROUP.get(s, s) for s in sets]
    return {s: 1.0 / groups.count(g) / len(set(groups)) for s, g in zip(sets, groups)}


def macro(values):
    """The group-weighted average of {set: value}."""
    share = group_weights(list(values))
    return float(sum(share[s] * v for s, v in values.items()))


def read_qrels(path):
    """query → {doc: grade} (grade > 0 only), as `matcher eval` reads TREC qrels."""
    q = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        f = line.split()
        if not f:
            continue
        if len(f) != 4:
            sys.exit(f"fit_weights: {path}: line {n}: expected `qid 0 docid grade`")
        q.setdefault(f[0], {})[f[2]] = max(int(f[3]), 0)
    return {k: {d: g for d, g in v.items() if g > 0} for k, v in q.items()}


def read_folds(path):
    folds = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        name, q, fold = line.split("\t")
        folds.setdefault(name, {})[q] = int(fold)
    return folds


def materialize(path, dest):
    """A directory of documents: `path` itself, or a TSV written out one file a row, the
    way `matcher eval` does (src/eval/collection.rs)."""
    if path.is_dir():
        return path
    dest.mkdir(parents=True, exist_ok=True)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if "\t" not in line:
            if not line.strip():
                continue
            sys.exit(f"fit_weights: {path}: line {n + 1}: expected `id<TAB>text`")
        doc_id, body = line.split("\t", 1)
        if n == 0 and doc_id.lower().endswith("id"):
            continue
        (dest / f"{doc_id.strip()}.txt").write_text(body.replace("\\n", "\n"), encoding="utf-8")
    return dest


def digest_of(paths):
    """A digest of files' contents (directories walked in sorted order)."""
    h = hashlib.sha256()
    for p in paths:
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(p) if p.is_dir() else f.name).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def file_digest(path):
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------- dump

def dump(np, name, paths, matcher, matcher_digest, depth):
    """The set's candidate pools with their features, from the cache or the engine."""
    corpus, queries, _qrels = paths
    key = hashlib.sha256(f"{matcher_digest} {depth} {digest_of([corpus, queries])}".encode()).hexdigest()
    cache = OUT / "cache" / f"{name}.npz"
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        if str(z["key"]) == key:
            return {k: z[k] for k in z.files}
    t0 = time.time()
    docs = OUT / "docs" / name
    shutil.rmtree(docs, ignore_errors=True)
    corpus_dir = materialize(corpus, docs / "corpus")
    queries_dir = materialize(queries, docs / "queries")
    index = OUT / "index" / name
    subprocess.run([str(matcher), "--index", str(index), "index", "--rebuild", str(corpus_dir)],
                   check=True, stdout=subprocess.DEVNULL)
    t1 = time.time()
    cmd = [str(matcher), "--index", str(index), "rank", "--top", str(depth), "--depth", str(depth),
           "--format", "jsonl", str(queries_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    names, jobs = None, []
    for line in proc.stdout:
        r = json.loads(line)
        rows = []
        for m in r["results"]:
            e = m["explanation"]
            fs = e["features"]
            if names is None:
                names = [f["name"] for f in fs]
            if [f["name"] for f in fs] != names:
                sys.exit(f"fit_weights: {name}: job {r['job_id']}: features differ between results")
            rows.append((m["id"], m["score"], e["evidence"], e["gate"],
                         [np.nan if f["value"] is None else f["value"] for f in fs],
                         [f["weight"] for f in fs], [f["trust"] for f in fs], [f["gated"] for f in fs]))
        jobs.append((r["job_id"], rows))
    if proc.wait() != 0:
        sys.exit(f"fit_weights: {' '.join(cmd)} failed ({proc.returncode})")
    if names is None:
        sys.exit(f"fit_weights: {name}: no job returned any result")
    nq, nf = len(jobs), len(names)
    d = max(len(rows) for _, rows in jobs)
    a = {
        "key": np.array(key),
        "names": np.array(names),
        "jobs": np.array([j for j, _ in jobs]),
        "ids": np.full((nq, d), "", dtype=object),
        "valid": np.zeros((nq, d), bool),
        "score": np.zeros((nq, d), np.float32),
        "evidence": np.zeros((nq, d), np.float32),
        "gate": np.zeros((nq, d), np.float32),
        "value": np.full((nq, d, nf), np.nan, np.float32),
        "weight": np.zeros((nq, d, nf), np.float32),
        "trust": np.zeros((nq, d, nf), np.float32),
        "gated": np.zeros((nq, d, nf), bool),
    }
    for i, (_, rows) in enumerate(jobs):
        for j, (doc, score, ev, gate, value, weight, trust, gated) in enumerate(rows):
            a["ids"][i, j] = doc
            a["valid"][i, j] = True
            a["score"][i, j] = score
            a["evidence"][i, j] = ev
            a["gate"][i, j] = gate
            a["value"][i, j] = value
            a["weight"][i, j] = weight
            a["trust"][i, j] = trust
            a["gated"][i, j] = gated
    a["ids"] = a["ids"].astype(str)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, **a)
    log(f"{name}: dumped {nq} queries × ≤{d} candidates, {nf} features "
        f"(index {t1 - t0:.1f}s, rank {time.time() - t1:.1f}s)")
    return a


# ---------------------------------------------------------------------------- the formula

def dumped_weights(np, sets):
    """The configured weights, text gate and title share of BM25 the dumps were ranked
    with, read back. title_bm25 is BM25's trust at a title-only job, the only place it is
    below 1; None when no dumped job was title-only or the dump's title_bm25 was 1."""
    names = list(next(iter(sets.values()))["names"])
    # weight = configured × trust × (gate if gated): read at the candidate whose share
    # (trust × gate) is largest, 1 wherever a job names enough skills.
    share_at = np.zeros(len(names))
    w = np.full(len(names), np.nan)
    tg = np.nan
    for name, a in sets.items():
        if list(a["names"]) != names:
            sys.exit(f"fit_weights: {name}: features {list(a['names'])} differ from {names}")
        for f in range(len(names)):
            share = a["trust"][..., f] * np.where(a["gated"][..., f], a["gate"], 1.0)
            share = np.where(a["valid"], share, 0.0)
            i = np.unravel_index(np.argmax(share), share.shape)
            if share[i] > share_at[f]:
                share_at[f] = share[i]
                w[f] = a["weight"][..., f][i] / share[i]
        below = a["valid"] & (a["gate"] > 0) & (a["gate"] < 1)
        if np.isnan(tg) and below.any():
            i = np.argwhere(below)[0]
            tg = float(a["evidence"][tuple(i)] / a["gate"][tuple(i)])
    if np.isnan(w).any():
        sys.exit(f"fit_weights: cannot read the weights of {[n for n, x in zip(names, w) if np.isnan(x)]}")
    if np.isnan(tg):
        sys.exit("fit_weights: no candidate was below the text gate: cannot read text_gate")
    bm25 = names.index("bm25")
    below = np.concatenate([a["trust"][..., bm25][a["valid"] & (a["trust"][..., bm25] < 1)]
                            for a in sets.values()])
    tb = None
    if len(below):
        if below.max() - below.min() > 1e-6:
            sys.exit(f"fit_weights: bm25's trust below 1 takes several values "
                     f"({below.min()}–{below.max()}): it is title_bm25 alone no longer")
        tb = float(np.float32(round(float(below[0]), 6)))
    # Both are read back as quotients: round them to the f32 of a 6-decimal value (the
    # recomputed scores are then checked against the engine's).
    w = np.array([round(float(x), 6) for x in w], np.float32)
    tg = float(np.float32(round(tg, 6)))
    return names, w, tg, tb


def engine_scores(np, a, w, tg, bm25):
    """The engine's score, in f32 and its order of operations (src/rank/mod.rs)."""
    f32 = np.float32
    value, trust, gated = a["value"], a["trust"], a["gated"]
    applies = ~np.isnan(value)
    weight = w.astype(f32)[None, None, :] * trust
    applicable = np.zeros(value.shape[:2], f32)
    for f in range(value.shape[2]):
        applicable = applicable + np.where(applies[..., f], weight[..., f], f32(0))
    if tg > 0 and w[bm25] > 0:
        gate = np.clip(a["evidence"] / f32(tg), f32(0), f32(1))
    else:
        gate = np.ones_like(a["evidence"])
    score = np.zeros(value.shape[:2], f32)
    for f in range(value.shape[2]):
        wf = np.where(gated[..., f], weight[..., f] * gate, weight[..., f])
        with np.errstate(invalid="ignore", divide="ignore"):
            c = f32(100) * wf * np.nan_to_num(value[..., f]) / applicable
        c = np.where(applies[..., f] & (applicable > 0), c, f32(0))
        score = score + c
    return score, gate


class Pools:
    """One set's pools, arranged for fast scoring and MAP: candidates of each query sorted
    by id descending (so a stable sort by score leaves ties as trec_eval orders them)."""

    def __init__(self, np, a, qrels, bm25):
        self.np = np
        ids = a["ids"]
        valid = a["valid"]
        order = np.argsort(np.where(valid, ids, ""), axis=1, kind="stable")[:, ::-1]
        take = lambda x: np.take_along_axis(x, order if x.ndim == 2 else order[..., None], axis=1)
        self.ids = take(ids)
        self.valid = take(valid)
        value = take(a["value"]).astype(np.float64)
        trust = take(a["trust"]).astype(np.float64)
        self.applies = ~np.isnan(value)
        self.tv = np.nan_to_num(value) * trust          # trust × value (0 where None)
        self.ta = np.where(self.applies, trust, 0.0)    # trust where the feature applies
        # A title-only job (BM25's trust below 1 there, title_bm25): its BM25 column is
        # kept apart, untrusted, so that scoring can apply any title_bm25 to it.
        self.title = (self.valid & (trust[..., bm25] < 1)).any(axis=1)
        t = self.title[:, None]
        self.tb_v = np.where(t, np.nan_to_num(value[..., bm25]), 0.0)
        self.tb_a = np.where(t & self.applies[..., bm25], 1.0, 0.0)
        self.tv[..., bm25] = np.where(t, 0.0, self.tv[..., bm25])
        self.ta[..., bm25] = np.where(t, 0.0, self.ta[..., bm25])
        self.gated = take(a["gated"])
        self.evidence = take(a["evidence"]).astype(np.float64)
        self.engine = take(a["score"])
        jobs = list(a["jobs"])
        row = {j: i for i, j in enumerate(jobs)}
        # Queries judged (with a relevant document): those eval averages over; a judged
        # query with no results scores 0.
        self.queries = sorted(qrels)
        self.row = np.array([row.get(q, -1) for q in self.queries])
        self.nrel = np.array([len(qrels[q]) for q in self.queries], float)
        rel = np.zeros(self.ids.shape, bool)
        for qi, q in enumerate(self.queries):
            r = row.get(q)
            if r is not None:
                rel[r] = [d in qrels[q] for d in self.ids[r]]
        self.rel = rel & self.valid
        g = self.gated[self.valid]
        self.gated_f = g[0] if len(g) else np.zeros(self.tv.shape[2], bool)
        if len(g) and not (g == self.gated_f).all():
            sys.exit("fit_weights: a feature is gated for some candidates and not others")
        if self.gated_f[bm25]:
            sys.exit("fit_weights: bm25 is gated: Part.scores() assumes it is not")

    def part(self, queries=None):
        """The pools of some judged queries (indexes into self.queries), sliced once."""
        np = self.np
        q = np.arange(len(self.queries)) if queries is None else np.asarray(queries)
        return Part(np, self, q)

    def map(self, w, tg, tb, bm25):
        return self.part().map(w, tg, tb, bm25)

    def ap_per_query(self, w, tg, tb, bm25):
        return self.part().ap_per_query(w, tg, tb, bm25)


class Part:
    """Some queries of a set's pools, with the arrays scoring needs sliced out once: the
    fit scores the same training queries hundreds of times."""

    def __init__(self, np, pools, q):
        self.np = np
        rows = pools.row[q]
        self.have = rows >= 0
        r = rows[self.have]
        g = pools.gated_f
        self.n = len(q)
        self.nrel = pools.nrel[q]
        self.tv_u = np.ascontiguousarray(pools.tv[r][..., ~g])
        self.tv_g = np.ascontiguousarray(pools.tv[r][..., g])
        self.ungated, self.gated = ~g, g
        self.ta = pools.ta[r]
        self.tb_v = pools.tb_v[r]
        self.tb_a = pools.tb_a[r]
        self.titles = bool(pools.title[r].any())
        self.evidence = pools.evidence[r]
        self.valid = pools.valid[r]
        self.rel = pools.rel[r]

    def scores(self, w, tg, tb, bm25):
        np = self.np
        den = self.ta @ w
        num_u = self.tv_u @ w[self.ungated]
        if self.titles:
            den = den + (tb * w[bm25]) * self.tb_a
            num_u = num_u + (tb * w[bm25]) * self.tb_v
        num_g = self.tv_g @ w[self.gated]
        if tg > 0 and w[bm25] > 0:
            num_g = num_g * np.clip(self.evidence / tg, 0.0, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(den > 0, 100.0 * (num_u + num_g) / den, 0.0)
        return np.where(self.valid, s, -np.inf)

    def ap_per_query(self, w, tg, tb, bm25):
        """Each query's average precision at TOP (0 for a judged query with no results)."""
        np = self.np
        ap = np.zeros(self.n)
        if self.have.any():
            ap[self.have] = average_precision(np, self.scores(w, tg, tb, bm25), self.rel)
        return ap / self.nrel

    def map(self, w, tg, tb, bm25):
        return float(self.ap_per_query(w, tg, tb, bm25).mean()) if self.n else 0.0


def average_precision(np, scores, rel):
    """Sum of precisions at the relevant documents within the engine's top TOP, per row,
    as `matcher eval` computes it: the engine keeps the TOP best by score then id
    ascending, and eval orders them by score, ties by id descending. Each row's
    candidates come sorted by id descending, so a stable sort by score gives eval's order."""
    # One integer key a candidate: the score to 1e-7 (finer than the engine's f32 holds
    # a score of up to 100), then its column, so that an unstable sort (4× faster than a
    # stable one) gives a unique order.
    n = scores.shape[1]
    q = np.where(np.isfinite(scores), np.rint(scores * 1e7), -1.0).astype(np.int64)
    key = q * 1024 + (1023 - np.arange(n))[None, :]
    order = np.argsort(-key, axis=1)
    s = np.take_along_axis(q, order, axis=1)
    rel = np.take_along_axis(rel, order, axis=1)
    pos = np.arange(n)[None, :]
    if n > TOP:
        # Of the tie group at the cut, the engine keeps the members with the smallest
        # ids, which come last here.
        cut = s[:, TOP - 1:TOP]
        above = (s > cut).sum(axis=1, keepdims=True)
        group = (s == cut).sum(axis=1, keepdims=True)
        drop = group - (TOP - above)
        kept = (pos < above) | ((pos >= above + drop) & (pos < above + group))
        kept &= s >= 0
        listpos = np.where(pos < above, pos, pos - drop)
    else:
        kept = s >= 0
        listpos = pos
    hit = rel & kept
    hits = np.cumsum(hit, axis=1)
    return np.where(hit, hits / np.maximum(listpos + 1.0, 1.0), 0.0).sum(axis=1)


# ---------------------------------------------------------------------------- fitting

def coordinate_ascent(np, task, w0, tg0, tb0, lam, bm25, floors, free, max_rounds=6):
    """Maximise training MAP − λ·(|w − w0|₁ + |tg − tg0| + |tb − tb0|) by coordinate
    ascent; tb (title_bm25) only when a training query is title-only and tb0 was read.

    `task` is a list of ([`Part`], share): the objective is their MAP so weighted.
    `free[i]` says whether coordinate i (the weights, then text_gate, then title_bm25)
    is fitted; the others keep their values (a weight still moves with renormalising
    when another weight does)."""
    def objective(w, tg, tb):
        fit = sum(share * p.map(w, tg, tb, bm25) for p, share in task)
        return fit - lam * (np.abs(w - w0).sum() + abs(tg - tg0) + abs(tb - tb0)), fit

    w, tg, tb = w0.copy(), tg0, tb0
    best, _ = objective(w, tg, tb)
    nf = len(w)
    fit_tb = any(p.titles for p, _ in task)
    for _ in range(max_rounds):
        improved = False
        for f in range(nf + 2):
            if not free[f]:
                continue
            if f < nf:
                cur = w[f]
                steps = {cur * m for m in (0.5, 0.75, 1.33, 2.0)} | {cur + 0.05, floors[f]}
                cands = []
                for v in sorted(steps):
                    v = max(v, floors[f])
                    if abs(v - cur) < 1e-9:
                        continue
                    x = w.copy()
                    x[f] = v
                    cands.append((x / x.sum(), tg, tb))
            elif f == nf:
                grid = (0.2, 0.3, 0.4, 0.5, 0.6, 0.8)
                cands = [(w, v, tb) for v in grid if abs(v - tg) > 1e-9]
            else:
                cands = [(w, tg, v) for v in TITLE_GRID if fit_tb and abs(v - tb) > 1e-9]
            for x, t, b in cands:
                o, _ = objective(x, t, b)
                if o > best + 1e-7:
                    best, w, tg, tb, improved = o, x, t, b, True
        if not improved:
            break
    return w, tg, tb


def fit(np, pools, train, w0, tg0, tb0, lam, bm25, floors, free):
    share = group_weights([s for s, q in train.items() if len(q)])
    task = [(pools[s].part(q), share[s]) for s, q in train.items() if len(q)]
    return coordinate_ascent(np, task, w0, tg0, tb0, lam, bm25, floors, free)


# ---------------------------------------------------------------------------- report

def toml_of(names, w, tg, tb, header):
    lines = [f"# {line}" if line else "#" for line in header]
    lines += [f"{n} = {float(x):.4f}" for n, x in zip(names, w)]
    lines.append(f"text_gate = {float(tg):.4f}")
    lines.append(f"title_bm25 = {float(tb):.4f}")
    return "\n".join(lines) + "\n"


def run_eval(matcher, weights, paths):
    corpus, queries, qrels = paths
    cmd = [str(matcher)] + (["--weights", str(weights)] if weights else []) + [
        "eval", "--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels),
        "--config", "full", "--format", "json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]["metrics"]["map"]


def main():
    global OUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--matcher", type=Path, default=ROOT / "target/release/matcher")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    ap.add_argument("--out", type=Path, default=OUT,
                    help="where the cache, indexes and results go (default target/fit)")
    ap.add_argument("--depth", type=int, default=200)
    ap.add_argument("--lambdas", default="0,0.005,0.02,0.05")
    ap.add_argument("--sets", default=",".join(LABELLED + TRAINING),
                    help="sets to dump and fit on (default: every set it may train on)")
    ap.add_argument("--fit-queries", type=int, default=500,
                    help="fit and score at most this many queries of a set, the first of "
                         "folds.tsv (its order is a hash's, its folds balanced); default 500")
    ap.add_argument("--fit", default="all",
                    help="the parameters to fit, comma-separated (feature weights by name, "
                         "text_gate, title_bm25); the others keep the dump's values. "
                         "Default: all")
    ap.add_argument("--dump-only", action="store_true", help="dump and verify, then stop")
    ap.add_argument("--check-eval", action="store_true",
                    help="confirm the fitted weights with `matcher --weights FILE eval`")
    a = ap.parse_args()
    OUT = a.out.resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    if not TOP <= a.depth <= 1000:
        sys.exit(f"fit_weights: --depth must be between {TOP} and 1000")
    ensure_venv()
    import numpy as np

    if not a.matcher.is_file():
        sys.exit(f"fit_weights: {a.matcher}: no such binary (cargo build --release)")
    wanted = [s for s in a.sets.split(",") if s]
    bad = [s for s in wanted if s not in LABELLED + TRAINING]
    if bad:
        sys.exit(f"fit_weights: cannot train on {bad}: use {LABELLED + TRAINING}")
    train_sets = ROOT / "target/train-sets"
    eval_sets = ROOT / "target/eval-sets"
    if not (train_sets / "folds.tsv").exists() or not (ROOT / "target/gen/train-10k/qrels.tsv").exists():
        log("building the training sets (scripts/train_sets.py)")
        subprocess.run([sys.executable, str(ROOT / "scripts/train_sets.py"), "--data", str(a.data),
                        "--out", str(train_sets), "--eval-sets", str(eval_sets), "--quiet"], check=True)
    table = set_table(a.data, eval_sets, train_sets)
    folds = read_folds(train_sets / "folds.tsv")
    t0 = time.time()
    digest = file_digest(a.matcher)
    dumps = {s: dump(np, s, table[s], a.matcher, digest, a.depth) for s in wanted}
    t_dump = time.time() - t0

    # Verify: the engine's scores from the dumped values.
    names, w0, tg0, tb0 = dumped_weights(np, dumps)
    bm25 = names.index("bm25")
    if tb0 is None:
        log("no dumped job was read as title-only with title_bm25 below 1: title_bm25 is "
            "kept at 1 and not fitted (dump with a binary whose title_bm25 is below 1)")
        tb0 = 1.0
    worst = 0.0
    for s, d in dumps.items():
        score, gate = engine_scores(np, d, w0, tg0, bm25)
        diff = np.abs(np.where(d["valid"], score - d["score"], 0)).max()
        gdiff = np.abs(np.where(d["valid"], gate - d["gate"], 0)).max()
        worst = max(worst, float(diff))
        if diff > 1e-4 or gdiff > 1e-6:
            sys.exit(f"fit_weights: {s}: recomputed scores differ from the engine's by {diff:.2e} "
                     f"(gate {gdiff:.2e}): the score formula changed; update engine_scores()")
    log(f"recomputed scores match the engine's: largest difference {worst:.2e} "
        f"(weights read back: {dict(zip(names, map(float, w0)))}, text_gate {tg0}, title_bm25 {tb0})")
    w0 = w0.astype(np.float64) / w0.sum()
    coords = [*names, "text_gate", "title_bm25"]
    chosen = coords if a.fit == "all" else [c for c in a.fit.split(",") if c]
    unknown = [c for c in chosen if c not in coords]
    if unknown:
        sys.exit(f"fit_weights: --fit {unknown}: not one of {coords}")
    free = [c in chosen for c in coords]
    floors = np.where(w0 > 0, FLOOR, 0.0)
    qrels = {s: read_qrels(table[s][2]) for s in wanted}
    # A big set is fitted on its first --fit-queries queries of folds.tsv: the title
    # pairs would otherwise cost 6× the time of all the other sets for no better fit.
    for s in wanted:
        first = list(folds.get(s, {}))[:a.fit_queries]
        qrels[s] = {q: qrels[s][q] for q in first if qrels[s].get(q)}
    pools = {s: Pools(np, dumps[s], qrels[s], bm25) for s in wanted}
    default_map = {}
    for s in wanted:
        p = pools[s]
        have = p.row >= 0
        engine = np.where(p.valid, p.engine.astype(np.float64), -np.inf)[p.row[have]]
        engine_ap = average_precision(np, engine, p.rel[p.row[have]]) / p.nrel[have]
        engine_map = float(engine_ap.sum() / len(p.queries))
        default_map[s] = p.map(w0, tg0, tb0, bm25)
        if abs(engine_map - default_map[s]) > 1e-3:
            sys.exit(f"fit_weights: {s}: MAP of recomputed scores {default_map[s]:.4f} "
                     f"≠ engine's {engine_map:.4f}")
        log(f"{s}: {len(p.queries)} judged queries ({int(p.title[p.row[have]].sum())} title-only), "
            f"MAP with the dump's weights {default_map[s]:.4f} (engine's own scores {engine_map:.4f})")

    if a.dump_only:
        return
    # Cross-validation by query, for each λ.
    qidx = {s: {q: i for i, q in enumerate(pools[s].queries)} for s in wanted}
    k = 1 + max(f for s in wanted for f in folds.get(s, {}).values())
    fold_of = {}
    for s in wanted:
        if s not in folds:
            sys.exit(f"fit_weights: {train_sets / 'folds.tsv'} has no folds of {s}")
        fold_of[s] = np.array([folds[s].get(q, -1) for q in pools[s].queries])
        if (fold_of[s] < 0).any():
            sys.exit(f"fit_weights: {s}: queries without a fold; rebuild with scripts/train_sets.py")
    # The sets λ is chosen by: the human-labelled ones (the hand-written titles among them).
    labelled = [s for s in LABELLED + HAND_TITLES if s in wanted]
    lambdas = [float(x) for x in a.lambdas.split(",")]
    cv = {}
    t1 = time.time()
    for lam in lambdas:
        held = {s: np.zeros(len(pools[s].queries)) for s in wanted}
        fitted = []
        for i in range(k):
            train = {s: np.nonzero(fold_of[s] != i)[0] for s in wanted}
            w, tg, tb = fit(np, pools, train, w0, tg0, tb0, lam, bm25, floors, free)
            fitted.append((w, tg, tb))
            for s in wanted:
                test = np.nonzero(fold_of[s] == i)[0]
                held[s][test] = pools[s].ap_per_query(w, tg, tb, bm25)[test]
        per_set = {s: float(held[s].mean()) for s in wanted}
        m = macro({s: per_set[s] for s in labelled}) if labelled else macro(per_set)
        cv[lam] = {"per_set": per_set, "macro_labelled": m, "macro_all": macro(per_set),
                   "folds": [{"weights": dict(zip(names, map(float, w))), "text_gate": float(tg),
                              "title_bm25": float(tb)} for w, tg, tb in fitted]}
        log(f"λ={lam}: held-out MAP " + ", ".join(f"{s} {v:.4f}" for s, v in per_set.items())
            + f"; macro (labelled) {m:.4f}; title_bm25 by fold "
            + ", ".join(f"{tb:g}" for _, _, tb in fitted) + f"  [{time.time() - t1:.0f}s]")
    best = max(lambdas, key=lambda l: (round(cv[l]["macro_labelled"], 6), l))

    # Leave one set out, with the chosen λ.
    loso = {}
    for s in wanted:
        train = {o: np.arange(len(pools[o].queries)) for o in wanted if o != s}
        if train:
            w, tg, tb = fit(np, pools, train, w0, tg0, tb0, best, bm25, floors, free)
            loso[s] = pools[s].map(w, tg, tb, bm25)
    # The final fit, on everything.
    w, tg, tb = fit(np, pools, {s: np.arange(len(pools[s].queries)) for s in wanted},
                    w0, tg0, tb0, best, bm25, floors, free)
    t_fit = time.time() - t1

    header = [
        "Fusion weights fitted by scripts/fit_weights.py (coordinate ascent on MAP@100,",
        f"L1-regularised toward the engine's weights, λ = {best} chosen by 5-fold",
        "cross-validation on the labelled sets). Sets: " + ", ".join(wanted) + ".",
        f"Use: matcher --weights {OUT.relative_to(ROOT) if OUT.is_relative_to(ROOT) else OUT}/weights.toml ...",
    ]
    # Round as written, and score what was written.
    wr = np.array([round(float(x), 4) for x in w])
    tgr = round(float(tg), 4)
    tbr = round(float(tb), 4)
    (OUT / "weights.toml").write_text(toml_of(names, wr, tgr, tbr, header), encoding="utf-8")
    written = {s: pools[s].map(wr / wr.sum(), tgr, tbr, bm25) for s in wanted}

    report = {
        "features": names, "default_weights": dict(zip(names, map(float, w0))), "default_text_gate": tg0,
        "fitted_weights": dict(zip(names, map(float, wr))), "fitted_text_gate": tgr,
        "default_title_bm25": tb0, "fitted_title_bm25": tbr,
        "lambda": best, "depth": a.depth, "folds": k, "cv": {str(l): v for l, v in cv.items()},
        "default_map": default_map, "cv_map": cv[best]["per_set"], "loso_map": loso,
        "in_sample_map": written, "seconds": {"dump": round(t_dump, 1), "fit": round(t_fit, 1)},
        "largest_score_difference": worst,
    }
    if a.check_eval:
        checks = {}
        for s in labelled + NEVER_TRAINED:
            checks[s] = {"default": run_eval(a.matcher, None, table[s]),
                         "fitted": run_eval(a.matcher, OUT / "weights.toml", table[s])}
            log(f"matcher eval {s}: default {checks[s]['default']:.4f}, fitted {checks[s]['fitted']:.4f}"
                + (f" (predicted {written[s]:.4f})" if s in written else ""))
        report["eval_check"] = checks
    (OUT / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    md = render(report, wanted, labelled, lambdas)
    (OUT / "report.md").write_text(md, encoding="utf-8")
    print(md)
    log(f"dump {t_dump:.0f}s, fit {t_fit:.0f}s; wrote {OUT}/weights.toml, report.md, report.json")


def render(r, wanted, labelled, lambdas):
    names = r["features"]
    out = ["# Fitted fusion weights", "",
           f"Coordinate ascent on MAP@100 over pools of depth {r['depth']}, {r['folds']}-fold CV by query, "
           f"λ = {r['lambda']} (L1 toward the defaults) chosen by the macro average of held-out MAP "
           f"over {', '.join(labelled)}.", "",
           "| weight | default | fitted |", "|---|---:|---:|"]
    for n in names:
        out.append(f"| {n} | {r['default_weights'][n]:.4f} | {r['fitted_weights'][n]:.4f} |")
    out.append(f"| text_gate | {r['default_text_gate']:.4f} | {r['fitted_text_gate']:.4f} |")
    out.append(f"| title_bm25 | {r['default_title_bm25']:.4f} | {r['fitted_title_bm25']:.4f} |")
    out += ["", "MAP@100 per set: default weights; held-out (each query scored by weights fitted on the "
            "other folds); leave-one-set-out (fitted on the other sets only); in-sample (final weights).", "",
            "| set | default | CV held-out | Δ | leave-set-out | in-sample |", "|---|---:|---:|---:|---:|---:|"]
    for s in wanted:
        d, c = r["default_map"][s], r["cv_map"][s]
        lo = f"{r['loso_map'][s]:.4f}" if s in r["loso_map"] else "—"
        out.append(f"| {s} | {d:.4f} | {c:.4f} | {c - d:+.4f} | {lo} | {r['in_sample_map'][s]:.4f} |")
    for label, group in (("macro, labelled sets", labelled), ("macro, all sets", wanted)):
        if not group:
            continue
        m = lambda key: macro({s: r[key][s] for s in group})
        lo = f"{m('loso_map'):.4f}" if all(s in r["loso_map"] for s in group) else "—"
        out.append(f"| **{label}** | {m('default_map'):.4f} | {m('cv_map'):.4f} | "
                   f"{m('cv_map') - m('default_map'):+.4f} | {lo} | {m('in_sample_map'):.4f} |")
    out += ["", "Held-out MAP by λ:", "", "| λ | " + " | ".join(wanted) + " | macro (labelled) |",
            "|---|" + "---:|" * (len(wanted) + 1)]
    for l in lambdas:
        c = r["cv"][str(l)]
        out.append(f"| {l} | " + " | ".join(f"{c['per_set'][s]:.4f}" for s in wanted)
                   + f" | {c['macro_labelled']:.4f} |")
    if "eval_check" in r:
        out += ["", "`matcher eval` (full, top 100) with the default and the fitted weights.toml:", "",
                "| set | default | fitted |", "|---|---:|---:|"]
        for s, v in r["eval_check"].items():
            out.append(f"| {s} | {v['default']:.4f} | {v['fitted']:.4f} |")
    out += ["", f"Largest difference between recomputed and engine scores: {r['largest_score_difference']:.1e}. "
            f"Time: dump {r['seconds']['dump']}s (0 when cached), fit {r['seconds']['fit']}s."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
