#!/usr/bin/env python3
"""Validate the hand-curated Chinese/English vocabulary files for matcher.

Usage: python3 data/taxonomy/curated/check.py [DIR]
Exits non-zero on any error; prints counts on success (and on failure).
"""
import collections
import re
import sys
from pathlib import Path

SKILL_HEADER = ["canonical", "domain", "zh_aliases", "en_aliases", "broader"]
TITLE_HEADER = ["canonical", "family", "zh_aliases", "en_aliases"]
DOMAINS = {
    "software", "data", "cloud", "security", "product", "design", "finance", "sales",
    "marketing", "operations", "hr", "manufacturing", "healthcare", "management",
    "language", "general",
}
FAMILIES = {
    "engineering", "data", "product", "design", "sales", "marketing", "finance",
    "operations", "hr", "management", "healthcare", "manufacturing", "general",
}
MIN_SKILL_ROWS = 1000
MIN_SKILL_ZH_ROWS = 900
MIN_TITLE_ROWS = 200

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Seniority words are handled by the engine, so title aliases must not carry them.
SENIORITY_ZH = ("高级", "资深", "初级", "中级")
SENIORITY_EN = re.compile(r"\b(senior|sr\.?|junior|jr\.?|principal)\b", re.I)
BAD_CHARS = re.compile(r"[｜；，()（）\t\r]|^\s|\s$|\s{2,}")


def key(alias):
    return alias[1:].casefold() if alias.startswith("=") else alias.casefold()


