//! The pages stage: every page rendered through the theme where its key changed, else kept
//! from the published tree. Each bulletin's HTML is let go as soon as its page is written.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::plan::PlannedPage;
use super::report::io_error;
use crate::archive::Archive;
use crate::diag::Diagnostic;
use crate::output::Emit;
use crate::render::{Job, Renderer};

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
            let result = if page.unchanged {
                emit.keep(&page.file).map_err(|e| io_error("cannot write output", e))
            } else {
                emit.rendered.fetch_add(1, Ordering::Relaxed);
                let written = renderer.render(page.job).and_then(|html| {
                    emit.put(&page.file, page.key, &html).map_err(|e| io_error("cannot write output", e))
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
