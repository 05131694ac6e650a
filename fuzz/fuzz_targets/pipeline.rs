//! The whole bulletin pipeline — front matter, Markdown, HTML, search tokens, archive, search
//! index — never panics on any text, and never lets a script through the sanitiser.
#![no_main]
use libfuzzer_sys::fuzz_target;

use bantin::archive::Archive;
use bantin::config::Config;
use bantin::content::{SourceFile, parse_bulletin};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let tz = jiff::tz::TimeZone::UTC;
    // As a whole file, and as a body behind valid front matter.
    let wrapped = format!("---\ntitle: t\ndate: 2020-01-01\n---\n{text}");
    for source in [text.to_string(), wrapped] {
        let src = SourceFile { rel_path: "content/f.md".into(), text: source };
        let Ok(b) = parse_bulletin(&src, &tz) else { continue };
        let r = bantin::markdown::render(&b.body, false);
        let lower = r.html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "a script survived: {}", r.html);
        assert!(!lower.contains("href=\"javascript:"), "a javascript: link survived: {}", r.html);
        let _ = bantin::text::tokenize(&r.plain);
        let Ok(mut archive) = Archive::build(&Config::default(), vec![(b, r)]) else { continue };
        let _ = bantin::search::build_index(&mut archive, &|d| d.machine());
    }
});
