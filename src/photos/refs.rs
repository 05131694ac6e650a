//! Which file a picture's or an attachment's address names: relative addresses from the
//! bulletin's own folder (a photo beside it, or in its bundle folder), `/…` from the site's
//! `static/` folder, then from `content/`; and where an attachment is published.

/// Whether a picture's address names a file of the site rather than a web address.
pub fn is_local(src: &str) -> bool {
    let s = src.trim();
    if s.is_empty() || s.starts_with("//") || s.starts_with('#') {
        return false;
    }
    // A scheme (`https:`, `data:`) comes before any slash.
    match s.find(':') {
        Some(colon) => s[..colon].contains(['/', '?', '#']),
        None => true,
    }
}

/// The site-relative path of the file a bulletin (`content/…/x.md`) names as `src`, if
/// `exists` says one of the places it may be holds it; else the places looked at.
pub fn resolve(bulletin: &str, src: &str, exists: impl Fn(&str) -> bool) -> Result<String, Vec<String>> {
    let path = src.trim().split(['?', '#']).next().unwrap_or_default();
    let path = crate::text::escape::percent_decode(path).unwrap_or_else(|| path.to_string());
    let candidates: Vec<String> = if let Some(rooted) = path.strip_prefix('/') {
        ["static", "content"].iter().filter_map(|top| normalise(top, rooted)).collect()
    } else {
        let folder = bulletin.rsplit_once('/').map_or("", |(folder, _)| folder);
        normalise(folder, &path)
            .filter(|p| p.starts_with("content/") || p.starts_with("static/"))
            .into_iter()
            .collect()
    };
    match candidates.iter().find(|c| exists(c)) {
        Some(found) => Ok(found.clone()),
        None => Err(candidates),
    }
}

/// Where the file `resolved` (site-relative, as [`resolve`] gives it) is published when a
/// bulletin links it: a file of `content/` under `files/`, its folders and name as slugs
/// (`content/2025/07/Quyết định số 12.PDF` → `files/2025/07/quyet-dinh-so-12.pdf`: an address
/// every host serves and every reader's system saves), one of `static/` where static files
/// are. `None` for a file of neither.
pub fn published_file(resolved: &str) -> Option<String> {
    if let Some(rest) = resolved.strip_prefix("static/") {
        return Some(rest.to_string());
    }
    let rest = resolved.strip_prefix("content/")?;
    let (folders, name) = rest.rsplit_once('/').unwrap_or(("", rest));
    let mut out = String::from("files/");
    for folder in folders.split('/').filter(|f| !f.is_empty()) {
        let slug = crate::text::slugify(folder);
        out.push_str(if slug.is_empty() { "_" } else { &slug });
        out.push('/');
    }
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let stem = crate::text::slugify(stem);
    out.push_str(if stem.is_empty() { "tep" } else { &stem });
    let extension: String =
        extension.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if !extension.is_empty() {
        out.push('.');
        out.push_str(&extension);
    }
    Some(out)
}

/// `base/rel` with `.` and `..` worked out; `None` if it climbs above the site root.
fn normalise(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_published_under_files_with_portable_names() {
        assert_eq!(
            published_file("content/2025/07/Quyết định số 12.PDF").as_deref(),
            Some("files/2025/07/quyet-dinh-so-12.pdf")
        );
        assert_eq!(
            published_file("content/Ðiện lực/bai/bảng.xlsx").as_deref(),
            Some("files/dien-luc/bai/bang.xlsx")
        );
        assert_eq!(published_file("content/a/….pdf").as_deref(), Some("files/a/tep.pdf"));
        assert_eq!(
            published_file("content/con.pdf").as_deref().map(|p| p.starts_with("files/con--")),
            Some(true)
        );
        assert_eq!(published_file("static/tep/a.pdf").as_deref(), Some("tep/a.pdf"));
        assert_eq!(published_file("themes/x.pdf"), None);
    }

    #[test]
    fn addresses_resolve_beside_the_bulletin_then_under_static_and_content() {
        let files = [
            "content/2020/01/anh.jpg",
            "static/images/logo.png",
            "content/images/x.jpg",
            "content/2020/b/index-anh.jpg",
        ];
        let exists = |p: &str| files.contains(&p);
        assert_eq!(resolve("content/2020/01/a.md", "anh.jpg", exists), Ok("content/2020/01/anh.jpg".into()));
        assert_eq!(
            resolve("content/2020/01/a.md", "./anh.jpg#x", exists),
            Ok("content/2020/01/anh.jpg".into())
        );
        assert_eq!(
            resolve("content/2020/b/index.md", "index-anh.jpg", exists),
            Ok("content/2020/b/index-anh.jpg".into())
        );
        assert_eq!(
            resolve("content/2020/01/a.md", "/images/logo.png", exists),
            Ok("static/images/logo.png".into())
        );
        assert_eq!(
            resolve("content/2020/01/a.md", "/images/x.jpg", exists),
            Ok("content/images/x.jpg".into())
        );
        assert_eq!(
            resolve("content/2020/01/a.md", "../../images/x.jpg", exists),
            Ok("content/images/x.jpg".into())
        );
        assert_eq!(
            resolve("content/2020/01/a.md", "mat.jpg", exists),
            Err(vec!["content/2020/01/mat.jpg".to_string()])
        );
        assert!(resolve("content/a.md", "../../../etc/passwd", exists).is_err_and(|c| c.is_empty()));
        assert!(
            is_local("anh.jpg")
                && is_local("/a/b.png")
                && is_local("a:b/c.jpg".split(':').nth(1).unwrap_or(""))
        );
        assert!(
            !is_local("https://x.vn/a.jpg")
                && !is_local("data:image/png;base64,xx")
                && !is_local("//cdn/x.jpg")
        );
    }
}
