//! WordPress's export (Tools → Export: a WXR file, RSS with WordPress's own elements). Each
//! post becomes a bulletin: its title, date (the site's local time), author (the name shown,
//! not the login), categories and tags, excerpt as its summary, featured image (at its web
//! address), slug, and the address it had (kept as a redirect). Drafts stay drafts; pages,
//! attachments, menus and trashed posts are not bulletins. The body stays the HTML the editor
//! wrote (WordPress's paragraphs are blank lines, as Markdown's are); its shortcodes are read
//! by [`shortcodes`], and those bantin has no reading of are named with their post, to be
//! written by hand.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::Event;

use super::{Candidate, Records};

mod shortcodes;
use shortcodes::{Uploads, shortcode};

/// Whether a file's start says it is a WordPress export.
pub fn looks_like(head: &str) -> bool {
    head.contains("wordpress.org/export/")
}

/// One `<item>` of the export: the text of each element it holds (by name), its categories
/// and tags, and its meta fields.
#[derive(Default)]
struct Item {
    fields: HashMap<String, String>,
    /// (domain, nicename, name): `category` or `post_tag`.
    terms: Vec<(String, String, String)>,
    meta: HashMap<String, String>,
}

impl Item {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// What the export holds: its items and its authors (login → the name shown).
#[derive(Default)]
struct Export {
    items: Vec<Item>,
    authors: HashMap<String, String>,
}

pub fn read(file: &Path) -> Result<Records, String> {
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read: {e}"))?;
    let mut records = read_from(BufReader::new(f))?;
    // Pictures of the site's own uploads that are here too (the export beside the site's
    // `wp-content/`, as a copy of a WordPress site has it) come along as pictures of the
    // bulletin: found from the site's root, they are copied beside it and published as its
    // photos (sized, their camera's metadata left behind).
    let folder = file.parent().unwrap_or(Path::new("."));
    for c in records.iter_mut().filter_map(|(_, c)| c.as_mut().ok()) {
        c.image = c.image.take().map(|i| local_upload(folder, &i).unwrap_or(i));
        let mut body = String::with_capacity(c.body.len());
        let mut rest = c.body.as_str();
        while let Some(at) = rest.find("](<") {
            body.push_str(&rest[..at + 3]);
            rest = &rest[at + 3..];
            if let Some(end) = rest.find('>') {
                let src = &rest[..end];
                body.push_str(&local_upload(folder, src).unwrap_or_else(|| src.to_string()));
                rest = &rest[end..];
            }
        }
        body.push_str(rest);
        c.body = body;
    }
    Ok(records)
}

/// The path from the site's root (`/wp-content/uploads/2019/11/a.jpg`) of a WordPress upload's
/// address, when that file is in `folder` or a folder above it.
fn local_upload(folder: &Path, url: &str) -> Option<String> {
    let at = url.find("/wp-content/uploads/")?;
    let rooted = url[at..].split(['?', '#']).next()?;
    let decoded = crate::text::escape::percent_decode(rooted).unwrap_or_else(|| rooted.to_string());
    let relative = decoded.trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return None;
    }
    folder.ancestors().any(|a| a.join(relative).is_file()).then(|| rooted.to_string())
}

/// The posts of an export read from `source`, each labelled `post <id>`.
pub fn read_from(source: impl std::io::BufRead) -> Result<Records, String> {
    let export = parse(source)?;
    // Featured images and galleries' pictures are attachments, named by their id.
    let uploads = Uploads::of(export.items.iter().filter(|i| i.get("wp:post_type") == Some("attachment")));
    let mut out = Vec::new();
    for item in &export.items {
        let label = format!("post {}", item.get("wp:post_id").unwrap_or("?"));
        match item.get("wp:post_type").unwrap_or("post") {
            "post" => {}
            "page" => {
                out.push((
                    label,
                    Err("a WordPress page (not a post): write it as a page of the theme".into()),
                ));
                continue;
            }
            // Attachments come with the posts that show them; menus, blocks, revisions are
            // not content.
            _ => continue,
        }
        out.push((label, post(item, &export.authors, &uploads)));
    }
    Ok(out)
}

