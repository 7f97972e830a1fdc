//! Crash safety of `matcher serve`: SIGKILL at any moment loses no acknowledged write.
//!
//! Properties checked:
//! 1. During a stream of upserts from 4 clients, the server is killed with SIGKILL at 5
//!    different moments (40 ms to 0.7 s after the round's first answers), restarted each time on the
//!    same index: every profile whose PUT was answered 2xx, in any round, is there.
//! 2. After each kill the index opens (the server starts, `/v1/health` answers) and
//!    the survivors rank (`/v1/match` answers 200).
//!
//! The 20-kill run on a 100k index is `scripts/bench_serve.sh` (docs/PERFORMANCE.md).

mod serve_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serve_support::*;

#[test]
fn sigkill_during_upserts_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/profiles");
    let o = std::process::Command::new(BIN)
        .arg("--index")
        .arg(&index)
        .arg("index")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    for round in 0..5usize {
        let mut server = Server::start(dir.path(), &index, &["--quiet"]);
        let h = get(&server, "/v1/health");
        assert_eq!(
            h.status, 200,
            "round {round}: the index does not open: {}",
            h.body
        );
        let threads: Vec<_> = (0..4usize)
            .map(|t| {
                let base = server.base.clone();
                let acked = Arc::clone(&acked);
                std::thread::spawn(move || {
                    let agent = agent();
                    for i in 0.. {
                        let id = format!("crash/{round}-{t}-{i}");
                        let sent = agent
                            .put(&format!("{base}/v1/profiles/{id}"))
                            .set("Content-Type", "text/markdown")
                            .send_string(&resume(round * 1_000_000 + t * 100_000 + i));
                        match sent {
                            Ok(r) if r.status() == 201 => acked.lock().unwrap().push(id),
                            Ok(r) => panic!("unexpected {} for {id}", r.status()),
                            Err(_) => return, // the server is gone
                        }
                    }
                })
            })
            .collect();
        // Killed at a different moment each round, once the round has had writes
        // answered (a commit takes a few hundred milliseconds on this machine).
        let before = acked.lock().unwrap().len();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while acked.lock().unwrap().len() < before + 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(40 + 173 * round as u64));
        server.kill();
        for t in threads {
            t.join().unwrap();
        }
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 50,
        "only {} writes acknowledged in 5 rounds",
        acked.len()
    );
    let server = Server::start(dir.path(), &index, &["--quiet"]);
    let mut lost = Vec::new();
    for id in &acked {
        if get(&server, &format!("/v1/profiles/{id}")).status != 200 {
            lost.push(id.clone());
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
    let h = get(&server, "/v1/health").json();
    assert!(
        h["documents"].as_u64().unwrap() >= 39 + acked.len() as u64,
        "{h}"
    );
    let r = post(
        &server,
        "/v1/match?top=3",
        "text/plain",
        b"Rust Kafka Kubernetes backend engineer",
    );
    assert_eq!(r.status, 200, "{}", r.body);
}
