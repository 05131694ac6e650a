//! End-to-end tests of `bantin build`: fixture sites built by the real binary, with the
//! output parsed as HTML and checked.

mod common;

use common::{Site, attrs, resolve_link, snapshot, stderr, stdout, texts};

const CONFIG: &str = "title = \"Thử nghiệm\"\nbase_url = \"https://tin.example/\"\nper_page = 2\n";

fn fm(title: &str, date: &str, extra: &str) -> String {
    format!("title: \"{title}\"\ndate: {date}\n{extra}")
}

/// The list page at `rel` (`""`, `page/3/`) and the page its `rel` link (`next`: older,
/// `prev`: newer) in the pager leads to, as a path relative to the output.
fn pager_link(site: &Site, rel: &str, which: &str) -> Option<String> {
    let href = attrs(&site.page(rel), &format!(".pager a[rel={which}]"), "href").into_iter().next()?;
    let from = site.public().join(rel).join("index.html");
    let target = resolve_link(&site.public(), &from, &href).expect("pager link inside the site");
    let target = target.strip_prefix(site.public()).expect("inside").to_string_lossy().into_owned();
    Some(target.trim_end_matches("index.html").to_owned())
}

#[test]
fn a_list_keeps_at_most_max_list_pages_and_leaves_older_bulletins_to_the_archive() {
    // One bulletin per page and at most three pages: the newest page and two numbered ones.
    let site = Site::new(&format!("{CONFIG}max_list_pages = 3\n").replace("per_page = 2", "per_page = 1"));
    let folder = |site: &Site, dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(site.public().join(dir))
            .map(|d| d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    for n in 1..=7usize {
        site.bulletin(
            &format!("b{n}.md"),
            &fm(&format!("Bản tin số {n}"), &format!("2021-03-0{n}"), "tags: [Thời sự]"),
            "x",
        );
        site.build(&[]);
    }
    // Seven bulletins make pages 1-6 and the newest; only 5 and 6 are kept, unmoved, in the
    // home list and the tag's.
    let tag = folder(&site, "tags").into_iter().find(|t| t.starts_with("thoi-su")).expect("the tag's folder");
    for list in [String::new(), format!("tags/{tag}/")] {
        assert_eq!(folder(&site, &format!("{list}page")), ["5", "6"], "{list}");
        assert_eq!(texts(&site.page(&format!("{list}page/5/")), ".card-title"), ["Bản tin số 5"]);
        // The oldest page kept leads to the archive, not to a page that is not there.
        assert_eq!(pager_link(&site, &format!("{list}page/5/"), "next"), None, "{list}");
        let archive = attrs(&site.page(&format!("{list}page/5/")), ".pager a:not([rel])", "href");
        assert_eq!(archive.len(), 1, "{list}");
        let from = site.public().join(&list).join("page/5/index.html");
        let target = resolve_link(&site.public(), &from, &archive[0]).expect("inside the site");
        assert_eq!(target, site.public().join("archive/index.html"));
        assert_eq!(
            pager_link(&site, &format!("{list}page/6/"), "next").as_deref(),
            Some(&*format!("{list}page/5/"))
        );
    }
    // The month, where older bulletins are left, keeps every page: all seven are there.
    assert_eq!(folder(&site, "2021/03/page"), ["1", "2", "3", "4", "5", "6"]);
    let (mut rel, mut shown) = ("2021/03/".to_string(), Vec::new());
    shown.extend(texts(&site.page(&rel), ".card-title"));
    while let Some(older) = pager_link(&site, &rel, "next") {
        shown.extend(texts(&site.page(&older), ".card-title"));
        rel = older;
    }
    assert_eq!(shown.len(), 7, "{shown:?}");
    // A new bulletin moves the window: page 5 goes, page 7 comes, page 6 stays.
    site.bulletin("b8.md", &fm("Bản tin số 8", "2021-03-08", "tags: [Thời sự]"), "x");
    site.build(&[]);
    assert_eq!(folder(&site, "page"), ["6", "7"]);
    assert_eq!(texts(&site.page("page/6/"), ".card-title"), ["Bản tin số 6"]);
    // A value below 2 is an error naming the key.
    let bad = Site::new(&format!("{CONFIG}max_list_pages = 1\n"));
    let out = bad.run(&["build"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("`max_list_pages` must be at least 2"), "{}", stderr(&out));
}

#[test]
fn pagination_walks_every_bulletin_once_and_publishing_leaves_older_pages_alone() {
    let site = Site::new(CONFIG); // two bulletins per page
    let mut published: Vec<(String, Vec<u8>)> = Vec::new();
    for n in 1..=9usize {
        site.bulletin(
            &format!("b{n}.md"),
            &fm(&format!("Bản tin số {n}"), &format!("2021-03-0{n}"), ""),
            "x",
        );
        site.build(&[]);
        // Following "older" from the home page reaches every bulletin once, newest first;
        // "newer" leads back the same way.
        let (mut rel, mut shown, mut walked) = (String::new(), Vec::new(), Vec::new());
        loop {
            let titles = texts(&site.page(&rel), ".card-title");
            walked.push((rel.clone(), titles.len()));
            shown.extend(titles);
            match pager_link(&site, &rel, "next") {
                Some(older) => {
                    assert_eq!(pager_link(&site, &older, "prev").as_deref(), Some(rel.as_str()), "n={n}");
                    rel = older;
                }
                None => break,
            }
        }
        let expected: Vec<String> = (1..=n).rev().map(|i| format!("Bản tin số {i}")).collect();
        assert_eq!(shown, expected, "n={n}: {walked:?}");
        // Older pages hold two each and are numbered from the oldest; the home page holds
        // the rest, two or three (all of them while there are fewer than two).
        let older = (n / 2).saturating_sub(1);
        let mut pages: Vec<(String, usize)> = vec![(String::new(), n - 2 * older)];
        pages.extend((1..=older).rev().map(|k| (format!("page/{k}/"), 2)));
        assert_eq!(walked, pages, "n={n}");
        assert!(n < 2 || (2..=3).contains(&walked[0].1), "n={n}");
        assert!(!site.public().join(format!("page/{}", older + 1)).exists(), "n={n}");
        assert!(!site.public().join("page/0").exists());
        if older > 0 {
            assert_eq!(texts(&site.page("page/1/"), ".card-title"), ["Bản tin số 2", "Bản tin số 1"]);
        }
        // A page published before is the same file now, but for the newest numbered one,
        // whose "newer" link moves when a new page is made above it.
        let newest_numbered = published.iter().filter(|(rel, _)| rel.starts_with("page/")).count();
        for (rel, bytes) in &published {
            let k: usize = rel.trim_start_matches("page/").trim_end_matches('/').parse().unwrap_or(0);
            if k > 0 && k < newest_numbered {
                let now = std::fs::read(site.public().join(rel).join("index.html")).expect("still there");
                assert!(now == *bytes, "n={n}: {rel} changed when a newer bulletin was published");
            }
        }
        published = walked
            .iter()
            .map(|(rel, _)| {
                (rel.clone(), std::fs::read(site.public().join(rel).join("index.html")).expect("page"))
            })
            .collect();
    }
    // The month archive and tags paginate the same way.
    assert_eq!(texts(&site.page("2021/03/page/1/"), ".card-title"), ["Bản tin số 2", "Bản tin số 1"]);
    // Deleting bulletins takes pages away again.
    for n in 4..=9 {
        std::fs::remove_file(site.root().join(format!("content/b{n}.md"))).expect("rm");
    }
    site.build(&[]);
    assert_eq!(texts(&site.page(""), ".card-title"), ["Bản tin số 3", "Bản tin số 2", "Bản tin số 1"]);
    assert!(!site.public().join("page/1").exists());
    assert!(attrs(&site.page(""), ".pager a", "href").is_empty());
}

#[test]
fn month_only_dates_never_invent_a_day() {
    let site = Site::new(CONFIG);
    site.bulletin("2020/01/tong-ket-nam.md", &fm("Tổng kết năm", "2020-01", "author: Xuân Thu"), "Đoạn đầu.");
    site.bulletin("2020/01/tin-ngay-2.md", &fm("Tin ngày 2", "2020-01-02", ""), "x");
    site.build(&[]);
    let page = site.page("2020/01/tong-ket-nam/");
    assert_eq!(attrs(&page, "article.bulletin time", "datetime"), ["2020-01"]);
    assert_eq!(texts(&page, "article.bulletin header time"), ["Tháng 1/2020"]);
    // It sorts as the 1st of the month: older than the 2nd.
    assert_eq!(texts(&site.page(""), ".card-title"), ["Tin ngày 2", "Tổng kết năm"]);
    let month = site.page("2020/01/");
    assert_eq!(texts(&month, "h1"), ["Tháng 1/2020"]);
}

#[test]
fn eth_is_normalised_and_decomposed_text_composed() {
    let site = Site::new(CONFIG);
    site.bulletin(
        "2020/05/Ðà Nẵng: HÐND họp.md",
        &fm(
            "Ðà Nẵng: HÐND họp",
            "2020-05-01",
            "tags: [\"Ðà Nẵng\"]\nauthor: Ngo\u{0302}\u{0301} Thi\u{0323}",
        ),
        "Ðồng chí chủ trì.",
    );
    site.bulletin("b.md", &fm("Tin khác", "2020-05-02", "tags: [\"Đà Nẵng\"]"), "x");
    site.build(&[]);
    let page = site.page("2020/05/da-nang-hdnd-hop/");
    assert_eq!(texts(&page, "h1"), ["Đà Nẵng: HĐND họp"]);
    assert_eq!(texts(&page, ".body p"), ["Đồng chí chủ trì."]);
    assert_eq!(texts(&page, "a[rel=author]"), ["Ngố Thị"]);
    for (path, bytes) in snapshot(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains('\u{00D0}'), "{path} still has U+00D0");
    }
    // "Ðà Nẵng" and "Đà Nẵng" are one tag.
    let tags = site.page("tags/");
    assert_eq!(texts(&tags, ".term-list a"), ["Đà Nẵng"]);
    assert_eq!(texts(&tags, ".term-list .count"), ["2"]);
}

#[test]
fn tags_merge_by_case_and_never_by_marks() {
    let site = Site::new(CONFIG);
    site.bulletin("a.md", &fm("A", "2022-01-01", "tags: [An ninh, năm, chợ, đầu]"), "x");
    site.bulletin("b.md", &fm("B", "2022-01-02", "tags: [an ninh, nam, cho, dầu]"), "x");
    site.bulletin("c.md", &fm("C", "2022-01-03", "tags: [an ninh, Bảo vệ]"), "x");
    site.build(&[]);
    let tags = site.page("tags/");
    let names = texts(&tags, ".term-list a");
    // Vietnamese order (a ă â b c ch d đ …), "an ninh" spelled as most bulletins do.
    assert_eq!(names, ["an ninh", "Bảo vệ", "cho", "chợ", "dầu", "đầu", "nam", "năm"]);
    let urls = attrs(&tags, ".term-list a", "href");
    let unique: std::collections::BTreeSet<&String> = urls.iter().collect();
    assert_eq!(unique.len(), urls.len(), "distinct tags share a URL: {urls:?}");
    let an_ninh = site.page("tags/an-ninh/");
    assert_eq!(texts(&an_ninh, ".card-title"), ["C", "B", "A"]);
    // A tag's URL depends on its own spelling only: adding other tags leaves it unchanged.
    let nam_url = urls[names.iter().position(|n| n == "năm").expect("năm")].clone();
    site.bulletin("d.md", &fm("D", "2022-01-04", "tags: [nắm, Năm Căn, NĂM]"), "x");
    site.build(&[]);
    let tags = site.page("tags/");
    let names = texts(&tags, ".term-list a");
    let urls = attrs(&tags, ".term-list a", "href");
    assert_eq!(urls[names.iter().position(|n| n.to_lowercase() == "năm").expect("năm")], nam_url);
    assert_eq!(names.iter().filter(|n| n.to_lowercase() == "năm").count(), 1, "{names:?}");
}

#[test]
fn a_name_pasted_with_characters_that_show_nothing_is_the_same_tag_and_author() {
    let site = Site::new(CONFIG);
    site.bulletin("a.md", &fm("A", "2022-01-01", "tags: [Thời sự, Kinh tế]\nauthor: Minh Anh"), "x");
    // A zero-width space after the tag, a soft hyphen inside the other, a byte order mark before
    // the author: as text copied from a word processor or a web page brings them.
    site.bulletin(
        "b.md",
        &fm(
            "B",
            "2022-01-02",
            "tags: [\"Thời sự\u{200B}\", \"Kinh t\u{00AD}ế\"]\nauthor: \"\u{FEFF}Minh Anh\"",
        ),
        "x",
    );
    assert!(site.build(&[]).status.success());
    let tags = site.page("tags/");
    assert_eq!(texts(&tags, ".term-list a"), ["Kinh tế", "Thời sự"]);
    assert_eq!(texts(&tags, ".term-list .count"), ["2", "2"]);
    let authors = site.page("authors/");
    assert_eq!(texts(&authors, ".term-list a"), ["Minh Anh"]);
    let pages: Vec<String> = std::fs::read_dir(site.public().join("tags"))
        .expect("tags/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
}

#[test]
fn a_bulletin_saved_as_md_in_capitals_or_as_markdown_is_named_not_left_out_unseen() {
    let site = Site::new(CONFIG);
    site.bulletin("2020/10/a.md", &fm("A", "2020-10-01", ""), "x");
    for name in ["b.MD", "c.markdown", "d.Md"] {
        site.write(
            &format!("content/2020/10/{name}"),
            &format!("---\n{}---\nx\n", fm(name, "2020-10-02", "")),
        );
    }
    // Notes of other kinds are no bulletins, and nothing is said of them.
    site.write("content/2020/10/ghi-chu.txt", "ghi chú");
    for command in ["build", "check"] {
        let out = site.run(&[command]);
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        let err = stderr(&out);
        for (name, stem) in [("b.MD", "b"), ("c.markdown", "c"), ("d.Md", "d")] {
            let at = err
                .find(&format!("content/2020/10/{name}"))
                .unwrap_or_else(|| panic!("{command}: {name}: {err}"));
            assert!(err[at..].contains(&format!("rename it to {stem}.md")), "{command}: {err}");
        }
        assert!(!err.contains("ghi-chu.txt"), "{command}: {err}");
    }
    assert_eq!(texts(&site.page(""), ".card-title"), ["A"]);
}

#[test]
fn a_link_finds_a_bulletin_whose_file_name_a_mac_stored_decomposed() {
    let site = Site::new(CONFIG);
    // "Mùa lũ.md" with its marks decomposed (NFD), as macOS may store a name; the link is
    // typed composed, as every editor writes it (and as the body is normalised).
    site.bulletin("2020/10/Mu\u{300}a lu\u{303}.md", &fm("Mùa lũ", "2020-10-01", ""), "x");
    site.bulletin(
        "2020/10/xem.md",
        &fm("Xem", "2020-10-02", ""),
        "[một](<Mùa lũ.md>) và [hai](M%C3%B9a%20l%C5%A9.md)",
    );
    let out = site.build(&[]);
    assert!(out.status.success());
    assert!(!stderr(&out).contains("points to no bulletin"), "{}", stderr(&out));
    let page = site.page("2020/10/xem/");
    let hrefs = attrs(&page, ".body a", "href");
    assert_eq!(hrefs.len(), 2, "{hrefs:?}");
    for href in hrefs {
        assert!(href.ends_with("2020/10/mua-lu/"), "{href}");
    }
}

#[test]
fn urls_come_from_file_names_so_a_same_titled_bulletin_takes_no_one_elses_url() {
    let site = Site::new(CONFIG);
    site.bulletin("2020/10/mua-lon.md", &fm("Mưa lớn", "2020-10-15", ""), "x");
    site.build(&[]);
    assert_eq!(texts(&site.page("2020/10/mua-lon/"), "h1"), ["Mưa lớn"]);
    // Another bulletin with the same title, dated earlier: a file of its own, a URL of its own.
    site.bulletin("2020/10/mua-lon-ngay-1.md", &fm("Mưa lớn", "2020-10-01", ""), "y");
    let out = site.build(&[]);
    assert!(!stderr(&out).contains("two bulletins"), "{}", stderr(&out));
    assert_eq!(texts(&site.page("2020/10/mua-lon/"), ".body p"), ["x"]);
    assert_eq!(texts(&site.page("2020/10/mua-lon-ngay-1/"), ".body p"), ["y"]);
    // Fixing the headline, the date or the tags never moves the URL.
    site.bulletin(
        "2020/10/mua-lon.md",
        &fm("Mưa rất lớn ở miền Trung", "2020-10-16", "tags: [thời tiết]"),
        "x",
    );
    site.build(&[]);
    assert_eq!(texts(&site.page("2020/10/mua-lon/"), "h1"), ["Mưa rất lớn ở miền Trung"]);
}

#[test]
fn clashing_explicit_slugs_are_an_error_naming_both_files() {
    let site = Site::new(CONFIG);
    site.bulletin("2020/10/one.md", &fm("Mưa lớn", "2020-10-01", "slug: mua"), "x");
    site.bulletin("2020/10/two.md", &fm("Nắng nóng", "2020-10-15", "slug: mua"), "y");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/2020/10/one.md and content/2020/10/two.md"), "{err}");
    assert!(err.contains("/2020/10/mua/") && err.contains("slug:"), "{err}");
    assert!(!site.public().exists());
    // Two file names that make one URL are the same error, whatever `slug_collisions` says
    // (it once moved the later bulletin; now it only earns a warning).
    let old = Site::new(&format!("{CONFIG}slug_collisions = \"suffix\"\n"));
    old.bulletin("Mưa lớn.md", &fm("Mưa lớn", "2020-10-01", ""), "x");
    old.bulletin("mua-lon.md", &fm("Mưa lớn!", "2020-10-15", ""), "y");
    let out = old.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("content/Mưa lớn.md and content/mua-lon.md"), "{err}");
    std::fs::remove_file(old.root().join("content/mua-lon.md")).expect("remove");
    let out = old.build(&[]);
    assert!(stderr(&out).contains("slug_collisions"), "{}", stderr(&out));
}

#[test]
fn unknown_key_is_reported_with_line_column_and_suggestion() {
    let site = Site::new(CONFIG);
    site.bulletin("2020/bad.md", "title: Tin\ndate: 2020-01-01\ntgas: [an ninh]", "x");
    site.bulletin("other.md", "title: Khác\ndate: 2020-01-01\nautor: Hà", "x");
    site.bulletin("nodate.md", "title: Không ngày", "x");
    site.bulletin("baddate.md", "title: Sai ngày\ndate: 2020-13-45", "x");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/2020/bad.md:4:1"), "{err}");
    assert!(err.contains("unknown key `tgas`") && err.contains("did you mean `tags`?"), "{err}");
    assert!(err.contains(" 4 | tgas: [an ninh]"), "the source line is shown: {err}");
    // All errors of the build are reported together.
    assert!(err.contains("content/other.md:4:1") && err.contains("did you mean `author`?"), "{err}");
    assert!(err.contains("content/nodate.md") && err.contains("no `date`"), "{err}");
    assert!(err.contains("content/baddate.md:3:7"), "{err}");
}

#[test]
fn drafts_and_future_bulletins() {
    let site = Site::new(CONFIG);
    site.bulletin("draft.md", &fm("Bản nháp", "2020-01-01", "draft: true"), "x");
    site.bulletin("future.md", &fm("Tin tương lai", "2999-01-01", ""), "x");
    site.bulletin("now.md", &fm("Tin hôm nay", "2020-01-02", ""), "x");
    let out = site.build(&[]);
    assert_eq!(texts(&site.page(""), ".card-title"), ["Tin hôm nay"]);
    let err = stderr(&out);
    assert!(err.contains("1 draft(s)") && err.contains("--drafts"), "{err}");
    assert!(err.contains("in the future") && err.contains("--future"), "{err}");
    site.build(&["--drafts", "--future"]);
    assert_eq!(texts(&site.page(""), ".card-title"), ["Tin tương lai", "Tin hôm nay", "Bản nháp"]);
}

#[test]
fn output_is_identical_whatever_the_time_zone_or_thread_count() {
    let site = Site::new(CONFIG);
    for i in 0..12 {
        site.bulletin(
            &format!("2020/01/tin-{i}.md"),
            &fm(
                &format!("Tin {i}"),
                &format!("2020-01-{:02} 0{}:30", i + 1, i % 7),
                "tags: [a, b]\nauthor: [X, Y]",
            ),
            "Nội dung **đậm**.",
        );
    }
    let mut builds = Vec::new();
    for (tz, threads) in [("UTC", "1"), ("Asia/Ho_Chi_Minh", "2"), ("America/Los_Angeles", "4")] {
        let out = site.run_env(&["build"], &[("TZ", tz), ("RAYON_NUM_THREADS", threads)]);
        assert!(out.status.success(), "{}", stderr(&out));
        builds.push(snapshot(&site.public()));
    }
    assert_eq!(builds[0], builds[1]);
    assert_eq!(builds[1], builds[2]);
    // 00:30 in Hồ Chí Minh City is the previous day in UTC: the site's zone wins.
    let page = site.page("2020/01/tin-0/");
    assert_eq!(attrs(&page, "article.bulletin time", "datetime"), ["2020-01-01T00:30:00+07:00"]);
}

#[test]
fn a_failed_build_leaves_the_published_site_untouched() {
    let site = Site::new(CONFIG);
    site.bulletin("a.md", &fm("Tin tốt", "2020-01-01", ""), "x");
    site.build(&[]);
    let before = snapshot(&site.public());
    site.bulletin("b.md", &fm("Tin mới", "2020-01-02", ""), "y");
    site.bulletin("broken.md", "title: [unclosed\ndate: 2020-01-01", "x");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/broken.md"), "{}", stderr(&out));
    assert_eq!(snapshot(&site.public()), before);
    // The first build's spare tree (kept for the next build) is meant to stay.
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("bantin-") && name != ".public.bantin-spare")
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    std::fs::remove_file(site.root().join("content/broken.md")).expect("rm");
    site.build(&[]);
    assert_eq!(texts(&site.page(""), ".card-title"), ["Tin mới", "Tin tốt"]);
}

