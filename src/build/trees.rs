//! The trees stage: which output tree this build writes into (the spare tree brought up to
//! date, an old tree recycled in place, or a fresh one) and what the published tree and that
//! tree hold, from their manifests.

use std::path::Path;

use super::cached::Prefetched;
use super::report::io_error;
use crate::cache::Cache;
use crate::diag::Diagnostic;
use crate::output::{Files, Manifest, Staging, Survey};

/// The trees a build works with.
pub struct Trees {
    /// The tree being written, published at the end.
    pub staging: Staging,
    /// The published tree's files (empty when unknown or with `--clean`).
    pub live: Files,
    /// The identity the published tree's manifest gives it, when `live` was known from it.
    pub live_id: Option<(u64, u64)>,
    /// The files the tree being written holds already (the spare tree's, or none).
    pub tree: Files,
    /// With `--clean`: the manifest of the published tree this build replaces, which becomes
    /// the spare one.
    pub replaced: Option<Manifest>,
}

/// Opens the tree to write. The spare tree's manifest is forgotten first: a build killed
/// while changing that tree leaves no manifest that lies. Without a spare tree to update, the
/// old one is written over as a whole new tree: that is quicker than deleting it and making
/// another (at 20,000 bulletins, 52,000 files).
pub fn open(
    cache: &Cache,
    out: &Path,
    prefetched: &mut Prefetched,
    survey: Option<std::thread::JoinHandle<(Option<Survey>, Option<Manifest>)>>,
) -> Result<Trees, Diagnostic> {
    let (live_id, live) = match prefetched.outputs.take() {
        Some(m) => (Some(m.dir_id), m.files),
        None => (None, Files::default()),
    };
    let spare = prefetched.spare.take();
    cache.forget_spare().map_err(|e| io_error("cannot update the build cache", e))?;
    let fresh = |survey: Option<Survey>| {
        survey
            .and_then(|survey| Staging::recycle(out, survey).ok())
            .map_or_else(|| Staging::begin(out, true), Ok)
            .map_err(|e| io_error("cannot create the staging directory", e))
    };
    let (survey, replaced) = survey.and_then(|s| s.join().ok()).unwrap_or_default();
    let (staging, tree) = match spare {
        Some(spare) => match Staging::reuse_spare(out) {
            Ok(s) => (s, spare.files),
            Err(_) => (fresh(survey)?, Files::default()),
        },
        None => (fresh(survey.or_else(|| Staging::survey(out)))?, Files::default()),
    };
    Ok(Trees { staging, live, live_id, tree, replaced })
}
