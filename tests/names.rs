//! A title is not a name: name detection needs evidence (issue 19, item 5).
//!
//! Properties checked, through the real binary on profiles written to a scratch
//! directory:
//! 1. A profile whose whole text is one of the titles that used to be blanked as a name
//!    (体育经理, 创意经理, 临时助理, 出版经理) keeps it: `matcher parse` reports no name
//!    and the title as the headline, and a job asking for that title ranks the profile
//!    first, among profiles holding the other three titles and a named one.
//! 2. A real name beside such a title is still found and still kept out of the ranking:
//!    a job made of the name alone does not find its profile, while the title does.

mod common;

use std::path::Path;

use common::*;

const TITLES: [&str; 4] = ["体育经理", "创意经理", "临时助理", "出版经理"];

/// The bundled-free scratch collection: one profile per title, and one named profile
/// ("王示例", a name with a surname, on its header line, above a title).
fn collection() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    for (i, title) in TITLES.iter().enumerate() {
        std::fs::write(profiles.join(format!("title-{i}.txt")), title).unwrap();
    }
    std::fs::write(
        profiles.join("named.txt"),
        "王示例\n手机：13800000000\n销售经理，负责华东区渠道销售",
    )
    .unwrap();
    ok(dir.path(), &["index", "profiles"]);
    dir
}

fn parse(dir: &Path, file: &str) -> serde_json::Value {
    let out = ok(dir, &["parse", "--as", "profile", "--format", "json", file]);
    serde_json::from_str(&out).unwrap()
}

/// The profile ids a job file ranks, best first.
fn ranked(dir: &Path, job: &str) -> Vec<String> {
    ranked_with(dir, job, &[])
}

fn ranked_with(dir: &Path, job: &str, extra: &[&str]) -> Vec<String> {
    std::fs::write(dir.join("job.txt"), job).unwrap();
    let mut args = vec!["query", "--format", "trec"];
    args.extend_from_slice(extra);
    args.push("job.txt");
    let out = ok(dir, &args);
    out.lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect()
}

fn title_ranks_with_its_text_intact(i: usize) {
    let ws = collection();
    let file = format!("profiles/title-{i}.txt");
    let v = parse(ws.path(), &file);
    assert!(
        v["personal"]["name"].is_null(),
        "{}: read as the name {}",
        TITLES[i],
        v["personal"]["name"]
    );
    assert_eq!(v["headline"].as_str(), Some(TITLES[i]), "{v}");
    let ids = ranked(ws.path(), &format!("招聘：{}", TITLES[i]));
    assert_eq!(
        ids.first().map(String::as_str),
        Some(format!("title-{i}").as_str()),
        "a job for {} ranks {ids:?}",
        TITLES[i]
    );
}

#[test]
fn tiyu_jingli_sports_manager_is_a_title_not_a_name() {
    title_ranks_with_its_text_intact(0); // 体育经理
}

#[test]
fn chuangyi_jingli_creative_manager_is_a_title_not_a_name() {
    title_ranks_with_its_text_intact(1); // 创意经理
}

#[test]
fn linshi_zhuli_temporary_assistant_is_a_title_not_a_name() {
    title_ranks_with_its_text_intact(2); // 临时助理
}

#[test]
fn chuban_jingli_publishing_manager_is_a_title_not_a_name() {
    title_ranks_with_its_text_intact(3); // 出版经理
}

#[test]
fn a_name_with_a_surname_on_the_header_line_is_still_kept_out() {
    let ws = collection();
    let v = parse(ws.path(), "profiles/named.txt");
    assert_eq!(v["personal"]["name"].as_str(), Some("王示例"), "{v}");
    // By its words (the search by meaning returns the nearest profiles for any job, and
    // reads the blanked text).
    assert!(!ranked_with(ws.path(), "王示例", &["--no-semantic"]).contains(&"named".to_string()));
    assert_eq!(
        ranked(ws.path(), "招聘：销售经理")
            .first()
            .map(String::as_str),
        Some("named")
    );
}
