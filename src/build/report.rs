//! What a build tells its caller: the report of a build that published, the failure of one
//! that did not, and the time each stage took.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diag::Diagnostic;

/// Wall time spent in each stage of a build, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Each stage's name, its time, and the process's peak memory (resident set) at its end,
    /// where the system tells it.
    pub stages: Vec<(&'static str, Duration, Option<u64>)>,
    last: Option<Instant>,
}

impl Timings {
    pub(super) fn start() -> Timings {
        Timings { stages: Vec::new(), last: Some(Instant::now()) }
    }

    /// Ends the current stage, naming it.
    pub(super) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.stages.push((stage, now - last, peak_rss()));
        }
        self.last = Some(now);
    }
}

/// The peak resident set size of this process so far, in bytes (Linux only).
pub fn peak_rss() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// The resident set size of this process now, in bytes (Linux only).
pub fn current_rss() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// A size in `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.trim_start_matches(field).trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out: PathBuf,
    pub bulletins: usize,
    pub pages: usize,
    /// Pages rendered (the others were unchanged since the last build).
    pub rendered: usize,
    /// Files new or changed in the published site (and their bytes).
    pub files: u64,
    pub bytes: u64,
    /// Photos published, and those whose variants this build made (decoded and encoded): the
    /// others came from the photo store or the published site.
    pub photos: usize,
    pub photos_made: usize,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    /// When the first scheduled bulletin is due, in the site's time zone (RFC 3339): the site
    /// changes then, so build again at that time.
    pub next_due: Option<String>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub timings: Timings,
}

/// What a build made, counted.
pub(super) struct Counts {
    pub pages: usize,
    pub rendered: usize,
    pub files: u64,
    pub bytes: u64,
    pub photos: usize,
    pub photos_made: usize,
}

impl BuildReport {
    /// The report of a build of `site` that published.
    pub(super) fn of(
        out: PathBuf,
        site: &mut super::LoadedSite,
        counts: Counts,
        warnings: Vec<Diagnostic>,
        started: Instant,
        timings: Timings,
    ) -> BuildReport {
        BuildReport {
            out,
            bulletins: site.archive.entries.len(),
            pages: counts.pages,
            rendered: counts.rendered,
            files: counts.files,
            bytes: counts.bytes,
            photos: counts.photos,
            photos_made: counts.photos_made,
            drafts_skipped: site.drafts_skipped,
            future_skipped: std::mem::take(&mut site.future_skipped),
            next_due: site.horizon.map(|t| due_time(t, &site.tz)),
            warnings,
            elapsed: started.elapsed(),
            timings,
        }
    }
}

/// Everything a failed build found wrong (all of it, not just the first problem).
#[derive(Debug, Clone)]
pub struct BuildFailure {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl From<Vec<Diagnostic>> for BuildFailure {
    fn from(errors: Vec<Diagnostic>) -> Self {
        BuildFailure { errors, warnings: Vec::new() }
    }
}

impl From<Diagnostic> for BuildFailure {
    fn from(error: Diagnostic) -> Self {
        BuildFailure { errors: vec![error], warnings: Vec::new() }
    }
}

/// An I/O failure as a build error: what was being done, and why it failed.
pub(super) fn io_error(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("{what}: {e}"))
}

/// A due time (seconds) as the site's time zone reads it, e.g. `2026-12-05T08:00:00+07:00`.
pub(super) fn due_time(seconds: i64, tz: &jiff::tz::TimeZone) -> String {
    match jiff::Timestamp::from_second(seconds) {
        Ok(t) => t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => seconds.to_string(),
    }
}
