//! Which file a picture's address names: relative addresses from the bulletin's own folder
//! (a photo beside it, or in its bundle folder), `/…` from the site's `static/` folder, then
//! from `content/`.

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
