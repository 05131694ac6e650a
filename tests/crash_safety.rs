//! Crash-safe publishing: a build killed at any moment, or stopped by a full disk, leaves
//! `public/` as exactly one complete site — the previous one or the new one — and the next
//! build succeeds.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::{Site, snapshot};

/// Writes `n` bulletins; `version` changes every title, so two versions differ everywhere.
fn write_bulletins(site: &Site, n: usize, version: u32) {
    let words = ["tin", "tức", "người", "dân", "thành", "phố", "năm", "mới", "công", "an", "trường", "học"];
    for i in 0..n {
        let body: String =
            (0..120).map(|k| words[(i * 7 + k * 3) % words.len()]).collect::<Vec<_>>().join(" ");
        site.bulletin(
            &format!("{}/{:02}/b{i}.md", 2015 + i % 10, 1 + i % 12),
            &format!(
                "title: \"Bản tin {i} phiên bản {version}\"\ndate: {}-{:02}-{:02}\ntags: [t{}]\nslug: b{i}",
                2015 + i % 10,
                1 + i % 12,
                1 + i % 28,
                i % 20
            ),
            &body,
        );
    }
}

fn build_into(site: &Site, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let status = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["build", "--quiet", "--out"])
        .arg(out)
        .status()
        .expect("build");
    assert!(status.success());
    snapshot(out)
}

/// Starts `bantin build` in the site and SIGKILLs it after a pseudo-random part (0–120%) of
/// `typical`, drawn from `seed`. Returns the delay and whether the build had finished.
fn kill_build_midway(
    site: &Site,
    seed: &mut u64,
    typical: std::time::Duration,
) -> (std::time::Duration, bool) {
    *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let delay = typical.mul_f64(((*seed >> 33) % 1000) as f64 / 1000.0 * 1.2);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["build", "--quiet"])
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL
    let finished = child.wait().map(|s| s.success()).unwrap_or(false);
    (delay, finished)
}

/// Runs `bantin build` in the site and checks it succeeded.
fn build_quietly(site: &Site) {
    let status = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["build", "--quiet"])
        .status()
        .expect("build");
    assert!(status.success());
}

fn leftovers(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.root())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The spare tree (the previous build, kept for the next incremental one) is meant to stay.
        .filter(|n| n.contains(".bantin-") && !n.ends_with(".bantin-spare"))
        .collect()
}

#[test]
fn killed_builds_never_leave_a_mixed_site() {
    let site = Site::new("base_url = \"https://x.example/\"\nsearch = true\n");
    let refs = tempfile::tempdir().expect("tmp");
    write_bulletins(&site, 1500, 1);
    let v1 = build_into(&site, &refs.path().join("v1"));
    write_bulletins(&site, 1500, 2);
    let v2 = build_into(&site, &refs.path().join("v2"));
    assert_ne!(v1, v2);

    // Start from a published v2; then alternate versions, killing each build at some moment.
    let start = Instant::now();
    let public = site.public();
    build_into(&site, &public);
    let full = start.elapsed();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut published_new = 0;
    for round in 0..10 {
        let version = if round % 2 == 0 { 1 } else { 2 };
        let before = snapshot(&public);
        write_bulletins(&site, 1500, version);
        let (delay, _) = kill_build_midway(&site, &mut seed, full);
        let after = snapshot(&public);
        let expected_new = if version == 1 { &v1 } else { &v2 };
        if !(after == before || &after == expected_new) {
            let diff = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
                let mut d: Vec<String> =
                    a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect();
                d.extend(b.keys().filter(|k| !a.contains_key(*k)).map(|k| format!("+{k}")));
                d.truncate(12);
                d
            };
            eprintln!("vs before: {:?}\nvs new: {:?}", diff(&after, &before), diff(&after, expected_new));
        }
        assert!(
            after == before || &after == expected_new,
            "round {round} (killed after {delay:?}): public/ is neither the previous site nor the new one"
        );
        if &after == expected_new && after != before {
            published_new += 1;
        }
    }
    // The next build succeeds, publishes the current version, and cleans up after the kills.
    let last = snapshot(&site.public());
    assert!(last == v1 || last == v2);
    build_quietly(&site);
    assert_eq!(snapshot(&site.public()), v2, "the content is at version 2 now");
    assert!(leftovers(&site).is_empty(), "staging left behind: {:?}", leftovers(&site));
    eprintln!("killed 10 builds; {published_new} had already published the new site");
}

