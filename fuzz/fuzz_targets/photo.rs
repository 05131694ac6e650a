//! Any bytes given as a photo: reading what it is, making small variants of it and stripping
//! its metadata either give an error or a result, never a panic, and the variants made are
//! the sizes asked for.
#![no_main]
use bantin::photos::{Format, Want, make, probe, strip};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = strip(data);
    let Ok(probed) = probe(data, 2_000_000) else { return };
    let (w, h) = probed.upright();
    let width = w.min(48);
    let wants = [
        Want::Size { width, format: Format::Jpeg },
        Want::Size { width, format: Format::WebP },
        Want::Crop { width: w.min(h).min(32).max(1), height: w.min(h).min(32).max(1) },
    ];
    if let Ok(files) = make(data, &probed, &wants, 50) {
        assert_eq!(files.len(), wants.len());
        assert!(files.iter().all(|f| !f.is_empty()));
    }
});
