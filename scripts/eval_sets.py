#!/usr/bin/env python3
"""Build the derived evaluation sets that `scripts/quality.sh` measures matcher on.

Two of the labelled sets in ../shared/data/eval are not retrieval sets as published; this
script turns them into ones (corpus + queries + TREC qrels) in an output directory, by
default `target/eval-sets/`. The output is never committed: the sources' licences are
not stated, so the project reads them by path and keeps only this recipe.

Each set is written as

    SET/corpus.tsv    id<TAB>text, one document per line
    SET/queries.tsv   id<TAB>text, one query per line
    SET/qrels.tsv     TREC qrels: qid 0 docid grade

The TSVs are written the way `matcher eval` reads them (src/eval/collection.rs): a header
line `id<TAB>text` (always written, so a first id that happens to end in "id" is never
taken for a header), the id up to the first tab, and the text after it with line breaks
written as the two characters `\\n` (which matcher turns back into line breaks) and tabs
as spaces. Ids are plain ASCII, usable as file names.

resume-categories-en (UpdatedResumeDataSet.csv: Category, Resume)
    The 962 rows hold 166 distinct résumés. The text is UTF-8 that was once decoded as
    Latin-1 ("â¢" for "•"); every row round-trips, so it is repaired with
    text.encode("latin-1").decode("utf-8") (a row that did not would be kept as is).
    Résumés are de-duplicated on their whitespace-normalised text; ids r001… in order of
    first appearance. One query per category: the category name, a blank line, and the
    description of the closest ESCO occupation (ESCO_FOR_CATEGORY below, a reviewed
    table; printed on every run). Relevant (grade 1): the résumés filed under that
    category (a résumé filed under two categories would be relevant to both; none is).

resumener-zh (train.char.bmes + dev.char.bmes: one character and its BMES tag a line,
a blank line between sentences, entities NAME CONT RACE TITLE EDU ORG PRO LOC)
    The sentences are the clauses of executive biographies, one person after another.
    Rebuild rule: a sentence whose first NAME entity is neither the current person's name
    nor a prefix of it (a surname-only reference such as 杨先生 for 杨书剑) starts a new
    person; every other sentence — with no NAME, with the same name again, or naming
    someone else only after the person's own name (曾用名, 中文名, 与梁桂秋先生一起…) —
    continues the current person. Each file starts a new person. Of the 1,055 sentences
    that name someone this starts 922 people (train 821 + dev 101; 918 names open their
    sentence, 4 follow a label such as "监事：王凤仙") and keeps 133 with the person they
    follow (34 repeat the full name, 99 refer back by surname: 杨先生, 顾先生). At most a
    person spans 23 sentences (547 characters); the longest, read by eye, are each one
    biography.
    Résumé text = the person's sentences joined as they were (names included: the data
    carries them, and matcher blanks personal data itself). Ids zh-train-0001…,
    zh-dev-0001….
    Queries are short Chinese job ads, one per (title, education) pair in ZH_QUERIES:
    "招聘：财务总监，要求硕士及以上学历。". Grades come from the gold entities:
      title held   — one of the person's TITLE entities, after stripping a board prefix
                     (董事会独立董事, 第二届监事会监事 → 独立董事, 监事), equals the title;
      variant held — the same for one of TITLE_VARIANTS[title] (独立非执行董事 for
                     独立董事, 财务负责人 for 财务总监 …);
      education    — the highest level among the person's EDU entities (edu_level());
      grade 2 = title held and education ≥ the requirement;
      grade 1 = title held with lower or unknown education, or only a variant held;
      otherwise not judged (non-relevant).
    Every query has 5–200 relevant people (checked on every run; the MAP a perfect run
    cut at depth 100 could reach is printed, as some queries have more than 100).

titles-zh (ours: data/taxonomy/curated/titles-zh.tsv + data/eval/titles-zh/queries.tsv)
    A Chinese job-title set of the TalentCLEF task A kind, built only from files of this
    project. Corpus: every distinct Chinese alias (zh_aliases) of the curated titles, one
    document each, ids tzc0001… in file order. Queries: the hand-written title strings of
    data/eval/titles-zh/queries.tsv (id, canonical, query), ids as there. Relevant
    (grade 1): the corpus titles that are aliases of the query's canonical (an alias
    listed under two canonicals is relevant to both). Checked on every run: each
    canonical exists, no query is itself a name of the title vocabulary
    (data/taxonomy/titles.tsv, any language, case-insensitively) nor a corpus title, and
    every family of the curated file has queries. Printed: how many queries are still a
    vocabulary name once a bracketed part, a seniority word and 急招 are dropped (the
    part of the set a table lookup could answer). See data/eval/README.md.

titles-es, titles-de (ours: data/eval/titles-LANG/titles.tsv)
    Job-title sets of the same kind in Spanish and in German, each built from one
    hand-written file: an occupation (an English key), its family, the titles an
    occupational classification would list for it in that language (standard, feminine
    and regional forms, synonyms), and one or two titles as postings write them.
    Corpus: every corpus title, ids tesc0001… / tdec0001… in file order. Queries: the
    posting titles, ids tes001… / tde001… in file order. Relevant (grade 1): the corpus
    titles of the query's occupation. Checked on every run: four columns a row, occupation
    keys unique, no corpus title listed twice, no query equal to a corpus title (all
    case-insensitively), every occupation with queries and ≥ 2 corpus titles. Unlike
    titles-zh, the corpus is not matcher's vocabulary (the title vocabulary has no
    Spanish or German names), so these measure what the encoder and the words carry
    across languages the ranking was never fitted on. See data/eval/README.md.

Usage: scripts/eval_sets.py [--data ../shared/data] [--out target/eval-sets] [--quiet]
"""

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Category → ESCO occupation (preferred label in esco-occupations-en.csv). Chosen by hand
# as the closest preferred label; where none names the category the reason is given.
ESCO_FOR_CATEGORY = {
    "Advocate": "lawyer",  # an Indian advocate is a practising lawyer
    "Arts": "artistic painter",  # the résumés: painting/drawing graduates and teachers
    "Automation Testing": "ICT test analyst",  # designs tests and writes test scripts
    "Blockchain": "blockchain developer",
    "Business Analyst": "business analyst",
    "Civil Engineer": "civil engineer",
    "Data Science": "data scientist",
    "Database": "database administrator",  # the résumés are DBAs (Oracle, SQL Server)
    "DevOps Engineer": "cloud DevOps engineer",  # alt label "devops engineer"
    "DotNet Developer": "software developer",  # ESCO names no language
    "ETL Developer": "data warehouse designer",  # its description names ETL processes
    "Electrical Engineering": "electrical engineer",
    "HR": "human resources officer",
    "Hadoop": "data engineer",  # Hadoop developers build big-data pipelines
    "Health and fitness": "personal trainer",  # alt labels "personal trainer & nutritionist"
    "Java Developer": "software developer",  # ESCO names no language
    "Mechanical Engineer": "mechanical engineer",
    "Network Security Engineer": "ICT security administrator",  # alt "network security administrator"
    "Operations Manager": "operations manager",
    "PMO": "project support officer",  # alt labels "PMO", "project management officer"
    "Python Developer": "software developer",  # ESCO names no language
    "SAP Developer": "ICT application developer",  # builds on a vendor platform's own languages
    "Sales": "sales manager",
    "Testing": "software tester",
    "Web Designing": "web designer",
}

