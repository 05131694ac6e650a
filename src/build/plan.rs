//! The plan stage: every page, feed and the search index, each with the key of its inputs,
//! compared with what the published tree was made from. What is unchanged is kept; the rest is
//! made, and the bodies it shows are the ones the bodies stage reads back.

use rayon::prelude::*;

use crate::archive::Archive;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::feeds::{self, FeedSpec};
use crate::output::Emit;
use crate::render::{Job, Renderer};
use crate::search::IndexState;

/// Jobs planned in a row by one thread (at least), each looking for its file after the last
/// one's.
const PLAN_CHUNK: usize = 4096;

/// How this build gets its search index.
pub enum SearchPlan {
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

/// One page to write: its job, the key of its inputs, and, when the published file was made
/// from the same, that file's position among the published tree's files (it is kept). Its
/// file is not kept: the renderer names it again when the page is written (at 1,000,000
/// bulletins the names would be 100 MB held through rendering).
pub struct PlannedPage {
    pub job: Job,
    pub key: u64,
    pub kept: Option<usize>,
}

/// What this build makes and keeps.
pub struct Plan<'a> {
    pub pages: Vec<PlannedPage>,
    /// Feeds (none without an absolute `base_url`), each with its key and whether its three
    /// files were made from the same inputs.
    pub feeds: Vec<(FeedSpec<'a>, u64, bool)>,
    pub search: SearchPlan,
    /// The key of everything the search index shows.
    pub search_key: u64,
    /// The archive positions whose bodies must be at hand, in order.
    pub bodies: Vec<usize>,
}

/// The plan once the feeds are written: what is left does not borrow the archive.
pub struct PagesPlan {
    pub pages: Vec<PlannedPage>,
    pub search: SearchPlan,
    pub search_key: u64,
}

impl Plan<'_> {
    /// The plan without its feeds (written first).
    pub fn without_feeds(self) -> PagesPlan {
        PagesPlan { pages: self.pages, search: self.search, search_key: self.search_key }
    }
}

/// Plans the build. `index_prev` is the published index's state, when it can be updated;
/// `unlogged` the bulletins whose plain text the build cache does not hold (a whole index
/// needs their bodies).
pub fn plan<'a>(
    config: &Config,
    archive: &'a Archive,
    renderer: &Renderer,
    emit: &Emit,
    index_prev: Option<&((u64, u64), IndexState)>,
    unlogged: impl Fn() -> Vec<usize>,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let jobs = renderer.jobs();
    // Each page's file is named once here (and again as it is written): for the published
    // tree's record, and by its hash for the clash check.
    // The published manifest lists most pages in the order of their jobs (a build keeps its
    // order): each run of jobs looks for a page's file just after the last one's first, and
    // looks it up only when it is not there (at 1,000,000 bulletins, 98% are there).
    let (pages, hashes): (Vec<PlannedPage>, Vec<u64>) = jobs
        .par_iter()
        .with_min_len(PLAN_CHUNK)
        .map_init(
            || 0,
            |near, &job| {
                let file = renderer.job_file(job);
                let key = renderer.fingerprint(job);
                let at = emit.published_near(&file, *near);
                *near = at.map_or(*near, |i| i + 1);
                let kept = at.filter(|&i| emit.made_from(i, key));
                (PlannedPage { job, key, kept }, file_hash(&file))
            },
        )
        .unzip();
    check_unique_outputs(&jobs, &hashes, &|job| renderer.job_file(job), archive)?;
    let specs = if feeds::has_absolute_base(config) { feeds::specs(config, archive) } else { Vec::new() };
    let feeds: Vec<(FeedSpec, u64, bool)> = specs
        .into_par_iter()
        .map(|spec| {
            let key = feeds::key(&spec, config, renderer.global_key(), renderer.entry_keys());
            let kept = spec.files().iter().all(|f| emit.unchanged(f, key));
            (spec, key, kept)
        })
        .collect();
    let search_key = crate::search::key(renderer.global_key(), renderer.entry_keys());
    let search = match index_prev {
        _ if !config.search => SearchPlan::Off,
        Some(((_, key), _)) if *key == search_key => SearchPlan::Keep,
        Some((_, prev)) => match crate::search::update_positions(archive, renderer.entry_keys(), prev) {
            Some(positions) => SearchPlan::Update(positions),
            None => SearchPlan::Full,
        },
        None => SearchPlan::Full,
    };
    let mut bodies: Vec<usize> = Vec::new();
    match &search {
        // A whole index reads the text of each bulletin the cache's plain-text log has from
        // there: only the others' bodies are read back and rendered again (at 20,000
        // bulletins, all of them took 0.8 s when one dated among the others was added).
        SearchPlan::Full => bodies.extend(unlogged()),
        SearchPlan::Update(positions) => bodies.extend(positions),
        SearchPlan::Off | SearchPlan::Keep => {}
    }
    for page in &pages {
        if let Job::Bulletin(i) = page.job
            && page.kept.is_none()
        {
            bodies.push(i);
        }
    }
    if config.feed_content != crate::config::FeedContent::Summary {
        for (spec, _, kept) in &feeds {
            if !kept {
                bodies.extend(spec.entries(config));
            }
        }
    }
    bodies.sort_unstable();
    bodies.dedup();
    Ok(Plan { pages, feeds, search, search_key, bodies })
}

