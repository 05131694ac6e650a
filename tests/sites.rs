//! Whole fixture sites under `tests/sites/`: every valid site builds, and its pages are
//! snapshots (`insta`), so that an unintended change to any page shows as a diff; every
//! invalid site fails with the diagnostics its `expect` file lists (file:line:col and words),
//! and publishes nothing.
//!
//! After an intended change: `cargo insta review` (or `INSTA_UPDATE=always cargo test --test
//! sites`) and commit the new snapshots.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn sites(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(kind);
    let mut found: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("sites").flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    found.sort();
    found
}

fn build(root: &Path) -> std::process::Output {
    Command::cargo_bin("bantin").expect("binary").current_dir(root).args(["build"]).output().expect("runs")
}

/// The text of a page, with the bantin version (in the generator tag) made neutral so that a
/// release does not change every snapshot.
fn page(public: &Path, rel: &str) -> String {
    let text = std::fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    text.replace(env!("CARGO_PKG_VERSION"), "VERSION")
}

#[test]
fn every_valid_site_builds_and_its_pages_match_their_snapshots() {
    let valid = sites("valid");
    assert!(!valid.is_empty());
    for site in valid {
        let name = site.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let dir = common::copy_site(&site);
        let out = build(dir.path());
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let public = dir.path().join("public");
        // Every bulletin page, the home page, a tag page, a month and the feeds: the kinds of
        // output a reader or a feed reader sees.
        let mut pages: Vec<String> = walkdir::WalkDir::new(&public)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&public).expect("under").to_string_lossy().replace('\\', "/"))
            .filter(|p| {
                p == "index.html"
                    || p == "feed.xml"
                    || p.starts_with("tags/an-ninh/")
                    || p.starts_with("2020/01/index")
                    || p.starts_with("2020/01/ubnd-tinh-tong-ket-phong-trao/")
                    || (p.ends_with("/index.html") && p.matches('/').count() == 3 && p.starts_with("20"))
            })
            .collect();
        pages.sort();
        assert!(pages.len() >= 5, "{name}: {pages:?}");
        for p in pages {
            let snapshot = format!("{name}__{}", p.replace('/', "_"));
            insta::assert_snapshot!(snapshot, page(&public, &p));
        }
    }
}

#[test]
fn the_markdown_of_each_valid_bulletin_matches_its_snapshot() {
    for site in sites("valid") {
        let name = site.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content"))
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("bulletin");
            let split = bantin::content::split_front_matter(&text).expect("front matter");
            let rendered = bantin::markdown::render(&bantin::text::normalize(split.body), false);
            let stem = f.file_stem().and_then(|s| s.to_str()).expect("stem");
            insta::assert_snapshot!(format!("{name}__markdown__{stem}"), rendered.html);
        }
    }
}

#[test]
fn every_invalid_site_fails_with_the_diagnostics_it_expects_and_publishes_nothing() {
    let invalid = sites("invalid");
    assert!(invalid.len() >= 5);
    for site in invalid {
        let name = site.display().to_string();
        let expect =
            std::fs::read_to_string(site.join("expect")).unwrap_or_else(|e| panic!("{name}/expect: {e}"));
        let dir = common::copy_site(&site);
        let out = build(dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} built");
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        for line in expect.lines().filter(|l| !l.is_empty()) {
            assert!(stderr.contains(line), "{name}: `{line}` not in:\n{stderr}");
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!dir.path().join("public").exists(), "{name}: a failed build published");
        // `check` reports the same problem without writing anything.
        let check = Command::cargo_bin("bantin")
            .expect("binary")
            .current_dir(dir.path())
            .arg("check")
            .output()
            .expect("runs");
        assert!(!check.status.success(), "{name}: check passed");
        let first = expect.lines().nth(1).expect("a message line");
        assert!(
            String::from_utf8_lossy(&check.stderr).contains(first),
            "{name}: check did not say `{first}`"
        );
    }
}
