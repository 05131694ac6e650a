//! `bantin check`: everything `build` would report, without writing anything, plus the
//! problems an editor should fix before publishing: links to bulletins that do not exist,
//! images without alt text, two bulletins with the same title on the same day, bulletins
//! dated in the future, and tags or authors that differ only by case or marks.
//! `--strict` turns warnings into errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::archive::{Archive, TermKind};
use crate::build::{self as pipeline, BuildOptions};
use crate::diag::{Diagnostic, Severity};
use crate::render::Renderer;
use crate::text;

/// Arguments of `bantin check`.
#[derive(Debug, Clone)]
pub struct CheckArgs {
    pub root: PathBuf,
    pub strict: bool,
}

/// Runs the checks; returns the exit code.
pub fn run(args: &CheckArgs) -> i32 {
    let mut diags = check(&args.root);
    if args.strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    report(&diags)
}

/// Every diagnostic for the site at `root`.
pub fn check(root: &Path) -> Vec<Diagnostic> {
    let opts =
        BuildOptions { root: root.to_path_buf(), drafts: true, future: true, ..BuildOptions::default() };
    let site = match pipeline::load_uncached(&opts).and_then(|s| pipeline::unless_broken(s, Default::default))
    {
        Ok(s) => s,
        Err(failure) => return failure.errors.into_iter().chain(failure.warnings).collect(),
    };
    let mut diags = site.warnings.clone();
    let photos = match pipeline::find_photos(&site, &Default::default()) {
        Ok(found) => {
            // A picture cut short is found only by reading its pixels, as the build does.
            diags.extend(pipeline::damaged_photos(root, &found.set));
            found
        }
        Err(errors) => {
            diags.extend(errors);
            pipeline::FoundPhotos::default()
        }
    };
    diags.extend(photo_notes(&photos.probed));
    match pipeline::find_attachments(&site) {
        Ok(attached) => diags.extend(attached.warnings),
        Err(errors) => diags.extend(errors),
    }
    // Render every page in memory, as build would, to catch template errors.
    match Renderer::new(&site.config, &site.theme, &site.archive, &photos.set, site.now) {
        Ok(renderer) => {
            let jobs = renderer.jobs();
            let hashes: Vec<u64> =
                jobs.par_iter().map(|&j| pipeline::file_hash(&renderer.job_file(j))).collect();
            if let Err(mut e) =
                pipeline::check_unique_outputs(&jobs, &hashes, &|j| renderer.job_file(j), &site.archive)
            {
                diags.append(&mut e);
            }
            let mut errors: Vec<Diagnostic> =
                jobs.par_iter().filter_map(|&j| renderer.render(j).err()).collect();
            errors.dedup_by(|a, b| a.message == b.message);
            diags.extend(errors);
        }
        Err(mut e) => diags.append(&mut e),
    }
    diags.extend(editorial_checks(root, &site.archive));
    diags
}

/// The source photos that carry what a reporter's camera records and a newsroom must not
/// publish: bantin publishes only copies made again without it, but the editor should know
/// (the originals may be shared elsewhere).
fn photo_notes(probed: &[(String, crate::photos::Probed)]) -> Vec<Diagnostic> {
    probed
        .iter()
        .filter_map(|(path, p)| {
            let position = match p.location {
                Some((lat, lon)) if lat.is_finite() && lon.is_finite() => format!("a GPS position ({lat:.4}, {lon:.4})"),
                Some(_) => "a GPS position".to_string(),
                None if p.serial => "the camera's serial number".to_string(),
                None => return None,
            };
            Some(
                Diagnostic::warning(format!("the photo carries {position}: the published copies do not (bantin makes them again without it)"))
                    .in_file(path)
                    .with_hint("if the original file is sent or shared anywhere else, remove its location first (e.g. `exiftool -gps:all= anh.jpg`)"),
            )
        })
        .collect()
}

