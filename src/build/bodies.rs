//! The bodies stage: the one place that reads a bulletin's source again after the scan. The
//! archive keeps what the cache keeps (no body); the pages, feeds and search index that need a
//! body say which, and this reads each back, checks it is the version that was parsed, and
//! renders its Markdown.

use rayon::prelude::*;

use crate::archive::{Archive, Body};
use crate::config::Config;
use crate::diag::Diagnostic;

/// Reads back from their sources the bodies of the entries in `which` that do not have one
/// (they came from the build cache). A source that changed since it was read fails the build
/// rather than mix two versions of a bulletin.
pub fn load(
    root: &std::path::Path,
    config: &Config,
    tz: &jiff::tz::TimeZone,
    archive: &Archive,
    which: &[usize],
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
            let _ = e.body.set(Body::new(r.html, r.plain));
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
        let config = Config::default();
        // As the cache keeps it: no body.
        let p = parsed.without_body();
        let archive = Archive::build(&config, vec![(p.bulletin, p.rendered)]).expect("archive");
        assert!(archive.entries[0].plain().is_none());
        load(dir.path(), &config, &tz, &archive, &[0]).expect("read back");
        assert_eq!(archive.entries[0].plain().as_deref(), Some("Mưa lớn.\n"));
        assert!(archive.entries[0].html().contains("<strong>lớn</strong>"));
        // The source changed since it was parsed: an error, never the other version's body.
        let p = parsed.without_body();
        let archive = Archive::build(&config, vec![(p.bulletin, p.rendered)]).expect("archive");
        std::fs::write(dir.path().join("content/a.md"), text.replace("lớn", "nhỏ")).expect("write");
        let errors = load(dir.path(), &config, &tz, &archive, &[0]).expect_err("changed");
        assert!(errors[0].message.contains("changed while the site was being built"));
        assert!(archive.entries[0].plain().is_none());
    }
}