/// A clean build of a copy of the site's inputs (so the site's own cache is left alone).
fn reference(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().expect("tmp");
    for e in walkdir::WalkDir::new(site.root().join("content")) {
        let e = e.expect("walk");
        let to = copy.path().join(e.path().strip_prefix(site.root()).expect("rel"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
    std::fs::copy(site.root().join("site.toml"), copy.path().join("site.toml")).expect("copy");
    let status = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(copy.path())
        .args(["build", "--quiet", "--clean"])
        .status()
        .expect("build");
    assert!(status.success());
    snapshot(&copy.path().join("public"))
}

#[test]
fn killed_incremental_builds_never_leave_a_mixed_site() {
    // One bulletin edited per round: the spare tree is updated in place and the search index
    // updated, not rebuilt; a kill at any moment of that still leaves one complete site.
    let site = Site::new("base_url = \"https://x.example/\"\nsearch = true\n");
    write_bulletins(&site, 400, 1);
    let public = site.public();
    build_quietly(&site);
    build_quietly(&site);
    // How long an uninterrupted one-bulletin rebuild takes, to spread the kills over it.
    let probe = site.root().join(format!("content/{}/{:02}/b399.md", 2015 + 399 % 10, 1 + 399 % 12));
    let mut text = std::fs::read_to_string(&probe).expect("read");
    text.push_str("\nMột câu.\n");
    std::fs::write(&probe, text).expect("edit");
    let start = Instant::now();
    build_quietly(&site);
    let one = start.elapsed();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut expected = snapshot(&public);
    let mut published_new = 0;
    for round in 0..12 {
        let which = round % 7;
        let path =
            site.root().join(format!("content/{}/{:02}/b{which}.md", 2015 + which % 10, 1 + which % 12));
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str(&format!("\nCâu thêm số {round} về Đà Nẵng và {}.\n", ["mưa", "bão", "lũ"][round % 3]));
        std::fs::write(&path, text).expect("edit");
        let new = reference(&site);
        let before = snapshot(&public);
        assert_eq!(before, expected, "round {round}: the last completed build is published");
        let (delay, finished) = kill_build_midway(&site, &mut seed, one);
        let after = snapshot(&public);
        assert!(
            after == before || after == new,
            "round {round} (killed after {delay:?}): public/ is neither the previous site nor the new one"
        );
        // Whatever was published, the next build completes the edit exactly.
        build_quietly(&site);
        if after == new && after != before {
            published_new += 1;
        }
        let done = snapshot(&public);
        assert!(
            done == new,
            "round {round} (killed after {delay:?}, finished: {finished}): the next build differs from a clean one"
        );
        expected = done;
    }
    assert!(leftovers(&site).is_empty(), "staging left behind: {:?}", leftovers(&site));
    eprintln!(
        "killed 12 incremental builds ({one:?} each uninterrupted); {published_new} had already published"
    );
}

#[test]
fn a_full_disk_leaves_the_published_site_intact() {
    // A small tmpfs as the output's file system (needs root); elsewhere this says it skipped.
    let mnt = tempfile::tempdir().expect("tmp");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(mnt.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        let msg =
            "a_full_disk_leaves_the_published_site_intact: SKIPPED — cannot mount a tmpfs here (needs root)";
        if std::env::var_os("BANTIN_REQUIRE_TMPFS").is_some() {
            panic!("{msg}");
        }
        eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(mnt.path());
    let out = mnt.path().join("public");

    let site = Site::new("base_url = \"https://x.example/\"\n");
    write_bulletins(&site, 40, 1);
    let small = build_into(&site, &out);
    // Far more than 4 MB.
    write_bulletins(&site, 3000, 2);
    let run = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["build", "--out"])
        .arg(&out)
        .output()
        .expect("build");
    assert_eq!(run.status.code(), Some(1), "the build must fail");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("No space left") || err.contains("space"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot(&out), small, "the published site is unchanged");
    // The spare tree (kept for the next build, which writes it over) is meant to stay.
    let stale: Vec<_> = std::fs::read_dir(mnt.path())
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name() != "public" && e.file_name() != ".public.bantin-spare")
        .collect();
    assert!(stale.is_empty(), "the failed staging directory was removed: {stale:?}");
    // With room again, the next build succeeds.
    std::fs::remove_dir_all(site.root().join("content")).expect("rm");
    write_bulletins(&site, 40, 3);
    build_into(&site, &out);
}

/// Two builds of one site never run at once: a build finds the site's lock taken, says it
/// is waiting, and publishes only once the holder lets go.
#[test]
fn a_build_waits_for_the_one_holding_the_lock() {
    let site = Site::new("title = \"Khoá\"\n");
    write_bulletins(&site, 3, 1);
    let dir = site.root().join(".bantin/build");
    std::fs::create_dir_all(&dir).expect("cache dir");
    let lock = std::fs::File::create(dir.join("lock")).expect("lock file");
    lock.lock().expect("take the lock");
    let child = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["build"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(!site.public().join("index.html").exists(), "published while another build held the lock");
    lock.unlock().expect("let go");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("waiting for another bantin build"), "{stderr}");
    assert!(site.public().join("index.html").is_file());
}

/// A cache that cannot be kept costs time, never the build: with a file where the cache
/// folder belongs, the site is built all the same (the search index from the texts in
/// memory), byte for byte as with a cache, and a warning says so.
#[test]
fn a_site_whose_cache_cannot_be_made_still_builds() {
    let with_cache = Site::new("base_url = \"https://x.example/\"\nsearch = true\n");
    let without = Site::new("base_url = \"https://x.example/\"\nsearch = true\n");
    for site in [&with_cache, &without] {
        write_bulletins(site, 40, 1);
    }
    std::fs::write(without.root().join(".bantin"), "in the way\n").expect("file");
    with_cache.build(&["--quiet"]);
    let out = without.build(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write the build cache"), "{stderr}");
    assert!(without.public().join("search/manifest.json").is_file());
    assert_eq!(snapshot(&without.public()), snapshot(&with_cache.public()));
    // Again, as an edit would be built: still whole.
    write_bulletins(&without, 41, 2);
    write_bulletins(&with_cache, 41, 2);
    with_cache.build(&["--quiet"]);
    without.build(&["--quiet"]);
    assert_eq!(snapshot(&without.public()), snapshot(&with_cache.public()));
}

/// A build that makes a whole new tree (`--clean`, or without a spare tree it can update)
/// writes it over the old spare tree instead of deleting that and making another. Whatever
/// the spare holds — files where folders belong and the other way round, files and folders
/// the new build does not have, files hard-linked with the published tree — the result is the
/// same site as a build into an empty folder, and the published tree is never written through
/// a shared link: after the build, the previous site (now the spare) is intact.
#[test]
fn a_recycled_tree_gives_the_same_site_and_never_writes_through_a_link() {
    let site = Site::new("base_url = \"https://x.example/\"\nsearch = true\n");
    write_bulletins(&site, 60, 1);
    site.build(&["--quiet"]);
    write_bulletins(&site, 60, 2);
    // An incremental build: its tree shares every unchanged file with the spare by a hard link.
    site.build(&["--quiet"]);
    let spare = site.root().join(".public.bantin-spare");
    assert!(spare.join(".bantin-output").is_file(), "the previous build is kept as the spare tree");
    let published = snapshot(&site.public());

    // Leftovers and obstacles in the spare tree.
    std::fs::remove_dir_all(spare.join("tags")).expect("rm tags/");
    std::fs::write(spare.join("tags"), "a file where a folder belongs").expect("file");
    std::fs::remove_file(spare.join("404.html")).expect("rm 404.html");
    std::fs::create_dir_all(spare.join("404.html/deeper")).expect("folder where a file belongs");
    std::fs::write(spare.join("404.html/deeper/x.html"), "x").expect("file");
    std::fs::create_dir_all(spare.join("old/empty/folders")).expect("empty folders");
    std::fs::write(spare.join("old/stale.html"), "stale").expect("stale file");
    std::fs::write(spare.join(".index.html.bantin-tmp-1-1"), "a killed build's temporary").expect("tmp");

    write_bulletins(&site, 50, 3);
    for i in 50..60 {
        let path = site.root().join(format!("content/{}/{:02}/b{i}.md", 2015 + i % 10, 1 + i % 12));
        std::fs::remove_file(path).expect("rm bulletin");
    }
    site.build(&["--quiet", "--clean"]);
    let fresh = tempfile::tempdir().expect("tmp");
    let expected = build_into(&site, &fresh.path().join("out"));
    let got = snapshot(&site.public());
    assert!(got == expected, "the recycled tree differs from a build into an empty folder");
    assert!(!site.public().join("old").exists(), "an empty folder of the old tree was published");
    // The site published before the clean build is the spare now, byte for byte as it was.
    assert!(snapshot(&spare) == published, "a file shared with the published site was written through");

    // Once more from there (a spare whose files nothing shares), and incrementally after it.
    write_bulletins(&site, 50, 4);
    site.build(&["--quiet", "--clean"]);
    let expected = build_into(&site, &fresh.path().join("out4"));
    assert!(snapshot(&site.public()) == expected);
    write_bulletins(&site, 51, 5);
    site.build(&["--quiet"]);
    let expected = build_into(&site, &fresh.path().join("out5"));
    assert!(snapshot(&site.public()) == expected);
}

/// A symbolic link in the spare tree (never made by bantin) could lead a write out of it: such
/// a tree is not written over, and what the link points to is left alone.
#[cfg(unix)]
#[test]
fn a_spare_tree_with_a_symbolic_link_is_not_written_through() {
    let site = Site::new("title = \"Liên kết\"\n");
    write_bulletins(&site, 20, 1);
    site.build(&["--quiet"]);
    site.build(&["--quiet", "--clean"]);
    let spare = site.root().join(".public.bantin-spare");
    assert!(spare.join("index.html").is_file());
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("index.html"), "outside").expect("write");
    std::fs::remove_dir_all(spare.join("2015")).expect("rm");
    std::os::unix::fs::symlink(outside.path(), spare.join("2015")).expect("symlink");
    write_bulletins(&site, 20, 2);
    site.build(&["--quiet", "--clean"]);
    assert_eq!(std::fs::read_to_string(outside.path().join("index.html")).expect("read"), "outside");
    assert_eq!(std::fs::read_dir(outside.path()).expect("ls").count(), 1, "nothing written outside");
    let fresh = tempfile::tempdir().expect("tmp");
    assert!(snapshot(&site.public()) == build_into(&site, &fresh.path().join("out")));
}

/// A site's first build, which has no tree to replace, leaves a spare tree: hard links to what
/// it published. The first edit after it then updates that tree in place (publishing that very
/// folder) instead of linking every published file into a new one, and gives the same site as
/// a build from scratch.
#[cfg(unix)]
#[test]
fn the_first_build_leaves_a_spare_tree_for_the_first_edit() {
    use std::os::unix::fs::MetadataExt as _;
    let site = Site::new("base_url = \"https://x.example/\"\nsearch = true\n");
    write_bulletins(&site, 30, 1);
    site.build(&["--quiet"]);
    let spare = site.root().join(".public.bantin-spare");
    assert!(spare.join(".bantin-output").is_file(), "the first build made no spare tree");
    let published = snapshot(&site.public());
    assert!(snapshot(&spare) == published, "the spare tree is not the published site");
    let inode = |p: &Path| std::fs::metadata(p).expect("stat").ino();
    for rel in published.keys().filter(|rel| *rel != ".bantin-output") {
        assert_eq!(inode(&site.public().join(rel)), inode(&spare.join(rel)), "{rel} is not a hard link");
    }
    let spare_dir = inode(&spare);

    write_bulletins(&site, 1, 2);
    site.build(&["--quiet"]);
    assert_eq!(inode(&site.public()), spare_dir, "the edit did not update the spare tree in place");
    let fresh = tempfile::tempdir().expect("tmp");
    let expected = build_into(&site, &fresh.path().join("out"));
    assert!(snapshot(&site.public()) == expected, "the edited site differs from a build from scratch");
    // The site published by the first build is the spare now, as it was.
    assert!(snapshot(&spare) == published, "the first build's files were written through");
}
