//! The pipeline as one call: load config and bulletins → Archive → render → staged output →
//! publish. `build` (and later `serve`, `check` and the benchmarks) share it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::archive::Archive;
use crate::config::Config;
use crate::content::{self, Bulletin};
use crate::diag::Diagnostic;
use crate::feeds;
use crate::hash::Fingerprint;
use crate::incremental::{self, Cache, Manifest, OutputRecord, Parsed, SourceStat, State};
use crate::markdown::{self, Rendered};
use crate::output::{self, Staging};
use crate::render::{Job, Renderer, Theme};
use crate::search;

/// How recent a file's modification time must be for its time and size not to be trusted
/// next time: more than any file system's timestamp granularity.
const RACY_NANOS: i64 = 2_000_000_000;

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
    /// Ignore the build cache: parse, render and write everything.
    pub clean: bool,
    /// The process ends after this build (`bantin build`): what the build holds at its end
    /// is left to the operating system instead of being given back piece by piece.
    pub ends_process: bool,
    /// Called as soon as the new site is published, before the build cache is saved
    /// (`bantin serve` tells open pages to reload then).
    pub on_publish: Option<OnPublish>,
    /// The caller knows an input changed (`bantin serve`, told of a save): the build cache's
    /// bulletins are read while content/ is listed, rather than after the listing has found
    /// a change. (Without a change that reading is wasted: a build with nothing to do takes
    /// twice as long.)
    pub expect_changes: bool,
}

/// A function [`build`] calls once the new site is published.
#[derive(Clone)]
pub struct OnPublish(pub std::sync::Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for OnPublish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnPublish")
    }
}

/// Wall time spent in each stage of a build, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Each stage's name, its time, and the process's peak memory (resident set) at its end,
    /// where the system tells it.
    pub stages: Vec<(&'static str, Duration, Option<u64>)>,
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
            self.stages.push((stage, now - last, peak_rss()));
        }
        self.last = Some(now);
    }
}

/// The peak resident set size of this process so far, in bytes (Linux only).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
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
    pub tz: jiff::tz::TimeZone,
    pub archive: Archive,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
    /// Bulletins parsed in this build, as the cache keeps them; with `parsed_rewrite`, every
    /// bulletin (the cache's log is rewritten rather than appended to).
    parsed: Vec<std::io::Result<incremental::ParsedRecord>>,
    parsed_rewrite: bool,
    /// Bulletins left out (drafts, future), as parsed.
    skipped: HashMap<(PathBuf, u64), Parsed>,
    /// The earliest date of a bulletin left out for being in the future.
    horizon: Option<i64>,
    /// Cached versions of bulletins that have changed since.
    previous: incremental::ParsedLog,
    /// The archive's shape, when it is not the one the cache has.
    new_shape: Option<crate::archive::Shape>,
}

/// A bulletin parsed in this build, with its record for the cache's log.
type Fresh = (Parsed, std::io::Result<incremental::ParsedRecord>);
/// A source parsed in this build, or what was wrong with it (boxed: most sources are not).
type FreshResult = Box<Result<Fresh, Vec<Diagnostic>>>;

/// One source file found by the scan: its record, and the bulletin parsed from it when it
/// had to be read (and the cache did not have it).
struct Source {
    stat: SourceStat,
    fresh: Option<FreshResult>,
}

/// A copy of `s` in an allocation of its own size.
fn exact_copy(s: &str) -> String {
    let mut copy = String::with_capacity(s.len());
    copy.push_str(s);
    copy
}

/// Parses a source read in this build.
fn parse_fresh(
    source: &content::SourceFile,
    tz: &jiff::tz::TimeZone,
    config: &Config,
) -> Result<Fresh, Vec<Diagnostic>> {
    parse_one(source, tz, config).map(|p| {
        let record = incremental::encode_parsed(&strip_body(&p)).map(|r| r.as_slice().to_vec());
        (p, record)
    })
}

/// The site as first seen: configuration, theme, and each source's size, time and hash
/// (read only when they changed since the cached build).
struct Scan {
    config: Config,
    theme: Theme,
    tz: jiff::tz::TimeZone,
    sources: Vec<Source>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    timings: Timings,
    parse_key: u64,
    /// What every page depends on: binary, configuration, theme, options.
    global_key: u64,
    /// `global_key`, every source and the site's static files: equal means nothing to do.
    input_key: u64,
    /// A clean build makes a whole new tree, over the spare one if there is one: what that
    /// holds is listed ([`Staging::survey`]) while the bulletins are read and parsed, and
    /// the manifest of the published tree, which becomes the spare one, is read.
    survey: Option<std::thread::JoinHandle<(Option<output::Survey>, Option<incremental::Manifest>)>>,
}

