//! Markdown → HTML: pulldown-cmark with the extensions newsrooms use, folded heading ids,
//! code highlighted by syntect as CSS classes, dangerous link schemes removed, raw HTML
//! sanitised by ammonia, and the plain-text first paragraph for summaries.

use std::collections::HashMap;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::text;

mod highlight;
mod players;
mod video;
mod words;

use highlight::*;
pub use highlight::{HIGHLIGHT_CLASS_STYLE, contrast, syntax_css};
pub use players::without_player;
use players::{lone_audio, lone_video};
use words::*;

/// Longest automatic summary, in characters.
const SUMMARY_CHARS: usize = 240;

/// A bulletin body rendered to HTML.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    #[serde(deserialize_with = "crate::text::utf8::de_string")]
    pub html: String,
    /// Plain text of the first paragraph on one line, cut to a summary's length
    /// ([`cut_summary`]): the list summary of a bulletin without one in front matter.
    #[serde(deserialize_with = "crate::text::utf8::de_string")]
    pub first_paragraph: String,
    /// Plain text of the whole body, one line per block, for the search index.
    #[serde(deserialize_with = "crate::text::utf8::de_string")]
    pub plain: String,
    /// Number of words of running text, for reading time.
    pub words: usize,
    /// Whether the body has code blocks (the page then needs the highlighting stylesheet).
    pub has_code: bool,
    /// Images written without alt text: (URL, byte offset in the Markdown).
    pub images_without_alt: Vec<(String, usize)>,
    /// Links to other bulletins (`../x.md`, `@/2020/01/x.md`): (target as written, byte offset).
    /// In the HTML their href is [`INTERNAL_LINK`] followed by the target, for the renderer to
    /// replace with the target's URL.
    pub internal_links: Vec<(String, usize)>,
    /// Links to a file beside the bulletin (`quyet-dinh.pdf`, `../phu-luc/bang.xlsx`): its
    /// attachments, published with it; and to a file from the site's root (`/tep/a.pdf`). In
    /// the HTML their href is [`ATTACHMENT_LINK`] followed by the target, for the renderer to
    /// replace with the published file's address.
    pub attachments: Vec<FileLink>,
    /// Other links relative to the page (`../tags/x/`, `bao-cao`): (target as written, byte
    /// offset), for a warning as the bulletin is read (not cached).
    #[serde(skip)]
    pub relative_links: Vec<(String, usize)>,
    /// Hugo shortcodes left in the text (`{{< youtube … >}}`), which bantin does not read:
    /// (the shortcode's opening, byte offset), for a warning as the bulletin is read.
    #[serde(skip)]
    pub shortcodes: Vec<(String, usize)>,
    /// Pictures of the site's own files (not web addresses), in the order written. In the
    /// HTML each is `<img src="#bantin-photo:N" …>` ([`crate::photos::MARKER`]), for the
    /// renderer to replace with the published picture.
    pub photos: Vec<PhotoRef>,
    /// Whether `html` and `plain` are here. The build cache keeps everything else and leaves
    /// them out; the build reads them back from the source when a page needs them.
    #[serde(skip)]
    pub loaded: bool,
    /// Where `html` and `plain` went instead, when the build spilled them to disk to stay
    /// within its memory budget: (offset, length) of each in the build's spill file.
    #[serde(skip)]
    pub spilled: Option<[(u64, u32); 2]>,
}

/// A link to one of the site's files (an attachment), as the Markdown writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileLink {
    /// The address as written (`quyet-dinh.pdf`).
    pub target: String,
    /// Byte offset in the Markdown, and where that is in the source file (line, column, as
    /// the parse stage fills it in), for messages.
    pub offset: usize,
    pub at: (usize, usize),
}

/// A picture of one of the site's files, as the Markdown writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PhotoRef {
    /// The address as written (`anh-le-hoi.jpg`, `/images/x.jpg`).
    pub src: String,
    /// Its alt text and its title (the caption: `![alt](x.jpg "Chú thích. Ảnh: Phóng viên")`).
    pub alt: String,
    pub title: String,
    /// Byte offset in the Markdown, and where that is in the source file (line, column, as
    /// the parse stage fills it in), for messages.
    pub offset: usize,
    pub at: (usize, usize),
    /// Whether it stands alone in its paragraph (a figure with its caption), rather than
    /// among words.
    pub block: bool,
}

