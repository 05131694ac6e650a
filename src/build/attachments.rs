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
use crate::hash::Fingerprint;
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
                p.starts_with("static/") || real(p).is_some()
            });
            let path = match resolved {
                Ok(path) if path.starts_with("static/") => continue,
                Ok(path) => path,
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
                    found.files.insert(output, attachment);
                }
            }
        }
    }
    if errors.is_empty() { Ok(found) } else { Err(errors) }
}

impl Attached {
    /// What pages and feeds tell of each file ([`note`], [`media_type`]), by where it is
    /// published.
    pub fn linked_files(
        &self,
        language: crate::config::Language,
    ) -> rustc_hash::FxHashMap<String, crate::archive::LinkedFile> {
        self.files
            .iter()
            .map(|(output, a)| {
                let file = crate::archive::LinkedFile {
                    len: a.len,
                    note: note(output, a.len, language),
                    media_type: media_type(output),
                };
                (output.clone(), file)
            })
            .collect()
    }
}

/// The media type of a file a bulletin links, from its extension (feed readers and podcast
/// players go by it): documents, spreadsheets, archives, sound, video and pictures newsrooms
/// publish; any other is `application/octet-stream`.
pub fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "rtf" => "application/rtf",
        "zip" => "application/zip",
        "rar" => "application/vnd.rar",
        "7z" => "application/x-7z-compressed",
        "csv" => "text/csv",
        "txt" => "text/plain",
        "json" => "application/json",
        "xml" => "application/xml",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "flac" => "audio/flac",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// What a link to a file says of it: its type, from its extension, and its size, as news sites
/// write them beside a document to download ("PDF, 245 KB"; "DOCX, 1,2 MB" in Vietnamese, with
/// its decimal comma): a reader on a phone's data sees what following the link costs.
pub fn note(path: &str, len: u64, language: crate::config::Language) -> String {
    const KB: u64 = 1024;
    let decimal = if language == crate::config::Language::Vi { ',' } else { '.' };
    // Below ten of a unit, one decimal ("2,4 MB"); above, whole ones ("24 MB", "245 KB").
    let scaled = |unit: u64, name: &str| {
        let tenths = (len * 10 + unit / 2) / unit;
        if tenths < 100 {
            format!("{}{decimal}{} {name}", tenths / 10, tenths % 10)
        } else {
            format!("{} {name}", (len + unit / 2) / unit)
        }
    };
    // The unit is the largest the size rounds to one or more of (1,048,500 bytes: "1,0 MB",
    // not "1024 KB").
    let size = if len < KB {
        format!("{len} B")
    } else if (len + KB / 2) / KB < KB {
        format!("{} KB", (len + KB / 2) / KB)
    } else if (len + KB * KB / 2) / (KB * KB) < KB {
        scaled(KB * KB, "MB")
    } else {
        scaled(KB * KB * KB, "GB")
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some(ext) if (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            format!("{}, {size}", ext.to_ascii_uppercase())
        }
        _ => size,
    }
}

/// Puts every attachment into the output.
pub fn write(root: &Path, attached: &Attached, emit: &Emit) -> Result<(), Diagnostic> {
    let racy_after = super::scan::racy_after();
    attached.files.par_iter().try_for_each(|(output, a)| {
        // Its size and time say it is the file published, unless they are too fresh to trust.
        let key = (a.mtime < racy_after).then(|| {
            Fingerprint::new().str("attachment").str(&a.source).u64(a.len).u64(a.mtime as u64).finish()
        });
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

#[cfg(test)]
mod tests {
    use super::{media_type, note};
    use crate::config::Language::{En, Vi};

    #[test]
    fn a_note_gives_the_type_and_the_size_as_readers_read_them() {
        assert_eq!(note("files/2025/07/quyet-dinh-so-12.pdf", 250_880, Vi), "PDF, 245 KB");
        assert_eq!(note("files/a/bang.xlsx", 1_258_291, Vi), "XLSX, 1,2 MB");
        assert_eq!(note("files/a/bang.xlsx", 1_258_291, En), "XLSX, 1.2 MB");
        assert_eq!(note("files/a/phim.mp4", 25_165_824, En), "MP4, 24 MB");
        assert_eq!(note("files/a/ghi-chu.txt", 812, Vi), "TXT, 812 B");
        assert_eq!(note("files/a/x.zip", 1024, Vi), "ZIP, 1 KB");
        // A size is told in the largest unit it rounds to one of, never as "1024 KB".
        assert_eq!(note("files/a/x.zip", 1_047_000, Vi), "ZIP, 1022 KB");
        assert_eq!(note("files/a/x.zip", 1_048_500, Vi), "ZIP, 1,0 MB");
        assert_eq!(note("files/a/x.iso", 3 * 1_073_741_824 / 2, Vi), "ISO, 1,5 GB");
        // An extension that is no type's name is left out.
        assert_eq!(note("files/a/ban-ghi.thang-mot", 2048, Vi), "2 KB");
    }

    #[test]
    fn a_media_type_is_known_by_the_extension_in_any_case() {
        assert_eq!(media_type("files/2025/07/ban-tin-18h.MP3"), "audio/mpeg");
        assert_eq!(media_type("files/a/quyet-dinh.pdf"), "application/pdf");
        assert_eq!(
            media_type("files/a/bang.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(media_type("files/a/khong-ro.abc"), "application/octet-stream");
        assert_eq!(media_type("files/a/khong-duoi"), "application/octet-stream");
    }
}
