//! Feeds, sitemap and sharing metadata, read back by parsers bantin did not write: feed-rs
//! for Atom, RSS and JSON Feed, quick-xml for the sitemap, serde_json for JSON-LD.

mod common;

use std::path::{Path, PathBuf};

use common::{attrs, stderr};
use feed_rs::model::Feed;

const BASE: &str = "https://tin.example/tin-tuc/";
/// The fixture's hostile title after normalisation (its control characters dropped).
const HOSTILE: &str = "A & B <script>alert(1)</script> ]]> \"kép\" 'đơn' 😀 end";

/// The committed fixture site, copied to a temp dir (tests edit it) and built.
fn built_fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = common::copy_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds"));
    build(dir.path());
    let public = dir.path().join("public");
    (dir, public)
}

fn build(root: &Path) {
    let out = assert_cmd::Command::cargo_bin("bantin")
        .expect("bin")
        .current_dir(root)
        .arg("build")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
}

fn parse(path: &Path) -> Feed {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn titles(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.title.as_ref().map(|t| t.content.clone()).unwrap_or_default()).collect()
}

#[test]
fn site_feeds_in_three_formats_agree() {
    let (_dir, public) = built_fixture();
    let expected = ["Cập nhật: mưa lớn", HOSTILE, "Đà Nẵng đón khách quốc tế"];
    let mut ids = Vec::new();
    for name in ["atom.xml", "rss.xml", "feed.json"] {
        let feed = parse(&public.join(name));
        // The three newest by publication date (`feed_limit` = 3), newest first.
        let got = titles(&feed);
        assert_eq!(got.len(), 3, "{name}: {got:?}");
        let mut sorted_expected: Vec<&str> = expected.to_vec();
        sorted_expected.sort();
        let mut sorted_got: Vec<&str> = got.iter().map(String::as_str).collect();
        sorted_got.sort();
        assert_eq!(sorted_got, sorted_expected, "{name}");
        assert_eq!(got[0], HOSTILE, "{name}: newest first");
        let first = &feed.entries[0];
        let published = first.published.expect("published");
        assert_eq!(published.to_rfc3339(), "2024-03-05T03:15:00+00:00", "{name}: the +07:00 offset is kept");
        let link = &first.links[0].href;
        assert!(link.starts_with(BASE), "{name}: {link}");
        let authors: Vec<&str> = first.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(authors, ["Ngô <Gia> Tự", "R&D"], "{name}");
        let cats: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(cats, ["<tag>", "an ninh"], "{name}");
        ids.push(feed.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>());
    }
    assert_eq!(ids[0], ids[1], "Atom and RSS ids agree");
    assert_eq!(ids[0], ids[2], "Atom and JSON Feed ids agree");
    // `updated` of the feed is its newest entry's modification.
    let atom = parse(&public.join("atom.xml"));
    assert_eq!(atom.updated.expect("updated").to_rfc3339(), "2024-03-06T02:30:00+00:00");
    let updated_entry =
        atom.entries.iter().find(|e| e.title.as_ref().is_some_and(|t| t.content == "Cập nhật: mưa lớn"));
    assert_eq!(
        updated_entry.and_then(|e| e.updated).expect("entry updated").to_rfc3339(),
        "2024-03-06T02:30:00+00:00"
    );
}

#[test]
fn tag_and_author_feeds() {
    let (_dir, public) = built_fixture();
    let tags = scraper::Html::parse_document(
        &std::fs::read_to_string(public.join("tags/index.html")).expect("tags"),
    );
    let an_ninh =
        attrs(&tags, ".term-list a", "href").into_iter().find(|h| h.ends_with("an-ninh/")).expect("an ninh");
    let folder = public.join("tags").join(an_ninh.trim_start_matches("../tags/").trim_end_matches('/'));
    for name in ["atom.xml", "rss.xml", "feed.json"] {
        let feed = parse(&folder.join(name));
        let got = titles(&feed);
        assert_eq!(got, [HOSTILE, "Tổng kết tháng hai", "Bản tin cũ số 8"], "{name}");
    }
    let author = parse(&public.join("authors/minh-anh/atom.xml"));
    assert_eq!(titles(&author), ["Cập nhật: mưa lớn", "Tổng kết tháng hai"]);
    // A month-only bulletin is dated the 1st of its month, at midnight in the site's zone.
    let month = &author.entries[1];
    assert_eq!(month.published.expect("published").to_rfc3339(), "2024-01-31T17:00:00+00:00");
}

