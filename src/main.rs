//! The `matcher` command line: a thin client of the library.
//!
//! Exit codes: 0 success; 1 partial failure (some inputs rejected, the rest done);
//! 2 usage or fatal error. Errors go to stderr, one line each, naming the file.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use matcher::{DocKind, IndexOptions, IndexReport, Matcher, Parsed, RankOptions, Ranking, Weights};

/// Rank candidate profiles against job descriptions — Chinese, English or mixed.
#[derive(Parser)]
#[command(name = "matcher", version, about, long_about = None)]
struct Cli {
    /// Index directory.
    #[arg(long, global = true, default_value = "index", value_name = "DIR")]
    index: PathBuf,
    /// Whether `--index` was given: only the default index is built from ./corpus on
    /// first use, so a mistyped path is an error rather than a ranking of the demo
    /// profiles.
    #[arg(skip)]
    index_given: bool,
    /// Worker threads (default: number of CPUs).
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,
    /// Feature weights from a TOML file (keys: bm25, required_skills, preferred_skills,
    /// related_skills, title, years, education, location, semantic, semantic_title; and
    /// text_gate, title_bm25).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "bm25_only")]
    weights: Option<PathBuf>,
    /// Rank by BM25 text relevance alone (no fit features, no feedback search).
    #[arg(long, global = true)]
    bm25_only: bool,
    /// A skill taxonomy file that extends or overrides the built-in one (same TSV format).
    #[arg(long, global = true, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
    /// Refuse input files larger than this (bytes, or with a unit: 500k, 20MB, 1GiB).
    #[arg(long, global = true, value_name = "SIZE", default_value = "20MiB", value_parser = parse_size)]
    max_file_size: u64,
    /// Tokens of each profile's (and job's) text the sentence encoder reads for its
    /// vector (0: no vectors, match by words alone).
    #[arg(long, global = true, value_name = "N", default_value_t = matcher::DEFAULT_EMBED_TOKENS)]
    embed_tokens: usize,
    /// Tokens of a job's text the encoder reads (default: 128, or --embed-tokens when
    /// fewer). A query waits on them.
    #[arg(long, global = true, value_name = "N")]
    job_tokens: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a PDF's text (the process that isolates PDF extraction from the rest).
    #[command(name = "__pdf-text", hide = true)]
    PdfText { file: PathBuf },
    /// Build or update the index from profile files and directories.
    Index {
        /// Remove indexed profiles whose file no longer exists.
        #[arg(long)]
        prune: bool,
        /// Delete the existing index and build it from scratch.
        #[arg(long)]
        rebuild: bool,
        /// Profile files or directories (walked recursively).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Rank the indexed profiles against one job description.
    Query {
        #[command(flatten)]
        rank: RankArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
        format: QueryFormat,
        /// Under each result of the table, show why it scored what it did.
        #[arg(long)]
        explain: bool,
        /// The job description file.
        #[arg(value_name = "JOB_FILE")]
        job: PathBuf,
    },
    /// Rank the indexed profiles against many job descriptions (batch).
    Rank {
        #[command(flatten)]
        rank: RankArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RankFormat::Jsonl)]
        format: RankFormat,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Job files or directories (walked recursively).
        #[arg(required = true, value_name = "JOB_PATH")]
        jobs: Vec<PathBuf>,
    },
    /// Measure ranking quality against TREC qrels (MAP, nDCG@10, MRR, P@10, Recall@100):
    /// of matcher itself on a corpus and queries, or of existing TREC run files.
    Eval {
        /// Relevance judgements in TREC qrels format.
        #[arg(long, value_name = "FILE")]
        qrels: PathBuf,
        /// Profiles: a directory of files, or a TSV of `id<TAB>text`.
        #[arg(
            long,
            value_name = "PATH",
            requires = "queries",
            conflicts_with = "run"
        )]
        corpus: Option<PathBuf>,
        /// Jobs: a directory of files, or a TSV of `id<TAB>text`.
        #[arg(long, value_name = "PATH", requires = "corpus")]
        queries: Option<PathBuf>,
        /// Score these TREC run files instead of running matcher.
        #[arg(long, value_name = "FILE", required_unless_present = "corpus")]
        run: Vec<PathBuf>,
        /// Configurations to compare: bm25-only, full, no-feedback, no-phrases, fixed-b,
        /// no-FEATURE (default: bm25-only and full).
        #[arg(long, value_name = "NAME", conflicts_with = "ablation")]
        config: Vec<String>,
        /// Compare bm25-only, full, and full without feedback, without phrases, with a fixed
        /// BM25 b and without each feature in turn.
        #[arg(long)]
        ablation: bool,
        /// Results per query.
        #[arg(long, default_value_t = 100, value_name = "N")]
        top: usize,
        /// BM25 candidates re-scored per query (at least --top; default: 2 × --top, at
        /// least 50).
        #[arg(long, value_name = "N")]
        depth: Option<usize>,
        /// The postings budget of each search, as `query --max-postings` (0: none).
        #[arg(long, value_name = "N")]
        max_postings: Option<u64>,
        /// Write each configuration's run to DIR/NAME.trec.
        #[arg(long, value_name = "DIR")]
        runs_dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
        format: ParseFormat,
    },
    /// Show the index terms the analyzer makes of a text (or of a file with --file).
    Analyze {
        /// Read the text from this file (any format matcher reads) instead.
        #[arg(long, value_name = "FILE", conflicts_with = "text")]
        file: Option<PathBuf>,
        /// The text.
        #[arg(value_name = "TEXT", required_unless_present = "file")]
        text: Option<String>,
    },
    /// Bias audit (NYC Local Law 144 style): scoring and selection rates and impact
    /// ratios by demographic category and intersection, per job and pooled, from a run
    /// file or from jobs ranked now; Markdown or JSON, and with --out a chart.
    Audit {
        /// The ranking to audit: a TREC run or `rank` JSON lines.
        #[arg(
            long,
            value_name = "FILE",
            conflicts_with = "jobs",
            required_unless_present = "jobs"
        )]
        run: Option<PathBuf>,
        /// Demographics CSV: `id` plus category columns (sex, race_ethnicity, …).
        #[arg(long, value_name = "CSV")]
        demographics: PathBuf,
        /// Shortlist size of the selection rates.
        #[arg(long, default_value_t = 10, value_name = "K")]
        shortlist: usize,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = AuditFormat::Markdown)]
        format: AuditFormat,
        /// Also write report.md, report.json and impact-ratios.svg into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Job files or directories to rank now against the index.
        #[arg(value_name = "JOB_PATH")]
        jobs: Vec<PathBuf>,
    },
    /// Run the rankings of an audit log (`--audit-log`) again and say whether each comes
    /// out byte for byte the same, and if not what differs (exit 1).
    Replay {
        /// Replay only the record on this line (1-based).
        #[arg(long, value_name = "N")]
        line: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
        format: ParseFormat,
        /// The audit log file.
        #[arg(value_name = "RECORD_FILE")]
        record: PathBuf,
    },
    /// Serve the engine over HTTP (JSON API at /v1, the recruiter's page at /) until
    /// SIGTERM or Ctrl-C. With no index yet, builds it from ./corpus if there is one.
    #[cfg(feature = "serve")]
    Serve {
        /// Address to listen on (loopback by default; 0 as the port picks a free one).
        #[arg(long, default_value = "127.0.0.1:7700", value_name = "ADDR")]
        addr: std::net::SocketAddr,
        /// A file holding the bearer token that writes need (`Authorization: Bearer …`).
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// With --token-file, reads (matching, listing, metrics) need the token too.
        #[arg(long, requires = "token_file")]
        token_for_reads: bool,
        /// Answer 408 to a request not done in this many seconds.
        #[arg(long, default_value_t = 30, value_name = "SECS")]
        request_timeout: u64,
        /// Allow browser calls from this origin (CORS; repeatable). By default, none.
        #[arg(long, value_name = "ORIGIN")]
        cors_origin: Vec<String>,
        /// No request log on stderr.
        #[arg(long)]
        quiet: bool,
        /// Match by words alone unless a request asks for meaning (`semantic=true`):
        /// several times the throughput, without the cross-language search.
        #[arg(long)]
        no_semantic: bool,
    },
    /// Show what the engine understood of one profile or job file.
    Parse {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
        format: ParseFormat,
        /// Read the file as a profile or a job (default: guessed).
        #[arg(long = "as", value_enum, value_name = "KIND")]
        kind: Option<Kind>,
        /// The file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Ranking options shared by `query` and `rank`.
#[derive(clap::Args)]
struct RankArgs {
    /// How many profiles to show (per job).
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// How many BM25 candidates to re-score with the fit features (at least --top;
    /// default: 2 × --top, at least 50).
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
    /// Search with only the N job terms that weigh most in BM25 (faster on long
    /// postings over big indexes, at some cost in recall; default: all terms).
    #[arg(long, value_name = "N")]
    max_terms: Option<usize>,
    /// Search with the job's heaviest terms whose postings (profiles containing each,
    /// summed) fit in N: bounds a query's cost on big indexes (default: 60000;
    /// 0: no budget, every term).
    #[arg(long, value_name = "N")]
    max_postings: Option<u64>,
    /// Only profiles that show this skill (repeatable; any name or alias of the skill).
    #[arg(long, value_name = "SKILL")]
    require: Vec<String>,
    /// Only profiles with at least this many years of experience.
    #[arg(long, value_name = "N")]
    min_years: Option<f32>,
    /// Leave out profiles that contain this term (repeatable, case-insensitive).
    #[arg(long, value_name = "TERM")]
    exclude: Vec<String>,
    /// Search once, with the job's own words only (by default a second search adds the
    /// words of the first search's best profiles).
    #[arg(long)]
    no_feedback: bool,
    /// Search the job's words only, not also its phrases (pairs of neighbouring words,
    /// matched as written).
    #[arg(long)]
    no_phrases: bool,
    /// Normalise profile length as BM25 usually does (b = 0.75) for every job, not more
    /// for long jobs.
    #[arg(long)]
    fixed_b: bool,
    /// Match by words only: no nearest-neighbour candidates by meaning, no semantic
    /// features.
    #[arg(long)]
    no_semantic: bool,
    /// How many nearest-neighbour candidates (by meaning) join BM25's (default: as many
    /// as --depth).
    #[arg(long, value_name = "N")]
    dense_depth: Option<usize>,
    /// Find those candidates by every profile's exact cosine (by default the vectors'
    /// signs pick the likely nearest first, and only those are scored exactly).
    #[arg(long)]
    exact_dense: bool,
    /// Score meaning with the job's own text vector (by default it is moved toward the
    /// 3 profiles nearest it first: feedback by meaning).
    #[arg(long)]
    no_dense_feedback: bool,
    /// Blind output: no name, contact details, photo, gender, age, birth date,
    /// nationality or marital status, and none of it in any quote, snippet or term
    /// (scores are the same).
    #[arg(long)]
    blind: bool,
    /// Append a record of each ranking (job hash, index commit, configuration, options,
    /// ids, scores and feature contributions; no résumé text) to this JSONL file.
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,
}

impl RankArgs {
    fn options(&self, bm25_only: bool) -> RankOptions {
        RankOptions {
            feedback: (!self.no_feedback && !bm25_only).then(matcher::Feedback::default),
            phrases: !self.no_phrases && !bm25_only,
            adaptive_b: !self.fixed_b && !bm25_only,
            semantic: !self.no_semantic && !bm25_only,
            dense_depth: self.dense_depth,
            dense_exact: self.exact_dense,
            dense_feedback: (!self.no_dense_feedback && !bm25_only)
                .then(matcher::DenseFeedback::default),
            top: self.top,
            depth: self.depth,
            max_terms: self.max_terms,
            max_postings: postings_budget(self.max_postings),
            require: self.require.clone(),
            min_years: self.min_years,
            exclude: self.exclude.clone(),
            weights: None,
            details: true,
            explain: true,
            blind: self.blind,
        }
    }
}

/// `--max-postings`: the default budget if not given, none if 0.
fn postings_budget(arg: Option<u64>) -> Option<u64> {
    match arg {
        Some(0) => None,
        Some(n) => Some(n),
        None => RankOptions::default().max_postings,
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum QueryFormat {
    Table,
    Json,
    Trec,
}

#[derive(Clone, Copy, ValueEnum)]
enum RankFormat {
    Jsonl,
    Trec,
}

#[derive(Clone, Copy, ValueEnum)]
enum AuditFormat {
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ParseFormat {
    Json,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Profile,
    Job,
}

/// How a command ended when it did not fail outright.
enum Outcome {
    Done,
    Partial,
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.index_given = matches.value_source("index") == Some(ValueSource::CommandLine);
    if let Command::PdfText { file } = &cli.command {
        return pdf_text(file, cli.max_file_size);
    }
    match run(cli) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("matcher: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// "20MiB", "500k", "1GB", "1048576" → bytes. Units are powers of 1024 (k = KiB).
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 20MB, 500k)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use k, MB or GB)")),
    };
    Ok((number * scale as f64) as u64)
}

/// The `__pdf-text` helper: text on stdout and exit 0, or the reason on stderr and
/// exit 3. Whatever the PDF does to this process, the parent sees only an exit status.
fn pdf_text(file: &Path, max_bytes: u64) -> ExitCode {
    let read = std::fs::metadata(file)
        .map_err(|e| format!("cannot read: {e}"))
        .and_then(|m| {
            if m.len() > max_bytes {
                Err(format!(
                    "file is {} bytes, over the {max_bytes} byte limit",
                    m.len()
                ))
            } else {
                std::fs::read(file).map_err(|e| format!("cannot read: {e}"))
            }
        });
    match read.and_then(|bytes| matcher::pdf_text(&bytes)) {
        Ok(text) => match io::stdout().lock().write_all(text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(2),
        },
        Err(reason) => {
            eprintln!("{reason}");
            ExitCode::from(3)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let mut builder = Matcher::builder()
        .index_dir(&cli.index)
        .max_file_bytes(cli.max_file_size)
        .embed_tokens(cli.embed_tokens);
    if let Some(n) = cli.job_tokens {
        builder = builder.job_tokens(n);
    }
    // PDFs are read in a child process of this same binary, so one that crashes or
    // hangs the PDF reader costs only that file.
    if let Ok(exe) = std::env::current_exe() {
        builder = builder.pdf_helper(exe);
    }
    if let Some(n) = cli.threads {
        builder = builder.threads(n);
    }
    // Read once: the engine ranks with them, and `eval` starts its configurations from them.
    let weights = cli.weights.as_deref().map(Weights::from_file).transpose()?;
    if let Some(w) = &weights {
        builder = builder.weights(w.clone());
    }
    if cli.bm25_only {
        builder = builder.weights(Weights::bm25_only());
    }
    if let Some(path) = &cli.taxonomy {
        builder = builder.taxonomy_file(path);
    }
    // The server owns its index: it keeps one writer, so a commit is all a write costs.
    if matches!(cli.command, Command::Serve { .. }) {
        builder = builder.keep_writer(true);
    }
    if let Command::Query { rank, .. } | Command::Rank { rank, .. } = &cli.command
        && let Some(path) = &rank.audit_log
    {
        builder = builder.audit_log(path);
    }
    // `eval` builds the same engine over a scratch index.
    let engine = builder.clone();
    let matcher = builder.build()?;
    let bm25_only = cli.bm25_only;
    match cli.command {
        Command::PdfText { .. } => unreachable!("handled before the engine is built"),
        Command::Index {
            prune,
            rebuild,
            paths,
        } => {
            let report = matcher.index(&paths, &IndexOptions { prune, rebuild })?;
            print_report(&report);
            Ok(if report.failed() > 0 {
                Outcome::Partial
            } else {
                Outcome::Done
            })
        }
        Command::Query {
            rank,
            format,
            explain,
            job,
        } => {
            ensure_index(&matcher, !cli.index_given)?;
            matcher.require_index()?;
            let job = matcher.read_job(&job)?;
            let options = RankOptions {
                details: !matches!(format, QueryFormat::Trec),
                explain: !matches!(format, QueryFormat::Trec),
                ..rank.options(bm25_only)
            };
            let ranking = matcher.rank(&job, &options)?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                QueryFormat::Table if explain => matcher::write_explained(&mut out, &ranking)?,
                QueryFormat::Table => matcher::write_table(&mut out, &ranking)?,
                QueryFormat::Json => matcher::write_json(&mut out, &ranking)?,
                QueryFormat::Trec => matcher::write_trec(&mut out, &ranking)?,
            }
            out.flush()?;
            Ok(Outcome::Done)
        }
        Command::Rank {
            rank,
            format,
            out,
            jobs,
        } => {
            ensure_index(&matcher, !cli.index_given)?;
            matcher.require_index()?;
            let (jobs, errors) = matcher.read_jobs(&jobs);
            for e in &errors {
                eprintln!("matcher: {e}");
            }
            let mut sink: Box<dyn Write> = match &out {
                Some(path) => Box::new(BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("creating {}", path.display()))?,
                )),
                None => Box::new(BufWriter::new(io::stdout().lock())),
            };
            let mut failed = errors.len();
            // A progress bar on a terminal's stderr; none when stderr is not a terminal.
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(jobs.len() as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} jobs, {per_sec}, eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            let mut write_error: Option<io::Error> = None;
            let options = RankOptions {
                // A TREC run shows neither matched terms nor snippets, nor why.
                details: !matches!(format, RankFormat::Trec),
                explain: !matches!(format, RankFormat::Trec),
                ..rank.options(bm25_only)
            };
            matcher.rank_streaming(&jobs, &options, |job, ranking| {
                bar.inc(1);
                let written = match ranking {
                    // Flushed per job: a consumer downstream sees each job as it finishes.
                    Ok(ranking) => bar.suspend(|| {
                        write_ranking(&mut sink, &ranking, format).and_then(|()| sink.flush())
                    }),
                    Err(e) => {
                        failed += 1;
                        bar.suspend(|| eprintln!("matcher: job {}: {e}", job.id));
                        Ok(())
                    }
                };
                match written {
                    Ok(()) => true,
                    Err(e) => {
                        write_error = Some(e);
                        false
                    }
                }
            });
            bar.finish_and_clear();
            if let Some(e) = write_error {
                return Err(e.into());
            }
            sink.flush()?;
            // The process ends here, and the engine holds no writer (only `serve` keeps
            // one): what it kept of thousands of candidates need not be freed one
            // allocation at a time (the last 30 ms of a batch at 10k).
            std::mem::forget(matcher);
            Ok(if failed > 0 {
                Outcome::Partial
            } else {
                Outcome::Done
            })
        }
        Command::Eval {
            qrels,
            corpus,
            queries,
            run,
            config,
            ablation,
            top,
            depth,
            max_postings,
            runs_dir,
            format,
        } => {
            let qrels = matcher::Qrels::read(&qrels)?;
            let rows: Vec<matcher::EvalRow> = match (corpus, queries) {
                (Some(corpus), Some(queries)) => {
                    // `--weights` are what `full` and the ablations start from.
                    let base = weights.clone().unwrap_or_default();
                    let configs = if ablation {
                        matcher::Config::ablation(&base)
                    } else if config.is_empty() {
                        vec![
                            matcher::Config::named("bm25-only", &base)?,
                            matcher::Config::named("full", &base)?,
                        ]
                    } else {
                        config
                            .iter()
                            .map(|c| matcher::Config::named(c, &base))
                            .collect::<Result<_, _>>()?
                    };
                    let options = matcher::EvalOptions {
                        top,
                        depth,
                        max_postings: postings_budget(max_postings),
                        runs_dir,
                        engine,
                    };
                    matcher::evaluate_collection(&corpus, &queries, &qrels, &configs, &options)?
                }
                _ => run
                    .iter()
                    .map(|path| {
                        let r = matcher::Run::read(path)?;
                        Ok(matcher::EvalRow {
                            config: path.display().to_string(),
                            metrics: matcher::evaluate(&qrels, &r),
                        })
                    })
                    .collect::<Result<_, matcher::Error>>()?,
            };
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                ParseFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &rows)?;
                    writeln!(out)?;
                }
                ParseFormat::Text => {
                    let width = rows
                        .iter()
                        .map(|r| r.config.chars().count())
                        .max()
                        .unwrap_or(6)
                        .max(6);
                    writeln!(
                        out,
                        "{:<width$}  {:>6}  {:>7}  {:>6}  {:>6}  {:>6}  queries",
                        "config", "MAP", "nDCG@10", "MRR", "P@10", "R@100"
                    )?;
                    for r in &rows {
                        let m = &r.metrics;
                        writeln!(
                            out,
                            "{:<width$}  {:>6.4}  {:>7.4}  {:>6.4}  {:>6.4}  {:>6.4}  {}",
                            r.config,
                            m.map,
                            m.ndcg_at_10,
                            m.mrr,
                            m.p_at_10,
                            m.recall_at_100,
                            m.queries
                        )?;
                    }
                }
            }
            out.flush()?;
            Ok(Outcome::Done)
        }
        Command::Analyze { file, text } => {
            let text = match file {
                Some(path) => matcher::read_text(&path)?.text,
                None => text.unwrap_or_default(),
            };
            let mut out = BufWriter::new(io::stdout().lock());
            let mut result = Ok(());
            matcher.analyzer().for_each_term(&text, |term, range| {
                if result.is_ok() {
                    result = writeln!(out, "{term}\t{}", &text[range]);
                }
            });
            result?;
            out.flush()?;
            Ok(Outcome::Done)
        }
        Command::Audit {
            run,
            demographics,
            shortlist,
            format,
            out,
            jobs,
        } => {
            let source = match run {
                Some(path) => matcher::AuditSource::Run(path),
                None => {
                    ensure_index(&matcher, !cli.index_given)?;
                    matcher.require_index()?;
                    matcher::AuditSource::Jobs(jobs)
                }
            };
            let options = matcher::AuditOptions {
                demographics,
                shortlist,
            };
            let report = matcher::audit(&matcher, &source, &options)?;
            if let Some(dir) = out {
                for path in matcher::write_report_files(&report, &dir)? {
                    eprintln!("matcher: wrote {}", path.display());
                }
            }
            let mut stdout = BufWriter::new(io::stdout().lock());
            match format {
                AuditFormat::Markdown => matcher::write_markdown(&mut stdout, &report)?,
                AuditFormat::Json => {
                    serde_json::to_writer_pretty(&mut stdout, &report)?;
                    writeln!(stdout)?;
                }
            }
            stdout.flush()?;
            Ok(Outcome::Done)
        }
        Command::Replay {
            line,
            format,
            record,
        } => {
            let replays = matcher::replay_file(&engine, &record, line)?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                ParseFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &replays)?;
                    writeln!(out)?;
                }
                ParseFormat::Text => matcher::write_replays(&mut out, &replays)?,
            }
            out.flush()?;
            Ok(if replays.iter().all(|r| r.reproduced) {
                Outcome::Done
            } else {
                Outcome::Partial
            })
        }
        #[cfg(feature = "serve")]
        Command::Serve {
            addr,
            token_file,
            token_for_reads,
            request_timeout,
            cors_origin,
            quiet,
            no_semantic,
        } => {
            let token = token_file
                .map(|path| {
                    let token = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading token file {}", path.display()))?;
                    let token = token.trim().to_string();
                    anyhow::ensure!(
                        !token.is_empty(),
                        "{}: the token file is empty",
                        path.display()
                    );
                    Ok(token)
                })
                .transpose()?;
            ensure_index(&matcher, !cli.index_given)?;
            let options = matcher::ServeOptions {
                addr,
                token,
                token_for_reads,
                max_body_bytes: cli.max_file_size,
                request_timeout: std::time::Duration::from_secs(request_timeout.max(1)),
                cors_origins: cors_origin,
                log: !quiet,
                index_dir: cli.index.clone(),
                semantic: !no_semantic,
            };
            matcher::serve(matcher, options)?;
            Ok(Outcome::Done)
        }
        Command::Parse { format, kind, file } => {
            let kind = kind.map(|k| match k {
                Kind::Profile => DocKind::Profile,
                Kind::Job => DocKind::Job,
            });
            let parsed = matcher.parse_file(&file, kind)?;
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                ParseFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &parsed)?;
                    writeln!(out)?;
                }
                ParseFormat::Text => print_parsed(&mut out, &parsed, matcher.lexicon())?,
            }
            out.flush()?;
            Ok(Outcome::Done)
        }
    }
}

