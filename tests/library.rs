//! The library as a hiring tool embeds it: profiles arrive as bytes, not files.
//!
//! Properties checked:
//! 1. `upsert` adds parsed profiles by id in one commit and replaces on a second call;
//!    the same engine's next ranking sees them without reopening.
//! 2. `delete` removes by id and says how many were there; `index --prune` never removes
//!    upserted profiles (they have no file to be gone).
//! 3. A ranking without details (what a TREC run asks for) has the same results, scores
//!    and skill evidence, without what only the stored text gives; one without
//!    explanations has the same results, scores and feature scores, and nothing else of
//!    the explanation.
//! 4. A kept writer (`keep_writer`, as `matcher serve` holds it) commits each write so
//!    that another engine opened on the directory sees it, holds the index's lock until
//!    `close_writer`, and then lets another writer in.
//! 5. An engine keeps candidates' decoded facts across queries: a profile replaced by
//!    `upsert` is scored on its new facts (skills, years) by the same engine, never on
//!    what it kept of the old ones.
//! 6. What an engine keeps of candidates between queries (facts, skill ids, the term
//!    tables feedback reads) never shows in a ranking: after profiles are replaced, the
//!    engine that ranked the old ones ranks exactly as one opened afresh.
//! 7. A batch (`rank_many`, as `matcher rank` ranks) ranks each job exactly as `rank`
//!    does alone, though it scans the index's vectors for several jobs at once: the same
//!    results, scores and feature scores, with few candidates wanted (the pre-scan's
//!    buffers cut, candidates found by meaning alone ranked) as with the default.

use matcher::{Format, IndexOptions, Matcher, Profile, RankOptions, Text};

/// The profiles that match the job's words (BM25 above 0), in rank order.
fn ids(m: &Matcher, job: &matcher::Job) -> Vec<String> {
    m.rank(job, &RankOptions::default())
        .unwrap()
        .results
        .into_iter()
        .filter(|r| r.bm25 > 0.0)
        .map(|r| r.id)
        .collect()
}

/// Every profile ranked, those found by meaning alone included, sorted by id.
fn all_ids(m: &Matcher, job: &matcher::Job) -> Vec<String> {
    let mut ids: Vec<String> = m
        .rank(job, &RankOptions::default())
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn upsert_and_delete_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let m = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .threads(1)
        .build()
        .unwrap();
    let profile = |id: &str, text: &str| {
        let t = Text::from_bytes(text.as_bytes(), Format::Markdown).unwrap();
        Profile::parse(id, t, m.lexicon())
    };
    let a = profile(
        "upload-a",
        "# Alex Sample\nFlink and Kafka streaming engineer, 6 years",
    );
    let b = profile(
        "upload-b",
        "# Bo Sample\n熟悉 Kafka 与 Flink 实时计算，五年经验",
    );
    assert_eq!(m.upsert(&[a, b]).unwrap(), 0);
    let job = m
        .read_job(&write(
            dir.path(),
            "job.md",
            "# Streaming engineer\nRequirements: Flink, Kafka",
        ))
        .unwrap();
    let mut found = ids(&m, &job);
    found.sort();
    assert_eq!(found, ["upload-a", "upload-b"]);

    // Replacing a profile keeps one document under its id.
    let a2 = profile("upload-a", "# Alex Sample\nNow a pastry chef");
    assert_eq!(m.upsert(&[a2]).unwrap(), 1);
    assert_eq!(ids(&m, &job), ["upload-b"]);
    assert_eq!(all_ids(&m, &job), ["upload-a", "upload-b"]);

    // A file-based index run with --prune leaves upserted profiles alone.
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    write(&files, "c.md", "# Cy Sample\nKafka operator");
    m.index(
        &[&files],
        &IndexOptions {
            prune: true,
            rebuild: false,
        },
    )
    .unwrap();
    let mut found = ids(&m, &job);
    found.sort();
    assert_eq!(found, ["c", "upload-b"]);

    assert_eq!(m.delete(&["upload-b", "nobody"]).unwrap(), 1);
    assert_eq!(ids(&m, &job), ["c"]);
    assert_eq!(all_ids(&m, &job), ["c", "upload-a"]);
    // Reopened from disk, the index holds what was committed.
    let again = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .build()
        .unwrap();
    assert_eq!(ids(&again, &job), ["c"]);
}