class Checker:
    def __init__(self):
        self.errors = []

    def err(self, path, line, msg):
        self.errors.append(f"{path.name}:{line}: {msg}")

    def read(self, path, header):
        rows = []
        seen_header = False
        for n, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if raw.strip() == "" or raw.startswith("#"):
                continue
            if "\r" in raw:
                self.err(path, n, "carriage return")
            cols = raw.split("\t")
            if not seen_header:
                seen_header = True
                if cols != header:
                    self.err(path, n, f"bad header {cols!r}, expected {header!r}")
                continue
            if len(cols) != len(header):
                self.err(path, n, f"expected {len(header)} columns, got {len(cols)}")
                continue
            rows.append((n, cols))
        if not seen_header:
            self.err(path, 0, "missing header")
        return rows

    def split_aliases(self, path, n, field, value, allow_eq):
        if value == "":
            return []
        out = []
        for a in value.split("|"):
            if a == "" or a != a.strip():
                self.err(path, n, f"{field}: empty alias or surrounding whitespace in {value!r}")
                continue
            if BAD_CHARS.search(a):
                self.err(path, n, f"{field}: suspicious character/whitespace in {a!r}")
            if a.startswith("=") and not allow_eq:
                self.err(path, n, f"{field}: '=' prefix only allowed in en_aliases: {a!r}")
            if a.startswith("=") and len(a) == 1:
                self.err(path, n, f"{field}: bare '='")
            out.append(a)
        return out

    def check_aliases(self, path, rows, canon_idx, zh_idx, en_idx, label):
        """Common checks for canonicals and aliases. Returns canonical map."""
        canon = {}
        alias_owner = {}
        for n, cols in rows:
            c = cols[canon_idx]
            if c == "" or c != c.strip() or BAD_CHARS.search(c) or "|" in c:
                self.err(path, n, f"bad canonical {c!r}")
            if c.casefold() in canon:
                self.err(path, n, f"duplicate canonical {c!r} (first at line {canon[c.casefold()][0]})")
            else:
                canon[c.casefold()] = (n, c)
        for n, cols in rows:
            c = cols[canon_idx]
            zh = self.split_aliases(path, n, "zh_aliases", cols[zh_idx], allow_eq=False)
            en = self.split_aliases(path, n, "en_aliases", cols[en_idx], allow_eq=True)
            for a in zh:
                if not CJK.search(a):
                    self.err(path, n, f"zh alias without Chinese characters {a!r} (put it in en_aliases)")
            for a in en:
                if CJK.search(a):
                    self.err(path, n, f"en alias with Chinese characters {a!r}")
            row_keys = set()
            for a in zh + en:
                k = key(a)
                if k in row_keys:
                    self.err(path, n, f"alias {a!r} repeated within the row")
                    continue
                row_keys.add(k)
                if k == c.casefold() and not a.startswith("="):
                    self.err(path, n, f"alias {a!r} just repeats the canonical")
                other = canon.get(k)
                if other and other[1] != c:
                    self.err(path, n, f"alias {a!r} equals canonical of line {other[0]} ({other[1]!r})")
                if k in alias_owner and alias_owner[k][1] != c:
                    self.err(path, n, f"alias {a!r} already used by line {alias_owner[k][0]} ({alias_owner[k][1]!r})")
                else:
                    alias_owner.setdefault(k, (n, c))
        return canon

    def check_skills(self, path):
        rows = self.read(path, SKILL_HEADER)
        canon = self.check_aliases(path, rows, 0, 2, 3, "skill")
        exact = {cols[0] for _, cols in rows}
        graph = {}
        per_domain = collections.Counter()
        zh_rows = 0
        per_domain_zh = collections.Counter()
        for n, cols in rows:
            c, dom, zh, en, broader = cols
            if dom not in DOMAINS:
                self.err(path, n, f"unknown domain {dom!r}")
            per_domain[dom] += 1
            if zh:
                zh_rows += 1
                per_domain_zh[dom] += 1
            parents = []
            if broader:
                for b in broader.split("|"):
                    if b not in exact:
                        hint = canon.get(b.casefold())
                        msg = f" (did you mean {hint[1]!r}?)" if hint else ""
                        self.err(path, n, f"broader {b!r} is not a canonical row{msg}")
                    elif b == c:
                        self.err(path, n, "broader points to itself")
                    elif b in parents:
                        self.err(path, n, f"broader {b!r} repeated")
                    else:
                        parents.append(b)
            graph[c] = parents
        # cycle detection
        state = {}

        def visit(node, stack):
            st = state.get(node)
            if st == 1:
                cyc = stack[stack.index(node):] + [node]
                self.errors.append(f"{path.name}: broader cycle: {' -> '.join(cyc)}")
                return
            if st == 2:
                return
            state[node] = 1
            for p in graph.get(node, []):
                visit(p, stack + [node])
            state[node] = 2

        for node in graph:
            visit(node, [])
        if len(rows) < MIN_SKILL_ROWS:
            self.errors.append(f"{path.name}: only {len(rows)} rows (< {MIN_SKILL_ROWS})")
        if zh_rows < MIN_SKILL_ZH_ROWS:
            self.errors.append(f"{path.name}: only {zh_rows} rows with zh aliases (< {MIN_SKILL_ZH_ROWS})")
        n_alias = sum(len(c[2].split("|")) if c[2] else 0 for _, c in rows)
        n_en = sum(len(c[3].split("|")) if c[3] else 0 for _, c in rows)
        n_edges = sum(len(v) for v in graph.values())
        return {
            "rows": len(rows), "zh_rows": zh_rows, "zh_aliases": n_alias,
            "en_aliases": n_en, "broader_edges": n_edges,
            "per_domain": per_domain, "per_domain_zh": per_domain_zh,
        }

    def check_titles(self, path):
        rows = self.read(path, TITLE_HEADER)
        self.check_aliases(path, rows, 0, 2, 3, "title")
        per_family = collections.Counter()
        zh_rows = 0
        for n, cols in rows:
            c, fam, zh, en = cols
            if fam not in FAMILIES:
                self.err(path, n, f"unknown family {fam!r}")
            per_family[fam] += 1
            if zh:
                zh_rows += 1
            for a in (zh.split("|") if zh else []):
                if a.startswith(SENIORITY_ZH):
                    self.err(path, n, f"title alias {a!r} carries a seniority prefix")
            for a in [c] + (en.split("|") if en else []):
                if SENIORITY_EN.search(a.lstrip("=")):
                    self.err(path, n, f"title {a!r} carries a seniority word")
        if len(rows) < MIN_TITLE_ROWS:
            self.errors.append(f"{path.name}: only {len(rows)} rows (< {MIN_TITLE_ROWS})")
        n_alias = sum(len(c[2].split("|")) if c[2] else 0 for _, c in rows)
        n_en = sum(len(c[3].split("|")) if c[3] else 0 for _, c in rows)
        return {"rows": len(rows), "zh_rows": zh_rows, "zh_aliases": n_alias,
                "en_aliases": n_en, "per_family": per_family}


def main():
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    ck = Checker()
    s = ck.check_skills(base / "skills-zh.tsv")
    t = ck.check_titles(base / "titles-zh.tsv")
    print(f"skills-zh.tsv: {s['rows']} rows, {s['zh_rows']} with zh aliases, "
          f"{s['zh_aliases']} zh aliases, {s['en_aliases']} en aliases, {s['broader_edges']} broader links")
    for d in sorted(s["per_domain"], key=lambda d: (-s["per_domain"][d], d)):
        print(f"  {d:<14}{s['per_domain'][d]:>5} rows ({s['per_domain_zh'][d]} with zh)")
    print(f"titles-zh.tsv: {t['rows']} rows, {t['zh_rows']} with zh aliases, "
          f"{t['zh_aliases']} zh aliases, {t['en_aliases']} en aliases")
    for f in sorted(t["per_family"], key=lambda f: (-t["per_family"][f], f)):
        print(f"  {f:<14}{t['per_family'][f]:>5} rows")
    if ck.errors:
        print(f"\n{len(ck.errors)} error(s):", file=sys.stderr)
        for e in ck.errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
