//! A bulletin page's pictures: its body's site photos as figures (or, among words, as
//! pictures), and its lead picture for the page, Open Graph and JSON-LD.

use super::*;

impl<'a> Renderer<'a> {
    /// Entry `i`'s body HTML with each site photo's placeholder replaced by its `<figure>`
    /// (alone in its paragraph) or `<picture>` (among words), addresses relative to `root`.
    /// Without a lead picture, the body's first photo is the one loaded at once.
    pub(super) fn body_with_photos<'h>(
        &self,
        i: usize,
        html: &'h str,
        root: &str,
    ) -> std::borrow::Cow<'h, str> {
        let e = &self.archive.entries[i];
        let mut first = self.photos.lead_of(i).is_none() && e.bulletin.lead.is_none();
        crate::photos::replace_markers(html, |n| {
            let (r, photo) = (e.facts.photos.get(n)?, self.photos.body_of(i, n)?);
            let picture = crate::photos::picture(photo, root);
            let eager = std::mem::take(&mut first);
            Some(if r.block {
                crate::photos::figure_html(&picture, &r.alt, &r.title, eager)
            } else {
                crate::photos::picture_html(&picture, &r.alt, crate::photos::BODY_SIZES, eager)
            })
        })
    }

    /// Entry `i`'s lead picture as its page shows it (`root`: the page's way to the site root).
    pub(super) fn lead_view(&self, i: usize, root: &str) -> Option<ImageView<'a>> {
        let b = &self.archive.entries[i].bulletin;
        let lead = b.lead.as_deref()?;
        let img = &lead.image;
        let alt = lead.alt.as_deref().unwrap_or_default();
        let caption = lead.caption.as_deref().unwrap_or_default();
        let sizes = crate::photos::BODY_SIZES;
        Some(match self.photos.lead_of(i) {
            Some(photo) => {
                let p = crate::photos::picture(photo, root);
                let (abs, abs_width, abs_height) =
                    crate::photos::crops(photo, self.config.base()).into_iter().next().unwrap_or_default();
                ImageView {
                    src: p.src,
                    webp: p.webp,
                    jpeg: p.jpeg,
                    sizes,
                    width: p.width,
                    height: p.height,
                    abs,
                    abs_width,
                    abs_height,
                    alt,
                    caption,
                }
            }
            None => ImageView {
                src: img.clone(),
                webp: String::new(),
                jpeg: String::new(),
                sizes,
                width: 0,
                height: 0,
                abs: img.clone(),
                abs_width: 0,
                abs_height: 0,
                alt,
                caption,
            },
        })
    }

    /// Entry `i`'s pictures for JSON-LD's `image`: its lead photo in the three shapes Google
    /// asks for (16:9, 4:3, 1:1), or its lead picture's web address.
    pub(super) fn lead_images_ld(&self, i: usize) -> Vec<String> {
        let image = self.archive.entries[i].bulletin.image();
        crate::photos::lead_addresses(self.photos.lead_of(i), image, self.config.base())
            .into_iter()
            .map(|(url, _)| url)
            .collect()
    }
}