/// The href prefix of a not-yet-resolved link to another bulletin (a fragment, so the
/// sanitiser keeps it).
pub const INTERNAL_LINK: &str = "#bantin-link:";

/// The href prefix of a link from the site's root (`/tep/bao-cao.pdf`, a file under
/// `static/`), for the renderer to put the site's root before (a fragment, so the sanitiser
/// keeps it): a site published under a path (`https://tin.example/tin-tuc/`) has its root
/// there, not at the host's, and a feed reader would read the link against the feed.
pub const ROOT_LINK: &str = "#bantin-root:";

/// Whether a link target is a path from the site's root (`/x`, not `//host/x`).
pub fn is_root_link(dest: &str) -> bool {
    dest.starts_with('/') && !dest.starts_with("//")
}

/// The href prefix of a not-yet-resolved link to an attachment (a file beside the bulletin),
/// followed by the target as written, for the renderer to replace with where it is published.
pub const ATTACHMENT_LINK: &str = "#bantin-file:";

/// Whether a link target is a path relative to the page (`bao-cao.pdf`, `../x/`): not a web
/// address, not from the root, not within the page.
fn is_relative_link(dest: &str) -> bool {
    let head = dest.split(['/', '?', '#']).next().unwrap_or(dest);
    !dest.is_empty() && !dest.starts_with(['/', '#', '?']) && !head.contains(':')
}

/// Whether a link target is a web address written without `https://`
/// (`www.baochinhphu.vn/x`), which the browser reads as a path under the page.
pub fn is_web_address_without_scheme(dest: &str) -> bool {
    let host = dest.split(['/', '?', '#']).next().unwrap_or(dest).to_ascii_lowercase();
    host.starts_with("www.")
        || [".vn", ".com", ".net", ".org", ".gov", ".edu", ".info"].iter().any(|tld| host.ends_with(tld))
}

/// Whether a relative link target names a file (`quyet-dinh.pdf`, `so-lieu/bang.xlsx`): its
/// last part has an extension, and it is not a bulletin (`.md`), a web page (`.html`) or a
/// folder (`x/`).
pub fn is_attachment_link(dest: &str) -> bool {
    is_relative_link(dest) && !is_web_address_without_scheme(dest) && names_a_file(dest)
}

/// Whether a link target from the site's root names a file (`/tep/quyet-dinh.pdf`, most
/// often one of `static/`): it is told and published as a file beside the bulletin is, its
/// type and size on the link and an enclosure in the feeds, when it is one of the site's
/// files; else it leads where it did (the host may serve it: the build does not warn).
pub fn is_file_from_root(dest: &str) -> bool {
    is_root_link(dest) && names_a_file(dest)
}

/// Whether a link target's last part has an extension of a file, not of a bulletin (`.md`)
/// or a web page (`.html`).
fn names_a_file(dest: &str) -> bool {
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.').map(|(stem, ext)| (stem, ext.to_ascii_lowercase()));
    extension.is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            && !["md", "html", "htm", "php", "asp", "aspx"].contains(&ext.as_str())
    })
}

/// Whether a link target names another bulletin's source file.
pub fn is_internal_link(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or(dest);
    dest.starts_with("@/") || (!path.contains(':') && !path.starts_with('/') && path.ends_with(".md"))
}

