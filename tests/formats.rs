//! The formats people really have — PDF, DOCX, JSON Resume, schema.org JobPosting,
//! legacy encodings — and the bad files that come with them.
//!
//! Properties checked:
//! 1. Chinese PDFs decode through the predefined CMaps (UniGB-UCS2-H, GBK-EUC-H) and
//!    through Identity-H with a ToUnicode map; a PDF whose codes cannot be mapped, a
//!    scanned PDF and a truncated one are refused with the reason.
//! 2. DOCX paragraphs, headings, lists and table rows become lines and headings.
//! 3. JSON Resume and JobPosting fields land on the profile and job as stated.
//! 4. A directory with one file of each good format and one of each bad case (a Word 97
//!    `.doc` among them, which a walk does not pass over) indexes with exit code 1 and
//!    one error line per bad file, and each good file is found first by a query for a
//!    word only it contains.

mod common;

use std::path::Path;

use common::fixtures::*;
use common::*;
use matcher::{Education, Matcher, Parsed};

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn pdf_text_layers_decode_or_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "熟悉分布式系统与 Kafka\n五年后端开发经验，硕士学历";
    for cmap in ["UniGB-UCS2-H", "GBK-EUC-H"] {
        let path = write(d, &format!("{cmap}.pdf"), chinese_pdf(cmap, text));
        let t = matcher::read_text(&path).unwrap();
        assert_eq!(t.text, text, "{cmap}");
        assert_eq!(t.format, matcher::Format::Pdf);
    }
    let path = write(d, "identity.pdf", identity_pdf(text));
    assert_eq!(matcher::read_text(&path).unwrap().text, text);
    let path = write(
        d,
        "latin.pdf",
        latin_pdf("Senior Rust Engineer\nCafé, München"),
    );
    assert_eq!(
        matcher::read_text(&path).unwrap().text,
        "Senior Rust Engineer\nCafé, München"
    );

    let refused = |name: &str, bytes: Vec<u8>| {
        let path = write(d, name, bytes);
        let err = matcher::read_text(&path).unwrap_err().to_string();
        assert!(err.contains(name), "{err}");
        err
    };
    // Glyph ids without a map back to characters: refused, never turned into noise.
    let no_map = pdf(
        "/Type /Font /Subtype /Type0 /BaseFont /Foo /Encoding /Identity-H",
        &lines(&[vec![0, 0x41, 0, 0x42]]),
        &[],
    );
    let err = refused("no-map.pdf", no_map);
    assert!(
        err.contains("Identity-H") && err.contains("cannot be recovered"),
        "{err}"
    );
    assert!(refused("scan.pdf", scanned_pdf()).contains("no text layer"));
    let whole = chinese_pdf("UniGB-UCS2-H", text);
    let err = refused("cut.pdf", whole[..whole.len() / 3].to_vec());
    assert!(err.contains("PDF"), "{err}");
}

#[test]
fn docx_paragraphs_headings_lists_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    let body = [
        para(Some("Title"), "Alex Sample"),
        para(None, "Senior Data Engineer &amp; team lead"),
        para(Some("Heading1"), "Experience"),
        table(&[&["2019-03 – Present", "Acme Analytics", "Data Engineer"]]),
        para(Some("Heading2"), "Skills"),
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Apache Spark</w:t></w:r><w:r><w:tab/><w:t>Airflow</w:t></w:r></w:p>"#.to_string(),
        para(None, "精通数据仓库建模"),
    ]
    .concat();
    let path = write(dir.path(), "cv.docx", docx(&body));
    let t = matcher::read_text(&path).unwrap();
    assert_eq!(
        t.text,
        "Alex Sample\nSenior Data Engineer & team lead\nExperience\n\
         2019-03 – Present | Acme Analytics | Data Engineer\nSkills\n- Apache Spark Airflow\n精通数据仓库建模"
    );
    let headings: Vec<&str> = t.headings.iter().map(|h| &t.text[h.span.clone()]).collect();
    assert_eq!(headings, ["Alex Sample", "Experience", "Skills"]);

    let err = matcher::read_text(&write(dir.path(), "bad.docx", &docx(&body)[..200]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.docx") && err.contains("not a valid DOCX"),
        "{err}"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    let not_word = zip.finish().unwrap().into_inner();
    let err = matcher::read_text(&write(dir.path(), "other.docx", not_word))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no word/document.xml"), "{err}");
}

const JSON_RESUME: &str = r#"{
  "basics": {
    "name": "Jordan Example",
    "label": "Backend Engineer",
    "email": "jordan@example.com",
    "phone": "555-0100",
    "location": {"city": "Shanghai", "countryCode": "CN"},
    "summary": "Backend engineer building payment systems in Go."
  },
  "work": [
    {"name": "Example Pay", "position": "Senior Backend Engineer", "startDate": "2018-04-01",
     "highlights": ["Moved settlement to Kafka and PostgreSQL"]},
    {"name": "Sample Corp", "position": "Software Engineer", "startDate": "2014-07-01", "endDate": "2018-03-31"}
  ],
  "education": [{"institution": "Example University", "area": "Computer Science", "studyType": "Master", "endDate": "2014-06-30"}],
  "skills": [{"name": "Cloud", "keywords": ["Kubernetes", "Docker"]}],
  "languages": [{"language": "English", "fluency": "Fluent"}, {"language": "Chinese", "fluency": "Native"}],
  "certificates": [{"name": "Certified Kubernetes Administrator", "issuer": "CNCF"}]
}"#;