/// Two pages must never write the same file (a bulletin slugged `tags` under a `/{slug}/`
/// permalink, say). `hashes` are the [`file_hash`]es of the jobs' files, and `file_of` names
/// a job's file. The names are compared by their hashes, sorted (at 1,000,000 bulletins the
/// names themselves, or a table of them, would be 100 MB at once), and by themselves where
/// two hashes are the same.
pub fn check_unique_outputs(
    jobs: &[Job],
    hashes: &[u64],
    file_of: &(dyn Fn(Job) -> String + Sync),
    archive: &Archive,
) -> Result<(), Vec<Diagnostic>> {
    let mut hashed: Vec<(u64, usize)> = hashes.iter().copied().zip(0..).collect();
    hashed.par_sort_unstable();
    // (job, the job before it with the same file, the file), in job order.
    let mut clashes: Vec<(usize, usize, String)> = Vec::new();
    for run in hashed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        let mut last: rustc_hash::FxHashMap<String, usize> = Default::default();
        for &(_, k) in run {
            let file = file_of(jobs[k]);
            if let Some(prev) = last.insert(file.clone(), k) {
                clashes.push((k, prev, file));
            }
        }
    }
    clashes.sort_unstable();
    let errors: Vec<Diagnostic> = clashes
        .into_iter()
        .map(|(k, prev, file)| {
            let pair = [jobs[k], jobs[prev]];
            // An old URL over another page: the redirect is what to leave out.
            let alias = pair.into_iter().find_map(|j| match j {
                Job::Alias(i, a) => Some((i, a)),
                _ => None,
            });
            let d = match alias {
                Some((i, a)) => Diagnostic::error(format!(
                    "the old URL {} in the `aliases:` of {} is the URL of a page of the site ({file})",
                    archive.entries[i].bulletin.aliases[a],
                    archive.entries[i].bulletin.source.display()
                ))
                .with_hint("its redirect would replace that page: leave it out of `aliases:`"),
                None => Diagnostic::error(format!("two pages would be written to {file}"))
                    .with_hint("give the bulletin a different `slug:` or change `permalink` in site.toml"),
            };
            let culprit = alias.map(|(i, _)| i).or_else(|| {
                pair.into_iter().find_map(|j| match j {
                    Job::Bulletin(i) => Some(i),
                    _ => None,
                })
            });
            let culprit = culprit.map(|i| archive.entries[i].bulletin.source.clone());
            match culprit {
                Some(c) => d.in_file(c),
                None => d,
            }
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The hash a page's file is compared by in [`check_unique_outputs`].
pub fn file_hash(file: &str) -> u64 {
    crate::hash::hash_bytes(file.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_pages_for_one_file_is_an_error_naming_the_bulletin() {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        let source = crate::content::SourceFile {
            rel_path: "content/tags.md".into(),
            text: "---\ntitle: \"Thẻ\"\ndate: 2024-01-02\n---\nThân bài.\n".into(),
        };
        let parsed = crate::content::parse(&source, &tz, false).expect("parsed");
        let archive =
            Archive::build(&Config::default(), vec![(parsed.bulletin, parsed.rendered)]).expect("archive");
        let jobs = [Job::Bulletin(0), Job::Terms(crate::archive::TermKind::Tag), Job::Search];
        let file_of = |job: Job| match job {
            Job::Search => "search/index.html".to_string(),
            _ => "tags/index.html".to_string(),
        };
        let hashes: Vec<u64> = jobs.iter().map(|&j| file_hash(&file_of(j))).collect();
        let errors = check_unique_outputs(&jobs, &hashes, &file_of, &archive).expect_err("a clash");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("tags/index.html"), "{}", errors[0].message);
        assert_eq!(errors[0].file.as_deref(), Some(std::path::Path::new("content/tags.md")));
        assert!(check_unique_outputs(&jobs[1..], &hashes[1..], &file_of, &archive).is_ok());
    }
}