#[test]
fn entry_ids_survive_edits() {
    let (dir, public) = built_fixture();
    let before: Vec<String> = parse(&public.join("atom.xml")).entries.iter().map(|e| e.id.clone()).collect();
    let path = dir.path().join("content/da-nang-don-khach-quoc-te.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = text
        .replace("Ðà Nẵng đón khách quốc tế", "Đà Nẵng đón nhiều khách quốc tế")
        .replace("đón khách.", "đón rất nhiều khách.");
    std::fs::write(&path, edited).expect("write");
    build(dir.path());
    let after = parse(&public.join("atom.xml"));
    let ids: Vec<String> = after.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids, before);
    assert!(titles(&after).contains(&"Đà Nẵng đón nhiều khách quốc tế".to_string()));
}

fn locs(xml: &str, tag: &[u8]) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == tag => inside = true,
            quick_xml::events::Event::End(e) if e.name().as_ref() == tag => inside = false,
            quick_xml::events::Event::Text(t) if inside => {
                out.push(t.decode().expect("text").into_owned());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn sitemap_splits_under_an_index_and_robots_points_to_it() {
    let (_dir, public) = built_fixture();
    let index = std::fs::read_to_string(public.join("sitemap.xml")).expect("sitemap");
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts = locs(&index, b"loc");
    assert_eq!(parts.len(), 4, "{parts:?}");
    let mut urls = Vec::new();
    let mut lastmods = 0;
    for part in &parts {
        let file = public.join(part.strip_prefix(BASE).expect("absolute part URL"));
        let xml = std::fs::read_to_string(&file).expect("part");
        let part_urls = locs(&xml, b"loc");
        assert!(part_urls.len() <= 10);
        lastmods += locs(&xml, b"lastmod").len();
        urls.extend(part_urls);
    }
    assert!(urls.iter().all(|u| u.starts_with(BASE)), "{urls:?}");
    assert!(urls.contains(&format!("{BASE}2024/03/da-nang-don-khach-quoc-te/")));
    assert!(urls.contains(&format!("{BASE}2024/02/tong-ket-thang-hai/")));
    assert!(lastmods >= 12, "every bulletin has a lastmod");
    let unique: std::collections::BTreeSet<&String> = urls.iter().collect();
    assert_eq!(unique.len(), urls.len(), "no URL twice");
    let robots = std::fs::read_to_string(public.join("robots.txt")).expect("robots");
    assert!(robots.contains(&format!("Sitemap: {BASE}sitemap.xml")), "{robots}");
}

#[test]
fn every_feed_gives_the_lead_picture_where_feed_readers_look_for_it() {
    let (_dir, public) = built_fixture();
    for name in ["atom.xml", "rss.xml"] {
        let feed = parse(&public.join(name));
        let with_picture = |title: &str| {
            let entry = feed.entries.iter().find(|e| e.title.as_ref().is_some_and(|t| t.content == title));
            let media = &entry.expect(title).media;
            let content = media
                .iter()
                .flat_map(|m| &m.content)
                .filter_map(|c| c.url.as_ref().map(|u| (u.to_string(), c.width, c.height)));
            let thumbnails = media
                .iter()
                .flat_map(|m| &m.thumbnails)
                .map(|t| (t.image.uri.clone(), t.image.width, t.image.height));
            content.chain(thumbnails).collect::<Vec<_>>()
        };
        // The lead photo's 16:9 crop (Media RSS in Atom and RSS, `image` in JSON Feed), and
        // nothing for a bulletin without a picture.
        let pictures = with_picture("Đà Nẵng đón khách quốc tế");
        assert_eq!(pictures.len(), 1, "{name}: {pictures:?}");
        let (url, w, h) = &pictures[0];
        assert!(
            url.starts_with(&format!("{BASE}photos/")) && url.ends_with("-1200x675.jpg"),
            "{name}: {url}"
        );
        assert!(public.join(&url[BASE.len()..]).is_file(), "{name}: {url} is published");
        assert_eq!((*w, *h), (Some(1200), Some(675)), "{name}");
        assert!(with_picture("Cập nhật: mưa lớn").is_empty(), "{name}");
    }
    // JSON Feed's `image` (which feed-rs does not read): the same picture.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("feed.json")).expect("feed.json")).expect("json");
    let image = |title: &str| {
        json["items"].as_array().expect("items").iter().find(|i| i["title"] == title).expect(title)["image"]
            .clone()
    };
    let rss = parse(&public.join("rss.xml"));
    let rss_url =
        rss.entries.iter().flat_map(|e| &e.media).flat_map(|m| &m.content).find_map(|c| c.url.clone());
    assert_eq!(image("Đà Nẵng đón khách quốc tế").as_str(), rss_url.as_ref().map(|u| u.as_str()));
    assert!(image("Cập nhật: mưa lớn").is_null());
}

/// The HTML a feed entry carries (RSS's description is read as its summary).
fn entry_html(entry: &feed_rs::model::Entry) -> String {
    entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
        .unwrap_or_default()
}

/// The links in the HTML of the entry titled `title` of the feed at `path`.
fn entry_hrefs(path: &Path, title: &str) -> Vec<String> {
    let feed = parse(path);
    let entry = feed.entries.iter().find(|e| e.title.as_ref().is_some_and(|t| t.content == title));
    let html = entry_html(entry.unwrap_or_else(|| panic!("{title} in {}", path.display())));
    attrs(&scraper::Html::parse_fragment(&html), "a", "href")
}

#[test]
fn a_link_within_a_bulletin_or_from_the_site_s_root_leads_there_from_the_page_and_every_feed() {
    // The site is published under a path (BASE ends in /tin-tuc/): its root is there.
    let site = common::Site::new(&format!("base_url = \"{BASE}\"\n"));
    site.write("static/tep/quyet-dinh.pdf", "%PDF-1.4");
    site.bulletin(
        "2024/05/so-lieu.md",
        "title: Số liệu\ndate: 2024-05-01",
        "Khoảng 50.000 lượt khách[^1], xem [phần sau](#phan-sau), [cùng chủ đề](../../../tags/du-lich/).\n\n[^1]: Số liệu của Sở.\n",
    );
    site.bulletin(
        "2024/05/quyet-dinh.md",
        "title: Quyết định\ndate: 2024-05-02",
        "Xem [toàn văn](/tep/quyet-dinh.pdf), [trang khác](//cdn.example/x) và [gốc](https://tin.example/).\n",
    );
    site.build(&[]);
    let doc = site.page("2024/05/quyet-dinh/");
    assert_eq!(
        attrs(&doc, ".body a", "href"),
        ["../../../tep/quyet-dinh.pdf", "//cdn.example/x", "https://tin.example/"]
    );
    assert!(
        common::resolve_link(
            &site.public(),
            &site.public().join("2024/05/quyet-dinh/index.html"),
            "../../../tep/quyet-dinh.pdf"
        )
        .is_some_and(|p| p.is_file())
    );
    let page = format!("{BASE}2024/05/so-lieu/");
    for name in ["atom.xml", "rss.xml", "feed.json"] {
        let hrefs = entry_hrefs(&site.public().join(name), "Quyết định");
        assert_eq!(hrefs[0], format!("{BASE}tep/quyet-dinh.pdf"), "{name}");
        let mut hrefs = entry_hrefs(&site.public().join(name), "Số liệu");
        // A link relative to the page leads where it does from the page.
        let relative = hrefs.iter().position(|h| !h.contains('#'));
        assert_eq!(relative.map(|i| hrefs.remove(i)), Some(format!("{BASE}tags/du-lich/")), "{name}");
        assert!(!hrefs.is_empty(), "{name}");
        assert!(hrefs.iter().all(|h| h.starts_with(&format!("{page}#"))), "{name}: {hrefs:?}");
    }
    // The page itself keeps its links as written.
    let doc = site.page("2024/05/so-lieu/");
    let hrefs = attrs(&doc, ".body a", "href");
    assert!(hrefs.iter().all(|h| h.starts_with('#') || h == "../../../tags/du-lich/"), "{hrefs:?}");
}

#[test]
fn bulletin_pages_carry_open_graph_and_json_ld() {
    let (_dir, public) = built_fixture();
    let page = public.join("2024/03/da-nang-don-khach-quoc-te/index.html");
    let doc = scraper::Html::parse_document(&std::fs::read_to_string(page).expect("page"));
    let meta = |prop: &str| attrs(&doc, &format!("meta[property=\"{prop}\"]"), "content");
    assert_eq!(meta("og:type"), ["article"]);
    assert_eq!(meta("og:url"), [format!("{BASE}2024/03/da-nang-don-khach-quoc-te/")]);
    // The Open Graph picture is the lead photo's 16:9 crop, 1200 pixels wide, published.
    let og = meta("og:image");
    assert!(
        og.len() == 1 && og[0].starts_with(&format!("{BASE}photos/")) && og[0].ends_with("-1200x675.jpg"),
        "{og:?}"
    );
    let (w, h, _) =
        common::photo::decode(&std::fs::read(public.join(&og[0][BASE.len()..])).expect("og file"));
    assert_eq!((w, h), (1200, 675));
    assert_eq!(
        (meta("og:image:width"), meta("og:image:height")),
        (vec!["1200".to_string()], vec!["675".to_string()])
    );
    assert_eq!(meta("og:image:alt"), ["Cầu Rồng về đêm"]);
    assert_eq!(meta("article:published_time"), ["2024-03-04T00:00:00+07:00"]);
    assert_eq!(meta("article:tag"), ["Đà Nẵng", "du lịch"]);
    assert!(meta("article:author").iter().all(|a| a.starts_with(BASE)));
    assert_eq!(attrs(&doc, "meta[name=\"twitter:card\"]", "content"), ["summary_large_image"]);
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        [format!("{BASE}2024/03/da-nang-don-khach-quoc-te/")]
    );
    assert_eq!(attrs(&doc, "figure.lead img", "alt"), ["Cầu Rồng về đêm"]);
    let feeds = attrs(&doc, "link[rel=alternate]", "href");
    assert_eq!(feeds, [format!("{BASE}atom.xml"), format!("{BASE}rss.xml"), format!("{BASE}feed.json")]);

    // JSON-LD parses, has the NewsArticle fields, and the hostile title cannot close the script.
    for (file, headline) in [
        ("2024/03/da-nang-don-khach-quoc-te/index.html", "Đà Nẵng đón khách quốc tế"),
        ("2024/03/a-b-script-alert-1-script-kep-don-end/index.html", HOSTILE),
    ] {
        let html = std::fs::read_to_string(public.join(file)).expect("page");
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("script[type=\"application/ld+json\"]").expect("sel");
        let scripts: Vec<String> = doc.select(&sel).map(|s| s.text().collect()).collect();
        assert_eq!(scripts.len(), 1, "{file}");
        let ld: serde_json::Value = serde_json::from_str(&scripts[0]).expect("JSON-LD is JSON");
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], headline);
        for field in ["datePublished", "dateModified", "author", "keywords"] {
            assert!(!ld[field].is_null(), "{file}: {field}");
        }
        assert!(!scripts[0].contains("</script"), "{file}");
    }

    // List pages: og:type website, rel prev/next in the head, and their own feeds.
    let list = scraper::Html::parse_document(
        &std::fs::read_to_string(public.join("page/1/index.html")).expect("p1"),
    );
    assert_eq!(attrs(&list, "meta[property=\"og:type\"]", "content"), ["website"]);
    assert_eq!(attrs(&list, "head link[rel=prev]", "href"), [BASE.to_string()]);
    assert!(attrs(&list, "head link[rel=next]", "href").is_empty(), "page 1 is the oldest");
    let home =
        scraper::Html::parse_document(&std::fs::read_to_string(public.join("index.html")).expect("home"));
    assert_eq!(attrs(&home, "head link[rel=next]", "href"), [format!("{BASE}page/1/")]);
    let author = scraper::Html::parse_document(
        &std::fs::read_to_string(public.join("authors/minh-anh/index.html")).expect("a"),
    );
    assert!(
        attrs(&author, "link[rel=alternate]", "href").contains(&format!("{BASE}authors/minh-anh/atom.xml"))
    );
}