#[test]
fn a_replaced_profile_is_scored_on_its_new_facts_by_the_engine_that_ranked_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let m = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .build()
        .unwrap();
    let profile = |text: &str| {
        let t = Text::from_bytes(text.as_bytes(), Format::Markdown).unwrap();
        Profile::parse("p", t, m.lexicon())
    };
    let other = Profile::parse(
        "q",
        Text::from_bytes(b"# Quinn Sample\nKafka administrator", Format::Markdown).unwrap(),
        m.lexicon(),
    );
    m.upsert(&[
        profile("# Pat Sample\nKafka engineer with 2 years of experience"),
        other,
    ])
    .unwrap();
    let job = m
        .read_job(&write(
            dir.path(),
            "job.md",
            "# Streaming engineer\nRequirements: Kafka, Flink, Kubernetes",
        ))
        .unwrap();
    let seen = |m: &Matcher| {
        let ranking = m.rank(&job, &RankOptions::default()).unwrap();
        let p = ranking.results.into_iter().find(|r| r.id == "p").unwrap();
        let mut found: Vec<String> = p
            .explanation
            .matched_required
            .iter()
            .map(|e| e.skill.clone())
            .collect();
        found.sort();
        (found, p.explanation.years)
    };
    assert_eq!(seen(&m), (vec!["Kafka".to_string()], Some(2.0)));
    assert_eq!(seen(&m), (vec!["Kafka".to_string()], Some(2.0)));
    m.upsert(&[profile(
        "# Pat Sample\nKafka, Flink and Kubernetes engineer with 7 years of experience",
    )])
    .unwrap();
    let now = (
        vec![
            "Flink".to_string(),
            "Kafka".to_string(),
            "Kubernetes".to_string(),
        ],
        Some(7.0),
    );
    assert_eq!(seen(&m), now);
    // And an engine opened afresh reads the same.
    let fresh = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .build()
        .unwrap();
    assert_eq!(seen(&fresh), now);
}

#[test]
fn a_kept_writer_commits_each_write_and_holds_the_lock_until_closed() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let m = Matcher::builder()
        .index_dir(&index)
        .threads(2)
        .keep_writer(true)
        .build()
        .unwrap();
    let profile = |id: &str, text: &str| {
        let t = Text::from_bytes(text.as_bytes(), Format::Text).unwrap();
        Profile::parse(id, t, m.lexicon())
    };
    let batch: Vec<Profile> = (0..6)
        .map(|i| {
            profile(
                &format!("p{i}"),
                &format!("Kafka engineer {i}\nFlink, Kafka"),
            )
        })
        .collect();
    assert_eq!(m.upsert(&batch).unwrap(), 0);
    assert_eq!(m.upsert(&batch[..2]).unwrap(), 2);
    assert_eq!(m.delete(&["p5"]).unwrap(), 1);
    // Another engine on the same directory sees every commit...
    let other = Matcher::builder().index_dir(&index).build().unwrap();
    assert_eq!(other.profile_count().unwrap(), 5);
    // ...but cannot write while the writer is kept,
    let err = other.delete(&["p0"]).unwrap_err();
    assert!(matches!(err.kind(), matcher::ErrorKind::Locked(_)), "{err}");
    // and can once it is closed; the kept engine's next write opens it again.
    m.close_writer().unwrap();
    assert_eq!(other.delete(&["p0"]).unwrap(), 1);
    assert_eq!(m.delete(&["p1"]).unwrap(), 1);
    other.reload().unwrap();
    assert_eq!(other.profile_count().unwrap(), 3);
    assert_eq!(m.profile_count().unwrap(), 3);
}

#[test]
fn a_batch_ranks_each_job_as_it_is_ranked_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let m = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .threads(2)
        .build()
        .unwrap();
    m.index(&[root.join("profiles")], &IndexOptions::default())
        .unwrap();
    let (jobs, errors) = m.read_jobs(&[root.join("jobs")]);
    assert!(errors.is_empty() && jobs.len() > 8, "{errors:?}");
    // Five BM25 candidates and one by meaning (the pre-scan keeps 8 of 39).
    let few = RankOptions {
        top: 5,
        depth: Some(5),
        dense_depth: Some(1),
        ..RankOptions::default()
    };
    for options in [RankOptions::default(), few] {
        let batch = m.rank_many(&jobs, &options);
        let mut by_meaning = 0;
        for (job, batch) in jobs.iter().zip(batch) {
            let shown = |r: matcher::Ranking| -> Vec<(String, f32, f32, Vec<Option<f32>>)> {
                (r.results.into_iter())
                    .map(|x| {
                        let features = x.explanation.features.iter().map(|f| f.value);
                        (x.id, x.score, x.bm25, features.collect())
                    })
                    .collect()
            };
            let (alone, batch) = (shown(m.rank(job, &options).unwrap()), shown(batch.unwrap()));
            assert_eq!(alone, batch, "{}", job.id);
            by_meaning += alone.iter().filter(|r| r.2 == 0.0).count();
        }
        // With few candidates, some results came by meaning alone (BM25 0: not among
        // BM25's), so the batch's lists of nearest were used.
        assert!(options.depth.is_none() || by_meaning > 0);
    }
}