/// Renders Markdown to HTML. With `unsafe_html` false, raw HTML is sanitised. Long because it
/// is one pass over pulldown-cmark's events, in which headings, links, images, code and raw HTML
/// are each rewritten as they come (a second pass would cost a copy of every event).
pub fn render(markdown: &str, unsafe_html: bool) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut out = Rendered { loaded: true, ..Rendered::default() };
    let mut events: Vec<Event> = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    // Each footnote label's id (`[^1]` → `fn-1`), one per label.
    let mut footnote_ids: HashMap<String, String> = HashMap::new();
    let mut used_footnote_ids: HashMap<String, usize> = HashMap::new();

    // State for the element being collected.
    let mut heading: Option<(usize, Vec<Event>)> = None; // (index of Start in `events`, inner)
    let mut code: Option<(String, String)> = None; // (language, text)
    let mut image_alt: Option<(String, String, usize)> = None; // (url, alt so far, offset)
    let mut photo: Option<usize> = None; // the site photo being read, in `out.photos`
    let mut paragraph_at: Option<usize> = None; // index of the open paragraph's Start in `events`
    let mut video: Option<String> = None; // the closing paragraph's video, as HTML
    let mut task_label = false; // a task item's `<label>` is open
    let mut paragraph_depth = 0usize;
    let mut first_para: Option<String> = None;
    let mut first_para_done = false;
    let mut has_raw_html = false;

    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        if let Some((_, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    out.plain.push_str(&text);
                    out.plain.push('\n');
                    events.push(Event::Html(CowStr::from(highlight(&text, &lang))));
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                out.has_code = true;
                continue;
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = if is_internal_link(&dest_url) {
                    out.internal_links.push((dest_url.to_string(), range.start));
                    CowStr::from(format!("{INTERNAL_LINK}{dest_url}"))
                } else if is_root_link(&dest_url) && !is_file_from_root(&dest_url) {
                    CowStr::from(format!("{ROOT_LINK}{}", &dest_url[1..]))
                } else if is_attachment_link(&dest_url) || is_file_from_root(&dest_url) {
                    out.attachments.push(FileLink {
                        target: dest_url.to_string(),
                        offset: range.start,
                        at: (0, 0),
                    });
                    CowStr::from(format!("{ATTACHMENT_LINK}{dest_url}"))
                } else {
                    if is_relative_link(&dest_url) {
                        out.relative_links.push((dest_url.to_string(), range.start));
                    }
                    safe_url(dest_url)
                };
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                image_alt = Some((dest_url.to_string(), String::new(), range.start));
                if crate::photos::is_local(&dest_url) {
                    let n = out.photos.len();
                    out.photos.push(PhotoRef {
                        src: dest_url.to_string(),
                        title: text::single_line(&title),
                        offset: range.start,
                        ..PhotoRef::default()
                    });
                    photo = Some(n);
                    let dest_url = CowStr::from(format!("{}{n}", crate::photos::MARKER));
                    Event::Start(Tag::Image { link_type, dest_url, title: CowStr::from(""), id })
                } else {
                    Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((url, alt, offset)) = image_alt.take() {
                    if let Some(n) = photo.take()
                        && let Some(p) = out.photos.get_mut(n)
                    {
                        p.alt = text::single_line(&alt);
                    }
                    if alt.trim().is_empty() {
                        out.images_without_alt.push((url, offset));
                    }
                }
                Event::End(TagEnd::Image)
            }
            // A footnote's id is its label's slug after `fn-`: a bare `1` (or `ghi-chu`) could
            // be a heading's id too, and a label holding a space no id at all.
            Event::FootnoteReference(label) => {
                Event::FootnoteReference(footnote_id(&label, &mut footnote_ids, &mut used_footnote_ids))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => Event::Start(Tag::FootnoteDefinition(
                footnote_id(&label, &mut footnote_ids, &mut used_footnote_ids),
            )),
            Event::Start(Tag::Paragraph) => {
                paragraph_depth += 1;
                if !first_para_done && first_para.is_none() {
                    first_para = Some(String::new());
                }
                Event::Start(Tag::Paragraph)
            }
            Event::End(TagEnd::Paragraph) => {
                paragraph_depth = paragraph_depth.saturating_sub(1);
                video = paragraph_at
                    .filter(|_| !task_label)
                    .and_then(|at| lone_video(&events[at..]).or_else(|| lone_audio(&events[at..])));
                // A video is no paragraph of words: the summary is the next one.
                if video.is_some() && !first_para_done {
                    first_para = Some(String::new());
                }
                if first_para.as_ref().is_some_and(|p| !p.trim().is_empty()) {
                    first_para_done = true;
                }
                if !first_para_done {
                    first_para = None;
                }
                Event::End(TagEnd::Paragraph)
            }
            other => other,
        };
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            has_raw_html = true;
        }
        if matches!(event, Event::SoftBreak | Event::HardBreak) {
            out.plain.push(' ');
        }
        if let Event::End(
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
        ) = &event
            && !out.plain.ends_with('\n')
        {
            out.plain.push('\n');
        }
        // A Hugo shortcode, `{{< x >}}` (its `<x` may have been read as HTML: text ends `{{`).
        if let Event::Text(t) = &event
            && t.contains("{{")
            && (t.contains("{{<") || t.contains("{{%") || t.ends_with("{{"))
            && let Some(at) =
                markdown.get(range.clone()).and_then(|m| m.find("{{")).map(|at| range.start + at)
        {
            let line = markdown[at..].split('\n').next().unwrap_or_default();
            let code = line.find("}}").map_or(line, |end| &line[..end + 2]);
            let code: String = code.chars().take(80).collect();
            out.shortcodes.push((code, at));
        }
        if let Event::Text(t) | Event::Code(t) = &event {
            out.plain.push_str(t);
            if let Some((_, alt, _)) = &mut image_alt {
                alt.push_str(t);
            }
            if paragraph_depth > 0
                && !first_para_done
                && let Some(p) = &mut first_para
            {
                p.push_str(t);
            }
        }
        if matches!(event, Event::SoftBreak | Event::HardBreak)
            && paragraph_depth > 0
            && !first_para_done
            && let Some(p) = &mut first_para
        {
            p.push(' ');
        }

        match event {
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((events.len(), Vec::new()));
                events.push(event);
            }
            // A task item's box is labelled by the item's words: its `<label>` holds the box
            // and the text up to the item's end, its paragraph's end or a list inside it.
            Event::TaskListMarker(done) => {
                let checked = if done { " checked" } else { "" };
                events.push(Event::InlineHtml(CowStr::from(format!(
                    r#"<label class="task"><input type="checkbox" disabled{checked}> "#
                ))));
                task_label = true;
            }
            Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Start(Tag::List(_)) if task_label => {
                task_label = false;
                events.push(Event::InlineHtml(CowStr::from("</label>")));
                if let Event::End(TagEnd::Paragraph) = event {
                    paragraph_at = None;
                }
                events.push(event);
            }
            Event::Start(Tag::Paragraph) if heading.is_none() => {
                paragraph_at = Some(events.len());
                events.push(event);
            }
            // A paragraph that is one site photo and nothing else becomes that photo alone
            // (a figure, which a paragraph may not hold).
            // A paragraph that is one video's address (or a link to it) shows the video; one
            // that is a link to a sound file beside the bulletin, its player.
            Event::End(TagEnd::Paragraph) if heading.is_none() && video.is_some() => {
                if let (Some(at), Some(html)) = (paragraph_at.take(), video.take()) {
                    events.truncate(at);
                    events.push(Event::Html(CowStr::from(html)));
                }
            }
            Event::End(TagEnd::Paragraph) if heading.is_none() => {
                match paragraph_at.take().and_then(|at| lone_photo(&events[at..]).map(|n| (at, n))) {
                    Some((at, n)) => {
                        events.remove(at);
                        if let Some(p) = out.photos.get_mut(n) {
                            p.block = true;
                        }
                    }
                    None => events.push(event),
                }
            }
            // Wide tables scroll inside a focusable box, so keyboards can scroll them too.
            Event::Start(Tag::Table(_)) => {
                events.push(Event::Html(CowStr::from("<div class=\"table-wrap\" tabindex=\"0\">")));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html(CowStr::from("</div>")));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, inner)) = heading.take() {
                    let plain: String = inner
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let id = unique_id(&plain, &mut used_ids);
                    events[start] = Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id)),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    });
                    events.extend(inner);
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            e => match &mut heading {
                Some((_, inner)) => inner.push(e),
                None => events.push(e),
            },
        }
    }

    shift_headings(&mut events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // pulldown-cmark escapes text and attributes itself and link schemes are checked above,
    // so only bodies with raw HTML need the (costly) sanitiser.
    out.html = if unsafe_html || !has_raw_html { html } else { sanitizer().clean(&html).to_string() };
    out.first_paragraph = cut_summary(&first_para.unwrap_or_default());
    // Counted over the whole text, so that a word split by markup (`**Hà** Nội`'s parts,
    // smart quotes) is one word, as a reader sees it.
    out.words = count_words(&out.plain);
    out
}