# resumener-zh queries: (query id, title, minimum education level). Titles are frequent
# TITLE entities of the data; the education level is one of EDU_NAMES. 总经理 and 副总经理,
# the two most frequent, are left out: a quarter and a third of all people hold them, so
# they are no retrieval query (and their MAP at depth 100 could not exceed 0.43 and 0.33).
ZH_QUERIES = [
    ("zh-q01", "董事长", 2),
    ("zh-q02", "董事长", 3),
    ("zh-q03", "副董事长", 2),
    ("zh-q04", "独立董事", 3),
    ("zh-q05", "独立董事", 4),
    ("zh-q06", "财务总监", 2),
    ("zh-q07", "财务总监", 3),
    ("zh-q08", "董事会秘书", 2),
    ("zh-q09", "董事会秘书", 3),
    ("zh-q10", "监事会主席", 2),
    ("zh-q11", "监事", 1),
    ("zh-q12", "执行董事", 3),
    ("zh-q13", "总工程师", 2),
    ("zh-q14", "高级工程师", 2),
    ("zh-q15", "高级工程师", 3),
    ("zh-q16", "高级会计师", 2),
    ("zh-q17", "高级经济师", 2),
    ("zh-q18", "注册会计师", 2),
    ("zh-q19", "总会计师", 2),
    ("zh-q20", "党委书记", 2),
    ("zh-q21", "党委副书记", 3),
    ("zh-q22", "副总裁", 3),
    ("zh-q23", "总裁", 3),
    ("zh-q24", "总经理助理", 2),
    ("zh-q25", "教授", 4),
    ("zh-q26", "博士生导师", 4),
    ("zh-q27", "研究员", 4),
    ("zh-q28", "副院长", 4),
    ("zh-q29", "律师", 2),
    ("zh-q30", "厂长", 1),
    ("zh-q31", "副厂长", 1),
    ("zh-q32", "工程师", 1),
]

