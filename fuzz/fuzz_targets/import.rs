//! The importers (seed text, Hugo/Zola/Jekyll Markdown, JSON Lines, WordPress exports) never panic, and what they
//! read is written as front matter that reads back with the same title, authors and tags.
#![no_main]
use libfuzzer_sys::fuzz_target;

use bantin::content::{FrontMatter, NewBulletin, split_front_matter};
use bantin::text;

fn round_trip(c: &bantin::import::Candidate) {
    let title = text::single_line(&text::normalize(&c.title));
    if title.is_empty() {
        return;
    }
    let mut b = NewBulletin::new(title.clone(), "2020-01".into()).with_authors(text::clean_names(&c.authors));
    b.tags = text::clean_names(&c.tags);
    let file = b.to_file(&text::normalize(&c.body)).expect("serialise");
    let split = split_front_matter(&file).expect("our own front matter splits");
    let fm = FrontMatter::parse(split.yaml, split.yaml_line).expect("our own front matter parses");
    assert_eq!(fm.title.as_deref(), Some(title.as_str()));
    assert_eq!(fm.tags(), b.tags.as_slice());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for name in ["a.md", "2020-01-06-tin.md", "a.txt"] {
        if let Ok(Ok(c)) = bantin::import::read_text(name, text) {
            round_trip(&c);
        }
    }
    if let Ok(c) = bantin::import::read_json_line(text) {
        round_trip(&c);
    }
    // A post's body in a WordPress export around the input, and the input as an export.
    let wrapped = format!(
        "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item><title>T</title><content:encoded><![CDATA[{}]]></content:encoded><wp:post_date>2020-01-01 00:00:00</wp:post_date></item></channel></rss>",
        text.replace("]]>", "")
    );
    for export in [wrapped.as_str(), text] {
        for c in bantin::import::read_wordpress(export).into_iter().flatten().flatten() {
            round_trip(&c);
        }
    }
});
