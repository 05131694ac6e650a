//! The search stage: the search index kept as published, updated in place for a few changed
//! bulletins, or built whole, with the plain text of each indexed bulletin kept (by the
//! pipeline's [`PlainLog`](crate::search::PlainLog)) for the next update to see what changed.

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::load::LoadedSite;
use super::plan::SearchPlan;
use super::report::{BuildFailure, Timings, io_error};
use crate::archive::{Archive, Entry};
use crate::content::PubDate;
use crate::diag::Diagnostic;
use crate::output::{self, Emit, Files};
use crate::render::Strings;
use crate::search::{self, DocKey, IndexFile, IndexState, OwnedFields, PlainLog};

/// The state of the published index, when this build may update it: search is on, the
/// build is not clean, the state was made under the same global key, and the published tree
/// has the index.
pub fn previous(
    prefetched: Option<((u64, u64), IndexState)>,
    config: &crate::config::Config,
    clean: bool,
    global_key: u64,
    live: &Files,
) -> Option<((u64, u64), IndexState)> {
    let published = || live.contains_key(&format!("search/{}", search::files::MANIFEST));
    prefetched.filter(|((global, _), _)| config.search && !clean && *global == global_key && published())
}

/// What the index stage leaves for the cache.
#[derive(Default)]
pub struct Indexed {
    /// The stage's name for `--timings`, when it did any work.
    pub stage: Option<&'static str>,
    /// The state the next update starts from (`None`: there is no index to update).
    pub state: Option<IndexState>,
    /// Plain texts of bulletins the index no longer has.
    pub removed: Vec<u64>,
}

/// Logs the plain texts the log lacks before the pages are rendered, when the index will be
/// built whole (it reads them back from the log), and lets go of them: at 100,000 bulletins
/// that is 300 MB the rendering does not hold. Without search nothing needs them. Returns
/// whether they were logged, when that was tried.
pub fn log_before_pages(
    site: &mut LoadedSite,
    updating: bool,
    log: &mut dyn PlainLog,
    timings: &mut Timings,
) -> Option<std::io::Result<()>> {
    let archive = &mut site.archive;
    if !site.config.search {
        archive.entries.par_iter_mut().for_each(Entry::release_plain);
        return None;
    }
    if updating {
        return None;
    }
    let logged = log_plain(archive, log, &[]);
    if logged.is_ok() {
        archive.entries.par_iter_mut().for_each(Entry::release_plain);
    }
    timings.lap("log plain text");
    Some(logged)
}

/// Logs the plain text of each loaded bulletin whose text the log does not have yet, and
/// forgets those of `remove`. Texts held in memory are logged at once; spilled ones are read
/// back and logged a few thousand at a time, so that they are never all in memory.
pub fn log_plain(archive: &Archive, log: &mut dyn PlainLog, remove: &[u64]) -> std::io::Result<()> {
    const SPILLED_AT_ONCE: usize = 8192;
    let (spilled, held): (Vec<&Entry>, Vec<&Entry>) = archive
        .entries
        .iter()
        .filter(|e| !log.has(e.bulletin.source_hash))
        .partition(|e| e.body.get().is_some_and(|b| b.is_spilled()));
    fn texts<'a>(entries: &[&'a Entry]) -> Vec<(u64, std::borrow::Cow<'a, str>)> {
        entries.par_iter().filter_map(|e| Some((e.bulletin.source_hash, e.plain()?))).collect()
    }
    let mut batches = std::iter::once(&held[..]).chain(spilled.chunks(SPILLED_AT_ONCE)).map(texts);
    log.update(&mut batches, remove)
}

/// The archive positions of the bulletins whose plain text the log does not have: a whole
/// search index needs their bodies at hand, and reads the others' from the log.
pub fn unlogged(archive: &Archive, log: &dyn PlainLog) -> Vec<usize> {
    archive
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !log.has(e.bulletin.source_hash))
        .map(|(i, _)| i)
        .collect()
}

