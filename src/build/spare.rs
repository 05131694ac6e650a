//! Making the spare tree ahead of time: at the end of a site's first build, and in `bantin
//! serve` after its first build.

use std::path::{Path, PathBuf};

use super::cached::{self, Cached};
use super::publish::SpareFiles;
use super::{BuildOptions, out_dir, profile};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::output::{Files, Manifest, Staging, dir_id};

/// The spare tree for a build that published without one (the site's first build, which had no
/// tree to replace): hard links to everything it published. Without it, the next build, even
/// for one edited bulletin, would link every published file into a fresh tree itself (at
/// 200,000 bulletins, 500,000 files: 12 s instead of 2). The first build is the slow one
/// anyway, and it pays this once. A spare that cannot be made only costs the next build that
/// time: a warning says so.
pub fn link_first(out: &Path, made: &Files) -> Result<(PathBuf, SpareFiles), Diagnostic> {
    let files: Vec<&str> = made.keys().collect();
    match Staging::link_spare(out, &files) {
        Ok(spare) => Ok((spare, SpareFiles::Listed(made.clone()))),
        Err(e) => {
            Staging::remove_stale(out, true);
            Err(Diagnostic::warning(format!("cannot make the spare tree beside {}: {e}", out.display()))
                .with_hint("the next build works without it, but links every published file again"))
        }
    }
}

/// Makes the spare tree now, if there is none, so that the next build after an edit is as
/// quick as the ones after it (`bantin serve` calls this after its first build, while the
/// editor is still reading). Returns whether one was made.
pub fn prepare_spare(opts: &BuildOptions) -> std::io::Result<bool> {
    let profile = profile(opts);
    let Some(_lock) = crate::cache::Cache::empty(&opts.root, profile).lock().ok() else { return Ok(false) };
    let cache = Cached::open(&opts.root, profile, false).cache;
    let Ok(config) = Config::load(&opts.root) else { return Ok(false) };
    let out = out_dir(opts, &config);
    let reader = cache.reader();
    let live = cached::manifest(&reader, "outputs", &out);
    let spare = cached::manifest(&reader, "spare", &Staging::spare_path(&out));
    let (Some(live), None) = (live, spare) else { return Ok(false) };
    let files: Vec<&str> = live.files.keys().collect();
    let spare = Staging::link_spare(&out, &files)?;
    let Some(dir_id) = dir_id(&spare) else { return Ok(false) };
    cache.write_value("spare", &Manifest { dir_id, files: live.files })?;
    Ok(true)
}
