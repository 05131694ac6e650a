//! The pipeline: `build` is the list of stage calls below, one file per stage, each taking
//! what the previous one returned. The build cache sits beside the pipeline ([`cached`]):
//! stages compute the keys of their inputs, and only this file decides what to reuse.
//!
//!     scan → unchanged? → load → trees → plan → bodies → feeds → pages → attachments → static
//!          → photos → search → publish → remember

use std::path::PathBuf;
use std::time::Instant;

use crate::config::Config;
use crate::output::{self, Emit};

use cached::Cached;

mod attachments;
mod bodies;
mod budget;
mod cached;
mod feeds;
mod load;
mod pages;
mod photos;
mod plan;
mod publish;
mod remember;
mod report;
mod scan;
mod search;
mod spare;
mod statics;
mod trees;
mod unchanged;

pub use attachments::find as find_attachments;
pub use budget::parse_size;
pub use load::{LoadedSite, load_uncached};
pub use photos::{Found as FoundPhotos, damaged as damaged_photos, find as find_photos, unless_broken};
pub use plan::{check_unique_outputs, file_hash};
pub use report::{BuildFailure, BuildReport, Timings, peak_rss};
pub use spare::prepare_spare;

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
    /// The memory budget in bytes (`--max-memory`; `None`: a quarter of the machine's). The
    /// bodies of the bulletins parsed go to disk when holding them would take half of it, and
    /// the search index is built in runs merged on disk when its partitions would.
    pub max_memory: Option<u64>,
}

/// A function [`build`] calls once the new site is published.
#[derive(Clone)]
pub struct OnPublish(pub std::sync::Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for OnPublish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnPublish")
    }
}

