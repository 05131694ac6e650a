//! The addresses an imported page had on the site it comes from, kept as the bulletin's
//! `aliases:` so that every link to them (from search engines, social posts, other sites)
//! still leads to it: the old URLs its front matter names (Hugo's and Zola's `aliases`,
//! Hugo's `url`, Zola's `path`), and, for a page of a Hugo or Zola site's `content/`, the URL
//! that site gave it by default.

use std::path::{Path, PathBuf};

/// What made the site a page comes from, read from the configuration beside its `content/`.
#[derive(Debug, Clone, PartialEq)]
pub enum Maker {
    /// Hugo: a page's URL is its folders and file name (or `slug`), lower-cased.
    Hugo,
    /// Zola: its folders and file name (or `slug`), each made a slug.
    Zola,
    /// A Hugo site that sets its own URLs (`permalinks`, `uglyURLs`): its configuration file,
    /// which bantin does not read; only the URLs the pages name are kept.
    OwnUrls(PathBuf),
}

/// A page's place in the site it comes from.
#[derive(Debug, Clone)]
pub struct OldPlace {
    /// Its folders under that site's `content/` (`["tin", "the-thao"]`; a page bundle's own
    /// folder is not one of them), whose URL a relative alias is under.
    pub section: Vec<String>,
    /// The page's name there: its file's stem, or a page bundle's folder.
    pub name: String,
    /// What made the site, when its configuration was found beside `content/`.
    pub maker: Option<Maker>,
    /// That site's `content/` folder (absolute): Zola's `@/` links start there.
    pub content: PathBuf,
}

/// The place of `file` in the site it comes from: found when one of its folders is named
/// `content` (the nearest one).
pub fn place_of(file: &Path) -> Option<OldPlace> {
    let file = std::path::absolute(file).ok()?;
    let parts: Vec<String> = file.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let at = parts.iter().rposition(|p| p == "content")?;
    let mut inside = parts.get(at + 1..)?.to_vec();
    let file_name = inside.pop()?;
    let stem = file_name.rsplit_once('.').map_or(file_name.as_str(), |(s, _)| s).to_string();
    let name = if stem == "index" { inside.pop()? } else { stem };
    let site: PathBuf = parts[..at].iter().collect();
    Some(OldPlace { section: inside, name, maker: maker_of(&site), content: site.join("content") })
}

/// What made the site at `root`, from its configuration file.
fn maker_of(root: &Path) -> Option<Maker> {
    let names = [
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
        "hugo.json",
        "config.toml",
        "config.yaml",
        "config.yml",
        "config.json",
    ];
    let mut configs: Vec<PathBuf> = names.iter().map(|n| root.join(n)).filter(|p| p.is_file()).collect();
    // Hugo's configuration may be a folder of files.
    let folder = root.join("config").join("_default");
    if let Ok(entries) = std::fs::read_dir(&folder) {
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        configs.extend(files);
    }
    let first = configs.first()?.clone();
    let mut zola = false;
    for config in configs {
        let text = std::fs::read_to_string(&config).ok()?;
        let lower = text.to_lowercase();
        if lower.contains("permalinks") || lower.contains("uglyurls") {
            return Some(Maker::OwnUrls(config));
        }
        // Zola's `base_url`; Hugo spells it `baseURL`.
        zola |= text.lines().any(|l| l.trim_start().starts_with("base_url"));
    }
    let is_zola = zola && first.file_name().is_some_and(|n| n == "config.toml");
    Some(if is_zola { Maker::Zola } else { Maker::Hugo })
}

/// The URL path the site gave a page by default (`/tin/the-thao/mua-lon/`), with `slug` the
/// one its front matter set, if any.
pub fn default_url(place: &OldPlace, slug: Option<&str>) -> Option<String> {
    let name = slug.unwrap_or(&place.name);
    let mut url = String::from("/");
    for part in place.section.iter().map(String::as_str).chain([name]) {
        let part = match place.maker.as_ref()? {
            Maker::Hugo => part.trim().to_lowercase().replace(' ', "-"),
            Maker::Zola => crate::text::slugify(part),
            Maker::OwnUrls(_) => return None,
        };
        if !part.is_empty() {
            url.push_str(&part);
            url.push('/');
        }
    }
    (url != "/").then_some(url)
}

