//! Links between imported pages. A page's link to another page imported with it — Zola's
//! `@/tin/bai.md`, a relative `../tin/bai.md`, Hugo's `{{< ref "bai" >}}` and `relref` — is
//! written as a link to the bulletin that page becomes (`@/2021/04/bai.md`, with its
//! `#fragment`), which the build turns into its URL wherever it is published.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, LinkType, Parser, Tag};

/// The imported pages' sources, each with the bulletin file it becomes (under `content/`).
#[derive(Default)]
pub struct Moves {
    by_source: HashMap<PathBuf, String>,
    /// Sources by their page's name (a file's stem, a page bundle's folder): Hugo's `ref`
    /// may name a page by its name alone.
    by_name: HashMap<String, Vec<PathBuf>>,
}

impl Moves {
    /// Records that the page read from `source` becomes `to` (`2021/04/bai.md`).
    pub fn add(&mut self, source: &Path, to: String) {
        let Some(source) = absolute(source) else { return };
        let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let name = match stem.as_str() {
            "index" => source.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned()),
            _ => Some(stem),
        };
        if let Some(name) = name {
            self.by_name.entry(name).or_default().push(source.clone());
        }
        self.by_source.insert(source, to);
    }

    /// The bulletin file of the page at `path` (written with or without `.md`, or a page
    /// bundle's folder).
    fn find(&self, path: &Path) -> Option<&String> {
        let path = clean(path);
        let text = path.to_string_lossy();
        let text = text.trim_end_matches('/');
        [text.to_string(), format!("{text}.md"), format!("{text}/index.md")]
            .iter()
            .find_map(|p| self.by_source.get(Path::new(p)))
    }

    /// The bulletin file of the one page with this name (a file's stem, a bundle's folder).
    fn named(&self, name: &str) -> Option<&String> {
        match self.by_name.get(name)?.as_slice() {
            [only] => self.by_source.get(only),
            _ => None,
        }
    }

    /// The new destination of the link `dest`, written in the page read from `from` (whose
    /// site's `content/` is `content`), when it leads to an imported page. `hugo_ref`: it
    /// is the argument of Hugo's `ref` (relative to the page, else to `content/`, else a
    /// page's name alone).
    pub fn target(&self, dest: &str, from: &Path, content: Option<&Path>, hugo_ref: bool) -> Option<String> {
        let (path, fragment) = dest.split_at(dest.find('#').unwrap_or(dest.len()));
        let path = crate::text::escape::percent_decode(path).unwrap_or_else(|| path.to_string());
        if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
            return None;
        }
        let folder = absolute(from)?.parent()?.to_path_buf();
        let found = if let Some(rest) = path.strip_prefix("@/") {
            self.find(&content?.join(rest))
        } else if hugo_ref {
            let from_root = content.and_then(|c| self.find(&c.join(path.trim_start_matches('/'))));
            let relative = (!path.starts_with('/')).then(|| self.find(&folder.join(&path))).flatten();
            relative.or(from_root).or_else(|| {
                self.named(path.trim_end_matches('/').rsplit('/').next()?.trim_end_matches(".md"))
            })
        } else if path.ends_with(".md") && !path.starts_with('/') {
            self.find(&folder.join(&path))
        } else {
            None
        };
        found.map(|to| format!("@/{to}{fragment}"))
    }
}

/// Jekyll's `{% post_url 2019-11-12-mua-lon %}` and `{% link _posts/2019-11-12-mua-lon.md %}`
/// in a body: where each is, and the name of the page it names (`2019-11-12-mua-lon`).
fn liquid_refs(body: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = body[from..].find("{%") {
        let at = from + at;
        let Some(end) = body[at + 2..].find("%}") else { break };
        let (inner, len) = (&body[at + 2..at + 2 + end], end + 4);
        let inner = inner.trim().trim_matches('-').trim();
        let mut words = inner.split_whitespace();
        if let (Some("post_url" | "link"), Some(target), None) = (words.next(), words.next(), words.next()) {
            let name = target.rsplit('/').next().unwrap_or(target);
            let name = name.strip_suffix(".md").or_else(|| name.strip_suffix(".markdown")).unwrap_or(name);
            out.push((at..at + len, name.to_string()));
        }
        from = at + len;
    }
    out
}

/// `path` made absolute and without `.` and `..` parts.
pub(super) fn absolute(path: &Path) -> Option<PathBuf> {
    Some(clean(&std::path::absolute(path).ok()?))
}

