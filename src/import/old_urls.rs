//! The addresses an imported page had on the site it comes from, kept as the bulletin's
//! `aliases:` so that every link to them (from search engines, social posts, other sites)
//! still leads to it: the old URLs its front matter names (Hugo's and Zola's `aliases`,
//! Hugo's `url`, Zola's `path`, Jekyll's `permalink`), and, for a page of a Hugo or Zola
//! site's `content/` or a Jekyll site's `_posts/`, the URL that site gave it by default.

use std::path::{Path, PathBuf};

use super::Candidate;

/// What made the site a page comes from, read from the configuration beside its `content/`.
#[derive(Debug, Clone, PartialEq)]
pub enum Maker {
    /// Hugo: a page's URL is its folders and file name (or `slug`), lower-cased.
    Hugo,
    /// Zola: its folders and file name (or `slug`), each made a slug.
    Zola,
    /// Jekyll: a post's URL follows the `permalink` of `_config.yml` (`date` when it sets
    /// none): its categories, date and title.
    Jekyll(String),
    /// A Hugo site's `permalinks`: a pattern by section (a page of another section has
    /// Hugo's own URL).
    HugoPermalinks(Vec<(String, String)>),
    /// A site that sets its URLs in a way bantin does not follow (Hugo's `uglyURLs`, or
    /// `permalinks` it cannot read; a Jekyll style by week or day of the year): its configuration file. Only
    /// the URLs the pages name are kept.
    OwnUrls(PathBuf),
}

/// A page's place in the site it comes from.
#[derive(Debug, Clone)]
pub struct OldPlace {
    /// Its folders under that site's `content/` (`["tin", "the-thao"]`; a page bundle's own
    /// folder is not one of them), whose URL a relative alias is under; for a Jekyll post,
    /// the folders above its `_posts/` (its categories).
    pub section: Vec<String>,
    /// The page's name there: its file's stem, or a page bundle's folder.
    pub name: String,
    /// What made the site, when its configuration was found.
    pub maker: Option<Maker>,
    /// That site's `content/` folder (absolute): Zola's `@/` links start there.
    pub content: PathBuf,
}

/// The place of `file` in the site it comes from: found when one of its folders is named
/// `content` or `_posts` (the nearest one).
pub fn place_of(file: &Path) -> Option<OldPlace> {
    let file = super::links::absolute(file)?;
    let parts: Vec<String> = file.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let at = parts.iter().rposition(|p| p == "content" || p == "_posts")?;
    let mut inside = parts.get(at + 1..)?.to_vec();
    let file_name = inside.pop()?;
    let stem = file_name.rsplit_once('.').map_or(file_name.as_str(), |(s, _)| s).to_string();
    if parts[at] == "_posts" {
        // The site is the nearest folder above with a `_config.yml`; the folders between it
        // and `_posts/` are the post's categories.
        let above: PathBuf = parts[..at].iter().collect();
        let root =
            above.ancestors().find(|a| a.join("_config.yml").is_file()).unwrap_or(&above).to_path_buf();
        let section =
            above.strip_prefix(&root).ok()?.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        return Some(OldPlace { section, name: stem, maker: jekyll_maker(&root), content: above });
    }
    let name = if stem == "index" { inside.pop()? } else { stem };
    let site: PathBuf = parts[..at].iter().collect();
    Some(OldPlace { section: inside, name, maker: maker_of(&site), content: site.join("content") })
}

/// Whether `dir` is a Hugo or Zola site: its `content/` beside its configuration.
pub fn has_content(dir: &Path) -> bool {
    dir.join("content").is_dir() && maker_of(dir).is_some()
}

/// Whether `dir` is a Jekyll site: it has a `_config.yml`.
pub fn is_jekyll_site(dir: &Path) -> bool {
    dir.join("_config.yml").is_file()
}