fn scan(opts: &BuildOptions, cache: &mut Cache) -> Result<Scan, BuildFailure> {
    let root = &opts.root;
    let mut timings = Timings::start();
    let config = Config::load(root)?;
    let survey = opts.clean.then(|| {
        let (out, root, profile) = (out_dir(opts, &config), root.clone(), profile(opts));
        std::thread::spawn(move || {
            (Staging::survey(&out), incremental::published_manifest(&root, profile, &out))
        })
    });
    let theme = Theme::load(root, &config.theme)?;
    let tz = jiff::tz::TimeZone::get(&config.timezone)
        .map_err(|e| Diagnostic::error(format!("time zone {}: {e}", config.timezone)))?;

    // A file changed within the clock's granularity of this scan could change again
    // without its time or size changing: such "racy" files are recorded as unknown, so the
    // next build reads them again (as git does for its index).
    let racy_after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(i64::MAX, |d| d.as_nanos() as i64 - RACY_NANOS);
    let binary = crate::hash::binary_id();
    let parse_key =
        Fingerprint::new().u64(binary).str(&config.timezone).u64(u64::from(config.unsafe_html)).finish();
    let content_dir = root.join("content");
    let found = if opts.expect_changes && !opts.clean {
        // Listing 20,000 files and decoding their cached bulletins each take ~45 ms.
        rayon::join(|| content::discover(root, &content_dir), || cache.load_parsed(parse_key, &tz)).0
    } else {
        content::discover(root, &content_dir)
    };
    timings.lap(if opts.expect_changes && !opts.clean { "discover + read cache" } else { "discover" });
    let mut errors = found.errors;
    // (path, size, time, the cache's record when size and time are the same)
    type Stat = (PathBuf, u64, i64, Option<SourceStat>);
    let stats: Vec<Stat> = {
        // By the path's bytes: hashing a `Path` walks its components.
        let known: rustc_hash::FxHashMap<&[u8], &SourceStat> =
            cache.state.sources.iter().map(|s| (s.path.as_os_str().as_encoded_bytes(), s)).collect();
        found
            .files
            .into_par_iter()
            .map(|f| {
                let known = known
                    .get(f.path.as_os_str().as_encoded_bytes())
                    .filter(|k| k.len == f.len && k.mtime == f.mtime);
                let known = known.map(|k| (*k).clone());
                (f.path, f.len, f.mtime, known)
            })
            .collect()
    };
    // Files read again are parsed at once, on the thread that read them, and their text
    // let go (unless the cache has them): no text waits for all the others to be read.
    if stats.iter().any(|s| s.3.is_none()) {
        cache.load_parsed(parse_key, &tz);
    }
    let parsed = &cache.parsed;
    let scanned: Vec<Result<Source, Diagnostic>> = stats
        .into_par_iter()
        .map(|s| {
            let (rel, len, mtime, known) = s;
            if let Some(stat) = known {
                return Ok(Source { stat, fresh: None });
            }
            let text = content::read_source(root, &root.join(&rel))?;
            let hash = crate::hash::hash_bytes(text.text.as_bytes());
            let mtime = if mtime >= racy_after { -1 } else { mtime };
            let fresh = (!parsed.contains(&rel, hash)).then(|| Box::new(parse_fresh(&text, &tz, &config)));
            Ok(Source { stat: SourceStat { path: rel, len, mtime, hash }, fresh })
        })
        .collect();
    let mut sources = Vec::with_capacity(scanned.len());
    for s in scanned {
        match s {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    timings.lap("read + parse + markdown");

    let mut global = Fingerprint::new();
    global
        .u64(binary)
        .json(&config)
        .map_err(|e| Diagnostic::error(format!("cannot make the key of site.toml's settings: {e}")))?
        .u64(u64::from(opts.live_reload));
    for (name, bytes) in &theme.files {
        global.str(name).bytes(bytes);
    }
    let global_key = global.finish();
    let mut input = Fingerprint::new();
    input.u64(global_key).u64(parse_key).u64(u64::from(opts.drafts)).u64(u64::from(opts.future));
    for s in &sources {
        input.path(&s.stat.path).u64(s.stat.hash);
    }
    let mut racy = sources.iter().any(|s| s.stat.mtime == -1);
    for (rel, len, mtime) in site_static_files(&root.join("static")) {
        input.str(&rel).u64(len).u64(mtime as u64);
        racy |= mtime >= racy_after;
    }
    // With a racy file the inputs cannot be known to be unchanged next time.
    let input_key = if racy { 0 } else { input.finish() };
    Ok(Scan {
        config,
        theme,
        tz,
        sources,
        errors,
        warnings: found.warnings,
        timings,
        parse_key,
        global_key,
        input_key,
        survey,
    })
}

/// Reads the configuration, theme and every bulletin, and builds the archive.
pub fn load(opts: &BuildOptions) -> Result<LoadedSite, BuildFailure> {
    let mut cache = Cache::empty(&opts.root, "check");
    let scanned = scan(opts, &mut cache)?;
    load_scanned(opts, scanned, &mut cache)
}

fn load_scanned(opts: &BuildOptions, scan: Scan, cache: &mut Cache) -> Result<LoadedSite, BuildFailure> {
    let root = &opts.root;
    let Scan { config, theme, tz, sources, mut errors, mut warnings, mut timings, parse_key, .. } = scan;
    let log_read = cache.load_parsed(parse_key, &tz);
    // Bulletins unchanged since the cached build come from the cache; the rest are parsed.
    let mut reused: Vec<Option<Parsed>> = sources
        .iter()
        .map(|s| {
            if s.fresh.is_some() {
                return None;
            }
            let mut p = cache.parsed.remove(&s.stat.path, s.stat.hash)?;
            p.rendered.loaded = false;
            Some(p)
        })
        .collect();
    let reused_count = reused.iter().filter(|r| r.is_some()).count();
    // A log mostly of replaced versions is rewritten (which needs a copy of every record).
    let parsed_rewrite = !log_read || cache.parsed.len() > reused_count.max(64);
    // Versions replaced since the cached build: the search index update removes their words.
    let previous = std::mem::take(&mut cache.parsed);
    let mut sources = sources;
    // Sources the scan did not parse and the cache did not have (a damaged log).
    let fresh: Vec<Option<FreshResult>> = sources
        .par_iter_mut()
        .zip(reused.par_iter())
        .map(|(s, cached)| {
            if cached.is_some() {
                return None;
            }
            if let Some(f) = s.fresh.take() {
                return Some(f);
            }
            let read = content::read_source(root, &root.join(&s.stat.path));
            Some(Box::new(read.map_err(|d| vec![d]).and_then(|source| parse_fresh(&source, &tz, &config))))
        })
        .collect();
    timings.lap("cached bulletins");

    let now = jiff::Timestamp::now().as_second();
    let mut items = Vec::with_capacity(sources.len());
    let mut parsed_new = Vec::new();
    let mut link_warnings: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
    let mut skipped = HashMap::new();
    let mut drafts_skipped = 0;
    let mut future_skipped = Vec::new();
    let mut horizon: Option<i64> = None;
    for (cached, fresh) in reused.iter_mut().zip(fresh) {
        let mut p = match (cached.take(), fresh.map(|f| *f)) {
            (Some(p), _) => {
                if parsed_rewrite {
                    parsed_new.push(incremental::encode_parsed(&p));
                }
                p
            }
            (None, Some(Ok((p, record)))) => {
                parsed_new.push(record);
                p
            }
            (None, Some(Err(mut e))) => {
                errors.append(&mut e);
                continue;
            }
            (None, None) => continue,
        };
        let b = &p.bulletin;
        let key = (b.source.clone(), b.source_hash);
        if b.draft && !opts.drafts {
            drafts_skipped += 1;
            skipped.insert(key, p);
        } else if b.date.sort_key() > now && !opts.future {
            future_skipped.push(b.source.clone());
            horizon = Some(horizon.map_or(b.date.sort_key(), |h| h.min(b.date.sort_key())));
            skipped.insert(key, p);
        } else {
            warnings.append(&mut p.warnings);
            if !p.link_warnings.is_empty() {
                link_warnings.insert(key.0, std::mem::take(&mut p.link_warnings));
            }
            items.push((p.bulletin, p.rendered));
        }
    }
    if !errors.is_empty() {
        return Err(BuildFailure { errors, warnings });
    }
    let cached_shape = cache.load_shape();
    let (mut archive, new_shape) = Archive::build_with(&config, items, cached_shape)
        .map_err(|errors| BuildFailure { errors, warnings: warnings.clone() })?;
    warnings.append(&mut archive.warnings);
    for e in &archive.entries {
        for (k, (target, _)) in e.rendered.internal_links.iter().enumerate() {
            if archive.resolve_link(&e.bulletin.source, target).is_none()
                && let Some(d) = link_warnings.get(e.bulletin.source.as_path()).and_then(|w| w.get(k))
            {
                warnings.push(d.clone());
            }
        }
    }
    timings.lap("archive");
    Ok(LoadedSite {
        config,
        theme,
        tz,
        archive,
        drafts_skipped,
        future_skipped,
        warnings,
        timings,
        parsed: parsed_new,
        parsed_rewrite,
        skipped,
        horizon,
        previous,
        new_shape,
    })
}

/// Parses one bulletin and renders its Markdown, with the warnings about the file alone.
fn parse_one(
    source: &content::SourceFile,
    tz: &jiff::tz::TimeZone,
    config: &Config,
) -> Result<Parsed, Vec<Diagnostic>> {
    let bulletin = content::parse_bulletin(source, tz)?;
    let mut rendered = markdown::render(&bulletin.body, config.unsafe_html);
    // Both are kept until the pages (or the index) are made: copied to fit, they take ~30%
    // less than as grown while rendering (the allocator does not shrink a block in place).
    rendered.html = exact_copy(&rendered.html);
    rendered.plain = exact_copy(&rendered.plain);
    let mut warnings = Vec::new();
    if bulletin.image.is_some() && bulletin.image_alt.is_none() {
        warnings.push(
            Diagnostic::warning("the lead image has no `image_alt`")
                .in_file(&bulletin.source)
                .with_hint("describe the picture for readers who cannot see it: `image_alt: \"...\"`"),
        );
    }
    for (url, offset) in &rendered.images_without_alt {
        warnings.push(
            body_diagnostic(
                &bulletin,
                *offset,
                Diagnostic::warning(format!("the image {url} has no alt text")),
            )
            .with_hint("describe the image for readers who cannot see it: ![mô tả ảnh](url)"),
        );
    }
    let link_warnings = rendered
        .internal_links
        .iter()
        .map(|(target, offset)| {
            body_diagnostic(
                &bulletin,
                *offset,
                Diagnostic::warning(format!("the link to {target} points to no bulletin")),
            )
            .with_hint("link to a bulletin's file, relative to this one (../02/x.md) or to content/ (@/2020/02/x.md)")
        })
        .collect();
    // The Markdown is not needed once rendered; letting it go here, on the thread that
    // made it, lets the next bulletin parsed on that thread reuse the memory.
    let mut bulletin = bulletin;
    bulletin.body = String::new();
    Ok(Parsed { bulletin, rendered, warnings, link_warnings })
}

/// A copy of a parsed bulletin without its Markdown, HTML and plain text, as the cache
/// keeps it.
fn strip_body(p: &Parsed) -> Parsed {
    let b = &p.bulletin;
    let r = &p.rendered;
    Parsed {
        bulletin: Bulletin {
            source: b.source.clone(),
            title: b.title.clone(),
            date: b.date.clone(),
            updated: b.updated.clone(),
            authors: b.authors.clone(),
            tags: b.tags.clone(),
            summary: b.summary.clone(),
            slug: b.slug.clone(),
            slug_explicit: b.slug_explicit,
            draft: b.draft,
            image: b.image.clone(),
            image_alt: b.image_alt.clone(),
            body: String::new(),
            body_line: b.body_line,
            source_hash: b.source_hash,
        },
        rendered: Rendered {
            html: String::new(),
            first_paragraph: r.first_paragraph.clone(),
            plain: String::new(),
            words: r.words,
            has_code: r.has_code,
            images_without_alt: r.images_without_alt.clone(),
            internal_links: r.internal_links.clone(),
            loaded: false,
        },
        warnings: p.warnings.clone(),
        link_warnings: p.link_warnings.clone(),
    }
}

/// A diagnostic at a byte offset of a bulletin's (normalised) body, placed on the file's line.
pub fn body_diagnostic(b: &Bulletin, offset: usize, d: Diagnostic) -> Diagnostic {
    let (line, col) = crate::diag::line_col(&b.body, offset);
    let mut d = d.in_file(&b.source).at(&b.body, line, col);
    d.line = b.body_line + line - 1;
    d
}

/// Whether an output file belongs to the search index (the search page itself does not).
fn is_index_file(key: &str) -> bool {
    key == "search/manifest.json"
        || ["t/", "f/", "p/", "x/", "d/"]
            .iter()
            .any(|d| key.strip_prefix("search/").is_some_and(|k| k.starts_with(d)))
}

/// How this build gets its search index.
enum SearchPlan {
    /// Search is off.
    Off,
    /// Nothing the index shows changed: the published files stay.
    Keep,
    /// A few bulletins changed: the index is updated in place; these archive positions'
    /// bodies are needed.
    Update(Vec<usize>),
    /// Built from every bulletin.
    Full,
}

/// The output being assembled: which files the published tree and the tree being written
/// already hold, and what this build puts in each.
struct Emit<'a> {
    staging: &'a Staging,
    /// The published tree (empty when unknown or with `--clean`).
    live: &'a incremental::Files,
    /// The tree being written (the spare tree, or empty for a fresh one).
    tree: &'a incremental::Files,
    records: Mutex<Vec<(String, OutputRecord)>>,
    rendered: AtomicUsize,
    /// Files whose bytes differ from the published tree's, and their size.
    changed: AtomicU64,
    changed_bytes: AtomicU64,
}

impl Emit<'_> {
    /// Whether the published file was made from the same inputs.
    fn unchanged(&self, rel: &str, fingerprint: u64) -> bool {
        self.live.get(rel).is_some_and(|r| r.fingerprint == fingerprint)
    }

    /// Keeps the published file as it is.
    fn keep(&self, rel: &str) -> std::io::Result<()> {
        let Some(&record) = self.live.get(rel) else {
            return Err(std::io::Error::other(format!("{rel} is not in the published site")));
        };
        if self.tree.get(rel).map(|r| r.hash) != Some(record.hash) {
            self.staging.copy_published(rel)?;
        }
        self.record(rel, record);
        Ok(())
    }

    /// Puts newly made bytes at `rel`, writing them only if the tree has other bytes there.
    /// Bytes the published tree already has are linked from it, keeping its file's time (which
    /// tools like rsync look at).
    fn put(&self, rel: &str, fingerprint: u64, bytes: &[u8]) -> std::io::Result<()> {
        let hash = crate::hash::hash_bytes(bytes);
        let published = self.live.get(rel).is_some_and(|r| r.hash == hash);
        if !published {
            self.changed.fetch_add(1, Ordering::Relaxed);
            self.changed_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        if self.tree.get(rel).map(|r| r.hash) != Some(hash) {
            if published {
                self.staging.copy_published(rel)?;
            } else {
                self.staging.write(rel, bytes)?;
            }
        }
        self.record(rel, OutputRecord { fingerprint, hash });
        Ok(())
    }

    fn record(&self, rel: &str, record: OutputRecord) {
        if let Ok(mut r) = self.records.lock() {
            r.push((rel.to_string(), record));
        }
    }
}

/// The plain text of each hydrated bulletin whose text the cache's log does not have yet.
fn plain_to_log<'a>(archive: &'a crate::archive::Archive, cache: &Cache) -> Vec<(u64, &'a str)> {
    archive
        .entries
        .iter()
        .filter_map(|e| Some((e.bulletin.source_hash, e.plain()?)))
        .filter(|(h, _)| !cache.has_plain(*h))
        .collect()
}

