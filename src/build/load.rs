//! The load stage: every bulletin, from the cache when its source is unchanged, else parsed;
//! drafts and future bulletins left out; the archive built (sorted, grouped, paginated) once,
//! to be only borrowed afterwards.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::BuildOptions;
use super::cached::Cached;
use super::report::{BuildFailure, Timings};
use super::scan::{self, Fresh, FreshResult, Scan, Source};
use crate::archive::{Archive, Put, Shape, Spill};
use crate::cache::{Encoded, ParsedLog};
use crate::config::Config;
use crate::content::{self, Parsed};
use crate::diag::Diagnostic;
use crate::render::Theme;

/// A site loaded and checked, ready to render: the stage `build` and `check` share.
pub struct LoadedSite {
    /// The errors of the bulletins that could not be read, when the archive of the others
    /// was made all the same: the build fails with them ([`super::photos::unless_broken`]),
    /// told with every problem of the others' pictures.
    pub broken: Vec<Diagnostic>,
    /// The site root.
    pub root: PathBuf,
    /// The build's now, in seconds.
    pub now: i64,
    pub config: Config,
    pub theme: Theme,
    pub tz: jiff::tz::TimeZone,
    pub archive: Archive,
    /// The files under `content/` other than bulletins, for bulletins to show (pictures) or
    /// link (attachments).
    pub assets: Vec<crate::content::Found>,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
    /// Bulletins parsed in this build, as the cache keeps them; with `parsed_rewrite`, every
    /// bulletin (the cache's log is rewritten rather than appended to).
    pub(super) parsed: Vec<RecordAt>,
    pub(super) parsed_rewrite: bool,
    /// Bulletins left out (drafts, future), as parsed.
    pub(super) skipped: HashMap<(PathBuf, u64), Parsed>,
    /// The earliest date of a scheduled bulletin (dated after the build's clock).
    pub(super) horizon: Option<i64>,
    /// The earliest end of a bulletin's time at the head of the home page, after the clock.
    pub(super) featured_until: Option<i64>,
    /// Cached versions of bulletins that have changed since.
    pub(super) previous: ParsedLog<Box<Parsed>>,
    /// The key of the archive's shape, when it is not the one the cache has.
    pub(super) new_shape: Option<u64>,
    /// The build's spill file: where the bodies parsed in this build went, when the memory
    /// budget would not hold them, or made later for what another stage puts on disk
    /// ([`LoadedSite::spill_file`]).
    spill: std::sync::OnceLock<std::sync::Arc<Spill>>,
    /// The cache's log of parsed bulletins, when summaries are read back from it.
    log_spill: Option<std::sync::Arc<Spill>>,
    /// The memory budget, in bytes.
    pub(super) budget: u64,
}

impl LoadedSite {
    /// The build's spill file, if it has one yet.
    pub(super) fn spill(&self) -> Option<&std::sync::Arc<Spill>> {
        self.spill.get()
    }

    /// Whether every text read back from the build's spill file and the cache's log was read
    /// whole; else what went wrong (pages were made without it: the build must fail).
    pub(super) fn check_spills(&self) -> Result<(), String> {
        self.spill().map_or(Ok(()), |s| s.check())?;
        self.log_spill.as_ref().map_or(Ok(()), |s| s.check())
    }

    /// The build's spill file if it has one (the budget is tight), else one made now when
    /// `tight` (what the caller holds would not fit the budget); `None` otherwise.
    pub(super) fn spill_if(&self, tight: bool) -> Result<Option<&std::sync::Arc<Spill>>, Diagnostic> {
        if self.spill().is_some() || tight { self.spill_file().map(Some) } else { Ok(None) }
    }

    /// The build's spill file, made now if it has none: every text put there is read back
    /// through it, and the build checks it ([`Spill::check`]) before it publishes.
    pub(super) fn spill_file(&self) -> Result<&std::sync::Arc<Spill>, Diagnostic> {
        if let Some(spill) = self.spill.get() {
            return Ok(spill);
        }
        let made = Spill::create(&self.root.join(crate::cache::CACHE_DIR))
            .map_err(|e| crate::archive::spill_failed("make the build's spill file", e))?;
        Ok(self.spill.get_or_init(|| std::sync::Arc::new(made)))
    }
}

/// A bulletin's record for the cache's log: its bytes, or where they are in the spill file.
pub(super) enum RecordAt {
    Held(std::io::Result<Encoded>),
    Spilled(Put),
}

impl RecordAt {
    /// The record's bytes (read back from `spill` when they went there).
    pub(super) fn bytes(self, spill: Option<&Spill>) -> std::io::Result<Encoded> {
        match (self, spill) {
            (RecordAt::Held(bytes), _) => bytes,
            (RecordAt::Spilled(at), Some(spill)) => spill.get_bytes(at),
            (RecordAt::Spilled(_), None) => {
                Err(std::io::Error::other("a record spilled without a spill file"))
            }
        }
    }
}

