//! Publishing safely. A build writes into a staging directory beside the output and swaps it
//! in only when everything succeeded, so the published site is always one complete build.
//! bantin only ever deletes a directory that carries its marker file, and every output path
//! goes through [`safe_join`], which cannot leave the output directory.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::diag::Diagnostic;

mod emit;
mod manifest;
mod staging;
mod stream;

pub use emit::{Emit, Made};
pub use manifest::{Files, Manifest, NOWHERE, OutputRecord, dir_id};
pub use staging::{Cleanup, Staging, Survey};

/// The file that marks a directory as bantin's output.
pub const MARKER: &str = ".bantin-output";
pub(crate) const MARKER_TEXT: &str = "This directory is written by `bantin build`; bantin may replace it.\n";

/// Joins a site-relative output path (`2020/01/x/index.html`) onto `root`, refusing anything
/// that could leave it: absolute paths, `..`, `.`, empty segments, backslashes, drive
/// prefixes, NUL and other control characters, and names Windows reserves.
pub fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, String> {
    if rel.is_empty() || rel.len() > 4096 {
        return Err(format!("output path {rel:?} is empty or too long"));
    }
    let mut out = root.to_path_buf();
    for seg in rel.split('/') {
        let bad = seg.is_empty()
            || seg == "."
            || seg == ".."
            || seg.contains('\\')
            || seg.chars().any(char::is_control)
            || !crate::text::is_portable_name(seg);
        if bad {
            return Err(format!("output path {rel:?} has an unsafe segment {seg:?}"));
        }
        out.push(seg);
    }
    // Belt and braces: the result must still be a plain descendant of root.
    let tail = out.strip_prefix(root).map_err(|_| format!("output path {rel:?} escapes the output"))?;
    if !tail.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!("output path {rel:?} escapes the output"));
    }
    Ok(out)
}

/// Checks that `out` is a place bantin may publish to: not the site root, `content/`, a
/// parent of either, `/`, the home directory, or a non-empty directory without our marker.
pub fn check_output_dir(site_root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(site_root);
    let out = absolute(out);
    let content = root.join("content");
    let refuse = |why: &str| {
        Err(Diagnostic::error(format!("refusing to publish into {}: {why}", out.display()))
            .with_hint("choose a dedicated output directory with `--out`, e.g. `--out public`"))
    };
    if out.parent().is_none() {
        return refuse("it is the file system root");
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from).map(|h| absolute(&h))
        && out == home
    {
        return refuse("it is your home directory");
    }
    if out == root || root.starts_with(&out) {
        return refuse("it is the site root or one of its parents");
    }
    if out == content || out.starts_with(&content) {
        return refuse("it is inside content/");
    }
    // The site's other inputs: published there, the site would be read back as the site's own
    // files (static/ is copied into every build) or its theme. (`serve` builds into the cache's
    // folder, .bantin/preview.)
    for (folder, what) in [("static", "the site's static files"), ("themes", "the site's themes")] {
        let input = root.join(folder);
        if out == input || out.starts_with(&input) {
            return refuse(&format!("it is inside {folder}/, {what}"));
        }
    }
    if out.is_file() {
        return refuse("it is a file");
    }
    if out.is_dir() && !out.join(MARKER).is_file() {
        let empty = fs::read_dir(&out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            return refuse(
                "it is a non-empty directory that bantin did not create (no .bantin-output marker)",
            );
        }
    }
    Ok(())
}

/// The absolute, symlink-resolved form of `p`, for the parts of it that exist.
fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    // Resolve the longest existing ancestor, then append the rest lexically.
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                match *part {
                    s if s == ".." => {
                        out.pop();
                    }
                    s if s == "." => {}
                    s => out.push(s),
                }
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_join_refuses_escapes() {
        let root = Path::new("/srv/public");
        assert_eq!(safe_join(root, "2020/01/x/index.html").ok(), Some(root.join("2020/01/x/index.html")));
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a\\..\\b",
            "a//b",
            "",
            "./a",
            "C:x",
            "con",
            "a/NUL.txt",
            "lpt1",
            "a/\u{0}b",
            "x/..",
        ] {
            assert!(safe_join(root, bad).is_err(), "{bad:?}");
        }
        // Encoded dots are just characters in a file name, never a parent directory.
        assert!(safe_join(root, "%2e%2e/x").is_ok());
    }
}
