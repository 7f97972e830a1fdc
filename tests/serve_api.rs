//! `matcher serve`'s JSON API, driven over loopback against the real binary and a real
//! index built from the bundled corpus.
//!
//! Properties checked:
//! 1. A résumé PUT in each format (Markdown, HTML, JSON Resume, plain text) answers 201
//!    with what was understood, 200 when replaced; GET returns it; DELETE removes it
//!    (404 after); `GET /v1/profiles` pages through every id with its cursor.
//! 2. `POST /v1/match` with a raw job (Markdown, or a schema.org JobPosting) and with
//!    the JSON envelope give the same explained ranking; a profile uploaded a moment
//!    before is ranked without a restart; `top`, `require`, `min_years`, `blind`
//!    work, and blind output carries no name, e-mail nor phone, on a match and on a
//!    batch line alike, even when the prose repeats the name.
//! 3. `POST /v1/match/batch` streams one ranking a line, in the order of the jobs; it is
//!    admitted a chunk at a time with every ranking permit (`/metrics` shows them held),
//!    and a match sent while it runs is answered with the ranking the batch gives.
//! 4. Errors are JSON with the right status: 400 (empty or unreadable body, a job as a
//!    profile, a bad option, naming the problem), 401 (token file, writes only unless
//!    --token-for-reads), 404, 413 (over --max-file-size), 415, 409 (schema mismatch),
//!    503 (index locked by another writer).
//! 5. `/v1/health` and `/metrics` report documents, schema version, last commit, and
//!    request counts and latency histograms per route.
//! 6. `/openapi.json` is a valid OpenAPI 3.1 document whose every `$ref` resolves, and
//!    every route of the router (read from src/serve/mod.rs) is in it with its method.
//! 7. The log holds no résumé text nor personal data; the page is served at `/`.
//! 8. SIGTERM during a stream of writes: every acknowledged write is in the index after
//!    a restart, and the process exits 0.

mod serve_support;

use std::path::PathBuf;

use serve_support::*;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory with an index of the bundled corpus.
fn indexed() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let o = std::process::Command::new(BIN)
        .arg("--index")
        .arg(&index)
        .arg("index")
        .arg(project().join("corpus/profiles"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, index)
}

fn corpus(path: &str) -> Vec<u8> {
    std::fs::read(project().join("corpus").join(path)).unwrap()
}

