//! Hugo, Zola and Jekyll content: Markdown with YAML (`---`) or TOML (`+++`) front matter.
//! Jekyll's `YYYY-MM-DD-slug.md` file names give the date (and slug) when the front matter
//! does not; Zola's `[taxonomies]` give tags, categories and authors. Every key that is not
//! carried over is named, so the editor knows what the import left behind.

use serde_json::Value;

use super::Candidate;

/// The front-matter keys the reading carries over, lower-cased (Hugo's keys are read without
/// regard to case). Zola's `taxonomies` are carried whole; of `extra`, `image` only.
const CARRIED: &[&str] = &[
    "title",
    "date",
    "publishdate",
    "pubdate",
    "lastmod",
    "updated",
    "author",
    "authors",
    "tags",
    "categories",
    "category",
    "summary",
    "description",
    "slug",
    "draft",
    "published",
    "image",
    "images",
    "featured_image",
    "featuredimage",
    "cover",
    "image_alt",
    "url",
    "path",
    "permalink",
    "aliases",
    "taxonomies",
    "extra",
];

pub fn read(file_name: &str, text: &str) -> Result<Candidate, String> {
    let (mut meta, body) = split(text)?;
    // Hugo reads `publishDate` and `publishdate` alike: keys are compared lower-cased.
    meta = meta.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
    let taxonomies = meta.get("taxonomies").and_then(Value::as_object).cloned().unwrap_or_default();
    let extra = meta.get("extra").and_then(Value::as_object).cloned().unwrap_or_default();
    let get = |k: &str| meta.get(k).filter(|v| !v.is_null());
    let string_of = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            // A TOML date-time, as the toml crate hands it to serde.
            Value::Object(o) => o.get("$__toml_private_datetime").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        }
    };
    let string = |k: &str| string_of(get(k));
    let list_of = |v: Option<&Value>| -> Vec<String> {
        match v.filter(|v| !v.is_null()) {
            Some(Value::Array(a)) => {
                a.iter().filter_map(|v| v.as_str().map(|s| s.trim().to_string())).collect()
            }
            Some(Value::String(s)) => super::split_list(s),
            _ => Vec::new(),
        }
    };
    let list = |k: &str| list_of(get(k));
    // Jekyll: 2020-01-06-some-slug.md
    let stem = file_name.trim_end_matches(".md").trim_end_matches(".markdown");
    let jekyll = (stem.len() > 11 && stem.as_bytes()[10] == b'-').then(|| (&stem[..10], &stem[11..])).filter(
        |(d, _)| {
            d.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
        },
    );
    let title = string("title").ok_or("no title in the front matter")?;
    // Hugo's `publishDate` (or `pubdate`) stands for the date when there is none; Jekyll's
    // `published` is whether the page is published, Hugo's its date.
    let published = get("published");
    let date = string("date")
        .or_else(|| string("publishdate"))
        .or_else(|| string("pubdate"))
        .or_else(|| published.filter(|p| !p.is_boolean()).and_then(|p| string_of(Some(p))))
        .map(|d| jekyll_time(&d))
        .or_else(|| jekyll.map(|(d, _)| d.to_string()));
    let mut tags = list("tags");
    let mut categories = list("categories");
    categories.extend(list("category"));
    let mut authors = list("authors");
    if authors.is_empty() {
        authors = list("author");
    }
    // Zola's taxonomies: its own `tags`, `categories` and `authors`, and any other (a series,
    // a region) as tags.
    let mut other_terms = Vec::new();
    for (name, terms) in &taxonomies {
        let terms = list_of(Some(terms));
        match name.to_lowercase().as_str() {
            "categories" | "category" => categories.extend(terms),
            "authors" | "author" if authors.is_empty() => authors = terms,
            "authors" | "author" => {}
            "tags" | "tag" => tags.extend(terms),
            _ => other_terms.extend(terms),
        }
    }
    tags.extend(other_terms);
    // Hugo's shortcodes, written as Markdown where bantin can.
    let (body, notes) = super::shortcodes::convert(body.trim());
    let draft = get("draft").and_then(Value::as_bool).unwrap_or(false)
        || published.and_then(Value::as_bool).is_some_and(|p| !p);
    // The address the page was published at when the front matter set it (Hugo's `url`,
    // Zola's `path`, Jekyll's `permalink`: from the site's root, with or without its first `/`).
    let url = string("url")
        .or_else(|| string("path"))
        // Jekyll's `permalink`, when it is an address (not a pattern of placeholders).
        .or_else(|| string("permalink").filter(|p| !p.contains(':')))
        .map(|u| if u.starts_with('/') || u.contains("://") { u } else { format!("/{u}") });
    let mut not_carried: Vec<String> =
        meta.keys().filter(|k| !CARRIED.contains(&k.as_str())).cloned().collect();
    not_carried.extend(extra.keys().filter(|k| *k != "image").map(|k| format!("extra.{k}")));
    Ok(Candidate {
        title,
        date,
        updated: string("lastmod").or_else(|| string("updated")).map(|d| jekyll_time(&d)),
        authors,
        tags,
        categories,
        summary: string("summary").or_else(|| string("description")),
        slug: string("slug").or_else(|| jekyll.map(|(_, s)| s.to_string())),
        draft,
        image: string("image")
            .or_else(|| list("images").into_iter().next())
            .or_else(|| {
                // Jekyll themes write `image: {path: …, alt: …}`.
                get("image").and_then(|i| i.get("path")).and_then(Value::as_str).map(str::to_owned)
            })
            // Themes' own keys: Ananke's and LoveIt's `featured_image`/`featuredImage`,
            // PaperMod's `cover: {image, alt}`, a Zola theme's `[extra] image`.
            .or_else(|| string("featured_image"))
            .or_else(|| string("featuredimage"))
            .or_else(|| string_of(get("cover").and_then(|c| c.get("image"))))
            .or_else(|| string_of(extra.get("image"))),
        image_alt: string("image_alt")
            .or_else(|| get("image").and_then(|i| i.get("alt")).and_then(Value::as_str).map(str::to_owned))
            .or_else(|| string_of(get("cover").and_then(|c| c.get("alt")))),
        body: body.trim().to_string(),
        notes,
        old_urls: list("aliases"),
        url,
        not_carried,
    })
}