/// The photo a paragraph's events (from its Start) hold if they hold one site photo and
/// nothing else.
fn lone_photo(events: &[Event]) -> Option<usize> {
    let [
        Event::Start(Tag::Paragraph),
        Event::Start(Tag::Image { dest_url, .. }),
        inner @ ..,
        Event::End(TagEnd::Image),
    ] = events
    else {
        return None;
    };
    if inner.iter().any(|e| matches!(e, Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image))) {
        return None;
    }
    dest_url.strip_prefix(crate::photos::MARKER)?.parse().ok()
}

/// The bulletin's title is the page's only `h1`: the body's highest heading level becomes
/// `h2` and the others keep their distance from it (at most `h6`).
fn shift_headings(events: &mut [Event]) {
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min();
    let Some(top) = top else { return };
    let shift = |level: pulldown_cmark::HeadingLevel| {
        let n = (level as usize + 2).saturating_sub(top).clamp(2, 6);
        pulldown_cmark::HeadingLevel::try_from(n).unwrap_or(pulldown_cmark::HeadingLevel::H6)
    };
    for e in events.iter_mut() {
        match e {
            Event::Start(Tag::Heading { level, .. }) => *level = shift(*level),
            Event::End(TagEnd::Heading(level)) => *level = shift(*level),
            _ => {}
        }
    }
}

