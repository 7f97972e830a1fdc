//! Helpers of the serve tests: the real `matcher serve` binary on a loopback port, and a
//! small HTTP client that returns every answer (2xx or not) as status and body.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The binary under test, built by cargo for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_matcher");

/// A running `matcher serve`.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// Everything the server wrote to stderr so far.
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// Start `matcher --index INDEX serve --addr 127.0.0.1:0 EXTRA…` in `cwd` and wait
    /// until it listens.
    pub fn start(cwd: &Path, index: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .current_dir(cwd)
            .arg("--index")
            .arg(index)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting matcher serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("matcher: listening on ")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(addr.to_string());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => base,
            Err(_) => {
                let _ = child.kill();
                panic!("matcher serve did not start:\n{}", log.lock().unwrap());
            }
        };
        Server { child, base, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGKILL, and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and the exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("running kill");
        self.child.wait().ok()?.code()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An answer.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub content_type: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `error.kind` of an error answer.
    pub fn kind(&self) -> String {
        self.json()["error"]["kind"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// Send `request` with `body` (none for `None`), whatever the status.
pub fn send(request: ureq::Request, body: Option<&[u8]>) -> Answer {
    let result = match body {
        Some(b) => request.send_bytes(b),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").unwrap_or("").to_string();
    let body = response.into_string().unwrap_or_default();
    Answer {
        status,
        body,
        content_type,
    }
}

/// `PUT /v1/profiles/{id}` with `body` of `content_type`.
pub fn put(server: &Server, id: &str, content_type: &str, body: &[u8]) -> Answer {
    send(
        agent()
            .put(&server.url(&format!("/v1/profiles/{id}")))
            .set("Content-Type", content_type),
        Some(body),
    )
}

pub fn get(server: &Server, path: &str) -> Answer {
    send(agent().get(&server.url(path)), None)
}

/// `POST path` with `body` of `content_type`.
pub fn post(server: &Server, path: &str, content_type: &str, body: &[u8]) -> Answer {
    send(
        agent()
            .post(&server.url(path))
            .set("Content-Type", content_type),
        Some(body),
    )
}

/// A small generated résumé (fake person), unique by `n`.
pub fn resume(n: usize) -> String {
    format!(
        "# Test Person {n}\nPhone: 139-0000-{:04} | Email: person{n}@example.com\n\n\
         ## Summary\nBackend engineer, {} years of experience with Rust, Kafka and \
         Kubernetes. Built distributed systems.\n\n## Skills\nRust, Kafka, Kubernetes, \
         PostgreSQL\n",
        n % 10_000,
        3 + n % 10
    )
}
