//! Reading WordPress exports: posts, pictures, shortcodes and character references.

use super::*;

const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Báo</title>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[minhanh]]></wp:author_login><wp:author_display_name><![CDATA[Minh Anh]]></wp:author_display_name></wp:author>
<item>
<title><![CDATA[Mưa lớn &amp; lũ]]></title>
<link>https://tin.example/2019/11/12/mua-lon/</link>
<dc:creator><![CDATA[minhanh]]></dc:creator>
<category domain="category" nicename="thoi-su"><![CDATA[Thời sự]]></category>
<category domain="post_tag" nicename="da-nang"><![CDATA[Đà Nẵng]]></category>
<category domain="category" nicename="uncategorized"><![CDATA[Uncategorized]]></category>
<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>Mưa lớn.</p>
<!-- /wp:paragraph -->

[caption id="attachment_7" align="aligncenter" width="300"]<img src="https://tin.example/wp-content/uploads/mua.jpg" alt="" /> Phố ngập[/caption]

<!--more-->
[embed]https://www.youtube.com/watch?v=abc[/embed]

[gallery ids="1,2"] Hết [1] năm.]]></content:encoded>
<excerpt:encoded><![CDATA[<p>Mưa &amp; lũ.</p>]]></excerpt:encoded>
<wp:post_id>5</wp:post_id>
<wp:post_date><![CDATA[2019-11-12 16:45:00]]></wp:post_date>
<wp:post_name><![CDATA[m%c6%b0a-l%e1%bb%9bn]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[7]]></wp:meta_value></wp:postmeta>
</item>
<item><title>Ảnh</title><wp:post_id>7</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://tin.example/wp-content/uploads/mua.jpg</wp:attachment_url></item>
<item><title>Giới thiệu</title><wp:post_id>8</wp:post_id><wp:post_type>page</wp:post_type></item>
<item><title>Nháp</title><link>https://tin.example/?p=9</link><wp:post_id>9</wp:post_id><wp:post_date>0000-00-00 00:00:00</wp:post_date><wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Bỏ</title><wp:post_id>10</wp:post_id><wp:status>trash</wp:status><wp:post_type>post</wp:post_type></item>
</channel>
</rss>"#;

#[test]
fn pictures_alone_on_their_line() {
    let md = |l: &str| lone_picture(l);
    assert_eq!(
        md("<p><a href=\"b.jpg\"><img src=\"a.jpg\" alt=\"A\" /></a></p>").as_deref(),
        Some("![A](<a.jpg>)")
    );
    assert_eq!(
        md("<figure class=\"x\"><img src=\"a.jpg\"/><figcaption>Cầu \"mới\"</figcaption></figure>")
            .as_deref(),
        Some("![Cầu \"mới\"](<a.jpg> \"Cầu \\\"mới\\\"\")")
    );
    for odd in [
        "<figure</figure>",
        "<a </a>",
        "<figure><figcaption</figcaption></figure>",
        "<img >",
        "x <img src=a>",
        "<img src=\"a\"><img src=\"b\">",
    ] {
        assert_eq!(md(odd), None, "{odd}");
    }
}

#[test]
fn character_references() {
    assert_eq!(
        unescape_html("a &amp; b&#8217;s &#x2019; &hellip; &bogus; & &#0; &#99999999;"),
        "a & b’s ’ … &bogus; & &#0; &#99999999;"
    );
}

