//! The feeds stage: Atom, RSS and JSON feeds, the sitemap and robots.txt, made again only
//! where their keys changed. They need absolute URLs; they are made before the pages, so that
//! each bulletin's HTML can be let go as soon as its page is written.

use rayon::prelude::*;

use super::report::io_error;
use crate::archive::Archive;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::feeds;
use crate::feeds::FeedSpec;
use crate::output::Emit;

/// Writes (or keeps) every feed, the sitemap and robots.txt; without an absolute `base_url`
/// there are none, and the warning saying so is returned.
pub fn write(
    config: &Config,
    archive: &Archive,
    planned: &[(FeedSpec, u64, bool)],
    global_key: u64,
    emit: &Emit,
) -> Result<Option<Diagnostic>, Diagnostic> {
    if !feeds::has_absolute_base(config) {
        return Ok(Some(
            Diagnostic::warning("no feeds, sitemap or robots.txt: `base_url` is not an absolute URL")
                .in_file("site.toml")
                .with_hint("set `base_url = \"https://your-site.example/\"` in site.toml"),
        ));
    }
    planned
        .par_iter()
        .try_for_each(|(spec, key, kept)| {
            if *kept {
                return spec.files().iter().try_for_each(|f| emit.keep(f));
            }
            feeds::render_spec(config, archive, spec)
                .iter()
                .try_for_each(|f| emit.put(&f.path, Some(*key), f.contents.as_bytes()))
        })
        .map_err(|e| io_error("cannot write the feeds", e))?;
    // The sitemap lists every page: it is made again only when what it shows changed.
    let (sitemap_files, sitemap_key) = feeds::sitemap_plan(config, archive, global_key);
    let sitemap = if sitemap_files.iter().all(|f| emit.unchanged(f, sitemap_key)) {
        sitemap_files.iter().try_for_each(|f| emit.keep(f))
    } else {
        feeds::sitemaps(config, archive)
            .par_iter()
            .try_for_each(|f| emit.put(&f.path, Some(sitemap_key), f.contents.as_bytes()))
    };
    sitemap.map_err(|e| io_error("cannot write the sitemap", e))?;
    if config.robots {
        let robots = feeds::robots(config);
        emit.put(&robots.path, None, robots.contents.as_bytes())
            .map_err(|e| io_error("cannot write the sitemap", e))?;
    }
    Ok(None)
}
