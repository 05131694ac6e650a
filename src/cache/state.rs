//! The cache's record of the last build: its keys, and what it knew of each source file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

/// What the last build knew of one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStat {
    pub path: PathBuf,
    pub len: u64,
    /// Nanoseconds since the epoch; `None` when the file changed too recently for its time
    /// and size to be trusted next time (it is read again).
    pub mtime: Option<i64>,
    pub hash: u64,
}

/// The last build's keys and sources.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    /// Binary, time zone and `unsafe_html`: what parsing and Markdown depend on.
    pub parse_key: u64,
    /// Everything the output depends on; equal keys mean nothing to do. `None` when an input
    /// changed too recently to be known unchanged next time.
    pub input_key: Option<u64>,
    /// The earliest date of a bulletin left out for being in the future: once that time has
    /// come, the same input gives a different site.
    pub horizon: Option<i64>,
    /// When the first scheduled bulletin is due, as the build reported it.
    pub next_due: Option<i64>,
    pub sources: Vec<SourceStat>,
    /// The published directory this state describes.
    pub out_id: Option<(u64, u64)>,
    /// What the build reported, repeated when nothing changed.
    pub bulletins: usize,
    pub pages: usize,
    pub photos: usize,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}