/// Builds the site and publishes it; on any error the previous output is left exactly as it
/// was. With the cache from the last build (unless `clean`), only what changed is parsed,
/// rendered and written; the result is the same, byte for byte. A little over 60 lines: each
/// is a stage call or hands one stage's value to the next, so it reads as the pipeline.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    // Two builds of one site wait for each other (a site whose cache cannot be written is
    // built without the lock: it has no cache to protect).
    let _lock = crate::cache::Cache::empty(&opts.root, profile(opts)).lock().ok();
    // Its state is read by the scan, while content/ is listed.
    let mut cached = Cached::unread(&opts.root, profile(opts), opts.clean);

    let mut scanned = scan::scan(opts, &mut cached)?;
    let out = out_dir(opts, &scanned.config);
    output::check_output_dir(&opts.root, &out)?;
    if !opts.clean
        && let Some(mut report) = unchanged::report(&scanned, &cached.cache.state, &out, started)
    {
        if let Some(state) = unchanged::restated(&scanned, &cached.cache.state) {
            report.warnings.extend(cached.keep_state(&state));
        }
        // Every source's record, twice (the scan's and the cache's): 2,000,000 paths at
        // 1,000,000 bulletins.
        let_go(opts.ends_process, (scanned, cached));
        return Ok(report);
    }
    // The last build's sources are known to differ from these (their state is remade from
    // this build's): at 1,000,000 bulletins they are 100 MB not held to the end.
    cached.cache.state.sources = Vec::new();
    let keys = scanned.keys;
    cached.forget_plain_unless(keys.parse);
    let (sources, survey) = (scanned.sources.iter().map(|s| s.stat.clone()).collect(), scanned.survey.take());
    // The manifests and the index state are read while the archive is made.
    let prefetch = (!opts.clean).then(|| cached::prefetch(&cached.cache, &out, scanned.config.search));
    let loaded = load::load(opts, scanned, &mut cached)?;
    let mut site = photos::unless_broken(loaded, || cached::probes(&cached.cache))?;
    let (mut timings, mut cache) = (std::mem::take(&mut site.timings), cached.cache);
    // The bulletins parsed go to disk now rather than being held to the end of the build.
    let records = std::mem::take(&mut site.parsed).into_iter().map(|r| r.bytes(site.spill().map(|s| &**s)));
    let parsed = cache.stage_parsed(records, site.parsed_rewrite);
    let mut prefetched = prefetch.and_then(|p| p.join().ok()).unwrap_or_default();
    let trees = trees::open(&cache, &out, &mut prefetched, survey)?;
    let index_prev = search::previous(prefetched.index, &site.config, opts.clean, keys.global, &trees.live);
    let updating = index_prev.is_some();
    let mut plain_logged = search::log_before_pages(&mut site, updating, &mut cache, &mut timings);

    let mut warnings = std::mem::take(&mut site.warnings);
    let (probes_before, photos_before) = (cached::probes(&cache), cache.state.photos);
    let found = photos::find(&site, &probes_before)
        .map_err(|errors| BuildFailure { errors, warnings: warnings.clone() })?;
    if site.config.search {
        photos::set_thumbs(&mut site.archive, &found.set);
    }
    let attached =
        attachments::find(&site).map_err(|errors| BuildFailure { errors, warnings: warnings.clone() })?;
    warnings.extend(attached.warnings.iter().cloned());
    site.archive.files = attached.linked_files(site.config.language);
    timings.lap("find photos + attachments");
    let renderer = pages::renderer(&site, &found.set, keys.global, opts.live_reload)?;
    let emit = Emit::new(&trees.staging, &trees.live, &trees.tree);
    let unlogged = || search::unlogged(&site.archive, &cache);
    let plan = plan::plan(&site.config, &site.archive, &renderer, &emit, index_prev.as_ref(), unlogged)?;
    let spilled = bodies::load(&site, &plan.bodies)?;
    timings.lap(if spilled { "plan pages (bodies read back to disk)" } else { "plan pages" });
    let fed =
        feeds::write(&site.config, &site.archive, &found.set, &plan.feeds, (keys.global, site.now), &emit)?;
    warnings.extend(fed.warning);
    timings.lap("feeds + sitemap");
    let plan = plan.without_feeds();
    pages::write(&plan.pages, &renderer, &site.archive, &emit, opts.progress)
        .map_err(|errors| BuildFailure { errors, warnings: warnings.clone() })?;
    timings.lap("render + write pages");
    let mut done = pages::finish(renderer, &site.archive);
    attachments::write(&opts.root, &attached, &emit)?;
    warnings.extend(statics::write(
        &opts.root,
        &site.theme,
        &emit,
        (scan::racy_after(), site.config.language),
    )?);
    timings.lap("attachments + static files");
    let photos_written = photos::write(&opts.root, &found.set, &site.config.photos, &emit)
        .map_err(|errors| BuildFailure { errors, warnings: warnings.clone() })?;
    timings.lap("photos");

    let inputs = done.index_inputs(&out, &trees.live, &emit);
    let indexed = search::write(&plan.search, index_prev, &mut site, &inputs, &mut cache, &mut plain_logged)?;
    done.join_cards();
    if let Some(stage) = indexed.stage {
        timings.lap(stage);
    }
    if let Err(e) = site.check_spills() {
        return Err(report::io_error("cannot write output", std::io::Error::other(e)).into());
    }
    let (rendered, files, bytes) = emit.counts();
    let made = emit.finish().map_err(|e| report::io_error("cannot write output", e))?;
    let out_had_tree = out.join(output::MARKER).is_file();
    warnings.extend(publish::vanished_bulletins(&made.gone, &out));
    let made = made.files;
    let (mut spare, cleanup) = publish::publish(trees, &made, &out)?;
    timings.lap("publish");
    if spare.is_none() && !out_had_tree {
        spare = spare::link_first(&out, &made).map_err(|w| warnings.push(w)).ok();
        timings.lap("spare tree");
    }
    if let Some(OnPublish(published)) = &opts.on_publish {
        published();
    }

    let pages = plan.pages.len();
    let index_key = (keys.global, plan.search_key);
    let made = remember::Made {
        news_expiry: fed.news_expiry,
        keys,
        index_key,
        sources,
        parsed,
        out: out.clone(),
        files: made,
        spare,
        indexed,
        plain_logged,
        pages,
        photos: found.set.photos.len(),
    };
    warnings.extend(remember::remember(&mut cache, &mut site, made, &warnings));
    cached::keep_probes(&cache, &probes_before, &found.probes);
    // The store loses photos only when one was made or one went (a rename keeps its key).
    if photos_written.photos_made > 0 || found.set.photos.len() != photos_before {
        photos::prune(&opts.root, &found.set);
    }
    cleanup.finish();
    timings.lap("save cache");
    let (photos, photos_made) = (found.set.photos.len(), photos_written.photos_made);
    let counts = report::Counts { pages, rendered, files, bytes, photos, photos_made };
    let report = BuildReport::of(out, &mut site, counts, warnings, started, timings);
    let_go(opts.ends_process, (site, cache, plan, done));
    Ok(report)
}

/// Letting go of every bulletin, plan and manifest is about 6% of an edit build's CPU at
/// 20,000 bulletins (measured with perf). When the process ends next, the operating system
/// takes the memory back at once (an edit build at 20,000: median 181 → 172 ms); otherwise it
/// happens on another thread, and the caller has its report at once.
fn let_go<T: Send + 'static>(ends_process: bool, held: T) {
    if ends_process {
        std::mem::forget(held);
    } else {
        std::thread::spawn(move || drop(held));
    }
}

/// The cache profile: `serve`'s pages carry the live-reload client, so it keeps its own.
fn profile(opts: &BuildOptions) -> &'static str {
    if opts.live_reload { "serve" } else { "build" }
}

/// The output directory: `--out`, or `output_dir` of site.toml under the root.
fn out_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    opts.out.clone().unwrap_or_else(|| opts.root.join(&config.output_dir))
}
