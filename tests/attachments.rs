//! Attachments, end to end: a file a bulletin links beside it (a PDF of a decision, a
//! spreadsheet, the original of a photo) is published under files/, once however many
//! bulletins link it, and every link to it, on the page and in the feeds, leads to its bytes;
//! a linked picture loses its camera's metadata; a changed file is published again and one no
//! longer linked goes, as in a clean build; a link to a file that is not there is a warning at
//! its line; two files one address would take are an error naming both.

mod common;

use std::path::Path;

use common::photo::{SERIAL, jpeg};
use common::{Site, attrs, resolve_link, snapshot, stderr};

const SITE: &str = "base_url = \"https://tin.example/tin-tuc/\"\n";

/// The file each link of the bulletin body on `page` (under public/) leads to, by its words
/// (without the file's note).
fn linked(site: &Site, page: &str) -> Vec<(String, std::path::PathBuf)> {
    notes(site, page).into_iter().map(|(text, path, _)| (text, path)).collect()
}

/// Each link of the bulletin body on `page`: its words, the file it leads to, and the note
/// at its end ("PDF, 29 B"), if any.
fn notes(site: &Site, page: &str) -> Vec<(String, std::path::PathBuf, Option<String>)> {
    let doc = site.page(page);
    let selector = scraper::Selector::parse("article a[href]").expect("selector");
    let note_of = scraper::Selector::parse("span.file-note").expect("selector");
    let from = site.public().join(page).join("index.html");
    doc.select(&selector)
        .filter_map(|a| {
            let href = a.value().attr("href")?;
            let note = a.select(&note_of).next().map(|n| n.text().collect::<String>());
            let text = a.text().collect::<String>();
            let words = match &note {
                Some(n) => text.strip_suffix(n.as_str()).map(str::trim_end).unwrap_or(&text).to_string(),
                None => text,
            };
            resolve_link(&site.public(), &from, href).map(|p| (words, p, note))
        })
        .collect()
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn linked_files_are_published_and_every_link_leads_to_their_bytes() {
    let site = Site::new(SITE);
    let pdf = b"%PDF-1.4\n% quyet dinh so 12\n".to_vec();
    site.write_bytes("content/2025/07/Quyết định số 12.pdf", &pdf);
    site.write_bytes("content/2025/07/so-lieu/Bảng.XLSX", b"PK\x03\x04 bang so lieu");
    site.write_bytes("content/2025/07/anh-goc.jpg", &jpeg(64, 48, 1, true));
    site.bulletin(
        "2025/07/quyet-dinh.md",
        "title: Tỉnh ban hành quyết định\ndate: 2025-07-01",
        "Toàn văn: [quyết định](<Quyết định số 12.pdf>), [trang 2](<Quyết định số 12.pdf#page=2>).\n\n\
         Số liệu: [bảng](so-lieu/Bảng.XLSX). Ảnh: [ảnh gốc](anh-goc.jpg).",
    );
    // Another bulletin links the same file from another folder.
    site.bulletin(
        "2025/08/tiep-theo.md",
        "title: Tiếp theo quyết định\ndate: 2025-08-01",
        "Xem lại [quyết định](../07/Quyết%20định%20số%2012.pdf).",
    );
    site.build(&[]);

    let links = linked(&site, "2025/07/quyet-dinh/");
    let find = |text: &str| links.iter().find(|(t, _)| t == text).map(|(_, p)| p.clone());
    let decision = find("quyết định").expect("the decision is linked");
    assert!(decision.ends_with("files/2025/07/quyet-dinh-so-12.pdf"), "{}", decision.display());
    assert_eq!(bytes(&decision), pdf);
    assert_eq!(find("trang 2"), Some(decision.clone()));
    let sheet = find("bảng").expect("the sheet is linked");
    assert!(sheet.ends_with("files/2025/07/so-lieu/bang.xlsx"), "{}", sheet.display());
    assert_eq!(bytes(&sheet), b"PK\x03\x04 bang so lieu");
    let photo = bytes(&find("ảnh gốc").expect("the photo is linked"));
    assert!(photo.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    assert!(
        !photo.windows(SERIAL.len()).any(|w| w == SERIAL.as_bytes()),
        "the camera's serial number is gone"
    );
    let hrefs = attrs(&site.page("2025/07/quyet-dinh/"), "article a", "href");
    assert!(hrefs.iter().any(|h| h.ends_with("quyet-dinh-so-12.pdf#page=2")), "{hrefs:?}");
    // The other bulletin leads to the same published file.
    let other = linked(&site, "2025/08/tiep-theo/");
    assert_eq!(other.iter().find(|(t, _)| t == "quyết định").map(|(_, p)| p), Some(&decision));
    // Published once, and nothing else of content/ is.
    let mut published: Vec<String> = walkdir::WalkDir::new(site.public().join("files"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path().strip_prefix(site.public()).expect("under public").to_string_lossy().replace('\\', "/")
        })
        .collect();
    published.sort();
    assert_eq!(
        published,
        [
            "files/2025/07/anh-goc.jpg",
            "files/2025/07/quyet-dinh-so-12.pdf",
            "files/2025/07/so-lieu/bang.xlsx"
        ]
    );
    // Feeds link it absolute, under the site's address.
    for feed in ["atom.xml", "rss.xml", "feed.json"] {
        let text = std::fs::read_to_string(site.public().join(feed)).expect("feed");
        assert!(text.contains("https://tin.example/tin-tuc/files/2025/07/quyet-dinh-so-12.pdf"), "{feed}");
    }
    // Linked files are not warned of.
    let out = site.run(&["check"]);
    assert!(!stderr(&out).contains("linked file"), "{}", stderr(&out));
}

#[test]
fn a_link_to_a_file_ends_with_its_type_and_size_which_follow_the_file() {
    let site = Site::new(SITE);
    site.write_bytes("content/2025/07/quyet-dinh.pdf", &vec![b'%'; 250_880]);
    site.write_bytes("content/2025/07/bang.xlsx", &vec![b'P'; 1_258_291]);
    site.bulletin(
        "2025/07/a.md",
        "title: Quyết định\ndate: 2025-07-01",
        "Xem [toàn văn](quyet-dinh.pdf), [trang 2](quyet-dinh.pdf#page=2) và [bảng](bang.xlsx); \
         [phụ lục](phu-luc.pdf) chưa có.",
    );
    site.build(&[]);
    let said = |site: &Site| -> Vec<(String, Option<String>)> {
        let body = ["toàn văn", "trang 2", "bảng", "phụ lục"];
        notes(site, "2025/07/a/")
            .into_iter()
            .filter(|(words, ..)| body.contains(&words.as_str()))
            .map(|(words, _, note)| (words, note))
            .collect()
    };
    let note = |s: &str| Some(s.to_string());
    assert_eq!(
        said(&site),
        [
            ("toàn văn".to_string(), note("(PDF, 245 KB)")),
            ("trang 2".to_string(), note("(PDF, 245 KB)")),
            ("bảng".to_string(), note("(XLSX, 1,2 MB)")),
            // A link to a file that is not there says nothing of it (and leads nowhere).
            ("phụ lục".to_string(), None),
        ]
    );
    // In feeds too, the note is inside the link.
    let feed = std::fs::read_to_string(site.public().join("atom.xml")).expect("feed");
    assert!(
        feed.contains(
            "toàn văn &lt;span class=&quot;file-note&quot;&gt;(PDF, 245 KB)&lt;/span&gt;&lt;/a&gt;"
        ),
        "{feed}"
    );
    // A larger file: the page and feeds say so after an incremental build, as after a clean one.
    site.write_bytes("content/2025/07/quyet-dinh.pdf", &vec![b'%'; 3_460_300]);
    site.build(&[]);
    assert_eq!(said(&site)[0].1, note("(PDF, 3,3 MB)"));
    let feed = std::fs::read_to_string(site.public().join("atom.xml")).expect("feed");
    assert!(feed.contains("(PDF, 3,3 MB)"), "{feed}");
    let incremental = snapshot(&site.public());
    site.build(&["--clean"]);
    assert!(incremental == snapshot(&site.public()), "an incremental build equals a clean one");
    // An English site writes its decimal point.
    site.write("site.toml", &format!("{SITE}language = \"en\"\n"));
    site.build(&[]);
    assert_eq!(said(&site)[2].1, note("(XLSX, 1.2 MB)"));
}

#[test]
fn a_changed_file_is_published_again_and_one_no_longer_linked_goes_as_in_a_clean_build() {
    let site = Site::new(SITE);
    site.write("content/2025/07/thong-bao.pdf", "%PDF-1.4 ban dau");
    site.write("content/2025/07/phu-luc.docx", "PK phu luc");
    site.bulletin(
        "2025/07/thong-bao.md",
        "title: Thông báo\ndate: 2025-07-01",
        "[Thông báo](thong-bao.pdf) và [phụ lục](phu-luc.docx).",
    );
    site.build(&[]);
    let published = site.public().join("files/2025/07/thong-bao.pdf");
    assert_eq!(bytes(&published), b"%PDF-1.4 ban dau");
    // The same size, other bytes: only the attachment changed.
    site.write("content/2025/07/thong-bao.pdf", "%PDF-1.4 sua doi");
    site.build(&[]);
    assert_eq!(bytes(&published), b"%PDF-1.4 sua doi");
    site.bulletin(
        "2025/07/thong-bao.md",
        "title: Thông báo\ndate: 2025-07-01",
        "[Thông báo](thong-bao.pdf).",
    );
    site.build(&[]);
    assert!(
        !site.public().join("files/2025/07/phu-luc.docx").exists(),
        "no longer linked, no longer published"
    );
    let incremental = snapshot(&site.public());
    site.build(&["--clean"]);
    assert!(incremental == snapshot(&site.public()), "an incremental build equals a clean one");
}

#[test]
fn a_link_to_a_missing_file_is_a_warning_at_its_line_and_a_clash_an_error_naming_both() {
    let site = Site::new(SITE);
    site.write("content/2025/07/bao-cao.pdf", "%PDF-1.4");
    site.bulletin(
        "2025/07/a.md",
        "title: A\ndate: 2025-07-01",
        "Dòng đầu.\n\nXem [báo cáo](bao-cao.pdf) và [phụ lục](phu-luc.pdf).",
    );
    for command in ["build", "check"] {
        let out = site.run(&[command]);
        let err = stderr(&out);
        assert!(out.status.success(), "{command}: {err}");
        let at = err
            .find("the linked file `phu-luc.pdf` is not there")
            .unwrap_or_else(|| panic!("{command}: {err}"));
        assert!(
            err[at..].lines().nth(1).is_some_and(|l| l.contains("content/2025/07/a.md:7:31")),
            "{command}: {err}"
        );
        assert!(!err.contains("`bao-cao.pdf`"), "{command}: {err}");
    }
    // Two files whose names one address would take.
    site.write("content/2025/07/Bao-Cao.pdf", "%PDF-1.4 khac");
    site.bulletin("2025/07/b.md", "title: B\ndate: 2025-07-02", "Xem [bản khác](Bao-Cao.pdf).");
    let before = snapshot(&site.public());
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("content/2025/07/bao-cao.pdf and content/2025/07/Bao-Cao.pdf would both be published as files/2025/07/bao-cao.pdf")
            || err.contains("content/2025/07/Bao-Cao.pdf and content/2025/07/bao-cao.pdf would both be published as files/2025/07/bao-cao.pdf"),
        "{err}"
    );
    assert!(before == snapshot(&site.public()), "the published site is left as it was");
}

/// `len` bytes that repeat no short pattern (a block copied twice or out of order would show).
fn varied(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Sets a file's time an hour back: old enough for its size and time to be trusted.
fn age(path: &Path) {
    let file = std::fs::OpenOptions::new().write(true).open(path).expect("open");
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    file.set_modified(hour_ago).expect("set time");
}

#[test]
fn large_files_are_published_byte_for_byte_and_an_edit_elsewhere_keeps_them() {
    let site = Site::new(SITE);
    // Larger than the blocks they are copied in, and not a multiple of one.
    let recording = varied(2_500_123, 7);
    let video = varied(3_145_739, 11);
    site.write_bytes("content/2025/07/ghi-am.mp3", &recording);
    site.write_bytes("static/video/phim.mp4", &video);
    age(&site.root().join("content/2025/07/ghi-am.mp3"));
    age(&site.root().join("static/video/phim.mp4"));
    site.bulletin("2025/07/a.md", "title: Ghi âm\ndate: 2025-07-01", "Nghe [bản ghi](ghi-am.mp3).");
    site.build(&[]);
    assert!(bytes(&site.public().join("files/2025/07/ghi-am.mp3")) == recording, "the attachment");
    assert!(bytes(&site.public().join("video/phim.mp4")) == video, "the static file");
    // An edit elsewhere keeps both as they are; then each replaced (another length, and the
    // same length with other bytes) is published again.
    site.bulletin("2025/07/b.md", "title: Khác\ndate: 2025-07-02", "Tin khác.");
    site.build(&[]);
    assert!(bytes(&site.public().join("files/2025/07/ghi-am.mp3")) == recording);
    assert!(bytes(&site.public().join("video/phim.mp4")) == video);
    let (recording, video) = (varied(1_048_577, 13), varied(3_145_739, 17));
    site.write_bytes("content/2025/07/ghi-am.mp3", &recording);
    site.write_bytes("static/video/phim.mp4", &video);
    site.build(&[]);
    assert!(bytes(&site.public().join("files/2025/07/ghi-am.mp3")) == recording, "replaced");
    assert!(bytes(&site.public().join("video/phim.mp4")) == video, "replaced");
    let incremental = snapshot(&site.public());
    site.build(&["--clean"]);
    assert!(incremental == snapshot(&site.public()), "an incremental build equals a clean one");
}

#[test]
fn feeds_offer_the_files_a_bulletin_links_as_its_enclosures() {
    let site = Site::new(SITE);
    site.write_bytes("content/2025/07/Bản tin 18h.MP3", &varied(48_213, 3));
    site.write_bytes("content/2025/07/kich-ban.pdf", &varied(2_048, 5));
    site.bulletin(
        "2025/07/phat-thanh.md",
        "title: Bản tin phát thanh 18 giờ\ndate: 2025-07-01",
        "Nghe [bản tin](<Bản tin 18h.MP3>), đọc [kịch bản](kich-ban.pdf), nghe lại [bản tin](<Bản tin 18h.MP3>); \
         [bản cũ](ban-cu.mp3) không còn.",
    );
    site.build(&[]);
    let audio = "https://tin.example/tin-tuc/files/2025/07/ban-tin-18h.mp3";
    let script = "https://tin.example/tin-tuc/files/2025/07/kich-ban.pdf";
    // Each leads to the published file's bytes.
    assert_eq!(bytes(&site.public().join("files/2025/07/ban-tin-18h.mp3")).len(), 48_213);
    let read = |name: &str| std::fs::read(site.public().join(name)).expect("feed");
    // Atom: every file, once, in the order the bulletin links them.
    let atom = feed_rs::parser::parse(&read("atom.xml")[..]).expect("atom parses");
    let entry = atom.entries.first().expect("an entry");
    let enclosures: Vec<(String, Option<String>, Option<u64>)> = entry
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure"))
        .map(|l| (l.href.clone(), l.media_type.clone(), l.length))
        .collect();
    assert_eq!(
        enclosures,
        [
            (audio.to_string(), Some("audio/mpeg".to_string()), Some(48_213)),
            (script.to_string(), Some("application/pdf".to_string()), Some(2_048)),
        ]
    );
    // RSS: one enclosure an item, the first file.
    let rss = String::from_utf8(read("rss.xml")).expect("utf-8");
    assert_eq!(rss.matches("<enclosure ").count(), 1, "{rss}");
    let parsed = feed_rs::parser::parse(rss.as_bytes()).expect("rss parses");
    let content = parsed.entries[0]
        .media
        .iter()
        .flat_map(|m| &m.content)
        .find(|c| c.url.as_ref().is_some_and(|u| u.as_str() == audio));
    let content = content.unwrap_or_else(|| panic!("the recording is the enclosure: {rss}"));
    assert_eq!(content.content_type.as_ref().map(|m| m.to_string()).as_deref(), Some("audio/mpeg"));
    assert_eq!(content.size, Some(48_213));
    // JSON Feed: its attachments.
    let json: serde_json::Value = serde_json::from_slice(&read("feed.json")).expect("json");
    assert_eq!(
        json["items"][0]["attachments"],
        serde_json::json!([
            {"mime_type": "audio/mpeg", "size_in_bytes": 48_213, "url": audio},
            {"mime_type": "application/pdf", "size_in_bytes": 2_048, "url": script},
        ])
    );
    // A bulletin that links no file has none.
    site.bulletin("2025/07/khac.md", "title: Khác\ndate: 2025-07-02", "Tin khác.");
    site.build(&[]);
    let json: serde_json::Value = serde_json::from_slice(&read("feed.json")).expect("json");
    assert!(json["items"][0].get("attachments").is_none(), "{}", json["items"][0]);
}

#[test]
fn a_file_larger_than_static_hosts_take_is_warned_of_and_published() {
    let site = Site::new(SITE);
    let sized = |rel: &str, len: u64| {
        let path = site.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::File::create(&path).and_then(|f| f.set_len(len)).expect("a file of that size");
    };
    sized("content/2025/07/phong-su.mp4", (25 << 20) + 1);
    sized("static/video/gioi-thieu.mp4", 40 << 20);
    sized("content/2025/07/nho.pdf", 25 << 20);
    site.bulletin(
        "2025/07/a.md",
        "title: Phóng sự\ndate: 2025-07-01",
        "Xem [phóng sự](phong-su.mp4) và [văn bản](nho.pdf).",
    );
    let out = site.build(&[]);
    let err = stderr(&out);
    let warned: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("larger than some static hosts publish"))
        .map(|l| l.split_once("(").map_or(l, |(_, rest)| rest))
        .collect();
    assert_eq!(warned.len(), 2, "{err}");
    for (file, size) in
        [("content/2025/07/phong-su.mp4", "MP4, 25 MB"), ("static/video/gioi-thieu.mp4", "MP4, 40 MB")]
    {
        let at = err.find(&format!("--> {file}")).unwrap_or_else(|| panic!("{file}: {err}"));
        let before = &err[..at];
        let line = before.trim_end().lines().last().unwrap_or_default();
        assert!(line.contains(size) && line.contains("25 MiB"), "{file}: {line}");
    }
    assert!(!err.contains("nho.pdf"), "25 MiB is taken: {err}");
    // Published all the same.
    assert_eq!(
        std::fs::metadata(site.public().join("files/2025/07/phong-su.mp4")).map(|m| m.len()).ok(),
        Some((25 << 20) + 1)
    );
    assert_eq!(
        std::fs::metadata(site.public().join("video/gioi-thieu.mp4")).map(|m| m.len()).ok(),
        Some(40 << 20)
    );
}

#[test]
fn a_recording_that_is_not_there_is_a_plain_link_without_a_play_button() {
    let site = Site::new(SITE);
    site.write_bytes("content/2025/07/ban-tin.mp3", &varied(4_000, 7));
    site.bulletin(
        "2025/07/a.md",
        "title: Bản tin\ndate: 2025-07-01",
        "Dòng đầu.\n\n[Bản tin 18 giờ](ban-tin.mp3)\n\n[Bản tin 21 giờ](ban-tin-21h.mp3)",
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("the linked file `ban-tin-21h.mp3` is not there"), "{err}");
    let doc = site.page("2025/07/a/index.html");
    let select = |s: &str| scraper::Selector::parse(s).expect("selector");
    let players: Vec<String> = doc
        .select(&select("figure.audio > a.audio-link"))
        .filter(|a| a.select(&select("span.audio-play")).next().is_some())
        .map(|a| a.text().collect::<String>())
        .collect();
    assert_eq!(players.len(), 1, "{players:?}");
    assert!(players[0].starts_with("Bản tin 18 giờ"), "{players:?}");
    // The missing one is still its link, in a paragraph, with its words.
    let plain: Vec<String> = doc
        .select(&select("article p > a[href]"))
        .map(|a| a.text().collect::<String>())
        .filter(|t| t.contains("21 giờ"))
        .collect();
    assert_eq!(plain, ["Bản tin 21 giờ"]);
    // Once the file is there, it plays like the other, as a clean build shows it.
    site.write_bytes("content/2025/07/ban-tin-21h.mp3", &varied(3_000, 8));
    assert!(site.run(&["build"]).status.success());
    let doc = site.page("2025/07/a/index.html");
    assert_eq!(doc.select(&select("figure.audio span.audio-play")).count(), 2);
    let incremental = snapshot(&site.public());
    assert!(site.run(&["build", "--clean"]).status.success());
    assert!(incremental == snapshot(&site.public()), "an incremental build equals a clean one");
}

#[test]
fn a_file_of_static_linked_from_the_root_is_told_of_offered_and_played_like_one_beside_the_bulletin() {
    let site = Site::new(SITE);
    site.write_bytes("static/van-ban/Quyết định 12.pdf", &varied(250_880, 11));
    site.write_bytes("static/am-thanh/ban-tin.mp3", &varied(9_000, 12));
    site.write_bytes("content/2025/07/phu-luc.xlsx", &varied(3_000, 13));
    site.bulletin(
        "2025/07/a.md",
        "title: Quyết định\ndate: 2025-07-01",
        "Toàn văn [quyết định](</van-ban/Quyết định 12.pdf#page=2>), [phụ lục](/2025/07/phu-luc.xlsx), \
         [bản cũ](/van-ban/cu.pdf), [tin RSS](/rss.xml) và [giới thiệu](/gioi-thieu/).\n\n\
         [Bản tin 18 giờ](/am-thanh/ban-tin.mp3)\n\n[Bản tin 21 giờ](/am-thanh/khong-co.mp3)",
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // A file the site does not have, linked from the root, may be the host's: no warning.
    assert!(!err.contains("is not there"), "{err}");
    // Each link's words, where it leads (under public/), and the note it ends with: the files
    // the site has are told of; the rest lead where they did, untold.
    let told: Vec<(String, Option<String>)> = notes(&site, "2025/07/a/")
        .into_iter()
        .map(|(words, path, note)| {
            let path = path.strip_prefix(site.public()).unwrap_or(&path).to_string_lossy().into_owned();
            (format!("{words} → {path}"), note)
        })
        .filter(|(s, _)| !s.starts_with("Trang chủ") && !s.starts_with("Tháng 7/2025"))
        .collect();
    let expect = |s: &str, n: Option<&str>| (s.to_string(), n.map(str::to_string));
    assert_eq!(
        told,
        [
            expect("quyết định → van-ban/Quyết định 12.pdf", Some("(PDF, 245 KB)")),
            expect("phụ lục → files/2025/07/phu-luc.xlsx", Some("(XLSX, 3 KB)")),
            expect("bản cũ → van-ban/cu.pdf", None),
            expect("tin RSS → rss.xml", None),
            expect("giới thiệu → gioi-thieu/index.html", None),
            expect("Bản tin 18 giờ → am-thanh/ban-tin.mp3", Some("(MP3, 9 KB)")),
            expect("Bản tin 21 giờ → am-thanh/khong-co.mp3", None),
        ]
    );
    // The links lead from the page to the site's root, the path's bytes escaped, the fragment
    // kept; those the site has not lead where they did.
    let hrefs = attrs(&site.page("2025/07/a/"), "article a", "href");
    for href in [
        "../../../van-ban/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf#page=2",
        "../../../van-ban/cu.pdf",
        "../../../rss.xml",
        "../../../gioi-thieu/",
    ] {
        assert!(hrefs.iter().any(|h| h == href), "{href}: {hrefs:?}");
    }
    // The recording of static/ plays; the one not there is a plain link.
    let doc = site.page("2025/07/a/index.html");
    let select = |s: &str| scraper::Selector::parse(s).expect("selector");
    let players: Vec<String> =
        doc.select(&select("figure.audio > a.audio-link")).map(|a| a.text().collect::<String>()).collect();
    assert_eq!(players, ["Bản tin 18 giờ (MP3, 9 KB)"]);
    // The feeds offer the files as enclosures, in the order linked.
    let json: serde_json::Value =
        serde_json::from_slice(&bytes(&site.public().join("feed.json"))).expect("json");
    let urls: Vec<&str> = json["items"][0]["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .filter_map(|a| a["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://tin.example/tin-tuc/van-ban/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf",
            "https://tin.example/tin-tuc/files/2025/07/phu-luc.xlsx",
            "https://tin.example/tin-tuc/am-thanh/ban-tin.mp3",
        ]
    );
    // A file of static/ replaced by a larger one: the note follows, as a clean build has it.
    site.write_bytes("static/am-thanh/ban-tin.mp3", &varied(30_000, 14));
    age(&site.root().join("static/am-thanh/ban-tin.mp3"));
    assert!(site.run(&["build"]).status.success());
    let found = notes(&site, "2025/07/a/");
    assert!(found.iter().any(|(_, _, n)| n.as_deref() == Some("(MP3, 29 KB)")), "{found:?}");
    let incremental = snapshot(&site.public());
    assert!(site.run(&["build", "--clean"]).status.success());
    assert!(incremental == snapshot(&site.public()), "an incremental build equals a clean one");
}
