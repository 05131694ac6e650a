//! The static stage: the theme's static files, then the site's own `static/` (which wins),
//! copied into the output as they are (the theme's scripts and style sheets compacted:
//! [`crate::render::compact`]; pictures without their metadata: [`crate::photos::strip`]).

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::output::Emit;
use crate::render::Theme;

/// Puts every static file into the output.
pub fn write(root: &Path, theme: &Theme, emit: &Emit) -> Result<(), Diagnostic> {
    let mut statics: BTreeMap<String, Option<&[u8]>> = BTreeMap::new();
    for (rel, bytes) in theme.under("static") {
        statics.insert(rel.to_string(), Some(bytes));
    }
    let site_static = root.join("static");
    for (rel, _, _) in site_files(&site_static) {
        statics.insert(rel, None);
    }
    for (rel, bytes) in &statics {
        let result = match bytes {
            // The theme's scripts and style sheets without comment lines or indentation.
            Some(b) => emit.put(rel, None, &crate::render::compact(rel, b)),
            None => {
                let bytes = std::fs::read(site_static.join(rel)).map_err(|e| copy_error(rel, e))?;
                // A picture leaves its camera's metadata (position, serial number) behind.
                let bytes = if crate::content::is_picture(Path::new(rel)) {
                    crate::photos::strip(&bytes).map_err(|e| {
                        Diagnostic::error(e.message).in_file(format!("static/{rel}")).with_hint(e.hint)
                    })?
                } else {
                    bytes
                };
                emit.put(rel, None, &bytes)
            }
        };
        result.map_err(|e| copy_error(rel, e))?;
    }
    Ok(())
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