fn ids(ranking: &serde_json::Value) -> Vec<String> {
    ranking["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn profiles_match_batch_health_metrics_and_log() {
    let (dir, index) = indexed();
    let server = Server::start(dir.path(), &index, &[]);

    // 1. Upload in several formats.
    let md = b"# Wen Test\nPhone: 139-0000-0777 | Email: wen.test@example.com\n\n\
        ## Summary\nIM backend lead, 12 years, distributed systems, Kafka, Redis, Go, \
        high concurrency, team management.\n\n## Skills\nGo, Kafka, Redis, MySQL, Kubernetes\n";
    let a = put(&server, "api/wen", "text/markdown", md);
    assert_eq!(a.status, 201, "{}", a.body);
    let u = a.json();
    assert_eq!(u["id"], "api/wen");
    assert_eq!(u["created"], true);
    assert!(
        u["skills"].as_array().unwrap().iter().any(|s| s == "Kafka"),
        "{u}"
    );
    assert!(!a.body.contains("139-0000-0777") && !a.body.contains("wen.test@"));
    let again = put(&server, "api/wen", "text/markdown; charset=utf-8", md);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["created"], false);

    let html = corpus("profiles/en-ux-designer.md");
    assert_eq!(put(&server, "api/html", "text/html", &html).status, 201);
    let resume_json = br#"{"basics": {"name": "Json Person", "label": "Data Engineer",
        "email": "json.person@example.com"}, "skills": [{"name": "Spark"}, {"name": "Python"}],
        "work": [{"position": "Data Engineer", "startDate": "2018-01"}]}"#;
    let j = put(&server, "api/json", "application/json", resume_json);
    assert_eq!(j.status, 201, "{}", j.body);
    assert_eq!(j.json()["format"], "json");

    let stored = get(&server, "/v1/profiles/api/wen");
    assert_eq!(stored.status, 200);
    assert!(
        stored.json()["text"]
            .as_str()
            .unwrap()
            .contains("IM backend lead")
    );

    // Paging: 39 corpus profiles + 3 uploads, 10 a page, every id once, in order.
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/profiles?limit=10&after={a}"),
            None => "/v1/profiles?limit=10".to_string(),
        };
        let page = get(&server, &path).json();
        all.extend(
            page["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    assert_eq!(all.len(), 42, "{all:?}");
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, all);

    // 2. Matching: raw job, JobPosting, envelope.
    let job = corpus("jobs/zh-im-backend-lead.md");
    let raw = post(&server, "/v1/match?top=5", "text/markdown", &job);
    assert_eq!(raw.status, 200, "{}", raw.body);
    let ranking = raw.json();
    let top = ids(&ranking);
    assert_eq!(top.len(), 5);
    assert_eq!(top[0], "zh-im-platform-lead", "{top:?}");
    let first = &ranking["results"][0];
    assert!(first["name"].is_string(), "names are shown unless blind");
    let evidence = &first["explanation"]["matched_required"][0];
    assert!(!evidence["quote"].as_str().unwrap().is_empty(), "{first}");
    assert!(
        !first["explanation"]["features"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // By meaning too, by default: the semantic features are in the explanation; with
    // semantic=false they are not, every result shares a word with the job, and a value
    // that is not a boolean is a 400 that names the parameter.
    let feature = |r: &serde_json::Value, name: &str| -> Option<f64> {
        let f = r["explanation"]["features"].as_array().unwrap();
        f.iter().find(|x| x["name"] == name)?["value"].as_f64()
    };
    assert!(
        feature(first, "semantic").is_some_and(|v| v > 0.0),
        "{first}"
    );
    let words = post(
        &server,
        "/v1/match?top=20&semantic=false",
        "text/markdown",
        &job,
    )
    .json();
    let words = words["results"].as_array().unwrap().clone();
    assert!(!words.is_empty());
    for r in &words {
        assert!(r["bm25"].as_f64().unwrap() > 0.0, "{r}");
        assert_eq!(feature(r, "semantic"), None, "{r}");
    }
    let bad = post(&server, "/v1/match?semantic=maybe", "text/markdown", &job);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("semantic"), "{}", bad.body);
    let own =
        b"IM backend lead. Requirements: Go, Kafka, Redis, high concurrency, team management.";
    let fresh = ids(&post(&server, "/v1/match?top=3", "text/plain", own).json());
    assert_eq!(
        fresh[0], "api/wen",
        "the upload is ranked at once: {fresh:?}"
    );

    let envelope = serde_json::json!({
        "job": String::from_utf8(job.clone()).unwrap(),
        "content_type": "text/markdown",
        "id": "zh-im-backend-lead",
        "top": 5,
    });
    let e = post(
        &server,
        "/v1/match",
        "application/json",
        envelope.to_string().as_bytes(),
    );
    assert_eq!(e.status, 200, "{}", e.body);
    assert_eq!(ids(&e.json()), top, "envelope and raw body rank alike");
    assert_eq!(e.json()["job_id"], "zh-im-backend-lead");

    let blind = post(&server, "/v1/match?top=5&blind=true", "text/markdown", &job);
    assert_eq!(ids(&blind.json()), top, "blind changes no score");
    assert!(
        blind.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("name").is_none())
    );
    assert!(
        !blind.body.contains("张示例"),
        "the seed's name is gone when blind"
    );

    let required = post(
        &server,
        "/v1/match?top=50&require=Kafka&min_years=10",
        "text/markdown",
        &job,
    )
    .json();
    assert!(!ids(&required).is_empty());
    for m in required["results"].as_array().unwrap() {
        assert!(m["explanation"]["years"].as_f64().unwrap() >= 10.0, "{m}");
    }
    let unexplained = post(
        &server,
        "/v1/match?top=3&explain=false",
        "text/markdown",
        &job,
    )
    .json();
    assert!(
        unexplained["results"][0]["explanation"]["features"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let posting = serde_json::json!({
        "@context": "https://schema.org", "@type": "JobPosting",
        "title": "Cloud IoT Architect",
        "description": "Kafka, Flink, Kubernetes, Docker, Azure, IoT pipelines; 10+ years.",
        "skills": "Kafka, Flink, Kubernetes",
    });
    let p = post(
        &server,
        "/v1/match?top=3",
        "application/ld+json",
        posting.to_string().as_bytes(),
    );
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.json()["job_title"], "Cloud IoT Architect");
    assert!(!ids(&p.json()).is_empty());

    // 3. Batch.
    let lines = [
        serde_json::json!({"id": "a", "job": String::from_utf8(job.clone()).unwrap(), "content_type": "text/markdown"}),
        posting.clone(),
        serde_json::json!({"id": "c", "job": "数据分析师，SQL，Python，Tableau，3年以上"}),
    ]
    .map(|v| v.to_string())
    .join("\n");
    let b = post(
        &server,
        "/v1/match/batch?top=3",
        "application/x-ndjson",
        lines.as_bytes(),
    );
    assert_eq!(b.status, 200, "{}", b.body);
    assert!(b.content_type.starts_with("application/x-ndjson"));
    let out: Vec<serde_json::Value> = b
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["job_id"], "a");
    assert_eq!(out[1]["job_id"], "line-2");
    assert_eq!(out[2]["job_id"], "c");
    assert_eq!(ids(&out[0]), top[..3].to_vec());

    // DELETE, then it is gone.
    let d = send(agent().delete(&server.url("/v1/profiles/api/json")), None);
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(get(&server, "/v1/profiles/api/json").status, 404);
    let d2 = send(agent().delete(&server.url("/v1/profiles/api/json")), None);
    assert_eq!((d2.status, d2.kind().as_str()), (404, "not_found"));

    // 5. Health and metrics.
    let h = get(&server, "/v1/health").json();
    assert_eq!(h["documents"], 41);
    assert_eq!(h["schema_version"], matcher::SCHEMA_VERSION);
    assert!(h["last_commit"].as_str().unwrap().ends_with('Z'));
    assert!(h["commits"].as_u64().unwrap() >= 1);
    let m = get(&server, "/metrics");
    assert_eq!(m.status, 200);
    assert!(
        m.body.contains(
            r#"matcher_http_requests_total{method="POST",route="/v1/match",status="200"}"#
        ),
        "{}",
        m.body
    );
    assert!(m.body.contains(r#"matcher_http_request_duration_seconds_bucket{method="PUT",route="/v1/profiles/{*id}",le="+Inf"}"#));
    assert!(m.body.contains("matcher_index_documents 41"));
    assert!(m.body.contains("matcher_index_bytes "));

    // 7. The page, and a log without personal data.
    let page = get(&server, "/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("/app.js"));
    assert_eq!(get(&server, "/app.js").status, 200);
    let log = server.log();
    assert!(
        log.contains("PUT /v1/profiles/{*id} id=api/wen 201"),
        "{log}"
    );
    for secret in [
        "Wen Test",
        "139-0000-0777",
        "wen.test@example.com",
        "IM backend lead",
        "Json Person",
        "张示例",
    ] {
        assert!(!log.contains(secret), "the log shows `{secret}`:\n{log}");
    }
}

#[test]
fn errors_have_the_right_status_and_say_what_to_fix() {
    let (dir, index) = indexed();
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret-token\n").unwrap();
    let server = Server::start(
        dir.path(),
        &index,
        &[
            "--token-file",
            token.to_str().unwrap(),
            "--max-file-size",
            "4k",
        ],
    );
    let authed = |r: ureq::Request| r.set("Authorization", "Bearer s3cret-token");
    let put_to = |server: &Server, id: &str, ct: &str, body: &[u8]| {
        send(
            authed(
                agent()
                    .put(&server.url(&format!("/v1/profiles/{id}")))
                    .set("Content-Type", ct),
            ),
            Some(body),
        )
    };
    let put_authed = |id: &str, ct: &str, body: &[u8]| put_to(&server, id, ct, body);

    // 401: writes need the token; reads do not.
    let no = put(&server, "x", "text/plain", resume(1).as_bytes());
    assert_eq!(
        (no.status, no.kind().as_str()),
        (401, "unauthorized"),
        "{}",
        no.body
    );
    assert!(
        no.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );
    let wrong = send(
        agent()
            .put(&server.url("/v1/profiles/x"))
            .set("Content-Type", "text/plain")
            .set("Authorization", "Bearer nope"),
        Some(resume(1).as_bytes()),
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(
        put_authed("x", "text/plain", resume(1).as_bytes()).status,
        201
    );
    assert_eq!(get(&server, "/v1/profiles/x").status, 200);
    let job = corpus("jobs/en-data-analyst.txt");
    assert_eq!(post(&server, "/v1/match", "text/plain", &job).status, 200);

    // 400s name the problem.
    let empty = put_authed("y", "text/plain", b"   \n");
    assert_eq!((empty.status, empty.kind().as_str()), (400, "bad_input"));
    assert!(
        empty.body.contains("profile y: empty file"),
        "{}",
        empty.body
    );
    let bad_pdf = put_authed("y", "application/pdf", b"%PDF-1.4 not really");
    assert_eq!(bad_pdf.status, 400, "{}", bad_pdf.body);
    assert!(bad_pdf.body.contains("profile y"), "{}", bad_pdf.body);
    let posting = br#"{"@type": "JobPosting", "title": "Engineer", "description": "Rust"}"#;
    let as_profile = put_authed("y", "application/json", posting);
    assert_eq!(as_profile.status, 400);
    assert!(
        as_profile.body.contains("JobPosting, not a résumé"),
        "{}",
        as_profile.body
    );
    let bad_top = post(&server, "/v1/match?top=0", "text/plain", &job);
    assert_eq!(bad_top.status, 400);
    assert!(bad_top.body.contains("top must be between 1 and 1000"));
    let unknown = post(&server, "/v1/match?tpo=3", "text/plain", &job);
    assert!(unknown.status == 400 && unknown.body.contains("unknown query parameter `tpo`"));
    let bad_years = post(&server, "/v1/match?min_years=lots", "text/plain", &job);
    assert!(bad_years.status == 400 && bad_years.body.contains("min_years"));
    let bad_line = post(
        &server,
        "/v1/match/batch",
        "application/x-ndjson",
        b"{\"job\": \"Rust\"}\nnot json\n",
    );
    assert!(
        bad_line.status == 400 && bad_line.body.contains("batch line 2"),
        "{}",
        bad_line.body
    );

    // 404, 413, 415.
    let missing = get(&server, "/v1/profiles/nobody");
    assert_eq!(
        (missing.status, missing.kind().as_str()),
        (404, "not_found")
    );
    assert_eq!(get(&server, "/v2/nothing").status, 404);
    let big = vec![b'a'; 5000];
    let too_big = put_authed("big", "text/plain", &big);
    assert_eq!(
        (too_big.status, too_big.kind().as_str()),
        (413, "too_large"),
        "{}",
        too_big.body
    );
    assert!(too_big.body.contains("--max-file-size"));
    let odd = put_authed("odd", "image/png", b"\x89PNG");
    assert_eq!((odd.status, odd.kind().as_str()), (415, "unsupported_type"));
    assert!(
        odd.body.contains("text/markdown"),
        "the message lists what is read"
    );
    let none = send(
        authed(agent().put(&server.url("/v1/profiles/odd"))),
        Some(b"text"),
    );
    assert_eq!(none.status, 415);

    drop(server);

    // 503 while another writer holds the index: the server keeps its writer from its
    // first write on, so the other one is there first, as `matcher index` would be.
    {
        let tantivy_index = tantivy::Index::open_in_dir(&index).unwrap();
        let writer: tantivy::IndexWriter<tantivy::TantivyDocument> =
            tantivy_index.writer(15_000_000).unwrap();
        let server = Server::start(
            dir.path(),
            &index,
            &["--token-file", token.to_str().unwrap()],
        );
        let put_authed = |id: &str, ct: &str, body: &[u8]| put_to(&server, id, ct, body);
        let locked = put_authed("z", "text/plain", resume(2).as_bytes());
        assert_eq!(
            (locked.status, locked.kind().as_str()),
            (503, "unavailable"),
            "{}",
            locked.body
        );
        assert!(locked.body.contains("locked"), "{}", locked.body);
        drop(writer);
        assert_eq!(
            put_authed("z", "text/plain", resume(2).as_bytes()).status,
            201,
            "writes resume once the lock is gone"
        );
    }

    // --token-for-reads: reads need it too, the page and health stay open.
    let server = Server::start(
        dir.path(),
        &index,
        &["--token-file", token.to_str().unwrap(), "--token-for-reads"],
    );
    assert_eq!(post(&server, "/v1/match", "text/plain", &job).status, 401);
    assert_eq!(get(&server, "/v1/profiles").status, 401);
    assert_eq!(get(&server, "/metrics").status, 401);
    assert_eq!(get(&server, "/v1/health").status, 200);
    assert_eq!(get(&server, "/").status, 200);
    let ok = send(
        authed(
            agent()
                .post(&server.url("/v1/match"))
                .set("Content-Type", "text/plain"),
        ),
        Some(&job),
    );
    assert_eq!(ok.status, 200);
    drop(server);

    // 409: an index of another schema version is served, every request told to rebuild.
    let marker = index.join("matcher-index.json");
    assert!(marker.is_file());
    std::fs::write(&marker, r#"{"schema_version": 1}"#).unwrap();
    let server = Server::start(dir.path(), &index, &[]);
    let h = get(&server, "/v1/health");
    assert_eq!(
        (h.status, h.kind().as_str()),
        (409, "schema_mismatch"),
        "{}",
        h.body
    );
    assert!(h.body.contains("--rebuild"));
    assert_eq!(post(&server, "/v1/match", "text/plain", &job).status, 409);
    assert_eq!(
        put(&server, "w", "text/plain", resume(3).as_bytes()).status,
        409
    );
}

/// The `.route("PATH", METHODS…)` calls of the router, as OpenAPI paths and methods.
fn routes() -> Vec<(String, Vec<String>)> {
    let source = std::fs::read_to_string(project().join("src/serve/mod.rs")).unwrap();
    let mut out = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).unwrap().replace("{*", "{");
        let call = &chunk[..chunk.find(")\n").unwrap_or(chunk.len())];
        let methods: Vec<String> = ["get", "put", "post", "delete"]
            .iter()
            .filter(|m| call.contains(&format!("{m}(")) || call.contains(&format!(".{m}(")))
            .map(|m| m.to_string())
            .collect();
        assert!(
            !methods.is_empty(),
            "no method found for route {path}: {call}"
        );
        out.push((path, methods));
    }
    out
}

fn resolve_refs(value: &serde_json::Value, doc: &serde_json::Value, at: &str) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(|r| r.as_str()) {
                let pointer = r
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("external $ref {r} at {at}"));
                assert!(
                    doc.pointer(pointer).is_some(),
                    "$ref {r} at {at} resolves to nothing"
                );
            }
            for (k, v) in map {
                resolve_refs(v, doc, &format!("{at}/{k}"));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                resolve_refs(v, doc, &format!("{at}/{i}"));
            }
        }
        _ => {}
    }
}

