//! Sections: configured in site.toml in menu order, one per bulletin, each with a paginated
//! page, its feeds, a place in the menu, on cards, in breadcrumbs (and BreadcrumbList JSON-LD)
//! and in the sitemap; a bulletin naming an unknown section is an error at its line.

mod common;

use common::{Site, attrs, stderr, texts};

const CONFIG: &str = "title = \"Báo Tỉnh\"\nbase_url = \"https://tin.example/\"\nper_page = 1\n\n\
[[sections]]\nname = \"Thời sự\"\ndescription = \"Tin trong tỉnh và cả nước\"\n\n\
[[sections]]\nname = \"Kinh tế\"\n\n[[sections]]\nname = \"Thể thao\"\nslug = \"the-thao-24h\"\n";

fn site() -> Site {
    let site = Site::new(CONFIG);
    site.bulletin("2020/01/hop.md", "title: \"Họp HĐND\"\ndate: 2020-01-01\nsection: Thời sự", "Họp.");
    site.bulletin("2020/01/gia-xang.md", "title: \"Giá xăng\"\ndate: 2020-01-02\nsection: kinh te", "Xăng.");
    site.bulletin("2020/01/bao.md", "title: \"Bão số 5\"\ndate: 2020-01-03\nsection: thoi-su", "Bão.");
    site.bulletin("2020/01/khac.md", "title: \"Tin khác\"\ndate: 2020-01-04", "Khác.");
    site
}