/// The checks an editor wants before publishing that a build does not make. Long because it is
/// a list of independent checks, each a few lines, read top to bottom.
fn editorial_checks(root: &Path, archive: &Archive) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let source = |p: &Path| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let key_line = |p: &Path, key: &str| -> (String, usize) {
        let text = source(p);
        let line = text.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(1, |i| i + 1);
        (text, line)
    };
    let at_key = |d: Diagnostic, p: &Path, key: &str| {
        let (text, line) = key_line(p, key);
        d.in_file(p).at(&text, line, 1)
    };

    // Future-dated bulletins.
    let now = match crate::clock::now() {
        Ok(now) => now.as_second(),
        Err(d) => return vec![d],
    };
    for e in &archive.entries {
        let b = &e.bulletin;
        if b.date.sort_key() > now {
            diags.push(
                at_key(
                    Diagnostic::warning(format!("dated in the future ({})", b.date.machine())),
                    &b.source,
                    "date",
                )
                .with_hint("it is left out of the site until then (build --future includes it)"),
            );
        }
    }

    // The same title twice on one day.
    let mut by_day: BTreeMap<(String, String), Vec<&Path>> = BTreeMap::new();
    for e in &archive.entries {
        let day = e.bulletin.date.zoned.strftime("%Y-%m-%d").to_string();
        by_day.entry((day, text::name_key(&e.bulletin.title))).or_default().push(&e.bulletin.source);
    }
    for ((day, _), files) in by_day.into_iter().filter(|(_, f)| f.len() > 1) {
        for (i, f) in files.iter().enumerate() {
            let others: Vec<String> = files
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| o.display().to_string())
                .collect();
            diags.push(
                at_key(
                    Diagnostic::warning(format!("the same title as {} on {day}", others.join(", "))),
                    f,
                    "title",
                )
                .with_hint("is this a duplicate? If not, make the titles distinguishable"),
            );
        }
    }

    // Tags (and authors) that differ only by case or marks.
    for (kind, key) in [(TermKind::Tag, "tags"), (TermKind::Author, "author")] {
        let mut spellings: BTreeMap<String, BTreeMap<String, Vec<&Path>>> = BTreeMap::new();
        for e in &archive.entries {
            let names = match kind {
                TermKind::Tag => &e.bulletin.tags,
                TermKind::Author => &e.bulletin.authors,
            };
            for n in names {
                spellings
                    .entry(text::fold(&text::name_key(n)))
                    .or_default()
                    .entry(n.clone())
                    .or_default()
                    .push(&e.bulletin.source);
            }
        }
        for variants in spellings.values().filter(|v| v.len() > 1) {
            let all: Vec<String> = variants.keys().map(|k| format!("\"{k}\"")).collect();
            // Point at the files using the less common spellings.
            let most =
                variants.iter().max_by_key(|(_, f)| f.len()).map(|(k, _)| k.clone()).unwrap_or_default();
            for (spelling, files) in variants.iter().filter(|(k, _)| **k != most) {
                for f in files {
                    diags.push(
                        at_key(
                            Diagnostic::warning(format!(
                                "{} \"{spelling}\" differs only by case or marks from {}",
                                if kind == TermKind::Tag { "the tag" } else { "the author" },
                                all.iter()
                                    .filter(|a| **a != format!("\"{spelling}\""))
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                            f,
                            key,
                        )
                        .with_hint(format!("write it \"{most}\" as most bulletins do, if it is the same")),
                    );
                }
            }
        }
    }
    diags
}

/// Prints diagnostics grouped by file and a summary line; returns the exit code.
fn report(diags: &[Diagnostic]) -> i32 {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        let file = d.file.as_ref().map(|f| f.display().to_string()).unwrap_or_else(|| "(site)".into());
        by_file.entry(file).or_default().push(d);
    }
    for (file, mut ds) in by_file.iter().map(|(f, d)| (f, d.clone())) {
        ds.sort_by_key(|d| (d.line, d.column));
        eprintln!("── {file}");
        for d in ds {
            eprintln!("{d}");
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if diags.is_empty() {
        println!("check: no problems found");
    } else {
        println!("check: {errors} error(s), {warnings} warning(s) in {} file(s)", by_file.len());
    }
    if errors > 0 { 1 } else { 0 }
}
