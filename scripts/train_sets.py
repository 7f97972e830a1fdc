#!/usr/bin/env python3
"""Build the training sets that scripts/fit_weights.py fits the ranking's weights on.

Nothing here is committed: every set is derived on the machine, deterministically, from
public sources read by path, into an output directory (default target/train-sets/):

titles-esco-onet (ESCO v1.1 occupations and O*NET 29.2 alternate titles, CC BY 4.0;
../shared/data/taxonomy/esco-occupations-en.csv and onet-alternate-titles.tsv)
    English job title → job title, the TalentCLEF 2025 task A shape built from the
    taxonomies instead: a title's occupations are the ESCO occupations (preferred label
    and alternative labels) and O*NET occupations (alternate titles) that list it,
    lowercased with whitespace folded. Every occupation with at least two titles offers
    one query, its title with the smallest sha256("query:" + occupation + title);
    occupations are then taken in sha256 order up to --queries (3,000 by default).
    Titles that are queries of the TalentCLEF 2025 English validation set are never
    chosen as queries, so the held-out numbers on that set do not meet their own
    titles. The corpus is every other title, at most --per-occupation (20) per
    occupation, again chosen by sha256, with the query titles left out. A corpus title
    is relevant (grade 1) to a query when they share an occupation.
    Caveat: the engine reads English titles as ESCO and O*NET occupations (its title
    feature uses data/taxonomy/occupations, built from these same files), so on this set
    the title feature is close to an oracle. fit_weights.py therefore chooses its
    regularisation on the human-labelled sets only.

gen-train-10k (scripts/gen_corpus.py --profiles 10000 --jobs 300 --seed 7, written to
target/gen/train-10k)
    The generated bilingual corpus with its qrels, on seed 7 (the benchmarks use 42), so
    that the fitted weights never see the benchmark's profiles.

titles-train-es, -fr, -de, -pt (ours: data/train/titles-LANG/titles.tsv)
    Job title → job title in Spanish, French, German and Portuguese, the languages the
    engine's vocabularies do not have: hand-written for matcher in session 20 from
    general knowledge of how each country names its jobs (no classification, no
    TalentCLEF file, no other title data set was read or fetched), in the format of
    data/eval/titles-es (an occupation key, its family, 4–8 titles as a classification
    lists them, 1–2 as postings write them) and built by the same code
    (scripts/eval_sets.py build_titles_lang): corpus = the titles, queries = the posting
    titles, relevant = the titles of the query's occupation. Their 60 occupations are
    disjoint from the 99 of the evaluation sets data/eval/titles-es and titles-de
    (checked on every build), so a weight fitted on them has not seen an evaluation
    occupation. They are what a title-only job's share of BM25 (title_bm25) is fitted on
    beside the English title sets.

folds.tsv
    set<TAB>query<TAB>fold for every set fit_weights.py uses: those above and the
    labelled sets of scripts/quality-sets.tsv it may train on (talentclef25-taskA-val-en,
    resume-categories-en, resumener-zh; never the 10-query TalentCLEF 2026 set). The
    queries are those with a relevant document in the set's qrels, ordered by
    sha256(set + ":" + query) and dealt round-robin into --folds (5) folds.

Usage: scripts/train_sets.py [--out target/train-sets] [--data ../shared/data]
       [--queries 3000] [--per-occupation 20] [--folds 5] [--quiet]
"""

import argparse
import csv
import hashlib
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import eval_sets  # noqa: E402  (build_titles_lang: the hand-written title sets' builder)

# The labelled sets of scripts/quality-sets.tsv that folds are made of. The TalentCLEF
# 2026 set (10 queries) is left out on purpose: too small to choose anything by.
LABELLED = ["talentclef25-taskA-val-en", "resume-categories-en", "resumener-zh"]
GEN_ARGS = ["--profiles", "10000", "--jobs", "300", "--seed", "7"]


def h(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def norm(title):
    return re.sub(r"\s+", " ", title).strip().lower()


def occupation_titles(data):
    """occupation key → its titles (normalised, in file order, de-duplicated)."""
    occ = {}
    esco = data / "taxonomy/esco-occupations-en.csv"
    with esco.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = "esco:" + row["conceptUri"].rsplit("/", 1)[-1]
            titles = [row["preferredLabel"], *row["altLabels"].split("\n")]
            occ[key] = list(dict.fromkeys(t for t in map(norm, titles) if t))
    onet = data / "taxonomy/onet-alternate-titles.tsv"
    with onet.open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:2] != ["O*NET-SOC Code", "Alternate Title"]:
            sys.exit(f"train_sets: {onet}: unexpected header {header[:2]}")
        for n, line in enumerate(f, start=2):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                sys.exit(f"train_sets: {onet}: line {n}: expected code<TAB>title")
            t = norm(cols[1])
            if t:
                occ.setdefault("onet:" + cols[0], []).append(t)
    return {k: list(dict.fromkeys(v)) for k, v in occ.items()}


