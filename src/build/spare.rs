//! Making the spare tree ahead of time (`bantin serve`, after its first build).

use super::cached::{self, Cached};
use super::{BuildOptions, out_dir, profile};
use crate::config::Config;
use crate::output::{Manifest, Staging, dir_id};

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