/// The archive positions of the bulletins whose plain text the cache's log does not have: a
/// whole search index needs their bodies at hand, and reads the others' from the log.
fn unlogged<'a>(archive: &'a crate::archive::Archive, cache: &'a Cache) -> impl Iterator<Item = usize> + 'a {
    archive
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !cache.has_plain(e.bulletin.source_hash))
        .map(|(i, _)| i)
}

/// The cache profile: `serve`'s pages carry the live-reload client, so it keeps its own.
fn profile(opts: &BuildOptions) -> &'static str {
    if opts.live_reload { "serve" } else { "build" }
}

/// The output directory: `--out`, or `output_dir` of site.toml under the root.
fn out_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    opts.out.clone().unwrap_or_else(|| opts.root.join(&config.output_dir))
}

/// Builds the site and publishes it; on any error the previous output is left exactly as
/// it was. With the cache from the last build (unless `clean`), only what changed is
/// parsed, rendered and written; the result is the same, byte for byte.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let profile = profile(opts);
    // Two builds of one site wait for each other (a site whose cache cannot be written is
    // built without the lock: it has no cache to protect).
    let _lock = Cache::empty(&opts.root, profile).lock().ok();
    let mut cache =
        if opts.clean { Cache::empty(&opts.root, profile) } else { Cache::open(&opts.root, profile) };
    let mut scanned = scan(opts, &mut cache)?;
    let out = out_dir(opts, &scanned.config);
    output::check_output_dir(&opts.root, &out)?;
    let survey = scanned.survey.take();

    // Nothing changed since the published build: nothing to do.
    let now = jiff::Timestamp::now().as_second();
    let state = &cache.state;
    if !opts.clean
        && scanned.errors.is_empty()
        && scanned.input_key != 0
        && state.input_key == scanned.input_key
        && state.out_id.is_some()
        && state.out_id == incremental::dir_id(&out)
        && out.join(output::MARKER).is_file()
        && state.horizon.is_none_or(|h| h > now)
    {
        // Tidy up after builds that were killed before this one.
        Staging::remove_stale(&out, false);
        let mut timings = scanned.timings;
        timings.lap("nothing changed");
        return Ok(BuildReport {
            out,
            bulletins: state.bulletins,
            pages: state.pages,
            rendered: 0,
            files: 0,
            bytes: 0,
            drafts_skipped: state.drafts_skipped,
            future_skipped: state.future_skipped.clone(),
            warnings: state.warnings.clone(),
            elapsed: started.elapsed(),
            timings,
        });
    }
    let global_key = scanned.global_key;
    let parse_key = scanned.parse_key;
    if cache.state.parse_key != parse_key {
        cache.clear_plain();
    }
    let input_key = scanned.input_key;
    let stats: Vec<SourceStat> = scanned.sources.iter().map(|s| s.stat.clone()).collect();
    // The manifests and the index state are read while the archive is made.
    let spare_path = Staging::spare_path(&out);
    let prefetch = (!opts.clean).then(|| cache.prefetch(&out, &spare_path, scanned.config.search));
    let mut site = load_scanned(opts, scanned, &mut cache)?;
    let mut timings = std::mem::take(&mut site.timings);
    let prefetched_index = prefetch.and_then(|p| cache.take_prefetched(p));
    let live_known = cache.outputs.is_some();
    let mut live: incremental::Files = cache.outputs.take().map(|m| m.files).unwrap_or_default();
    let io_err = |what: &str, e: std::io::Error| Diagnostic::error(format!("{what}: {e}"));
    let spare = cache.spare.take();
    cache.invalidate_spare().map_err(|e| io_err("cannot update the build cache", e))?;
    // Without a spare tree to update, the old one is written over as a whole new tree: that
    // is quicker than deleting it and making another (at 20,000 bulletins, 52,000 files).
    let fresh = |survey: Option<output::Survey>| {
        survey
            .and_then(|survey| Staging::recycle(&out, survey).ok())
            .map_or_else(|| Staging::begin(&out, true), Ok)
            .map_err(|e| io_err("cannot create the staging directory", e))
    };
    let (survey, replaced) = survey.and_then(|s| s.join().ok()).unwrap_or_default();
    let (staging, tree) = match spare {
        Some(spare) => match Staging::reuse_spare(&out) {
            Ok(s) => (s, spare.files),
            Err(_) => (fresh(survey)?, incremental::Files::default()),
        },
        None => (fresh(survey.or_else(|| Staging::survey(&out)))?, incremental::Files::default()),
    };

    let index_prev = if site.config.search && !opts.clean && live.contains_key("search/manifest.json") {
        prefetched_index.filter(|((global, _), _)| *global == global_key)
    } else {
        None
    };
    // Whether the plain texts were logged to the cache (see `plain_to_log`). When the index
    // is built in full it reads them back from there, so they are logged and let go before
    // the pages are rendered, which need only the HTML: at 100,000 bulletins that is 300 MB
    // the rendering does not hold.
    let mut plain_logged: Option<std::io::Result<()>> = None;
    if !site.config.search {
        // Nothing needs the plain texts.
        site.archive.entries.par_iter_mut().for_each(crate::archive::Entry::release_plain);
    } else if index_prev.is_none() {
        let logged = cache.update_plain(&plain_to_log(&site.archive, &cache), &[]);
        if logged.is_ok() {
            site.archive.entries.par_iter_mut().for_each(crate::archive::Entry::release_plain);
        }
        plain_logged = Some(logged);
        timings.lap("log plain text");
    }

    let mut renderer = Renderer::new(&site.config, &site.theme, &site.archive)?;
    if opts.live_reload {
        renderer.enable_live_reload();
    }
    renderer.set_global_key(global_key);
    let jobs = renderer.jobs();
    let files: Vec<String> = jobs.par_iter().map(|&job| renderer.job_file(job)).collect();
    check_unique_outputs(&jobs, &files, &site.archive)?;
    let emit = Emit {
        staging: &staging,
        live: &live,
        tree: &tree,
        records: Mutex::new(Vec::new()),
        rendered: AtomicUsize::new(0),
        changed: AtomicU64::new(0),
        changed_bytes: AtomicU64::new(0),
    };

    // Which pages, feeds and index need making, and so which bodies must be read back.
    // Each page: its file, the fingerprint of its inputs, and whether the published file was
    // made from the same.
    let planned: Vec<(Job, String, u64, bool)> = jobs
        .par_iter()
        .zip(files)
        .map(|(&job, file)| {
            let fp = renderer.fingerprint(job);
            let unchanged = emit.unchanged(&file, fp);
            (job, file, fp, unchanged)
        })
        .collect();
    let feeds_on = feeds::has_absolute_base(&site.config);
    let specs = if feeds_on { feeds::specs(&site.config, &site.archive) } else { Vec::new() };
    let feed_fps: Vec<u64> = specs.par_iter().map(|s| renderer.feed_fingerprint(s)).collect();
    // Feeds whose three files were made from the same inputs.
    let feed_kept: Vec<bool> = specs
        .par_iter()
        .zip(&feed_fps)
        .map(|(spec, fp)| spec.files().iter().all(|f| emit.unchanged(f, *fp)))
        .collect();
    let search_fp = renderer.search_fingerprint();
    let search_plan = match &index_prev {
        _ if !site.config.search => SearchPlan::Off,
        Some(((_, fp), _)) if *fp == search_fp => SearchPlan::Keep,
        Some((_, prev)) => match search::update_positions(&site.archive, renderer.entry_keys(), prev) {
            Some(positions) => SearchPlan::Update(positions),
            None => SearchPlan::Full,
        },
        None => SearchPlan::Full,
    };
    let mut needed: Vec<usize> = Vec::new();
    match &search_plan {
        // A whole index reads the text of each bulletin the cache's plain-text log has from
        // there: only the others' bodies are read back and rendered again (at 20,000
        // bulletins, all of them took 0.8 s when one dated among the others was added).
        SearchPlan::Full => needed.extend(unlogged(&site.archive, &cache)),
        SearchPlan::Update(positions) => needed.extend(positions),
        SearchPlan::Off | SearchPlan::Keep => {}
    }
    for (job, _, _, unchanged) in &planned {
        if let Job::Bulletin(i) = job
            && !unchanged
        {
            needed.push(*i);
        }
    }
    if site.config.feed_content != "summary" {
        for (spec, kept) in specs.iter().zip(&feed_kept) {
            if !kept {
                needed.extend(spec.entries(&site.config));
            }
        }
    }
    needed.sort_unstable();
    needed.dedup();
    site.archive.hydrate(&opts.root, &site.config, &site.tz, &needed)?;
    timings.lap("plan pages");

    // Feeds, sitemap and robots.txt need absolute URLs. They are made before the pages, so
    // that each bulletin's HTML can be let go as soon as its page is written.
    let mut warnings = std::mem::take(&mut site.warnings);
    if feeds_on {
        specs
            .par_iter()
            .zip(feed_fps.par_iter().zip(feed_kept.par_iter()))
            .try_for_each(|(spec, (&fp, &kept))| {
                if kept {
                    return spec.files().iter().try_for_each(|f| emit.keep(f));
                }
                feeds::render_spec(&site.config, &site.archive, spec)
                    .iter()
                    .try_for_each(|f| emit.put(&f.path, fp, f.contents.as_bytes()))
            })
            .map_err(|e| io_err("cannot write the feeds", e))?;
        // The sitemap lists every page: it is made again only when what it shows changed.
        let (sitemap_files, sitemap_fp) = feeds::sitemap_plan(&site.config, &site.archive, global_key);
        let sitemap = if sitemap_files.iter().all(|f| emit.unchanged(f, sitemap_fp)) {
            sitemap_files.iter().try_for_each(|f| emit.keep(f))
        } else {
            feeds::sitemaps(&site.config, &site.archive)
                .par_iter()
                .try_for_each(|f| emit.put(&f.path, sitemap_fp, f.contents.as_bytes()))
        };
        sitemap.map_err(|e| io_err("cannot write the sitemap", e))?;
        if site.config.robots {
            let robots = feeds::robots(&site.config);
            emit.put(&robots.path, 0, robots.contents.as_bytes())
                .map_err(|e| io_err("cannot write the sitemap", e))?;
        }
    } else {
        warnings.push(
            Diagnostic::warning("no feeds, sitemap or robots.txt: `base_url` is not an absolute URL")
                .in_file("site.toml")
                .with_hint("set `base_url = \"https://your-site.example/\"` in site.toml"),
        );
    }
    timings.lap("feeds + sitemap");

    let done = AtomicUsize::new(0);
    let total = planned.len();
    let mut errors: Vec<Diagnostic> = planned
        .par_iter()
        .filter_map(|(job, file, fp, unchanged)| {
            let result = if *unchanged {
                emit.keep(file).map_err(|e| io_err("cannot write output", e))
            } else {
                emit.rendered.fetch_add(1, Ordering::Relaxed);
                let written = renderer.render(*job).and_then(|html| {
                    emit.put(file, *fp, &html).map_err(|e| io_err("cannot write output", e))
                });
                // The feeds are made: nothing else shows this body.
                if let Job::Bulletin(i) = job {
                    site.archive.entries[*i].release_html();
                }
                written
            };
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
        return Err(BuildFailure { errors, warnings });
    }
    timings.lap("render + write pages");

    // Every page and feed that shows a body is written; the search index needs plain text only.
    site.archive.release_html();
    // The cards (~2.5 KB a bulletin) are let go on another thread while the index is made.
    let cards = renderer.take_cards();
    let cards_dropped = std::thread::spawn(move || drop(cards));
    // What the search index needs of the renderer, which is done with (it borrows the
    // archive, and the index lets go of each body's text).
    let strings = renderer.strings.clone();
    let entry_keys = renderer.entry_keys().to_vec();
    drop(renderer);

    // Static files: the theme's, then the site's own static/ (which wins).
    let mut statics: std::collections::BTreeMap<String, Option<&[u8]>> = std::collections::BTreeMap::new();
    for (rel, bytes) in site.theme.under("static") {
        statics.insert(rel.to_string(), Some(bytes));
    }
    let site_static = opts.root.join("static");
    for (rel, _, _) in site_static_files(&site_static) {
        statics.insert(rel, None);
    }
    for (rel, bytes) in &statics {
        let result = match bytes {
            Some(b) => emit.put(rel, 0, b),
            None => std::fs::read(site_static.join(rel)).and_then(|b| emit.put(rel, 0, &b)),
        };
        result.map_err(|e| {
            Diagnostic::error(format!("cannot copy static/{rel}: {e}")).in_file(format!("static/{rel}"))
        })?;
    }
    timings.lap("static files");

    let mut index_state = None;
    // Plain texts of bulletins the index no longer has.
    let mut index_removed: Vec<u64> = Vec::new();
    let search_err = |e| io_err("cannot write the search index", e);
    let keep_live_search = |except: &rustc_hash::FxHashSet<String>| -> std::io::Result<()> {
        live.keys()
            .filter(|k| is_index_file(k) && !except.contains(*k))
            .collect::<Vec<_>>()
            .par_iter()
            .try_for_each(|k| emit.keep(k))
    };
    if let SearchPlan::Update(_) = &search_plan
        && let Some((_, prev)) = &index_prev
    {
        // By the path's bytes: hashing a `Path` walks its components.
        let current: rustc_hash::FxHashMap<(&[u8], u64), usize> = site
            .archive
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.bulletin.source.as_os_str().as_encoded_bytes(), e.bulletin.source_hash), i))
            .collect();
        let stored = cache.stored_plain();
        let old_fields = |k: &search::DocKey| -> Option<search::OwnedFields> {
            let plain = || stored(k.source_hash, usize::MAX).ok();
            if let Some(&i) = current.get(&(k.source.as_os_str().as_encoded_bytes(), k.source_hash)) {
                let e = &site.archive.entries[i];
                return Some(search::OwnedFields {
                    title: e.bulletin.title.clone(),
                    summary: e.summary.clone(),
                    plain: e.plain().map(str::to_owned).or_else(plain)?,
                    tags: e.bulletin.tags.clone(),
                    authors: e.bulletin.authors.clone(),
                });
            }
            let key = (k.source.clone(), k.source_hash);
            let p = site.skipped.get(&key).or_else(|| site.previous.get(&key.0, key.1))?;
            Some(search::OwnedFields {
                title: p.bulletin.title.clone(),
                summary: crate::archive::summary_of(&p.bulletin, &p.rendered),
                plain: plain()?,
                tags: p.bulletin.tags.clone(),
                authors: p.bulletin.authors.clone(),
            })
        };
        // The published file, if it is the one the manifest recorded.
        let read = |rel: &str| -> Option<Vec<u8>> {
            let key = format!("search/{rel}");
            let record = live.get(&key)?;
            let bytes = std::fs::read(output::safe_join(&out, &key).ok()?).ok()?;
            (crate::hash::hash_bytes(&bytes) == record.hash).then_some(bytes)
        };
        let format_date = |d: &content::PubDate| strings.format_date(d);
        if let Some(update) = search::update_index(
            &site.archive,
            &format_date,
            &entry_keys,
            prev,
            &old_fields,
            &read,
            Some(&stored),
        )
        .map_err(search_err)?
        {
            let mut touched: rustc_hash::FxHashSet<String> =
                update.removed.iter().map(|r| format!("search/{r}")).collect();
            update
                .files
                .par_iter()
                .try_for_each(|f| emit.put(&format!("search/{}", f.path), 0, &f.bytes))
                .map_err(search_err)?;
            touched.extend(update.files.iter().map(|f| format!("search/{}", f.path)));
            keep_live_search(&touched).map_err(search_err)?;
            let current: rustc_hash::FxHashSet<u64> =
                update.state.docs.iter().map(|d| d.source_hash).collect();
            index_removed = prev
                .docs
                .iter()
                .filter(|d| !current.contains(&d.source_hash))
                .map(|d| d.source_hash)
                .collect();
            index_state = Some(update.state);
            timings.lap("search index (update)");
        }
    }
    if matches!(search_plan, SearchPlan::Keep) {
        keep_live_search(&Default::default()).map_err(search_err)?;
        index_state = index_prev.map(|(_, s)| s);
    } else if site.config.search && index_state.is_none() {
        // Every text the plain-text log lacks is at hand (see "plan pages").
        let unlogged: Vec<usize> = unlogged(&site.archive, &cache).collect();
        site.archive.hydrate(&opts.root, &site.config, &site.tz, &unlogged)?;
        site.archive.release_html();
        // The plain texts go to the cache's log first (those not logged before the pages were
        // rendered): indexing then lets go of each one as soon as its words are found.
        if !matches!(plain_logged, Some(Err(_))) {
            plain_logged = Some(cache.update_plain(&plain_to_log(&site.archive, &cache), &[]));
        }
        let stored = cache.stored_plain();
        let state = search::write_index(
            &mut site.archive,
            &|d| strings.format_date(d),
            &entry_keys,
            Some(&stored),
            plain_logged.as_ref().is_some_and(Result::is_ok),
            &|f| emit.put(&format!("search/{}", f.path), 0, &f.bytes),
        )
        .map_err(|e| io_err("cannot build the search index", e))?;
        let current: rustc_hash::FxHashSet<u64> = state.docs.iter().map(|d| d.source_hash).collect();
        index_removed = cache.plain_hashes().into_iter().filter(|h| !current.contains(h)).collect();
        index_state = Some(state);
        timings.lap("search index");
    }

    let _ = cards_dropped.join();

    // Files of the tree that this build no longer has.
    let records: incremental::Files = emit.records.into_inner().unwrap_or_default().into_iter().collect();
    let gone: Vec<&str> = tree.keys().filter(|k| !records.contains_key(k)).collect();
    gone.par_iter()
        .try_for_each(|k| staging.remove(k))
        .and_then(|()| staging.sweep(&records))
        .map_err(|e| io_err("cannot remove an old output file", e))?;

    let files = emit.changed.load(Ordering::Relaxed);
    let bytes = emit.changed_bytes.load(Ordering::Relaxed);
    let rendered = emit.rendered.load(Ordering::Relaxed);
    let (kept, cleanup) =
        staging.publish().map_err(|e| io_err(&format!("cannot publish to {}", out.display()), e))?;
    timings.lap("publish");
    if let Some(OnPublish(published)) = &opts.on_publish {
        published();
    }

    // Remember what was built. A cache that cannot be written costs the next build time,
    // never correctness.
    let out_id = incremental::dir_id(&out);
    let state = State {
        format: incremental::FORMAT,
        parse_key,
        input_key,
        horizon: site.horizon,
        sources: stats,
        out_id,
        bulletins: site.archive.entries.len(),
        pages: total,
        drafts_skipped: site.drafts_skipped,
        future_skipped: site.future_skipped.clone(),
        warnings: warnings.clone(),
    };
    let outputs = Manifest { dir_id: out_id.unwrap_or_default(), files: records };
    // The published tree before this build is now the spare one.
    // (Its files are known from the manifest of the published tree, which a clean build read
    // before replacing it.)
    let kept_files = if live_known { Some(std::mem::take(&mut live)) } else { replaced.map(|m| m.files) };
    let spare_manifest = kept
        .zip(kept_files)
        .and_then(|(p, files)| incremental::dir_id(&p).map(|id| Manifest { dir_id: id, files }));
    let index_state = index_state.filter(|_| out_id.is_some());
    // The cache's files are encoded together, and written one after the other below.
    let ((index_bytes, outputs_bytes), (spare_bytes, state_bytes)) = rayon::join(
        || {
            rayon::join(
                || index_state.as_ref().map(|s| incremental::encode_index((global_key, search_fp), s)),
                || incremental::encode(&outputs),
            )
        },
        || rayon::join(|| spare_manifest.as_ref().map(incremental::encode), || incremental::encode(&state)),
    );
    // The index state goes first: whenever the outputs manifest (saved after it) describes
    // the published tree, the index state describes that tree's index.
    let mut index_saved = true;
    if let Some(index_bytes) = index_bytes {
        // The plain text of each indexed bulletin, for the next update to see what changed
        // (a full build logged it before indexing).
        let logged = match plain_logged {
            Some(logged) => logged.and_then(|()| cache.update_plain(&[], &index_removed)),
            None => cache.update_plain(&plain_to_log(&site.archive, &cache), &index_removed),
        };
        let saved = logged.and_then(|()| cache.save_index(&index_bytes?));
        if let Err(e) = saved {
            cache.forget_index();
            index_saved = false;
            warnings.push(
                Diagnostic::warning(format!("cannot write the build cache: {e}"))
                    .with_hint("the site was published; the next build will be a full one"),
            );
        }
    } else {
        cache.forget_index();
    }
    let shape_saved = site.new_shape.as_ref().map_or(Ok(()), |s| cache.save_shape(s));
    if out_id.is_some()
        && index_saved
        && let Err(e) = shape_saved.and_then(|()| {
            let parsed = std::mem::take(&mut site.parsed).into_iter().collect::<std::io::Result<Vec<_>>>()?;
            let spare = spare_bytes.transpose()?;
            cache.save(&state_bytes?, (&parsed, site.parsed_rewrite), &outputs_bytes?, spare.as_deref())
        })
    {
        warnings.push(
            Diagnostic::warning(format!("cannot write the build cache: {e}"))
                .with_hint("the site was published; the next build will be a full one"),
        );
    }
    cleanup.finish();
    timings.lap("save cache");
    let report = BuildReport {
        out,
        bulletins: site.archive.entries.len(),
        pages: total,
        rendered,
        files,
        bytes,
        drafts_skipped: site.drafts_skipped,
        future_skipped: std::mem::take(&mut site.future_skipped),
        warnings,
        elapsed: started.elapsed(),
        timings,
    };
    // Letting go of every bulletin, plan and manifest is about 6% of an edit build's CPU at
    // 20,000 bulletins (measured with perf). When the process ends next, the operating system
    // takes the memory back at once (an edit build at 20,000: median 181 → 172 ms); otherwise
    // it happens on another thread, and the caller has its report at once.
    let held = (site, cache, live, tree, planned);
    if opts.ends_process {
        std::mem::forget(held);
    } else {
        std::thread::spawn(move || drop(held));
    }
    Ok(report)
}

