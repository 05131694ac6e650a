//! The publish stage: files the tree being written no longer has are removed, and the tree is
//! swapped in for the published one atomically; the old published tree becomes the spare.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::report::io_error;
use super::trees::Trees;
use crate::diag::Diagnostic;
use crate::output::{Cleanup, Files};

/// The tree this build published replaced (now the spare one) with its files when they are
/// known; the removal of whatever else is left, which the caller finishes when it is done;
/// and the files the written tree held before this build.
pub type Published = (Option<(PathBuf, Files)>, Cleanup, Files);

/// Publishes the tree written at `out`, after sweeping from it what it held that this build
/// did not make (`made`). The spare tree's files are known from the published tree's manifest
/// (which a clean build read before replacing it).
pub fn publish(trees: Trees, made: &Files, out: &Path) -> Result<Published, Diagnostic> {
    let Trees { staging, live, live_known, tree, replaced } = trees;
    let gone: Vec<&str> = tree.keys().filter(|k| !made.contains_key(k)).collect();
    gone.par_iter()
        .try_for_each(|k| staging.remove(k))
        .and_then(|()| staging.sweep(made))
        .map_err(|e| io_error("cannot remove an old output file", e))?;
    let (spare, cleanup) =
        staging.publish().map_err(|e| io_error(&format!("cannot publish to {}", out.display()), e))?;
    let spare_files = if live_known { Some(live) } else { replaced.map(|m| m.files) };
    Ok((spare.zip(spare_files), cleanup, tree))
}
