//! The attachments stage. `find`: each file a bulletin links beside it (`[toàn văn](quyet-dinh.pdf)`,
//! a file of `content/` that is no bulletin) is looked up, and a link to one that is not there
//! is a warning at its line. `write`: each is published under `files/`
//! ([`crate::photos::published_file`]), once however many bulletins link it, kept from the
//! published site when its size and time are those it was published from (its key), and a
//! picture without its camera's metadata ([`crate::photos::strip`]).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::load::LoadedSite;
use crate::diag::{Diagnostic, Severity};
use crate::output::Emit;

/// One file to publish: where from (site-relative), its size and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub source: String,
    pub len: u64,
    pub mtime: i64,
}

/// The attachments of a build, by where each is published, and the warnings of links to
/// files that are not there.
#[derive(Debug, Default)]
pub struct Attached {
    pub files: BTreeMap<String, Attachment>,
    /// Files of `static/` that bulletins link (`/tep/quyet-dinh.pdf`), by where they are
    /// published: told of like the others, published by the static stage.
    pub statics: BTreeMap<String, Attachment>,
    pub warnings: Vec<Diagnostic>,
}

/// What to write where a file linked from a bulletin is nowhere.
const PUT_THE_FILE: &str = "put the file beside the bulletin and link it by its name with its extension ([toàn văn](quyet-dinh.pdf)), or under static/ and link it from the site's root (/tep/quyet-dinh.pdf)";

/// Finds the file of every attachment the archive's bulletins link. Two files published at
/// one address (names that differ only in case or marks, `Quyết định.pdf` and
/// `quyet-dinh.pdf`) are an error naming both.
pub fn find(site: &LoadedSite) -> Result<Attached, Vec<Diagnostic>> {
    let mut found = Attached::default();
    if site.archive.entries.iter().all(|e| e.facts.attachments.is_empty()) {
        return Ok(found);
    }
    let files = super::photos::SiteFiles::new(
        site.assets.iter().map(|f| (crate::render::slash_path(&f.path), (f.len, f.mtime))),
    );
    let real = |p: &str| files.real(p);
    let mut errors = Vec::new();
    for e in &site.archive.entries {
        let bulletin = crate::render::slash_path(&e.bulletin.source);
        for link in &e.facts.attachments {
            let resolved = crate::photos::resolve(&bulletin, &link.target, |p| {
                if p.starts_with("static/") {
                    static_file(&site.root, p).is_some()
                } else {
                    real(p).is_some()
                }
            });
            let path = match resolved {
                Ok(path) if path.starts_with("static/") => {
                    if let (Some((len, mtime)), Some(output)) =
                        (static_file(&site.root, &path), crate::photos::published_file(&path))
                    {
                        found.statics.insert(output, Attachment { source: path, len, mtime });
                    }
                    continue;
                }
                Ok(path) => path,
                // A link from the root to a file bantin does not have may be to one the host
                // serves besides (or to a feed bantin writes, `/rss.xml`): it leads there, untold.
                Err(_) if crate::markdown::is_root_link(link.target.trim_start()) => continue,
                Err(tried) => {
                    let what = (link.target.as_str(), "linked file", PUT_THE_FILE);
                    let mut d = super::photos::missing(
                        &site.root,
                        &e.bulletin.source,
                        link.at,
                        what,
                        &tried,
                        &files.files,
                    );
                    d.severity = Severity::Warning;
                    found.warnings.push(d);
                    continue;
                }
            };
            let (Some(source), Some(output)) = (real(&path), crate::photos::published_file(&path)) else {
                continue;
            };
            let (len, mtime) = files.stat(source);
            let attachment = Attachment { source: source.clone(), len, mtime };
            match found.files.get(&output) {
                Some(other) if other.source != attachment.source => errors.push(
                    Diagnostic::error(format!(
                        "{} and {} would both be published as {output}",
                        other.source, attachment.source
                    ))
                    .in_file(&e.bulletin.source)
                    .at(
                        &std::fs::read_to_string(site.root.join(&e.bulletin.source)).unwrap_or_default(),
                        link.at.0,
                        link.at.1,
                    )
                    .with_hint(
                        "their names differ only in case, marks or punctuation: rename one of the files",
                    ),
                ),
                Some(_) => {}
                None => {
                    found.warnings.extend(crate::archive::files::too_large_for_hosts(
                        &attachment.source,
                        len,
                        site.config.language,
                    ));
                    found.files.insert(output, attachment);
                }
            }
        }
    }
    if errors.is_empty() { Ok(found) } else { Err(errors) }
}

/// The size and time of the site's file `path` (`static/…`), if it is a file (a symbolic
/// link is not: the static stage does not follow them).
fn static_file(root: &Path, path: &str) -> Option<(u64, i64)> {
    let meta = std::fs::symlink_metadata(root.join(path)).ok().filter(std::fs::Metadata::is_file)?;
    Some((meta.len(), crate::hash::mtime_nanos(&meta)))
}

impl Attached {
    /// What pages and feeds tell of each file ([`note`](crate::archive::files::note), [`media_type`](crate::archive::files::media_type)), by where it is
    /// published.
    pub fn linked_files(
        &self,
        language: crate::config::Language,
    ) -> rustc_hash::FxHashMap<String, crate::archive::LinkedFile> {
        self.files
            .iter()
            .chain(&self.statics)
            .map(|(output, a)| {
                let file = crate::archive::LinkedFile {
                    len: a.len,
                    note: crate::archive::files::note(output, a.len, language),
                    media_type: crate::archive::files::media_type(output),
                };
                (output.clone(), file)
            })
            .collect()
    }
}

/// Puts every attachment into the output.
pub fn write(root: &Path, attached: &Attached, emit: &Emit) -> Result<(), Diagnostic> {
    let (racy_after, made_by) = (super::scan::racy_after(), crate::hash::binary_id());
    attached.files.par_iter().try_for_each(|(output, a)| {
        // Its size and time say it is the file published, unless they are too fresh to trust.
        let key = (a.mtime < racy_after)
            .then(|| super::statics::file_key("attachment", &a.source, (a.len, a.mtime), made_by));
        if let Some(at) = key.and_then(|key| emit.unchanged_at(output, key)) {
            return emit.keep_at(at).map_err(|e| copy_error(&a.source, &e));
        }
        if !crate::content::is_picture(Path::new(&a.source)) {
            // Copied as it is, a block at a time: a video or a scanned report may be large.
            return emit.put_file(output, key, &root.join(&a.source)).map_err(|e| copy_error(&a.source, &e));
        }
        // A picture leaves its camera's metadata (position, serial number) behind.
        let bytes = std::fs::read(root.join(&a.source)).map_err(|e| copy_error(&a.source, &e))?;
        let bytes = crate::photos::strip(&bytes)
            .map_err(|e| Diagnostic::error(e.message).in_file(&a.source).with_hint(e.hint))?;
        emit.put(output, key, &bytes).map_err(|e| copy_error(&a.source, &e))
    })
}

fn copy_error(source: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot publish the file: {e}")).in_file(source)
}