/// Jekyll's permalink style of the site at `root`, from its `_config.yml`.
fn jekyll_maker(root: &Path) -> Option<Maker> {
    let config = root.join("_config.yml");
    let text = std::fs::read_to_string(&config).ok()?;
    let value: yaml_serde::Value = yaml_serde::from_str(&text).ok()?;
    let style = value.get("permalink").and_then(|p| p.as_str()).unwrap_or("date").trim();
    let pattern = match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "none" => "/:categories/:title:output_ext",
        p if p.starts_with('/') => p,
        _ => return Some(Maker::OwnUrls(config)),
    };
    Some(Maker::Jekyll(pattern.to_string()))
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
        if lower.contains("uglyurls") {
            return Some(Maker::OwnUrls(config));
        }
        if lower.contains("permalinks") {
            return Some(
                hugo_permalinks(&config, &text).map_or(Maker::OwnUrls(config), Maker::HugoPermalinks),
            );
        }
        // Zola's `base_url`; Hugo spells it `baseURL`.
        zola |= text.lines().any(|l| l.trim_start().starts_with("base_url"));
    }
    let is_zola = zola && first.file_name().is_some_and(|n| n == "config.toml");
    Some(if is_zola { Maker::Zola } else { Maker::Hugo })
}

/// The patterns of a Hugo configuration's `permalinks` (`posts = "/:year/:month/:slug/"`, or
/// under `page`), by section; None when it cannot be read.
fn hugo_permalinks(config: &Path, text: &str) -> Option<Vec<(String, String)>> {
    let extension = config.extension()?.to_str()?;
    let value: serde_json::Value = match extension {
        "toml" => serde_json::to_value(toml::from_str::<toml::Table>(text).ok()?).ok()?,
        "yaml" | "yml" => yaml_serde::from_str(text).ok()?,
        _ => serde_json::from_str(text).ok()?,
    };
    let permalinks = value.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case("permalinks"))?.1;
    let patterns = permalinks.get("page").unwrap_or(permalinks).as_object()?;
    Some(
        patterns.iter().filter_map(|(section, p)| Some((section.clone(), p.as_str()?.to_string()))).collect(),
    )
}

/// The URL path the site gave a page by default (`/tin/the-thao/mua-lon/`), from its place
/// and what its front matter says (`slug`, a Jekyll post's date and categories).
pub fn default_url(place: &OldPlace, c: &Candidate) -> Option<String> {
    let name = c.slug.as_deref().unwrap_or(&place.name);
    let mut url = String::from("/");
    for part in place.section.iter().map(String::as_str).chain([name]) {
        let part = match place.maker.as_ref()? {
            Maker::Hugo => part.trim().to_lowercase().replace(' ', "-"),
            Maker::Zola => crate::text::slugify(part),
            Maker::Jekyll(pattern) => return jekyll_url(pattern, place, c),
            Maker::HugoPermalinks(patterns) => {
                let section = place.section.first().map_or("", String::as_str);
                match patterns.iter().find(|(s, _)| s == section) {
                    Some((_, pattern)) => return hugo_url(pattern, place, c),
                    None => part.trim().to_lowercase().replace(' ', "-"),
                }
            }
            Maker::OwnUrls(_) => return None,
        };
        if !part.is_empty() {
            url.push_str(&part);
            url.push('/');
        }
    }
    (url != "/").then_some(url)
}

