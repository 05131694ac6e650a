//! Front matter splitting and typing never panic, and errors carry a position.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match bantin::content::split_front_matter(text) {
        Ok(split) => {
            if let Err(d) = bantin::content::FrontMatter::parse(split.yaml, split.yaml_line) {
                assert!(d.line >= 1, "a front-matter error without a line: {d}");
            }
        }
        Err(d) => assert_eq!(d.line, 1),
    }
});