/// What the index needs of the pages stage's renderer, which is let go before it.
pub struct IndexInputs<'a> {
    pub strings: &'a Strings,
    pub entry_keys: &'a [u64],
    /// The published tree (`out`) and its files.
    pub out: &'a Path,
    pub live: &'a Files,
    /// Where the index files go.
    pub emit: &'a Emit<'a>,
}

/// Writes (keeps, updates or builds) the search index. `plain_logged` says whether the plain
/// texts were logged before the pages; it is updated when this logs them.
pub fn write(
    plan: &SearchPlan,
    index_prev: Option<((u64, u64), IndexState)>,
    site: &mut LoadedSite,
    inputs: &IndexInputs,
    log: &mut dyn PlainLog,
    plain_logged: &mut Option<std::io::Result<()>>,
) -> Result<Indexed, BuildFailure> {
    let emit = inputs.emit;
    let search_err = |e| io_error("cannot write the search index", e);
    let keep_live = |except: &FxHashSet<String>| -> std::io::Result<()> {
        let live = inputs.live;
        (0..live.len())
            .into_par_iter()
            .filter(|&i| {
                let k = live.at(i).0;
                search::files::is_index_output(k) && !except.contains(k)
            })
            .try_for_each(|i| emit.keep_at(i))
    };
    match plan {
        SearchPlan::Off => return Ok(Indexed::default()),
        SearchPlan::Keep => {
            keep_live(&FxHashSet::default()).map_err(search_err)?;
            return Ok(Indexed { stage: None, state: index_prev.map(|(_, s)| s), removed: Vec::new() });
        }
        SearchPlan::Update(_) => {
            if let Some((_, prev)) = &index_prev
                && let Some(indexed) = update(prev, site, inputs, &*log, &keep_live)?
            {
                return Ok(indexed);
            }
        }
        SearchPlan::Full => {}
    }
    // Every text the plain-text log lacks is at hand (see the plan stage), unless an update
    // found it could not be made (then the rest are read now).
    let missing = unlogged(&site.archive, &*log);
    super::bodies::load(site, &missing)?;
    site.archive.release_html();
    // The plain texts go to the log first (those not logged before the pages were rendered):
    // indexing then lets go of each one as soon as its words are found.
    if !matches!(plain_logged, Some(Err(_))) {
        *plain_logged = Some(log_plain(&site.archive, log, &[]));
    }
    let stored = log.reader();
    let runs = search::Runs::new(
        super::budget::index_run_bytes(site.budget, super::report::current_rss()),
        site.root.join(crate::cache::CACHE_DIR),
    );
    let state = search::write_index(
        &mut site.archive,
        &|d| inputs.strings.format_date(d),
        inputs.entry_keys,
        Some(&*stored),
        plain_logged.as_ref().is_some_and(Result::is_ok),
        &runs,
        &|f| emit.put(&format!("search/{}", f.path), None, &f.bytes),
    )
    .map_err(|e| io_error("cannot build the search index", e))?;
    drop(stored);
    let current: FxHashSet<u64> = state.docs.iter().map(|d| d.source_hash).collect();
    let removed = log.hashes().into_iter().filter(|h| !current.contains(h)).collect();
    let stage = if runs.made() > 1 { "search index (in runs)" } else { "search index" };
    Ok(Indexed { stage: Some(stage), state: Some(state), removed })
}

