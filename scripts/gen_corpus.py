#!/usr/bin/env python3
"""Generate a synthetic bilingual résumé / job-description corpus with ground truth.

What: a deterministic, seeded generator of fake candidate profiles (Markdown, plain
text, HTML; English, Chinese and Chinese-with-English-terms) and job descriptions
(Markdown), plus TREC relevance judgements built *by construction*, for benchmarking
`matcher` (and the bm25s peer, scripts/peer_bm25s.py) at 10k–1M profiles.

    scripts/gen_corpus.py --profiles 100000 --jobs 1000 --seed 42 --out target/gen/100k

Why it is shaped so:

* **Vocabulary from the engine's own taxonomy.** Skills come from
  data/taxonomy/skills.tsv and titles from data/taxonomy/titles.tsv (only rows with a
  purely Chinese alias, i.e. the curated, realistic ones), so every skill written into a
  profile is one the engine can recognise under *some* name — canonical, an English
  alias or a Chinese alias chosen at random per mention.
* **Occupations.** `--occupations` (default 200) synthetic occupations, each a domain
  (software, finance, hr, …), a title and a core of 12 skills (10 from its domain, 2 from
  a related one). Occupations of one domain draw from the same pool, so they overlap the
  way real roles do. Profiles pick an occupation with Zipf-like popularity; each job
  targets one occupation (job j → occupation perm[j mod n]). The number of occupations
  does not grow with --profiles, and profile i / job j depend only on (seed, i) / (seed,
  j): a 10k corpus is exactly the first 10k profiles of the 100k one with the same seed.
  The price: each job's relevant set grows with the corpus (R ≈ profiles/occupations),
  so MAP@100 falls with size; compare systems at one size, and P@10 / nDCG@10 across sizes.
* **Ground truth** (qrels.tsv, TREC `job_id 0 profile_id rel`): rel 2 = a profile of the
  job's occupation that has ≥ 2/3 (rounded up) of the job's required skills and at least
  its minimum years; rel 1 = same occupation otherwise; other profiles are not listed
  (not relevant). Years are stated in ~90% of profiles ("Experience: 7 years",
  "工作年限：7年", "从业7年") and always agree with the date ranges, which end at
  --ref-month (default 2026-11) when open ("至今", "Present").
* **Profile ids** mirror `matcher`'s `id_for` (src/ingest/mod.rs): the path relative to the
  indexed directory without extension, so indexing OUT/profiles gives ids like
  `0012/p0012345` — exactly what qrels.tsv uses. Jobs are flat: OUT/jobs/j00042.md → `j00042`.
* **Noise** like real input: ~1% of words with two adjacent letters swapped, random
  lower/upper casing of (case-insensitive) skill names, stray spaces/tabs/blank lines,
  full-width punctuation in Chinese with some lines in half-width, and ~3% of profiles
  with a duplicated line; HTML profiles carry <style>, sometimes analytics <script> and
  rarely a keyword-stuffing <script> (text that must not be indexed).
* **Fake personal data only**: 张三 / 李示例 / Jane Doe / Alex Sample …, phones
  13x-0000-xxxx and 555-01xx, e-mails @example.com.
* **Length** per profile is drawn log-normally (median ≈ 3 KB of text, clamped to
  1–8 KB) and reached by adding work-experience bullets and projects.
* **Deterministic**: the same seed and options give byte-identical output (Python 3.11;
  `random.Random` seeded with a string per document; no set or hash-order iteration, no
  clock). manifest.json records seed, counts, bytes and the format / language mix, and no
  timings (timings go to stderr).

Besides the layout the brief asks for (profiles/NNNN/<id>.{md,txt,html} sharded 1000 per
directory, jobs/<id>.md, qrels.tsv, manifest.json) it writes occupations.tsv (each
occupation's domain, title and core skills), profiles.tsv (id, occupation, language,
format, years, core-skill count, bytes) and jobs.tsv (id, occupation, language, minimum
years, required and preferred skills) so a ranking can be inspected against how the data
was built.

Standard library only; about 1k–2k profiles/s on one core.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import re
import shutil
import sys
import time
from pathlib import Path

GENERATOR = "gen_corpus.py v2"
REPO = Path(__file__).resolve().parent.parent
PURE_HAN = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
TECHLIKE = re.compile(r"[A-Z0-9+#./]")

# --------------------------------------------------------------------------------------
# Word banks. Small, hand-written, deliberately neutral (no skill names) so that the
# signal that separates occupations is the skills and titles taken from the taxonomy.
# --------------------------------------------------------------------------------------

# Share of occupations per skill domain, and the domain whose pool lends 2 core skills.
DOMAINS = [
    # domain, weight, related domains, title family, word-bank group
    ("software", 26, ["cloud", "data", "security"], "engineering", "tech"),
    ("data", 12, ["software", "cloud"], "data", "tech"),
    ("cloud", 8, ["software", "security"], "engineering", "tech"),
    ("security", 4, ["cloud", "software"], "engineering", "tech"),
    ("product", 5, ["design", "management", "data"], "product", "product"),
    ("design", 5, ["product", "marketing"], "design", "product"),
    ("finance", 9, ["management", "operations"], "finance", "finance"),
    ("sales", 7, ["marketing", "management"], "sales", "growth"),
    ("marketing", 5, ["sales", "product", "design"], "marketing", "growth"),
    ("operations", 6, ["management", "manufacturing", "sales"], "operations", "ops"),
    ("hr", 4, ["management"], "hr", "hr"),
    ("manufacturing", 8, ["operations", "management"], "manufacturing", "ops"),
    ("healthcare", 5, ["management", "operations"], "healthcare", "health"),
    ("management", 3, ["hr", "operations", "finance"], "management", "mgmt"),
]

OBJECTS = {  # (English, Chinese) things people work on, by word-bank group
    "tech": [("order service", "订单服务"), ("payment gateway", "支付网关"), ("data platform", "数据平台"),
             ("mobile app", "移动端应用"), ("monitoring stack", "监控体系"), ("search service", "搜索服务"),
             ("billing system", "计费系统"), ("internal developer platform", "研发效能平台"),
             ("sensor data pipeline", "传感器数据链路"), ("user center", "用户中心"),
             ("log analytics platform", "日志分析平台"), ("content delivery layer", "内容分发层")],
    "product": [("onboarding flow", "新手引导流程"), ("merchant dashboard", "商家后台"), ("checkout experience", "下单流程"),
                ("design system", "组件规范"), ("membership program", "会员体系"), ("self-service portal", "自助服务门户"),
                ("mobile storefront", "移动端商城"), ("admin console", "管理后台")],
    "finance": [("monthly close", "月结流程"), ("annual budget", "年度预算"), ("expense process", "费用报销流程"),
                ("cash forecast", "现金流预测"), ("audit preparation", "审计准备"), ("group reporting pack", "集团报表"),
                ("tax filing calendar", "纳税申报日历"), ("cost centre review", "成本中心复盘")],
    "growth": [("key accounts", "重点客户"), ("regional pipeline", "区域商机"), ("channel partners", "渠道伙伴"),
               ("brand campaign", "品牌活动"), ("quarterly promotion", "季度促销"), ("renewal program", "续约计划"),
               ("trade show calendar", "展会计划"), ("lead funnel", "线索漏斗")],
    "ops": [("production line", "生产线"), ("warehouse network", "仓储网络"), ("supplier base", "供应商体系"),
            ("shift schedule", "排班计划"), ("inbound logistics", "入厂物流"), ("quality audits", "质量审核"),
            ("spare parts inventory", "备件库存"), ("delivery routes", "配送线路")],
    "hr": [("recruiting pipeline", "招聘流程"), ("annual review cycle", "年度考核"), ("onboarding program", "入职培训项目"),
           ("compensation bands", "薪酬带宽"), ("campus hiring season", "校园招聘季"), ("employee survey", "员工调研"),
           ("HR shared service center", "人力共享中心"), ("leadership program", "干部培养项目")],
    "health": [("outpatient clinic", "门诊"), ("ward rounds", "病房查房"), ("clinical trial site", "临床试验中心"),
               ("lab workflow", "检验流程"), ("patient follow-up", "患者随访"), ("infection control rounds", "院感巡查"),
               ("pharmacy stock", "药房库存"), ("day surgery unit", "日间手术中心")],
    "mgmt": [("business unit", "事业部"), ("strategy review", "战略复盘"), ("cross-region program", "跨区域项目"),
             ("operating plan", "经营计划"), ("reorganisation", "组织调整"), ("board report", "董事会汇报"),
             ("new market entry", "新市场拓展"), ("annual kickoff", "年度启动会")],
}
METRICS = [("latency", "延迟"), ("cost", "成本"), ("error rate", "错误率"), ("lead time", "交付周期"),
           ("turnaround time", "处理时长"), ("manual work", "人工工作量"), ("churn", "流失率"),
           ("complaints", "投诉量"), ("downtime", "停机时间"), ("rework", "返工率")]

BULLETS_EN = [
    "Led the redesign of the {o} with {s}, cutting {m} by {n}%.",
    "Built and maintained the {o} using {s} and {s2}; it now serves {k}k users every day.",
    "Introduced {s} across {k2} teams and wrote the internal playbook for it.",
    "Owned {s} for the {o}, working closely with product, finance and operations.",
    "Reduced {m} of the {o} by {n}% through better {s}.",
    "Mentored {k2} junior colleagues on {s} and {s2}.",
    "Ran weekly reviews of the {o}; {m} dropped {n}% within two quarters.",
    "Delivered the {o} migration on time, applying {s} throughout.",
    "Set up reporting for the {o} so that leadership could track {m} every week.",
    "Coordinated with {k2} external partners to roll out {s} company-wide.",
    "Handled day-to-day {s} and documented every process change.",
    "Presented our results with {s} and {s2} at the quarterly all-hands meeting.",
    "Took over the {o} from a departing colleague and stabilised it within a month.",
    "Wrote the proposal that secured budget for the new {o}.",
]
BULLETS_ZH = [
    "主导{o}的重构，引入{s}，{m}降低{n}%。",
    "负责{o}的建设与维护，使用{s}和{s2}，日均服务{k}万用户。",
    "在{k2}个团队推广{s}，并编写内部规范文档。",
    "负责{o}中的{s}工作，与产品、财务、运营等部门紧密协作。",
    "通过优化{s}，{o}的{m}下降{n}%。",
    "指导{k2}名新同事掌握{s}与{s2}。",
    "每周组织{o}复盘，两个季度内{m}下降{n}%。",
    "按期完成{o}迁移项目，全程负责{s}相关工作。",
    "搭建{o}的数据报表，管理层可按周跟踪{m}。",
    "协调{k2}家外部合作伙伴，在全公司落地{s}。",
    "负责日常{s}工作，完善流程文档。",
    "在季度全员会上分享{s}和{s2}的实践经验。",
    "接手{o}后一个月内完成稳定性治理。",
    "撰写{o}立项方案并获得预算支持。",
]
SUMMARY_EN = [
    "Hands-on with {s}, {s2} and {s3}; comfortable owning work end to end.",
    "Known for clear writing, steady delivery and a practical approach to {s}.",
    "Most of my recent work has been on the {o}, where I used {s} and {s2} daily.",
    "Looking for a role where {s} and {s2} matter and teams value ownership.",
]
SUMMARY_ZH = [
    "熟悉{s}、{s2}和{s3}，能够独立推进工作并对结果负责。",
    "沟通顺畅，执行力强，在{s}方面有扎实的实践。",
    "近期主要负责{o}，日常使用{s}和{s2}。",
    "希望加入重视{s}与{s2}的团队，持续深耕本领域。",
]

FIRST_EN = ["Jane", "John", "Alex", "Sam", "Chris", "Pat", "Taylor", "Jordan", "Casey", "Morgan",
            "Robin", "Jamie", "Max", "Riley", "Quinn", "Avery"]
LAST_EN = ["Doe", "Roe", "Sample", "Example", "Placeholder", "Testperson", "Doe-Smith", "Demo"]
SURNAME_ZH = [("张", "zhang"), ("李", "li"), ("王", "wang"), ("赵", "zhao"), ("陈", "chen"), ("刘", "liu"),
              ("杨", "yang"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
              ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("林", "lin"), ("罗", "luo")]
GIVEN_ZH = [("三", "san"), ("四", "si"), ("五", "wu"), ("六", "liu"), ("七", "qi"), ("示例", "shili"),
            ("样本", "yangben"), ("某某", "moumou"), ("测试", "ceshi"), ("一", "yi"), ("二", "er")]
CITIES = [("Beijing", "北京"), ("Shanghai", "上海"), ("Shenzhen", "深圳"), ("Hangzhou", "杭州"),
          ("Guangzhou", "广州"), ("Chengdu", "成都"), ("Nanjing", "南京"), ("Wuhan", "武汉"),
          ("Singapore", "新加坡"), ("London", "伦敦"), ("Berlin", "柏林"), ("Toronto", "多伦多")]
BRANDS_EN = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Woodgrove", "Adventure Works", "Litware",
             "Proseware", "Wingtip", "Alpine House", "Coho", "Lucerne", "Trey Research", "Wide World",
             "Fourth Coffee", "Blue Yonder", "Humongous", "Tidewater", "Meridian", "Orient Example"]
SUFFIX_EN = {"tech": "Technologies", "product": "Labs", "finance": "Holdings", "growth": "Group",
             "ops": "Industries", "hr": "Services", "health": "Health", "mgmt": "Group"}
BRANDS_ZH = ["星语", "云雀", "蓝鲸", "数衡", "衡矩", "汇港", "云栈", "海曙", "启明", "远帆", "青禾", "织梦",
             "山海", "新程", "拾光", "鸿途", "知行", "同舟", "睿思", "长风"]
SUFFIX_ZH = {"tech": "科技有限公司", "product": "网络科技有限公司", "finance": "投资管理有限公司",
             "growth": "商贸有限公司", "ops": "智能制造有限公司", "hr": "人力资源服务有限公司",
             "health": "医疗科技有限公司", "mgmt": "集团有限公司"}
SCHOOLS = [("Tsinghua University", "清华大学"), ("Peking University", "北京大学"), ("Zhejiang University", "浙江大学"),
           ("Fudan University", "复旦大学"), ("Shanghai Jiao Tong University", "上海交通大学"),
           ("Nanjing University", "南京大学"), ("Wuhan University", "武汉大学"), ("Sun Yat-sen University", "中山大学"),
           ("Sichuan University", "四川大学"), ("Tongji University", "同济大学"), ("Southeast University", "东南大学"),
           ("Xiamen University", "厦门大学"), ("University of Manchester", "曼彻斯特大学"),
           ("National University of Singapore", "新加坡国立大学"), ("University of Toronto", "多伦多大学")]
MAJORS = {"tech": [("Computer Science", "计算机科学与技术"), ("Software Engineering", "软件工程"),
                   ("Electronic Engineering", "电子信息工程")],
          "product": [("Industrial Design", "工业设计"), ("Information Systems", "信息管理与信息系统")],
          "finance": [("Accounting", "会计学"), ("Finance", "金融学"), ("Economics", "经济学")],
          "growth": [("Marketing", "市场营销"), ("Business Administration", "工商管理")],
          "ops": [("Mechanical Engineering", "机械工程"), ("Logistics Management", "物流管理"),
                  ("Industrial Engineering", "工业工程")],
          "hr": [("Human Resource Management", "人力资源管理"), ("Psychology", "心理学")],
          "health": [("Clinical Medicine", "临床医学"), ("Nursing", "护理学"), ("Pharmacy", "药学")],
          "mgmt": [("Business Administration", "工商管理"), ("Economics", "经济学")]}
# (zh, en, years of study); index = level, higher is more
DEGREES = [("大专", "Associate degree", 3), ("本科", "Bachelor's degree", 4), ("硕士", "Master's degree", 2),
           ("博士", "PhD", 4)]
DEGREE_WEIGHTS = [8, 55, 30, 7]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]
HEAD_EN = {"summary": ["Summary", "Profile", "About Me"], "skills": ["Skills", "Technical Skills", "Core Skills"],
           "work": ["Work Experience", "Experience", "Employment History"], "projects": ["Projects", "Selected Projects"],
           "edu": ["Education"], "lang": ["Languages"], "cert": ["Certifications", "Certificates"]}
HEAD_ZH = {"summary": ["个人简介", "个人优势", "自我评价"], "skills": ["专业技能", "技能特长"],
           "work": ["工作经历", "工作经验"], "projects": ["项目经历"], "edu": ["教育背景", "教育经历"],
           "lang": ["语言能力"], "cert": ["证书", "资格证书"]}
HALF = str.maketrans({"，": ", ", "。": ". ", "：": ": ", "（": "(", "）": ")", "；": "; "})


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

class Rng(random.Random):
    """random.Random with cheap randrange / randint / choice (``int(random() * n)``).

    The stdlib versions go through _randbelow and getrandbits and were half of the
    generator's time; the bias of int(random() * n) (< 2**-40 for our n) does not matter
    here, and the results are just as deterministic. sample/shuffle keep the stdlib code."""

    def randrange(self, start, stop=None):
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class Skill:
    """One taxonomy skill and the surface forms the generator may write for it."""

    __slots__ = ("name", "domain", "zh", "en_alts", "case_sensitive", "techlike", "feats")

    def __init__(self, name: str, domain: str, aliases: list[str]):
        self.name = name
        self.domain = domain
        self.case_sensitive = ("=" + name) in aliases
        self.zh = [a for a in aliases if PURE_HAN.match(a)]
        # English alternatives: ASCII aliases that are not just the canonical again.
        self.en_alts = [a.lstrip("=") for a in aliases
                        if a.isascii() and a.lstrip("=").lower() != name.lower() and len(a.lstrip("=")) >= 3]
        # Product names, acronyms, versions: written in Latin script even in Chinese text.
        self.techlike = bool(TECHLIKE.search(name))
        self.feats = features([name] + self.en_alts, self.zh)

    def surface(self, lang: str, rnd, noisy: bool = True) -> str:
        """A name for this skill in a text of language `lang` (en / zh / mix); `rnd` is a
        random() function."""
        r = rnd()
        if lang == "zh" and not self.techlike and self.zh:
            s = self.zh[int(rnd() * len(self.zh))] if r < 0.9 else self.name
        elif lang == "mix" and not self.techlike and self.zh and r < 0.35:
            s = self.zh[int(rnd() * len(self.zh))]
        elif self.en_alts and r > 0.85:
            s = self.en_alts[int(rnd() * len(self.en_alts))]
        else:
            s = self.name
        if noisy and not self.case_sensitive and s.isascii():
            c = rnd()
            if c < 0.05:
                s = s.lower()
            elif c < 0.07:
                s = s.upper()
        return s


WORD = re.compile(r"[a-z][a-z0-9+#]{2,}")


def features(english: list[str], chinese: list[str]) -> frozenset[str]:
    """What makes two skills (or a title and a skill) look related: shared English words
    and shared Han bigrams of their names. Used only to make occupations coherent."""
    f = set()
    for e in english:
        f.update(WORD.findall(e.lower()))
    for z in chinese:
        f.update(z[k:k + 2] for k in range(len(z) - 1))
    return frozenset(f)


def load_skills(path: Path) -> list[Skill]:
    """Rows of skills.tsv that have a purely Chinese alias (the curated, realistic ones)."""
    out = []
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    for row in rows[1:]:
        name, domain, aliases = row[0], row[1], row[2].split("|") if row[2] else []
        if len(name) > 40 or "(" in name:
            continue
        s = Skill(name, domain, aliases)
        if s.zh:
            out.append(s)
    return out


def load_titles(path: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """Titles with a purely Chinese alias, by family: {family: [(canonical, zh_aliases)]}."""
    by_family: dict[str, list[tuple[str, list[str]]]] = {}
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    for row in rows[1:]:
        name, family, aliases = row[0], row[1], row[2].split("|") if row[2] else []
        zh = [a for a in aliases if PURE_HAN.match(a)]
        if zh and len(name) <= 40:
            by_family.setdefault(family, []).append((name, zh))
    return by_family


def title_case(t: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in t.split(" "))


class Occupation:
    __slots__ = ("oid", "domain", "group", "title", "title_zh", "core", "pool", "weight")


def build_occupations(seed: int, n: int, skills: list[Skill], titles) -> list[Occupation]:
    """The synthetic occupations: depend on the seed and n only, never on corpus size.

    Each occupation takes a title of its domain's family, then a coherent core: the 3
    skills of the domain whose names look most like the title (shared words / Han
    bigrams, weighted by rarity), grown one skill at a time by picking among the 4
    candidates most like the skills chosen so far, up to 9; then 1 random skill of the
    domain and 2 skills of a related domain (most like the core among 10). So "Android
    engineer" gets Android-ish skills and siblings in one domain still overlap."""
    rng = Rng(f"{seed}:occupations:{n}")
    by_domain: dict[str, list[Skill]] = {}
    for s in skills:
        by_domain.setdefault(s.domain, []).append(s)
    df: dict[str, int] = {}
    for s in skills:
        for f in s.feats:
            df[f] = df.get(f, 0) + 1
    idf = {f: math.log(len(skills) / c) for f, c in df.items()}

    def sim(a: frozenset, b: frozenset) -> float:
        return sum(idf.get(f, 8.0) for f in sorted(a & b))  # sorted: float sums in a fixed order

    total_w = sum(d[1] for d in DOMAINS)
    counts = [max(1, round(n * d[1] / total_w)) for d in DOMAINS]
    while sum(counts) > n:  # rounding: trim the largest domains first
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < n:
        counts[0] += 1
    occs: list[Occupation] = []
    for (domain, _w, related, family, group), count in zip(DOMAINS, counts):
        pool = by_domain[domain]
        rel_pool = [s for r in related for s in by_domain[r]]
        fam_titles = titles[family][:]
        rng.shuffle(fam_titles)
        for k in range(count):
            o = Occupation()
            o.domain, o.group = domain, group
            t, zh = fam_titles[k % len(fam_titles)]
            o.title, o.title_zh = t, zh
            tfeats = features([t], zh)
            cand = pool[:]
            rng.shuffle(cand)  # random tie-breaks
            order = sorted(range(len(cand)), key=lambda c: -sim(tfeats, cand[c].feats))
            core_i = order[:3]
            acc = [0.0] * len(cand)
            for c in core_i:
                for x in range(len(cand)):
                    acc[x] += sim(cand[c].feats, cand[x].feats)
            while len(core_i) < min(9, len(cand)):
                chosen = set(core_i)
                best = sorted((x for x in range(len(cand)) if x not in chosen), key=lambda x: -acc[x])[:4]
                c = best[rng.randrange(len(best))]
                core_i.append(c)
                for x in range(len(cand)):
                    acc[x] += sim(cand[c].feats, cand[x].feats)
            core = [cand[c] for c in core_i]
            names = [s.name for s in core]
            others = [s for s in cand if s.name not in names]
            core.append(others[rng.randrange(len(others))])
            names.append(core[-1].name)
            feats = frozenset().union(*(s.feats for s in core))
            rel = sorted((s for s in rel_pool if s.name not in names), key=lambda s: -sim(feats, s.feats))[:10]
            core += rng.sample(rel, 2)
            names = [s.name for s in core]
            o.core = core
            o.pool = [s for s in pool if s.name not in names]
            occs.append(o)
    order = list(range(len(occs)))
    rng.shuffle(order)
    for rank, i in enumerate(order):
        occs[i].weight = 1.0 / (rank + 1) ** 0.6  # Zipf-like popularity
    for i, o in enumerate(occs):
        o.oid = f"occ{i:04d}"
    return occs


