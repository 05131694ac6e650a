//! `[photos]` of site.toml: the widths each photo is published at, and how it is encoded.

use serde::Deserialize;

use crate::diag::Diagnostic;

/// How photos are published (`[photos]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhotoConfig {
    /// The widths, in pixels, each photo is made at (never wider than the photo itself), as
    /// WebP and as JPEG.
    pub widths: Vec<u32>,
    /// Encoding quality of both formats, 1 to 100.
    pub quality: u8,
    /// The largest picture bantin will decode, in millions of pixels: a larger one is refused
    /// (a "decompression bomb" is a small file that decodes to billions of pixels).
    pub max_megapixels: u32,
}

impl Default for PhotoConfig {
    fn default() -> Self {
        PhotoConfig { widths: vec![320, 480, 800, 1200, 1600], quality: 75, max_megapixels: 100 }
    }
}

/// The narrowest and widest widths a ladder may hold.
const WIDTH_RANGE: std::ops::RangeInclusive<u32> = 16..=8192;

impl PhotoConfig {
    /// Sorts the ladder and checks it and the quality; `at` places a diagnostic on a key.
    pub(super) fn validate(&mut self, at: impl Fn(Diagnostic, &str) -> Diagnostic) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        self.widths.sort_unstable();
        self.widths.dedup();
        if self.widths.is_empty() || self.widths.iter().any(|w| !WIDTH_RANGE.contains(w)) {
            errors.push(
                at(
                    Diagnostic::error(format!(
                        "`widths` of [photos] must list widths from {} to {} pixels",
                        WIDTH_RANGE.start(),
                        WIDTH_RANGE.end()
                    )),
                    "widths",
                )
                .with_hint("the default is `widths = [320, 480, 800, 1200, 1600]`"),
            );
        }
        if !(1..=100).contains(&self.quality) {
            errors.push(
                at(Diagnostic::error("`quality` of [photos] must be from 1 to 100"), "quality")
                    .with_hint("the default is 75: small files that still look sharp"),
            );
        }
        if self.max_megapixels == 0 {
            errors.push(
                at(Diagnostic::error("`max_megapixels` of [photos] must be at least 1"), "max_megapixels")
                    .with_hint("the default is 100 (a 12 MP camera photo is 12)"),
            );
        }
        errors
    }

    /// The largest number of pixels a photo may have.
    pub fn max_pixels(&self) -> u64 {
        u64::from(self.max_megapixels) * 1_000_000
    }
}
