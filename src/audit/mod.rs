//! Audit: what an auditor and a reviewer need downstream of ranking — a record of every
//! ranking and its replay, and bias reports over rankings with demographics held apart.
//!
//! Nothing here is consulted by ranking: the log is written after a ranking is made
//! ([`log`]), replay ranks again through the public engine ([`replay`]), and the bias
//! report reads rankings (run files, or rankings made for it) and a demographics file
//! that never enters the index ([`report`]).

mod bias;
mod chart;
mod demographics;
mod log;
mod replay;
mod report;

pub use bias::{AuditOptions, AuditSource, audit, write_report_files};
pub use chart::impact_ratio_svg;
pub use demographics::Demographics;
pub use log::{
    AuditRecord, Fingerprint, IndexRecord, JobRecord, OptionsRecord, ResultRecord,
    config_fingerprint, read_records,
};
pub use replay::{Replay, replay, replay_file, write_replays};
pub use report::{
    BiasReport, CategoryRow, FOUR_FIFTHS, JobScores, SMALL_SHARE, SampleReport, Table, bias_report,
    read_run, write_markdown,
};

#[cfg(feature = "serve")]
pub(crate) use log::rfc3339;
pub(crate) use log::{AuditLog, commit_id, fingerprint_of, lexicon_digests};
