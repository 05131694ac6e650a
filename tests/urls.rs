//! URLs that never move by accident: over random sequences of edits (a title, a date, tags, a
//! body, a new bulletin with the same title, a rename with an alias), a bulletin's URL changes
//! only when its file is renamed, and every URL it ever had still answers: its page, or a page
//! at the old URL sending readers on to it.

mod common;

use std::collections::BTreeMap;

use common::{Site, attrs, stderr, texts};

/// A small deterministic generator (xorshift), so that a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const TITLES: [&str; 6] =
    ["Mưa lớn ở Đà Nẵng", "Họp HĐND tỉnh", "Khai giảng năm học", "Giá xăng tăng", "Mưa lớn", "Tin nhanh"];

/// One bulletin as the editor keeps it.
#[derive(Clone)]
struct Doc {
    /// File under content/, without `.md`.
    file: String,
    title: String,
    date: String,
    tags: String,
    body: String,
    aliases: Vec<String>,
}

impl Doc {
    fn url(&self) -> String {
        format!("/{}/", self.file)
    }

    fn write(&self, site: &Site) {
        let aliases = if self.aliases.is_empty() {
            String::new()
        } else {
            format!("\naliases: [{}]", self.aliases.join(", "))
        };
        site.bulletin(
            &format!("{}.md", self.file),
            &format!("title: \"{}\"\ndate: {}\ntags: [{}]{aliases}", self.title, self.date, self.tags),
            &self.body,
        );
    }
}

/// Every URL each bulletin ever had answers: its own page shows it, every older one sends
/// readers to it.
fn check(site: &Site, docs: &[Doc], history: &BTreeMap<usize, Vec<String>>, step: &str) {
    for (i, d) in docs.iter().enumerate() {
        let page = site.page(d.url().trim_start_matches('/'));
        assert_eq!(
            texts(&page, "h1"),
            std::slice::from_ref(&d.title),
            "{step}: {} shows another bulletin",
            d.url()
        );
        for old in history[&i].iter().filter(|u| **u != d.url()) {
            let redirect = site.page(old.trim_start_matches('/'));
            let canonical = attrs(&redirect, "link[rel=canonical]", "href");
            assert_eq!(canonical, [format!("https://tin.example{}", d.url())], "{step}: {old}");
            let refresh = attrs(&redirect, "meta[http-equiv=refresh]", "content");
            assert!(
                refresh.len() == 1 && refresh[0].ends_with(d.url().trim_start_matches('/')),
                "{step}: {refresh:?}"
            );
        }
    }
}