# --------------------------------------------------------------------------------------
# Noise
# --------------------------------------------------------------------------------------

def typos(s: str, rnd, han: bool) -> str:
    """Swap two adjacent letters in ~1% of the words of `s` (`rnd` is a random() function)."""
    p = 0.01 * (len(s) // 2 if han else s.count(" ") + 1)
    while p > 0:
        if rnd() < p and len(s) > 3:
            pos = int(rnd() * (len(s) - 1))
            for q in range(pos, min(pos + 12, len(s) - 1)):
                a, b = s[q], s[q + 1]
                if a != b and a.isalpha() and b.isalpha():
                    s = s[:q] + b + a + s[q + 2:]
                    break
        p -= 1
    return s


def stray_space(s: str, rnd) -> str:
    """Now and then a trailing space or tab, or a doubled space."""
    r = rnd()
    if r < 0.02:
        return s + "  "
    if r < 0.03:
        i = s.find(" ")
        return s[:i] + "  " + s[i:] if i > 0 else s
    if r < 0.035:
        return s + "\t"
    return s


# --------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------

def fmt_month(y: int, m: int, style: int, lang: str) -> str:
    if lang == "en":
        return (f"{MONTHS_EN[m - 1]} {y}", f"{MONTHS_LONG[m - 1]} {y}", f"{y}/{m:02d}", f"{y}.{m:02d}")[style]
    return (f"{y}.{m:02d}", f"{y}/{m:02d}", f"{y}年{m}月", f"{y}.{m}")[style]


def fmt_range(start: int, end: int | None, style: int, lang: str, sep: str) -> str:
    """A date range from month numbers (year*12 + month-1); end None = open ("至今")."""
    a = fmt_month(start // 12, start % 12 + 1, style, lang)
    if end is None:
        b = "Present" if lang == "en" else ("至今" if style != 1 or lang == "zh" else "Present")
    else:
        b = fmt_month(end // 12, end % 12 + 1, style, lang)
    return f"{a}{sep}{b}"


class Doc:
    """Résumé blocks, rendered later as Markdown, text or HTML."""

    __slots__ = ("blocks", "size")

    def __init__(self):
        self.blocks: list[tuple] = []
        self.size = 0

    def add(self, kind: str, *parts: str):
        self.blocks.append((kind,) + parts)
        self.size += len("".join(parts).encode("utf-8")) + 4


def render_md(doc: Doc, lang: str, rng: random.Random) -> list[str]:
    out = _render_md(doc, lang)
    # collapse runs of blank lines the block layout produces (noise adds its own later)
    return [line for k, line in enumerate(out) if line or (k > 0 and out[k - 1])]


def _render_md(doc: Doc, lang: str) -> list[str]:
    out: list[str] = []
    for b in doc.blocks:
        k = b[0]
        if k == "h1":
            out.append(f"# {b[1]}")
            out.append("")
        elif k == "meta":
            out.append(b[1])
        elif k == "h2":
            out.extend(["", f"## {b[1]}", ""])
        elif k == "p":
            out.extend([b[1], ""])
        elif k == "li":
            out.append(f"- {b[1]}")
        elif k == "entry":  # company, title, dates
            if lang == "en":
                out.extend(["", f"### {b[2]} — {b[1]}", f"**{b[3]}**", ""])
            else:
                out.extend(["", f"### {b[1]} · {b[2]}", f"*{b[3]}*", ""])
        elif k == "proj":
            out.extend(["", f"**{b[1]}**"])
        elif k == "edu":
            out.append(f"- {b[1]}")
    return out


def render_txt(doc: Doc, lang: str, rng: random.Random) -> list[str]:
    out: list[str] = []
    style = rng.randrange(3)
    bullet = ("  - ", "• ", "- ")[style]
    for b in doc.blocks:
        k = b[0]
        if k == "h1" or k == "meta":
            out.append(b[1])
        elif k == "h2":
            if lang != "en":
                out.extend(["", f"【{b[1]}】"])
            else:
                out.extend(["", (b[1].upper(), f"{b[1]}:", f"== {b[1]} ==")[style]])
        elif k == "p":
            out.append(b[1])
        elif k == "li":
            out.append(bullet + b[1])
        elif k == "entry":
            sep = "    " if lang == "en" else "\u3000" if style == 1 else "    "
            out.append(f"{b[3]}{sep}{b[1]}{sep}{b[2]}")
        elif k == "proj":
            out.append(b[1])
        elif k == "edu":
            out.append(b[1])
    return out


STYLE_CSS = ("<style>\n  body { font-family: Georgia, serif; margin: 2rem auto; max-width: 46rem; }\n"
             "  h2 { border-bottom: 1px solid #ccc; }\n  .muted { color: #777; }\n</style>")
SCRIPT_ANALYTICS = ("<script>\n  window.dataLayer = window.dataLayer || [];\n"
                    "  function gtag(){dataLayer.push(arguments);} gtag('js', new Date());\n</script>")


def render_html(doc: Doc, lang: str, rng: random.Random, stuffing: list[str]) -> list[str]:
    out = ["<!DOCTYPE html>", f'<html lang="{"en" if lang == "en" else "zh-CN"}">', "<head>",
           '<meta charset="utf-8">', f"<title>{doc.blocks[0][1]}</title>", STYLE_CSS]
    if rng.random() < 0.3:
        out.append(SCRIPT_ANALYTICS)
    out.extend(["</head>", "<body>"])
    in_ul = False
    for b in doc.blocks:
        k = b[0]
        if k not in ("li", "edu") and in_ul:
            out.append("</ul>")
            in_ul = False
        if k == "h1":
            out.append(f"<header>\n<h1>{b[1]}</h1>")
        elif k == "meta":
            out.append(f"<p>{b[1]}</p>")
        elif k == "h2":
            out.append(f"<h2>{b[1]}</h2>")
        elif k == "p":
            out.append(f"<p>{b[1]}</p>")
        elif k in ("li", "edu"):
            if not in_ul:
                out.append("<ul>")
                in_ul = True
            out.append(f"  <li>{b[1]}</li>")
        elif k == "entry":
            out.append(f"<h3>{b[2]} — {b[1]}</h3>\n<p><em>{b[3]}</em></p>")
        elif k == "proj":
            out.append(f"<h4>{b[1]}</h4>")
    if in_ul:
        out.append("</ul>")
    if stuffing:  # keyword stuffing hidden in a script: must not be indexed
        out.append("<script>\n  var atsKeywords = " + json.dumps(stuffing, ensure_ascii=False) + ";\n</script>")
    out.extend(["</body>", "</html>"])
    # header tag closes after the meta lines
    for i, line in enumerate(out):
        if line.startswith("<h2>"):
            out.insert(i, "</header>")
            break
    return out


def html_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_profile(seed: int, i: int, occs: list[Occupation], cum: list[float], generic: list[Skill],
                 languages: list[Skill], ref: int):
    """Profile i, from its own random stream (so it does not depend on the corpus size).

    Returns (path relative to profiles/, file bytes, (occupation index, bit mask of the
    occupation's core skills it has, years of experience, language, format, number of
    core skills))."""
    rng = Rng(f"{seed}:p:{i}")
    oi = bisect.bisect_right(cum, rng.random() * cum[-1])
    oi = min(oi, len(occs) - 1)
    occ = occs[oi]
    r = rng.random()
    lang = "en" if r < 0.55 else "zh" if r < 0.85 else "mix"
    r = rng.random()
    fmt = "md" if r < 0.5 else "txt" if r < 0.85 else "html"
    zh = lang != "en"
    group = occ.group

    # Career facts
    if rng.random() < 0.05:
        years = 0
    else:
        years = max(1, min(30, int(round(rng.lognormvariate(math.log(6), 0.6)))))
    ncore = len(occ.core)
    k = max(2, min(ncore, int(rng.triangular(2, ncore + 1, 0.7 * ncore))))
    core_idx = sorted(rng.sample(range(ncore), k))
    mask = 0
    for c in core_idx:
        mask |= 1 << c
    mine = [occ.core[c] for c in core_idx]
    rng.shuffle(mine)
    extras = rng.sample(occ.pool, min(len(occ.pool), rng.randint(1, 4))) + rng.sample(generic, rng.randint(1, 3))
    skills = mine + extras
    target = int(min(8000, max(1000, rng.lognormvariate(math.log(3000), 0.5))))
    if fmt == "html":
        target = int(target * 0.8)  # leave room for the markup: the file should stay ≤ ~8 KB
    degree = rng.choices(range(4), DEGREE_WEIGHTS)[0]
    city_en, city_zh = CITIES[rng.randrange(len(CITIES))]
    city = city_en if lang == "en" else city_zh
    title_zh = occ.title_zh[rng.randrange(len(occ.title_zh))]
    title = title_case(occ.title) if lang == "en" or (lang == "mix" and rng.random() < 0.3) else title_zh
    if years >= 8:
        title = ("Senior " + title) if title.isascii() else ("高级" + title)
    date_style = rng.randrange(4)
    sep = rng.choice([" - ", " – ", "-"]) if zh else rng.choice([" – ", " - "])
    halfwidth = zh and rng.random() < 0.25
    H = HEAD_ZH if lang == "zh" or (lang == "mix" and rng.random() < 0.5) else HEAD_EN

    # fill() makes most of the text: it is written for speed (local names, random() only).
    rnd = rng.random
    nmine, nskills = len(mine), len(skills)
    objs = OBJECTS[group]
    obj_names = [o[1 if zh else 0] for o in objs]
    metric_names = [m[1 if zh else 0] for m in METRICS]

    def sk(s: Skill) -> str:
        return s.surface(lang, rnd)

    def pick_skill() -> Skill:
        return mine[int(rnd() * nmine)] if rnd() < 0.75 else skills[int(rnd() * nskills)]

    def fill(t: str) -> str:
        s1 = pick_skill()
        s2 = pick_skill()
        if s2 is s1:
            s2 = skills[int(rnd() * nskills)]
        line = t.format(o=obj_names[int(rnd() * len(obj_names))], m=metric_names[int(rnd() * 10)],
                        s=s1.surface(lang, rnd), s2=s2.surface(lang, rnd),
                        s3=sk(pick_skill()) if "{s3}" in t else "",
                        n=5 + int(rnd() * 56), k=2 + int(rnd() * 499), k2=2 + int(rnd() * 11))
        line = typos(line, rnd, zh)
        if halfwidth and rnd() < 0.5:
            line = line.translate(HALF).rstrip()
        return stray_space(line, rnd)

    # Name and contacts
    if lang == "en" or (lang == "mix" and rng.random() < 0.3):
        first, last = FIRST_EN[rng.randrange(len(FIRST_EN))], LAST_EN[rng.randrange(len(LAST_EN))]
        name = f"{first} {last}"
        email = f"{first}.{last}.{i}@example.com".lower().replace("-", "")
    else:
        (sn, sp), (gn, gp) = SURNAME_ZH[rng.randrange(len(SURNAME_ZH))], GIVEN_ZH[rng.randrange(len(GIVEN_ZH))]
        name = sn + gn
        email = f"{sp}.{gp}.{i}@example.com"
    phone = f"13{rng.randrange(10)}-0000-{rng.randrange(10000):04d}" if zh else f"+1 555-01{rng.randrange(100):02d}"

    d = Doc()
    d.add("h1", name)
    stated = rng.random() < 0.9 and years > 0
    state_in_meta = stated and rng.random() < 0.45
    if lang == "en":
        meta = f"**{title}** · {city}" if fmt == "md" else f"{title} · {city}"
        if state_in_meta:
            meta += f" · Experience{'：' if rng.random() < 0.2 else ': '}{years} years"
        d.add("meta", meta)
        d.add("meta", f"{phone} · {email}")
        if rng.random() < 0.1:
            d.add("meta", f"{rng.choice(['Male', 'Female'])} | Age: {22 + years + rng.randint(0, 4)}")
    else:
        meta = f"{title} · {city}"
        if state_in_meta:
            meta += f" · 工作年限：{years}年"
        d.add("meta", f"**{meta}**" if fmt == "md" else meta)
        d.add("meta", f"手机：{phone}　邮箱：{email}" if not halfwidth else f"Tel: {phone} | Email: {email}")
        if rng.random() < 0.1:
            d.add("meta", f"性别：{rng.choice(['男', '女'])}　年龄：{22 + years + rng.randint(0, 4)}岁")

    # Summary
    d.add("h2", rng.choice(H["summary"]))
    top = ", ".join(sk(s) for s in mine[:3]) if lang == "en" else "、".join(sk(s) for s in mine[:3])
    if lang == "en":
        if years == 0:
            first_line = f"Recent graduate looking for a first role as {title}; coursework and internships in {top}."
        elif stated and not state_in_meta:
            first_line = f"{title} with {years} years of experience, focused on {top}."
        else:
            first_line = f"{title} focused on {top}."
    else:
        if years == 0:
            first_line = f"应届毕业生，求职方向为{title}，在校期间实习涉及{top}。"
        elif stated and not state_in_meta:
            first_line = rng.choice([f"{years}年{title}工作经验，擅长{top}。", f"从业{years}年，擅长{top}。"])
        else:
            first_line = f"专注于{top}。"
    summary = [first_line] + [fill(t) for t in rng.sample(SUMMARY_ZH if zh else SUMMARY_EN, rng.randint(1, 3))]
    d.add("p", (" " if lang == "en" else "").join(summary))

    # Skills: every skill of the profile is listed at least once here.
    d.add("h2", rng.choice(H["skills"]))
    rest = skills[:]
    while rest:
        chunk = rest[:rng.randint(2, 5)]
        rest = rest[len(chunk):]
        names = [sk(s) for s in chunk]
        if lang == "en":
            d.add("li", rng.choice(["", "Proficient in ", "Experienced with ", "Working knowledge of "]) + ", ".join(names))
        else:
            d.add("li", rng.choice(["熟悉", "精通", "掌握", "了解", ""]) + "、".join(names))

    # Work experience: contiguous jobs ending at ref (open) or a few months before.
    # Entries are collected first and emitted after the length is known.
    d.add("h2", rng.choice(H["work"]))
    bullets = BULLETS_ZH if zh else BULLETS_EN
    entries: list[tuple[str, str, str, list[str]]] = []  # company, title, dates, bullets
    if years > 0:
        # Months worked: `years` stated, plus 0–5 months, so that the ranges round *and*
        # floor to the stated figure. Jobs cover the months [start0, end); the engine counts
        # a range's months inclusively ("2021.12 – 2026.11" is 60 months), so the open
        # range's 至今/Present is ref = end - 1.
        total = years * 12 + rng.randint(0, 5)
        open_end = rng.random() < 0.85
        end = ref + 1 if open_end else ref + 1 - rng.randint(1, 6)
        njobs = max(1, min(5, 1 + years // 3 - rng.randint(0, 1)))
        cuts = sorted(rng.sample(range(6, total - 5, 3), njobs - 1)) if total > 12 * njobs and njobs > 1 else []
        # (cuts at least 3 months apart: no job shorter than a quarter)
        bounds = [0] + cuts + [total]
        start0 = end - total
        for j in range(len(bounds) - 1, 0, -1):  # most recent first
            a, b = start0 + bounds[j - 1], start0 + bounds[j]
            is_open = open_end and j == len(bounds) - 1
            brand = rng.randrange(len(BRANDS_ZH))
            company = (f"{BRANDS_EN[brand]} {SUFFIX_EN[group]}" if lang == "en"
                       else f"{city_zh if rng.random() < 0.6 else ''}{BRANDS_ZH[brand]}{SUFFIX_ZH[group]}")
            jt = title if not entries else title.replace("Senior ", "").replace("高级", "")
            entries.append((company, jt, fmt_range(a, None if is_open else b - 1, date_style, lang, sep),
                            [fill(rng.choice(bullets)) for _ in range(rng.randint(1, 3))]))
    else:
        start = ref - rng.randint(3, 6)
        brand = rng.randrange(len(BRANDS_ZH))
        company = f"{BRANDS_EN[brand]} {SUFFIX_EN[group]}" if lang == "en" else f"{BRANDS_ZH[brand]}{SUFFIX_ZH[group]}"
        entries.append((company, "Intern" if lang == "en" else "实习生",
                        fmt_range(start, start + 2, date_style, lang, sep), [fill(rng.choice(bullets))]))

    # Education (schooling ranges are not employment: the engine leaves them out)
    tail = Doc()
    tail.add("h2", rng.choice(H["edu"]))
    grad = (ref - years * 12) // 12 - rng.randint(0, 1)
    major_en, major_zh = rng.choice(MAJORS[group])
    for lvl in ([0] if degree == 0 else range(degree, 0, -1)):  # e.g. PhD, Master's, Bachelor's
        deg_zh, deg_en, dur = DEGREES[lvl]
        school_en, school_zh = SCHOOLS[rng.randrange(len(SCHOOLS))]
        span = f"{grad - dur}.09 - {grad}.06" if zh else f"{grad - dur} – {grad}"
        if lang == "en":
            tail.add("edu", f"{deg_en}, {major_en} — {school_en}, {span}")
        else:
            tail.add("edu", f"{span}　{school_zh}　{major_zh}　{deg_zh}")
        grad -= dur
    # Languages and certificates
    tail.add("h2", rng.choice(H["lang"]))
    langs = rng.sample(languages, rng.randint(1, 2))
    tail.add("li", ", ".join(s.surface("en" if lang == "en" else "zh", rng.random, noisy=False) for s in langs))
    if rng.random() < 0.4:
        tail.add("h2", rng.choice(H["cert"]))
        tail.add("li", rng.choice(["IELTS 7.0", "TOEFL 100", "First aid certificate", "Driving licence"] if lang == "en"
                                  else ["英语CET-6", "英语CET-4", "普通话二级甲等", "计算机二级"]))

    # Grow to the target length: more bullets (mostly on the recent jobs), then projects.
    size = d.size + tail.size + sum(len(e[0]) + len(e[1]) + len(e[2]) + 12 + sum(len(x.encode("utf-8")) + 4
                                                                                for x in e[3]) for e in entries)
    for _ in range(8 * len(entries)):
        if size >= target:
            break
        e = entries[0] if rng.random() < 0.4 else entries[rng.randrange(len(entries))]
        line = fill(rng.choice(bullets))
        e[3].append(line)
        size += len(line.encode("utf-8")) + 4
    for company, jt, dates, lines in entries:
        d.add("entry", company, jt, dates)
        for line in lines:
            d.add("li", line)
    if size < target:
        d.add("h2", rng.choice(H["projects"]))
        while size < target:
            pname = f"{objs[rng.randrange(len(objs))][1 if zh else 0]}{'项目' if zh else ' project'}"
            d.add("proj", pname[:1].upper() + pname[1:])
            size += len(pname.encode("utf-8")) + 4
            for _ in range(rng.randint(2, 4)):
                line = fill(rng.choice(bullets))
                d.add("li", line)
                size += len(line.encode("utf-8")) + 4
    d.blocks.extend(tail.blocks)

    if fmt == "html":
        d.blocks = [(b[0],) + tuple(html_escape(p) for p in b[1:]) for b in d.blocks]
        stuffing = []
        if rng.random() < 0.05:
            other = occs[rng.randrange(len(occs))]
            stuffing = [s.name for s in other.core[:6]]
        lines = render_html(d, lang, rng, stuffing)
    elif fmt == "md":
        lines = render_md(d, lang, rng)
    else:
        lines = render_txt(d, lang, rng)
    if rng.random() < 0.03 and len(lines) > 10:  # a duplicated line (copy-paste slip)
        j = rng.randrange(5, len(lines))
        lines.insert(j, lines[j])
    if rng.random() < 0.05:
        j = rng.randrange(1, len(lines))
        lines.insert(j, "")
    text = "\n".join(lines) + "\n"
    stem = f"p{i:07d}"
    rel = f"{i // 1000:04d}/{stem}.{fmt}"
    return rel, text.encode("utf-8"), (oi, mask, years, lang, fmt, k)


# --------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------

BENEFITS_EN = "Competitive salary, annual bonus, flexible hours, health insurance and a yearly learning budget."
BENEFITS_ZH = "五险一金、年终奖、弹性工作制、补充医疗保险、带薪年假。"
EDU_JOB = [("大专及以上学历", "Associate degree or higher"), ("本科及以上学历", "Bachelor's degree or higher"),
           ("硕士及以上学历", "Master's degree or higher")]


def make_job(seed: int, j: int, occs: list[Occupation], perm: list[int]):
    """Job j, from its own random stream; targets occupation perm[j mod n].

    Returns (job id, file bytes, (occupation index, bit mask of the required core skills,
    minimum years, number of required skills, language, required skills, preferred
    skills))."""
    rng = Rng(f"{seed}:j:{j}")
    oi = perm[j % len(perm)]
    occ = occs[oi]
    r = rng.random()
    lang = "en" if r < 0.5 else "zh" if r < 0.85 else "mix"
    zh = lang != "en"
    ncore = len(occ.core)
    nreq = rng.randint(3, min(8, ncore))
    req_idx = sorted(rng.sample(range(ncore), nreq))
    mask = 0
    for c in req_idx:
        mask |= 1 << c
    req = [occ.core[c] for c in req_idx]
    rng.shuffle(req)
    rest = [occ.core[c] for c in range(ncore) if not mask >> c & 1]
    npref = rng.randint(2, 4)
    pref = rng.sample(rest, min(len(rest), npref - 1)) + rng.sample(occ.pool, 1)
    min_years = rng.choice([1, 2, 3, 3, 5, 5, 5, 8, 10])
    edu = rng.choices(range(3), [15, 70, 15])[0]
    city_en, city_zh = CITIES[rng.randrange(len(CITIES))]
    senior = min_years >= 5
    if lang == "en" or (lang == "mix" and rng.random() < 0.4):
        title = ("Senior " if senior else "") + title_case(occ.title)
    else:
        title = ("高级" if senior else "") + occ.title_zh[rng.randrange(len(occ.title_zh))]
    brand = rng.randrange(len(BRANDS_ZH))
    objs = OBJECTS[occ.group]

    def sk(s: Skill) -> str:
        return s.surface(lang, rng.random, noisy=False)

    out = [f"# {title}", ""]
    if lang == "en":
        out += [f"**Company:** {BRANDS_EN[brand]} {SUFFIX_EN[occ.group]}",
                f"**Location:** {city_en} · Full-time", "", "## About the role", "",
                f"You will join the team that runs our {objs[rng.randrange(len(objs))][0]} and "
                f"{objs[rng.randrange(len(objs))][0]}, working with colleagues across the business.", "",
                "## What you will do", ""]
        for s in req[:2]:
            out.append(f"- Own {sk(s)} for the {objs[rng.randrange(len(objs))][0]}.")
        out.append("- Work with stakeholders to plan, deliver and review the team's work.")
        out += ["", "## Requirements", "",
                f"- {min_years}+ years of experience as a {title_case(occ.title)} or in a similar role.",
                f"- {EDU_JOB[edu][1]}."]
        rest_req = req[:]
        while rest_req:
            chunk = rest_req[:rng.randint(1, 3)]
            rest_req = rest_req[len(chunk):]
            names = [sk(s) for s in chunk]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            out.append("- " + rng.choice(["Hands-on experience with ", "Solid knowledge of ", "Strong skills in ",
                                          "Proven track record in "]) + joined + ".")
        out.append("- Clear written and spoken communication.")
        out += ["", "## Nice to have", ""]
        for s in pref:
            out.append(f"- Experience with {sk(s)}.")
        out += ["", "## Benefits", "", BENEFITS_EN]
    else:
        company = f"{city_zh}{BRANDS_ZH[brand]}{SUFFIX_ZH[occ.group]}"
        out += [f"**公司：** {company}", f"**工作地点：** {city_zh}", f"**职位类型：** 全职", "",
                "## 岗位职责", ""]
        for n, s in enumerate(req[:2], 1):
            out.append(f"{n}. 负责{objs[rng.randrange(len(objs))][1]}相关的{sk(s)}工作；")
        out.append("3. 与业务方协作，制定计划并推动落地；")
        out += ["", "## 任职要求", "", f"1. {EDU_JOB[edu][0]}；", f"2. {min_years}年以上相关工作经验；"]
        rest_req = req[:]
        n = 3
        while rest_req:
            chunk = rest_req[:rng.randint(1, 3)]
            rest_req = rest_req[len(chunk):]
            verb, end = rng.choice([("熟悉", "；"), ("精通", "；"), ("熟练掌握", "，有实际项目经验；"),
                                    ("具备", "相关经验；"), ("有", "方面的工作经验；")])
            out.append(f"{n}. {verb}" + "、".join(sk(s) for s in chunk) + end)
            n += 1
        out.append(f"{n}. 具备良好的沟通能力和团队合作精神。")
        out += ["", "## 加分项", ""]
        for s in pref:
            out.append(f"- 有{sk(s)}经验者优先；")
        out += ["", "## 我们提供", "", BENEFITS_ZH]
    text = "\n".join(out) + "\n"
    jid = f"j{j:05d}"
    return jid, text.encode("utf-8"), (oi, mask, min_years, nreq, lang, req, pref)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profiles", type=int, required=True, help="number of profiles")
    ap.add_argument("--jobs", type=int, default=1000, help="number of job descriptions (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--occupations", type=int, default=200, help="synthetic occupations (default 200)")
    ap.add_argument("--ref-month", default="2026-11",
                    help="month that open ranges (至今/Present) end at, YYYY-MM (default 2026-11)")
    ap.add_argument("--out", required=True, type=Path, help="output directory")
    ap.add_argument("--force", action="store_true", help="replace an existing output directory")
    ap.add_argument("--taxonomy", type=Path, default=REPO / "data" / "taxonomy",
                    help="directory with skills.tsv and titles.tsv (default: the repository's)")
    args = ap.parse_args()

    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"gen_corpus: {out} exists and is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        for sub in ("profiles", "jobs"):
            shutil.rmtree(out / sub, ignore_errors=True)
    y, m = (int(x) for x in args.ref_month.split("-"))
    ref = y * 12 + m - 1

    t0 = time.perf_counter()
    skills = load_skills(args.taxonomy / "skills.tsv")
    titles = load_titles(args.taxonomy / "titles.tsv")
    occs = build_occupations(args.seed, args.occupations, skills, titles)
    cum, acc = [], 0.0
    for o in occs:
        acc += o.weight
        cum.append(acc)
    generic = [s for s in skills if s.domain == "general"]
    languages = [s for s in skills if s.domain == "language" and s.name in
                 ("English", "Japanese", "Mandarin Chinese", "Cantonese", "German", "French", "Korean", "Spanish")]
    if not languages:
        languages = [s for s in skills if s.domain == "language"][:5]
    prng = Rng(f"{args.seed}:job-order:{args.occupations}")
    perm = list(range(len(occs)))
    prng.shuffle(perm)

    (out / "profiles").mkdir(parents=True, exist_ok=True)
    (out / "jobs").mkdir(parents=True, exist_ok=True)

    # Profiles
    members: list[list[tuple[int, int]]] = [[] for _ in occs]  # per occupation: (profile index, mask)
    p_years: list[int] = []
    sizes: list[int] = []
    fmt_count = {"md": 0, "txt": 0, "html": 0}
    lang_count = {"en": 0, "zh": 0, "mix": 0}
    meta_lines = ["id\toccupation\tlanguage\tformat\tyears\tcore_skills\tbytes"]
    shard = -1
    for i in range(args.profiles):
        if i // 1000 != shard:
            shard = i // 1000
            (out / "profiles" / f"{shard:04d}").mkdir(exist_ok=True)
        rel, data, (oi, mask, years, lang, fmt, k) = make_profile(args.seed, i, occs, cum, generic, languages, ref)
        with open(out / "profiles" / rel, "wb") as f:
            f.write(data)
        members[oi].append((i, mask))
        p_years.append(years)
        sizes.append(len(data))
        fmt_count[fmt] += 1
        lang_count[lang] += 1
        meta_lines.append(f"{rel.rsplit('.', 1)[0]}\t{occs[oi].oid}\t{lang}\t{fmt}\t{years}\t{k}\t{len(data)}")
        if (i + 1) % 100000 == 0:
            el = time.perf_counter() - t0
            print(f"gen_corpus: {i + 1} profiles in {el:.0f}s ({(i + 1) / el:.0f}/s)", file=sys.stderr)
    t_prof = time.perf_counter() - t0

    # Jobs and qrels
    qrels: list[str] = []
    job_lines = ["id\toccupation\tlanguage\tmin_years\trequired\tpreferred"]
    job_bytes = 0
    jlang = {"en": 0, "zh": 0, "mix": 0}
    rel_counts = {"1": 0, "2": 0}
    jobs_without_rel2 = 0
    for j in range(args.jobs):
        jid, data, (oi, rmask, min_years, nreq, lang, req, pref) = make_job(args.seed, j, occs, perm)
        with open(out / "jobs" / f"{jid}.md", "wb") as f:
            f.write(data)
        job_bytes += len(data)
        jlang[lang] += 1
        job_lines.append(f"{jid}\t{occs[oi].oid}\t{lang}\t{min_years}\t{'|'.join(s.name for s in req)}"
                         f"\t{'|'.join(s.name for s in pref)}")
        need = math.ceil(2 * nreq / 3)
        n2 = 0
        for pi, pmask in members[oi]:
            rel = 2 if (pmask & rmask).bit_count() >= need and p_years[pi] >= min_years else 1
            n2 += rel == 2
            qrels.append(f"{jid} 0 {pi // 1000:04d}/p{pi:07d} {rel}")
        rel_counts["2"] += n2
        rel_counts["1"] += len(members[oi]) - n2
        jobs_without_rel2 += n2 == 0
    with open(out / "qrels.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(qrels) + ("\n" if qrels else ""))
    with open(out / "profiles.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(meta_lines) + "\n")
    with open(out / "jobs.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(job_lines) + "\n")
    with open(out / "occupations.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tdomain\ttitle\ttitle_zh\tprofiles\tcore_skills\n")
        for o, mem in zip(occs, members):
            f.write(f"{o.oid}\t{o.domain}\t{o.title}\t{'|'.join(o.title_zh)}\t{len(mem)}\t"
                    f"{'|'.join(s.name for s in o.core)}\n")

    ss = sorted(sizes)

    def q(p: float) -> int:
        return ss[min(len(ss) - 1, int(p * len(ss)))] if ss else 0

    rel_sizes = sorted(len(members[perm[j % len(perm)]]) for j in range(args.jobs))
    manifest = {
        "generator": GENERATOR,
        "seed": args.seed,
        "profiles": args.profiles,
        "jobs": args.jobs,
        "occupations": args.occupations,
        "ref_month": args.ref_month,
        "bytes": {"profiles": sum(sizes), "jobs": job_bytes},
        "profile_bytes": {"min": q(0), "p05": q(0.05), "median": q(0.5), "p95": q(0.95), "max": q(1.0)},
        "formats": fmt_count,
        "languages": lang_count,
        "job_languages": jlang,
        "qrels": {"lines": len(qrels), "rel2": rel_counts["2"], "rel1": rel_counts["1"],
                  "jobs_without_rel2": jobs_without_rel2,
                  "relevant_per_job": {"min": rel_sizes[0] if rel_sizes else 0,
                                       "median": rel_sizes[len(rel_sizes) // 2] if rel_sizes else 0,
                                       "max": rel_sizes[-1] if rel_sizes else 0}},
        "layout": {"profiles": "profiles/NNNN/pNNNNNNN.{md,txt,html} (id = NNNN/pNNNNNNN)",
                   "jobs": "jobs/jNNNNN.md (id = jNNNNN)", "qrels": "qrels.tsv (job_id 0 profile_id rel)"},
    }
    with open(out / "manifest.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
    el = time.perf_counter() - t0
    print(f"gen_corpus: {args.profiles} profiles ({sum(sizes) / 1e6:.1f} MB) in {t_prof:.1f}s "
          f"({args.profiles / max(t_prof, 1e-9):.0f}/s), {args.jobs} jobs, {len(qrels)} qrels lines; "
          f"total {el:.1f}s → {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
