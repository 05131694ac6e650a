//! Photos: finding the file a bulletin's picture names, reading what it is (size, turn,
//! whether it carries a location), making its published variants (each ladder width as WebP and
//! JPEG, and the lead picture's crops), and the HTML that shows them. Every variant is decoded
//! and encoded again, so none carries the original's metadata: no GPS position, camera serial
//! number, maker notes or capture time reaches the published site.

use serde::{Deserialize, Serialize};

use crate::config::PhotoConfig;
use crate::hash::Fingerprint;

mod html;
mod probe;
mod process;
mod refs;
mod strip;

pub use html::{
    BODY_SIZES, CARD_SIZES, MARKER, Picture, crops, fallback, feed_html, figure_html, lead_addresses,
    picture, picture_html, replace_markers,
};
pub use probe::{Format, Probed, probe};
pub use process::{Want, make, verify};
pub use refs::{is_local, published_file, resolve};
pub use strip::strip;

/// What the build cache keeps of each photo file: (size, time, what it is), by its
/// site-relative path.
pub type Probes = rustc_hash::FxHashMap<String, (u64, i64, Probed)>;

/// A photo the build could not read or make: what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoError {
    pub message: String,
    pub hint: String,
}

impl PhotoError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> PhotoError {
        PhotoError { message: message.into(), hint: hint.into() }
    }
}

/// The three shapes Google asks of an article's lead picture (width : height), largest first
/// in area, each at most [`CROP_WIDTH`] wide. The first is the Open Graph picture too.
pub const CROPS: [(u32, u32); 3] = [(16, 9), (4, 3), (1, 1)];
/// The width of the lead picture's crops (what Google and social networks ask for).
pub const CROP_WIDTH: u32 = 1200;

/// A photo as pages show it: where its variants are and what size it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// The source, relative to the site root (`content/2020/01/anh.jpg`).
    pub source: String,
    /// Output path of its variants without width and extension, relative to the site root:
    /// `photos/3f/anh-3f9a04c21b`, whose files are `…-800.webp`, `…-800.jpg`, `…-1200x675.jpg`.
    pub stem: String,
    /// Upright size of the original, in pixels.
    pub width: u32,
    pub height: u32,
    /// The widths made, narrowest first.
    pub widths: Vec<u32>,
    /// The content hash of the source and the settings: what its variants are made from.
    pub key: u64,
}

/// One published file of a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Output path, relative to the site root.
    pub path: String,
    /// Name of the file in the photo's cache folder (`800.webp`).
    pub name: String,
    pub want: Want,
}

impl Photo {
    /// The photo of a source file whose content hash and what it is are known.
    pub fn new(source: &str, probed: &Probed, config: &PhotoConfig) -> Photo {
        let key = Fingerprint::new()
            .u64(probed.hash)
            .u64(u64::from(config.quality))
            .u64s(config.widths.iter().map(|&w| u64::from(w)))
            .u64(process::ENCODER_VERSION)
            .finish();
        let (width, height) = probed.upright();
        let name = std::path::Path::new(source).file_stem().and_then(|s| s.to_str()).unwrap_or("anh");
        let mut slug = crate::text::slugify(name);
        if slug.is_empty() {
            slug = "anh".into();
        }
        slug.truncate(60);
        let hex = format!("{key:016x}");
        Photo {
            source: source.to_string(),
            stem: format!("photos/{}/{}-{}", &hex[..2], slug.trim_end_matches('-'), &hex[..10]),
            width,
            height,
            widths: ladder(width, &config.widths),
            key,
        }
    }

    /// The height of the variant `width` pixels wide.
    pub fn height_at(&self, width: u32) -> u32 {
        scaled(self.height, width, self.width)
    }

    /// The size of a lead crop of shape `w:h`: as wide as [`CROP_WIDTH`], or as the photo
    /// allows.
    pub fn crop_size(&self, (rw, rh): (u32, u32)) -> (u32, u32) {
        let width = CROP_WIDTH.min(self.width).min(scaled(self.height, rw, rh)).max(1);
        (width, scaled(width, rh, rw).max(1))
    }

    /// Output path of a variant.
    pub fn file(&self, width: u32, format: Format) -> String {
        format!("{}-{width}.{}", self.stem, format.extension())
    }

    /// Output path of a lead crop.
    pub fn crop_file(&self, (w, h): (u32, u32)) -> String {
        format!("{}-{w}x{h}.jpg", self.stem)
    }