/// The bulletin of one post.
fn post(item: &Item, authors: &HashMap<String, String>, uploads: &Uploads) -> Result<Candidate, String> {
    let status = item.get("wp:status").unwrap_or("publish");
    let draft = match status {
        "publish" | "future" => false,
        "draft" | "pending" | "private" => true,
        other => return Err(format!("a WordPress post whose status is `{other}`")),
    };
    // WordPress keeps a title's `&` as `&amp;` (its editor wrote HTML).
    let title = unescape_html(item.get("title").ok_or("no title")?);
    // `2019-11-12 16:45:00`, the site's own time; a draft never published has zeros.
    let date = item
        .get("wp:post_date")
        .filter(|d| !d.starts_with("0000"))
        .map(|d| d.get(..16).unwrap_or(d).to_string());
    let author = item.get("dc:creator").map(|login| authors.get(login).cloned().unwrap_or(login.to_string()));
    let mut tags = Vec::new();
    let mut categories = Vec::new();
    for (domain, nicename, name) in &item.terms {
        match domain.as_str() {
            "post_tag" => tags.push(name.clone()),
            // WordPress files a post it was given no category under this one.
            "category" if nicename != "uncategorized" => categories.push(name.clone()),
            _ => {}
        }
    }
    let id = item.get("wp:post_id").unwrap_or("?");
    let (body, notes) = body(item.get("content:encoded").unwrap_or_default(), uploads, id);
    let notes = notes.into_iter().map(|n| format!("post {id}: {n}")).collect();
    let summary = item
        .get("excerpt:encoded")
        .or_else(|| item.meta.get("_yoast_wpseo_metadesc").map(String::as_str))
        .map(|s| crate::text::single_line(&strip_tags(s)))
        .filter(|s| !s.is_empty());
    let slug = item
        .get("wp:post_name")
        .map(|s| crate::text::escape::percent_decode(s).unwrap_or_else(|| s.to_string()));
    let image = item.meta.get("_thumbnail_id").and_then(|id| uploads.get(id)).map(|u| u.url.to_string());
    // Its address, when it had one a static host can answer (not `?p=123`).
    let link = item.get("link").filter(|l| !draft && !l.contains('?')).map(str::to_owned);
    let mut not_carried = Vec::new();
    if item.get("link").is_some_and(|l| !draft && l.contains('?')) {
        not_carried.push("link: its address has a query (?p=…), which no static host can redirect".into());
    }
    Ok(Candidate {
        title,
        date,
        authors: author.into_iter().collect(),
        tags,
        categories,
        summary,
        slug,
        draft,
        image,
        body,
        notes,
        url: link,
        not_carried,
        ..Candidate::default()
    })
}

