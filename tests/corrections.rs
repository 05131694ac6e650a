//! Correction notices ("Thông tin cải chính"): shown on the bulletin, dated, in its JSON-LD
//! (`correction`, `dateModified`) and its feed entry's `updated`, and listed newest first on
//! the corrections page; a malformed notice is an error at its line.

mod common;

use common::{Site, attrs, stderr, texts};

fn site() -> Site {
    let site = Site::new("title = \"Tin\"\nbase_url = \"https://tin.example/\"\n");
    site.bulletin(
        "2020/01/hop-hdnd.md",
        "title: \"Họp HĐND tỉnh\"\ndate: 2020-01-06 08:30\ncorrections:\n  - date: 2020-01-07 09:00\n    text: \"Sửa tên đại biểu: Nguyễn Văn A.\"\n  - {date: 2020-01-09, text: \"Sửa số liệu ngân sách.\"}",
        "Nội dung.",
    );
    site.bulletin(
        "2020/01/mua-lon.md",
        "title: \"Mưa lớn\"\ndate: 2020-01-05\ncorrections: [{date: 2020-01-08 10:00, text: \"Sửa tên xã.\"}]",
        "Mưa.",
    );
    site.bulletin("2020/01/khac.md", "title: \"Tin khác\"\ndate: 2020-01-04", "Khác.");
    site
}

#[test]
fn a_correction_shows_on_its_bulletin_in_its_metadata_and_on_the_corrections_page() {
    let site = site();
    site.build(&[]);
    let page = site.page("2020/01/hop-hdnd/");
    assert_eq!(texts(&page, ".corrections h2"), ["Thông tin cải chính"]);
    let notices = texts(&page, ".corrections li");
    assert_eq!(notices.len(), 2);
    assert!(notices[0].contains("Nguyễn Văn A") && notices[1].contains("ngân sách"), "{notices:?}");
    assert_eq!(attrs(&page, ".corrections li time", "datetime"), ["2020-01-07T09:00:00+07:00", "2020-01-09"]);
    // JSON-LD: a CorrectionComment per notice, and the last one is when it was modified.
    let ld: serde_json::Value =
        serde_json::from_str(&texts(&page, "script[type=\"application/ld+json\"]").concat())
            .expect("json-ld");
    let corrections = ld["correction"].as_array().expect("correction");
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["@type"], "CorrectionComment");
    assert_eq!(corrections[1]["text"], "Sửa số liệu ngân sách.");
    assert_eq!(ld["dateModified"], "2020-01-09T00:00:00+07:00");
    assert_eq!(
        attrs(&page, "meta[property=\"article:modified_time\"]", "content"),
        ["2020-01-09T00:00:00+07:00"]
    );
    // The feed entry is updated then too.
    let atom = std::fs::read(site.public().join("atom.xml")).expect("atom");
    let feed = feed_rs::parser::parse(&atom[..]).expect("atom parses");
    let entry = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content == "Họp HĐND tỉnh"))
        .expect("entry");
    assert_eq!(entry.updated.map(|u| u.to_rfc3339()), Some("2020-01-08T17:00:00+00:00".into()));
    // A bulletin without notices shows none.
    assert!(texts(&site.page("2020/01/khac/"), ".corrections").is_empty());
    // The corrections page: every notice, newest first, each linking to its bulletin.
    let list = site.page("corrections/");
    let items = texts(&list, ".correction-list li");
    assert_eq!(items.len(), 3);
    assert!(
        items[0].contains("ngân sách") && items[1].contains("tên xã") && items[2].contains("Nguyễn Văn A"),
        "{items:?}"
    );
    assert_eq!(attrs(&list, ".correction-list a", "href")[1], "../2020/01/mua-lon/");
}

#[test]
fn a_malformed_correction_is_an_error_at_its_line() {
    let site = Site::new("title = \"Tin\"\n");
    site.bulletin("a.md", "title: \"A\"\ndate: 2020-01-01\ncorrections: [{date: 2020-01-02}]", "x");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/a.md:4:") && err.contains("`corrections`"), "{err}");
    site.bulletin("a.md", "title: \"A\"\ndate: 2020-01-01\ncorrections: [{date: hôm qua, text: Sửa.}]", "x");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/a.md:4:"), "{}", stderr(&out));
}
