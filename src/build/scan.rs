//! The scan stage: configuration, theme, and each source file's size, time and hash (read,
//! and parsed at once, only when they changed since the cached build), with the keys every
//! later stage starts from: the parse key, the global key and the key of the whole input.

use std::sync::Arc;

use rayon::prelude::*;

use super::cached::{self, Cached};
use super::report::{BuildFailure, Timings};
use super::statics;
use super::{BuildOptions, out_dir, profile};
use crate::archive::{Put, Spill, spill_failed};
use crate::cache::{Encoded, SourceStat};
use crate::config::Config;
use crate::content::{self, Parsed};
use crate::diag::Diagnostic;
use crate::hash::Fingerprint;
use crate::output::{self, Manifest, Staging};
use crate::render::Theme;

/// How recent a file's modification time must be for its time and size not to be trusted
/// next time: more than any file system's timestamp granularity.
const RACY_NANOS: i64 = 2_000_000_000;

/// A bulletin parsed in this build: held, with its record for the cache's log; or, when the
/// memory budget would not hold every bulletin parsed, only where its record and its body went
/// in the spill file (the archive is made of the records read back, a batch at a time).
pub(super) enum Fresh {
    Held(Box<Parsed>, std::io::Result<Encoded>),
    Spilled { record: Put, body: [Put; 2] },
}
/// A source parsed in this build, or what was wrong with it (boxed: most sources are not).
pub(super) type FreshResult = Box<Result<Fresh, Vec<Diagnostic>>>;

/// One source file found by the scan: its record, and the bulletin parsed from it when it
/// had to be read (and the cache did not have it).
pub(super) struct Source {
    pub stat: SourceStat,
    pub fresh: Option<FreshResult>,
}

/// Parses a source read in this build; its body goes to `spill` when given.
pub(super) fn parse_fresh(
    source: &content::SourceFile,
    tz: &jiff::tz::TimeZone,
    config: &Config,
    spill: Option<&Spill>,
) -> Result<Fresh, Vec<Diagnostic>> {
    let p = content::parse(source, tz, config.unsafe_html)?;
    let record = super::cached::encode_parsed(&mut p.without_body()).map(|r| r.as_slice().to_vec());
    let (Some(spill), Ok(bytes)) = (spill, &record) else { return Ok(Fresh::Held(Box::new(p), record)) };
    let r = &p.rendered;
    let put = || {
        Ok(Fresh::Spilled {
            body: [spill.put(&r.html)?, spill.put(&r.plain)?],
            record: spill.put_bytes(bytes)?,
        })
    };
    put().map_err(|e: std::io::Error| vec![spill_failed("write to the build's spill file", e)])
}

/// The keys every later stage starts from.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    /// Binary, time zone and `unsafe_html`: what parsing and Markdown depend on.
    pub parse: u64,
    /// What every page depends on: binary, configuration, theme (its templates and strings),
    /// options.
    pub global: u64,
    /// `global`, every source, and the theme's and the site's static files: equal means nothing to do
    /// (`None` when an input changed too recently to be known unchanged next time).
    pub input: Option<u64>,
}

/// The site as first seen: configuration, theme, and each source's size, time and hash
/// (read only when they changed since the cached build).
pub struct Scan {
    pub config: Config,
    pub theme: Theme,
    pub tz: jiff::tz::TimeZone,
    pub sources: Vec<Source>,
    /// The files under `content/` other than bulletins: pictures, attachments.
    pub assets: Vec<content::Found>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
    pub keys: Keys,
    /// The build's now, in seconds ([`crate::clock::now`]).
    pub now: i64,
    /// A clean build makes a whole new tree, over the spare one if there is one: what that
    /// holds is listed ([`Staging::survey`]) while the bulletins are read and parsed, and
    /// the manifest of the published tree, which becomes the spare one, is read.
    pub survey: Option<Survey>,
    /// Where the bodies parsed went, when the memory budget would not hold them.
    pub spill: Option<Arc<Spill>>,
    /// The memory budget, in bytes.
    pub budget: u64,
}

