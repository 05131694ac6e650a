//! The publish stage: files the tree being written no longer has are removed, and the tree is
//! swapped in for the published one atomically; the old published tree becomes the spare.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::report::io_error;
use super::trees::Trees;
use crate::diag::Diagnostic;
use crate::output::{Cleanup, Files, NOWHERE, safe_join};

/// The tree this build published replaced (now the spare one) with what it holds when that
/// is known, and the removal of whatever else is left, which the caller finishes when it is
/// done.
pub type Published = (Option<(PathBuf, SpareFiles)>, Cleanup);

/// What the spare tree holds.
pub enum SpareFiles {
    /// These files.
    Listed(Files),
    /// What the cache's manifest of the published tree lists (the tree this build replaced),
    /// which names the tree by this identity.
    Outputs((u64, u64)),
}

/// Publishes the tree written at `out`, after sweeping from it what it held that this build
/// did not make (`made`). The spare tree's files are known from the published tree's manifest
/// (which a clean build read before replacing it).
pub fn publish(trees: Trees, made: &Files, out: &Path) -> Result<Published, Diagnostic> {
    let Trees { staging, live, live_id, tree, replaced } = trees;
    let made_at = tree.positions_in(made);
    let gone: Vec<&str> = (0..tree.len()).filter(|&i| made_at[i] == NOWHERE).map(|i| tree.at(i).0).collect();
    gone.par_iter()
        .try_for_each(|k| staging.remove(k))
        .and_then(|()| staging.sweep(made))
        .map_err(|e| io_error("cannot remove an old output file", e))?;
    let (spare, cleanup) =
        staging.publish().map_err(|e| io_error(&format!("cannot publish to {}", out.display()), e))?;
    // The published tree's files are not written again: the cache keeps its manifest as is.
    drop(live);
    let spare_files = match live_id {
        Some(id) => Some(SpareFiles::Outputs(id)),
        None => replaced.map(|m| SpareFiles::Listed(m.files)),
    };
    Ok((spare.zip(spare_files), cleanup))
}

/// A warning for each bulletin page the published site has and this build no longer makes
/// (of `gone`, the published files it did not make): a link readers shared would now lead
/// nowhere. (A bulletin page is one the theme marks as an article, `og:type` `article`, as the
/// default theme does; only pages that vanish are read.)
pub fn vanished_bulletins(gone: &[&str], out: &Path) -> Vec<Diagnostic> {
    let mut gone: Vec<&str> = gone
        .iter()
        .copied()
        .filter(|k| k.ends_with("/index.html"))
        .filter(|k| {
            safe_join(out, k)
                .ok()
                .and_then(|path| std::fs::read_to_string(path).ok())
                .is_some_and(|html| html.contains("<meta property=\"og:type\" content=\"article\">"))
        })
        .collect();
    gone.sort_unstable();
    gone.into_iter()
        .map(|k| {
            let url = format!("/{}", k.trim_end_matches("index.html"));
            Diagnostic::warning(format!("the published bulletin page {url} is no longer made: links to it will break"))
                .with_hint(format!(
                    "if the bulletin moved (its file renamed, or `slug:` changed), add `aliases: [{url}]` to its front matter; if it was removed on purpose, nothing to do"
                ))
        })
        .collect()
}