#[test]
fn a_template_error_names_the_theme_s_file_and_a_broken_bulletin_does_not_hide_it() {
    let site = Site::new(&format!("{CONFIG}theme = \"tin\"\n"));
    site.bulletin("a.md", &fm("Tin tốt", "2020-01-01", ""), "x");
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html");
    let base = std::fs::read_to_string(base).expect("base.html");
    // A syntax error, found as the templates are read.
    site.write("themes/tin/templates/base.html", &base.replacen("<body", "{% if %}<body", 1));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("template error in themes/tin/templates/base.html"), "{err}");
    assert!(err.contains("--> themes/tin/templates/base.html:"), "{err}");
    // A bulletin that cannot be read does not hide it.
    site.bulletin("b.md", "title: [unclosed\ndate: 2020-01-01", "x");
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("content/b.md:"), "{err}");
    assert!(err.contains("--> themes/tin/templates/base.html:"), "{err}");
    std::fs::remove_file(site.root().join("content/b.md")).expect("rm");
    // A variable no page has, found as a page is made from the embedded bulletin.html.
    site.write("themes/tin/templates/base.html", &base.replacen("<body", "{{ nosuch.thing }}<body", 1));
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("template error in bulletin.html"), "{err}");
    assert!(err.contains("--> themes/tin/templates/base.html:"), "{err}");
    assert!(err.contains("`nosuch`"), "{err}");
}