/// The listing of the tree a clean build writes over, made on another thread.
pub type Survey = std::thread::JoinHandle<(Option<output::Survey>, Option<Manifest>)>;

/// Scans the site: configuration, theme, sources, and the keys.
pub fn scan(opts: &BuildOptions, cached: &mut Cached) -> Result<Scan, BuildFailure> {
    let root = &opts.root;
    let mut timings = Timings::start();
    let config = Config::load(root)?;
    let survey = opts.clean.then(|| {
        let (out, root, profile) = (out_dir(opts, &config), root.clone(), profile(opts));
        std::thread::spawn(move || (Staging::survey(&out), cached::published_manifest(&root, profile, &out)))
    });
    let theme = Theme::load(root, &config.theme)?;
    let tz = config.zone()?;
    let now = crate::clock::now()?.as_second();
    // A file changed within the clock's granularity of this scan could change again
    // without its time or size changing: such "racy" files are recorded as unknown, so the
    // next build reads them again (as git does for its index).
    let racy_after = racy_after();
    let binary =
        Fingerprint::new().u64(crate::hash::binary_id()).u64(u64::from(crate::cache::FORMAT)).finish();
    let parse_key =
        Fingerprint::new().u64(binary).str(&config.timezone).u64(u64::from(config.unsafe_html)).finish();
    let content_dir = root.join("content");
    // The cache's state is read while content/ is listed (each takes a good part of a build
    // with nothing to do); and its parsed bulletins too when a change is expected (listing
    // 20,000 files and decoding their cached bulletins each take ~45 ms).
    let expect_changes = opts.expect_changes && !opts.clean;
    let (found, ()) = rayon::join(
        || content::discover(root, &content_dir),
        || {
            cached.read_state();
            if expect_changes {
                cached.load_parsed(parse_key, &tz);
            }
        },
    );
    timings.lap(if expect_changes { "discover + read cache" } else { "discover" });
    let mut errors = found.errors;
    let budget = super::budget::budget(opts.max_memory);
    let read = ReadContext { root, tz: &tz, config: &config, racy_after, parse_key, budget };
    let (sources, spill, bodies_to_disk) = read_sources(found.files, cached, &read, &mut errors);
    timings.lap(if bodies_to_disk {
        "read + parse + markdown (bodies to disk)"
    } else {
        "read + parse + markdown"
    });
    let global = global_key(binary, &config, &theme, opts.live_reload)?;
    let input = input_key(global, parse_key, opts, (&sources, &found.assets), &theme, root, racy_after);
    let keys = Keys { parse: parse_key, global, input };
    let (warnings, assets) = (found.warnings, found.assets);
    Ok(Scan {
        config,
        theme,
        tz,
        sources,
        assets,
        errors,
        warnings,
        timings,
        keys,
        now,
        survey,
        spill,
        budget,
    })
}

/// The time (nanoseconds since 1970) after which a file's change is too recent for its size
/// and time to be trusted next time ([`RACY_NANOS`]).
pub(super) fn racy_after() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(i64::MAX, |d| d.as_nanos() as i64 - RACY_NANOS)
}

/// What reading a source needs.
struct ReadContext<'a> {
    root: &'a std::path::Path,
    tz: &'a jiff::tz::TimeZone,
    config: &'a Config,
    /// Files changed after this (nanoseconds) are racy.
    racy_after: i64,
    parse_key: u64,
    /// The memory budget, in bytes.
    budget: u64,
}

impl ReadContext<'_> {
    /// A file's time as the cache records it: `None` when it is too recent to be trusted.
    fn trusted(&self, mtime: i64) -> Option<i64> {
        (mtime < self.racy_after).then_some(mtime)
    }
}

