//! The editor's commands as an editor runs them: init, new, import, completions.

mod common;

use std::path::Path;

use common::{Site, stderr, stdout, texts};

fn bantin(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("bantin").expect("bin").current_dir(dir).args(args).output().expect("run")
}

#[test]
fn init_new_build_on_a_fresh_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = bantin(tmp.path(), &["init", "tin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = tmp.path().join("tin");
    assert!(site.join("site.toml").is_file() && site.join(".gitignore").is_file());
    // Refuses to init over it again without --force.
    let again = bantin(tmp.path(), &["init", "tin"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("not empty") && stderr(&again).contains("--force"));

    let out = bantin(
        &site,
        &["new", "Ðà Nẵng: mưa lớn", "--author", "Minh Anh", "--tag", "thời tiết", "--tag", "Đà Nẵng"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rel = stdout(&out).trim().to_string();
    assert!(rel.starts_with("content/") && rel.ends_with("/da-nang-mua-lon.md"), "{rel}");
    let text = std::fs::read_to_string(site.join(&rel)).expect("new bulletin");
    assert!(text.contains("Đà Nẵng: mưa lớn") && text.contains("author: Minh Anh"), "{text}");
    // Never overwrites.
    let dup = bantin(&site, &["new", "Đà Nẵng: mưa lớn"]);
    assert_eq!(dup.status.code(), Some(1));
    assert!(stderr(&dup).contains("already exists"));
    assert_eq!(std::fs::read_to_string(site.join(&rel)).expect("kept"), text);

    let out = bantin(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = scraper::Html::parse_document(
        &std::fs::read_to_string(site.join("public/index.html")).expect("home"),
    );
    let titles = texts(&home, ".card-title");
    assert!(titles.contains(&"Đà Nẵng: mưa lớn".to_string()), "{titles:?}");
    assert_eq!(titles.len(), 2, "the example bulletin and the new one");

    // --theme copies the theme out; --force adds to a non-empty folder without overwriting.
    std::fs::write(site.join("site.toml"), "title = \"Của tôi\"\n").expect("write");
    let out = bantin(tmp.path(), &["init", "tin", "--force", "--theme"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(site.join("site.toml")).expect("kept"), "title = \"Của tôi\"\n");
    assert!(site.join("themes/default/templates/base.html").is_file());
}

#[test]
fn new_uses_the_default_author() {
    let site = Site::new("default_author = \"Ban biên tập\"\n");
    let out = site.run(&["new", "Thông báo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.root().join(stdout(&out).trim())).expect("read");
    assert!(text.contains("author: Ban biên tập"), "{text}");
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn importing_the_seed_bulletin() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed-bulletin.txt");
    let seed = if seed.is_file() {
        seed
    } else {
        // Outside the workplace: the example site's copy has the same text.
        eprintln!("../shared/seed-bulletin.txt missing; using tests/fixtures/import/seed.txt");
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/seed.txt")
    };
    let site = Site::new("base_url = \"https://x.example/\"\n");
    let out = site.run(&["import", &seed.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Imported 1 bulletin"), "{}", stdout(&out));
    site.build(&[]);
    let page = site.page("2020/01/ubnd-tinh-tong-ket-phong-trao-toan-dan-bao-ve-an-ninh-to-quoc-nam-2019/");
    assert_eq!(
        texts(&page, "h1"),
        ["UBND tỉnh tổng kết phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2019"]
    );
    assert_eq!(common::attrs(&page, "article.bulletin time", "datetime"), ["2020-01"]);
    assert_eq!(texts(&page, "a[rel=author]"), ["Xuân Thu"]);
    let paragraphs = texts(&page, ".body p");
    assert_eq!(paragraphs.len(), 4, "{paragraphs:?}");
    assert!(paragraphs[0].starts_with("Ngày 6-1, UBND tỉnh") && paragraphs[3].ends_with("trên địa bàn./."));
    let written =
        std::fs::read_to_string(site.root().join(
            "content/2020/01/ubnd-tinh-tong-ket-phong-trao-toan-dan-bao-ve-an-ninh-to-quoc-nam-2019.md",
        ))
        .expect("file");
    assert!(!written.contains('\u{00D0}') && written.contains("Đồng chí Ngô Gia Tự"));
    // Importing again changes nothing.
    let again = site.run(&["import", &seed.to_string_lossy()]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("already imported"), "{}", stdout(&again));
}

#[test]
fn importing_hugo_jekyll_and_json_lines() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    let out = site.run(&["import", &fixture("hugo"), &fixture("jekyll"), &fixture("records.jsonl")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("Imported 5 bulletin(s)"), "{report}");
    assert!(report.contains("no date") && report.contains("not JSON"), "{report}");
    site.build(&["--drafts"]);
    let hugo = site.page("2020/10/lu-lut-o-mien-trung/");
    assert_eq!(texts(&hugo, "h1"), ["Lũ lụt ở miền Trung"]);
    assert_eq!(common::attrs(&hugo, "article.bulletin time", "datetime"), ["2020-10-12T07:30:00+07:00"]);
    assert_eq!(texts(&hugo, ".tags a"), ["thời tiết", "miền Trung"]);
    assert_eq!(texts(&hugo, ".body strong"), ["lũ lụt"]);
    assert_eq!(texts(&hugo, ".body p").len(), 2);
    let yaml = site.page("2021/03/giao-thong-thong-xe-cau-moi/");
    assert_eq!(texts(&yaml, ".tags a"), ["giao thông", "hạ tầng"]);
    let jekyll = site.page("2019/11/mua-lon-da-nang/");
    assert_eq!(texts(&jekyll, "h1"), ["Mưa lớn ở Đà Nẵng"]);
    assert_eq!(common::attrs(&jekyll, "article.bulletin time", "datetime"), ["2019-11-12"]);
    assert_eq!(texts(&jekyll, "a[rel=author]"), ["Minh Anh"]);
    assert_eq!(texts(&jekyll, ".body p"), ["Nhiều tuyến phố ngập sâu."]);
    // Jekyll's `published: false` becomes a draft.
    let draft = std::fs::read_to_string(site.root().join("content/2019/12/nhap.md")).expect("draft");
    assert!(draft.contains("draft: true"), "{draft}");
    let jsonl = site.page("2024/02/tin-co-ngay/");
    assert_eq!(common::attrs(&jsonl, "article.bulletin time", "datetime"), ["2024-02-07T23:41:00+07:00"]);
    assert_eq!(texts(&jsonl, ".tags a"), ["Israel", "Gaza"]);
    // With a default date the undated record comes in too.
    let out = site.run(&["import", "--default-date", "2015-01", &fixture("records.jsonl")]);
    assert!(stdout(&out).contains("Imported 1 bulletin(s)"), "{}", stdout(&out));
}

#[test]
fn completions_and_man_page() {
    let site = Site::new("");
    for shell in ["bash", "zsh", "fish"] {
        let out = site.run(&["completions", shell]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("bantin"), "{shell}");
    }
    let man = site.run(&["completions", "man"]);
    assert!(stdout(&man).contains(".TH bantin"));
    assert_eq!(site.run(&["completions", "tcsh-ish"]).status.code(), Some(2));
}

#[test]
fn check_finds_each_planted_problem_at_its_line() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    site.write_bytes("content/2020/01/anh.jpg", &common::photo::jpeg(40, 30, 1, false));
    site.write("content/2020/01/a.md", "---\ntitle: A\ndate: 2020-01-01\ntags: [an ninh]\n---\nXem [B](../02/b.md) và [mất](../02/khong-co.md).\n\n![](anh.jpg)\n");
    site.write("content/2020/02/b.md", "---\ntitle: Trùng tên\ndate: 2020-02-01\ntags: [an ninh]\n---\nB.\n");
    site.write(
        "content/2020/02/c.md",
        "---\ntitle: Trùng tên\ndate: 2020-02-01 09:00\ntags: [An Ninh]\n---\nC.\n",
    );
    site.write("content/2020/02/d.md", "---\ntitle: Tương lai\ndate: 2999-01-01\ntags: [an nình]\n---\nD.\n");
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only: {err}");
    for (needle, place) in [
        ("the link to ../02/khong-co.md points to no bulletin", "content/2020/01/a.md:6:24"),
        ("the image anh.jpg has no alt text", "content/2020/01/a.md:8:1"),
        ("the same title as content/2020/02/c.md on 2020-02-01", "content/2020/02/b.md:2:1"),
        ("the same title as content/2020/02/b.md on 2020-02-01", "content/2020/02/c.md:2:1"),
        ("dated in the future (2999-01-01)", "content/2020/02/d.md:3:1"),
        ("the tag \"An Ninh\" differs only by case or marks", "content/2020/02/c.md:4:1"),
        ("the tag \"an nình\" differs only by case or marks", "content/2020/02/d.md:4:1"),
    ] {
        let at = err.find(needle).unwrap_or_else(|| panic!("missing {needle:?} in:\n{err}"));
        let after = &err[at..];
        let place_line = after.lines().nth(1).unwrap_or("");
        assert!(place_line.contains(place), "{needle}: expected {place}, got {place_line}");
    }
    assert!(!err.contains("../02/b.md points"), "an existing link is fine");
    // (Two same titles no longer want one URL: URLs come from file names.)
    assert!(stdout(&out).contains("check: 0 error(s), 7 warning(s) in 4 file(s)"), "{}", stdout(&out));
    // Grouped by file, and nothing written.
    assert!(err.contains("── content/2020/01/a.md"));
    assert!(!site.public().exists());
    // --strict: the same warnings fail the check.
    assert_eq!(site.run(&["check", "--strict"]).status.code(), Some(1));
    // Errors a build would report are reported too.
    site.write("content/2020/02/e.md", "---\ntitle: E\ndate: 2020-02-05\ntgas: [x]\n---\n");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/2020/02/e.md:4:1"), "{}", stderr(&out));
}

#[test]
fn check_warns_of_shapes_that_parse_but_are_mistakes_and_feeds_cut_a_huge_body() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    site.write("content/2020/01/phay.md", "---\ntitle: Tin\ndate: 2020-01-01\nauthor: \"Minh Anh, Quốc Bảo\"\ntags: \"kinh tế, Đà Nẵng\"\n---\nX.\n");
    site.write("content/2020/01/thang.md", "---\ntitle: Tin #1 hôm nay\ndate: 2020-01-01\n---\nX.\n");
    // A Hugo shortcode pasted from the old site.
    site.write(
        "content/2020/01/hugo.md",
        "---\ntitle: Video\ndate: 2020-01-01\n---\nXem.\n\n{{< youtube w7Ejrb8jv5M >}}\n",
    );
    // A document beside the bulletin is published with it; a link to one that is not there,
    // or to a web address without https://, is said to lead nowhere.
    site.write(
        "content/2020/01/van-ban.md",
        "---\ntitle: Văn bản\ndate: 2020-01-01\n---\nXem [toàn văn](quyet-dinh.pdf), [phụ lục](phu-luc.docx), [báo](www.baochinhphu.vn/x), [thư](toasoan@baochinhphu.vn).\n",
    );
    site.write("content/2020/01/quyet-dinh.pdf", "%PDF-1.4");
    // A byline crediting its sources in brackets, as Vietnamese papers do, is one author.
    site.write(
        "content/2020/01/theo.md",
        "---\ntitle: Tin thế giới\ndate: 2020-01-01\nauthor: \"Vũ Hoàng (Theo AFP, Reuters)\"\n---\nX.\n",
    );
    let long = "Tiêu đề rất dài ".repeat(16);
    site.write("content/2020/01/dai.md", &format!("---\ntitle: \"{long}\"\ndate: 2020-01-02\n---\nX.\n"));
    // A bulletin `new` wrote and nobody filled in.
    let out = site.run(&["new", "Tin chưa viết"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let huge = "Đoạn văn dán nhầm nhiều lần. ".repeat(50_000);
    site.write(
        "content/2020/01/to.md",
        &format!("---\ntitle: Tin quá lớn\ndate: 2020-01-03\nsummary: Tóm tắt ngắn.\n---\n{huge}\n"),
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "warnings only: {err}");
    for (needle, place) in [
        ("the author \"Minh Anh, Quốc Bảo\" holds a comma", "content/2020/01/phay.md:4:9"),
        ("the tag \"kinh tế, Đà Nẵng\" holds a comma", "content/2020/01/phay.md:5:7"),
        ("the title is 255 characters long", "content/2020/01/dai.md:2:8"),
        ("the linked file `phu-luc.docx` is not there", "content/2020/01/van-ban.md:5:33"),
        (
            "the link to www.baochinhphu.vn/x leads to nothing the site publishes",
            "content/2020/01/van-ban.md:5:58",
        ),
        ("the body still holds the text `bantin new` wrote", "tin-chua-viet.md:"),
        ("the file is 1953 KB", "content/2020/01/to.md"),
        (
            "`title` ends at \"Tin\": YAML reads ` #` and what follows as a comment",
            "content/2020/01/thang.md:2:12",
        ),
    ] {
        let at = err.find(needle).unwrap_or_else(|| panic!("missing {needle:?} in:\n{err}"));
        let place_line = err[at..].lines().nth(1).unwrap_or("");
        assert!(place_line.contains(place), "{needle}: expected {place}, got {place_line}");
    }
    assert!(err.contains("`tags: [kinh tế, Đà Nẵng]`"), "the fix is shown: {err}");
    assert!(!err.contains("Theo AFP"), "{err}");
    assert!(!err.contains("quyet-dinh.pdf`"), "a file that is there is not warned of: {err}");
    assert!(err.contains("write it (https://www.baochinhphu.vn/x)"), "{err}");
    assert!(err.contains("write it (mailto:toasoan@baochinhphu.vn)"), "{err}");
    assert!(err.contains("title: \"Tin #1 hôm nay\""), "the fix is shown: {err}");
    assert_eq!(site.run(&["check", "--strict"]).status.code(), Some(1));
    // Built: the huge body is in its page, but every full-text feed carries its summary and a link.
    site.build(&[]);
    let atom = std::fs::read_to_string(site.public().join("atom.xml")).expect("atom");
    assert!(atom.len() < 100_000, "the feed is {} bytes", atom.len());
    assert!(
        atom.contains("Tóm tắt ngắn.") && atom.contains("https://x.example/2020/01/to/"),
        "summary and link"
    );
    // A broken front matter in one file hides nothing about the others.
    site.write(
        "content/2020/02/hong.md",
        "---\ntitle: Hỏng\ndate: 2020-02-30\n---\nXem [mất](../01/khong-co.md).\n",
    );
    site.write(
        "content/2020/02/lien-ket.md",
        "---\ntitle: Liên kết\ndate: 2020-02-01\n---\nXem [mất](../01/khong-co.md).\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("content/2020/02/hong.md:3:7"), "{err}");
    assert!(
        err.contains("the link to ../01/khong-co.md points to no bulletin")
            && err.contains("content/2020/02/lien-ket.md:5:"),
        "{err}"
    );
}

#[test]
fn importing_categories_fills_sections_and_keeps_the_rest_as_tags() {
    let site = Site::new(
        "base_url = \"https://x.example/\"\n[[sections]]\nname = \"Thời sự\"\n[[sections]]\nname = \"Kinh tế\"\n",
    );
    let src = site.root().join("jekyll");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(
        src.join("2020-03-04-gia-lua.md"),
        "---\ntitle: \"Giá lúa tăng\"\ncategory: kinh te\ntags: [nông nghiệp]\n---\nGiá lúa tăng.\n",
    )
    .expect("write");
    std::fs::write(
        src.join("2020-03-05-hop.md"),
        "---\ntitle: \"Họp báo\"\ncategories: [Sự kiện, Thời sự]\n---\nHọp.\n",
    )
    .expect("write");
    std::fs::write(
        src.join("2020-03-06-khac.md"),
        "---\ntitle: \"Khác\"\ncategories: [Sự kiện]\n---\nKhác.\n",
    )
    .expect("write");
    let out = site.run(&["import", &src.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let gia = std::fs::read_to_string(site.root().join("content/2020/03/gia-lua.md")).expect("imported");
    assert!(gia.contains("section: Kinh tế"), "{gia}");
    let hop = std::fs::read_to_string(site.root().join("content/2020/03/hop.md")).expect("imported");
    assert!(hop.contains("section: Thời sự") && hop.contains("Sự kiện"), "{hop}");
    site.build(&[]);
    assert_eq!(texts(&site.page("kinh-te/"), ".card-title"), ["Giá lúa tăng"]);
    assert_eq!(
        texts(&site.page("2020/03/khac/"), ".tags a"),
        ["Sự kiện"],
        "no section: the category stays a tag"
    );
}

#[test]
fn importing_a_zola_or_hugo_site_keeps_its_addresses_and_names_what_it_leaves() {
    let site = Site::new("base_url = \"https://x.example/\"\n[[sections]]\nname = \"Thời sự\"\n");
    // A Zola site: TOML front matter, taxonomies, a page bundle with its own `path`, and the
    // section's own page.
    site.write("old/zola/config.toml", "base_url = \"https://tin.example\"\n");
    site.write("old/zola/content/Tin Tức/_index.md", "+++\ntitle = \"Tin tức\"\n+++\n");
    site.write(
        "old/zola/content/Tin Tức/2021-03-05-cau-moi.md",
        "+++\ntitle = \"Cầu mới thông xe\"\ndate = 2021-03-05\nweight = 3\naliases = [\"/cu/cau-moi/\"]\n\
         [taxonomies]\ntags = [\"giao thông\"]\ncategories = [\"Thời sự\"]\nauthors = [\"Minh Anh\"]\nvung = [\"Đà Nẵng\"]\n\
         [extra]\ntoc = true\n+++\nCầu mới thông xe. Xem [bão](<@/Tin Tức/bao/index.md#tam-bao>).\n",
    );
    site.write(
        "old/zola/content/Tin Tức/bao/index.md",
        "---\ntitle: Bão số 9\ndate: 2021-10-01\npath: tin/bao-so-9\n---\nBão vào.\n",
    );
    // A Hugo site: a relative alias is under the page's section; a `url` that is the very
    // address the bulletin now has is not an old one.
    site.write("old/hugo/hugo.toml", "baseURL = 'https://h.example/'\n");
    // The site's machinery is not read: only its content/.
    site.write("old/hugo/archetypes/default.md", "---\ntitle: \"{{ .Name }}\"\ndate: {{ .Date }}\n---\n");
    site.write(
        "old/hugo/themes/t/exampleSite/content/mau.md",
        "---\ntitle: Mẫu\ndate: 2020-01-01\n---\nMẫu.\n",
    );
    site.write("old/hugo/README.md", "# Trang\n");
    // A Hugo site with its own permalinks.
    site.write("old/hugo2/hugo.yaml", "permalinks:\n  tin: /:year/:month/:day/:title/\n");
    site.write(
        "old/hugo2/content/tin/dong-dat.md",
        "---\ntitle: Động đất 6,7 độ\ndate: 2021-05-02\n---\nRung.\n",
    );
    site.write(
        "old/hugo/content/posts/Mua-Lon.md",
        "---\ntitle: Mưa lớn\ndate: 2021-04-02\naliases: [mua-cu, \"https://h.example/tin-t%E1%BB%A9c/mua.html\"]\nseries: [mùa mưa]\n---\n\
         Mưa. [Cầu]({{< ref \"2021-03-05-cau-moi\" >}}), [mưa nữa](khac/mua-lon.md), [trùng nữa]({{< relref \"/posts/trung\" >}}).\n",
    );
    // Another page of that name in that month: its bulletin is `mua-lon-2.md`, and links to
    // it lead there.
    site.write("old/hugo/content/posts/khac/mua-lon.md", "---\ntitle: Mưa lớn\ndate: 2021-04-02\n---\nY.\n");
    site.write(
        "old/hugo/content/posts/trung.md",
        "---\ntitle: Trùng\ndate: 2021-04-03\nurl: /2021/04/trung/\n---\nX.\n",
    );
    let out = site.run(&["import", &site.root().join("old").to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (report, warnings) = (stdout(&out), stderr(&out));
    assert!(report.contains("Imported 6 bulletin(s)"), "{report}");
    assert!(report.contains("1 × a section's own page (`_index.md`), not a bulletin"), "{report}");
    // What was left behind is named, with how many bulletins had it.
    for key in ["`weight` (1 bulletin)", "`extra.toc` (1 bulletin)", "`series` (1 bulletin)"] {
        assert!(warnings.contains(key), "{key} in {warnings}");
    }
    assert!(!warnings.contains("`taxonomies`") && !warnings.contains("`aliases`"), "{warnings}");
    assert!(!warnings.contains("shortcode"), "the ref shortcodes became links: {warnings}");
    let trung = std::fs::read_to_string(site.root().join("content/2021/04/trung.md")).expect("imported");
    assert!(!trung.contains("aliases"), "{trung}");
    // Links between the imported pages lead to the bulletins they became.
    let built = site.build(&[]);
    assert!(!stderr(&built).contains("points to no bulletin"), "{}", stderr(&built));
    let links = |rel: &str| -> Vec<String> {
        let from = site.public().join(rel).join("index.html");
        common::attrs(&site.page(rel), ".body a", "href")
            .iter()
            .map(|href| {
                let to = common::resolve_link(&site.public(), &from, href).expect("a page of the site");
                let to = to.strip_prefix(site.public()).expect("inside").to_string_lossy().into_owned();
                format!("{to}{}", href.find('#').map_or("", |at| &href[at..]))
            })
            .collect()
    };
    assert_eq!(links("2021/03/cau-moi/"), ["2021/10/bao-so-9/index.html#tam-bao"]);
    assert_eq!(
        links("2021/04/mua-lon/"),
        ["2021/03/cau-moi/index.html", "2021/04/mua-lon-2/index.html", "2021/04/trung/index.html"]
    );
    // Imported again: nothing changes.
    let again = site.run(&["import", &site.root().join("old").to_string_lossy()]);
    assert!(
        stdout(&again).contains("Imported 0 bulletin(s)") && stdout(&again).contains("6 × already imported"),
        "{}",
        stdout(&again)
    );
    let cau = site.page("2021/03/cau-moi/");
    assert_eq!(texts(&cau, ".tags a"), ["giao thông", "Đà Nẵng"]);
    assert_eq!(texts(&cau, "a[rel=author]"), ["Minh Anh"]);
    assert_eq!(texts(&site.page("thoi-su/"), ".card-title"), ["Cầu mới thông xe"]);
    // Every address the pages had leads to the bulletin now: Zola's default (its folders and
    // file name made slugs, the date left out), the aliases and `path` written, Hugo's default
    // (lower-cased) and its relative and whole-address aliases.
    let leads = |old: &str, to: &str| {
        let page = site.page(old);
        let canonical = common::attrs(&page, "link[rel=canonical]", "href");
        assert_eq!(canonical, [format!("https://x.example/{to}")], "{old}");
    };
    leads("tin-tuc/cau-moi/", "2021/03/cau-moi/");
    leads("cu/cau-moi/", "2021/03/cau-moi/");
    leads("tin/bao-so-9/", "2021/10/bao-so-9/");
    leads("posts/mua-lon/", "2021/04/mua-lon/");
    leads("posts/mua-cu/", "2021/04/mua-lon/");
    leads("2021/05/02/động-đất-67-độ/", "2021/05/dong-dat-6-7-do/");
    let page = std::fs::read_to_string(site.public().join("tin-tức/mua.html")).expect("whole-address alias");
    assert!(page.contains("https://x.example/2021/04/mua-lon/"), "{page}");
    assert!(!site.public().join("tin-tuc/bao").exists(), "a page with its own `path` had no other address");
}

#[test]
fn importing_a_jekyll_site_keeps_its_post_urls_and_links() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    // The `date` style (Jekyll's default when `_config.yml` sets none): categories (the
    // folder above `_posts/`, then the front matter's), date, title and `.html`.
    site.write("old/blog/_config.yml", "title: Báo\n");
    site.write(
        "old/blog/tin/_posts/2019-11-12-mua-lon.md",
        "---\ntitle: Mưa lớn\ncategory: Kinh-Te\n---\nMưa. Xem [bão]({% post_url 2019-11-13-bao %}).\n",
    );
    site.write("old/blog/_posts/2019-11-13-bao.md", "---\ntitle: Bão\npermalink: /bao-so-9/\n---\nBão.\n");
    // Its pages, its generated _site/ and its layouts are not posts.
    site.write("old/blog/about.md", "---\ntitle: Giới thiệu\ndate: 2019-01-01\n---\nBáo.\n");
    site.write("old/blog/tin/index.md", "---\ntitle: Tin\ndate: 2019-01-01\n---\nTin.\n");
    site.write("old/blog/_site/tin/x.md", "---\ntitle: X\ndate: 2019-01-01\n---\nX.\n");
    let out = site.run(&["import", &site.root().join("old").to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not kept"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Imported 2 bulletin(s)") && !stdout(&out).contains("Skipped"),
        "{}",
        stdout(&out)
    );
    site.build(&[]);
    let canonical = |old: &str| common::attrs(&site.page(old), "link[rel=canonical]", "href");
    let redirect =
        std::fs::read_to_string(site.public().join("tin/kinh-te/2019/11/12/mua-lon.html")).expect("old URL");
    assert!(redirect.contains("https://x.example/2019/11/mua-lon/"), "{redirect}");
    assert_eq!(canonical("bao-so-9/"), ["https://x.example/2019/11/bao/"]);
    let page = site.page("2019/11/mua-lon/");
    assert_eq!(common::attrs(&page, ".body a", "href"), ["../../../2019/11/bao/"]);
}

#[test]
fn imported_pages_that_share_a_slug_or_an_old_url_still_build() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    for (name, title) in [("a.md", "Một"), ("b.md", "Hai")] {
        site.write(
            &format!("old/{name}"),
            &format!("---\ntitle: {title}\ndate: 2020-05-01\nslug: tin\naliases: [/cu/, /2020/05/tin/]\n---\n{title}.\n"),
        );
    }
    let out = site.run(&["import", &site.root().join("old").to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let second = std::fs::read_to_string(site.root().join("content/2020/05/tin-2.md")).expect("numbered");
    assert!(second.contains("slug: tin-2") && !second.contains("/cu/"), "{second}");
    let err = stderr(&out);
    assert!(err.contains("its old URL /cu/ was also") && err.contains("which keeps it"), "{err}");
    let built = site.build(&[]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert_eq!(texts(&site.page("2020/05/tin-2/"), "h1"), ["Hai"]);
    assert_eq!(
        common::attrs(&site.page("cu/"), "link[rel=canonical]", "href"),
        ["https://x.example/2020/05/tin/"]
    );
}

#[test]
fn importing_a_wordpress_export() {
    let site = Site::new("base_url = \"https://x.example/\"\n[[sections]]\nname = \"Thời sự\"\n");
    site.write(
        "old/baotinh.WordPress.2024-01-01.xml",
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:author><wp:author_login><![CDATA[bientap]]></wp:author_login><wp:author_display_name><![CDATA[Xuân Thu]]></wp:author_display_name></wp:author>
<item>
<title><![CDATA[Khánh thành cầu &amp; đường]]></title>
<link>https://baotinh.example/2021/03/05/khanh-thanh-cau/</link>
<dc:creator><![CDATA[bientap]]></dc:creator>
<category domain="category" nicename="thoi-su"><![CDATA[Thời sự]]></category>
<category domain="post_tag" nicename="giao-thong"><![CDATA[giao thông]]></category>
<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>Cầu mới thông xe sáng nay.</p>
<!-- /wp:paragraph -->

[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]]]></content:encoded>
<excerpt:encoded><![CDATA[Cầu &amp; đường mới.]]></excerpt:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_date><![CDATA[2021-03-05 08:30:00]]></wp:post_date>
<wp:post_name><![CDATA[khanh-thanh-cau]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
</item>
<item><title>Giới thiệu</title><wp:post_id>2</wp:post_id><wp:post_type>page</wp:post_type></item>
</channel>
</rss>"#,
    );
    let out = site.run(&["import", &site.root().join("old").to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Imported 1 bulletin(s)"), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 × a WordPress page (not a post)"), "{}", stdout(&out));
    site.build(&[]);
    let page = site.page("2021/03/khanh-thanh-cau/");
    assert_eq!(texts(&page, "h1"), ["Khánh thành cầu & đường"]);
    assert_eq!(texts(&page, "a[rel=author]"), ["Xuân Thu"]);
    assert_eq!(texts(&page, ".tags a"), ["giao thông"]);
    assert_eq!(common::attrs(&page, "article.bulletin time", "datetime"), ["2021-03-05T08:30:00+07:00"]);
    assert_eq!(common::attrs(&page, "meta[name=description]", "content"), ["Cầu & đường mới."]);
    assert_eq!(texts(&page, ".body p"), ["Cầu mới thông xe sáng nay."]);
    assert_eq!(page.select(&scraper::Selector::parse(".body figure.video").expect("css")).count(), 1);
    assert_eq!(texts(&site.page("thoi-su/"), ".card-title"), ["Khánh thành cầu & đường"]);
    // Its WordPress address leads to it.
    assert_eq!(
        common::attrs(&site.page("2021/03/05/khanh-thanh-cau/"), "link[rel=canonical]", "href"),
        ["https://x.example/2021/03/khanh-thanh-cau/"]
    );
}

#[test]
fn importing_a_wordpress_site_copy_brings_its_uploaded_pictures() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    // A copy of the WordPress site: its uploads, and the export beside them.
    site.write_bytes("old/wp-content/uploads/2021/03/cau-moi.jpg", &common::photo::jpeg(160, 100, 1, true));
    site.write_bytes(
        "old/wp-content/uploads/2021/03/le-cat-bang.jpg",
        &common::photo::jpeg(120, 80, 1, true),
    );
    site.write(
        "old/export.xml",
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<item>
<title>Cầu mới</title>
<content:encoded><![CDATA[<p>Thông xe.</p>
<figure class="wp-block-image"><img src="https://baotinh.example/wp-content/uploads/2021/03/le-cat-bang.jpg" alt="" class="wp-image-9"/><figcaption>Lễ cắt băng. Ảnh: <em>A</em></figcaption></figure>
<p><a href="https://baotinh.example/wp-content/uploads/2021/03/khong-co.jpg"><img src="https://baotinh.example/wp-content/uploads/2021/03/khong-co.jpg" alt="Không có" /></a></p>
<p>Chữ <img src="https://baotinh.example/x.png" alt="" /> giữa dòng.</p>]]></content:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_date>2021-03-05 08:30:00</wp:post_date>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>7</wp:meta_value></wp:postmeta>
</item>
<item><title>Ảnh</title><wp:post_id>7</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://baotinh.example/wp-content/uploads/2021/03/cau-moi.jpg</wp:attachment_url></item>
</channel>
</rss>"#,
    );
    let out = site.run(&["import", &site.root().join("old/export.xml").to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.root().join("content/2021/03/cau-moi.md")).expect("imported");
    // Found here: copied beside the bulletin. Not here: left at its web address.
    assert!(text.contains("image: cau-moi-cau-moi.jpg"), "{text}");
    assert!(
        text.contains("![Lễ cắt băng. Ảnh: A](<cau-moi-le-cat-bang.jpg> \"Lễ cắt băng. Ảnh: A\")"),
        "{text}"
    );
    assert!(
        text.contains("![Không có](<https://baotinh.example/wp-content/uploads/2021/03/khong-co.jpg>)"),
        "{text}"
    );
    assert!(text.contains("<p>Chữ <img src=\"https://baotinh.example/x.png\""), "{text}");
    assert!(site.root().join("content/2021/03/cau-moi-le-cat-bang.jpg").is_file());
    site.build(&[]);
    let page = site.page("2021/03/cau-moi/");
    assert_eq!(common::attrs(&page, "figure.lead img", "width"), ["160"]);
    assert_eq!(texts(&page, ".body figcaption"), ["Lễ cắt băng. Ảnh: A"]);
    assert_eq!(common::attrs(&page, ".body figure img", "width"), ["120"]);
}

#[test]
fn importing_a_wordpress_gallery_and_recording_brings_their_files() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    site.write_bytes("old/wp-content/uploads/2021/03/dua-ghe.jpg", &common::photo::jpeg(160, 100, 1, true));
    site.write_bytes("old/wp-content/uploads/2021/03/co-vu.jpg", &common::photo::jpeg(120, 80, 1, true));
    site.write_bytes("old/wp-content/uploads/2021/03/Bản tin.mp3", b"ID3 recording");
    let upload = |id: u32, name: &str, order: u32, caption: &str| {
        format!(
            "<item><title>{name}</title><wp:post_id>{id}</wp:post_id><wp:post_parent>12</wp:post_parent><wp:menu_order>{order}</wp:menu_order><wp:post_type>attachment</wp:post_type><excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded><wp:attachment_url>https://baotinh.example/wp-content/uploads/2021/03/{name}</wp:attachment_url></item>"
        )
    };
    let export = format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<item>
<title>Đua ghe</title>
<content:encoded><![CDATA[<p>Lễ hội.</p>
[gallery columns="2" link="file"]
<p>Nghe lại:</p>
[audio mp3="https://baotinh.example/wp-content/uploads/2021/03/B%E1%BA%A3n%20tin.mp3"][/audio]
[gallery ids="99"]]]></content:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_date>2021-03-05 08:30:00</wp:post_date>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
</item>
{}
{}
</channel>
</rss>"#,
        upload(21, "dua-ghe.jpg", 2, "Các đội ghe tranh tài"),
        upload(22, "co-vu.jpg", 1, "Người dân cổ vũ"),
    );
    site.write("old/export.xml", &export);
    let out = site.run(&["import", &site.root().join("old/export.xml").to_string_lossy()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // A gallery of uploads the export lacks is named, with its post.
    assert!(
        err.contains(
            "post 12: the WordPress shortcode [gallery] is left as it was: the export has no upload 99"
        ),
        "{err}"
    );
    let text = std::fs::read_to_string(site.root().join("content/2021/03/dua-ghe.md")).expect("imported");
    // The gallery's pictures in the post's order, each captioned; the recording a link alone.
    let cheer = text.find("![Người dân cổ vũ](<dua-ghe-co-vu.jpg> \"Người dân cổ vũ\")");
    let race = text.find("![Các đội ghe tranh tài](<dua-ghe-dua-ghe.jpg> \"Các đội ghe tranh tài\")");
    assert!(cheer.is_some() && race.is_some() && cheer < race, "{text}");
    assert!(text.contains("\n\n[Bản tin.mp3](<dua-ghe-ban-tin.mp3>)\n\n"), "{text}");
    assert!(site.root().join("content/2021/03/dua-ghe-ban-tin.mp3").is_file());
    site.build(&[]);
    let page = site.page("2021/03/dua-ghe/");
    assert_eq!(texts(&page, ".body figure.photo figcaption"), ["Người dân cổ vũ", "Các đội ghe tranh tài"]);
    assert_eq!(
        page.select(&scraper::Selector::parse("figure.audio span.audio-play").expect("css")).count(),
        1
    );
}

#[test]
fn importing_keeps_pictures_beside_the_imported_bulletin() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    let src = site.root().join("old");
    let photo = common::photo::jpeg(200, 120, 1, true);
    // A Hugo page bundle with `images:` and a body picture, both beside its index.md.
    site.write_bytes("old/hugo/content/posts/cau-moi/cover.jpg", &photo);
    site.write_bytes("old/hugo/content/posts/cau-moi/Cau Moi 2.JPG", &common::photo::jpeg(90, 60, 6, false));
    site.write(
        "old/hugo/content/posts/cau-moi/index.md",
        "---\ntitle: Cầu mới thông xe\ndate: 2021-03-02\nimages: [cover.jpg]\n---\nChữ.\n\n![Cầu mới](<Cau Moi 2.JPG> \"Cầu mới. Ảnh: A\")\n\nXem [quyết định](<Quyết định.pdf#page=2>).\n\n{{< youtube w7Ejrb8jv5M >}}\n\n{{< notice >}}Lưu ý{{< /notice >}}\n",
    );
    // The bundle's document, linked: it comes along as the bulletin's attachment.
    site.write("old/hugo/content/posts/cau-moi/Quyết định.pdf", "%PDF-1.4 quyet dinh");
    // A Jekyll post whose picture is under the site's assets/, site-rooted.
    site.write_bytes("old/jekyll/assets/img/mua.jpg", &photo);
    site.write(
        "old/jekyll/_posts/2021-04-05-mua-lon.md",
        "---\ntitle: Mưa lớn\nimage: /assets/img/mua.jpg\n---\nMưa.\n\n![Mưa](/assets/img/mua.jpg)\n\n![Mất](/khong/co.jpg)\n",
    );
    let out = site.run(&["import", &src.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("/khong/co.jpg was not found"), "{}", stderr(&out));
    let cau =
        std::fs::read_to_string(site.root().join("content/2021/03/cau-moi-thong-xe.md")).expect("imported");
    assert!(cau.contains("image: cau-moi-thong-xe-cover.jpg"), "{cau}");
    assert!(cau.contains("(<cau-moi-thong-xe-cau-moi-2.jpg> \"Cầu mới. Ảnh: A\")"), "{cau}");
    assert!(site.root().join("content/2021/03/cau-moi-thong-xe-cover.jpg").is_file());
    assert!(cau.contains("[quyết định](<cau-moi-thong-xe-quyet-dinh.pdf#page=2>)"), "{cau}");
    // Hugo's shortcodes: a video's becomes its address; one bantin cannot write is named.
    assert!(cau.contains("\n\nhttps://www.youtube.com/watch?v=w7Ejrb8jv5M\n\n"), "{cau}");
    assert!(
        stderr(&out).contains("index.md: line 9: the shortcode {{< notice >}} is left as it was"),
        "{}",
        stderr(&out)
    );
    let mua = std::fs::read_to_string(site.root().join("content/2021/04/mua-lon.md")).expect("imported");
    assert!(mua.contains("image: mua-lon-mua.jpg") && mua.contains("![Mưa](mua-lon-mua.jpg)"), "{mua}");
    // The missing one is still named, so the build says where: the import does not hide it.
    let out = site.run(&["build"]);
    assert!(
        stderr(&out).contains("content/2021/04/mua-lon.md") && stderr(&out).contains("/khong/co.jpg"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        site.root().join("content/2021/04/mua-lon.md"),
        mua.replace("\n\n![Mất](/khong/co.jpg)", ""),
    )
    .expect("fix");
    site.build(&[]);
    let page = site.page("2021/03/cau-moi-thong-xe/");
    assert_eq!(common::attrs(&page, ".body figure img", "width"), ["90"]);
    assert_eq!(texts(&page, ".body figcaption"), ["Cầu mới. Ảnh: A"]);
    assert_eq!(common::attrs(&site.page("2021/04/mua-lon/"), "figure.lead img", "width"), ["200"]);
    let links = common::attrs(&page, ".body a", "href");
    let pdf = links.iter().find(|h| h.contains(".pdf")).expect("the document is linked");
    let file =
        common::resolve_link(&site.public(), &site.public().join("2021/03/cau-moi-thong-xe/index.html"), pdf);
    assert_eq!(file.map(|f| std::fs::read(f).ok()), Some(Some(b"%PDF-1.4 quyet dinh".to_vec())), "{pdf}");
}
