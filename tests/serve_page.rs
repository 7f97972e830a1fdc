//! The recruiter's page, in a real browser: Debian's chromium, driven over WebDriver
//! (chromedriver) against the real `matcher serve` on loopback.
//!
//! Properties checked:
//! 1. Dropping the two seed résumés (their fake-contact copies in corpus/profiles) shows
//!    a row per file that ends "added", and a file that is not a résumé gets its own
//!    error row while the others go through.
//! 2. A pasted job ranks the seed written for it first, with its score bar, a quoted
//!    evidence line and the features' contributions, read off the page.
//! 3. The candidate's name is on the page; after ticking blind mode it is not (neither
//!    in the results nor anywhere in the page's text).
//! 4. The page's own words switch between English and Chinese.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver: `scripts/setup/serve.sh` installs
//! them. Without them the test fails saying so. It saves docs/serve-page.png.

mod serve_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serve_support::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_driver() -> (Driver, u16) {
    for tool in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(tool).is_file(),
            "{tool} is missing: run scripts/setup/serve.sh (installs Debian's chromium and chromium-driver)"
        );
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver (scripts/setup/serve.sh installs it)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (Driver(child), port)
}

/// Poll `f` until it gives `Some`, for up to 30 s.
async fn wait_for<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn recruiter_uploads_ranks_and_goes_blind_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    // An empty index: the page's uploads are all it holds, with a few corpus profiles
    // uploaded over the API as competition.
    let server = Server::start(dir.path(), &dir.path().join("index"), &[]);
    for name in [
        "zh-im-backend-junior.md",
        "en-cloud-engineer-aws.md",
        "en-data-analyst-junior.md",
    ] {
        let body = std::fs::read(root.join("corpus/profiles").join(name)).unwrap();
        let id = name.trim_end_matches(".md");
        assert_eq!(put(&server, id, "text/markdown", &body).status, 201);
    }
    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400", "--lang=en-US",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let caps = caps.as_object().unwrap().clone().into_iter().collect();
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connecting to chromedriver");
    let result = run(&client, &server, &root, dir.path()).await;
    let _ = client.close().await;
    result.unwrap();
}

async fn run(
    c: &fantoccini::Client,
    server: &Server,
    root: &Path,
    scratch: &Path,
) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&server.url("/")).await?;
    // 4. Both languages.
    let title = c
        .find(Locator::Css("[data-i18n=resumes]"))
        .await?
        .text()
        .await?;
    c.find(Locator::Id("lang")).await?.click().await?;
    let zh = c
        .find(Locator::Css("[data-i18n=resumes]"))
        .await?
        .text()
        .await?;
    assert_ne!(title, zh);
    assert_eq!(zh, "简历");
    c.find(Locator::Id("lang")).await?.click().await?;
    assert_eq!(
        c.find(Locator::Css("[data-i18n=resumes]"))
            .await?
            .text()
            .await?,
        "Résumés"
    );

    // 1. Drop the two seeds and a file that is no résumé.
    let bad = scratch.join("broken.pdf");
    std::fs::write(&bad, b"%PDF-1.4 this is not a PDF").unwrap();
    let files = [
        root.join("corpus/profiles/zh-im-platform-lead.html"),
        root.join("corpus/profiles/en-cloud-iot-architect.md"),
        bad,
    ];
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    c.find(Locator::Id("files"))
        .await?
        .send_keys(&paths.join("\n"))
        .await?;
    let rows = wait_for("three finished upload rows", || async {
        let rows = c
            .find_all(Locator::Css("#uploads li.done, #uploads li.failed"))
            .await
            .ok()?;
        (rows.len() == 3).then_some(rows)
    })
    .await;
    let mut texts = Vec::new();
    for r in rows {
        texts.push((r.attr("class").await?.unwrap_or_default(), r.text().await?));
    }
    let done = texts.iter().filter(|(c, _)| c == "done").count();
    assert_eq!(done, 2, "{texts:?}");
    let failed = texts
        .iter()
        .find(|(c, _)| c == "failed")
        .expect("an error row");
    assert!(
        failed.1.contains("broken.pdf") && failed.1.contains("400"),
        "{failed:?}"
    );
    assert!(
        texts
            .iter()
            .any(|(_, t)| t.contains("zh-im-platform-lead") && t.contains("added")),
        "{texts:?}"
    );

    // 2. Paste the job and rank.
    let job = std::fs::read_to_string(root.join("corpus/jobs/zh-im-backend-lead.md")).unwrap();
    let area = c.find(Locator::Id("job")).await?;
    // Typed as the page's own script would receive a paste (send_keys of a long CJK text
    // is slow and lossy in chromedriver).
    c.execute(
        "document.getElementById('job').value = arguments[0];",
        vec![serde_json::Value::String(job)],
    )
    .await?;
    drop(area);
    c.find(Locator::Id("rank")).await?.click().await?;
    let first = wait_for("the ranking", || async {
        c.find(Locator::Css("#results .result")).await.ok()
    })
    .await;
    assert_eq!(
        first.attr("data-id").await?.as_deref(),
        Some("zh-im-platform-lead")
    );
    let name = first.find(Locator::Css(".name")).await?.text().await?;
    assert_eq!(name, "张示例", "the seed's (fake) name is shown");
    let quote = first.find(Locator::Css(".quote")).await?.text().await?;
    assert!(
        quote.len() > 6 && quote.starts_with('“'),
        "an evidence quote: {quote}"
    );
    let score = first.find(Locator::Css(".score")).await?.text().await?;
    assert!(score.starts_with("score "), "{score}");
    let features = first.find_all(Locator::Css("table.features tr")).await?;
    assert!(features.len() >= 3, "feature contributions shown");
    let shot = c.screenshot().await?;
    std::fs::write(root.join("docs/serve-page.png"), shot).unwrap();

    // 3. Blind mode: the name is gone from the whole page.
    let body = c.find(Locator::Css("body")).await?.text().await?;
    assert!(body.contains("张示例"));
    c.find(Locator::Id("blind")).await?.click().await?;
    wait_for("the blind ranking", || async {
        let t = c
            .find(Locator::Css("#results .result .name"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (t != "张示例").then_some(())
    })
    .await;
    let body = c.find(Locator::Css("body")).await?.text().await?;
    assert!(
        !body.contains("张示例"),
        "the name is still on the page in blind mode"
    );
    assert!(!body.contains("Alex Sample"));
    let first = c.find(Locator::Css("#results .result")).await?;
    assert_eq!(
        first.attr("data-id").await?.as_deref(),
        Some("zh-im-platform-lead"),
        "blind changes no rank"
    );
    Ok(())
}
