//! The pipeline as one call: load config and bulletins → Archive → render → staged output →
//! publish. `build` (and later `serve`, `check` and the benchmarks) share it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::archive::Archive;
use crate::config::Config;
use crate::content::{self, Bulletin};
use crate::diag::Diagnostic;
use crate::feeds;
use crate::markdown::{self, Rendered};
use crate::output::{self, Staging};
use crate::render::{Job, Renderer, Theme};
use crate::search;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root: the folder with `site.toml` and `content/`.
    pub root: PathBuf,
    /// Output directory; `output_dir` of site.toml (default `public`) under the root if unset.
    pub out: Option<PathBuf>,
    pub drafts: bool,
    pub future: bool,
    /// Called with (done, total) as pages are written, for progress bars.
    pub progress: Option<fn(usize, usize)>,
    /// Inject the live-reload client (`bantin serve` only).
    pub live_reload: bool,
}

/// Wall time spent in each stage of a build, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    last: Option<Instant>,
}

impl Timings {
    fn start() -> Timings {
        Timings { stages: Vec::new(), last: Some(Instant::now()) }
    }

    /// Ends the current stage, naming it.
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.stages.push((stage, now - last));
        }
        self.last = Some(now);
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out: PathBuf,
    pub bulletins: usize,
    pub pages: usize,
    pub files: u64,
    pub bytes: u64,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub timings: Timings,
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

/// A site loaded and checked, ready to render: the stage `build` and `check` share.
pub struct LoadedSite {
    pub config: Config,
    pub theme: Theme,
    pub archive: Archive,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
}