#[test]
fn details_and_explanations_off_keep_results_and_drop_only_what_they_show() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let m = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .build()
        .unwrap();
    m.index(&[root.join("profiles")], &IndexOptions::default())
        .unwrap();
    let (jobs, _) = m.read_jobs(&[root.join("jobs")]);
    let (mut quoted, mut explained) = (0, 0);
    for job in &jobs {
        let full = m.rank(job, &RankOptions::default()).unwrap().results;
        let options = RankOptions {
            details: false,
            ..RankOptions::default()
        };
        let bare = m.rank(job, &options).unwrap().results;
        let unexplained = RankOptions {
            explain: false,
            ..options.clone()
        };
        let scores_only = m.rank(job, &unexplained).unwrap().results;
        assert_eq!(full.len(), bare.len(), "{}", job.id);
        assert_eq!(full.len(), scores_only.len(), "{}", job.id);
        for (f, s) in full.iter().zip(&scores_only) {
            assert_eq!((&f.id, f.score, f.bm25), (&s.id, s.score, s.bm25));
            let (fe, se) = (&f.explanation, &s.explanation);
            assert_eq!((fe.evidence, fe.gate), (se.evidence, se.gate));
            let features = |e: &matcher::Explanation| -> Vec<(&str, Option<f32>, f32, f32)> {
                (e.features.iter())
                    .map(|x| (x.name, x.value, x.weight, x.contribution))
                    .collect()
            };
            assert_eq!(features(fe), features(se), "{}", job.id);
            assert!(se.matched_required.is_empty() && se.missing_required.is_empty());
            assert!(se.related.is_empty() && se.location.is_none() && se.occupation.is_none());
            explained += fe.matched_required.len() + fe.missing_required.len();
        }
        for (f, b) in full.iter().zip(&bare) {
            assert_eq!((&f.id, f.score, f.bm25), (&b.id, b.score, b.bm25));
            assert!(b.name.is_none() && b.headline.is_none() && b.snippet.is_empty());
            assert!(b.matched_terms.is_empty());
            let skills = |m: &matcher::Match| -> Vec<(String, String)> {
                m.explanation
                    .matched_required
                    .iter()
                    .map(|e| (e.skill.clone(), e.text.clone()))
                    .collect()
            };
            assert_eq!(skills(f), skills(b));
            assert!(
                b.explanation
                    .matched_required
                    .iter()
                    .all(|e| e.quote.is_empty())
            );
            quoted += f
                .explanation
                .matched_required
                .iter()
                .filter(|e| !e.quote.is_empty())
                .count();
        }
    }
    // With details, the evidence is quoted; with explanations, skills are listed.
    assert!(quoted > 10, "{quoted}");
    assert!(explained > 10, "{explained}");
}

#[test]
fn an_engine_that_kept_candidates_ranks_as_a_fresh_one_after_they_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let build = || {
        Matcher::builder()
            .index_dir(dir.path().join("index"))
            .build()
            .unwrap()
    };
    let m = build();
    let profiles = |m: &Matcher, range: std::ops::Range<usize>, extra: &str| -> Vec<Profile> {
        range
            .map(|i| {
                let text = format!(
                    "# Sam Sample{i}\nStreaming engineer\nKafka streaming pipelines, {extra} \
                     and on-call duty {i} for {n} years of experience",
                    n = 1 + i % 9
                );
                let t = Text::from_bytes(text.as_bytes(), Format::Markdown).unwrap();
                Profile::parse(format!("p{i:02}"), t, m.lexicon())
            })
            .collect()
    };
    // More profiles than feedback reads (20), so that it runs and its tables are kept.
    m.upsert(&profiles(&m, 0..30, "Zookeeper monitoring"))
        .unwrap();
    let job = m
        .read_job(&write(
            dir.path(),
            "job.md",
            "# Streaming engineer\nKafka streaming pipelines.\nRequirements: Kafka, Flink, \
             Spark, 3 years of experience",
        ))
        .unwrap();
    let every = RankOptions {
        top: 30,
        ..RankOptions::default()
    };
    let ranked = |m: &Matcher| -> Vec<(String, String, Vec<String>)> {
        let ranking = m.rank(&job, &every).unwrap();
        ranking
            .results
            .into_iter()
            .map(|r| {
                let skills = r.explanation.matched_required.iter();
                let skills = skills.map(|e| e.skill.clone()).collect();
                (r.id, format!("{:.6} {:.6}", r.score, r.bm25), skills)
            })
            .collect()
    };
    let first = ranked(&m);
    assert_eq!(first.len(), 30, "{first:?}");
    assert_eq!(ranked(&m), first, "a second ranking from what was kept");
    // Half of them now say other things; the words and skills feedback and the skill
    // features read change with them.
    m.upsert(&profiles(
        &m,
        0..15,
        "Flink and Spark jobs, Hadoop clusters",
    ))
    .unwrap();
    let now = ranked(&m);
    assert_ne!(now, first);
    assert_eq!(
        now,
        ranked(&build()),
        "the engine that kept the old profiles"
    );
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}