/// A Jekyll post's URL by the site's `pattern`: `:categories` (the folders above `_posts/`,
/// then the front matter's, lower-cased), the date's `:year`, `:month`, `:day`, `:i_month`,
/// `:i_day`, `:short_year`, `:title` (its file name's after the date, or `slug`) and
/// `:output_ext` (`.html`). None with another placeholder, or without a date.
fn jekyll_url(pattern: &str, place: &OldPlace, c: &Candidate) -> Option<String> {
    let date = c.date.as_deref()?;
    let digits = |r: std::ops::Range<usize>| date.get(r).filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let mut categories: Vec<String> = Vec::new();
    for c in place.section.iter().chain(&c.categories).map(|c| c.to_lowercase()) {
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    let title = c.slug.clone().unwrap_or_else(|| place.name.clone());
    let values = [
        ("categories", categories.join("/")),
        ("year", year.to_string()),
        ("month", month.to_string()),
        ("day", day.to_string()),
        ("i_month", month.trim_start_matches('0').to_string()),
        ("i_day", day.trim_start_matches('0').to_string()),
        ("short_year", year[2..].to_string()),
        ("title", title.clone()),
        ("slug", crate::text::slugify(&title)),
        ("output_ext", ".html".to_string()),
    ];
    expand(pattern, &values)
}

/// A Hugo page's URL by its section's `pattern`: the date's `:year`, `:month`, `:day`,
/// `:section`, `:sections`, `:title` (made a path as Hugo does), `:slug` (or the title),
/// `:filename`, `:contentbasename` and `:slugorfilename`. None with another placeholder, or
/// without a date when the pattern has one.
fn hugo_url(pattern: &str, place: &OldPlace, c: &Candidate) -> Option<String> {
    let date = c.date.as_deref().unwrap_or_default();
    let part = |r: std::ops::Range<usize>| date.get(r).unwrap_or_default().to_string();
    // Hugo's path of a title: lower-cased, spaces as hyphens, other punctuation left out.
    let urlize = |s: &str| -> String {
        let mut out = String::with_capacity(s.len());
        for ch in s.trim().chars() {
            if ch.is_whitespace() {
                out.push('-');
            } else if matches!(ch, '.' | '_' | '-' | '~' | '+')
                || unicode_normalization::char::is_combining_mark(ch)
                || ch.is_alphanumeric()
            {
                out.extend(ch.to_lowercase());
            }
        }
        out
    };
    let slug = c.slug.clone().unwrap_or_else(|| urlize(&c.title));
    let values = [
        ("year", part(0..4)),
        ("month", part(5..7)),
        ("day", part(8..10)),
        ("section", place.section.first().cloned().unwrap_or_default()),
        ("sections", place.section.join("/")),
        ("title", urlize(&c.title)),
        ("slug", slug.clone()),
        ("slugorfilename", c.slug.clone().unwrap_or_else(|| place.name.clone())),
        ("slugorcontentbasename", c.slug.clone().unwrap_or_else(|| place.name.clone())),
        ("filename", place.name.clone()),
        ("contentbasename", place.name.clone()),
    ];
    // Hugo lower-cases a page's path (unless told not to).
    let url = expand(pattern, &values)?.to_lowercase();
    // A date the page did not have leaves its parts empty: that URL is not the one it had.
    (!(date.is_empty() && ["year", "month", "day"].iter().any(|p| pattern.contains(&format!(":{p}")))))
        .then_some(url)
}

/// `pattern` with each `:name` replaced by its value (the longest name that is one), runs of
/// slashes made one; None with a placeholder not among them.
fn expand(pattern: &str, values: &[(&str, String)]) -> Option<String> {
    let mut url = String::new();
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        url.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        // The longest name that is a placeholder (`:title` before `:titles`…), else none.
        let (name, value) =
            values.iter().filter(|(n, _)| after[..len].starts_with(n)).max_by_key(|(n, _)| n.len())?;
        url.push_str(value);
        rest = &after[name.len()..];
    }
    url.push_str(rest);
    Some(crate::config::single_slashes(url))
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
        let none = Candidate::default();
        let url =
            |section: &[&str], maker: Maker, c: &Candidate| default_url(&place(section, Some(maker)), c);
        assert_eq!(url(&["Tin Tức"], Maker::Hugo, &none).as_deref(), Some("/tin-tức/mưa-lớn/"));
        assert_eq!(url(&["Tin Tức"], Maker::Zola, &none).as_deref(), Some("/tin-tuc/mua-lon/"));
        let slug = Candidate { slug: Some("bao".into()), ..Candidate::default() };
        assert_eq!(url(&[], Maker::Zola, &slug).as_deref(), Some("/bao/"));
        assert_eq!(url(&["tin"], Maker::OwnUrls(PathBuf::from("hugo.toml")), &none), None);
        assert_eq!(default_url(&place(&["tin"], None), &none), None);
        // Jekyll: the folders above `_posts/` and the front matter's categories, lower-cased,
        // then the date and title by the site's style.
        let post = Candidate {
            date: Some("2019-03-05T08:00:00+07:00".into()),
            slug: Some("mua-lon".into()),
            categories: vec!["Thời sự".into(), "tin".into()],
            ..Candidate::default()
        };
        let date = Maker::Jekyll("/:categories/:year/:month/:day/:title:output_ext".into());
        assert_eq!(url(&["tin"], date, &post).as_deref(), Some("/tin/thời sự/2019/03/05/mua-lon.html"));
        let own = Maker::Jekyll("/:short_year/:i_month/:i_day/:slug/".into());
        assert_eq!(url(&[], own, &post).as_deref(), Some("/19/3/5/mua-lon/"));
        assert_eq!(url(&[], Maker::Jekyll("/:year/:week/:title/".into()), &post), None);
        assert_eq!(url(&[], Maker::Jekyll("/:title/".into()), &none), None, "no date");
        // Hugo's permalinks, for the sections they name.
        let hugo = |pattern: &str| Maker::HugoPermalinks(vec![("tin".into(), pattern.into())]);
        let page = Candidate { title: "Mưa lớn: Hà Nội ngập!".into(), ..post.clone() };
        assert_eq!(
            url(&["tin"], hugo("/:year/:month/:title/"), &page).as_deref(),
            Some("/2019/03/mưa-lớn-hà-nội-ngập/")
        );
        assert_eq!(
            url(&["tin", "con"], hugo("/:sections/:slug/"), &page).as_deref(),
            Some("/tin/con/mua-lon/")
        );
        assert_eq!(url(&["tin"], hugo("/:filename/"), &page).as_deref(), Some("/mưa lớn/"));
        assert_eq!(
            url(&["khac"], hugo("/:year/:slug/"), &page).as_deref(),
            Some("/khac/mua-lon/"),
            "another section"
        );
        assert_eq!(url(&["tin"], hugo("/:year/:slug/"), &Candidate { date: None, ..page.clone() }), None);
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
        assert_eq!(
            place_of(&own).expect("place").maker,
            Some(Maker::HugoPermalinks(vec![("posts".into(), "/:year/:slug/".into())]))
        );
        let ugly = make("u", "hugo.toml", "uglyURLs = true\n", "posts/bai.md");
        assert!(matches!(place_of(&ugly).expect("place").maker, Some(Maker::OwnUrls(_))));
        let paged =
            make("p", "hugo.toml", "[permalinks.page]\ntin = '/:year/:month/:title/'\n", "tin/bai.md");
        assert_eq!(
            place_of(&paged).expect("place").maker,
            Some(Maker::HugoPermalinks(vec![("tin".into(), "/:year/:month/:title/".into())]))
        );
        std::fs::create_dir_all(dir.join("j/tin/_posts")).expect("mkdir");
        std::fs::write(dir.join("j/_config.yml"), "permalink: pretty\n").expect("config");
        // Named as a user may name it, through `..`.
        let jekyll = dir.join("j/tin/../tin/_posts/2019-03-05-mua.md");
        let p = place_of(&jekyll).expect("place");
        assert_eq!(
            (p.section, p.maker),
            (vec!["tin".to_string()], Some(Maker::Jekyll("/:categories/:year/:month/:day/:title/".into())))
        );
        let bare = dir.join("le/bai.md");
        assert!(place_of(&bare).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