#[test]
fn a_lead_image_without_alt_is_a_warning() {
    let site = common::Site::new("base_url = \"https://x.example/\"\n");
    site.write_bytes("static/a.jpg", &common::photo::jpeg(40, 30, 1, false));
    site.bulletin("a.md", "title: Ảnh\ndate: 2024-01-01\nimage: /a.jpg", "x");
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("content/a.md") && err.contains("image_alt"), "{err}");
    site.bulletin(
        "b.md",
        "title: Ảnh xấu\ndate: 2024-01-02\nimage: \"javascript:alert(1)\"\nimage_alt: x",
        "x",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("content/b.md:4:8"), "{}", stderr(&out));
}

/// Builds the fixture at `root` with the clock fixed at `now`.
fn build_at(root: &Path, now: &str) {
    let out = assert_cmd::Command::cargo_bin("bantin")
        .expect("bin")
        .current_dir(root)
        .env("BANTIN_NOW", now)
        .arg("build")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
}

/// (loc, publication name, language, publication date, title) of each URL of a news sitemap,
/// read with a plain XML reader, by namespace.
fn news_entries(xml: &str) -> Vec<[String; 5]> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::NsReader::from_str(xml);
    let (sitemap, news) =
        (b"http://www.sitemaps.org/schemas/sitemap/0.9", b"http://www.google.com/schemas/sitemap-news/0.9");
    let mut out = Vec::new();
    let mut current: [String; 5] = Default::default();
    let mut field: Option<usize> = None;
    loop {
        match reader.read_resolved_event().expect("xml") {
            (ns, Event::Start(e)) => {
                let ns = match ns {
                    quick_xml::name::ResolveResult::Bound(n) => n.as_ref().to_vec(),
                    _ => Vec::new(),
                };
                let local = e.local_name().as_ref().to_vec();
                field = match (ns.as_slice(), local.as_slice()) {
                    (n, b"loc") if n == sitemap => Some(0),
                    (n, b"name") if n == news => Some(1),
                    (n, b"language") if n == news => Some(2),
                    (n, b"publication_date") if n == news => Some(3),
                    (n, b"title") if n == news => Some(4),
                    _ => None,
                };
            }
            (_, Event::Text(t)) => {
                if let Some(f) = field {
                    current[f].push_str(&t.decode().expect("text"));
                }
            }
            (_, Event::GeneralRef(r)) => {
                if let Some(f) = field {
                    let name = String::from_utf8_lossy(&r).to_string();
                    current[f].push_str(match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            (_, Event::End(e)) => {
                field = None;
                if e.local_name().as_ref() == b"url" {
                    out.push(std::mem::take(&mut current));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    out
}

#[test]
fn the_news_sitemap_holds_the_last_two_days_and_follows_the_clock() {
    let (dir, _) = built_fixture();
    let public = dir.path().join("public");
    // Two days before 12:00 on 5 March: the bulletins of the 4th (00:00) and the 5th (10:15),
    // not the one of the 3rd (08:00).
    build_at(dir.path(), "2024-03-05T12:00:00+07:00");
    let xml = std::fs::read_to_string(public.join("news-sitemap.xml")).expect("news sitemap");
    let entries = news_entries(&xml);
    assert_eq!(entries.len(), 2, "{xml}");
    assert_eq!(entries[0][0], format!("{BASE}2024/03/a-b-script-alert-1-script-kep-don-end/"));
    assert_eq!(entries[0][4], HOSTILE);
    assert_eq!(entries[0][3], "2024-03-05T10:15:00+07:00");
    assert_eq!(entries[1][0], format!("{BASE}2024/03/da-nang-don-khach-quoc-te/"));
    assert_eq!(entries[1][4], "Đà Nẵng đón khách quốc tế");
    for e in &entries {
        assert_eq!(e[1], "Tin <Tỉnh> & \"Thành\"");
        assert_eq!(e[2], "vi");
    }
    let robots = std::fs::read_to_string(public.join("robots.txt")).expect("robots");
    assert!(robots.contains(&format!("Sitemap: {BASE}news-sitemap.xml")), "{robots}");
    // The same input a day later: a bulletin left the window, and the build (with nothing else
    // changed) knows it.
    build_at(dir.path(), "2024-03-06T06:00:00+07:00");
    let xml = std::fs::read_to_string(public.join("news-sitemap.xml")).expect("news sitemap");
    assert_eq!(news_entries(&xml).len(), 1, "{xml}");
    // Nothing in the last two days: no news sitemap (an empty one is not valid), and robots.txt
    // no longer names it.
    build_at(dir.path(), "2024-04-01T00:00:00+07:00");
    assert!(!public.join("news-sitemap.xml").exists());
    let robots = std::fs::read_to_string(public.join("robots.txt")).expect("robots");
    assert!(!robots.contains("news-sitemap"), "{robots}");
}

#[test]
fn without_an_absolute_base_url_there_are_no_feeds_and_the_warning_gives_the_address_back_with_its_scheme() {
    for (base, hint) in [
        ("baotinh.vn", "`base_url = \"https://baotinh.vn/\"`"),
        ("/", "`base_url = \"https://your-site.example/\"`"),
    ] {
        let site = common::Site::new(&format!("title = \"Tin\"\nbase_url = \"{base}\"\n"));
        site.bulletin("a.md", "title: Tin\ndate: 2020-01-02", "Nội dung.");
        let out = site.build(&[]);
        let err = stderr(&out);
        assert!(err.contains("no feeds, sitemap or robots.txt"), "{base}: {err}");
        assert!(err.contains(hint), "{base}: {err}");
        for file in ["atom.xml", "rss.xml", "sitemap.xml", "robots.txt"] {
            assert!(!site.public().join(file).exists(), "{base}: {file} written");
        }
        assert!(site.public().join("a/index.html").exists(), "{base}: the page is published");
    }
}
