//! The one writer: group commit of upserts and deletes.
//!
//! Handlers hand each write to this thread and wait for its answer. The thread takes
//! the first pending write, then every write queued behind it (up to [`MAX_GROUP`]),
//! and commits them together — one [`Matcher::upsert`] for a run of upserts, one
//! [`Matcher::delete`] for a run of deletes, in arrival order — then answers every
//! request of the group. An answer therefore means committed: a request is never told
//! "done" for a write that a crash could still lose. While one group commits, the next
//! one queues, so under load each commit carries many writes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Instant, SystemTime};

use tokio::sync::oneshot;

use super::errors::ApiError;
use crate::engine::Matcher;
use crate::profile::Profile;

/// The most writes one commit carries.
const MAX_GROUP: usize = 1024;

/// A write asked for.
pub(crate) enum Change {
    /// Add or replace this profile.
    Upsert(Box<Profile>),
    /// Remove the profile with this id.
    Delete(String),
}

/// What a committed write found.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Applied {
    /// Whether the id had a profile before this write.
    pub existed: bool,
}

type Reply = oneshot::Sender<Result<Applied, ApiError>>;

/// A write of a group, its reply, and whether its id had a profile before it.
type Queued = (Change, Reply, bool);

enum Message {
    Write(Change, Reply),
    Stop,
}

/// The handlers' side of the writer thread.
pub(crate) struct Writer {
    queue: Mutex<Option<mpsc::Sender<Message>>>,
    /// Counters for `/metrics` and `/v1/health`.
    pub stats: Arc<WriterStats>,
}

/// What the writer has done.
#[derive(Default)]
pub(crate) struct WriterStats {
    /// Commits made.
    pub commits: AtomicU64,
    /// Writes committed.
    pub writes: AtomicU64,
    /// Writes that failed to commit.
    pub failed: AtomicU64,
    /// Time spent committing, in microseconds.
    pub commit_micros: AtomicU64,
    /// When the last commit (of this process) landed.
    pub last_commit: Mutex<Option<SystemTime>>,
}

impl Writer {
    /// Start the writer thread over `matcher`.
    pub fn start(matcher: Arc<Matcher>) -> (Writer, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel();
        let stats = Arc::new(WriterStats::default());
        let thread_stats = Arc::clone(&stats);
        let handle = std::thread::Builder::new()
            .name("serve-writer".into())
            .spawn(move || run(&matcher, &rx, &thread_stats))
            .expect("spawning the writer thread");
        (
            Writer {
                queue: Mutex::new(Some(tx)),
                stats,
            },
            handle,
        )
    }

    /// Queue `change` and wait until it is committed (or has failed).
    pub async fn write(&self, change: Change) -> Result<Applied, ApiError> {
        let (reply, answer) = oneshot::channel();
        let sent = {
            let queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue
                .as_ref()
                .is_some_and(|q| q.send(Message::Write(change, reply)).is_ok())
        };
        if !sent {
            return Err(ApiError::unavailable("the server is shutting down"));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(ApiError::internal("the index writer stopped")))
    }

    /// Commit what is queued and stop the thread; later writes are refused (503).
    pub fn stop(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(q) = queue.take() {
            let _ = q.send(Message::Stop);
        }
    }
}

fn run(matcher: &Matcher, rx: &mpsc::Receiver<Message>, stats: &WriterStats) {
    let mut stopping = false;
    while !stopping {
        let Ok(first) = rx.recv() else { return };
        let mut group = Vec::new();
        match first {
            Message::Write(change, reply) => group.push((change, reply)),
            Message::Stop => stopping = true,
        }
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(Message::Write(change, reply)) => group.push((change, reply)),
                Ok(Message::Stop) => stopping = true,
                Err(_) => break,
            }
        }
        if !group.is_empty() {
            commit(matcher, group, stats);
        }
    }
}

/// Commit one group, run by run of the same kind, and answer each request.
fn commit(matcher: &Matcher, group: Vec<(Change, Reply)>, stats: &WriterStats) {
    // Whether each id has a profile, as the group's earlier writes leave it.
    let mut present: HashMap<String, bool> = HashMap::new();
    let mut runs: Vec<(bool, Vec<Queued>)> = Vec::new();
    for (change, reply) in group {
        let (id, upsert) = match &change {
            Change::Upsert(p) => (p.id.clone(), true),
            Change::Delete(id) => (id.clone(), false),
        };
        let existed = match present.get(&id) {
            Some(&p) => p,
            None => matcher.index_exists() && matcher.contains(&id).unwrap_or(false),
        };
        present.insert(id, upsert);
        match runs.last_mut() {
            Some((kind, items)) if *kind == upsert => items.push((change, reply, existed)),
            _ => runs.push((upsert, vec![(change, reply, existed)])),
        }
    }
    for (upsert, items) in runs {
        let start = Instant::now();
        let mut replies = Vec::with_capacity(items.len());
        let result = if upsert {
            let mut profiles = Vec::with_capacity(items.len());
            for (change, reply, existed) in items {
                if let Change::Upsert(p) = change {
                    profiles.push(*p);
                }
                replies.push((reply, existed));
            }
            matcher.upsert(&profiles).map(|_| ())
        } else {
            let mut ids = Vec::with_capacity(items.len());
            for (change, reply, existed) in items {
                if let Change::Delete(id) = change {
                    ids.push(id);
                }
                replies.push((reply, existed));
            }
            if matcher.index_exists() {
                matcher.delete(&ids).map(|_| ())
            } else {
                Ok(()) // nothing to delete from
            }
        };
        let n = replies.len() as u64;
        match result {
            Ok(()) => {
                stats.commits.fetch_add(1, Ordering::Relaxed);
                stats.writes.fetch_add(n, Ordering::Relaxed);
                stats
                    .commit_micros
                    .fetch_add(start.elapsed().as_micros() as u64, Ordering::Relaxed);
                *stats.last_commit.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(SystemTime::now());
                for (reply, existed) in replies {
                    let _ = reply.send(Ok(Applied { existed }));
                }
            }
            Err(err) => {
                stats.failed.fetch_add(n, Ordering::Relaxed);
                eprintln!("matcher: commit of {n} write(s) failed: {err}");
                for (reply, _) in replies {
                    let _ = reply.send(Err(ApiError::from_write(&err)));
                }
            }
        }
    }
}
