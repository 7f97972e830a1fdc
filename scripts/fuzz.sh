#!/usr/bin/env bash
# Fuzz every input parser for a bounded time and report execution counts.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   default: 600 s each; all targets of fuzz/
#
# Each target (fuzz/fuzz_targets/*.rs) feeds libFuzzer's bytes to Text::from_bytes as one
# format — text, markdown, html, pdf, docx, json — then to the profile and job parsers
# and the analyzer, checking that nothing panics and every span stays inside the text
# (fuzz/src/lib.rs). Seeds are small real files of each format, written by this script
# (fake people only). cargo-fuzz is installed if missing; it needs nightly features,
# which RUSTC_BOOTSTRAP=1 enables on the one stable toolchain this machine has.
# A crash leaves its input in fuzz/artifacts/TARGET/ and makes the script exit 1.
# The summary (target, seconds, executions, exec/s, coverage, caught PDF-reader panics)
# goes to target/fuzz/summary.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(text markdown html pdf docx json)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

OUT=target/fuzz
mkdir -p "$OUT"
python3 - "$OUT/seeds" <<'PY'
"""Seed files: one or two small, valid documents per format."""
import io, json, os, sys, zipfile

out = sys.argv[1]
def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

zh = "张三\n资深后端工程师 | 上海\n工作经历\n2018.03 - 至今 某科技公司 技术负责人\n熟悉 Kafka、Kubernetes，硕士学历，8年经验"
en = "Jane Doe\nSenior Data Engineer, Berlin\nExperience\nMar 2019 – Present  Example GmbH\nSpark, Airflow, 6+ years, MSc"
put("text", "zh.txt", zh); put("text", "en.txt", en)
put("text", "gbk.txt", zh.encode("gbk")); put("text", "utf16.txt", b"\xff\xfe" + en.encode("utf-16-le"))
put("markdown", "cv.md", "# Jane Doe\n## Skills\n- Rust, *Go*\n\n| 2019 | Example |\n|---|---|\n" + zh)
put("html", "cv.html", "<h1>张三</h1><ul><li>Kafka</li></ul><table><tr><td>2019</td><td>Example</td></tr></table>")
posting = {"@context": "https://schema.org/", "@type": "JobPosting", "title": "Platform Engineer",
           "description": "<p>Run <b>Kubernetes</b></p>", "skills": ["Go"],
           "experienceRequirements": {"monthsOfExperience": 36},
           "educationRequirements": {"credentialCategory": "bachelor degree"},
           "jobLocation": {"address": {"addressLocality": "Berlin"}}}
put("html", "posting.html", '<script type="application/ld+json">%s</script>' % json.dumps(posting))
put("json", "posting.json", json.dumps(posting))
put("json", "resume.json", json.dumps({"basics": {"name": "Jane Doe", "email": "jane@example.com",
    "location": {"city": "Berlin"}}, "work": [{"name": "Example", "position": "Engineer",
    "startDate": "2019-03-01", "highlights": ["Kafka"]}], "education": [{"studyType": "Master"}],
    "skills": [{"name": "Cloud", "keywords": ["Docker"]}], "languages": [{"language": "German"}]}))

def pdf(font, content, extra=()):
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            "<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content), "<< %s >>" % font, *extra]
    b = bytearray(b"%PDF-1.4\n"); offs = []
    for i, o in enumerate(objs):
        offs.append(len(b)); b += ("%d 0 obj\n%s\nendobj\n" % (i + 1, o)).encode("latin-1")
    x = len(b); b += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for o in offs: b += ("%010d 00000 n \n" % o).encode()
    b += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)).encode()
    return bytes(b)
def shown(lines, enc):
    return "BT /F1 12 Tf 14 TL 72 720 Td\n" + "".join("<%s> Tj T*\n" % l.encode(enc).hex() for l in lines) + "ET"
put("pdf", "ucs2.pdf", pdf("/Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H", shown(zh.splitlines(), "utf-16-be")))
put("pdf", "gbk.pdf", pdf("/Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H", shown(zh.splitlines(), "gbk")))
put("pdf", "latin.pdf", pdf("/Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding",
    "BT /F1 12 Tf 72 720 Td [(Senior) -300 (Engineer)] TJ 0 -14 Td (Kafka) Tj ET"))
cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        "2 beginbfchar\n<0003> <5F20>\n<0004> <4E09>\nendbfchar\nendcmap end end")
put("pdf", "identity.pdf", pdf("/Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 6 0 R",
    "BT /F1 12 Tf 72 720 Td <00030004> Tj ET", ["<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)]))
def docx(body):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="w"><w:body>%s</w:body></w:document>' % body)
    return buf.getvalue()
p = lambda t, s="": '<w:p>%s<w:r><w:t>%s</w:t></w:r></w:p>' % ('<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % s if s else "", t)
put("docx", "cv.docx", docx(p("Jane Doe", "Title") + p("Experience", "Heading1") +
    "<w:tbl><w:tr><w:tc>%s</w:tc><w:tc>%s</w:tc></w:tr></w:tbl>" % (p("2019 – Present"), p("Kafka &amp; Go")) + p("熟悉分布式")))
PY

printf 'target\tseconds\texecutions\texec_per_s\tcoverage\tcaught_pdf_panics\tresult\n' > "$OUT/summary.tsv"
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$t"
  log="$OUT/$t.log"
  echo "fuzz: $t for ${SECONDS_EACH}s (log: $log)"
  result=ok
  (cd fuzz && cargo fuzz run "$t" "../$OUT/corpus/$t" "../$OUT/seeds/$t" -- \
      -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1) >"$log" 2>&1 || { result=CRASH; status=1; }
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  caught=$(grep -c 'caught panic in pdf thread' "$log" || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$caught" "$result" >> "$OUT/summary.tsv"
  [ "$result" = ok ] || { echo "fuzz: $t CRASHED — see $log and fuzz/artifacts/$t/"; grep -m5 -A5 'panicked\|ERROR' "$log" || true; }
done
column -t -s $'\t' "$OUT/summary.tsv"
exit $status
