//! Publishing safely. A build writes into a staging directory beside the output and swaps it
//! in only when everything succeeded, so the published site is always one complete build.
//! bantin only ever deletes a directory that carries its marker file, and every output path
//! goes through [`safe_join`], which cannot leave the output directory.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::diag::Diagnostic;

/// The file that marks a directory as bantin's output.
pub const MARKER: &str = ".bantin-output";
const MARKER_TEXT: &str = "This directory is written by `bantin build`; bantin may replace it.\n";

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
            || seg.contains(['\\', ':'])
            || seg.chars().any(char::is_control)
            || seg.len() > 255
            || crate::text::is_windows_reserved(seg);
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

/// Decodes `%XX` escapes once. None for a malformed escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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

/// A build's output being written: a staging directory that becomes the output on
/// [`Staging::publish`], and is removed if dropped before that.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    published: bool,
    bytes: AtomicU64,
    files: AtomicU64,
}

impl Staging {
    /// Creates a fresh staging directory beside `out`, removing stale ones left by killed
    /// builds (only those carrying the marker).
    pub fn begin(out: &Path) -> io::Result<Staging> {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name =
            out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let prefix = format!(".{name}.bantin-");
        if let Ok(dir) = fs::read_dir(parent) {
            for entry in dir.flatten() {
                let stale = entry.file_name().to_string_lossy().starts_with(&prefix);
                if stale && entry.path().join(MARKER).is_file() {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = parent.join(format!("{prefix}staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        fs::write(dir.join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            published: false,
            bytes: AtomicU64::new(0),
            files: AtomicU64::new(0),
        })
    }

    /// Writes one output file at a site-relative path. Safe to call from many threads.
    pub fn write(&self, rel: &str, contents: &[u8]) -> io::Result<()> {
        let path = safe_join(&self.dir, rel).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, contents)?;
        self.bytes.fetch_add(contents.len() as u64, Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    pub fn bytes_written(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    pub fn files_written(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    /// Makes the staged build the output. On Linux the two directories are exchanged in one
    /// atomic `renameat2(RENAME_EXCHANGE)`; elsewhere the old output is renamed aside first.
    /// The old build is then deleted (it carries the marker: it was checked before building).
    pub fn publish(mut self) -> io::Result<()> {
        if self.out.exists() {
            let out_has_marker = self.out.join(MARKER).is_file();
            let out_is_empty = fs::read_dir(&self.out).map(|mut d| d.next().is_none()).unwrap_or(false);
            if !out_has_marker && !out_is_empty {
                return Err(io::Error::other(format!(
                    "{} is not a bantin output directory; leaving it alone",
                    self.out.display()
                )));
            }
            if exchange(&self.dir, &self.out).is_err() {
                let aside = self.dir.with_file_name(format!(
                    "{}old-{}",
                    self.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    std::process::id()
                ));
                fs::rename(&self.out, &aside)?;
                fs::rename(&self.dir, &self.out)?;
                self.dir = aside;
            }
            // `self.dir` now holds the previous build.
            if self.dir.join(MARKER).is_file() {
                remove_tree(&self.dir)?;
            } else {
                fs::remove_dir(&self.dir)?;
            }
        } else {
            fs::rename(&self.dir, &self.out)?;
        }
        self.published = true;
        Ok(())
    }
}

/// Removes a directory tree, its top-level entries in parallel (deleting a large site is
/// mostly waiting on the file system).
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    let mut subdirs = Vec::new();
    for e in entries {
        if e.file_type()?.is_dir() {
            // Split big folders one level further so both cores get work.
            for sub in fs::read_dir(e.path())? {
                subdirs.push(sub?.path());
            }
            subdirs.push(e.path());
        } else {
            subdirs.push(e.path());
        }
    }
    // Children first, then their (now smaller) parents, in listing order.
    let (children, parents): (Vec<PathBuf>, Vec<PathBuf>) =
        subdirs.into_iter().partition(|p| p.parent().is_some_and(|parent| parent != dir));
    children.par_iter().try_for_each(|p| remove_any(p))?;
    parents.par_iter().try_for_each(|p| remove_any(p))?;
    fs::remove_dir(dir)
}

fn remove_any(p: &Path) -> io::Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(_) => fs::remove_file(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange on this platform"))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published && self.dir.join(MARKER).is_file() {
            let _ = fs::remove_dir_all(&self.dir);
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