#[test]
fn sections_have_pages_feeds_menu_cards_and_breadcrumbs() {
    let site = site();
    site.build(&[]);
    // The menu: every section, in site.toml's order, on every page.
    let home = site.page("");
    let menu = texts(&home, "nav[aria-label] li a");
    assert_eq!(&menu[1..4], ["Thời sự", "Kinh tế", "Thể thao"], "{menu:?}");
    assert!(attrs(&home, "nav[aria-label] li a", "href").contains(&"./the-thao-24h/".to_string()));
    // A section's page: its bulletins (found by name, any case or marks, or by slug), newest
    // first, paginated; an empty section still has its page.
    let thoi_su = site.page("thoi-su/");
    assert_eq!(texts(&thoi_su, "h1"), ["Thời sự"]);
    assert!(texts(&thoi_su, ".muted").concat().contains("Tin trong tỉnh"));
    let mut titles = texts(&thoi_su, ".card-title");
    titles.extend(texts(&site.page("thoi-su/page/1/"), ".card-title"));
    assert_eq!(titles, ["Bão số 5", "Họp HĐND"]);
    assert_eq!(texts(&site.page("kinh-te/"), ".card-title"), ["Giá xăng"]);
    assert!(texts(&site.page("the-thao-24h/"), ".card-title").is_empty());
    // Cards carry their section; a bulletin without one has none.
    let kicker = |title: &str| {
        let page = site.page("");
        let cards = page.select(&scraper::Selector::parse(".card").expect("selector")).collect::<Vec<_>>();
        cards.iter().find(|c| c.text().collect::<String>().contains(title)).map(|c| {
            c.select(&scraper::Selector::parse(".kicker a").expect("sel"))
                .map(|a| a.text().collect::<String>())
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(kicker("Tin khác"), Some(vec![]));
    // The bulletin: a breadcrumb, and BreadcrumbList and articleSection in its JSON-LD.
    let page = site.page("2020/01/gia-xang/");
    assert_eq!(texts(&page, "nav.breadcrumb a"), ["Trang chủ", "Kinh tế"]);
    let ld: serde_json::Value =
        serde_json::from_str(&texts(&page, "script[type=\"application/ld+json\"]").concat())
            .expect("json-ld");
    assert_eq!(ld["articleSection"], "Kinh tế");
    let crumbs = ld["breadcrumb"]["itemListElement"].as_array().expect("breadcrumb list");
    assert_eq!(crumbs[1]["item"], "https://tin.example/kinh-te/");
    assert_eq!(crumbs[2]["item"], "https://tin.example/2020/01/gia-xang/");
    // A bulletin in no section: its breadcrumb steps through its month's archive page.
    let other = site.page("2020/01/khac/");
    assert_eq!(texts(&other, "nav.breadcrumb a"), ["Trang chủ", "Tháng 1/2020"]);
    assert_eq!(attrs(&other, "nav.breadcrumb a", "href")[1], "../../../2020/01/");
    // Its feeds and its place in the sitemap.
    let atom = std::fs::read(site.public().join("thoi-su/atom.xml")).expect("section feed");
    let feed = feed_rs::parser::parse(&atom[..]).expect("atom");
    assert_eq!(feed.entries.len(), 2);
    assert!(
        site.public().join("thoi-su/rss.xml").is_file() && site.public().join("thoi-su/feed.json").is_file()
    );
    let sitemap = std::fs::read_to_string(site.public().join("sitemap.xml")).expect("sitemap");
    assert!(sitemap.contains("<loc>https://tin.example/the-thao-24h/</loc>"), "{sitemap}");
}

#[test]
fn an_unknown_section_is_an_error_at_its_line_with_the_nearest_name() {
    let site = site();
    site.bulletin("2020/02/sai.md", "title: \"Sai\"\ndate: 2020-02-01\nsection: Thoi su quoc te", "x");
    site.bulletin("2020/02/gan.md", "title: \"Gần\"\ndate: 2020-02-02\nsection: Kinh tê\u{0301}", "x");
    site.bulletin("2020/02/gan-dung.md", "title: \"Gần đúng\"\ndate: 2020-02-03\nsection: The thao", "x");
    site.bulletin("2020/02/go-sai.md", "title: \"Gõ sai\"\ndate: 2020-02-04\nsection: Thời sư", "x");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("unknown section `Thoi su quoc te`") && err.contains("content/2020/02/sai.md:4:10"),
        "{err}"
    );
    assert!(!err.contains("gan.md") && !err.contains("gan-dung.md"), "marks and case do not matter: {err}");
    assert!(!err.contains("go-sai.md"), "{err}");
    assert!(err.contains("the sections are: Thời sự, Kinh tế, Thể thao"), "{err}");
    site.bulletin("2020/02/sai.md", "title: \"Sai\"\ndate: 2020-02-01\nsection: Kinh tees", "x");
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("did you mean `Kinh tế`?"), "{err}");
    assert!(!site.public().exists());
}

#[test]
fn an_author_s_profile_shows_on_their_page_and_tells_search_engines_who_they_are() {
    let site = Site::new(
        "base_url = \"https://tin.example/\"\n\n[[authors]]\nname = \"thuỳ linh\"\n\
         description = \"Phóng viên giao thông\"\nemail = \"linh@tin.example\"\n\
         links = [\"https://www.facebook.com/thuylinh\", \"https://x.com/thuylinh\"]\n\n\
         [[authors]]\nname = \"Không Ai\"\n",
    );
    site.bulletin("2020/01/cau.md", "title: Cầu mới\ndate: 2020-01-01\nauthor: Thùy Linh", "Cầu.");
    site.bulletin("2020/01/duong.md", "title: Đường mới\ndate: 2020-01-02\nauthor: Minh Anh", "Đường.");
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // A profile no byline has is told (its page would never show it).
    assert!(err.contains("the profile of `Không Ai` in site.toml is no bulletin's author"), "{err}");
    assert!(!err.contains("Thùy Linh`") && !err.contains("thuỳ linh`"), "{err}");
    // Matched as tags are: any case, either tone placement.
    let slug = std::fs::read_dir(site.public().join("authors"))
        .expect("authors")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("thuy-linh"))
        .expect("her page");
    let page = site.page(&format!("authors/{slug}/"));
    assert_eq!(texts(&page, ".profile-line"), ["Phóng viên giao thông"]);
    assert_eq!(texts(&page, ".profile-links a"), ["linh@tin.example", "facebook.com", "x.com"]);
    assert_eq!(
        attrs(&page, ".profile-links a", "href"),
        ["mailto:linh@tin.example", "https://www.facebook.com/thuylinh", "https://x.com/thuylinh"]
    );
    let ld: serde_json::Value =
        serde_json::from_str(&texts(&page, "script[type=\"application/ld+json\"]").concat())
            .expect("JSON-LD");
    assert_eq!(ld["@type"], "ProfilePage");
    let url = format!("https://tin.example/authors/{slug}/");
    assert_eq!(ld["url"], url.as_str());
    assert_eq!(ld["mainEntity"]["@type"], "Person");
    assert_eq!(ld["mainEntity"]["name"], "Thùy Linh");
    assert_eq!(
        ld["mainEntity"]["sameAs"],
        serde_json::json!(["https://www.facebook.com/thuylinh", "https://x.com/thuylinh"])
    );
    // An author without a profile has none.
    let other = site.page("authors/minh-anh/");
    assert!(texts(&other, ".profile, script[type=\"application/ld+json\"]").is_empty());
    // A profile's mistakes are errors at its table, and the site is left as it was.
    let before = common::snapshot(&site.public());
    site.write(
        "site.toml",
        "base_url = \"https://tin.example/\"\n\n[[authors]]\nname = \"A\"\nlinks = [\"facebook.com/a\"]\n",
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("`facebook.com/a` in the links of `A` is not a web address")
            && err.contains("site.toml:3:1"),
        "{err}"
    );
    assert!(before == common::snapshot(&site.public()));
}
