//! `bantin import PATH...`: turns existing material into bulletins under content/ and says
//! how many were imported, how many were skipped and why, and where they went.

use std::path::PathBuf;

use crate::config::Config;
use crate::import::{self, ImportOptions};

/// Arguments of `bantin import`.
#[derive(Debug, Clone)]
pub struct ImportArgs {
    pub root: PathBuf,
    pub paths: Vec<PathBuf>,
    pub default_date: Option<String>,
    pub verbose: bool,
}

/// Runs the import; returns the exit code (1 when nothing could be imported).
pub fn run(args: &ImportArgs) -> i32 {
    let config = match Config::load(&args.root) {
        Ok(c) => c,
        Err(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            return 1;
        }
    };
    let tz = match config.zone() {
        Ok(tz) => tz,
        Err(d) => {
            eprintln!("{d}");
            return 1;
        }
    };
    if let Some(d) = &args.default_date
        && let Err(e) = crate::content::parse_date(d, &tz)
    {
        eprintln!("error: --default-date: {e}\n  = help: write it as 2020-01 or 2020-01-06");
        return 2;
    }
    let opts = ImportOptions { default_date: args.default_date.clone(), config: config.clone() };
    let report = import::import(&args.root, &args.paths, &opts, &tz);
    if args.verbose {
        for p in &report.written {
            println!("  wrote {}", p.display());
        }
    }
    let mut dirs: Vec<String> =
        report.written.iter().filter_map(|p| p.parent().map(|d| d.display().to_string())).collect();
    dirs.sort();
    dirs.dedup();
    println!(
        "Imported {} bulletin(s) into content/ ({} folder(s){}).",
        report.written.len(),
        dirs.len(),
        match (dirs.first(), dirs.last()) {
            (Some(a), Some(b)) if a != b => format!(", {a} … {b}"),
            (Some(a), _) => format!(", {a}"),
            _ => String::new(),
        }
    );
    for note in &report.notes {
        eprintln!("warning: {note}");
    }
    if !report.not_carried.is_empty() {
        let keys: Vec<String> = report
            .not_carried
            .iter()
            .map(|(key, n)| format!("`{key}` ({n} bulletin{})", if *n == 1 { "" } else { "s" }))
            .collect();
        eprintln!(
            "warning: front matter not carried over, as bantin has no such setting: {}\n  = help: what these said is not in the imported bulletins; move anything that matters into their text or tags",
            keys.join(", ")
        );
    }
    if !report.skipped.is_empty() {
        println!("Skipped {}:", report.skipped.len());
        for (reason, count) in import::reasons(&report.skipped) {
            let example =
                report.skipped.iter().find(|s| s.reason == reason).map(|s| s.source.as_str()).unwrap_or("");
            println!("  {count:>6} × {reason} (e.g. {example})");
        }
    }
    let failed = report.skipped.iter().any(|s| s.reason != "already imported");
    if report.written.is_empty() && failed { 1 } else { 0 }
}