#[test]
fn openapi_is_valid_and_lists_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &dir.path().join("index"), &[]);
    let a = get(&server, "/openapi.json");
    assert_eq!(a.status, 200);
    let spec = oas3::from_json(&a.body).unwrap_or_else(|e| panic!("not OpenAPI 3.1: {e}"));
    assert!(spec.openapi.starts_with("3.1"));
    let doc = a.json();
    resolve_refs(&doc, &doc, "#");
    let paths = doc["paths"].as_object().unwrap();
    let routes = routes();
    assert!(routes.len() >= 7, "{routes:?}");
    for (path, methods) in &routes {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("route {path} is not in openapi.json"));
        for m in methods {
            assert!(item.get(m).is_some(), "{m} {path} is not in openapi.json");
        }
    }
    // The ranking schema comes from the library's type: its fields are all there.
    let m = &doc["components"]["schemas"]["Match"]["properties"];
    for field in [
        "rank",
        "id",
        "name",
        "score",
        "bm25",
        "matched_terms",
        "snippet",
        "explanation",
    ] {
        assert!(
            m.get(field).is_some(),
            "Match.{field} missing from the schema"
        );
    }
    // With no index yet, the service is up and ranks nothing, and uploads create it.
    let h = get(&server, "/v1/health").json();
    assert_eq!(h["documents"], 0);
    let job = corpus("jobs/en-data-analyst.txt");
    let r = post(&server, "/v1/match", "text/plain", &job);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(ids(&r.json()).is_empty());
    assert_eq!(
        put(&server, "first", "text/plain", resume(7).as_bytes()).status,
        201
    );
    assert_eq!(get(&server, "/v1/health").json()["documents"], 1);
}