/// A bulletin as the loop over the sources takes it. Its `Parsed` is boxed (about 600 bytes,
/// moved from the log's reader through a batch and a channel to the archive's list: at
/// 100,000 bulletins, copying them took a tenth of the archive stage).
enum Taken {
    /// From the cache's log, at that place in it (with its record again when the log is
    /// rewritten).
    Cached(Box<Parsed>, usize, Option<RecordAt>),
    /// Parsed in this build, with its record for the log.
    Parsed(Result<(Box<Parsed>, RecordAt), Vec<Diagnostic>>),
    /// Neither (not to be published).
    Nothing,
}

/// A source as a batch takes it: where its record is in the cache's log (when reused), and
/// what the scan parsed of it (when it did).
type Pending<'a> = ((&'a Source, Option<usize>), Option<FreshResult>);

/// A batch of sources made ready to join the archive, in parallel: each unchanged one's
/// record read from the cache's `log` (the batch's read together) and decoded, each parsed in
/// this build taken ([`take_fresh`]), and the source of a record the log could not give back
/// (damaged) read and parsed again. `rewrite`: the log is written anew, so each record taken
/// from it is encoded again.
fn make_ready(
    batch: Vec<Pending<'_>>,
    log: &ParsedLog<Box<Parsed>>,
    root: &std::path::Path,
    tz: &jiff::tz::TimeZone,
    config: &Config,
    spill: Option<&Spill>,
    rewrite: bool,
) -> Vec<Taken> {
    // The batch's records in the log, read together.
    let wanted: Vec<(usize, &std::path::Path, u64)> = batch
        .iter()
        .filter_map(|((s, reused), fresh)| match (reused, fresh) {
            (Some(place), None) => Some((*place, s.stat.path.as_path(), s.stat.hash)),
            _ => None,
        })
        .collect();
    let mut records = log.get_many(&wanted).into_iter();
    let batch: Vec<_> = batch
        .into_iter()
        .map(|((s, reused), fresh)| {
            let record = if fresh.is_none() && reused.is_some() { records.next().flatten() } else { None };
            (s, reused, fresh, record)
        })
        .collect();
    batch
        .into_par_iter()
        .map(|(s, reused, fresh, record)| {
            let path = &s.stat.path;
            if let Some(f) = fresh {
                return Taken::Parsed(take_fresh(*f, spill, tz, path));
            }
            let Some(place) = reused else {
                return Taken::Nothing;
            };
            if let Some(mut p) = record {
                p.rendered.loaded = false;
                let record = rewrite.then(|| RecordAt::Held(super::cached::encode_parsed(&mut p)));
                return Taken::Cached(p, place, record);
            }
            Taken::Parsed(take_fresh(parse_again(root, path, tz, config, spill), spill, tz, path))
        })
        .collect()
}

/// The source at `path` (relative to `root`) read and parsed: one the scan did not parse
/// whose record the cache's log cannot give (missing or damaged).
fn parse_again(
    root: &std::path::Path,
    path: &std::path::Path,
    tz: &jiff::tz::TimeZone,
    config: &Config,
    spill: Option<&Spill>,
) -> Result<Fresh, Vec<Diagnostic>> {
    content::read_source(root, &root.join(path))
        .map_err(|d| vec![d])
        .and_then(|source| scan::parse_fresh(&source, tz, config, spill))
}

/// A bulletin parsed in this build (the source at `path`), with its record for the cache's
/// log; one whose record and body went to the spill file is read back: its record decoded,
/// its body left where it is.
fn take_fresh(
    fresh: Result<Fresh, Vec<Diagnostic>>,
    spill: Option<&Spill>,
    tz: &jiff::tz::TimeZone,
    path: &std::path::Path,
) -> Result<(Box<Parsed>, RecordAt), Vec<Diagnostic>> {
    let (record, body) = match fresh? {
        Fresh::Held(p, record) => return Ok((p, RecordAt::Held(record))),
        Fresh::Spilled { record, body } => (record, body),
    };
    let failed = |e: &dyn std::fmt::Display| {
        vec![
            crate::archive::spill_failed("read the parsed bulletin back from the build's spill file", e)
                .in_file(path),
        ]
    };
    let bytes = RecordAt::Spilled(record).bytes(spill).map_err(|e| failed(&e))?;
    let mut p =
        super::cached::decode_parsed(&bytes, tz).ok_or_else(|| failed(&"its record does not decode"))?;
    (p.rendered.loaded, p.rendered.spilled) = (true, Some(body));
    Ok((Box::new(p), RecordAt::Spilled(record)))
}

