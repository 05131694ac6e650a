//! The bodies stage: the one place that reads a bulletin's source again after the scan. The
//! archive keeps what the cache keeps (no body); the pages, feeds and search index that need a
//! body say which, and this reads each back, checks it is the version that was parsed, and
//! renders its Markdown.

use rayon::prelude::*;

use std::sync::Arc;

use super::load::LoadedSite;
use crate::archive::{Archive, Body, Spill, spill_failed};
use crate::diag::Diagnostic;

/// Reads back from their sources the bodies of the entries in `which` that do not have one
/// (they came from the build cache). A source that changed since it was read fails the build
/// rather than mix two versions of a bulletin. The bodies go to the build's spill file when
/// it has one, or when held they would take more than half the memory budget (a theme
/// changed at 1,000,000 bulletins: every body read back, 9 GB held before this). Says
/// whether bodies were read back to the spill file.
pub fn load(site: &LoadedSite, which: &[usize]) -> Result<bool, Vec<Diagnostic>> {
    let (root, config, tz, archive) = (&site.root, &site.config, &site.tz, &site.archive);
    let (bodies, words) = which
        .iter()
        .map(|&i| &archive.entries[i])
        .filter(|e| e.body.get().is_none())
        .fold((0, 0), |(n, words), e| (n + 1, words + e.facts.words as u64));
    if bodies == 0 {
        return Ok(false);
    }
    let spill = site.spill_if(super::budget::spill_read_back(site.budget, words)).map_err(|e| vec![e])?;
    read_back(root, config, tz, archive, which, spill).map(|()| spill.is_some())
}

/// [`load`] with where the bodies go: `spill`, or memory.
fn read_back(
    root: &std::path::Path,
    config: &crate::config::Config,
    tz: &jiff::tz::TimeZone,
    archive: &Archive,
    which: &[usize],
    spill: Option<&Arc<Spill>>,
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
            let body = match spill {
                None => Body::new(r.html, r.plain),
                Some(spill) => match (spill.put(&r.html), spill.put(&r.plain)) {
                    (Ok(html), Ok(plain)) => Body::spilled(spill.clone(), [html, plain]),
                    (Err(e), _) | (_, Err(e)) => {
                        return Some(spill_failed("write a body to the build's spill file", e));
                    }
                },
            };
            let _ = e.body.set(Box::new(body));
            None
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_read_back_only_if_its_source_is_the_version_parsed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = "---\ntitle: \"Mưa\"\ndate: 2024-01-02\n---\nMưa **lớn**.\n";
        std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
        std::fs::write(dir.path().join("content/a.md"), text).expect("write");
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        let source = crate::content::SourceFile { rel_path: "content/a.md".into(), text: text.into() };
        let mut parsed = crate::content::parse(&source, &tz, false).expect("parsed");
        parsed.bulletin.source_hash = crate::hash::hash_bytes(text.as_bytes());
        let config = crate::config::Config::default();
        // As the cache keeps it: no body.
        let p = parsed.without_body();
        let archive = Archive::build(&config, vec![(p.bulletin, p.rendered)]).expect("archive");
        assert!(archive.entries[0].plain().is_none());
        read_back(dir.path(), &config, &tz, &archive, &[0], None).expect("read back");
        assert_eq!(archive.entries[0].plain().as_deref(), Some("Mưa lớn.\n"));
        assert!(archive.entries[0].html().contains("<strong>lớn</strong>"));
        // Into the spill file: the same body, not held.
        let spill = Arc::new(Spill::create(dir.path()).expect("spill"));
        let p = parsed.without_body();
        let spilled = Archive::build(&config, vec![(p.bulletin, p.rendered)]).expect("archive");
        read_back(dir.path(), &config, &tz, &spilled, &[0], Some(&spill)).expect("read back");
        assert!(spilled.entries[0].body.get().is_some_and(|b| b.is_spilled()));
        assert_eq!(spilled.entries[0].plain().as_deref(), Some("Mưa lớn.\n"));
        assert_eq!(spilled.entries[0].html(), archive.entries[0].html());
        // The source changed since it was parsed: an error, never the other version's body.
        let p = parsed.without_body();
        let archive = Archive::build(&config, vec![(p.bulletin, p.rendered)]).expect("archive");
        std::fs::write(dir.path().join("content/a.md"), text.replace("lớn", "nhỏ")).expect("write");
        let errors = read_back(dir.path(), &config, &tz, &archive, &[0], None).expect_err("changed");
        assert!(errors[0].message.contains("changed while the site was being built"));
        assert!(archive.entries[0].plain().is_none());
    }
}