/// Cuts `text` to at most [`SUMMARY_CHARS`] characters at a word boundary, adding "…".
pub fn cut_summary(text: &str) -> String {
    // The text on one line (as `text::single_line` makes it), only as far as the cut needs:
    // a first paragraph may be the whole body.
    let (mut line, mut chars) = (String::new(), 0);
    for word in text.split_whitespace() {
        if chars > 0 {
            line.push(' ');
            chars += 1;
        }
        line.push_str(word);
        chars += word.chars().count();
        if chars > SUMMARY_CHARS {
            break;
        }
    }
    if chars <= SUMMARY_CHARS {
        return line;
    }
    let cut: String = line.chars().take(SUMMARY_CHARS).collect();
    let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    let mut s = cut[..at].trim_end_matches([',', ';', ':', '.', ' ', '-', '–']).to_string();
    s.push('…');
    s
}

/// A heading id from the folded text ("Kết quả" → `ket-qua`), unique within the page.
fn unique_id(text: &str, used: &mut HashMap<String, usize>) -> String {
    let mut base = text::slugify(text);
    if base.is_empty() {
        base = "muc".into();
    }
    let n = used.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 { base } else { format!("{base}-{}", *n - 1) }
}

/// The id of the footnote labelled `label`: `fn-` and its slug, unique among the body's
/// footnotes, the same for its reference and its definition.
fn footnote_id(
    label: &str,
    ids: &mut HashMap<String, String>,
    used: &mut HashMap<String, usize>,
) -> CowStr<'static> {
    let id = ids.entry(label.to_string()).or_insert_with(|| format!("fn-{}", unique_id(label, used)));
    CowStr::from(id.clone())
}

/// Link targets with a scheme other than http(s), mailto, tel, or none become `#`.
/// Control characters and entity tricks are handled by the parser before this sees the URL.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = compact.split_once(':').map(|(s, _)| s);
    match scheme {
        Some(s) if s.contains(['/', '?', '#']) => url,
        Some("http" | "https" | "mailto" | "tel") | None => url,
        Some(_) => CowStr::from("#"),
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["input", "label"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("label", ["class"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("pre", ["class", "tabindex"])
            .add_tag_attributes("span", ["class"])
            .add_tag_attributes("sup", ["class", "id"])
            .add_tag_attributes("div", ["class", "id", "tabindex"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("img", ["loading"])
            .add_tag_attributes("figure", ["class"])
            .add_tag_attributes("a", ["class"]);
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b.link_rel(Some("noopener noreferrer"));
        b
    })
}

#[cfg(test)]
mod tests;