#[test]
fn sigterm_keeps_every_acknowledged_write() {
    let (dir, index) = indexed();
    let mut server = Server::start(dir.path(), &index, &["--quiet"]);
    let base = server.base.clone();
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let base = base.clone();
            let acked = std::sync::Arc::clone(&acked);
            std::thread::spawn(move || {
                for i in 0..10_000 {
                    let id = format!("term/{t}-{i}");
                    let r = agent()
                        .put(&format!("{base}/v1/profiles/{id}"))
                        .set("Content-Type", "text/markdown")
                        .send_string(&resume(t * 100_000 + i));
                    match r {
                        Ok(r) if r.status() == 201 => acked.lock().unwrap().push(id),
                        _ => break, // refused or cut off by the shutdown
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(server.terminate(), Some(0), "{}", server.log());
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 10,
        "only {} writes before SIGTERM",
        acked.len()
    );
    assert!(server.log().contains("shutting down"));
    let server = Server::start(dir.path(), &index, &["--quiet"]);
    check_present(&server, &acked);
}

/// Every id in `ids` is in the index `server` serves.
pub fn check_present(server: &Server, ids: &[String]) {
    let mut listed = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/profiles?limit=10000&after={a}"),
            None => "/v1/profiles?limit=10000".to_string(),
        };
        let page = get(server, &path).json();
        listed.extend(
            page["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    let lost: Vec<&String> = ids.iter().filter(|id| !listed.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
}

/// A gauge of `/metrics`, by its exact name.
fn gauge(server: &Server, name: &str) -> f64 {
    let m = get(server, "/metrics");
    m.body
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{}", m.body))
}

/// A batch is admitted like the matches (one ranking a core): while it ranks it holds
/// every permit, a chunk at a time, and lets go between chunks, so a match sent during
/// it is answered and the batch still streams every job in order; after it, none is held.
#[test]
fn a_batch_is_admitted_a_chunk_at_a_time() {
    let (dir, index) = indexed();
    let server = Server::start(dir.path(), &index, &["--quiet"]);
    let permits = gauge(&server, "matcher_ranking_permits");
    assert!(permits >= 1.0);
    assert_eq!(gauge(&server, "matcher_ranking_permits_in_use"), 0.0);

    let jobs = [
        "Senior backend engineer: Go, Kubernetes, Kafka, PostgreSQL, 5+ years",
        "数据分析师，SQL，Python，Tableau，3年以上",
        "Frontend developer, React and TypeScript, accessibility",
        "云原生后端开发工程师，熟悉Kubernetes、消息队列（Kafka/RocketMQ）",
    ];
    let n = 400;
    let lines: Vec<String> = (0..n)
        .map(|i| {
            serde_json::json!({"id": format!("j{i}"), "job": jobs[i % jobs.len()]}).to_string()
        })
        .collect();
    let body = lines.join("\n");
    let url = server.url("/v1/match/batch?top=3&explain=false");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let a = send(
                agent()
                    .post(&url)
                    .set("Content-Type", "application/x-ndjson"),
                Some(body.as_bytes()),
            );
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            a
        })
    };
    // While the batch ranks, its chunks hold every permit.
    let mut most = 0.0f64;
    while !done.load(std::sync::atomic::Ordering::SeqCst) && most < permits {
        most = most.max(gauge(&server, "matcher_ranking_permits_in_use"));
    }
    assert_eq!(most, permits, "the batch never held every permit");
    // A match sent meanwhile is answered (it waits for a chunk, not for the batch).
    let one = post(&server, "/v1/match?top=2", "text/plain", jobs[0].as_bytes());
    assert_eq!(one.status, 200, "{}", one.body);
    let batch = reader.join().unwrap();
    assert_eq!(batch.status, 200, "{}", batch.body);
    let out: Vec<serde_json::Value> = batch
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), n);
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r["job_id"], format!("j{i}"), "line {i} out of order");
        assert_eq!(ids(r).len(), 3, "{r}");
    }
    // The same job alone ranks as it does in the batch.
    assert_eq!(ids(&one.json()), ids(&out[0])[..2].to_vec());
    assert_eq!(gauge(&server, "matcher_ranking_permits_in_use"), 0.0);
}

