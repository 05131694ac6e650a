//! The static stage: the theme's static files, then the site's own `static/` (which wins),
//! copied into the output as they are (the theme's scripts and style sheets compacted:
//! [`crate::render::compact`]; pictures without their metadata: [`crate::photos::strip`]).

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::hash::Fingerprint;
use crate::output::Emit;
use crate::render::Theme;

/// Puts every static file into the output; a site's file changed after `racy_after`
/// (nanoseconds) is read whatever its size and time. Returns the warnings for files larger
/// than some static hosts publish.
pub fn write(
    root: &Path,
    theme: &Theme,
    emit: &Emit,
    (racy_after, language): (i64, crate::config::Language),
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let mut warnings = Vec::new();
    // The theme's bytes, or the site's file's size and time.
    let mut statics: BTreeMap<String, Result<&[u8], (u64, i64)>> = BTreeMap::new();
    for (rel, bytes) in theme.under("static") {
        statics.insert(rel.to_string(), Ok(bytes));
    }
    let site_static = root.join("static");
    for (rel, len, mtime) in site_files(&site_static) {
        warnings.extend(crate::archive::files::too_large_for_hosts(&format!("static/{rel}"), len, language));
        statics.insert(rel, Err((len, mtime)));
    }
    let made_by = crate::hash::binary_id();
    for (rel, source) in &statics {
        let result = match *source {
            // The theme's scripts and style sheets without comment lines or indentation.
            Ok(b) => emit.put(rel, None, &crate::render::compact(rel, b)),
            Err((len, mtime)) => {
                // Its size and time say it is the file published, unless they are too fresh to
                // trust: then it is not read again (a site's static/ may hold videos).
                let key = (mtime < racy_after).then(|| file_key("static", rel, (len, mtime), made_by));
                let path = site_static.join(rel);
                match key.and_then(|key| emit.unchanged_at(rel, key)) {
                    Some(at) => emit.keep_at(at),
                    // A picture leaves its camera's metadata (position, serial number) behind.
                    None if crate::content::is_picture(Path::new(rel)) => {
                        let bytes = std::fs::read(&path).map_err(|e| copy_error(rel, e))?;
                        let bytes = crate::photos::strip(&bytes).map_err(|e| {
                            Diagnostic::error(e.message).in_file(format!("static/{rel}")).with_hint(e.hint)
                        })?;
                        emit.put(rel, key, &bytes)
                    }
                    // Copied as it is, a block at a time.
                    None => emit.put_file(rel, key, &path),
                }
            }
        };
        result.map_err(|e| copy_error(rel, e))?;
    }
    Ok(warnings)
}

/// The key a site's file (of `static/`, or attached to a bulletin) is published under: its
/// path, size and time; and, for a picture, which bantin `made_by` it
/// ([`crate::hash::binary_id`]): a picture is made again (its metadata stripped) by each new
/// bantin, which may strip more, while another file is copied as it is.
pub fn file_key(kind: &str, path: &str, (len, mtime): (u64, i64), made_by: u64) -> u64 {
    let mut f = Fingerprint::new();
    f.str(kind).str(path).u64(len).u64(mtime as u64);
    if crate::content::is_picture(Path::new(path)) {
        f.u64(made_by);
    }
    f.finish()
}

fn copy_error(rel: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot copy static/{rel}: {e}")).in_file(format!("static/{rel}"))
}

/// The files of the site's `static/` folder: (path relative to it, size, modification time).
pub fn site_files(dir: &Path) -> Vec<(String, u64, i64)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            let (len, mtime) = e.metadata().map_or((0, 0), |m| (m.len(), crate::hash::mtime_nanos(&m)));
            (crate::render::slash_path(rel), len, mtime)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::file_key;

    #[test]
    fn a_picture_is_made_again_by_another_bantin_and_another_file_kept() {
        let at = (120_000, 1_700_000_000_000_000_000);
        for kind in ["static", "attachment"] {
            assert_ne!(file_key(kind, "anh/le-hoi.JPG", at, 1), file_key(kind, "anh/le-hoi.JPG", at, 2));
            assert_eq!(file_key(kind, "tep/bao-cao.pdf", at, 1), file_key(kind, "tep/bao-cao.pdf", at, 2));
            // Its size or time changed: made again, whatever it is.
            assert_ne!(
                file_key(kind, "tep/bao-cao.pdf", at, 1),
                file_key(kind, "tep/bao-cao.pdf", (1, at.1), 1)
            );
        }
        assert_ne!(file_key("static", "a.pdf", at, 1), file_key("attachment", "a.pdf", at, 1));
    }
}
