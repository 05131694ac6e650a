//! WordPress's shortcodes in a post's text, as Markdown: `[caption]` around a picture becomes
//! a captioned picture; `[gallery]` its pictures, each a captioned picture in its own
//! paragraph (bantin shows each as a photo); `[audio]` and `[video]` a link to the file alone
//! in its paragraph (a recording plays in the page, a video's page shows its player);
//! `[embed]` the address alone in its paragraph. Any other is named in a note and left.

use std::collections::HashMap;

use super::{Item, attribute, strip_tags};

/// A file uploaded to the site (an attachment item of the export).
pub(super) struct Upload<'a> {
    pub url: &'a str,
    /// Its caption (the attachment's excerpt) and its alternative text, as plain text.
    caption: String,
    alt: String,
    /// The post it was uploaded to, and its place among that post's uploads.
    parent: &'a str,
    order: (i64, i64),
}

/// The export's uploads, by id.
pub(super) struct Uploads<'a>(HashMap<&'a str, Upload<'a>>);

impl<'a> Uploads<'a> {
    pub(super) fn of(items: impl Iterator<Item = &'a Item>) -> Self {
        let number = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        Uploads(
            items
                .filter_map(|i| {
                    let id = i.get("wp:post_id")?;
                    let text = |s: Option<&str>| crate::text::single_line(&strip_tags(s.unwrap_or_default()));
                    let upload = Upload {
                        url: i.get("wp:attachment_url")?,
                        caption: text(i.get("excerpt:encoded")),
                        alt: text(i.meta.get("_wp_attachment_image_alt").map(String::as_str)),
                        parent: i.get("wp:post_parent").unwrap_or("0"),
                        order: (number(i.get("wp:menu_order")), number(Some(id))),
                    };
                    Some((id, upload))
                })
                .collect(),
        )
    }

    pub(super) fn get(&self, id: &str) -> Option<&Upload<'a>> {
        self.0.get(id)
    }

    /// The pictures uploaded to post `post`, in their order in its media (then by id).
    fn of_post(&self, post: &str) -> Vec<&Upload<'a>> {
        let mut found: Vec<&Upload> =
            self.0.values().filter(|u| u.parent == post && is_picture(u.url)).collect();
        found.sort_by_key(|u| u.order);
        found
    }

    /// The upload at `url`, if it is one.
    fn at(&self, url: &str) -> Option<&Upload<'a>> {
        self.0.values().find(|u| u.url == url)
    }
}

fn is_picture(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    crate::content::is_picture(std::path::Path::new(path))
}

/// A picture alone in its paragraph, its caption as its title.
fn picture(src: &str, alt: &str, caption: &str) -> String {
    let alt = if alt.trim().is_empty() { caption } else { alt };
    let title =
        if caption.is_empty() { String::new() } else { format!(" \"{}\"", caption.replace('"', "\\\"")) };
    format!("\n\n![{}](<{src}>{title})\n\n", alt.replace(['[', ']'], ""))
}

/// A WordPress shortcode at the start of `s` (in post `post`) as Markdown, and how much of `s`
/// it took. One bantin has no reading of is named in `notes` and left as it was.
pub(super) fn shortcode(
    s: &str,
    uploads: &Uploads,
    post: &str,
    notes: &mut Vec<String>,
) -> Option<(String, usize)> {
    let open_end = s.find(']')?;
    let open = &s[1..open_end];
    let tag = &s[..open_end + 1];
    let name: String =
        open.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')).collect();
    if name.is_empty() || !(open.len() == name.len() || open[name.len()..].starts_with(' ')) {
        return None;
    }
    let close = format!("[/{name}]");
    let inner_and_end = s[open_end + 1..]
        .find(&close)
        .map(|at| (&s[open_end + 1..open_end + 1 + at], open_end + 1 + at + close.len()));
    // Where a shortcode that may stand alone ends.
    let end = inner_and_end.map_or(open_end + 1, |(_, end)| end);
    let left = |notes: &mut Vec<String>, why: &str| {
        notes.push(format!("the WordPress shortcode [{name}] is left as it was: {why}"));
        Some((s[..end].to_string(), end))
    };
    match (name.as_str(), inner_and_end) {
        ("caption", Some((inner, end))) => {
            let img = inner.find("<img").map(|at| &inner[at..])?;
            let img = &img[..img.find('>')? + 1];
            let src = attribute(img, "src")?;
            let alt = attribute(img, "alt").unwrap_or_default();
            let caption = strip_tags(&attribute(tag, "caption").unwrap_or_else(|| inner.to_string()));
            Some((picture(&src, &alt, &crate::text::single_line(&caption)), end))
        }
        ("embed", Some((inner, end))) => Some((format!("\n\n{}\n\n", inner.trim()), end)),
        ("gallery", _) => {
            // Its pictures by id (`ids`, or the older `include`), else those uploaded to the post.
            let ids = attribute(tag, "ids").or_else(|| attribute(tag, "include"));
            let (found, missing): (Vec<_>, Vec<_>) = match &ids {
                Some(ids) => {
                    let ids = ids.split(',').map(str::trim).filter(|i| !i.is_empty());
                    let (found, missing): (Vec<_>, Vec<_>) =
                        ids.map(|i| (i, uploads.get(i))).partition(|(_, u)| u.is_some());
                    (
                        found.into_iter().filter_map(|(_, u)| u).collect(),
                        missing.into_iter().map(|(i, _)| i).collect(),
                    )
                }
                None => (uploads.of_post(post), Vec::new()),
            };
            if !missing.is_empty() {
                return left(
                    notes,
                    &format!(
                        "the export has no upload {}; write its pictures in Markdown",
                        missing.join(", ")
                    ),
                );
            }
            if found.is_empty() {
                return left(notes, "the export has none of its pictures; write them in Markdown");
            }
            Some((found.iter().map(|u| picture(u.url, &u.alt, &u.caption)).collect(), end))
        }
        ("audio" | "video", _) => {
            // The file's address: `src`, or the attribute of its format (`mp3="…"`).
            let formats =
                ["src", "mp3", "m4a", "ogg", "oga", "wav", "flac", "mp4", "m4v", "webm", "ogv", "mov"];
            let Some(src) =
                formats.iter().find_map(|f| attribute(tag, f)).filter(|s| !s.contains(['<', '>', '\n']))
            else {
                return left(notes, "it names no file");
            };
            // Its words: the upload's caption, else the file's name.
            let name = src.split(['?', '#']).next().unwrap_or(&src).rsplit('/').next().unwrap_or(&src);
            let name = crate::text::escape::percent_decode(name).unwrap_or_else(|| name.to_string());
            let words = uploads.at(&src).map(|u| u.caption.clone()).filter(|c| !c.is_empty()).unwrap_or(name);
            Some((format!("\n\n[{}](<{src}>)\n\n", words.replace(['[', ']'], "")), end))
        }
        (_, found) if known_shortcode(&name) || found.is_some() => {
            left(notes, "bantin has none; write what it shows in Markdown")
        }
        _ => None,
    }
}

/// WordPress's own shortcodes that stand alone (without a closing tag).
fn known_shortcode(name: &str) -> bool {
    matches!(name, "gallery" | "audio" | "video" | "playlist" | "embed" | "contact-form-7" | "wpforms")
}