#[test]
fn blind_hides_a_name_the_prose_repeats_from_a_match_and_a_batch() {
    let (dir, index) = indexed();
    let server = Server::start(dir.path(), &index, &[]);
    // The name heads the résumé and is written again in its prose, whole and as the
    // given name alone, where the snippet and the evidence quotes are cut from.
    let md = "# 王示范\n电话：139-0000-0888\n\n## 简介\n我是王示范，消息队列平台负责人，\
        示范主导了 Kafka 与 RocketMQ 集群的建设，熟悉 Kubernetes 和 Redis。\n\n\
        ## 技能\nKafka, RocketMQ, Kubernetes, Redis, Go\n";
    let a = put(&server, "api/wang", "text/markdown", md.as_bytes());
    assert_eq!(a.status, 201, "{}", a.body);
    let job = "消息队列平台负责人，熟悉 Kafka、RocketMQ、Kubernetes、Redis，Go 语言";
    let line = serde_json::json!({"id": "mq", "job": job}).to_string();

    let shown = post(&server, "/v1/match?top=3", "text/plain", job.as_bytes());
    assert_eq!(ids(&shown.json())[0], "api/wang", "{}", shown.body);
    assert!(
        shown.body.contains("王示范"),
        "the control: without blind the name is shown: {}",
        shown.body
    );

    let one = post(
        &server,
        "/v1/match?top=3&blind=true",
        "text/plain",
        job.as_bytes(),
    );
    let batch = post(
        &server,
        "/v1/match/batch?top=3&blind=true",
        "application/x-ndjson",
        line.as_bytes(),
    );
    assert_eq!(batch.status, 200, "{}", batch.body);
    let batch_ranking: serde_json::Value = serde_json::from_str(batch.body.trim()).unwrap();
    for (route, body, ranking) in [
        ("/v1/match", &one.body, one.json()),
        ("/v1/match/batch", &batch.body, batch_ranking),
    ] {
        assert_eq!(
            ids(&ranking)[0],
            "api/wang",
            "{route}: blind changes no rank"
        );
        assert!(!body.contains("王示范"), "{route} shows the name: {body}");
        assert!(
            !body.contains("示范"),
            "{route} shows the given name: {body}"
        );
        assert!(!body.contains("0888"), "{route} shows the phone: {body}");
        let first = &ranking["results"][0];
        assert!(first.get("name").is_none(), "{route}: {first}");
        assert!(
            first["explanation"]["matched_required"]
                .as_array()
                .is_some_and(|q| q.len() >= 4),
            "{route}: the evidence is still quoted: {first}"
        );
    }
    assert_eq!(
        one.json()["results"],
        serde_json::from_str::<serde_json::Value>(batch.body.trim()).unwrap()["results"],
        "a blind match and a blind batch line show the same"
    );
}