/// Puts the held summaries of `entries` in `spill`, when there is one.
fn spill_summaries(
    entries: &mut [crate::archive::Entry],
    spill: Option<&std::sync::Arc<Spill>>,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(spill) = spill else { return };
    if let Err(e) = crate::archive::Summary::spill_held(entries.iter_mut().map(|e| &mut e.summary), spill) {
        errors.push(crate::archive::spill_failed("write a summary to the build's spill file", e));
    }
}

/// Reads the configuration, theme and every bulletin, and builds the archive.
/// `bantin check` calls this: nothing is read from or written to a build cache.
pub fn load_uncached(opts: &BuildOptions) -> Result<LoadedSite, BuildFailure> {
    let mut cached = Cached::open(&opts.root, "check", true);
    let scanned = scan::scan(opts, &mut cached)?;
    load(opts, scanned, &mut cached)
}

/// Reads the bulletins the scan found (from the cache when it has them) and builds the archive.
/// The function is long because it is one pass over the sources that decides, for each, where
/// it comes from, whether it is published, and what the cache's log records of it.
pub fn load(opts: &BuildOptions, scan: Scan, cached: &mut Cached) -> Result<LoadedSite, BuildFailure> {
    let root = &opts.root;
    let Scan {
        config,
        theme,
        tz,
        sources,
        assets,
        mut errors,
        mut warnings,
        mut timings,
        keys,
        now,
        spill,
        budget,
        ..
    } = scan;
    let parse_key = keys.parse;
    let log_read = cached.load_parsed(parse_key, &tz);
    // Bulletins unchanged since the cached build come from the cache; the rest are parsed.
    // Each is taken out of the cache's log only as it joins the archive's list, so the two
    // are never held whole at once.
    // Where each source's record is in the log, when it is reused.
    let reused: Vec<Option<usize>> = sources
        .par_iter()
        .map(|s| if s.fresh.is_some() { None } else { cached.parsed.place(&s.stat.path, s.stat.hash) })
        .collect();
    let reused_count = reused.iter().filter(|r| r.is_some()).count();
    // A log mostly of replaced versions is rewritten (which needs a copy of every record).
    let parsed_rewrite = !log_read || cached.parsed.len() - reused_count > reused_count.max(64);
    let mut sources = sources;
    // Sources the scan did not parse and the cache did not have (a damaged log).
    let fresh: Vec<Option<FreshResult>> = sources
        .par_iter_mut()
        .zip(reused.par_iter())
        .map(|(s, reused)| {
            if reused.is_some() {
                return None;
            }
            if let Some(f) = s.fresh.take() {
                return Some(f);
            }
            Some(Box::new(parse_again(root, &s.stat.path, &tz, &config, spill.as_deref())))
        })
        .collect();
    timings.lap("cached bulletins");

    let mut entries = Vec::with_capacity(sources.len());
    let mut parsed_new = Vec::new();
    let mut link_warnings: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
    let mut skipped = HashMap::new();
    let mut drafts_skipped = 0;
    let mut future_skipped = Vec::new();
    let mut horizon: Option<i64> = None;
    let mut featured_until: Option<i64> = None;
    // Bulletins are taken in batches, each made ready in parallel (one from the cache's log
    // read and decoded, a spilled one read back and decoded) on another thread while this one
    // takes the batch before into the archive: never all at once. A record the log cannot
    // give back (damaged) means its source is read again.
    let pending = sources.iter().zip(reused).zip(fresh);
    // The log's records taken, forgotten once the batches are made (the other thread reads
    // the log meanwhile).
    let mut taken_places = Vec::new();
    // The entries whose summaries are held, when the spill file takes them (see below).
    let mut held_from = 0;
    let log = &cached.parsed;
    // With a spill file, the summaries of the bulletins from the log are read from the log
    // itself, where they are already, instead of being written to the spill file.
    let log_spill = spill.as_ref().and(log.file()).map(|f| std::sync::Arc::new(Spill::reading(f)));
    std::thread::scope(|scope| {
        let (batches, ready) = std::sync::mpsc::sync_channel::<Vec<Taken>>(1);
        let (tz, config, spilled_to) = (&tz, &config, spill.as_deref());
        scope.spawn(move || {
            let mut pending = pending;
            loop {
                let batch: Vec<_> = pending.by_ref().take(4096).collect();
                if batch.is_empty()
                    || batches
                        .send(make_ready(batch, log, root, tz, config, spilled_to, parsed_rewrite))
                        .is_err()
                {
                    break;
                }
            }
        });
        for batch in ready {
            for taken in batch {
                let (mut p, summary_at) = match taken {
                    Taken::Cached(p, place, record) => {
                        // Taken out of the log: what is left are the versions replaced since.
                        taken_places.push(place);
                        parsed_new.extend(record);
                        let at = log.record_at(place).zip(p.summary_in_record);
                        (p, at.map(|(record, (from, len))| (record + u64::from(from), len)))
                    }
                    Taken::Parsed(Ok((p, record))) => {
                        parsed_new.push(record);
                        (p, None)
                    }
                    Taken::Parsed(Err(mut e)) => {
                        errors.append(&mut e);
                        continue;
                    }
                    Taken::Nothing => continue,
                };
                let b = &p.bulletin;
                // The first scheduled bulletin (left out, or shown as scheduled): when it is
                // due, the same input makes another site.
                if (opts.drafts || !b.draft) && b.date.sort_key() > now {
                    horizon = Some(horizon.map_or(b.date.sort_key(), |h| h.min(b.date.sort_key())));
                }
                // A bulletin featured until a date leaves the head of the home page then.
                if let Some(crate::content::Featured::Until(until)) = b.featured.as_deref()
                    && until.sort_key() > now
                {
                    featured_until =
                        Some(featured_until.map_or(until.sort_key(), |h: i64| h.min(until.sort_key())));
                }
                if b.draft && !opts.drafts {
                    drafts_skipped += 1;
                    skipped.insert((b.source.clone(), b.source_hash), *p);
                } else if b.date.sort_key() > now && !opts.future {
                    future_skipped.push(b.source.clone());
                    skipped.insert((b.source.clone(), b.source_hash), *p);
                } else {
                    warnings.append(&mut p.warnings);
                    if !p.link_warnings.is_empty() {
                        link_warnings.insert(b.source.clone(), std::mem::take(&mut p.link_warnings));
                    }
                    let mut entry = crate::archive::Entry::new(p.bulletin, p.rendered, spill.as_ref());
                    if let (Some(log), Some(at)) = (&log_spill, summary_at) {
                        entry.summary.found_in(log, at);
                    }
                    entries.push(entry);
                }
            }
            // With a spill file (the memory budget is tight), the summaries of the entries
            // made so far go there, a batch's in one write: never all held at once.
            spill_summaries(&mut entries[held_from..], spill.as_ref(), &mut errors);
            held_from = entries.len();
        }
    });
    for place in taken_places {
        cached.parsed.forget_at(place);
    }
    // Versions replaced since the cached build: the search index update removes their words.
    let previous = std::mem::take(&mut cached.parsed);
    // With broken sources the archive of the others is still made: every problem of every
    // file is reported at once (a broken front matter never hides a broken link elsewhere).
    let cached_shape = if errors.is_empty() { cached.cache.read::<Shape>("shape") } else { None };
    let (mut archive, new_shape) = match Archive::build_with(&config, entries, cached_shape) {
        Ok(built) => built,
        Err(mut more) => {
            errors.append(&mut more);
            return Err(BuildFailure { errors, warnings });
        }
    };
    warnings.append(&mut archive.warnings);
    warnings.extend(profiles_of_no_byline(&config, &archive));
    for e in &archive.entries {
        for (k, (target, _)) in e.facts.internal_links.iter().enumerate() {
            if archive.resolve_link(&e.bulletin.source, target).is_none()
                && let Some(d) = link_warnings.get(e.bulletin.source.as_path()).and_then(|w| w.get(k))
            {
                warnings.push(d.clone());
            }
        }
    }
    timings.lap("archive");
    Ok(LoadedSite {
        broken: errors,
        root: root.clone(),
        now,
        config,
        theme,
        tz,
        archive,
        assets,
        drafts_skipped,
        future_skipped,
        warnings,
        timings,
        parsed: parsed_new,
        parsed_rewrite,
        skipped,
        horizon,
        featured_until,
        previous,
        new_shape,
        spill: spill.map(std::sync::OnceLock::from).unwrap_or_default(),
        log_spill,
        budget,
    })
}

/// A warning for each author's profile in site.toml whose name no bulletin's byline has (a
/// name spelled otherwise, most likely): its page would never show it.
fn profiles_of_no_byline(config: &Config, archive: &crate::archive::Archive) -> Vec<Diagnostic> {
    let bylines: std::collections::HashSet<String> =
        archive.authors.iter().map(|t| crate::text::name_key(&t.name)).collect();
    config
        .authors
        .iter()
        .filter(|a| !bylines.contains(&crate::text::name_key(&a.name)))
        .map(|a| {
            Diagnostic::warning(format!("the profile of `{}` in site.toml is no bulletin's author", a.name))
                .in_file("site.toml")
                .with_hint("write its name as the bulletins' `author:` does, or remove the profile")
        })
        .collect()
}
