//! The bodies stage: the one place that reads a bulletin's source again after the scan. The
//! archive keeps what the cache keeps (no body); the pages, feeds and search index that need a
//! body say which, and this reads each back, checks it is the version that was parsed, and
//! renders its Markdown.

use rayon::prelude::*;

use crate::archive::{Archive, Body};
use crate::config::Config;
use crate::diag::Diagnostic;

/// Reads back from their sources the bodies of the entries in `which` that do not have one
/// (they came from the build cache). A source that changed since it was read fails the build
/// rather than mix two versions of a bulletin.
pub fn load(
    root: &std::path::Path,
    config: &Config,
    tz: &jiff::tz::TimeZone,
    archive: &Archive,
    which: &[usize],
) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = which
        .par_iter()
        .filter_map(|&i| {
            let e = &archive.entries[i];
            if e.body.get().is_some() {
                return None;
            }
            let source = match crate::content::read_source(root, &root.join(&e.bulletin.source)) {
                Ok(s) => s,
                Err(d) => return Some(d),
            };
            let changed = || {
                Diagnostic::error("the file changed while the site was being built")
                    .in_file(&e.bulletin.source)
                    .with_hint("run the build again")
            };
            if crate::hash::hash_bytes(source.text.as_bytes()) != e.bulletin.source_hash {
                return Some(changed());
            }
            let b = match crate::content::parse_bulletin(&source, tz) {
                Ok(b) => b,
                Err(_) => return Some(changed()),
            };
            let r = crate::markdown::render(&b.body, config.unsafe_html);
            let _ = e.body.set(Body::new(r.html, r.plain));
            None
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}