/// Makes the spare tree now, if there is none, so that the next build after an edit is as
/// quick as the ones after it (`bantin serve` calls this after its first build, while the
/// editor is still reading). Returns whether one was made.
pub fn prepare_spare(opts: &BuildOptions) -> std::io::Result<bool> {
    let profile = profile(opts);
    let Some(_lock) = Cache::empty(&opts.root, profile).lock().ok() else { return Ok(false) };
    let mut cache = Cache::open(&opts.root, profile);
    let Ok(config) = Config::load(&opts.root) else { return Ok(false) };
    let out = out_dir(opts, &config);
    cache.load_manifests(&out, &Staging::spare_path(&out));
    let (Some(live), None) = (cache.outputs.take(), cache.spare.as_ref()) else { return Ok(false) };
    let files: Vec<&str> = live.files.keys().collect();
    let spare = Staging::link_spare(&out, &files)?;
    let Some(dir_id) = incremental::dir_id(&spare) else { return Ok(false) };
    cache.save_spare(&Manifest { dir_id, files: live.files })?;
    Ok(true)
}

/// Two pages must never write the same file (a bulletin slugged `tags` under a `/{slug}/`
/// permalink, say).
pub fn check_unique_outputs(
    jobs: &[Job],
    files: &[String],
    archive: &Archive,
) -> Result<(), Vec<Diagnostic>> {
    let mut seen: rustc_hash::FxHashMap<&str, Job> = Default::default();
    seen.reserve(files.len());
    let mut errors = Vec::new();
    for (&job, file) in jobs.iter().zip(files) {
        if let Some(prev) = seen.insert(file, job) {
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

/// The files of the site's `static/` folder: (path relative to it, size, modification time).
fn site_static_files(dir: &Path) -> Vec<(String, u64, i64)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            let (len, mtime) = e.metadata().map_or((0, 0), |m| (m.len(), crate::hash::mtime_nanos(&m)));
            (crate::render::slash_path(rel), len, mtime)
        })
        .collect()
}