/// Reads the configuration, theme and every bulletin, and builds the archive.
pub fn load(opts: &BuildOptions) -> Result<LoadedSite, BuildFailure> {
    let root = &opts.root;
    let mut timings = Timings::start();
    let config = Config::load(root)?;
    let theme = Theme::load(root, &config.theme)?;
    let tz = jiff::tz::TimeZone::get(&config.timezone)
        .map_err(|e| Diagnostic::error(format!("time zone {}: {e}", config.timezone)))?;

    let found = content::discover(root, &root.join("content"));
    timings.lap("discover");
    let mut errors = found.errors;
    let mut warnings = found.warnings;
    let parsed: Vec<Result<(Bulletin, Rendered), Vec<Diagnostic>>> = found
        .paths
        .par_iter()
        .map(|path| {
            let source = content::read_source(root, path).map_err(|d| vec![d])?;
            let bulletin = content::parse_bulletin(&source, &tz)?;
            let rendered = markdown::render(&bulletin.body, config.unsafe_html);
            Ok((bulletin, rendered))
        })
        .collect();
    timings.lap("parse + markdown");

    let now = jiff::Timestamp::now().as_second();
    let mut items = Vec::with_capacity(parsed.len());
    let mut drafts_skipped = 0;
    let mut future_skipped = Vec::new();
    for p in parsed {
        match p {
            Ok((b, r)) => {
                if b.draft && !opts.drafts {
                    drafts_skipped += 1;
                } else if b.date.sort_key() > now && !opts.future {
                    future_skipped.push(b.source.clone());
                } else {
                    items.push((b, r));
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    for (b, r) in &items {
        if b.image.is_some() && b.image_alt.is_none() {
            warnings.push(
                Diagnostic::warning("the lead image has no `image_alt`")
                    .in_file(&b.source)
                    .with_hint("describe the picture for readers who cannot see it: `image_alt: \"...\"`"),
            );
        }
        for (url, offset) in &r.images_without_alt {
            warnings.push(
                body_diagnostic(b, *offset, Diagnostic::warning(format!("the image {url} has no alt text")))
                    .with_hint("describe the image for readers who cannot see it: ![mô tả ảnh](url)"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(BuildFailure { errors, warnings });
    }
    let mut archive = Archive::build(&config, items)
        .map_err(|errors| BuildFailure { errors, warnings: warnings.clone() })?;
    warnings.append(&mut archive.warnings);
    for e in &archive.entries {
        for (target, offset) in &e.rendered.internal_links {
            if archive.resolve_link(&e.bulletin.source, target).is_none() {
                warnings.push(
                    body_diagnostic(
                        &e.bulletin,
                        *offset,
                        Diagnostic::warning(format!("the link to {target} points to no bulletin")),
                    )
                    .with_hint("link to a bulletin's file, relative to this one (../02/x.md) or to content/ (@/2020/02/x.md)"),
                );
            }
        }
    }
    timings.lap("archive");
    Ok(LoadedSite { config, theme, archive, drafts_skipped, future_skipped, warnings, timings })
}

/// A diagnostic at a byte offset of a bulletin's (normalised) body, placed on the file's line.
pub fn body_diagnostic(b: &Bulletin, offset: usize, d: Diagnostic) -> Diagnostic {
    let (line, col) = crate::diag::line_col(&b.body, offset);
    let mut d = d.in_file(&b.source).at(&b.body, line, col);
    d.line = b.body_line + line - 1;
    d
}

/// Builds the site into a staging directory and publishes it; on any error the previous
/// output is left exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let mut site = load(opts)?;
    let mut timings = std::mem::take(&mut site.timings);
    let out = match &opts.out {
        Some(o) => o.clone(),
        None => opts.root.join(&site.config.output_dir),
    };
    output::check_output_dir(&opts.root, &out)?;

    let mut renderer = Renderer::new(&site.config, &site.theme, &site.archive)?;
    if opts.live_reload {
        renderer.enable_live_reload();
    }
    let jobs = renderer.jobs();
    check_unique_outputs(&renderer, &jobs, &site.archive)?;
    timings.lap("plan pages");

    let io_err = |what: &str, e: std::io::Error| Diagnostic::error(format!("{what}: {e}"));
    let staging = Staging::begin(&out).map_err(|e| io_err("cannot create the staging directory", e))?;
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let mut errors: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|&job| {
            let result = renderer.render(job).and_then(|html| {
                staging
                    .write(&renderer.job_file(job), html.as_bytes())
                    .map_err(|e| io_err("cannot write output", e))
            });
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(progress) = opts.progress
                && (n.is_multiple_of(64) || n == total)
            {
                progress(n, total);
            }
            result.err()
        })
        .collect();
    errors.dedup_by(|a, b| a.message == b.message);
    if !errors.is_empty() {
        return Err(BuildFailure { errors, warnings: site.warnings });
    }
    timings.lap("render + write pages");

    // Feeds, sitemap and robots.txt need absolute URLs.
    let mut warnings = std::mem::take(&mut site.warnings);
    if feeds::has_absolute_base(&site.config) {
        let mut files = feeds::feeds(&site.config, &site.archive);
        files.extend(feeds::sitemaps(&site.config, &site.archive));
        if site.config.robots {
            files.push(feeds::robots(&site.config));
        }
        files
            .par_iter()
            .try_for_each(|f| staging.write(&f.path, f.contents.as_bytes()))
            .map_err(|e| io_err("cannot write the feeds", e))?;
    } else {
        warnings.push(
            Diagnostic::warning("no feeds, sitemap or robots.txt: `base_url` is not an absolute URL")
                .in_file("site.toml")
                .with_hint("set `base_url = \"https://your-site.example/\"` in site.toml"),
        );
    }
    timings.lap("feeds + sitemap");

    // Static files: the theme's, then the site's own static/ (which wins).
    for (rel, bytes) in site.theme.under("static") {
        staging.write(rel, bytes).map_err(|e| io_err(&format!("cannot copy static/{rel}"), e))?;
    }
    copy_site_static(&opts.root.join("static"), &staging)?;
    timings.lap("static files");

    if site.config.search {
        let index = search::build_index(&site.archive, &|d| renderer.strings.format_date(d))
            .map_err(|e| io_err("cannot build the search index", e))?;
        index
            .par_iter()
            .try_for_each(|f| staging.write(&format!("search/{}", f.path), &f.bytes))
            .map_err(|e| io_err("cannot write the search index", e))?;
        timings.lap("search index");
    }

    let files = staging.files_written();
    let bytes = staging.bytes_written();
    staging.publish().map_err(|e| io_err(&format!("cannot publish to {}", out.display()), e))?;
    timings.lap("publish");
    Ok(BuildReport {
        out,
        bulletins: site.archive.entries.len(),
        pages: total,
        files,
        bytes,
        drafts_skipped: site.drafts_skipped,
        future_skipped: site.future_skipped,
        warnings,
        elapsed: started.elapsed(),
        timings,
    })
}

/// Two pages must never write the same file (a bulletin slugged `tags` under a `/{slug}/`
/// permalink, say).
pub fn check_unique_outputs(
    renderer: &Renderer,
    jobs: &[Job],
    archive: &Archive,
) -> Result<(), Vec<Diagnostic>> {
    let mut seen: std::collections::HashMap<String, Job> = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for &job in jobs {
        let file = renderer.job_file(job);
        if let Some(prev) = seen.insert(file.clone(), job) {
            let culprit = [job, prev].into_iter().find_map(|j| match j {
                Job::Bulletin(i) => Some(archive.entries[i].bulletin.source.clone()),
                _ => None,
            });
            let mut d = Diagnostic::error(format!("two pages would be written to {file}"))
                .with_hint("give the bulletin a different `slug:` or change `permalink` in site.toml");
            if let Some(c) = culprit {
                d = d.in_file(c);
            }
            errors.push(d);
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn copy_site_static(dir: &Path, staging: &Staging) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| Diagnostic::error(format!("cannot read static/: {e}")))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = crate::render::slash_path(rel);
        let bytes = std::fs::read(entry.path()).map_err(|e| {
            Diagnostic::error(format!("cannot read static/{key}: {e}")).in_file(format!("static/{key}"))
        })?;
        staging.write(&key, &bytes).map_err(|e| {
            Diagnostic::error(format!("cannot copy static/{key}: {e}")).in_file(format!("static/{key}"))
        })?;
    }
    Ok(())
}