    /// Every file of this photo: each width in both formats and, for a lead picture, its crops.
    pub fn variants(&self, lead: bool) -> Vec<Variant> {
        let mut out = Vec::new();
        for &width in &self.widths {
            for format in [Format::WebP, Format::Jpeg] {
                out.push(Variant {
                    path: self.file(width, format),
                    name: format!("{width}.{}", format.extension()),
                    want: Want::Size { width, format },
                });
            }
        }
        if lead {
            for shape in CROPS {
                let (width, height) = self.crop_size(shape);
                out.push(Variant {
                    path: self.crop_file((width, height)),
                    name: format!("{width}x{height}.jpg"),
                    want: Want::Crop { width, height },
                });
            }
        }
        out
    }
}

/// The photos of a build: each distinct one, and which ones each bulletin shows.
#[derive(Debug, Default)]
pub struct PhotoSet {
    pub photos: Vec<Photo>,
    /// Whether each is some bulletin's lead picture (and so has crops).
    pub lead: Vec<bool>,
    /// Per archive entry, in archive order: its pictures.
    pub entries: Vec<EntryPhotos>,
}

/// The photos one bulletin shows: indexes into [`PhotoSet::photos`].
#[derive(Debug, Default, Clone)]
pub struct EntryPhotos {
    /// Its lead picture (`image:`), when that is a file of the site.
    pub lead: Option<usize>,
    /// Each site picture of its body, in order ([`crate::markdown::PhotoRef`]).
    pub body: Vec<Option<usize>>,
}

impl PhotoSet {
    /// The lead photo of entry `i`.
    pub fn lead_of(&self, i: usize) -> Option<&Photo> {
        self.entries.get(i)?.lead.map(|p| &self.photos[p])
    }

    /// The `n`th site picture of entry `i`'s body.
    pub fn body_of(&self, i: usize, n: usize) -> Option<&Photo> {
        self.entries.get(i)?.body.get(n).copied().flatten().map(|p| &self.photos[p])
    }

    /// The key of entry `i`'s lead photo (what its card shows), 0 without one.
    pub fn lead_key(&self, i: usize) -> u64 {
        self.lead_of(i).map_or(0, key_of)
    }

    /// The key of every photo entry `i`'s page shows.
    pub fn entry_key(&self, i: usize) -> u64 {
        let mut f = Fingerprint::new();
        if let Some(e) = self.entries.get(i) {
            f.u64(self.lead_key(i));
            for p in &e.body {
                f.u64(p.map_or(0, |p| key_of(&self.photos[p])));
            }
        }
        f.finish()
    }
}

/// A photo's key together with where it is published and its size: all a page shows of it.
fn key_of(p: &Photo) -> u64 {
    Fingerprint::new().u64(p.key).str(&p.stem).u64(u64::from(p.width)).u64(u64::from(p.height)).finish()
}

/// `value × num / den`, rounded, for sizes.
fn scaled(value: u32, num: u32, den: u32) -> u32 {
    ((u64::from(value) * u64::from(num) + u64::from(den) / 2) / u64::from(den.max(1))) as u32
}

/// The widths made of a photo `width` pixels wide: the ladder's narrower ones and, when the
/// photo is narrower than the widest, its own width (pictures are never made larger).
fn ladder(width: u32, widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = widths.iter().copied().filter(|&w| w < width).collect();
    if widths.last().is_none_or(|&max| width <= max) {
        out.push(width);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_never_makes_a_photo_larger() {
        assert_eq!(ladder(4000, &[480, 800, 1200, 1600]), vec![480, 800, 1200, 1600]);
        assert_eq!(ladder(1000, &[480, 800, 1200, 1600]), vec![480, 800, 1000]);
        assert_eq!(ladder(300, &[480, 800]), vec![300]);
        assert_eq!(ladder(800, &[480, 800]), vec![480, 800]);
    }

    #[test]
    fn crops_fit_inside_the_photo() {
        let probed = Probed {
            hash: 1,
            format: Format::Jpeg,
            width: 4000,
            height: 3000,
            orientation: 1,
            location: None,
            serial: false,
        };
        let photo = Photo::new("content/a/Ảnh lễ hội.jpg", &probed, &PhotoConfig::default());
        assert_eq!(photo.crop_size((16, 9)), (1200, 675));
        assert_eq!(photo.crop_size((1, 1)), (1200, 1200));
        assert!(photo.stem.starts_with("photos/"), "{}", photo.stem);
        assert!(photo.stem.contains("/anh-le-hoi-"), "{}", photo.stem);
        let small = Probed { width: 900, height: 600, ..probed };
        let photo = Photo::new("a.jpg", &small, &PhotoConfig::default());
        assert_eq!(photo.crop_size((1, 1)), (600, 600));
        assert_eq!(photo.crop_size((16, 9)), (900, 506));
        // 320, 480, 800 and its own 900, in two formats, and the three crops.
        assert_eq!(photo.variants(true).len(), 4 * 2 + 3);
    }
}
