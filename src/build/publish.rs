//! The publish stage: files the tree being written no longer has are removed, and the tree is
//! swapped in for the published one atomically; the old published tree becomes the spare.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::report::io_error;
use crate::diag::Diagnostic;
use crate::output::{Cleanup, Files, Staging};

/// Sweeps from `staging` what `tree` held that this build did not make (`made`), and
/// publishes it at `out`. Returns the tree it replaced (kept as the spare), if any, and the
/// removal of whatever else is left, which the caller finishes when it is done.
pub fn publish(
    staging: Staging,
    tree: &Files,
    made: &Files,
    out: &Path,
) -> Result<(Option<PathBuf>, Cleanup), Diagnostic> {
    let gone: Vec<&str> = tree.keys().filter(|k| !made.contains_key(k)).collect();
    gone.par_iter()
        .try_for_each(|k| staging.remove(k))
        .and_then(|()| staging.sweep(made))
        .map_err(|e| io_error("cannot remove an old output file", e))?;
    staging.publish().map_err(|e| io_error(&format!("cannot publish to {}", out.display()), e))
}
