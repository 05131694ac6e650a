//! The importers (seed text, Hugo/Jekyll Markdown, JSON Lines) never panic, and what they
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
});