# Other titles that count as holding a query's title, at grade 1 only. Each is a
# narrower or differently worded form of the same post seen in the data.
TITLE_VARIANTS = {
    "董事长": ["董事局主席", "董事会主席"],
    "副总经理": ["常务副总经理"],
    "独立董事": ["独立非执行董事", "非执行独立董事"],
    "财务总监": ["财务负责人", "首席财务官", "CFO"],
    "董事会秘书": ["董秘", "公司秘书"],
    "监事会主席": ["监事长", "监事会召集人"],
    "监事": ["职工监事", "职工代表监事", "股东监事", "外部监事", "独立监事", "专职监事"],
    "执行董事": ["董事局执行董事"],
    "高级工程师": ["教授级高级工程师", "研究员级高级工程师", "正高级工程师", "教授级高工"],
    "高级会计师": ["教授级高级会计师"],
    "注册会计师": ["中国注册会计师", "美国注册会计师", "执业注册会计师", "国家注册会计师"],
    "副总裁": ["常务副总裁", "高级副总裁", "执行副总裁"],
    "总裁": ["执行总裁", "首席执行官", "CEO"],
    "教授": ["会计学教授", "经济学教授", "金融学教授", "法学教授", "大学教授", "特聘教授", "二级教授"],
    "研究员": ["高级研究员"],
    "律师": ["执业律师", "合伙人律师", "高级律师", "注册律师"],
    "厂长": ["代理厂长", "代厂长"],
    "工程师": ["主任工程师", "主管工程师", "项目工程师", "质量工程师"],
}

# Bounds on a query's relevant people: enough to average over, few enough to be a search.
MIN_RELEVANT, MAX_RELEVANT = 5, 200

EDU_NAMES = {1: "大专", 2: "本科", 3: "硕士", 4: "博士"}

# A board or term prefix in front of a title: 第二届董事会独立董事, 监事会监事, 董事局执行董事.
BOARD_PREFIX = re.compile(r"^(?:第?[一二三四五六七八九十、和第]+届)?(?:董事会|监事会|董事局)")


def edu_level(entity):
    """The education level an EDU entity states: 4 博士, 3 硕士, 2 本科, 1 大专, 0 other.

    Unfinished or non-degree study (在读, 进修班, 研究生班, 同等学力/学历) counts as 0, as do
    secondary school and professional memberships (ACCA, FCCA) that the annotators tagged EDU.
    """
    e = entity.upper()
    if any(x in e for x in ("在读", "进修", "研究生班", "同等学", "学员")):
        return 0
    if "博士" in e and "博士后" not in e:
        return 4
    if any(x in e for x in ("硕士", "研究生", "MBA", "MPACC")):
        return 3
    if any(x in e for x in ("专科", "大专", "专修")):
        return 1
    if any(x in e for x in ("本科", "学士", "大学", "大本")):
        return 2
    return 0