/// Updates the published index in place for the bulletins that changed; `None` when an
/// update cannot be made (the index is then built whole).
fn update(
    prev: &IndexState,
    site: &LoadedSite,
    inputs: &IndexInputs,
    log: &dyn PlainLog,
    keep_live: &dyn Fn(&FxHashSet<String>) -> std::io::Result<()>,
) -> Result<Option<Indexed>, Diagnostic> {
    let (emit, search_err) = (inputs.emit, |e| io_error("cannot write the search index", e));
    // By the key of the source (its path's hash and its text's).
    let keyed: Vec<(u64, u64)> = site
        .archive
        .entries
        .par_iter()
        .map(|e| (crate::hash::path_key(&e.bulletin.source), e.bulletin.source_hash))
        .collect();
    let current: FxHashMap<(u64, u64), usize> = keyed.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
    let stored = log.reader();
    let old_fields = |k: &DocKey| -> Option<OwnedFields> {
        let plain = || stored(k.source_hash, usize::MAX).ok();
        if let Some(&i) = current.get(&(k.source, k.source_hash)) {
            let e = &site.archive.entries[i];
            return Some(OwnedFields {
                title: e.bulletin.title.clone(),
                summary: e.summary().into_owned(),
                plain: e.plain().map(std::borrow::Cow::into_owned).or_else(plain)?,
                tags: e.bulletin.tags.clone(),
                authors: e.bulletin.authors.clone(),
                section: e.section().map(|si| site.archive.sections[si].name.clone()),
            });
        }
        let skipped = site
            .skipped
            .iter()
            .find(|((path, hash), _)| *hash == k.source_hash && crate::hash::path_key(path) == k.source);
        let p = match skipped {
            Some((_, p)) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(*site.previous.get_keyed(k.source, k.source_hash)?),
        };
        Some(OwnedFields {
            title: p.bulletin.title.clone(),
            summary: crate::archive::summary_of(&p.bulletin, &p.rendered),
            plain: plain()?,
            tags: p.bulletin.tags.clone(),
            authors: p.bulletin.authors.clone(),
            section: p
                .bulletin
                .section
                .as_deref()
                .and_then(|(written, _)| site.config.section_of(written))
                .map(|si| site.config.sections[si].name.clone()),
        })
    };
    // The published file, if it is the one the manifest recorded.
    let read = |rel: &str| -> Option<Vec<u8>> {
        let key = format!("search/{rel}");
        let record = inputs.live.get(&key)?;
        let bytes = std::fs::read(output::safe_join(inputs.out, &key).ok()?).ok()?;
        (crate::hash::hash_bytes(&bytes) == record.hash).then_some(bytes)
    };
    let format_date = |d: &PubDate| inputs.strings.format_date(d);
    // The files made wait for the update to be known made: in the build's spill file when
    // the budget is tight (it has one then), else held.
    let spill = site.spill();
    let held = std::sync::Mutex::new(Vec::new());
    let hold = |f: IndexFile| -> std::io::Result<()> {
        let kept = match spill {
            Some(spill) => Held::Spilled(spill.put_bytes(&f.bytes)?),
            None => Held::Bytes(f.bytes),
        };
        held.lock().map_err(|_| std::io::Error::other("index files lock poisoned"))?.push((f.path, kept));
        Ok(())
    };
    let Some(update) = search::update_index(
        &site.archive,
        &format_date,
        inputs.entry_keys,
        prev,
        &old_fields,
        &read,
        Some(&*stored),
        &hold,
    )
    .map_err(search_err)?
    else {
        return Ok(None);
    };
    let held =
        held.into_inner().map_err(|_| search_err(std::io::Error::other("index files lock poisoned")))?;
    held.into_par_iter()
        .try_for_each(|(path, kept)| {
            let bytes = match (kept, spill) {
                (Held::Bytes(bytes), _) => bytes,
                (Held::Spilled(at), Some(spill)) => spill.get_bytes(at)?,
                (Held::Spilled(_), None) => {
                    return Err(std::io::Error::other("an index file spilled nowhere"));
                }
            };
            emit.put(&format!("search/{path}"), None, &bytes)
        })
        .map_err(search_err)?;
    let mut touched: FxHashSet<String> = update.removed.iter().map(|r| format!("search/{r}")).collect();
    touched.extend(update.files.iter().map(|f| format!("search/{f}")));
    keep_live(&touched).map_err(search_err)?;
    let current: FxHashSet<u64> = update.state.docs.iter().map(|d| d.source_hash).collect();
    let removed =
        prev.docs.iter().filter(|d| !current.contains(&d.source_hash)).map(|d| d.source_hash).collect();
    Ok(Some(Indexed { stage: Some("search index (update)"), state: Some(update.state), removed }))
}

/// An index file an update made, kept until the update is known made.
enum Held {
    Bytes(Vec<u8>),
    /// In the build's spill file.
    Spilled(crate::archive::Put),
}
