//! Tests of Markdown rendering: headings, links, code, raw HTML, photos, task lists,
//! summaries and word counts.

use super::*;

#[test]
fn site_photos_become_markers_that_the_sanitiser_keeps_and_lone_ones_leave_their_paragraph() {
    for raw in ["", "<b>raw</b>\n\n"] {
        let r = render(
            &format!(
                "{raw}![Lễ hội](anh.jpg \"Chú thích\")\n\nChữ ![nhỏ](/b.png) chữ. ![web](https://x.vn/c.jpg)\n"
            ),
            false,
        );
        assert_eq!(r.photos.len(), 2, "{raw}");
        assert_eq!(
            (r.photos[0].alt.as_str(), r.photos[0].title.as_str(), r.photos[0].block),
            ("Lễ hội", "Chú thích", true)
        );
        assert!(!r.photos[1].block);
        assert!(
            r.html.contains(r##"<img src="#bantin-photo:0""##)
                && r.html.contains(r##"<img src="#bantin-photo:1""##),
            "{}",
            r.html
        );
        assert!(!r.html.contains(r##"<p><img src="#bantin-photo:0""##), "{}", r.html);
        assert!(r.html.contains("https://x.vn/c.jpg"));
    }
    let tasks = render("- [x] xong\n- [ ] chưa\n", false);
    assert!(
        tasks.html.contains(r#"<label class="task"><input type="checkbox" disabled checked> xong</label>"#),
        "{}",
        tasks.html
    );
}

#[test]
fn words_are_counted_as_split_whitespace_counts_them() {
    let samples = [
        "",
        " ",
        "Đà Nẵng  mưa\tto\n",
        "a\u{0B}b\u{0C}c\rd",
        "x\u{A0}y\u{2003}z\u{3000}w\u{85}v\u{1C}u",
        "  chào  ",
        "tiếng Việt có dấu, và “ngoặc kép”",
    ];
    for s in samples {
        assert_eq!(count_words(s), s.split_whitespace().count(), "{s:?}");
    }
    // Every character, between letters and alone.
    let mut s = String::new();
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        s.clear();
        s.push('a');
        s.push(c);
        s.push('b');
        s.push(c);
        assert_eq!(count_words(&s), s.split_whitespace().count(), "{:?}", c);
    }
    // Texts longer than a block, with a character at a byte offset around the blocks'
    // edges: every character once, at an offset of its own; white space and its
    // look-alikes at every offset up to three blocks.
    let base = "Đà Nẵng mưa to, “ngập” nhiều nơi trên đường Nguyễn Văn Linh.\tHọc sinh nghỉ. ";
    let check = |c: char, at: usize| {
        let mut s: String = "abc d".chars().cycle().take(at).collect();
        s.push(c);
        s.push_str(base);
        s.push(c);
        assert_eq!(count_words(&s), s.split_whitespace().count(), "{c:?} at {at}");
    };
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        check(c, c as usize % 140);
    }
    let tricky = [
        '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}',
        '\u{202f}', '\u{205f}', '\u{3000}', '“', '–', '…', '\u{2080}', '\u{1e80}', ' ', '\n', 'a', 'ậ',
    ];
    for c in tricky {
        for at in 0..200 {
            check(c, at);
        }
    }
}

#[test]
fn a_word_split_by_markup_or_quotes_counts_once() {
    // Smart punctuation splits the text at quotes, and emphasis at its markers: the
    // reader sees one word each time.
    let r = render("Một \"kênh\" đặc **biệt**, rất*đặc*biệt.\n\n```\nlet x = 1;\n```\n", false);
    assert_eq!(r.words, "Một “kênh” đặc biệt, rấtđặcbiệt. let x = 1;".split_whitespace().count());
}

#[test]
fn folded_unique_heading_ids() {
    let r = render("## Kết quả\n\n## Kết quả\n\n### Đà Nẵng\n", false);
    assert!(r.html.contains("<h2 id=\"ket-qua\">Kết quả</h2>"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"da-nang\">"), "{}", r.html);
    assert!(r.html.contains("id=\"ket-qua-1\""), "{}", r.html);
    // A body using `#` moves down under the title; one starting at `###` moves up.
    let r = render("# Một\n\n## Hai\n", false);
    assert!(r.html.contains("<h2 id=\"mot\">") && r.html.contains("<h3 id=\"hai\">"), "{}", r.html);
    let r = render("### Ba\n", false);
    assert!(r.html.contains("<h2 id=\"ba\">"), "{}", r.html);
}

#[test]
fn javascript_links_never_survive() {
    for md in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\u{0}script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
    ] {
        for unsafe_html in [false, true] {
            let html = render(md, unsafe_html).html.to_lowercase();
            if unsafe_html && md.starts_with('<') {
                continue; // raw HTML is the site owner's choice under unsafe_html
            }
            assert!(!html.contains("href=\"javascript"), "{md} → {html}");
            assert!(!html.contains("href=\"&#"), "{md} → {html}");
        }
    }
}

#[test]
fn raw_html_sanitised() {
    let html = render("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>", false).html;
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
}

#[test]
fn code_highlighted_and_fence_info_escaped() {
    let html = render("```rust\nfn main() {}\n```\n", false).html;
    assert!(html.contains("class=\"language-rust\""), "{html}");
    assert!(html.contains("hl-"), "{html}");
    let html = render("```\"><script>alert(1)</script>\n<b>x</b>\n```\n", false).html;
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;b&gt;"), "{html}");
}

#[test]
fn first_paragraph_and_summary_cut() {
    let r = render("# Tựa\n\nĐoạn một\ndòng hai.\n\nĐoạn hai.", false);
    assert_eq!(r.first_paragraph, "Đoạn một dòng hai.");
    let long = "từ ".repeat(200);
    let s = cut_summary(&long);
    assert!(s.chars().count() <= SUMMARY_CHARS + 1 && s.ends_with("từ…"), "{s}");
}

#[test]
fn summary_cut_reads_only_what_it_needs_and_cuts_as_the_whole_line_would() {
    // The cut as made from the whole text on one line.
    let whole = |text: &str| {
        let text = text::single_line(text);
        if text.chars().count() <= SUMMARY_CHARS {
            return text;
        }
        let cut: String = text.chars().take(SUMMARY_CHARS).collect();
        let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
        let mut s = cut[..at].trim_end_matches([',', ';', ':', '.', ' ', '-', '–']).to_string();
        s.push('…');
        s
    };
    let words = ["Đà", "Nẵng,", "mưa", "–", "x", "nghiêng.", "\u{a0}", "ậ"];
    for n in 0..400 {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(words[(i * 7 + n) % words.len()]);
            text.push_str(if i % 5 == 0 { "  \n" } else { " " });
        }
        assert_eq!(cut_summary(&text), whole(&text), "{n}");
    }
    for len in SUMMARY_CHARS - 3..SUMMARY_CHARS + 3 {
        let text = "a".repeat(len);
        assert_eq!(cut_summary(&text), whole(&text), "{len}");
        let text = format!("{} b", "a".repeat(len));
        assert_eq!(cut_summary(&text), whole(&text), "{len}");
    }
}

#[test]
fn a_video_alone_in_its_paragraph_shows_as_one_and_among_words_stays_a_link() {
    let r = render(
        "https://youtu.be/jNQXAC9IVRw?t=1m5s\n\nLời dẫn.\n\n[Phóng sự: lũ ở miền Trung](https://vimeo.com/146022717)\n\nXem https://youtu.be/jNQXAC9IVRw và [video](https://youtu.be/jNQXAC9IVRw) nữa.\n\nhttps://www.youtube.com/channel/UC1\n",
        false,
    );
    let doc = scraper::Html::parse_fragment(&r.html);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let videos: Vec<(String, String)> = doc
        .select(&select("figure.video > a.video-link"))
        .map(|a| (a.value().attr("href").unwrap_or_default().to_string(), a.text().collect()))
        .collect();
    assert_eq!(
        videos,
        [
            (
                "https://www.youtube.com/watch?v=jNQXAC9IVRw&t=65s".to_string(),
                "youtu.be/jNQXAC9IVRw?t=1m5s".to_string()
            ),
            ("https://vimeo.com/146022717".to_string(), "Phóng sự: lũ ở miền Trung".to_string()),
        ],
        "{}",
        r.html
    );
    // No figure inside a paragraph; the summary is the first paragraph of words.
    assert!(doc.select(&select("p figure")).next().is_none(), "{}", r.html);
    assert_eq!(r.first_paragraph, "Lời dẫn.");
    // Among words, and an address that is no video's: as written.
    assert_eq!(doc.select(&select("p a")).count(), 1, "{}", r.html);
    assert!(r.html.contains("<p>https://www.youtube.com/channel/UC1</p>"), "{}", r.html);
    // With raw HTML elsewhere the sanitiser runs over it all, and keeps the video.
    let r = render("https://youtu.be/jNQXAC9IVRw\n\n<b>x</b>\n", false);
    assert!(r.html.contains("<figure class=\"video\"><a class=\"video-link\" href=\"https://www.youtube.com/watch?v=jNQXAC9IVRw\""), "{}", r.html);
}

#[test]
fn a_link_to_a_sound_file_alone_in_its_paragraph_shows_a_player_and_among_words_stays_a_link() {
    let md = "[Bản tin 18 giờ](<Bản tin 18h.mp3#t=5>)\n\nLời dẫn.\n\nNghe [bản tin](ban-tin.mp3) nữa.\n\n\
              [Phóng sự](phong-su.mp4)\n\n[Ghi âm](https://radio.example/a.mp3)\n";
    for md in [md.to_string(), format!("{md}\n<b>x</b>\n")] {
        let r = render(&md, false);
        let doc = scraper::Html::parse_fragment(&r.html);
        let select = |css: &str| scraper::Selector::parse(css).expect("selector");
        let marker = format!("{}B%E1%BA%A3n%20tin%2018h.mp3#t=5", super::ATTACHMENT_LINK);
        let players: Vec<(String, String, usize)> = doc
            .select(&select("figure.audio > a.audio-link"))
            .map(|a| {
                let play = a.select(&select("span.audio-play")).count();
                (a.value().attr("href").unwrap_or_default().to_string(), a.text().collect(), play)
            })
            .collect();
        assert_eq!(players, [(marker.clone(), "Bản tin 18 giờ".to_string(), 1)], "{}", r.html);
        // Not in a paragraph; the summary is the first paragraph of words.
        assert!(doc.select(&select("p figure")).next().is_none(), "{}", r.html);
        assert_eq!(r.first_paragraph, "Lời dẫn.");
        // Among words, a video file, a sound on another site: links as written.
        assert_eq!(doc.select(&select("p a")).count(), 3, "{}", r.html);
    }
}

#[test]
fn hugo_shortcodes_left_in_the_text_are_listed() {
    let md = "Mở.\n\n{{< youtube w7Ejrb8jv5M >}}\n\nChữ {{<figure src=\"a.jpg\">}} và {{% notice %}}x{{% /notice %}}.\n\n```\n{{< mã >}}\n```\n";
    let r = render(md, false);
    let listed: Vec<(&str, usize)> = r.shortcodes.iter().map(|(c, at)| (c.as_str(), *at)).collect();
    assert_eq!(
        listed,
        [
            ("{{< youtube w7Ejrb8jv5M >}}", md.find("{{< you").unwrap_or(0)),
            ("{{<figure src=\"a.jpg\">}}", md.find("{{<fig").unwrap_or(0)),
            ("{{% notice %}}", md.find("{{% notice").unwrap_or(0)),
        ]
    );
}

#[test]
fn footnote_ids_are_prefixed_slugs_that_match_their_references() {
    let r = render("# 1\n\nMột[^1] hai[^Ghi chú] ba[^1].\n\n[^1]: Nguồn.\n\n[^Ghi chú]: Chú thích.\n", false);
    let doc = scraper::Html::parse_fragment(&r.html);
    let ids: Vec<&str> = doc
        .select(&scraper::Selector::parse("[id]").expect("selector"))
        .filter_map(|e| e.value().attr("id"))
        .collect();
    assert_eq!(ids, ["1", "fn-1", "fn-ghi-chu"], "{}", r.html);
    let hrefs: Vec<&str> = doc
        .select(&scraper::Selector::parse("sup a").expect("selector"))
        .filter_map(|e| e.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["#fn-1", "#fn-ghi-chu", "#fn-1"], "{}", r.html);
}

#[test]
fn tables_footnotes_tasks() {
    let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nx[^1]\n\n[^1]: chú thích\n\n- [x] xong\n", false);
    assert!(r.html.contains("<table>"), "{}", r.html);
    assert!(r.html.contains("footnote-definition"), "{}", r.html);
    assert!(r.html.contains("checkbox"), "{}", r.html);
}

#[test]
fn images_without_alt_are_listed() {
    let r = render("![](a.png) ![ảnh](b.png)", false);
    assert_eq!(r.images_without_alt, vec![("a.png".to_string(), 0)]);
}

#[test]
fn links_relative_to_the_page_are_listed_and_others_are_not() {
    let r = render(
        "[a](bao-cao.pdf) [b](../tags/x/) [c](/tep/a.pdf) [d](#1) [e](https://x.vn/a) [f](mailto:a@x.vn) [g](x.md) [h](//cdn.vn/x) [i](?q=1)",
        false,
    );
    let listed: Vec<&str> = r.relative_links.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(listed, ["../tags/x/"]);
    let attached: Vec<&str> = r.attachments.iter().map(|l| l.target.as_str()).collect();
    // A file from the root is told of as one beside the bulletin is; other links from the
    // root (a page, a folder) are only put under the site's root.
    assert_eq!(attached, ["bao-cao.pdf", "/tep/a.pdf"]);
    assert!(r.html.contains(&format!("href=\"{}bao-cao.pdf\"", super::ATTACHMENT_LINK)), "{}", r.html);
    assert!(r.html.contains(&format!("href=\"{}/tep/a.pdf\"", super::ATTACHMENT_LINK)), "{}", r.html);
    assert!(r.html.contains("href=\"//cdn.vn/x\""), "{}", r.html);
    let r = render("[a](/gioi-thieu/) [b](/tep/trang.html) [c](/tep/a.pdf#page=2)", false);
    let attached: Vec<&str> = r.attachments.iter().map(|l| l.target.as_str()).collect();
    assert_eq!(attached, ["/tep/a.pdf#page=2"]);
    assert!(r.html.contains(&format!("href=\"{}gioi-thieu/\"", super::ROOT_LINK)), "{}", r.html);
    assert!(r.html.contains(&format!("href=\"{}tep/trang.html\"", super::ROOT_LINK)), "{}", r.html);
}

#[test]
fn only_relative_links_to_files_are_attachments() {
    for (dest, attachment) in [
        ("quyet-dinh.pdf", true),
        ("so-lieu/Bảng.XLSX#x", true),
        ("../07/a.docx?v=2", true),
        ("anh.jpg", true),
        ("../tags/x/", false),
        ("bai.html", false),
        ("ban-tin", false),
        ("v1.", false),
        (".env", false),
        ("www.baochinhphu.vn", false),
        ("baochinhphu.vn/a.pdf", false),
        ("https://x.vn/a.pdf", false),
        ("/tep/a.pdf", false),
        ("x.md", false),
        ("a.tar.gzipped", false),
    ] {
        assert_eq!(super::is_attachment_link(dest), attachment, "{dest}");
    }
}

#[test]
fn internal_links_become_markers() {
    let r = render("x [a](../2020/b.md#top) [c](@/2021/01/d.md) [e](https://x.vn/f.md) [g](h.md)", false);
    let targets: Vec<&str> = r.internal_links.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(targets, ["../2020/b.md#top", "@/2021/01/d.md", "h.md"]);
    assert_eq!(r.internal_links[0].1, 2);
    assert!(r.html.contains("href=\"#bantin-link:../2020/b.md#top\""), "{}", r.html);
    assert!(r.html.contains("href=\"https://x.vn/f.md\""), "{}", r.html);
}
