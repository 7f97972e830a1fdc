//! Everything extraction produces for every file under a directory, one JSON line a
//! file, sorted by path: the check that a change to the extractors changes nothing.
//!
//! ```sh
//! cargo run --release --example dump_profiles -- DIR > before.jsonl
//! # … change the extractors, rebuild …
//! cargo run --release --example dump_profiles -- DIR > after.jsonl
//! cmp before.jsonl after.jsonl
//! ```
//!
//! Each file is read both as a profile and as a job, so the extractors the two share
//! (location, education, years) are covered on both paths. Beside the JSON `matcher
//! parse` prints, a line holds what that JSON leaves out: the ranking text (the personal
//! spans blanked), the spans themselves and the occupations.

use std::path::PathBuf;

use matcher::{Job, Lexicon, Profile, ReadOptions, read_file};
use rayon::prelude::*;
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: dump_profiles DIR");
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let lexicon = Lexicon::builtin();
    let options = ReadOptions::default();
    let lines: Vec<String> = files
        .par_iter()
        .map(|path| {
            let id = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .display()
                .to_string();
            let value = match read_file(path, &options) {
                Err(e) => json!({ "id": id, "error": e.to_string() }),
                Ok(text) => {
                    let profile = Profile::parse(id.clone(), text.clone(), &lexicon);
                    let job = Job::parse(id.clone(), text, &lexicon);
                    json!({
                        "profile": profile,
                        "facts": profile.facts(),
                        "ranking_text": profile.ranking_text,
                        "personal_spans": profile
                            .personal_spans
                            .iter()
                            .map(|r| (r.start, r.end))
                            .collect::<Vec<_>>(),
                        "job": job,
                        "job_occupations": job.occupations,
                    })
                }
            };
            value.to_string()
        })
        .collect();
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