def read_tsv_texts(path):
    """The texts of an id<TAB>text file with a header (TalentCLEF queries)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t", 1)[1] for line in lines if "\t" in line]


def titles_set(data, out, n_queries, per_occ):
    occ = occupation_titles(data)
    held_out = {norm(t) for t in read_tsv_texts(data / "eval/talentclef25-taskA-val-en/queries")}
    of_title = defaultdict(set)
    for key, titles in occ.items():
        for t in titles:
            of_title[t].add(key)
    offers = []
    for key in sorted(occ):
        titles = [t for t in occ[key] if t not in held_out]
        if len(occ[key]) < 2 or not titles:
            continue
        query = min(titles, key=lambda t: h(f"query:{key}:{t}"))
        offers.append((h(f"occupation:{key}"), key, query))
    offers.sort()
    queries, seen = [], set()
    for _, key, title in offers:
        if len(queries) == n_queries:
            break
        if title in seen:
            continue
        seen.add(title)
        queries.append((key, title))
    query_titles = {t for _, t in queries}
    corpus = []
    for key in sorted(occ):
        kept = [t for t in occ[key] if t not in query_titles]
        kept.sort(key=lambda t: h(f"corpus:{key}:{t}"))
        corpus.extend(kept[:per_occ])
    corpus = sorted(dict.fromkeys(corpus), key=lambda t: h(f"id:{t}"))
    ids = {t: f"c{i + 1:06d}" for i, t in enumerate(corpus)}
    by_occ = defaultdict(list)
    for t in corpus:
        for key in of_title[t]:
            by_occ[key].append(t)
    d = out / "titles-esco-onet"
    d.mkdir(parents=True, exist_ok=True)
    with (d / "corpus.tsv").open("w", encoding="utf-8") as f:
        f.write("id\ttext\n")
        for t in corpus:
            f.write(f"{ids[t]}\t{t}\n")
    n_rel = 0
    with (d / "queries.tsv").open("w", encoding="utf-8") as fq, \
            (d / "qrels.tsv").open("w", encoding="utf-8") as fr:
        fq.write("id\ttext\n")
        for i, (_, title) in enumerate(queries):
            qid = f"t{i + 1:05d}"
            fq.write(f"{qid}\t{title}\n")
            relevant = sorted({ids[t] for key in of_title[title] for t in by_occ[key]})
            n_rel += len(relevant)
            for doc in relevant:
                fr.write(f"{qid} 0 {doc} 1\n")
    return len(queries), len(corpus), n_rel


# The hand-written training title sets: data/train/titles-LANG/titles.tsv → titles-train-LANG.
TITLE_LANGS = ["es", "fr", "de", "pt"]


def hand_titles_sets(out, quiet):
    """Build titles-train-LANG for each language; their occupations must be disjoint from
    the evaluation title sets'. Returns name → qrels path."""
    def log(line):
        if not quiet and not line.startswith("  "):
            print(line, file=sys.stderr)

    held = set()
    for lang in ("es", "de"):
        src = ROOT / f"data/eval/titles-{lang}/titles.tsv"
        held |= {line.split("\t", 1)[0].strip() for _, line in eval_sets.title_rows(src)}
    built = {}
    for lang in TITLE_LANGS:
        name = f"titles-train-{lang}"
        src = ROOT / f"data/train/titles-{lang}/titles.tsv"
        keys = eval_sets.build_titles_lang(f"x{lang}", out, log, src=src, name=name)
        shared = sorted(keys & held)
        if shared:
            sys.exit(f"train_sets: {src}: occupations of the evaluation title sets: {shared}")
        built[name] = out / name / "qrels.tsv"
    return built


GEN_DIR = ROOT / "target/gen/train-10k"


def gen_set(quiet):
    d = GEN_DIR
    if (d / "qrels.tsv").exists():
        return d
    cmd = [sys.executable, str(ROOT / "scripts/gen_corpus.py"), *GEN_ARGS, "--out", str(d), "--force"]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL if quiet else None,
                   stdout=subprocess.DEVNULL)
    return d


def qrels_queries(path):
    qs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split()
        if len(f) == 4 and int(f[3]) > 0:
            qs.add(f[0])
    return qs


def write_folds(out, qrels_of, k):
    with (out / "folds.tsv").open("w", encoding="utf-8") as f:
        f.write("set\tquery\tfold\n")
        for name, qrels in qrels_of.items():
            order = sorted(qrels_queries(qrels), key=lambda q: h(f"{name}:{q}"))
            for i, q in enumerate(order):
                f.write(f"{name}\t{q}\t{i % k}\n")


def labelled_qrels(data, sets_dir):
    """The qrels of the LABELLED sets, from scripts/quality-sets.tsv."""
    found = {}
    for line in (ROOT / "scripts/quality-sets.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _tok, _corpus, _queries, qrels = line.split("\t")
        if name in LABELLED:
            found[name] = Path(qrels.replace("$EVAL", str(data / "eval")).replace("$SETS", str(sets_dir)))
    missing = [n for n in LABELLED if n not in found]
    if missing:
        sys.exit(f"train_sets: scripts/quality-sets.tsv names no {', '.join(missing)}")
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "target/train-sets")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    ap.add_argument("--eval-sets", type=Path, default=ROOT / "target/eval-sets",
                    help="output of scripts/eval_sets.py (built if missing)")
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--per-occupation", type=int, default=20)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    q, c, r = titles_set(a.data, a.out, a.queries, a.per_occupation)
    if not a.quiet:
        print(f"titles-esco-onet: {q} queries, {c} corpus titles, {r} relevant pairs", file=sys.stderr)
    gen = gen_set(a.quiet)
    subprocess.run([sys.executable, str(ROOT / "scripts/eval_sets.py"), "--data", str(a.data),
                    "--out", str(a.eval_sets), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    qrels_of = {"titles-esco-onet": a.out / "titles-esco-onet/qrels.tsv",
                "gen-train-10k": gen / "qrels.tsv", **hand_titles_sets(a.out, a.quiet),
                **labelled_qrels(a.data, a.eval_sets)}
    write_folds(a.out, qrels_of, a.folds)
    if not a.quiet:
        print(f"folds: {a.folds} per set, in {a.out / 'folds.tsv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
