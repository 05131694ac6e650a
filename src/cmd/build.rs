//! `bantin build`: builds the site and reports what happened.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressStyle};

use crate::build::{self as pipeline, BuildOptions};
use crate::diag::Diagnostic;

/// How chatty the command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Arguments of `bantin build`.
#[derive(Debug, Clone)]
pub struct BuildArgs {
    pub root: PathBuf,
    pub out: Option<PathBuf>,
    pub drafts: bool,
    pub future: bool,
    pub verbosity: Verbosity,
    /// Print the time spent in each stage.
    pub timings: bool,
    /// Ignore the build cache.
    pub clean: bool,
    /// The memory budget in bytes (`--max-memory`).
    pub max_memory: Option<u64>,
}

static BAR: OnceLock<ProgressBar> = OnceLock::new();

fn progress(done: usize, total: usize) {
    let bar = BAR.get_or_init(|| {
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} pages") {
            bar.set_style(style);
        }
        bar
    });
    bar.set_position(done as u64);
    if done == total {
        bar.finish_and_clear();
    }
}

/// Runs the build; returns the process exit code (0 success, 1 errors in the site). Long
/// because it prints each part of the report (warnings, notes, timings, summary) in turn.
pub fn run(args: &BuildArgs) -> i32 {
    let show_progress = args.verbosity != Verbosity::Quiet && std::io::stderr().is_terminal();
    let opts = BuildOptions {
        root: args.root.clone(),
        out: args.out.clone(),
        drafts: args.drafts,
        future: args.future,
        progress: show_progress.then_some(progress as fn(usize, usize)),
        live_reload: false,
        clean: args.clean,
        ends_process: true,
        on_publish: None,
        expect_changes: false,
        max_memory: args.max_memory,
    };
    match pipeline::build(&opts) {
        Ok(report) => {
            if args.verbosity != Verbosity::Quiet {
                print_warnings(&report.warnings, args.verbosity);
                if report.drafts_skipped > 0 {
                    eprintln!(
                        "note: {} draft(s) left out; use --drafts to include them",
                        report.drafts_skipped
                    );
                }
                if !report.future_skipped.is_empty() {
                    eprintln!(
                        "note: {} bulletin(s) dated in the future left out; use --future to include them",
                        report.future_skipped.len()
                    );
                }
                if let Some(due) = &report.next_due {
                    eprintln!(
                        "note: the next scheduled bulletin is due at {due}: build again then \
                         (a cron job or a scheduled CI run; see the README)"
                    );
                }
                if args.verbosity == Verbosity::Verbose {
                    for p in &report.future_skipped {
                        eprintln!("  {}", p.display());
                    }
                }
                if args.timings {
                    let width =
                        report.timings.stages.iter().map(|(s, _, _)| s.chars().count()).max().unwrap_or(0);
                    let width = width.max(24);
                    eprintln!("{:>width$}  {:>9}  {:>13}", "stage", "time", "peak memory");
                    for (stage, d, peak) in &report.timings.stages {
                        let peak = peak.map(|b| format!("{:.0} MB", b as f64 / 1e6)).unwrap_or_default();
                        eprintln!("{:>width$}  {:>6.1} ms  {:>13}", stage, d.as_secs_f64() * 1000.0, peak);
                    }
                }
                if report.rendered == 0 && report.files == 0 {
                    println!(
                        "Built {} bulletins, {} pages: nothing changed since the last build ({:.2}s) → {}",
                        report.bulletins,
                        report.pages,
                        report.elapsed.as_secs_f64(),
                        report.out.display()
                    );
                } else {
                    println!(
                        "Built {} bulletins, {} pages ({} rendered; {} photos, {} made; {} files written, {}) in {:.2}s → {}",
                        report.bulletins,
                        report.pages,
                        report.rendered,
                        report.photos,
                        report.photos_made,
                        report.files,
                        human_bytes(report.bytes),
                        report.elapsed.as_secs_f64(),
                        report.out.display()
                    );
                }
            }
            0
        }
        Err(failure) => {
            if args.verbosity != Verbosity::Quiet {
                print_warnings(&failure.warnings, args.verbosity);
            }
            crate::diag::print_all(&failure.errors);
            eprintln!(
                "error: the build failed with {} error(s); the published site was not changed",
                failure.errors.len()
            );
            1
        }
    }
}

/// Warnings shown before the rest are summarised (all of them with `--verbose`).
const SHOWN_WARNINGS: usize = 10;

fn print_warnings(warnings: &[Diagnostic], verbosity: Verbosity) {
    if verbosity == Verbosity::Verbose || warnings.len() <= SHOWN_WARNINGS * 2 {
        crate::diag::print_all(warnings);
        return;
    }
    let mut sorted: Vec<&Diagnostic> = warnings.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    for d in &sorted[..SHOWN_WARNINGS] {
        eprintln!("{d}");
    }
    eprintln!(
        "note: {} more warning(s) not shown; run with --verbose to see all {}",
        warnings.len() - SHOWN_WARNINGS,
        warnings.len()
    );
}

fn human_bytes(b: u64) -> String {
    const KB: f64 = 1024.0;
    let b = b as f64;
    if b < KB * KB { format!("{:.1} KB", b / KB) } else { format!("{:.1} MB", b / KB / KB) }
}
