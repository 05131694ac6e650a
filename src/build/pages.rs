//! The pages stage: every page rendered through the theme where its key changed, else kept
//! from the published tree. Each bulletin's HTML is let go as soon as its page is written.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::load::LoadedSite;
use super::plan::PlannedPage;
use super::report::io_error;
use super::search::IndexInputs;
use crate::archive::Archive;
use crate::diag::Diagnostic;
use crate::output::Emit;
use crate::output::Files;
use crate::render::{Job, Renderer, Strings};

/// Writes (or keeps) the planned pages; `progress` is told (done, total) as they are.
pub fn write(
    pages: &[PlannedPage],
    renderer: &Renderer,
    archive: &Archive,
    emit: &Emit,
    progress: Option<fn(usize, usize)>,
) -> Result<(), Vec<Diagnostic>> {
    let done = AtomicUsize::new(0);
    let total = pages.len();
    let mut errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|page| {
            let result = if let Some(position) = page.kept {
                emit.keep_at(position).map_err(|e| io_error("cannot write output", e))
            } else {
                let file = renderer.job_file(page.job);
                emit.rendered.fetch_add(1, Ordering::Relaxed);
                let written = renderer.render(page.job).and_then(|html| {
                    emit.put(&file, Some(page.key), &html).map_err(|e| io_error("cannot write output", e))
                });
                // The feeds are made: nothing else shows this body.
                if let Job::Bulletin(i) = page.job {
                    archive.entries[i].release_html();
                }
                written
            };
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(progress) = progress
                && (n.is_multiple_of(64) || n == total)
            {
                progress(n, total);
            }
            result.err()
        })
        .collect();
    errors.dedup_by(|a, b| a.message == b.message);
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The renderer of the site's pages, through its theme; every page's key starts from the
/// global key. When the memory budget is tight (the bodies were spilled), it keeps no cards.
pub fn renderer<'a>(
    site: &'a LoadedSite,
    photos: &'a crate::photos::PhotoSet,
    global_key: u64,
    live_reload: bool,
) -> Result<Renderer<'a>, Vec<Diagnostic>> {
    let mut renderer = Renderer::new(&site.config, &site.theme, &site.archive, photos, site.now)?;
    renderer.set_global_key(global_key);
    if live_reload {
        renderer.enable_live_reload();
    }
    // Cards made where they are shown when the budget is tight: the build's spill file takes
    // their HTML (one is made for them when the bulletins' bodies did not need it).
    let tight = super::budget::cards_tight(site.budget, site.archive.entries.len() as u64);
    if let Some(spill) = site.spill_if(tight).map_err(|e| vec![e])? {
        renderer.make_cards_each_time(spill.clone());
    }
    Ok(renderer)
}

/// What the pages stage leaves once the renderer is done with.
pub struct PagesDone {
    /// What the search index needs of the renderer (which borrows the archive the index
    /// changes).
    strings: Strings,
    entry_keys: Vec<u64>,
    /// The cards (~2.5 KB a bulletin), let go on another thread while the index is made.
    cards: Option<std::thread::JoinHandle<()>>,
}

/// Lets go of the renderer, and of every body's HTML: every page and feed that shows a body
/// is written; the search index needs plain text only.
pub fn finish(renderer: Renderer, archive: &Archive) -> PagesDone {
    archive.release_html();
    let (strings, entry_keys) = (renderer.strings.clone(), renderer.entry_keys().to_vec());
    let cards = renderer.into_cards();
    let cards = Some(std::thread::spawn(move || drop(cards)));
    PagesDone { strings, entry_keys, cards }
}

impl PagesDone {
    /// The search index's inputs from the pages stage.
    pub fn index_inputs<'a>(
        &'a self,
        out: &'a std::path::Path,
        live: &'a Files,
        emit: &'a Emit<'a>,
    ) -> IndexInputs<'a> {
        IndexInputs { strings: &self.strings, entry_keys: &self.entry_keys, out, live, emit }
    }

    /// Waits until the cards are let go.
    pub fn join_cards(&mut self) {
        if let Some(cards) = self.cards.take() {
            let _ = cards.join();
        }
    }
}