#[test]
fn posts_become_bulletins() {
    let export = parse(EXPORT.as_bytes()).expect("export");
    assert_eq!(export.authors.get("minhanh").map(String::as_str), Some("Minh Anh"));
    let dir = std::env::temp_dir().join(format!("bantin-wxr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("export.xml");
    std::fs::write(&file, EXPORT).expect("write");
    let records = read(&file).expect("read");
    let _ = std::fs::remove_dir_all(&dir);
    let labels: Vec<&str> = records.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["post 5", "post 8", "post 9", "post 10"]);
    let c = records[0].1.as_ref().expect("post");
    assert_eq!(c.title, "Mưa lớn & lũ");
    assert_eq!(c.date.as_deref(), Some("2019-11-12 16:45"));
    assert_eq!(c.authors, ["Minh Anh"]);
    assert_eq!(
        (c.categories.as_slice(), c.tags.as_slice()),
        (&["Thời sự".to_string()][..], &["Đà Nẵng".to_string()][..])
    );
    assert_eq!(c.summary.as_deref(), Some("Mưa & lũ."));
    assert_eq!(c.slug.as_deref(), Some("mưa-lớn"));
    assert_eq!(c.image.as_deref(), Some("https://tin.example/wp-content/uploads/mua.jpg"));
    assert_eq!(c.url.as_deref(), Some("https://tin.example/2019/11/12/mua-lon/"));
    assert_eq!(
        c.body,
        "<p>Mưa lớn.</p>\n\n![Phố ngập](<https://tin.example/wp-content/uploads/mua.jpg> \"Phố ngập\")\n\nhttps://www.youtube.com/watch?v=abc\n\n[gallery ids=\"1,2\"] Hết [1] năm."
    );
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(c.notes[0].starts_with("post 5: ") && c.notes[0].contains("[gallery]"), "{:?}", c.notes);
    assert!(records[1].1.as_ref().is_err_and(|e| e.contains("page")));
    let draft = records[2].1.as_ref().expect("draft");
    assert!(draft.draft && draft.date.is_none() && draft.url.is_none());
    assert!(records[3].1.as_ref().is_err_and(|e| e.contains("trash")));
    assert!(looks_like(&EXPORT[..400]));
}

#[test]
fn galleries_recordings_and_videos() {
    let item = |id: &str, url: &str, parent: &str, caption: &str, alt: &str| {
        let mut i = Item::default();
        for (k, v) in [
            ("wp:post_id", id),
            ("wp:attachment_url", url),
            ("wp:post_parent", parent),
            ("excerpt:encoded", caption),
        ] {
            i.fields.insert(k.into(), v.into());
        }
        i.meta.insert("_wp_attachment_image_alt".into(), alt.into());
        i
    };
    let items = [
        item("3", "https://t.vn/u/a.jpg", "5", "<p>Ảnh &amp; chú thích</p>", "Mô tả A"),
        item("4", "https://t.vn/u/b.png", "6", "", ""),
        item("8", "https://t.vn/u/tai-lieu.pdf", "5", "", ""),
        item("9", "https://t.vn/u/ghi-am.mp3", "5", "Bản tin 18 giờ", ""),
    ];
    let uploads = Uploads::of(items.iter());
    let md = |html: &str| body(html, &uploads, "5");
    // By ids, in their order; the alt text first, the caption as the title.
    let (text, notes) = md("[gallery ids=\"4, 3\"]");
    assert_eq!(text, "![](<https://t.vn/u/b.png>)\n\n![Mô tả A](<https://t.vn/u/a.jpg> \"Ảnh & chú thích\")");
    assert!(notes.is_empty(), "{notes:?}");
    // Without ids: the post's own pictures (not its PDF).
    assert_eq!(md("[gallery]").0, "![Mô tả A](<https://t.vn/u/a.jpg> \"Ảnh & chú thích\")");
    assert_eq!(md("[gallery include=\"4\"]").0, "![](<https://t.vn/u/b.png>)");
    // None of its pictures in the export: left, and named.
    let (text, notes) = body("[gallery]", &uploads, "7");
    assert_eq!((text.as_str(), notes.len()), ("[gallery]", 1));
    // A recording: its upload's caption as its words; a video: its file's name.
    assert_eq!(
        md("[audio mp3=\"https://t.vn/u/ghi-am.mp3\"][/audio]").0,
        "[Bản tin 18 giờ](<https://t.vn/u/ghi-am.mp3>)"
    );
    assert_eq!(
        md("[video width=\"640\" mp4=\"https://t.vn/u/Phim%20ng%E1%BA%AFn.mp4\"]").0,
        "[Phim ngắn.mp4](<https://t.vn/u/Phim%20ng%E1%BA%AFn.mp4>)"
    );
    let (text, notes) = md("[audio]");
    assert_eq!((text.as_str(), notes.len()), ("[audio]", 1));
}
