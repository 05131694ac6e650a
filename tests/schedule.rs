//! Scheduled bulletins, with the clock fixed (`BANTIN_NOW`): nothing of one leaks into any
//! page, feed, sitemap or search index file before its time; the build says when it is due
//! and, run again then with nothing else changed, publishes it; a preview (`--future`, as
//! `serve` builds) shows it marked as scheduled, never as live.

mod common;

use common::{Site, snapshot, stderr, texts};

const TITLE: &str = "Thông báo lịch nghỉ Tết XYZQ";

fn site() -> Site {
    let site = Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    site.bulletin("2020/01/tin-cu.md", "title: \"Tin cũ\"\ndate: 2020-01-01\ntags: [thời sự]", "Cũ.");
    site.bulletin(
        "2020/01/nghi-tet.md",
        &format!("title: \"{TITLE}\"\ndate: 2020-01-10 08:00\ntags: [thời sự, lịch nghỉ]\nauthor: Văn phòng"),
        "Lịch nghỉ Tết XYZQ năm nay.",
    );
    site
}

fn build_at(site: &Site, now: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = site.run_env(&args, &[("BANTIN_NOW", now)]);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// Every published file's text (search index files decompressed) that mentions `needle`.
fn mentions(site: &Site, needle: &str) -> Vec<String> {
    snapshot(&site.public())
        .into_iter()
        .filter_map(|(path, bytes)| {
            let text = if path.ends_with(".gz") {
                let value: serde_json::Value =
                    bantin::search::format::from_gzip_json(&bytes).expect("index file");
                value.to_string()
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            (text.contains(needle) || text.contains("nghi-tet") || text.contains("xyzq")).then_some(path)
        })
        .collect()
}

#[test]
fn a_scheduled_bulletin_appears_nowhere_before_its_time_and_everywhere_after() {
    let site = site();
    let out = build_at(&site, "2020-01-05T12:00:00+07:00", &[]);
    let err = stderr(&out);
    assert!(err.contains("due at 2020-01-10T08:00:00+07:00"), "{err}");
    assert_eq!(mentions(&site, "XYZQ"), Vec::<String>::new(), "leaked before its time");
    assert!(site.public().join("sitemap.xml").is_file() && site.public().join("atom.xml").is_file());
    // Its time has come; nothing else changed: the build publishes it.
    let out = build_at(&site, "2020-01-10T08:00:01+07:00", &[]);
    assert!(!stderr(&out).contains("due at"), "{}", stderr(&out));
    let found = mentions(&site, "XYZQ");
    for file in
        ["index.html", "atom.xml", "rss.xml", "feed.json", "sitemap.xml", "2020/01/nghi-tet/index.html"]
    {
        assert!(found.iter().any(|f| f == file), "{file} missing it: {found:?}");
    }
    assert!(found.iter().any(|f| f.starts_with("search/")), "not in the search index: {found:?}");
    assert_eq!(texts(&site.page("2020/01/nghi-tet/"), ".scheduled"), Vec::<String>::new());
}

#[test]
fn a_preview_shows_a_scheduled_bulletin_as_scheduled() {
    let site = site();
    build_at(&site, "2020-01-05T12:00:00+07:00", &["--future"]);
    let page = site.page("2020/01/nghi-tet/");
    let banner = texts(&page, "article.bulletin .scheduled").concat();
    assert!(banner.contains("chưa đăng"), "{banner}");
    let home = site.page("");
    let cards = texts(&home, ".card .scheduled");
    assert_eq!(cards.len(), 1, "only the scheduled card is marked: {cards:?}");
    // Once due, the same preview shows it as published.
    build_at(&site, "2020-01-11T00:00:00+07:00", &["--future"]);
    assert!(texts(&site.page("2020/01/nghi-tet/"), ".scheduled").is_empty());
}

#[test]
fn a_featured_bulletin_leads_the_home_page_until_its_date() {
    let site = Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\nper_page = 1\n");
    site.bulletin("2020/01/moi.md", "title: \"Tin mới nhất\"\ndate: 2020-01-04", "Mới.");
    site.bulletin(
        "2020/01/noi-bat.md",
        "title: \"Tin nổi bật\"\ndate: 2020-01-02\nfeatured: 2020-01-08",
        "Nổi bật.",
    );
    build_at(&site, "2020-01-05T12:00:00+07:00", &[]);
    let home = site.page("");
    assert_eq!(texts(&home, ".lead-story .story-title"), ["Tin nổi bật"]);
    // The latest news go on newest first below it.
    assert_eq!(texts(&home, ".cards .card-title").first().map(String::as_str), Some("Tin mới nhất"));
    // Its date has passed, nothing else changed: the newest bulletin leads instead (none has
    // a picture).
    let out = build_at(&site, "2020-01-08T00:00:00+07:00", &[]);
    assert!(!stderr(&out).contains("nothing changed"), "{}", stderr(&out));
    assert_eq!(texts(&site.page(""), ".lead-story .story-title"), ["Tin mới nhất"]);
    // `featured: true` leads for good; of several, the newest leads.
    site.bulletin(
        "2020/01/noi-bat.md",
        "title: \"Tin nổi bật\"\ndate: 2020-01-02\nfeatured: true",
        "Nổi bật.",
    );
    site.bulletin("2020/01/moi.md", "title: \"Tin mới nhất\"\ndate: 2020-01-04\nfeatured: true", "Mới.");
    build_at(&site, "2030-01-01T00:00:00+07:00", &[]);
    assert_eq!(texts(&site.page(""), ".lead-story .story-title"), ["Tin mới nhất"]);
    // Only the home page's newest page leads with it.
    assert!(texts(&site.page("page/1/"), ".lead-story").is_empty());
    // A value that is neither true, false nor a date: an error at its line.
    site.bulletin("2020/01/moi.md", "title: \"Tin mới nhất\"\ndate: 2020-01-04\nfeatured: có", "Mới.");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/2020/01/moi.md:4:"), "{}", stderr(&out));
}