fn write_ranking(w: &mut dyn Write, ranking: &Ranking, format: RankFormat) -> io::Result<()> {
    match format {
        RankFormat::Jsonl => matcher::write_jsonl(w, ranking),
        RankFormat::Trec => matcher::write_trec(w, ranking),
    }
}

/// `query` and `rank` on a fresh clone: build the default index from the bundled corpus
/// first. An index named with `--index` is never built behind the user's back: ranking
/// then reports that it is missing and how to build it.
fn ensure_index(matcher: &Matcher, default_index: bool) -> anyhow::Result<()> {
    if matcher.index_exists() || !default_index {
        return Ok(());
    }
    let corpus = Path::new("corpus");
    if !corpus.is_dir() {
        return Ok(()); // the caller reports the missing index with how to build one
    }
    let profiles = corpus.join("profiles");
    let source = if profiles.is_dir() {
        profiles
    } else {
        corpus.to_path_buf()
    };
    eprintln!(
        "matcher: no index at {}; building it from {} first",
        matcher.index_dir().display(),
        source.display()
    );
    let report = matcher.index(&[source], &IndexOptions::default())?;
    for e in &report.failures {
        eprintln!("matcher: {e}");
    }
    eprintln!("matcher: {}", summary(&report));
    Ok(())
}