/// The old URL paths of a page from what its front matter wrote: a path from the site's root
/// as it is, a whole address without its scheme and host, and a relative one (Hugo's
/// aliases) under the page's section (`place`); percent-escapes decoded, as hosts find
/// files. Each is checked as `aliases:` are; those that cannot be kept come back apart,
/// each with why.
pub fn resolve(written: &[String], place: Option<&OldPlace>) -> (Vec<String>, Vec<String>) {
    let (mut kept, mut left) = (Vec::new(), Vec::new());
    for w in written {
        let w = w.trim();
        let rooted = if let Some((_, rest)) = w.split_once("://") {
            format!("/{}", rest.split_once('/').map_or("", |(_, path)| path))
        } else if w.starts_with('/') {
            w.to_string()
        } else if let Some(place) = place {
            let mut p = String::from("/");
            for s in &place.section {
                p.push_str(s);
                p.push('/');
            }
            p.push_str(w);
            p
        } else {
            left.push(format!(
                "the old URL `{w}` is relative, and the page is not in a site's content/ folder"
            ));
            continue;
        };
        let decoded = crate::text::escape::percent_decode(&rooted).unwrap_or(rooted);
        match crate::content::alias_path(&decoded) {
            Ok(path) if !kept.contains(&path) => kept.push(path),
            Ok(_) => {}
            Err(problem) => left.push(problem.message),
        }
    }
    (kept, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(section: &[&str], maker: Option<Maker>) -> OldPlace {
        OldPlace {
            section: section.iter().map(|s| s.to_string()).collect(),
            name: "Mưa Lớn".into(),
            maker,
            content: PathBuf::from("/old/content"),
        }
    }

    #[test]
    fn written_old_urls_are_rooted_decoded_and_checked() {
        let p = place(&["tin", "thời-tiết"], Some(Maker::Hugo));
        let written = [
            "/2019/12/ten-cu".to_string(),
            "https://tin.example/tin-t%E1%BB%A9c/cu.html".into(),
            "ban-cu".into(),
            "/x/index.html".into(),
            "/x/".into(),
            "/tim?q=1".into(),
        ];
        let (kept, left) = resolve(&written, Some(&p));
        assert_eq!(kept, ["/2019/12/ten-cu/", "/tin-tức/cu.html", "/tin/thời-tiết/ban-cu/", "/x/"]);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].contains("/tim?q=1"), "{left:?}");
        let (kept, left) = resolve(&["cu".to_string()], None);
        assert!(kept.is_empty() && left[0].contains("relative"), "{left:?}");
    }

    #[test]
    fn default_urls_follow_the_maker() {
        assert_eq!(
            default_url(&place(&["Tin Tức"], Some(Maker::Hugo)), None).as_deref(),
            Some("/tin-tức/mưa-lớn/")
        );
        assert_eq!(
            default_url(&place(&["Tin Tức"], Some(Maker::Zola)), None).as_deref(),
            Some("/tin-tuc/mua-lon/")
        );
        assert_eq!(default_url(&place(&[], Some(Maker::Zola)), Some("bao")).as_deref(), Some("/bao/"));
        assert_eq!(
            default_url(&place(&["tin"], Some(Maker::OwnUrls(PathBuf::from("hugo.toml")))), None),
            None
        );
        assert_eq!(default_url(&place(&["tin"], None), None), None);
    }

    #[test]
    fn a_page_s_place_and_its_site_s_maker() {
        let dir = std::env::temp_dir().join(format!("bantin-old-urls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let make = |site: &str, config: &str, text: &str, page: &str| {
            let root = dir.join(site);
            std::fs::create_dir_all(root.join("content").join(page).parent().expect("folder"))
                .expect("mkdir");
            std::fs::write(root.join(config), text).expect("config");
            root.join("content").join(page)
        };
        let hugo = make("h", "hugo.toml", "baseURL = 'https://x.example/'\n", "posts/bai/index.md");
        let p = place_of(&hugo).expect("place");
        assert_eq!(
            (p.section.as_slice(), p.name.as_str(), p.maker),
            (&["posts".to_string()][..], "bai", Some(Maker::Hugo))
        );
        let zola = make("z", "config.toml", "base_url = \"https://x.example\"\n", "tin/bai.md");
        assert_eq!(place_of(&zola).expect("place").maker, Some(Maker::Zola));
        let own = make("o", "config.yaml", "permalinks:\n  posts: /:year/:slug/\n", "posts/bai.md");
        assert!(matches!(place_of(&own).expect("place").maker, Some(Maker::OwnUrls(_))));
        let bare = dir.join("le/bai.md");
        assert!(place_of(&bare).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
