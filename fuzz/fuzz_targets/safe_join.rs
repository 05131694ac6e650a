//! `safe_join` never returns a path outside the root.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::{Component, Path};

fuzz_target!(|data: &[u8]| {
    let Ok(rel) = std::str::from_utf8(data) else { return };
    let root = Path::new("/srv/site/public");
    if let Ok(p) = bantin::output::safe_join(root, rel) {
        let tail = p.strip_prefix(root).expect("inside the root");
        assert!(tail.components().all(|c| matches!(c, Component::Normal(_))), "{rel:?} → {}", p.display());
        assert!(tail.components().count() >= 1);
    }
});