#[test]
fn dangerous_output_directories_are_refused() {
    let site = Site::new(CONFIG);
    site.bulletin("a.md", &fm("Tin", "2020-01-01", ""), "x");
    site.write("precious/keep.txt", "do not delete");
    let home = site.root().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let home_str = home.to_string_lossy().into_owned();
    for bad in [".", "content", "..", "/", "precious", "content/sub", home_str.as_str(), "static", "themes/x"]
    {
        let out = site.run_env(&["build", "--out", bad], &[("HOME", &home_str)]);
        assert_eq!(out.status.code(), Some(1), "--out {bad} was accepted");
        assert!(stderr(&out).contains("refusing to publish"), "{}", stderr(&out));
    }
    assert_eq!(
        std::fs::read_to_string(site.root().join("precious/keep.txt")).expect("kept"),
        "do not delete"
    );
    assert!(site.root().join("content/a.md").exists());
    // A fresh or empty directory is fine, and so is a previous bantin output.
    site.build(&["--out", "elsewhere/site"]);
    site.build(&["--out", "elsewhere/site"]);
    assert!(site.root().join("elsewhere/site/index.html").is_file());
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new(CONFIG);
    assert_eq!(site.run(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(site.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn bad_site_toml_points_at_the_line() {
    let site = Site::new("title = \"x\"\nper_pgae = 3\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("site.toml:2:1") && err.contains("did you mean `per_page`?"), "{err}");
}

#[test]
fn hostile_titles_are_text() {
    let site = Site::new(CONFIG);
    site.bulletin(
        "x.md",
        &fm("<img src=x onerror=alert(1)> & <script>alert(2)</script>", "2020-01-01", "tags: [\"<b>t</b>\"]"),
        "[a](javascript:alert(3)) <script>alert(4)</script>\n\n```\"><script>alert(5)</script>\nx\n```",
    );
    site.build(&[]);
    for (path, bytes) in snapshot(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        // The only scripts: the theme's own search client and share button by URL, and JSON-LD
        // data that parses as JSON (browsers never run it).
        let scripts = attrs(&doc, "script", "src");
        let theirs = |s: &String| s.ends_with("search.js") || s.ends_with("bulletin.js");
        assert!(scripts.iter().all(theirs), "{path} has a script: {scripts:?}");
        let sel = scraper::Selector::parse("script").expect("sel");
        for script in doc.select(&sel) {
            let code: String = script.text().collect();
            if code.is_empty() {
                continue;
            }
            assert_eq!(
                script.value().attr("type"),
                Some("application/ld+json"),
                "{path} has an inline script"
            );
            assert!(serde_json::from_str::<serde_json::Value>(&code).is_ok(), "{path}: JSON-LD is not JSON");
        }
        for el in doc.select(&scraper::Selector::parse("*").expect("sel")) {
            for (name, value) in el.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: {name}={value}");
                assert!(!value.to_lowercase().contains("javascript:"), "{path}: {name}={value}");
            }
        }
    }
    let page = site.page("");
    assert_eq!(texts(&page, ".card-title"), ["<img src=x onerror=alert(1)> & <script>alert(2)</script>"]);
}

#[test]
fn the_example_site_builds_every_page_kind_and_no_link_is_broken() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().expect("tmp");
    let out = out_dir.path().join("public");
    let run = assert_cmd::Command::cargo_bin("bantin")
        .expect("bin")
        .args(["--root", &repo.to_string_lossy(), "build", "--out", &out.to_string_lossy()])
        .output()
        .expect("run");
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stdout(&run).contains("Built "), "{}", stdout(&run));
    for kind in [
        "index.html",
        "page/2/index.html",
        "tags/index.html",
        "authors/index.html",
        "archive/index.html",
        "2020/index.html",
        "2020/01/index.html",
        "404.html",
        "style.css",
        "syntax.css",
    ] {
        assert!(out.join(kind).is_file(), "{kind} missing");
    }
    // The seed bulletin: month precision, Xuân Thu, Đ for Ð.
    let seed = out.join("2020/01/tong-ket-phong-trao-bao-ve-an-ninh-to-quoc-2019/index.html");
    let seed = scraper::Html::parse_document(&std::fs::read_to_string(seed).expect("seed page"));
    assert_eq!(attrs(&seed, "article.bulletin time", "datetime"), ["2020-01"]);
    assert_eq!(texts(&seed, "a[rel=author]"), ["Xuân Thu"]);
    assert!(texts(&seed, ".body").concat().contains("Đồng chí Ngô Gia Tự"));

    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "html") || entry.file_name() == "404.html" {
            continue;
        }
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(entry.path()).expect("read"));
        for attr in ["href", "src"] {
            for link in attrs(&doc, &format!("[{attr}]"), attr) {
                if let Some(target) = resolve_link(&out, entry.path(), &link) {
                    assert!(
                        target.is_file(),
                        "{} links to {link}, which does not exist",
                        entry.path().display()
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(texts(&doc, "h1").len(), 1, "{} must have one h1", entry.path().display());
    }
    assert!(checked > 500, "only {checked} links checked");

    // Weight: all CSS ≤ 20 KB; every bulletin page with what it loads ≤ 60 KB before images.
    let css: u64 = ["style.css", "front.css", "bulletin.css", "indexes.css", "search.css", "syntax.css"]
        .iter()
        .map(|f| std::fs::metadata(out.join(f)).expect("css").len())
        .sum();
    assert!(css <= 20 * 1024, "CSS is {css} bytes");
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.expect("walk");
        let Ok(rel) = entry.path().strip_prefix(&out) else { continue };
        let parts: Vec<_> = rel.components().collect();
        // Bulletin pages: YYYY/MM/slug/index.html.
        if parts.len() != 4 || entry.file_name() != "index.html" || rel.to_string_lossy().contains("/page/") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("read");
        let doc = scraper::Html::parse_document(&html);
        let mut total = html.len() as u64;
        // What a phone downloads before pictures, compressed as static hosts serve it.
        let mut compressed = gzipped(html.as_bytes());
        for href in
            attrs(&doc, "link[rel=stylesheet]", "href").into_iter().chain(attrs(&doc, "script[src]", "src"))
        {
            let file = resolve_link(&out, entry.path(), &href).expect("local asset");
            let bytes = std::fs::read(&file).expect("asset");
            total += bytes.len() as u64;
            compressed += gzipped(&bytes);
        }
        assert!(total <= 60 * 1024, "{} weighs {total} bytes with its CSS and JS", rel.display());
        assert!(compressed <= 30 * 1024, "{} weighs {compressed} bytes compressed", rel.display());
        // The one script is the share row's copy button: the page reads the same without it.
        let scripts = attrs(&doc, "script[src]", "src");
        assert!(scripts.iter().all(|s| s.ends_with("bulletin.js")), "{}: {scripts:?}", rel.display());
    }
}

#[test]
fn english_ui_and_day_permalinks() {
    let site = Site::new("language = \"en\"\npermalink = \"/{year}/{month}/{day}/{slug}/\"\n");
    site.bulletin("flood-warning.md", &fm("Flood warning", "2020-01-06 08:30", "author: Minh Anh"), "Rain.");
    site.bulletin("monthly-report.md", &fm("Monthly report", "2020-01", ""), "Numbers.");
    site.build(&[]);
    let page = site.page("2020/01/06/flood-warning/");
    // The byline's long form: weekday, date, time and the offset from UTC.
    assert_eq!(texts(&page, "article.bulletin header time"), ["Monday, January 6, 2020, 08:30 (GMT+7)"]);
    assert_eq!(attrs(&page, "html", "lang"), ["en"]);
    // A month-only bulletin has no day to put in its URL.
    let month = site.page("2020/01/monthly-report/");
    assert_eq!(texts(&month, "article.bulletin header time"), ["January 2020"]);
    assert_eq!(texts(&site.page("2020/01/"), "h1"), ["January 2020"]);
}

#[test]
fn cards_rendered_once_link_right_at_every_depth_and_match_a_theme_that_includes_them() {
    let site = Site::new(CONFIG);
    // The second title has the very text a card rendered once stands `root` in with: it
    // must come out as written, not as a link prefix.
    let marked = "Tin \u{E000}bantin-root\u{E001} lạ";
    site.bulletin("a.md", &fm("Mưa lớn ở Huế", "2021-03-01", "tags: [Covid]\nauthor: Lan"), "x");
    site.bulletin("b.md", &fm(marked, "2021-03-02", "tags: [Covid]"), "y");
    site.bulletin("c.md", &fm("Nắng nóng", "2021-03-03", "tags: [Covid]"), "z");
    site.bulletin("d.md", &fm("Gió mùa", "2021-03-04", "tags: [Covid]"), "w");
    site.build(&[]);
    // The home page (root ./), page 1 (../../), a tag's page 1 (../../../../), a month.
    for rel in ["", "page/1/", "tags/covid/", "tags/covid/page/1/", "2021/03/", "authors/lan/"] {
        let page = site.page(rel);
        let links = attrs(&page, ".card-title a", "href");
        assert!(!links.is_empty(), "{rel}: no cards");
        for href in links {
            let from = site.public().join(rel).join("index.html");
            assert!(resolve_link(&site.public(), &from, &href).is_some(), "{rel}: {href} leads nowhere");
        }
    }
    assert!(texts(&site.page("page/1/"), ".card-title").contains(&marked.to_string()));
    let before = snapshot(&site.public());
    // The same site with a theme whose list includes card.html for each card.
    let list = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/list.html"),
    )
    .expect("list.html");
    let including = list.replace(
        "{% for html in card_html %}{{ html | safe }}{% endfor %}",
        "{% for card in cards %}{% include \"card.html\" %}{% endfor %}",
    );
    assert_ne!(including, list, "the default list shows card_html");
    site.write("themes/default/templates/list.html", &including);
    site.build(&["--clean"]);
    let after = snapshot(&site.public());
    let pages = |s: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        s.iter().filter(|(k, _)| k.ends_with(".html")).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    assert_eq!(pages(&before), pages(&after), "cards rendered once and per page differ");
}

/// The size of `bytes` gzip-compressed (level 6, as static hosts commonly serve).
fn gzipped(bytes: &[u8]) -> u64 {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip").len() as u64
}

/// A build right after an edit reads the just-written file again next time (its time is too
/// recent to trust), and when its text is what the last build read, it stops at once, as a
/// build with nothing to do does, instead of going through every stage to write nothing.
#[test]
fn a_file_written_again_with_the_same_text_changes_nothing() {
    let site = Site::new(CONFIG);
    // What `--timings` lists: the stages a build went through.
    let stages = |out: &std::process::Output| format!("{}{}", stdout(out), stderr(out));
    let stopped_at_once = |out: &std::process::Output| {
        let s = stages(out);
        s.contains("nothing changed") && !s.contains("render + write pages")
    };
    site.bulletin("2020/01/tin.md", &fm("Tin", "2020-01-02", ""), "Mưa lớn.");
    site.build(&[]);
    let again = site.build(&["--timings"]);
    assert!(stopped_at_once(&again), "{}", stages(&again));
    // Saved again, the same words: nothing to do.
    site.bulletin("2020/01/tin.md", &fm("Tin", "2020-01-02", ""), "Mưa lớn.");
    let same = site.build(&["--timings"]);
    assert!(stopped_at_once(&same), "{}", stages(&same));
    // Other words of the same length, saved at once: read again, and published.
    site.bulletin("2020/01/tin.md", &fm("Tin", "2020-01-02", ""), "Gió lớn.");
    let changed = site.build(&["--timings"]);
    assert!(stages(&changed).contains("render + write pages"), "{}", stages(&changed));
    assert!(texts(&site.page("2020/01/tin/"), ".body").concat().contains("Gió lớn."));
}