fn summary(r: &IndexReport) -> String {
    format!(
        "indexed {}, updated {}, skipped {}, failed {}{}{} in {:.2}s",
        r.indexed,
        r.updated,
        r.skipped,
        r.failed(),
        if r.pruned > 0 {
            format!(", pruned {}", r.pruned)
        } else {
            String::new()
        },
        if r.ignored > 0 {
            format!(", ignored {} files of other types", r.ignored)
        } else {
            String::new()
        },
        r.elapsed.as_secs_f64()
    )
}

fn print_report(report: &IndexReport) {
    for e in &report.failures {
        eprintln!("matcher: {e}");
    }
    println!("{}", summary(report));
    if io::stderr().is_terminal() && report.failed() > 0 {
        eprintln!(
            "matcher: {} file(s) could not be indexed; the others were",
            report.failed()
        );
    }
}

fn print_parsed(w: &mut dyn Write, parsed: &Parsed, lexicon: &matcher::Lexicon) -> io::Result<()> {
    let skills = |list: &[matcher::SkillEvidence]| {
        list.iter()
            .map(|s| format!("{} «{}»", s.skill, s.text))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let occupations = |o: &matcher::Occupations| {
        let top = lexicon.occupations().describe(o, 3);
        if top.is_empty() {
            return "-".to_string();
        }
        top.iter()
            .map(|(name, share)| format!("{name} ({share:.2})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match parsed {
        Parsed::Profile(p) => {
            writeln!(w, "kind:      profile")?;
            writeln!(w, "id:        {}", p.id)?;
            writeln!(w, "format:    {:?}, {}", p.format, p.encoding)?;
            writeln!(w, "headline:  {}", p.headline.as_deref().unwrap_or("-"))?;
            match (p.years_of_experience, p.years_source) {
                (Some(y), Some(src)) => writeln!(w, "years:     {y} ({src})")?,
                _ => writeln!(w, "years:     -")?,
            }
            writeln!(w, "education: {}", p.education.map_or("-", |e| e.label()))?;
            writeln!(w, "titles:    {}", p.titles.join(", "))?;
            writeln!(w, "occupation: {}", occupations(&p.occupations))?;
            for pos in &p.positions {
                writeln!(
                    w,
                    "  {} – {}  {}",
                    pos.from,
                    pos.to.as_deref().unwrap_or("now"),
                    pos.title
                )?;
            }
            writeln!(w, "location:  {}", p.location.as_deref().unwrap_or("-"))?;
            writeln!(w, "languages: {}", p.languages.join(", "))?;
            writeln!(w, "certified: {}", p.certifications.join(" | "))?;
            writeln!(w, "skills:    {}", skills(&p.skills))?;
            writeln!(w, "personal (never used for ranking):")?;
            writeln!(
                w,
                "  name:    {}",
                p.personal.name.as_deref().unwrap_or("-")
            )?;
            writeln!(w, "  emails:  {}", p.personal.emails.join(", "))?;
            writeln!(w, "  phones:  {}", p.personal.phones.join(", "))?;
            writeln!(w, "  other:   {}", p.personal.attributes.join(", "))?;
            writeln!(w, "snippet:   {}", p.snippet(200))?;
        }
        Parsed::Job(j) => {
            writeln!(w, "kind:      job")?;
            writeln!(w, "id:        {}", j.id)?;
            writeln!(w, "format:    {:?}, {}", j.format, j.encoding)?;
            writeln!(w, "title:     {}", j.title)?;
            writeln!(
                w,
                "min years: {}",
                j.min_years.map_or("-".to_string(), |y| y.to_string())
            )?;
            writeln!(w, "education: {}", j.education.map_or("-", |e| e.label()))?;
            writeln!(w, "titles:    {}", j.titles.join(", "))?;
            writeln!(w, "occupation: {}", occupations(&j.occupations))?;
            writeln!(w, "location:  {}", j.location.as_deref().unwrap_or("-"))?;
            writeln!(w, "required:  {}", skills(&j.required_skills))?;
            writeln!(w, "preferred: {}", skills(&j.preferred_skills))?;
        }
    }
    Ok(())
}
