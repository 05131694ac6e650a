//! Photos, end to end: pictures beside a bulletin, in its bundle folder and under static/ are
//! published as responsive figures whose every file exists; no published file carries a
//! position or a serial number; each of the 8 EXIF orientations comes out upright; bad
//! pictures are diagnostics that leave the site as it was; an unchanged rebuild makes nothing.

mod common;

use std::path::Path;

use common::photo::{QUADRANTS, SERIAL, decode, jpeg};
use common::{Site, attrs, stderr, stdout};

const SITE: &str = "base_url = \"https://tin.example/\"\n";

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// The site path a page's relative address leads to.
fn site_path(page_dir: &str, address: &str) -> String {
    let mut parts: Vec<&str> = page_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in address.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn newsroom() -> Site {
    let site = Site::new(SITE);
    site.write_bytes("content/2024/05/le-hoi.jpg", &jpeg(1000, 600, 1, true));
    site.bulletin(
        "2024/05/le-hoi.md",
        "title: Lễ hội đền Hùng\ndate: 2024-05-02\nimage: le-hoi.jpg\nimage_alt: Rước kiệu",
        "Mở đầu.\n\n![Rước kiệu qua cổng đền](le-hoi.jpg \"Đoàn rước kiệu. Ảnh: Minh Anh\")\n\nGiữa dòng ![nhỏ](/images/logo.jpg) chữ.",
    );
    site.write_bytes("content/2024/06/mua-lu/index-anh.jpg", &jpeg(700, 500, 6, true));
    site.bulletin(
        "2024/06/mua-lu/index.md",
        "title: Mưa lũ\ndate: 2024-06-01",
        "![Nước dâng](index-anh.jpg)",
    );
    site.write_bytes("static/images/logo.jpg", &jpeg(120, 80, 1, false));
    // A name whose marks a Mac stored decomposed (NFD), written composed in the bulletin.
    site.write_bytes("content/2024/07/Ca\u{302}\u{300}u Ro\u{302}\u{300}ng.jpg", &jpeg(300, 200, 1, false));
    site.bulletin("2024/07/cau-rong.md", "title: Cầu Rồng\ndate: 2024-07-01", "![Cầu Rồng](<Cầu Rồng.jpg>)");
    site
}

#[test]
fn a_photo_named_with_the_icelandic_eth_is_found_as_the_bulletin_writes_it() {
    // "Ð" (U+00D0) where "Đ" (U+0110) belongs, in the file's name: the bulletin's text is
    // normalised to "Đ", however its editor typed it, and still finds the file.
    let site = Site::new(SITE);
    site.write_bytes("content/2024/08/\u{D0}à Nẵng.jpg", &jpeg(320, 200, 1, false));
    site.bulletin("2024/08/a.md", "title: Một\ndate: 2024-08-01", "![Cầu](<\u{D0}à Nẵng.jpg>)");
    site.bulletin("2024/08/b.md", "title: Hai\ndate: 2024-08-02", "![Cầu](<\u{110}à Nẵng.jpg>)");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in ["2024/08/a/", "2024/08/b/"] {
        assert_eq!(attrs(&site.page(page), ".body figure.photo img", "width"), ["320"], "{page}");
    }
}

#[test]
fn photos_are_published_as_responsive_figures_whose_files_exist() {
    let site = newsroom();
    let out = site.build(&[]);
    assert!(stdout(&out).contains("4 photos, 4 made"), "{}", stdout(&out));
    let public = site.public();
    let page = site.page("2024/05/le-hoi/");
    // The body photo: a figure with its caption, WebP and JPEG sources, a size, lazy.
    assert_eq!(common::texts(&page, ".body figure.photo figcaption"), ["Đoàn rước kiệu. Ảnh: Minh Anh"]);
    assert_eq!(attrs(&page, ".body figure.photo img", "alt"), ["Rước kiệu qua cổng đền"]);
    assert_eq!(attrs(&page, ".body figure.photo img", "width"), ["1000"]);
    assert_eq!(attrs(&page, ".body figure.photo img", "height"), ["600"]);
    assert_eq!(attrs(&page, ".body figure.photo img", "loading"), ["lazy"]);
    // The lead picture is loaded first.
    assert_eq!(attrs(&page, "figure.lead img", "fetchpriority"), ["high"]);
    // A picture among words stays among them (no figure inside a paragraph).
    assert_eq!(attrs(&page, ".body p picture img", "alt"), ["nhỏ"]);
    // Every address of every srcset is a published file of the size it claims.
    let mut checked = 0;
    for set in [attrs(&page, "source", "srcset"), attrs(&page, "img", "srcset")].concat() {
        for item in set.split(", ") {
            let (address, width) = item.rsplit_once(' ').expect("address and width");
            let width: u32 = width.trim_end_matches('w').parse().expect("width");
            let file = public.join(site_path("2024/05/le-hoi", address));
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            if address.ends_with(".jpg") {
                assert_eq!(decode(&bytes).0, width, "{address}");
            } else {
                assert!(bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP", "{address}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked}");
    // Never larger than the photo: 1000 wide gives 320, 480, 800 and 1000.
    let webp = attrs(&page, ".body figure.photo source", "srcset");
    assert!(webp[0].ends_with("1000w") && !webp[0].contains("1200w"), "{webp:?}");
    // Open Graph and JSON-LD carry the crops, which exist.
    let ld: serde_json::Value =
        serde_json::from_str(&common::texts(&page, "script[type=\"application/ld+json\"]")[0]).expect("ld");
    let images: Vec<&str> =
        ld["image"].as_array().expect("images").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(images.len(), 3, "{images:?}");
    for (url, shape) in images.iter().zip([(16, 9), (4, 3), (1, 1)]) {
        let (w, h, _) = decode(
            &std::fs::read(public.join(url.trim_start_matches("https://tin.example/"))).expect("crop"),
        );
        assert!((w * shape.1).abs_diff(h * shape.0) <= shape.0.max(shape.1), "{url} is {w}×{h}");
    }
    // The bundle's photo, and cards that show the lead picture.
    let bundle = site.page("2024/06/mua-lu/");
    assert_eq!(attrs(&bundle, ".body figure.photo img", "width"), ["700"], "stored turned, shown upright");
    assert_eq!(attrs(&bundle, ".body figure.photo img", "height"), ["500"]);
    let cau = site.page("2024/07/cau-rong/");
    assert_eq!(attrs(&cau, ".body figure.photo img", "width"), ["300"], "a decomposed file name is found");
    // The front page leads with the newest bulletin with a picture; lists show thumbnails.
    let home = site.page("");
    let pictures = attrs(&home, ".story .story-pic img", "src");
    assert!(
        !pictures.is_empty() && attrs(&home, ".lead-story .story-pic img", "src").len() == 1,
        "{pictures:?}"
    );
    for p in &pictures {
        assert!(public.join(p).is_file(), "{p}");
    }
    let month = site.page("2024/05/");
    let thumbs = attrs(&month, ".card .thumb img", "src");
    assert_eq!(thumbs.len(), 1, "{thumbs:?}");
    assert!(public.join("2024/05/").join(&thumbs[0]).is_file(), "{}", thumbs[0]);
}

#[test]
fn no_published_file_carries_a_position_or_a_serial_number() {
    let site = newsroom();
    site.write("static/also/plain.txt", "x");
    assert!(site.build(&[]).status.success());
    let check = site.run(&["check"]);
    let notes = stderr(&check);
    assert!(notes.contains("content/2024/05/le-hoi.jpg") && notes.contains("GPS position (21.0"), "{notes}");
    for file in files_under(&site.public()) {
        let bytes = std::fs::read(&file).expect("read");
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!has(SERIAL.as_bytes()), "{} carries the serial number", file.display());
        assert!(!has(b"Exif\0\0"), "{} carries EXIF", file.display());
    }
    // A turned JPEG under static/ is published upright, without its EXIF.
    site.write_bytes("static/turned.jpg", &jpeg(60, 40, 6, true));
    assert!(site.build(&[]).status.success());
    let (w, h, _) = decode(&std::fs::read(site.public().join("turned.jpg")).expect("static photo"));
    assert_eq!((w, h), (60, 40));
    for file in files_under(&site.public()) {
        let bytes = std::fs::read(&file).expect("read");
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "{} carries EXIF", file.display());
    }
    // The JSON Feed names each lead picture, published.
    let feed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.public().join("feed.json")).expect("feed"))
            .expect("json");
    let images: Vec<&str> =
        feed["items"].as_array().expect("items").iter().filter_map(|i| i["image"].as_str()).collect();
    assert_eq!(images.len(), 1, "{images:?}");
    assert!(site.public().join(images[0].trim_start_matches("https://tin.example/")).is_file());
    // exiftool, where the machine has it, agrees.
    if let Ok(out) = std::process::Command::new("exiftool")
        .args(["-q", "-r", "-gps:all", "-SerialNumber", "-LensSerialNumber"])
        .arg(site.public())
        .output()
    {
        assert!(
            String::from_utf8_lossy(&out.stdout).trim().is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn every_orientation_comes_out_upright() {
    let site = Site::new(SITE);
    let mut body = String::new();
    for o in 1..=8 {
        site.write_bytes(&format!("content/o{o}.jpg"), &jpeg(64, 48, o, false));
        body.push_str(&format!("![Hướng {o}](o{o}.jpg)\n\n"));
    }
    site.bulletin("huong.md", "title: Hướng ảnh\ndate: 2024-01-01", &body);
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.page("huong/");
    let srcs = attrs(&page, ".body figure img", "src");
    assert_eq!(srcs.len(), 8);
    for (o, src) in (1..=8).zip(&srcs) {
        let (w, h, pixels) =
            decode(&std::fs::read(site.public().join(site_path("huong", src))).expect("variant"));
        assert_eq!((w, h), (64, 48), "orientation {o}");
        for (q, (x, y)) in [(16, 12), (48, 12), (16, 36), (48, 36)].into_iter().enumerate() {
            let at = ((y * w + x) * 3) as usize;
            let got = &pixels[at..at + 3];
            let near = got.iter().zip(QUADRANTS[q]).all(|(&a, b)| a.abs_diff(b) < 40);
            assert!(near, "orientation {o}, quadrant {q}: {got:?} is not {:?}", QUADRANTS[q]);
        }
    }
}

#[test]
fn bad_pictures_are_diagnostics_and_the_site_stays_as_it_was() {
    let site = Site::new(SITE);
    site.write_bytes("content/tot.jpg", &jpeg(40, 30, 1, false));
    site.bulletin("a.md", "title: Tốt\ndate: 2024-01-01", "![Tốt](tot.jpg)");
    assert!(site.build(&[]).status.success());
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = files_under(&site.public())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).expect("read")))
        .collect();
    let mut truncated = jpeg(200, 150, 1, false);
    truncated.truncate(truncated.len() / 3);
    // A PNG header claiming 100,000 × 100,000 pixels: refused before any is decoded.
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        [&(data.len() as u32).to_be_bytes(), kind, data, &crc.sum().to_be_bytes()].concat()
    };
    let size = [100_000u32.to_be_bytes(), 100_000u32.to_be_bytes()].concat();
    let bomb = [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        chunk(b"IHDR", &[size.as_slice(), &[8, 2, 0, 0, 0]].concat()),
        chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
        chunk(b"IEND", &[]),
    ]
    .concat();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("cut.jpg", truncated, "damaged or cut short"),
        ("trang.jpg", b"<html>not a photo</html>".to_vec(), "not a picture"),
        ("iphone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(), "HEIC"),
        ("bom.png", bomb, "million"),
    ];
    for (name, bytes, words) in cases {
        site.write_bytes(&format!("content/{name}"), &bytes);
        site.bulletin("b.md", "title: Xấu\ndate: 2024-01-02", &format!("Chữ.\n\n![Ảnh]({name})"));
        let out = site.run(&["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(&format!("content/{name}")) && err.contains(words), "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        std::fs::remove_file(site.root().join(format!("content/{name}"))).expect("rm");
    }
    // A picture that is not there: the bulletin's line and column, and the near name.
    site.bulletin("b.md", "title: Xấu\ndate: 2024-01-02", "Chữ.\n\n![Ảnh](Tot.jpg)");
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("content/b.md:7:1") && err.contains("did you mean content/tot.jpg"), "{err}");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("content/b.md:7:1"), "{}", stderr(&check));
    // Run from elsewhere (`--root`), the line is shown all the same, under its number.
    let root = site.root().to_str().expect("utf-8 root").to_string();
    let mut cmd = assert_cmd::Command::cargo_bin("bantin").expect("binary");
    let out = cmd.current_dir(std::env::temp_dir()).args(["--root", &root, "build"]).output().expect("run");
    let err = stderr(&out);
    assert!(err.contains("content/b.md:7:1") && err.contains(" 7 | ![Ảnh](Tot.jpg)"), "{err}");
    for (file, bytes) in before {
        assert_eq!(std::fs::read(&file).expect("still there"), bytes, "{}", file.display());
    }
}