const JOB_POSTING: &str = r#"{
  "@context": "https://schema.org/",
  "@type": "JobPosting",
  "title": "Platform Engineer",
  "description": "<p>Run our <b>Kubernetes</b> platform.</p><h3>Nice to have</h3><ul><li>Terraform</li></ul>",
  "hiringOrganization": {"@type": "Organization", "name": "Example Cloud"},
  "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Berlin", "addressCountry": "DE"}},
  "skills": ["Go", "Kubernetes"],
  "experienceRequirements": {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 48},
  "educationRequirements": {"@type": "EducationalOccupationalCredential", "credentialCategory": "bachelor degree"}
}"#;

#[test]
fn json_resume_and_job_posting_map_onto_profile_and_job() {
    let dir = tempfile::tempdir().unwrap();
    let matcher = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .threads(1)
        .build()
        .unwrap();
    let path = write(dir.path(), "jordan.json", JSON_RESUME);
    let Parsed::Profile(p) = matcher.parse_file(&path, None).unwrap() else {
        panic!("a JSON Resume is a profile");
    };
    assert_eq!(p.education, Some(Education::Master));
    assert_eq!(p.languages, ["English", "Chinese"]);
    assert_eq!(p.certifications, ["Certified Kubernetes Administrator"]);
    assert_eq!(p.location.as_deref(), Some("Shanghai"));
    assert_eq!(p.personal.name.as_deref(), Some("Jordan Example"));
    let years = p.years_of_experience.unwrap();
    assert!(years > 11.0, "2014-07 to now: {years}");
    for skill in ["Kubernetes", "Docker", "Kafka", "PostgreSQL", "Go"] {
        assert!(
            p.skills.iter().any(|s| s.skill == skill),
            "{skill}: {:?}",
            p.skills
        );
    }
    for personal in ["Jordan", "jordan@example.com", "555-0100"] {
        assert!(p.text.contains(personal));
        assert!(!p.ranking_text.contains(personal), "{personal} is indexed");
    }
    assert!(
        p.positions
            .iter()
            .any(|x| x.from == "2018-04" && x.to.is_none()),
        "{:?}",
        p.positions
    );

    for (name, source) in [
        ("platform.json", JOB_POSTING.to_string()),
        (
            "platform.html",
            format!(
                "<html><head><script type=\"application/ld+json\">{JOB_POSTING}</script></head>\
                 <body><nav>Home · Jobs · Login</nav></body></html>"
            ),
        ),
    ] {
        let path = write(dir.path(), name, source);
        let Parsed::Job(job) = matcher.parse_file(&path, None).unwrap() else {
            panic!("{name}: a JobPosting is a job");
        };
        assert_eq!(job.title, "Platform Engineer", "{name}");
        assert_eq!(job.min_years, Some(4.0), "{name}");
        assert_eq!(job.education, Some(Education::Bachelor), "{name}");
        assert_eq!(job.location.as_deref(), Some("Berlin"), "{name}");
        let required: Vec<&str> = job
            .required_skills
            .iter()
            .map(|s| s.skill.as_str())
            .collect();
        assert!(
            required.contains(&"Go") && required.contains(&"Kubernetes"),
            "{name}: {required:?}"
        );
        let preferred: Vec<&str> = job
            .preferred_skills
            .iter()
            .map(|s| s.skill.as_str())
            .collect();
        assert_eq!(preferred, ["Terraform"], "{name}");
        assert!(
            !job.text.contains("Login"),
            "{name}: page chrome is not the posting"
        );
    }

    // Each is refused where the other belongs, and invalid JSON names its problem.
    let err = matcher
        .read_job(&dir.path().join("jordan.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("JSON Resume, not a job"), "{err}");
    let bad = write(dir.path(), "broken.json", "{\"basics\": {\"name\": ");
    let err = matcher.read_job(&bad).unwrap_err().to_string();
    assert!(
        err.contains("broken.json") && err.contains("invalid JSON"),
        "{err}"
    );
}

/// A good file and the word only it contains.
struct Good {
    name: &'static str,
    bytes: Vec<u8>,
    word: &'static str,
}

#[test]
fn one_of_each_format_and_each_failure_indexes_what_can_be_indexed() {
    let ws = tempfile::tempdir().unwrap();
    let dir = ws.path().join("inbox");
    std::fs::create_dir_all(&dir).unwrap();
    let goods = [
        Good {
            name: "plain.txt",
            bytes: "Casey Sample\nSite reliability engineer. Tuned zeppelinous alerting for Kubernetes."
                .into(),
            word: "zeppelinous",
        },
        Good {
            name: "notes.md",
            bytes: "# Robin Sample\n## Skills\n- Rust, quaternionic solvers\n".into(),
            word: "quaternionic",
        },
        Good {
            name: "page.html",
            bytes: "<h1>Lee Sample</h1><p>Frontend engineer, React, marmalade-themed design systems.</p>"
                .into(),
            word: "marmalade",
        },
        Good {
            name: "gbk.txt",
            bytes: encoding_rs::GBK
                .encode("赵某某\n后端工程师，负责琵琶谱数字化平台。")
                .0
                .into_owned(),
            word: "琵琶",
        },
        Good {
            name: "scan-free.pdf",
            bytes: chinese_pdf("UniGB-UCS2-H", "钱某某\n资深工程师，主导敦煌壁画数字化项目"),
            word: "敦煌",
        },
        Good {
            name: "office.pdf",
            bytes: identity_pdf("Morgan Sample\nData engineer, built xylophonic telemetry pipelines"),
            word: "xylophonic",
        },
        Good {
            name: "word.docx",
            bytes: docx(&[
                para(Some("Title"), "Taylor Sample"),
                para(None, "Embedded engineer, firmware for gyroscopic drones"),
            ]
            .concat()),
            word: "gyroscopic",
        },
        Good {
            name: "resume.json",
            bytes: r#"{"basics": {"name": "Jamie Sample", "summary": "Analyst of kaleidoscopic datasets"}}"#
                .into(),
            word: "kaleidoscopic",
        },
    ];
    for g in &goods {
        write(&dir, g.name, &g.bytes);
    }
    let bads: [(&str, Vec<u8>); 8] = [
        ("empty.txt", Vec::new()),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec()),
        (
            "binary.txt",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec(),
        ),
        ("scanned.pdf", scanned_pdf()),
        ("truncated.pdf", {
            let whole = latin_pdf("Truncated Sample\nengineer");
            whole[..whole.len() / 2].to_vec()
        }),
        ("corrupt.docx", docx(&para(None, "corrupt"))[..120].to_vec()),
        ("invalid.json", b"{\"basics\": [1, 2,".to_vec()),
        (
            "huge.txt",
            "Huge Sample engineer\n".repeat(5000).into_bytes(),
        ),
    ];
    for (name, bytes) in &bads {
        write(&dir, name, bytes);
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();

    let o = run(ws.path(), &["--max-file-size", "64k", "index", "inbox"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    let expected: Vec<(&str, &str)> = vec![
        ("empty.txt", "empty file"),
        ("old.doc", "save it as .docx or PDF"),
        ("binary.txt", "binary"),
        ("scanned.pdf", "no text layer"),
        ("truncated.pdf", "PDF"),
        ("corrupt.docx", "not a valid DOCX"),
        ("invalid.json", "invalid JSON"),
        ("huge.txt", "byte limit"),
        ("loop", "symbolic link loop"),
    ];
    assert_eq!(lines.len(), expected.len(), "one line per bad file:\n{err}");
    for (name, cause) in expected {
        assert!(
            lines.iter().filter(|l| l.contains(name)).count() == 1
                && lines.iter().any(|l| l.contains(name) && l.contains(cause)),
            "{name}: {cause}\n{err}"
        );
    }
    assert!(
        stdout(&o).contains(&format!("indexed {},", goods.len())),
        "{}",
        stdout(&o)
    );

    for g in &goods {
        write(ws.path(), "job.txt", format!("Looking for: {}", g.word));
        let out = ok(
            ws.path(),
            &["query", "--format", "trec", "--top", "3", "job.txt"],
        );
        let first = out.lines().next().unwrap_or_default();
        let id = g.name.rsplit_once('.').unwrap().0;
        assert_eq!(first.split(' ').nth(2), Some(id), "{}: {out}", g.word);
    }
}
