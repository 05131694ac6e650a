//! The remember stage: what this build saw and made goes to the build cache, for the next
//! build to reuse. A cache that cannot be written costs the next build time, never
//! correctness: the site is published already, and the failure is a warning.

use std::path::PathBuf;

use super::load::LoadedSite;
use super::publish::SpareFiles;
use super::scan::Keys;
use super::search::{Indexed, log_plain};
use crate::cache::{Cache, FORMAT, SourceStat, SpareManifest, StagedRecords, State};
use crate::diag::Diagnostic;
use crate::output::{Files, Manifest, dir_id};
use crate::search::PlainLog;

/// What the pipeline hands the cache at the end of a build.
pub struct Made {
    pub keys: Keys,
    /// When the news sitemap's first bulletin leaves it.
    pub news_expiry: Option<i64>,
    /// The keys the index state was made under: (global, search).
    pub index_key: (u64, u64),
    pub sources: Vec<SourceStat>,
    /// The bulletins parsed in this build, staged for the parsed log.
    pub parsed: std::io::Result<Option<StagedRecords>>,
    pub out: PathBuf,
    /// The files of the tree just published.
    pub files: Files,
    /// The tree published before, now the spare one, and its files when known.
    pub spare: Option<(PathBuf, SpareFiles)>,
    pub indexed: Indexed,
    /// Whether the plain texts were logged before indexing (see [`super::search`]).
    pub plain_logged: Option<std::io::Result<()>>,
    pub pages: usize,
    pub photos: usize,
}

/// Saves the build's state, parsed bulletins, manifests, archive shape and index state.
/// Returns the warning to give when they could not be saved.
pub fn remember(
    cache: &mut Cache,
    site: &mut LoadedSite,
    made: Made,
    warnings: &[Diagnostic],
) -> Option<Diagnostic> {
    let cannot = |e: std::io::Error| {
        Diagnostic::warning(format!("cannot write the build cache: {e}"))
            .with_hint("the site was published; the next build will be a full one")
    };
    let out_id = dir_id(&made.out);
    let state = State {
        format: FORMAT,
        parse_key: made.keys.parse,
        input_key: made.keys.input,
        // Once a bulletin left out for the future is due, one leaves the news sitemap or one
        // stops leading the home page, the same input makes another site.
        horizon: [site.horizon, made.news_expiry, site.featured_until].into_iter().flatten().min(),
        next_due: site.horizon,
        sources: made.sources,
        out_id,
        bulletins: site.archive.entries.len(),
        pages: made.pages,
        photos: made.photos,
        drafts_skipped: site.drafts_skipped,
        future_skipped: site.future_skipped.clone(),
        warnings: warnings.to_vec(),
    };
    let outputs = Manifest { dir_id: out_id.unwrap_or_default(), files: made.files };
    let spare = made.spare.and_then(|(p, files)| dir_id(&p).map(|now| (files, now)));
    // Listed, the spare's manifest is written; else it is what `outputs` holds now, or none.
    let (spare, unlisted) = match spare {
        Some((SpareFiles::Listed(files), now)) => {
            (Some(Manifest { dir_id: now, files }), SpareManifest::None)
        }
        Some((SpareFiles::Outputs(was), now)) => (None, SpareManifest::Outputs { was, now }),
        None => (None, SpareManifest::None),
    };
    let index_state = made.indexed.state.filter(|_| out_id.is_some());
    // The cache's files are written together, each beside its place, and put in place one
    // after the other below.
    let staging = &*cache;
    let ((index_staged, outputs_staged), (spare_staged, state_staged)) = rayon::join(
        || {
            rayon::join(
                || index_state.as_ref().map(|s| staging.stage("index", &(made.index_key, s))),
                || staging.stage("outputs", &outputs),
            )
        },
        || {
            rayon::join(
                || spare.as_ref().map(|s| staging.stage("spare", s)),
                || staging.stage("state", &state),
            )
        },
    );
    // The shape carries its own key: it is saved whatever else fails.
    let shape_saved =
        site.new_shape.map_or(Ok(()), |key| cache.write_value("shape", &site.archive.shape(key)));
    // The index state goes first: whenever the outputs manifest (saved after it) describes
    // the published tree, the index state describes that tree's index.
    if let Some(index_staged) = index_staged {
        // The plain text of each indexed bulletin, for the next update to see what changed
        // (a full build logged it before indexing).
        let logged = match made.plain_logged {
            Some(logged) => {
                logged.and_then(|()| cache.update(&mut std::iter::empty(), &made.indexed.removed))
            }
            None => log_plain(&site.archive, &mut *cache, &made.indexed.removed),
        };
        if let Err(e) = logged.and_then(|()| index_staged?.commit()) {
            let _ = cache.forget("index");
            return Some(cannot(e));
        }
    } else {
        let _ = cache.forget("index");
    }
    out_id?;
    let saved = shape_saved.and_then(|()| {
        let spare = spare_staged.transpose()?.map_or(unlisted, SpareManifest::Staged);
        cache.save(state_staged?, made.parsed?, outputs_staged?, spare)
    });
    saved.err().map(cannot)
}
