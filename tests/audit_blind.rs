//! Blind output, driven through the real binary on the bundled corpus.
//!
//! Properties checked:
//! 1. For every bundled job, in every output format (table, explained table, JSON, JSON
//!    lines and TREC, from the library's writers; `query --blind --explain`, `rank
//!    --blind` JSON lines and TREC from the binary), blind output contains no name, e-mail
//!    address or phone number of any bundled profile, and no result shows any personal
//!    datum of its own profile (name and its parts, e-mails and their local parts,
//!    phones as written and as digits, each attribute and its value) in any string.
//! 2. The same run without `--blind` does show the names: the check can fail.
//! 3. Blind and plain rankings have the same ids, ranks and scores, bit for bit.

mod common;

use std::collections::BTreeSet;

use common::{ok, workspace};
use matcher::{DocKind, Matcher, RankOptions};

/// One profile's recognised personal data, from `matcher parse`.
struct Datums {
    id: String,
    /// Name, e-mails and phones: none of any profile may appear anywhere.
    distinctive: Vec<String>,
    /// Everything else recognised: none may appear in the profile's own result.
    own: Vec<String>,
}

fn datums(m: &Matcher, dir: &std::path::Path) -> Vec<Datums> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("corpus/profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("README.md"))
        .collect();
    paths.sort();
    for path in paths {
        let parsed =
            serde_json::to_value(m.parse_file(&path, Some(DocKind::Profile)).unwrap()).unwrap();
        let p = &parsed["personal"];
        let list = |key: &str| -> Vec<String> {
            p[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let mut distinctive = Vec::new();
        let mut own = Vec::new();
        if let Some(name) = p["name"].as_str() {
            distinctive.push(name.to_string());
            own.extend(
                name.split_whitespace()
                    .filter(|w| w.chars().count() >= 3 && !w.ends_with('.'))
                    .map(str::to_string),
            );
        }
        for email in list("emails") {
            own.push(email.split('@').next().unwrap().to_string());
            distinctive.push(email);
        }
        for phone in list("phones") {
            own.push(phone.chars().filter(char::is_ascii_digit).collect());
            distinctive.push(phone);
        }
        for attr in list("attributes") {
            let value = attr
                .split_once([':', '：'])
                .map_or(attr.as_str(), |(_, v)| v)
                .trim()
                .to_string();
            if value.chars().count() >= 2 {
                own.push(value);
            }
            own.push(attr);
        }
        own.extend(distinctive.iter().cloned());
        out.push(Datums {
            id: parsed["id"].as_str().unwrap().to_string(),
            distinctive,
            own,
        });
    }
    out
}

/// Whether `text` shows `datum`: case-insensitively, and for Latin words or numbers as
/// a whole word (a datum "Lee" is not in "Leeds"); Han text anywhere.
fn shows(text: &str, datum: &str) -> bool {
    let text = text.to_lowercase();
    let datum = datum.to_lowercase();
    let word = |c: char| c.is_alphanumeric() && !('\u{4e00}'..='\u{9fff}').contains(&c);
    text.match_indices(&datum).any(|(i, _)| {
        let han = datum
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        han || (!text[..i].chars().next_back().is_some_and(word)
            && !text[i + datum.len()..].chars().next().is_some_and(word))
    })
}

#[test]
fn blind_output_shows_no_personal_datum_of_any_bundled_profile() {
    let w = workspace();
    let dir = w.path();
    ok(dir, &["index", "corpus/profiles"]);
    let m = Matcher::builder()
        .index_dir(dir.join("index"))
        .threads(2)
        .build()
        .unwrap();
    let people = datums(&m, dir);
    assert!(people.len() >= 39, "{} profiles", people.len());

    // Every writer of the library, in process; the binary's flags below.
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut plain_names = 0;
    let (jobs, errors) = m.read_jobs(&[dir.join("corpus/jobs")]);
    assert!(errors.is_empty() && jobs.len() == 14, "{errors:?}");
    for job in &jobs {
        let blind = RankOptions {
            top: 100,
            blind: true,
            ..RankOptions::default()
        };
        let ranking = m.rank(job, &blind).unwrap();
        type Writer = fn(&mut dyn std::io::Write, &matcher::Ranking) -> std::io::Result<()>;
        let writers: [(&str, Writer); 5] = [
            ("table", matcher::write_table),
            ("explained", matcher::write_explained),
            ("json", matcher::write_json),
            ("jsonl", matcher::write_jsonl),
            ("trec", matcher::write_trec),
        ];
        for (label, write) in writers {
            let mut buf = Vec::new();
            write(&mut buf, &ranking).unwrap();
            outputs.push((
                format!("{label} {}", job.id),
                String::from_utf8(buf).unwrap(),
            ));
        }
        // The control: without blind the names are there.
        let plain = m
            .rank(
                job,
                &RankOptions {
                    top: 100,
                    ..RankOptions::default()
                },
            )
            .unwrap();
        let mut buf = Vec::new();
        matcher::write_explained(&mut buf, &plain).unwrap();
        let plain = String::from_utf8(buf).unwrap();
        plain_names += people
            .iter()
            .filter(|p| p.distinctive.first().is_some_and(|n| shows(&plain, n)))
            .count();
    }
    assert!(
        plain_names > 100,
        "the plain tables show only {plain_names} names"
    );
    outputs.push((
        "query --blind --explain".into(),
        ok(
            dir,
            &[
                "query",
                "--blind",
                "--explain",
                "--top",
                "100",
                "corpus/jobs/zh-im-backend-lead.md",
            ],
        ),
    ));
    let blind_jsonl = ok(dir, &["rank", "--blind", "--top", "100", "corpus/jobs"]);
    outputs.push(("rank jsonl".into(), blind_jsonl.clone()));
    outputs.push((
        "rank trec".into(),
        ok(
            dir,
            &[
                "rank",
                "--blind",
                "--top",
                "100",
                "--format",
                "trec",
                "corpus/jobs",
            ],
        ),
    ));

    // 1a. No one's name, e-mail or phone anywhere.
    for (label, text) in &outputs {
        for p in &people {
            for d in &p.distinctive {
                assert!(
                    !shows(text, d),
                    "{label}: blind output shows {d:?} of {}",
                    p.id
                );
            }
        }
    }
    // 1b. No result shows its own profile's data, in any string of the JSON.
    let mut pairs = BTreeSet::new();
    for line in blind_jsonl.lines() {
        let ranking: serde_json::Value = serde_json::from_str(line).unwrap();
        for r in ranking["results"].as_array().unwrap() {
            let id = r["id"].as_str().unwrap();
            assert!(r.get("name").is_none(), "{id} has a name in blind output");
            pairs.insert((ranking["job_id"].to_string(), id.to_string()));
            let p = people.iter().find(|p| p.id == id).unwrap();
            let text = r.to_string();
            for d in &p.own {
                assert!(!shows(&text, d), "{id}: blind result shows {d:?}: {text}");
            }
        }
    }
    // Every profile was checked in some job's results; most pairs are ranked.
    let ranked: BTreeSet<&str> = pairs.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ranked.len(), people.len());
    assert!(
        pairs.len() >= 14 * 25,
        "only {} job–profile pairs ranked",
        pairs.len()
    );

    // 3. Same scores, blind or not.
    let plain_jsonl = ok(dir, &["rank", "--top", "100", "corpus/jobs"]);
    let scores = |text: &str| -> Vec<(String, String, String)> {
        text.lines()
            .flat_map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let job = v["job_id"].to_string();
                v["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| (job.clone(), r["id"].to_string(), r["score"].to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(scores(&blind_jsonl), scores(&plain_jsonl));
}
