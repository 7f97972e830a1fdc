//! What `matcher parse` extracts from the seed résumés and a bundled job, through the real
//! binary.
//!
//! Properties checked:
//! 1. The English seed: 16 years (stated), Master, and the skills the brief names, each
//!    with an evidence span that points at text saying it.
//! 2. The Chinese seed: 10 years (stated), 硕士, distributed systems, microservices, high
//!    concurrency and instant messaging, each with evidence.
//! 3. A Chinese job: required vs preferred skills by section, minimum years, education.
//! 4. Birth date, marital status and nationality are recognised as personal data, and
//!    languages are extracted.
//! 5. A user taxonomy file (`--taxonomy`) adds skills; a missing one is an error naming it.

use std::path::PathBuf;
use std::process::Command;

fn parse(rel: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    let out = Command::new(env!("CARGO_BIN_EXE_matcher"))
        .args(["parse", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn skill_names(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap().to_string())
        .collect()
}

/// Each skill's evidence span must cut out exactly the evidence text from the file's text.
fn check_evidence(rel: &str, v: &serde_json::Value, wanted: &[&str]) {
    let text = matcher::read_text(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(rel)
            .as_path(),
    )
    .unwrap()
    .text;
    let names = skill_names(&v["skills"]);
    for want in wanted {
        let s = v["skills"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["skill"].as_str().unwrap().eq_ignore_ascii_case(want))
            .unwrap_or_else(|| panic!("{rel}: {want} not extracted; got {names:?}"));
        let (start, end) = (
            s["span"][0].as_u64().unwrap() as usize,
            s["span"][1].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &text[start..end],
            s["text"].as_str().unwrap(),
            "{rel}: {want} evidence span"
        );
    }
}

#[test]
fn english_seed() {
    let rel = "corpus/profiles/en-cloud-iot-architect.md";
    let v = parse(rel);
    let years = v["years_of_experience"].as_f64().unwrap();
    assert!((15.0..=17.0).contains(&years), "{years}");
    assert_eq!(v["education"], "master");
    check_evidence(
        rel,
        &v,
        &[
            "Kubernetes",
            "Docker",
            "Kafka",
            "Flink",
            "Temporal",
            "React",
            "TypeScript",
            "Rust",
            "MySQL",
            "HBase",
            "Elasticsearch",
        ],
    );
    // Titles with their dates; the current one is open.
    let positions = v["positions"].as_array().unwrap();
    assert_eq!(positions[0]["from"], "2022-04");
    assert!(positions[0]["to"].is_null());
    assert!(
        positions
            .iter()
            .any(|p| p["from"] == "2008-01" && p["to"] == "2015-12"),
        "{positions:?}"
    );
    assert_eq!(v["location"], "Shanghai");
    let certs = v["certifications"].as_array().unwrap();
    assert!(
        certs
            .iter()
            .any(|c| c.as_str().unwrap().contains("Certificate")),
        "{certs:?}"
    );
}

#[test]
fn chinese_seed() {
    let rel = "corpus/profiles/zh-im-platform-lead.html";
    let v = parse(rel);
    let years = v["years_of_experience"].as_f64().unwrap();
    assert!((9.0..=11.0).contains(&years), "{years}");
    assert_eq!(v["education"], "master");
    check_evidence(
        rel,
        &v,
        &[
            "distributed systems",
            "microservices",
            "high concurrency",
            "instant messaging",
        ],
    );
}

#[test]
fn chinese_job_sections() {
    let v = parse("corpus/jobs/zh-cloud-native-platform.html");
    assert_eq!(v["kind"], "job");
    assert_eq!(v["min_years"], 5.0);
    assert_eq!(v["education"], "bachelor");
    let required = skill_names(&v["required_skills"]);
    for s in ["Kubernetes", "message queue", "Kafka", "RocketMQ"] {
        assert!(
            required.iter().any(|r| r == s),
            "{s} not required: {required:?}"
        );
    }
    let preferred = skill_names(&v["preferred_skills"]);
    assert!(preferred.iter().any(|p| p == "Istio"), "{preferred:?}");
    assert!(
        !preferred.iter().any(|p| required.contains(p)),
        "a skill both required and preferred"
    );
}

#[test]
fn personal_attributes_are_recognised_not_extracted_as_facts() {
    // A birth date must not become a date range, nor 已婚 anything but personal data.
    let v = parse("corpus/profiles/zh-java-backend-senior.txt");
    let attributes: Vec<&str> = v["personal"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for a in ["出生年月：1990.05", "婚姻状况：已婚", "民族：汉"] {
        assert!(
            attributes.contains(&a),
            "{a} not recognised: {attributes:?}"
        );
    }
    let v = parse("corpus/profiles/en-data-engineer.html");
    let attributes: Vec<&str> = v["personal"]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        attributes.iter().any(|a| a.starts_with("Date of birth")),
        "{attributes:?}"
    );
    assert!(
        attributes.iter().any(|a| a.starts_with("Nationality")),
        "{attributes:?}"
    );
    let languages: Vec<&str> = v["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        languages.contains(&"Spanish") || languages.contains(&"English"),
        "{languages:?}"
    );
}

#[test]
fn a_user_taxonomy_extends_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("extra.tsv"),
        "canonical\tdomain\taliases\tbroader\nZyxlang\tsoftware\tzyx语言|zyx-lang\tprogramming language\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("cv.txt"), "熟悉zyx语言与Kubernetes\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_matcher"))
        .current_dir(dir.path())
        .args([
            "--taxonomy",
            "extra.tsv",
            "parse",
            "--as",
            "profile",
            "--format",
            "json",
            "cv.txt",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = skill_names(&v["skills"]);
    assert!(
        names.contains(&"Zyxlang".to_string()) && names.contains(&"Kubernetes".to_string()),
        "{names:?}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_matcher"))
        .current_dir(dir.path())
        .args(["--taxonomy", "missing.tsv", "parse", "cv.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.tsv: cannot read"));
}