#[test]
fn random_edits_never_move_a_url_and_every_old_url_answers() {
    let cases: u64 = std::env::var("BANTIN_URL_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(3);
    for case in 0..cases {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (case + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let site = Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\nper_page = 3\n");
        let mut docs: Vec<Doc> = Vec::new();
        let mut history: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut made = 0;
        for step in 0..10 {
            let op = if docs.is_empty() { 4 } else { rng.below(6) };
            let what;
            match op {
                0 => {
                    let i = rng.below(docs.len());
                    docs[i].title = format!("{} (sửa {step})", TITLES[rng.below(TITLES.len())]);
                    what = format!("retitle {}", docs[i].file);
                }
                1 => {
                    let i = rng.below(docs.len());
                    docs[i].date = format!("2020-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
                    what = format!("redate {}", docs[i].file);
                }
                2 => {
                    let i = rng.below(docs.len());
                    docs[i].tags = ["thời sự", "kinh tế, Đà Nẵng", "giáo dục"][rng.below(3)].into();
                    what = format!("retag {}", docs[i].file);
                }
                3 => {
                    let i = rng.below(docs.len());
                    docs[i].body = format!("Nội dung mới {step}.");
                    what = format!("edit body of {}", docs[i].file);
                }
                4 => {
                    // A new bulletin, often with a title already in use, dated before the others.
                    made += 1;
                    let title = match docs.first() {
                        Some(d) if rng.below(2) == 0 => d.title.clone(),
                        _ => TITLES[rng.below(TITLES.len())].to_string(),
                    };
                    let date = format!("2019-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
                    docs.push(Doc {
                        file: format!("2020/tin-{made}"),
                        title,
                        date,
                        tags: "thời sự".into(),
                        body: "Nội dung.".into(),
                        aliases: Vec::new(),
                    });
                    what = "add a bulletin".into();
                }
                _ => {
                    // A rename on purpose, with the old URL kept as an alias.
                    let i = rng.below(docs.len());
                    let old = docs[i].clone();
                    std::fs::remove_file(site.root().join(format!("content/{}.md", old.file)))
                        .expect("rename");
                    made += 1;
                    docs[i].file = format!("2021/doi-ten-{made}");
                    docs[i].aliases.push(old.url());
                    what = format!("rename {} to {}", old.file, docs[i].file);
                }
            }
            for d in &docs {
                d.write(&site);
            }
            let out = site.run(&["build"]);
            assert!(out.status.success(), "case {case}, step {step} ({what}): {}", stderr(&out));
            for (i, d) in docs.iter().enumerate() {
                let urls = history.entry(i).or_default();
                if urls.last() != Some(&d.url()) {
                    urls.push(d.url());
                }
            }
            check(&site, &docs, &history, &format!("case {case}, step {step} ({what})"));
        }
    }
}

#[test]
fn an_alias_never_takes_a_live_url_and_a_bad_one_is_an_error_at_its_line() {
    let site = Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    site.bulletin("2020/01/mot.md", "title: \"Một\"\ndate: 2020-01-01", "x");
    site.bulletin("2020/01/hai.md", "title: \"Hai\"\ndate: 2020-01-02\naliases: [/2020/01/mot/]", "y");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "the old URL /2020/01/mot/ in the `aliases:` of content/2020/01/hai.md is the URL of content/2020/01/mot.md"
        ),
        "{err}"
    );
    assert!(!site.public().exists());
    // Said beside a bulletin that cannot be read, and so are an old URL that is the bulletin's
    // own, one that two bulletins redirect, and one over a page of the site's own.
    site.bulletin("2020/01/hong.md", "title: [unclosed\ndate: 2020-01-01", "x");
    site.bulletin(
        "2020/01/ba.md",
        "title: \"Ba\"\ndate: 2020-01-03\naliases: [/2020/01/ba/index.html, /cu/]",
        "z",
    );
    site.bulletin("2020/01/bon.md", "title: \"Bốn\"\ndate: 2020-01-04\naliases: [/cu/]", "z");
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("content/2020/01/hong.md:2:"), "{err}");
    assert!(err.contains("/2020/01/mot/ in the `aliases:` of content/2020/01/hai.md"), "{err}");
    assert!(err.contains("the old URL /2020/01/ba/ in `aliases:` is this bulletin's own URL"), "{err}");
    assert!(
        err.contains(
            "two bulletins redirect the old URL /cu/: content/2020/01/bon.md and content/2020/01/ba.md"
        ),
        "{err}"
    );
    for name in ["hong", "ba", "bon"] {
        std::fs::remove_file(site.root().join(format!("content/2020/01/{name}.md"))).expect("rm");
    }
    site.bulletin("2020/01/hai.md", "title: \"Hai\"\ndate: 2020-01-02\naliases: [/tags/]", "y");
    let err = stderr(&site.run(&["build"]));
    assert!(
        err.contains(
            "the old URL /tags/ in the `aliases:` of content/2020/01/hai.md is the URL of a page of the site"
        ),
        "{err}"
    );
    site.bulletin("2020/01/hai.md", "title: \"Hai\"\ndate: 2020-01-02\naliases: [\"../ngoai/\"]", "y");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/2020/01/hai.md:4:") && err.contains("not an old URL path"), "{err}");
    // `check` says the same without writing.
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not an old URL path"));
    // Old URLs no file system takes as folders (a part longer than a file name may be, a name
    // Windows keeps for itself): said at the line, not as an output path refused later.
    let long = "a".repeat(300);
    for (alias, words) in
        [(format!("/tin/{long}/"), "longer than a file name"), ("/tin/con/".to_string(), "`con`")]
    {
        site.bulletin(
            "2020/01/hai.md",
            &format!("title: \"Hai\"\ndate: 2020-01-02\naliases: [\"{alias}\"]"),
            "y",
        );
        let out = site.run(&["build"]);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains("content/2020/01/hai.md:4:") && err.contains(words), "{err}");
        assert!(!err.contains("unsafe segment"), "{err}");
    }
    // A good alias: the old URL answers with a page sending readers on.
    site.bulletin("2020/01/hai.md", "title: \"Hai\"\ndate: 2020-01-02\naliases: [/tin-cu/hai.html]", "y");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old = site.page("tin-cu/hai.html");
    assert_eq!(attrs(&old, "link[rel=canonical]", "href"), ["https://tin.example/2020/01/hai/"]);
    assert_eq!(attrs(&old, "meta[http-equiv=refresh]", "content"), ["0; url=../2020/01/hai/"]);
}

#[test]
fn a_published_bulletin_page_that_vanishes_is_a_warning_naming_its_url() {
    let site = Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    site.bulletin("2020/01/mua-lon.md", "title: \"Mưa lớn\"\ndate: 2020-01-01", "x");
    site.bulletin("2020/01/nang.md", "title: \"Nắng\"\ndate: 2020-01-02", "y");
    site.build(&[]);
    // Renamed without an alias: the build says which URL readers will lose.
    std::fs::remove_file(site.root().join("content/2020/01/mua-lon.md")).expect("rename");
    site.bulletin("2020/01/mua-lon-o-hue.md", "title: \"Mưa lớn\"\ndate: 2020-01-01", "x");
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("the published bulletin page /2020/01/mua-lon/ is no longer made"), "{err}");
    assert!(err.contains("aliases: [/2020/01/mua-lon/]"), "{err}");
    assert!(!err.contains("/2020/01/nang/"), "{err}");
    // With the alias the old URL answers again, and nothing is lost.
    site.bulletin(
        "2020/01/mua-lon-o-hue.md",
        "title: \"Mưa lớn\"\ndate: 2020-01-01\naliases: [/2020/01/mua-lon/]",
        "x",
    );
    let out = site.build(&[]);
    assert!(!stderr(&out).contains("no longer made"), "{}", stderr(&out));
    assert_eq!(
        attrs(&site.page("2020/01/mua-lon/"), "link[rel=canonical]", "href"),
        ["https://tin.example/2020/01/mua-lon-o-hue/"]
    );
}