def write_tsv(path, rows):
    """Write `id<TAB>text` rows as matcher reads them: a header, one document a line."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("id\ttext\n")
        for doc_id, text in rows:
            assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", doc_id), doc_id
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
            out.write(f"{doc_id}\t{text.strip().replace(chr(10), chr(92) + 'n')}\n")


def map_ceiling(qrels, depth=100):
    """The MAP a perfect run cut at `depth` would get: min(R, depth) / R averaged."""
    sizes = [sum(1 for g in docs.values() if g > 0) for docs in qrels.values()]
    return sum(min(r, depth) / r for r in sizes if r) / max(1, sum(1 for r in sizes if r))


def write_qrels(path, qrels):
    """Write TREC qrels (`qid 0 docid grade`), queries in order, documents by id."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for qid, docs in qrels.items():
            for doc_id in sorted(docs):
                out.write(f"{qid} 0 {doc_id} {docs[doc_id]}\n")


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def repair_mojibake(text):
    """UTF-8 that was decoded as Latin-1, decoded properly; other text unchanged."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def esco_occupations(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {row["preferredLabel"].strip(): row for row in csv.DictReader(f)}


def build_resume_categories(data, out, log):
    src = data / "eval/resume-categories-en/UpdatedResumeDataSet.csv"
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    docs, categories = {}, defaultdict(set)  # normalised text → (id, text); id → categories
    for row in rows:
        text = repair_mojibake(row["Resume"])
        key = " ".join(text.split())
        if key not in docs:
            docs[key] = (f"r{len(docs) + 1:03d}", text)
        categories[docs[key][0]].add(row["Category"].strip())

    occupations = esco_occupations(data / "taxonomy/esco-occupations-en.csv")
    names = sorted({c for cs in categories.values() for c in cs})
    missing = [c for c in names if c not in ESCO_FOR_CATEGORY]
    unknown = [o for o in ESCO_FOR_CATEGORY.values() if o not in occupations]
    if missing or unknown:
        sys.exit(f"eval_sets: categories without an ESCO occupation {missing}, "
                 f"ESCO labels not found {unknown}")
    queries, qrels = [], {}
    log("  resume-categories-en: category → ESCO occupation")
    for cat in names:
        occupation = occupations[ESCO_FOR_CATEGORY[cat]]
        qid = slug(cat)
        queries.append((qid, f"{cat}\n\n{' '.join(occupation['description'].split())}"))
        qrels[qid] = {d: 1 for d, cs in categories.items() if cat in cs}
        log(f"  {cat:26s} → {ESCO_FOR_CATEGORY[cat]:28s} ({len(qrels[qid])} relevant)")

    target = out / "resume-categories-en"
    target.mkdir(parents=True, exist_ok=True)
    write_tsv(target / "corpus.tsv", docs.values())
    write_tsv(target / "queries.tsv", queries)
    write_qrels(target / "qrels.tsv", qrels)
    multi = sum(1 for cs in categories.values() if len(cs) > 1)
    pairs = sum(len(d) for d in qrels.values())
    log(f"resume-categories-en: {len(rows)} rows → {len(docs)} distinct résumés "
        f"({multi} under more than one category), {len(queries)} queries, {pairs} relevant pairs "
        f"({min(len(d) for d in qrels.values())}–{max(len(d) for d in qrels.values())} a query)")


def read_bmes(path):
    """Sentences of a BMES file, each a list of (character, tag)."""
    sentences, current = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(current)
                current = []
            elif len(parts) == 2:
                current.append((parts[0], parts[1]))
    if current:
        sentences.append(current)
    return sentences


def entities(sentence):
    """(type, text) of each entity of a BMES-tagged sentence, in order."""
    found, buf = [], []
    for ch, tag in sentence:
        prefix, _, kind = tag.partition("-")
        if prefix == "S":
            found.append((kind, ch))
            buf = []
        elif prefix == "B":
            buf = [ch]
        elif prefix == "M" and buf:
            buf.append(ch)
        elif prefix == "E" and buf:
            buf.append(ch)
            found.append((kind, "".join(buf)))
            buf = []
        else:
            buf = []
    return found


def rebuild_people(sentences, prefix):
    """Group consecutive sentences into people by the rule in the module docstring."""
    people, name = [], None
    for sentence in sentences:
        ents = entities(sentence)
        first = next((text for kind, text in ents if kind == "NAME"), None)
        starts_new = not people or (first is not None and not (name or "").startswith(first))
        if starts_new:
            people.append({"id": f"{prefix}-{len(people) + 1:04d}", "sentences": [], "ents": []})
            name = first
        people[-1]["sentences"].append("".join(ch for ch, _ in sentence))
        people[-1]["ents"].extend(ents)
    return people


def normalise_title(title):
    stripped = BOARD_PREFIX.sub("", title)
    return stripped if stripped else title


def build_resumener(data, out, log):
    src = data / "eval/resumener-zh"
    people = []
    for split in ("train", "dev"):
        sentences = read_bmes(src / f"{split}.char.bmes")
        found = rebuild_people(sentences, f"zh-{split}")
        log(f"resumener-zh: {split}: {len(sentences)} sentences → {len(found)} people")
        people.extend(found)

    for p in people:
        titles = {t for kind, t in p["ents"] if kind == "TITLE"}
        p["titles"] = titles | {normalise_title(t) for t in titles}
        p["edu"] = max((edu_level(e) for kind, e in p["ents"] if kind == "EDU"), default=0)

    queries, qrels = [], {}
    for qid, title, level in ZH_QUERIES:
        requirement = "博士学历" if level == 4 else f"{EDU_NAMES[level]}及以上学历"
        queries.append((qid, f"招聘：{title}，要求{requirement}。"))
        variants = set(TITLE_VARIANTS.get(title, []))
        judged = {}
        for p in people:
            if title in p["titles"]:
                judged[p["id"]] = 2 if p["edu"] >= level else 1
            elif p["titles"] & variants:
                judged[p["id"]] = 1
        qrels[qid] = judged
        if not MIN_RELEVANT <= len(judged) <= MAX_RELEVANT:
            sys.exit(f"eval_sets: resumener-zh query {qid} ({title}) has {len(judged)} relevant "
                     f"people, want {MIN_RELEVANT}–{MAX_RELEVANT}")

    target = out / "resumener-zh"
    target.mkdir(parents=True, exist_ok=True)
    write_tsv(target / "corpus.tsv", ((p["id"], "".join(p["sentences"])) for p in people))
    write_tsv(target / "queries.tsv", queries)
    write_qrels(target / "qrels.tsv", qrels)

    grades = Counter(g for docs in qrels.values() for g in docs.values())
    edu = Counter(EDU_NAMES.get(p["edu"], "none/other") for p in people)
    log(f"resumener-zh: {len(people)} people, education {dict(sorted(edu.items()))}")
    sizes = [len(d) for d in qrels.values()]
    log(f"resumener-zh: {len(queries)} queries, {grades[2]} grade-2 and {grades[1]} grade-1 pairs "
        f"({min(sizes)}–{max(sizes)} relevant a query; MAP ceiling at depth 100: {map_ceiling(qrels):.3f})")
    for (qid, _, _), (_, text) in zip(ZH_QUERIES, queries):
        g = Counter(qrels[qid].values())
        log(f"  {qid} {text:24s} grade 2: {g[2]:3d}  grade 1: {g[1]:3d}")


# Decorations postings put around a title: what a query is stripped of to see whether
# what remains is a vocabulary name (reported, not used for building).
DECORATION = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]|^急招[：:]?\s*|资深|高级|初级|中级|^\s+|\s+$")


def title_names(path):
    """Every name (canonical and aliases) of a title TSV, lowercased."""
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "canonical":
                continue
            names.add(fields[0].strip().lower())
            for field in fields[2:]:
                names.update(a.strip().lstrip("=").lower() for a in field.split("|") if a.strip())
    return names


def build_titles_zh(out, log):
    curated = ROOT / "data/taxonomy/curated/titles-zh.tsv"
    queries_src = ROOT / "data/eval/titles-zh/queries.tsv"
    family, aliases_of = {}, {}
    with open(curated, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]
    for canonical, fam, zh, *_ in rows[1:]:
        family[canonical] = fam
        aliases_of[canonical] = [a.strip() for a in zh.split("|") if a.strip()]
    docs = {}  # alias → id
    for canonical, aliases in aliases_of.items():
        for a in aliases:
            docs.setdefault(a, f"tzc{len(docs) + 1:04d}")
    vocabulary = title_names(ROOT / "data/taxonomy/titles.tsv") | title_names(curated)

    queries, qrels, errors = [], {}, []
    with open(queries_src, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    for n, line in enumerate(lines[1:], 2):
        try:
            qid, canonical, text = line.split("\t")
        except ValueError:
            errors.append(f"{queries_src}: entry {n}: expected id<TAB>canonical<TAB>query")
            continue
        if canonical not in aliases_of:
            errors.append(f"{queries_src}: {qid}: unknown canonical {canonical!r}")
            continue
        if text.strip().lower() in vocabulary or text.strip() in docs:
            errors.append(f"{queries_src}: {qid}: {text!r} is itself a vocabulary title")
        queries.append((qid, text, canonical))
        qrels[qid] = {docs[a]: 1 for a in aliases_of[canonical]}
    if len({q for q, _, _ in queries}) != len(queries):
        errors.append(f"{queries_src}: duplicate query ids")
    missing = sorted(set(family.values()) - {family[c] for _, _, c in queries})
    if missing:
        errors.append(f"{queries_src}: no query for the families {missing}")
    if errors:
        sys.exit("eval_sets: titles-zh:\n  " + "\n  ".join(errors))

    target = out / "titles-zh"
    target.mkdir(parents=True, exist_ok=True)
    write_tsv(target / "corpus.tsv", ((i, a) for a, i in docs.items()))
    write_tsv(target / "queries.tsv", ((q, t) for q, t, _ in queries))
    write_qrels(target / "qrels.tsv", qrels)

    bare = [(q, DECORATION.sub("", t)) for q, t, _ in queries]
    lookup = [q for q, b in bare if b.lower() in vocabulary]
    per_family = Counter(family[c] for _, _, c in queries)
    sizes = [len(d) for d in qrels.values()]
    log(f"titles-zh: {len(docs)} corpus titles ({len(aliases_of)} occupations), {len(queries)} queries "
        f"over {len(per_family)} families, {sum(sizes)} relevant pairs ({min(sizes)}–{max(sizes)} a query)")
    log(f"titles-zh: {len(lookup)} of {len(queries)} queries are a vocabulary title once brackets, "
        f"seniority and 急招 are dropped")
    log("  families: " + ", ".join(f"{k} {v}" for k, v in sorted(per_family.items())))


def title_rows(src):
    """The data rows of a titles.tsv, after its comment lines and header: (line number,
    line) pairs."""
    with open(src, encoding="utf-8") as f:
        rows = [(n, l.rstrip("\n")) for n, l in enumerate(f, 1)
                if l.strip() and not l.startswith("#")]
    return rows[1:]


def build_titles_lang(lang, out, log, src=None, name=None):
    """titles-es / titles-de from data/eval/titles-LANG/titles.tsv (see the docstring).
    scripts/train_sets.py builds its hand-written training title sets with it too, from
    data/train/titles-LANG/titles.tsv (`src`) as `name`. Returns the occupation keys."""
    name = name or f"titles-{lang}"
    src = src or ROOT / f"data/eval/{name}/titles.tsv"
    docs, queries, qrels, family, errors = {}, [], {}, {}, []
    seen_titles, seen_queries = set(), set()
    for n, line in title_rows(src):
        fields = line.split("\t")
        if len(fields) != 4:
            errors.append(f"{src}: line {n}: expected occupation, family, corpus, queries")
            continue
        occupation, fam, corpus, posted = (x.strip() for x in fields)
        if occupation in family:
            errors.append(f"{src}: line {n}: occupation {occupation!r} listed twice")
            continue
        family[occupation] = fam
        titles = [t.strip() for t in corpus.split("|") if t.strip()]
        asked = [q.strip() for q in posted.split("|") if q.strip()]
        if len(titles) < 2 or not asked:
            errors.append(f"{src}: line {n}: {occupation!r} needs ≥ 2 corpus titles and a query")
        ids = []
        for t in titles:
            if t.lower() in seen_titles:
                errors.append(f"{src}: line {n}: corpus title {t!r} listed twice")
                continue
            seen_titles.add(t.lower())
            docs[t] = f"t{lang}c{len(docs) + 1:04d}"
            ids.append(docs[t])
        for q in asked:
            if q.lower() in seen_queries:
                errors.append(f"{src}: line {n}: query {q!r} listed twice")
            seen_queries.add(q.lower())
            qid = f"t{lang}{len(queries) + 1:03d}"
            queries.append((qid, q, occupation))
            qrels[qid] = {i: 1 for i in ids}
    clash = sorted(q for q in seen_queries if q in seen_titles)
    if clash:
        errors.append(f"{src}: queries equal to a corpus title: {clash}")
    if errors:
        sys.exit(f"eval_sets: {name}:\n  " + "\n  ".join(errors))

    target = out / name
    target.mkdir(parents=True, exist_ok=True)
    write_tsv(target / "corpus.tsv", ((i, t) for t, i in docs.items()))
    write_tsv(target / "queries.tsv", ((q, t) for q, t, _ in queries))
    write_qrels(target / "qrels.tsv", qrels)
    per_family = Counter(family[o] for _, _, o in queries)
    sizes = [len(d) for d in qrels.values()]
    log(f"{name}: {len(docs)} corpus titles ({len(family)} occupations), {len(queries)} queries "
        f"over {len(per_family)} families, {sum(sizes)} relevant pairs ({min(sizes)}–{max(sizes)} a query)")
    log("  families: " + ", ".join(f"{k} {v}" for k, v in sorted(per_family.items())))
    return set(family)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data",
                        help="the shared data directory (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=ROOT / "target/eval-sets",
                        help="where to write the sets (default: target/eval-sets)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary lines")
    args = parser.parse_args()

    def log(line):
        if not args.quiet or not line.startswith("  "):
            print(line)

    build_resume_categories(args.data, args.out, log)
    build_resumener(args.data, args.out, log)
    build_titles_zh(args.out, log)
    build_titles_lang("es", args.out, log)
    build_titles_lang("de", args.out, log)
    print(f"eval_sets: wrote {args.out}")


if __name__ == "__main__":
    main()