/// Jekyll writes `2020-01-06 08:30:00 +0700`; bantin reads RFC 3339 or `2020-01-06 08:30`.
fn jekyll_time(d: &str) -> String {
    let parts: Vec<&str> = d.split_whitespace().collect();
    match parts.as_slice() {
        [date, time, offset]
            if offset.len() == 5
                && (offset.starts_with('+') || offset.starts_with('-'))
                && offset.bytes().skip(1).all(|b| b.is_ascii_digit()) =>
        {
            let time = if time.len() == 5 { format!("{time}:00") } else { (*time).to_string() };
            format!("{date}T{time}{}:{}", &offset[..3], &offset[3..])
        }
        [date, time] => format!("{date} {}", time.get(..5).unwrap_or(time)),
        _ => d.to_string(),
    }
}

/// Splits front matter (YAML or TOML) into a JSON-like map and the body.
fn split(text: &str) -> Result<(serde_json::Map<String, Value>, &str), String> {
    let (fence, toml) = if text.starts_with("+++") {
        ("+++", true)
    } else if text.starts_with("---") {
        ("---", false)
    } else {
        return Err("no front matter (`---` or `+++`)".into());
    };
    let after =
        text[3..].trim_start_matches([' ', '\t']).strip_prefix('\n').ok_or("bad front matter fence")?;
    let end = after
        .match_indices(&format!("\n{fence}"))
        .map(|(i, _)| i)
        .find(|&i| after[i + 4..].starts_with('\n') || after[i + 4..].trim().is_empty())
        .ok_or("the front matter is never closed")?;
    let meta_text = &after[..end];
    let body = after[end + 4..].strip_prefix('\n').unwrap_or(&after[end + 4..]);
    let value: Value = if toml {
        let t: toml::Table =
            toml::from_str(meta_text).map_err(|e| format!("bad TOML front matter: {}", e.message()))?;
        serde_json::to_value(t).map_err(|e| e.to_string())?
    } else if meta_text.trim().is_empty() {
        Value::Object(Default::default())
    } else {
        yaml_serde::from_str(meta_text).map_err(|e| format!("bad YAML front matter: {e}"))?
    };
    match value {
        Value::Object(m) => Ok((m, body)),
        _ => Err("the front matter is not a map of keys".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_toml_and_yaml() {
        let c = read("a.md", "+++\ntitle = \"Tin Hugo\"\ndate = 2020-01-06T08:30:00+07:00\ntags = [\"a\", \"b\"]\ndraft = false\n+++\nThân **bài**.\n")
            .expect("toml");
        assert_eq!(c.title, "Tin Hugo");
        assert_eq!(c.date.as_deref(), Some("2020-01-06T08:30:00+07:00"));
        assert_eq!(c.tags, ["a", "b"]);
        assert_eq!(c.body, "Thân **bài**.");
        let c = read("b.md", "---\ntitle: Tin\ndate: 2021-05-01\nauthor: [A, B]\ncategories: [c]\n---\nx")
            .expect("yaml");
        assert_eq!(c.authors, ["A", "B"]);
        assert_eq!(c.categories, ["c"]);
    }

    #[test]
    fn themes_pictures_zola_taxonomies_and_keys_left_behind() {
        let c = read(
            "a.md",
            "---\ntitle: T\npublishDate: 2022-01-02\nShowToc: true\ncover:\n  image: anh.jpg\n  alt: Cầu\n---\nx",
        )
        .expect("papermod");
        assert_eq!(c.date.as_deref(), Some("2022-01-02"));
        assert_eq!((c.image.as_deref(), c.image_alt.as_deref()), (Some("anh.jpg"), Some("Cầu")));
        assert_eq!(c.not_carried, ["showtoc"]);
        let c = read("b.md", "---\ntitle: T\nfeatured_image: /images/x.png\n---\n").expect("ananke");
        assert_eq!(c.image.as_deref(), Some("/images/x.png"));
        let c = read(
            "c.md",
            "+++\ntitle = \"T\"\ndate = 2022-01-02T08:00:00+07:00\n[taxonomies]\ntags = [\"a\"]\nauthors = [\"An\"]\nseries = [\"s\"]\ncategories = [\"c\"]\n[extra]\nimage = \"z.jpg\"\ntoc = true\n+++\n",
        )
        .expect("zola");
        assert_eq!(
            (c.tags, c.authors, c.categories),
            (vec!["a".to_string(), "s".into()], vec!["An".to_string()], vec!["c".to_string()])
        );
        assert_eq!(c.image.as_deref(), Some("z.jpg"));
        assert_eq!(c.not_carried, ["extra.toc"]);
    }

    #[test]
    fn jekyll_file_names_give_the_date() {
        let c =
            read("2019-11-12-mua-lon.md", "---\ntitle: Mưa lớn\ntags: thời tiết, Đà Nẵng\n---\nNội dung.")
                .expect("jekyll");
        assert_eq!(c.date.as_deref(), Some("2019-11-12"));
        assert_eq!(c.slug.as_deref(), Some("mua-lon"));
        assert_eq!(c.tags, ["thời tiết", "Đà Nẵng"]);
        let c = read("x.md", "---\ntitle: T\ndate: 2019-11-12 16:45:00 +0700\n---\n").expect("time");
        assert_eq!(c.date.as_deref(), Some("2019-11-12T16:45:00+07:00"));
        // Not an offset: left as written (and later reported as a bad date), never a panic.
        let c = read("x.md", "---\ntitle: T\ndate: 2019-11-12 16:45:00 +0é1\n---\n").expect("odd");
        assert_eq!(c.date.as_deref(), Some("2019-11-12 16:45:00 +0é1"));
    }
}
