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

/// What the feeds stage tells the pipeline.
#[derive(Default)]
pub struct FeedsDone {
    /// Why there are no feeds, when there are none.
    pub warning: Option<Diagnostic>,
    /// When the first bulletin of the news sitemap leaves it (see [`feeds::news_members`]).
    pub news_expiry: Option<i64>,
}

/// Writes (or keeps) every feed, the sitemaps (the news sitemap with the bulletins of the two
/// days before `now`) and robots.txt; without an absolute `base_url` there are none, and the
/// warning saying so is returned.
pub fn write(
    config: &Config,
    archive: &Archive,
    photos: &crate::photos::PhotoSet,
    planned: &[(FeedSpec, u64, bool)],
    (global_key, now): (u64, i64),
    emit: &Emit,
) -> Result<FeedsDone, Diagnostic> {
    if !feeds::has_absolute_base(config) {
        // A host written without its scheme ("baotinh.vn") is the site's address all the same.
        let given = config.base_url.trim().trim_end_matches('/');
        let hint = if given.contains('.') && !given.contains("://") && !given.starts_with('/') {
            format!("write it with its scheme: `base_url = \"https://{given}/\"` in site.toml")
        } else {
            "set `base_url = \"https://your-site.example/\"` in site.toml".to_string()
        };
        return Ok(FeedsDone {
            warning: Some(
                Diagnostic::warning("no feeds, sitemap or robots.txt: `base_url` is not an absolute URL")
                    .in_file("site.toml")
                    .with_hint(hint),
            ),
            news_expiry: None,
        });
    }
    planned
        .par_iter()
        .try_for_each(|(spec, key, kept)| {
            if *kept {
                return spec.files().iter().try_for_each(|f| emit.keep(f));
            }
            feeds::render_spec(config, archive, photos, spec)
                .iter()
                .try_for_each(|f| emit.put(&f.path, Some(*key), f.contents.as_bytes()))
        })
        .map_err(|e| io_error("cannot write the feeds", e))?;
    // The sitemap lists every page: it is made again only when what it shows changed.
    let (sitemap_files, sitemap_key) = feeds::sitemap_plan(config, archive, global_key);
    let sitemap = if sitemap_files.iter().all(|f| emit.unchanged(f, sitemap_key)) {
        sitemap_files.iter().try_for_each(|f| emit.keep(f))
    } else {
        feeds::sitemaps_each(config, archive, &|f| {
            emit.put(&f.path, Some(sitemap_key), f.contents.as_bytes())
        })
    };
    sitemap.map_err(|e| io_error("cannot write the sitemap", e))?;
    let (news, news_expiry) = feeds::news_members(archive, now);
    if !news.is_empty() {
        // (An empty news sitemap is not a valid one: without news there is none.)
        let key = feeds::news_key(archive, &news, global_key);
        let written = if emit.unchanged(feeds::NEWS_SITEMAP, key) {
            emit.keep(feeds::NEWS_SITEMAP)
        } else {
            let file = feeds::news_sitemap(config, archive, &news);
            emit.put(&file.path, Some(key), file.contents.as_bytes())
        };
        written.map_err(|e| io_error("cannot write the news sitemap", e))?;
    }
    if config.robots {
        let robots = feeds::robots(config, !news.is_empty());
        emit.put(&robots.path, None, robots.contents.as_bytes())
            .map_err(|e| io_error("cannot write the sitemap", e))?;
    }
    Ok(FeedsDone { warning: None, news_expiry })
}
