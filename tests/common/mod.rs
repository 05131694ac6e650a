//! A tiny harness for end-to-end tests: a site in a temp dir, the real `bantin` binary run on
//! it, and helpers to read and parse what it wrote.

#![allow(dead_code)]

pub mod browser;
pub mod photo;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use scraper::{Html, Selector};
use tempfile::TempDir;

pub struct Site {
    pub dir: TempDir,
}

impl Site {
    /// A new site with the given site.toml.
    pub fn new(site_toml: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.toml"), site_toml).expect("write site.toml");
        std::fs::create_dir_all(dir.path().join("content")).expect("content dir");
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes a file relative to the site root.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Writes a file of bytes (a photo) relative to the site root.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
        self
    }

    /// Writes a bulletin from front-matter lines and a body.
    pub fn bulletin(&self, rel: &str, front_matter: &str, body: &str) -> &Self {
        self.write(&format!("content/{rel}"), &format!("---\n{front_matter}\n---\n{body}\n"))
    }

    /// Runs `bantin ARGS` in the site root.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::cargo_bin("bantin").expect("binary");
        cmd.current_dir(self.root()).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run bantin")
    }

    /// Builds and asserts success.
    pub fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// Parses `public/<rel>` (a directory means its index.html).
    pub fn page(&self, rel: &str) -> Html {
        let mut path = self.public().join(rel.trim_start_matches('/'));
        if rel.is_empty() || rel.ends_with('/') {
            path.push("index.html");
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Texts of all elements matching `css`, whitespace collapsed.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Values of attribute `attr` of all elements matching `css`.
pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
}

/// A copy of the site (or any folder) at `from` in a new temp dir, for tests that build or
/// edit a committed fixture.
pub fn copy_site(from: &Path) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let to = dir.path().join(entry.path().strip_prefix(from).expect("under the site"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    dir
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned();
            files.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    files
}

/// Resolves an internal link found in `from` (a file under `public`) to the file it names,
/// or None for external links and fragments.
/// `s` with its `%XX` escapes decoded (as UTF-8; left as it is when they are not).
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()).filter(|_| bytes[i] == b'%') {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

pub fn resolve_link(public: &Path, from: &Path, href: &str) -> Option<PathBuf> {
    if href.starts_with('#')
        || href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("tel:")
    {
        return None;
    }
    let href = href.split(['#', '?']).next().unwrap_or(href);
    let base = if href.starts_with('/') {
        public.to_path_buf()
    } else {
        from.parent().expect("parent").to_path_buf()
    };
    let mut path = base;
    for seg in href.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            // A browser asks for the path's bytes, percent-escapes decoded.
            s => path.push(percent_decoded(s)),
        }
    }
    if href.ends_with('/') || href.is_empty() || path.is_dir() {
        path.push("index.html");
    }
    Some(path)
}
