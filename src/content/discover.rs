//! Finding the bulletins: every `*.md` under `content/`, symlinks never followed, in a
//! stable order, read as UTF-8.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, line_col};

/// A bulletin's source file, read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, for messages and the model.
    pub rel_path: PathBuf,
    pub text: String,
}

/// What discovery found: readable sources, problems, and warnings.
#[derive(Debug, Default)]
pub struct Discovered {
    pub paths: Vec<PathBuf>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Lists the Markdown files under `content_dir` (sorted), never following symlinks.
pub fn discover(root: &Path, content_dir: &Path) -> Discovered {
    let mut found = Discovered::default();
    if !content_dir.is_dir() {
        return found;
    }
    for entry in WalkDir::new(content_dir).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| rel(root, p)).unwrap_or_default();
                found
                    .errors
                    .push(Diagnostic::error(format!("cannot read this part of content/: {e}")).in_file(path));
                continue;
            }
        };
        let path = entry.path();
        let is_md = path.extension().is_some_and(|e| e == "md");
        if entry.file_type().is_symlink() {
            if is_md || path.is_dir() {
                found.warnings.push(
                    Diagnostic::warning("symbolic link skipped: bantin never follows links in content/")
                        .in_file(rel(root, path))
                        .with_hint("copy the file into content/ if it belongs to the site"),
                );
            }
            continue;
        }
        if entry.file_type().is_file() && is_md {
            found.paths.push(path.to_path_buf());
        }
    }
    found
}

/// Reads one source file, reporting unreadable files and invalid UTF-8 with a position.
pub fn read_source(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let rel_path = rel(root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(&rel_path))?;
    let text = match crate::text::utf8::string_from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let good = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, col) = line_col(&good, valid);
            let shown = String::from_utf8_lossy(&bytes).into_owned();
            return Err(Diagnostic::error("the file is not valid UTF-8")
                .in_file(&rel_path)
                .at(&shown, line, col)
                .with_hint(
                    "save the file as UTF-8 (most editors offer \"UTF-8\" under \"Save with encoding\")",
                ));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(text);
    Ok(SourceFile { rel_path, text })
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}