/// `path` without `.` and `..` parts (a `..` takes the part before it away).
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Rewrites the body's links to imported pages (read from `from`), and returns the Hugo
/// shortcodes it wrote as links (their notes are then moot) and the files it linked to
/// (`2021/04/bai.md`).
pub fn rewrite(
    body: &mut String,
    moves: &Moves,
    from: &Path,
    content: Option<&Path>,
) -> (Vec<String>, Vec<String>) {
    let mut places: Vec<(Range<usize>, String)> = Vec::new();
    let mut shortcodes = Vec::new();
    for (range, target) in super::shortcodes::refs(body) {
        if let Some(to) = moves.target(&target, from, content, true) {
            shortcodes.push(body[range.clone()].to_string());
            places.push((range, to));
        }
    }
    for (range, name) in liquid_refs(body) {
        if let Some(to) = moves.named(&name) {
            shortcodes.push(body[range.clone()].to_string());
            places.push((range, format!("@/{to}")));
        }
    }
    let mut found = |span: Range<usize>, dest: &str| {
        let Some(to) = moves.target(dest, from, content, false) else { return };
        // The destination as written, the last time in the link's text (its words come first).
        if let Some(at) = body[span.clone()].rfind(dest) {
            let at = span.start + at;
            if !places.iter().any(|(r, _)| r.start < at + dest.len() && at < r.end) {
                places.push((at..at + dest.len(), to));
            }
        }
    };
    let mut links = Parser::new(body).into_offset_iter();
    for (event, span) in links.by_ref() {
        if let Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, .. }) = event {
            found(span, &dest_url);
        }
    }
    for (_, def) in links.reference_definitions().iter() {
        found(def.span.clone(), &def.dest);
    }
    places.sort_by_key(|(r, _)| r.start);
    let mut targets = Vec::new();
    for (range, to) in places.into_iter().rev() {
        body.replace_range(range, &to);
        let file = to.trim_start_matches("@/");
        targets.push(file.split('#').next().unwrap_or(file).to_string());
    }
    (shortcodes, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_imported_pages_lead_to_their_bulletins() {
        let site = std::env::temp_dir().join("bantin-links-test/content");
        let mut moves = Moves::default();
        moves.add(&site.join("tin/bai.md"), "2021/04/bai.md".into());
        moves.add(&site.join("tin/bao/index.md"), "2021/10/bao.md".into());
        moves.add(&site.join("khac/bai-2.md"), "2021/05/bai-2.md".into());
        let from = site.join("tin/moi.md");
        let mut body = "Xem [bài](@/tin/bai.md#doan), [bão](bao/index.md) và [khác](../khac/bai-2.md).\n\
             [Web](https://x.example/a.md), [không có](@/tin/khong.md), `[mã](bai.md)`.\n\
             [Hugo]({{< ref \"bai-2\" >}}) [Tham chiếu][r]\n\n[r]: <./bai.md>\n"
            .to_string();
        let (shortcodes, targets) = rewrite(&mut body, &moves, &from, Some(&site));
        assert_eq!(targets.len(), 5, "{targets:?}");
        assert_eq!(
            body,
            "Xem [bài](@/2021/04/bai.md#doan), [bão](@/2021/10/bao.md) và [khác](@/2021/05/bai-2.md).\n\
             [Web](https://x.example/a.md), [không có](@/tin/khong.md), `[mã](bai.md)`.\n\
             [Hugo](@/2021/05/bai-2.md) [Tham chiếu][r]\n\n[r]: <@/2021/04/bai.md>\n"
        );
        assert_eq!(shortcodes, ["{{< ref \"bai-2\" >}}"]);
        // Jekyll's tags, by the post's name.
        moves.add(&site.join("_posts/2019-11-12-mua.md"), "2019/11/mua.md".into());
        let mut body = "[a]({% post_url 2019-11-12-mua %}) [b]({%- link _posts/2019-11-12-mua.md -%}) {% post_url khong %} {%}".to_string();
        rewrite(&mut body, &moves, &from, None);
        assert_eq!(body, "[a](@/2019/11/mua.md) [b](@/2019/11/mua.md) {% post_url khong %} {%}");
        // Hugo's `ref` from the content root, and a name two pages have is not guessed.
        assert_eq!(moves.target("/tin/bao", &from, Some(&site), true).as_deref(), Some("@/2021/10/bao.md"));
        moves.add(&site.join("khac/bai.md"), "2021/06/bai.md".into());
        assert_eq!(moves.target("bai", &site.join("x/y.md"), Some(&site), true), None);
    }
}