/// A source as the scan first knows it: by the cache's record of its text (by the same size
/// and time, or, for a file the cache knows by another size or time, by reading it), or only
/// as content/ was listed (it is read).
enum Stat {
    Known(SourceStat),
    Unknown(content::Found),
}

/// `f` read again: known when its text hashes to `hash` (the text the cache has).
fn same_text(read: &ReadContext, f: content::Found, hash: u64) -> Stat {
    let same = content::read_source(read.root, &read.root.join(&f.path))
        .is_ok_and(|text| crate::hash::hash_bytes(text.text.as_bytes()) == hash);
    if !same {
        return Stat::Unknown(f);
    }
    let mtime = read.trusted(f.mtime);
    Stat::Known(SourceStat { path: f.path, len: f.len, mtime, hash })
}

/// Each source's record: the cache's, when its size and time are the same; else read, hashed
/// and (unless the cache has that version) parsed at once, on the thread that read it, and its
/// text let go: no text waits for all the others to be read. The bodies parsed go to a spill
/// file (returned, and whether they go there) when the memory budget would not hold them;
/// there is one too when the archive would not fit it (see [`super::budget::archive_tight`]).
fn read_sources(
    files: Vec<content::Found>,
    cached: &mut Cached,
    read: &ReadContext,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Source>, Option<Arc<Spill>>, bool) {
    let known = &cached.cache.state.sources;
    // The cache lists the sources in the order content/ was listed for it: each is looked for
    // at its own place first, and by its path only when sources came or went since (a map of
    // 1,000,000 paths took a tenth of a second on one core, in a build with nothing to do).
    let by_path: std::sync::OnceLock<rustc_hash::FxHashMap<&[u8], &SourceStat>> = std::sync::OnceLock::new();
    // By the path's bytes: hashing or comparing a `Path` walks its components.
    fn bytes(p: &std::path::Path) -> &[u8] {
        p.as_os_str().as_encoded_bytes()
    }
    let find = |i: usize, f: &content::Found| {
        let path = bytes(&f.path);
        known.get(i).filter(|k| bytes(&k.path) == path).or_else(|| {
            by_path.get_or_init(|| known.iter().map(|k| (bytes(&k.path), k)).collect()).get(path).copied()
        })
    };
    let stats: Vec<Stat> = files
        .into_par_iter()
        .enumerate()
        .map(|(i, f)| match find(i, &f) {
            Some(k) if k.len == f.len && k.mtime == Some(f.mtime) => {
                Stat::Known(SourceStat { path: f.path, len: f.len, mtime: k.mtime, hash: k.hash })
            }
            // Saved again, touched or checked out anew: when its text is the one the cache
            // has, the cache's parsed bulletins need not even be read. (A file that did
            // change is read again below: only its hash is kept here.)
            Some(k) => same_text(read, f, k.hash),
            None => Stat::Unknown(f),
        })
        .collect();
    drop(by_path);
    if stats.iter().any(|s| matches!(s, Stat::Unknown(_))) {
        cached.load_parsed(read.parse_key, read.tz);
    }
    // What will be parsed: the sources the cache does not know, and every one when its parsed
    // log cannot be used (written under another parse key: another bantin, time zone or
    // `unsafe_html`), for then the load stage parses them all.
    let log_usable = cached.cache.parsed_usable(read.parse_key);
    let to_read: u64 = stats
        .iter()
        .filter_map(|s| match s {
            Stat::Unknown(f) => Some(f.len),
            Stat::Known(k) => (!log_usable).then_some(k.len),
        })
        .sum();
    let tight = super::budget::archive_tight(read.budget, stats.len() as u64);
    let bodies_to_disk = super::budget::spill_bodies(read.budget, to_read);
    let spill = (tight || bodies_to_disk).then(|| {
        Spill::create(&read.root.join(crate::cache::CACHE_DIR))
            .map(Arc::new)
            .map_err(|e| errors.push(spill_failed("make the build's spill file", e)))
    });
    let spill = spill.and_then(Result::ok);
    let parsed = &cached.parsed;
    let scanned: Vec<Result<Source, Diagnostic>> = stats
        .into_par_iter()
        .map(|stat| {
            let f = match stat {
                Stat::Known(stat) => return Ok(Source { stat, fresh: None }),
                Stat::Unknown(f) => f,
            };
            let text = content::read_source(read.root, &read.root.join(&f.path))?;
            let hash = crate::hash::hash_bytes(text.text.as_bytes());
            let mtime = read.trusted(f.mtime);
            let fresh = (!parsed.contains(&f.path, hash))
                .then(|| Box::new(parse_fresh(&text, read.tz, read.config, spill.as_deref())));
            Ok(Source { stat: SourceStat { path: f.path, len: f.len, mtime, hash }, fresh })
        })
        .collect();
    let mut sources = Vec::with_capacity(scanned.len());
    for s in scanned {
        match s {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    let bodies_to_disk = bodies_to_disk && spill.is_some();
    (sources, spill, bodies_to_disk)
}

/// A theme file that no page is made from: its `static/` files are copied as they are, and
/// a page only links to them, so a changed style sheet or script re-renders nothing (it is in
/// the input key, so the build that copies it still happens).
fn copied_as_is(theme_file: &str) -> bool {
    theme_file.starts_with("static/")
}

/// The key of what every page depends on: binary, configuration, theme (its templates and
/// strings, not its static files), live reload.
fn global_key(binary: u64, config: &Config, theme: &Theme, live_reload: bool) -> Result<u64, Diagnostic> {
    let mut global = Fingerprint::new();
    global
        .u64(binary)
        .json(config)
        .map_err(|e| Diagnostic::error(format!("cannot make the key of site.toml's settings: {e}")))?
        .u64(u64::from(live_reload));
    for (name, bytes) in theme.files.iter().filter(|(name, _)| !copied_as_is(name)) {
        global.str(name).bytes(bytes);
    }
    Ok(global.finish())
}

/// The key of the whole input; `None` with a racy photo or static file (one known by its size
/// and time alone, which cannot tell it unchanged next time). A racy bulletin does not make it
/// `None`: its part of the key is the hash of the text this build read, and it is recorded
/// without its time, so the next build reads it again before comparing keys. A build right
/// after an edit whose file turns out the same is then one with nothing to do.
fn input_key(
    global: u64,
    parse: u64,
    opts: &BuildOptions,
    (sources, assets): (&[Source], &[content::Found]),
    theme: &Theme,
    root: &std::path::Path,
    racy_after: i64,
) -> Option<u64> {
    let mut input = Fingerprint::new();
    input.u64(global).u64(parse).u64(u64::from(opts.drafts)).u64(u64::from(opts.future));
    for (name, bytes) in theme.files.iter().filter(|(name, _)| copied_as_is(name)) {
        input.str(name).bytes(bytes);
    }
    for s in sources {
        input.path(&s.stat.path).u64(s.stat.hash);
    }
    let mut racy = false;
    for p in assets {
        input.path(&p.path).u64(p.len).u64(p.mtime as u64);
        racy |= p.mtime >= racy_after;
    }
    for (rel, len, mtime) in statics::site_files(&root.join("static")) {
        input.str(&rel).u64(len).u64(mtime as u64);
        racy |= mtime >= racy_after;
    }
    (!racy).then(|| input.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn scan_of(root: &std::path::Path) -> Scan {
        let opts = BuildOptions { root: root.to_path_buf(), ..BuildOptions::default() };
        let mut cached = Cached::open(root, "test", true);
        scan(&opts, &mut cached).unwrap_or_else(|f| panic!("{:?}", f.errors))
    }

    const ONE: &str = "---\ntitle: \"Mưa lớn\"\ndate: 2024-01-02\n---\nThân bài.\n";

    #[test]
    fn the_keys_follow_the_sources_the_settings_and_fresh_files() {
        let dir = site(&[("site.toml", "title = \"Tin\"\n"), ("content/a.md", ONE)]);
        let first = scan_of(dir.path());
        assert_eq!(first.sources.len(), 1);
        assert!(first.sources[0].fresh.is_some(), "an empty cache: parsed at once");
        // Just written: its time cannot be trusted (it is read again next time), but the input
        // key is made of what was read.
        assert_eq!(first.sources[0].stat.mtime, None);
        assert!(first.keys.input.is_some());
        // The same input, scanned again: the same keys (the file is still fresh, read again).
        let again = scan_of(dir.path());
        assert_eq!((first.keys.parse, first.keys.global), (again.keys.parse, again.keys.global));
        assert_eq!(first.keys.input, again.keys.input);
        // Its text changed, even with its size and time kept: another input key.
        let path = dir.path().join("content/a.md");
        let time = std::fs::metadata(&path).and_then(|m| m.modified()).expect("time");
        std::fs::write(&path, ONE.replace("Mưa", "Gió")).expect("write");
        std::fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(time)).expect("time");
        assert_ne!(scan_of(dir.path()).keys.input, first.keys.input);
        // Another setting changes the global key, not the parse key; the time zone both.
        std::fs::write(dir.path().join("site.toml"), "title = \"Tin khác\"\n").expect("write");
        let retitled = scan_of(dir.path());
        assert_eq!(retitled.keys.parse, first.keys.parse);
        assert_ne!(retitled.keys.global, first.keys.global);
        std::fs::write(dir.path().join("site.toml"), "title = \"Tin\"\ntimezone = \"UTC\"\n").expect("write");
        let utc = scan_of(dir.path());
        assert_ne!(utc.keys.parse, first.keys.parse);
        assert_ne!(utc.keys.global, first.keys.global);
    }

    #[test]
    fn a_file_saved_again_with_the_same_text_is_known_without_the_parsed_bulletins() {
        let dir = site(&[
            ("site.toml", "title = \"Tin\"\nbase_url = \"https://tin.example/\"\n"),
            ("content/a.md", ONE),
            ("content/b.md", &ONE.replace("Mưa", "Gió")),
        ]);
        let set_time = |rel: &str, ago: u64| {
            let time = std::time::SystemTime::now() - std::time::Duration::from_secs(ago);
            let file = std::fs::File::options().write(true).open(dir.path().join(rel)).expect("open");
            file.set_modified(time).expect("time");
            // As the file system keeps it (some keep less than nanoseconds).
            file.metadata().and_then(|m| m.modified()).expect("time")
        };
        // Times old enough to be trusted, then a build: the cache knows both files by them.
        set_time("content/a.md", 3600);
        set_time("content/b.md", 3600);
        let opts = BuildOptions { root: dir.path().to_path_buf(), ..BuildOptions::default() };
        crate::build::build(&opts).unwrap_or_else(|f| panic!("{:?}", f.errors));
        // a.md saved again with the same text: read again, known, and the parsed bulletins
        // are not read at all.
        let touched = set_time("content/a.md", 1800);
        let mut cached = Cached::open(dir.path(), "build", false);
        let scanned = scan(&opts, &mut cached).unwrap_or_else(|f| panic!("{:?}", f.errors));
        assert!(scanned.sources.iter().all(|s| s.fresh.is_none()));
        assert!(!cached.parsed_looked_for());
        let a = scanned.sources.iter().find(|s| s.stat.path.ends_with("a.md")).expect("a.md");
        let nanos = touched.duration_since(std::time::UNIX_EPOCH).expect("time").as_nanos() as i64;
        assert_eq!(a.stat.mtime, Some(nanos), "its new time is recorded");
        assert_eq!(scanned.keys.input, cached.cache.state.input_key, "the same input");
        // A build then has nothing to do, and keeps the new time: the next one need not read
        // the file again.
        let report = crate::build::build(&opts).unwrap_or_else(|f| panic!("{:?}", f.errors));
        assert_eq!(report.rendered, 0);
        let known = Cached::open(dir.path(), "build", false).cache.state.sources;
        let a = known.iter().find(|s| s.path.ends_with("a.md")).expect("a.md");
        assert_eq!(a.mtime, Some(nanos));
        // b.md with another text: parsed.
        std::fs::write(dir.path().join("content/b.md"), ONE.replace("Mưa", "Nắng")).expect("write");
        let mut cached = Cached::open(dir.path(), "build", false);
        let scanned = scan(&opts, &mut cached).unwrap_or_else(|f| panic!("{:?}", f.errors));
        let b = scanned.sources.iter().find(|s| s.stat.path.ends_with("b.md")).expect("b.md");
        assert!(matches!(b.fresh.as_deref(), Some(Ok(_))), "the changed file is parsed");
        assert!(cached.parsed_looked_for());
    }

    #[test]
    fn sources_come_and_go_and_the_others_are_still_known_by_their_paths() {
        let dir = site(&[("content/b.md", ONE), ("content/c.md", ONE), ("content/d/e.md", ONE)]);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let age = |rel: &str| {
            let file = std::fs::File::options().write(true).open(dir.path().join(rel)).expect("open");
            file.set_modified(old).expect("time");
        };
        ["content/b.md", "content/c.md", "content/d/e.md"].into_iter().for_each(age);
        let opts = BuildOptions { root: dir.path().to_path_buf(), ..BuildOptions::default() };
        crate::build::build(&opts).unwrap_or_else(|f| panic!("{:?}", f.errors));
        // One gone: the sources after it are at other places in the listing than in the
        // cache's, and known all the same (by their paths), so the cache's parsed bulletins
        // are not even read.
        std::fs::remove_file(dir.path().join("content/c.md")).expect("remove");
        let mut cached = Cached::unread(dir.path(), "build", false);
        let scanned = scan(&opts, &mut cached).unwrap_or_else(|f| panic!("{:?}", f.errors));
        let paths: Vec<&std::path::Path> = scanned.sources.iter().map(|s| s.stat.path.as_path()).collect();
        assert_eq!(paths, [std::path::Path::new("content/b.md"), std::path::Path::new("content/d/e.md")]);
        assert!(scanned.sources.iter().all(|s| s.fresh.is_none() && s.stat.mtime.is_some()));
        assert!(!cached.parsed_looked_for(), "every source known by its size and time");
        // And one before them all: only that one is parsed.
        std::fs::write(dir.path().join("content/a.md"), ONE.replace("Mưa", "Gió")).expect("write");
        age("content/a.md");
        let mut cached = Cached::unread(dir.path(), "build", false);
        let scanned = scan(&opts, &mut cached).unwrap_or_else(|f| panic!("{:?}", f.errors));
        let fresh: Vec<bool> = scanned.sources.iter().map(|s| s.fresh.is_some()).collect();
        assert_eq!(fresh, [true, false, false], "only the new source is parsed");
        assert!(scanned.sources.iter().all(|s| s.stat.mtime.is_some()), "known by size and time");
    }

    #[test]
    fn a_broken_source_is_an_error_of_the_scan_and_the_others_are_still_read() {
        let dir = site(&[("content/a.md", ONE), ("content/b.md", "---\ntitle: [\n---\n")]);
        let scanned = scan_of(dir.path());
        assert_eq!(scanned.sources.len(), 2);
        let parsed: Vec<bool> =
            scanned.sources.iter().map(|s| matches!(s.fresh.as_deref(), Some(Ok(_)))).collect();
        assert_eq!(parsed.iter().filter(|ok| **ok).count(), 1, "one parses, one does not");
    }
}