#[test]
fn every_bad_picture_is_told_at_once_by_build_and_by_check() {
    let site = Site::new(SITE);
    let mut truncated = jpeg(400, 300, 1, false);
    truncated.truncate(truncated.len() / 2);
    site.write_bytes("content/cut.jpg", &truncated);
    site.write_bytes("content/trang.jpg", b"<html>not a photo</html>");
    site.write_bytes("content/tot.jpg", &jpeg(40, 30, 1, false));
    site.bulletin("a.md", "title: A\ndate: 2024-01-01", "![Cắt](cut.jpg)\n\n![Tốt](tot.jpg)");
    site.bulletin("b.md", "title: B\ndate: 2024-01-02", "![Trang](trang.jpg)\n\n![Mất](mat.jpg)");
    site.bulletin("c.md", "title: C\ndate: 31/12/2024", "Chữ.");
    // A picture that is not there and a file that is no picture are found before any pixel is
    // read; the picture cut short is told beside them, not in the build after they are fixed;
    // and a bulletin that cannot be read hides none of them.
    for command in ["build", "check"] {
        let out = site.run(&[command]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        for (file, words) in [
            ("content/b.md:", "`mat.jpg` is not there"),
            ("content/trang.jpg", "not a picture"),
            ("content/cut.jpg", "damaged or cut short"),
            ("content/c.md:", "not a date"),
        ] {
            assert!(err.contains(file) && err.contains(words), "{command}: {file}: {err}");
        }
        assert!(!err.contains("content/tot.jpg"), "{command}: a good picture is no error: {err}");
        assert!(!site.public().exists(), "{command} published nothing");
    }
    // The bulletin fixed, the pictures are still told all at once.
    site.bulletin("c.md", "title: C\ndate: 2024-12-31", "Chữ.");
    let err = stderr(&site.run(&["build"]));
    assert!(
        err.contains("mat.jpg") && err.contains("content/cut.jpg") && !err.contains("not a date"),
        "{err}"
    );
    // Alone, the picture cut short is still an error of `check`, as of the build.
    site.bulletin("b.md", "title: B\ndate: 2024-01-02", "Chữ.");
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(stderr(&check).contains("content/cut.jpg"), "{}", stderr(&check));
    let build = site.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(stderr(&build).contains("content/cut.jpg"), "{}", stderr(&build));
    // Fixed, both pass.
    site.write_bytes("content/cut.jpg", &jpeg(400, 300, 1, false));
    assert!(site.build(&[]).status.success());
    assert_eq!(site.run(&["check"]).status.code(), Some(0));
}

#[test]
fn an_unchanged_rebuild_makes_no_photo_and_a_text_edit_none_either() {
    let site = newsroom();
    assert!(stdout(&site.build(&[])).contains("4 photos, 4 made"));
    // Only the text changes: the photos come from the published site.
    site.bulletin(
        "2024/06/mua-lu/index.md",
        "title: Mưa lũ lớn\ndate: 2024-06-01",
        "![Nước dâng](index-anh.jpg)",
    );
    let out = stdout(&site.build(&[]));
    assert!(out.contains("4 photos, 0 made"), "{out}");
    // A clean build takes them from the photo store.
    let out = stdout(&site.build(&["--clean"]));
    assert!(out.contains("4 photos, 0 made"), "{out}");
    // A replaced photo is made again, and only it.
    site.write_bytes("content/2024/06/mua-lu/index-anh.jpg", &jpeg(720, 500, 1, false));
    let out = stdout(&site.build(&[]));
    assert!(out.contains("4 photos, 1 made"), "{out}");
    // The search results show the lead photo's thumbnail; replaced, the index follows it, as
    // a clean build has it.
    let before = search_thumbs(&site.public());
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(site.public().join(&before[0]).is_file() && before[0].ends_with(".webp"), "{before:?}");
    site.write_bytes("content/2024/05/le-hoi.jpg", &jpeg(1000, 600, 3, true));
    site.build(&[]);
    let after = search_thumbs(&site.public());
    assert!(after.len() == 1 && after != before && site.public().join(&after[0]).is_file(), "{after:?}");
    site.build(&["--clean"]);
    assert_eq!(search_thumbs(&site.public()), after);
}

/// The thumbnails (`i`) the search index's result metadata (`search/d/`) carries.
fn search_thumbs(public: &Path) -> Vec<String> {
    use std::io::Read as _;
    let mut thumbs = Vec::new();
    for file in files_under(&public.join("search/d")) {
        let mut json = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&file).expect("chunk"))
            .read_to_string(&mut json)
            .expect("gzip");
        let docs: Vec<serde_json::Value> = serde_json::from_str(&json).expect("json");
        thumbs.extend(docs.iter().filter_map(|d| d["i"].as_str().map(str::to_owned)));
    }
    thumbs
}
