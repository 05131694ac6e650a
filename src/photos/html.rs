//! The HTML of a published photo: `<picture>` with a WebP and a JPEG `srcset`, `width` and
//! `height` (so the page does not move as it loads), lazy loading except for the lead picture,
//! and a `<figcaption>` from the picture's title.

use serde::Serialize;

use super::{CROPS, Photo, probe::Format};
use crate::text::escape::xml;

/// `src` of a site photo's placeholder in rendered Markdown, followed by its number.
pub const MARKER: &str = "#bantin-photo:";

/// How wide a body picture shows: the whole column on a phone, 42rem beside it.
pub const BODY_SIZES: &str = "(max-width: 44rem) 100vw, 42rem";
/// How wide a card's picture shows.
pub const CARD_SIZES: &str = "(max-width: 40rem) 100vw, 20rem";
/// The width of the JPEG a browser without `srcset` (and a feed reader) is given.
const FALLBACK_WIDTH: u32 = 800;

/// A published photo as a template shows it: addresses relative to the page.
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    /// The JPEG for browsers without `srcset`.
    pub src: String,
    /// `srcset` of the WebP and of the JPEG variants.
    pub webp: String,
    pub jpeg: String,
    /// Upright size of the original (the ratio every variant has).
    pub width: u32,
    pub height: u32,
}

/// The picture of `photo` for a page whose path to the site root is `prefix`.
pub fn picture(photo: &Photo, prefix: &str) -> Picture {
    let set = |format| {
        let mut out = String::new();
        for (i, &w) in photo.widths.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("{prefix}{} {w}w", photo.file(w, format)));
        }
        out
    };
    Picture {
        src: format!("{prefix}{}", fallback(photo)),
        webp: set(Format::WebP),
        jpeg: set(Format::Jpeg),
        width: photo.width,
        height: photo.height,
    }
}

/// The JPEG for browsers without `srcset`, relative to the site root.
pub fn fallback(photo: &Photo) -> String {
    photo.file(fallback_width(photo), Format::Jpeg)
}

/// The widest variant no wider than [`FALLBACK_WIDTH`] (or the narrowest).
fn fallback_width(photo: &Photo) -> u32 {
    let first = photo.widths.first().copied().unwrap_or(photo.width);
    photo.widths.iter().copied().filter(|&w| w <= FALLBACK_WIDTH).max().unwrap_or(first)
}

/// `<picture>` HTML. `eager` for the page's lead picture: loaded at once, before others.
pub fn picture_html(p: &Picture, alt: &str, sizes: &str, eager: bool) -> String {
    let loading = if eager { r#"fetchpriority="high""# } else { r#"loading="lazy""# };
    format!(
        r#"<picture><source type="image/webp" srcset="{}" sizes="{sizes}"><img src="{}" srcset="{}" sizes="{sizes}" width="{}" height="{}" alt="{}" {loading} decoding="async"></picture>"#,
        xml(&p.webp),
        xml(&p.src),
        xml(&p.jpeg),
        p.width,
        p.height,
        xml(alt),
    )
}

/// `<figure>` HTML: the picture and, when there is one, its caption.
pub fn figure_html(p: &Picture, alt: &str, caption: &str, eager: bool) -> String {
    let mut out = String::from(r#"<figure class="photo">"#);
    out.push_str(&picture_html(p, alt, BODY_SIZES, eager));
    if !caption.trim().is_empty() {
        out.push_str(&format!("<figcaption>{}</figcaption>", xml(caption.trim())));
    }
    out.push_str("</figure>");
    out
}

/// A picture in a feed: one JPEG at an absolute address (feed readers do not all read
/// `<picture>`), with its size, and the caption when it stands alone.
pub fn feed_html(photo: &Photo, base: &str, alt: &str, caption: &str, block: bool) -> String {
    let w = fallback_width(photo);
    let img = format!(
        r#"<img src="{}/{}" width="{w}" height="{}" alt="{}">"#,
        xml(base),
        xml(&photo.file(w, Format::Jpeg)),
        photo.height_at(w),
        xml(alt)
    );
    if !block {
        return img;
    }
    let caption = if caption.trim().is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", xml(caption.trim()))
    };
    format!("<figure>{img}{caption}</figure>")
}

/// A lead picture's crops, absolute: (address, width, height), 16:9 first (the Open Graph
/// picture), then 4:3 and 1:1.
pub fn crops(photo: &Photo, base: &str) -> Vec<(String, u32, u32)> {
    CROPS
        .iter()
        .map(|&shape| {
            let (w, h) = photo.crop_size(shape);
            (format!("{base}/{}", photo.crop_file((w, h))), w, h)
        })
        .collect()
}

/// A bulletin's lead picture as feeds and search engines take it, absolute: its photo's crops
/// ([`crops`], 16:9 first) with their sizes when bantin made them, else the web address its
/// `image:` gives (size unknown), else none.
pub fn lead_addresses(
    photo: Option<&Photo>,
    image: Option<&str>,
    base: &str,
) -> Vec<(String, Option<(u32, u32)>)> {
    match photo {
        Some(photo) => crops(photo, base).into_iter().map(|(url, w, h)| (url, Some((w, h)))).collect(),
        None => {
            image.filter(|img| img.contains("://")).map(|url| (url.to_owned(), None)).into_iter().collect()
        }
    }
}

/// `html` with each photo placeholder (`<img src="#bantin-photo:N" …>`) replaced by what
/// `show(N)` makes of it (left as it is when `show` gives nothing).
pub fn replace_markers(
    html: &str,
    mut show: impl FnMut(usize) -> Option<String>,
) -> std::borrow::Cow<'_, str> {
    let open = format!(r#"<img src="{MARKER}"#);
    if !html.contains(&open) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let end = after.find('>');
        match (after[..digits].parse::<usize>().ok().and_then(&mut show), end) {
            (Some(shown), Some(end)) => {
                out.push_str(&rest[..at]);
                out.push_str(&shown);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..at + open.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_replaced_and_everything_else_kept() {
        let html = r##"<p>a</p><img src="#bantin-photo:0" alt="x &gt; y" /><p>b <img src="#bantin-photo:1" alt="z"> c</p>"##;
        let out = replace_markers(html, |n| Some(format!("[{n}]")));
        assert_eq!(out, "<p>a</p>[0]<p>b [1] c</p>");
        let kept = replace_markers(html, |n| (n == 1).then(|| "[1]".to_string()));
        assert!(kept.contains(r##"<img src="#bantin-photo:0""##) && kept.contains("b [1] c"), "{kept}");
    }
}