/// Reads the export's items and authors.
fn parse(source: impl std::io::BufRead) -> Result<Export, String> {
    let mut reader = quick_xml::Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut export = Export::default();
    let mut item: Option<Item> = None;
    // The elements open, by name, and the text of the innermost.
    let mut open: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut term: Option<(String, String)> = None;
    let mut meta_key = String::new();
    let mut author: (String, String) = Default::default();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!("not a WordPress export that can be read: {e} (at byte {})", reader.error_position())
        })?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "item" {
                    item = Some(Item::default());
                }
                if name == "category" {
                    let attr = |key: &str| {
                        e.try_get_attribute(key)
                            .ok()
                            .flatten()
                            .and_then(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .ok()
                                    .map(|v| v.into_owned())
                            })
                            .unwrap_or_default()
                    };
                    term = Some((attr("domain"), attr("nicename")));
                }
                open.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::CData(t) => text.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) => {
                let raw = format!("&{};", String::from_utf8_lossy(&r));
                text.push_str(&quick_xml::escape::unescape(&raw).map(|s| s.into_owned()).unwrap_or(raw));
            }
            Event::End(_) => {
                let Some(name) = open.pop() else { continue };
                let value = std::mem::take(&mut text);
                let parent = open.last().map(String::as_str);
                match (name.as_str(), parent, item.as_mut()) {
                    ("item", _, Some(_)) => export.items.extend(item.take()),
                    ("category", _, Some(i)) => {
                        if let Some((domain, nicename)) = term.take() {
                            i.terms.push((domain, nicename, value.trim().to_string()));
                        }
                    }
                    ("wp:meta_key", _, Some(_)) => meta_key = value.trim().to_string(),
                    ("wp:meta_value", _, Some(i)) => {
                        i.meta.insert(std::mem::take(&mut meta_key), value);
                    }
                    (_, Some("item"), Some(i)) => {
                        i.fields.insert(name, value);
                    }
                    ("wp:author_login", Some("wp:author"), None) => author.0 = value.trim().to_string(),
                    ("wp:author_display_name", Some("wp:author"), None) => {
                        author.1 = value.trim().to_string()
                    }
                    ("wp:author", _, None) => {
                        let (login, shown) = std::mem::take(&mut author);
                        if !login.is_empty() && !shown.is_empty() {
                            export.authors.insert(login, shown);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if export.items.is_empty() && export.authors.is_empty() {
        return Err("a WordPress export with no posts".into());
    }
    Ok(export)
}

/// A post's HTML as a bulletin's body, and a note for each shortcode left as it was.
fn body(html: &str, uploads: &Uploads, post: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len());
    let mut notes = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(['[', '<']) {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        // The block editor's marks (`<!-- wp:paragraph -->`) and the "read more" mark.
        if let Some(comment) = from.strip_prefix("<!--")
            && let Some(end) = comment.find("-->")
        {
            let inner = comment[..end].trim();
            if inner.starts_with("wp:")
                || inner.starts_with("/wp:")
                || inner == "more"
                || inner.starts_with("more ")
            {
                rest = &comment[end + 3..];
                continue;
            }
        }
        if let Some((markdown, used)) = shortcode(from, uploads, post, &mut notes) {
            out.push_str(&markdown);
            rest = &from[used..];
            continue;
        }
        out.push_str(&from[..1]);
        rest = &from[1..];
    }
    out.push_str(rest);
    // A picture alone on its line (a classic editor's `<img>`, in a link or not; the block
    // editor's `<figure>` with its caption) becomes a Markdown picture in its own paragraph,
    // which bantin publishes as a photo when its file is here.
    let out: Vec<String> = out
        .replace("\r\n", "\n")
        .split('\n')
        .map(|line| lone_picture(line).map_or_else(|| line.to_string(), |md| format!("\n{md}\n")))
        .collect();
    // Runs of blank lines (the marks leave some) made one.
    let mut tidy = String::new();
    for line in out.join("\n").split('\n') {
        if line.trim().is_empty() && (tidy.is_empty() || tidy.ends_with("\n\n")) {
            continue;
        }
        tidy.push_str(line.trim_end());
        tidy.push('\n');
    }
    (tidy.trim().to_string(), notes)
}

/// The Markdown picture of a line that holds one `<img>` and nothing else but its wrappers
/// (`<p>`, a link, a `<figure>` with a `<figcaption>`, whose text is the caption).
fn lone_picture(line: &str) -> Option<String> {
    let mut l = line.trim();
    if let Some(inner) = l.strip_prefix("<p>").and_then(|i| i.strip_suffix("</p>")) {
        l = inner.trim();
    }
    let mut caption = String::new();
    if l.starts_with("<figure") && l.ends_with("</figure>") {
        l = l.get(l.find('>')? + 1..l.len() - "</figure>".len())?.trim();
        if let Some(start) = l.find("<figcaption") {
            let end = l.find("</figcaption>")?;
            let text = l.get(l[start..].find('>')? + start + 1..end)?;
            caption = crate::text::single_line(&strip_tags(text));
            l = l[..start].trim();
        }
    }
    if l.starts_with("<a ") && l.ends_with("</a>") {
        l = l.get(l.find('>')? + 1..l.len() - "</a>".len())?.trim();
    }
    if !(l.starts_with("<img ") && l.ends_with('>') && l.matches('<').count() == 1) {
        return None;
    }
    let src = attribute(l, "src").filter(|s| !s.is_empty() && !s.contains(['<', '>', '\n']))?;
    let alt = attribute(l, "alt").unwrap_or_default();
    let alt = if alt.trim().is_empty() { caption.clone() } else { alt };
    let title =
        if caption.is_empty() { String::new() } else { format!(" \"{}\"", caption.replace('"', "\\\"")) };
    Some(format!("![{}](<{src}>{title})", alt.replace(['[', ']'], "")))
}

/// The value of attribute `name` in an HTML (or shortcode) tag, its entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = tag[from..].find(name) {
        let at = from + at;
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let after = tag[at + name.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let (quote, value) = match value.chars().next()? {
                q @ ('"' | '\'') => (q, &value[1..]),
                _ => (' ', value),
            };
            let end = value.find([quote, '>']).unwrap_or(value.len());
            return Some(unescape_html(&value[..end]));
        }
        from = at + name.len();
    }
    None
}

/// HTML's text: its tags left out, its entities decoded.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    unescape_html(out.trim())
}

/// `s` with HTML's character references decoded: numbered ones (`&#8217;`, `&#x2019;`) and
/// the named ones editors' text carries; any other is left as written.
fn unescape_html(s: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("nbsp", '\u{a0}'),
        ("hellip", '…'),
        ("ndash", '–'),
        ("mdash", '—'),
        ("lsquo", '‘'),
        ("rsquo", '’'),
        ("ldquo", '“'),
        ("rdquo", '”'),
        ("laquo", '«'),
        ("raquo", '»'),
        ("copy", '©'),
        ("deg", '°'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name.strip_prefix('#') {
                Some(n) => match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                }
                .and_then(char::from_u32)
                .filter(|&c| c != '\0'),
                None => NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c),
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
