//! `site.toml` → [`Config`]: defaults, validation, and errors that point at the line.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, did_you_mean, line_col};

mod authors;
mod permalink;
mod photos;

pub use authors::{AuthorConfig, profile_of};
pub use permalink::{Permalink, push_padded, single_slashes};
pub use photos::PhotoConfig;

/// The site's configuration. Every key is optional; see `site.toml` in the repository for a
/// commented example.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The site's name, shown in the masthead and titles.
    pub title: String,
    /// A one-line description for the home page.
    pub description: String,
    /// Absolute URL the site is published at, e.g. `https://baotinh.vn/` (used for canonical
    /// links and feeds).
    pub base_url: String,
    /// UI language of the theme.
    pub language: Language,
    /// IANA time zone for dates written without an offset (parsed at load: [`Config::zone`]).
    pub timezone: String,
    /// Bulletins per list page (a list's newest page holds up to twice as many, less one).
    pub per_page: usize,
    /// Pages a list has at most, its newest page included: its `page/` folder holds at most
    /// one fewer. A list with more bulletins shows its newest ones; the older ones are in the
    /// archive by year and month (and found by search).
    pub max_list_pages: usize,
    /// Bulletin URL pattern with `{year}`, `{month}`, `{day}` and `{slug}`.
    pub permalink: Permalink,
    /// Theme name: a folder under `themes/`, or `default` (embedded in bantin).
    pub theme: String,
    /// Keep raw HTML in bulletins as written instead of sanitising it.
    pub unsafe_html: bool,
    /// Output directory, relative to the site root.
    pub output_dir: String,
    /// Kept so that older site.toml files still load: two bulletins wanting one URL are
    /// always an error now (URLs come from file names), and `"suffix"` earns a warning.
    pub slug_collisions: SlugCollisions,
    /// Build the search index and the search page.
    pub search: bool,
    /// Entries per feed.
    pub feed_limit: usize,
    /// Feed entries carry the whole bulletin or its summary.
    pub feed_content: FeedContent,
    /// Write `robots.txt` pointing to the sitemap (a site's own `static/robots.txt` wins).
    pub robots: bool,
    /// URLs per sitemap file before it is split under a sitemap index (at most 50,000).
    pub sitemap_max_urls: usize,
    /// The author `bantin new` puts on a bulletin when `--author` is not given.
    pub default_author: String,
    /// Reading speed for the reading time shown on bulletin pages, in words (Vietnamese:
    /// syllables) per minute.
    pub words_per_minute: usize,
    /// The site's sections, in the order of its menu (`[[sections]]`).
    pub sections: Vec<SectionConfig>,
    /// How photos are published (`[photos]`).
    pub photos: PhotoConfig,
    /// Authors' profiles (`[[authors]]`), shown on their pages.
    pub authors: Vec<AuthorConfig>,
    /// `timezone`, parsed once at load.
    #[serde(skip)]
    pub(crate) zone: Option<jiff::tz::TimeZone>,
}

/// A section of the site (`[[sections]]` in site.toml): "Thời sự", "Kinh tế"…
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionConfig {
    /// Its name, as the menu and the bulletins' `section:` say it.
    pub name: String,
    /// Its URL (`/<slug>/`); from the name when not given.
    #[serde(default)]
    pub slug: String,
    /// A line under its heading.
    #[serde(default)]
    pub description: String,
}

/// Declares a setting whose value is one of a few words, written in site.toml as a string.
macro_rules! word_setting {
    ($(#[$doc:meta])* $name:ident, $key:literal, $($variant:ident = $word:literal),+) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// The word site.toml spells it with.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(s: String) -> Result<Self, String> {
                match s.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(format!(
                        concat!("unknown `", $key, "` value `{}`: use {}"),
                        s,
                        [$(concat!("\"", $word, "\"")),+].join(" or ")
                    )),
                }
            }
        }
    };
}

word_setting!(
    /// The theme's UI language (the default theme speaks Vietnamese and English).
    Language, "language", Vi = "vi", En = "en"
);
word_setting!(
    /// What happens when two bulletins' titles give the same URL.
    SlugCollisions, "slug_collisions", Suffix = "suffix", Error = "error"
);
word_setting!(
    /// What a feed entry carries.
    FeedContent, "feed_content", Full = "full", Summary = "summary"
);

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Bản tin".into(),
            description: String::new(),
            base_url: "/".into(),
            language: Language::Vi,
            timezone: "Asia/Ho_Chi_Minh".into(),
            per_page: 20,
            max_list_pages: 1000,
            permalink: Permalink::parse("/{path}/"),
            theme: "default".into(),
            unsafe_html: false,
            output_dir: "public".into(),
            slug_collisions: SlugCollisions::Error,
            search: true,
            feed_limit: 20,
            feed_content: FeedContent::Full,
            robots: true,
            sitemap_max_urls: 50_000,
            default_author: String::new(),
            words_per_minute: 200,
            sections: Vec::new(),
            photos: PhotoConfig::default(),
            authors: Vec::new(),
            zone: None,
        }
    }
}

const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "per_page",
    "max_list_pages",
    "permalink",
    "theme",
    "unsafe_html",
    "output_dir",
    "slug_collisions",
    "search",
    "feed_limit",
    "feed_content",
    "robots",
    "sitemap_max_urls",
    "default_author",
    "words_per_minute",
    "sections",
    "photos",
    "authors",
];

impl Config {
    /// Reads `site.toml` from `root`; a missing file means all defaults.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join("site.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(vec![
                    Diagnostic::error(format!("cannot read site.toml: {e}")).in_file("site.toml"),
                ]);
            }
        };
        Config::parse(&text)
    }

    /// Parses and validates the text of a `site.toml`.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            let mut d = Diagnostic::error(format!("invalid site.toml: {msg}")).in_file("site.toml");
            if let Some(span) = e.span() {
                let (line, col) = line_col(text, span.start);
                d = d.at(text, line, col);
            }
            if let Some((message, hint)) = e.span().and_then(|span| plain_toml_error(text, span.start, &msg))
            {
                d.message = message;
                d = d.with_hint(hint);
            }
            if let Some(unknown) = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
                // In a table (`[[authors]]`, `[photos]`), the keys it takes, as the parser
                // names them ("expected one of `name`, …"); at the top, the site's.
                let table = e.span().and_then(|span| table_at(text, span.start));
                let expected: Vec<&str> = msg
                    .split_once(", expected")
                    .map(|(_, r)| r.split('`').skip(1).step_by(2).collect())
                    .unwrap_or_default();
                let known = if table.is_some() && !expected.is_empty() { &expected[..] } else { KNOWN_KEYS };
                d.message = match table {
                    Some(table) => format!("unknown key `{unknown}` in {table} of site.toml"),
                    None => format!("unknown key `{unknown}` in site.toml"),
                };
                d = d.with_hint(match did_you_mean(unknown, known) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("known keys are: {}", known.join(", ")),
                });
            }
            vec![d]
        })?;
        config.zone = Some(config.validate(text)?);
        let photo_errors = config.photos.validate(|d, key| {
            let d = d.in_file("site.toml");
            match text.lines().position(|l| l.trim_start().starts_with(key)) {
                Some(i) => d.at(text, i + 1, 1),
                None => d,
            }
        });
        if !photo_errors.is_empty() {
            return Err(photo_errors);
        }
        config.fill_section_slugs(text)?;
        let author_errors = authors::check(&mut config.authors, text);
        if !author_errors.is_empty() {
            return Err(author_errors);
        }
        Ok(config)
    }

    /// Gives each section without a `slug` the one its name makes, and checks that every
    /// section has a name and a slug of its own.
    fn fill_section_slugs(&mut self, text: &str) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let at = |d: Diagnostic| {
            let d = d.in_file("site.toml");
            match text.lines().position(|l| l.trim_start().starts_with("[[sections]]")) {
                Some(i) => d.at(text, i + 1, 1),
                None => d,
            }
        };
        let mut seen: Vec<String> = Vec::new();
        for s in &mut self.sections {
            s.name = crate::text::single_line(&crate::text::normalize(&s.name));
            s.slug = crate::text::slugify(if s.slug.trim().is_empty() { &s.name } else { &s.slug });
            if s.slug.is_empty() {
                errors.push(
                    at(Diagnostic::error(format!(
                        "the section `{}` has no name or slug to make its URL from",
                        s.name
                    )))
                    .with_hint(
                        "give it `name = \"Thời sự\"` (and `slug = \"thoi-su\"` if you want another URL)",
                    ),
                );
            } else if seen.contains(&s.slug) || seen.contains(&crate::text::name_key(&s.name)) {
                errors.push(
                    at(Diagnostic::error(format!("two sections share the name or URL `{}`", s.slug)))
                        .with_hint("give each section a name and slug of its own"),
                );
            }
            seen.push(s.slug.clone());
            seen.push(crate::text::name_key(&s.name));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The section a bulletin's `section:` names (by name, any case or marks, or by slug).
    pub fn section_of(&self, written: &str) -> Option<usize> {
        let key = crate::text::fold(written.trim());
        self.sections
            .iter()
            .position(|s| crate::text::fold(&s.name) == key || s.slug == crate::text::slugify(written))
    }

    /// The time zone of dates written without an offset.
    pub fn zone(&self) -> Result<jiff::tz::TimeZone, Diagnostic> {
        match &self.zone {
            Some(z) => Ok(z.clone()),
            // A Config made in code rather than loaded: its zone is looked up now.
            None => jiff::tz::TimeZone::get(&self.timezone).map_err(|e| {
                Diagnostic::error(format!("time zone {}: {e}", self.timezone)).in_file("site.toml")
            }),
        }
    }

    /// Checks the values; returns the parsed time zone.
    fn validate(&self, text: &str) -> Result<jiff::tz::TimeZone, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let at_key = |d: Diagnostic, key: &str| {
            let d = d.in_file("site.toml");
            match text.lines().position(|l| l.trim_start().starts_with(key)) {
                Some(i) => d.at(text, i + 1, 1),
                None => d,
            }
        };
        if self.per_page == 0 {
            errors.push(at_key(
                Diagnostic::error("`per_page` must be at least 1").with_hint("the default is 20"),
                "per_page",
            ));
        }
        if self.max_list_pages < 2 {
            errors.push(at_key(
                Diagnostic::error("`max_list_pages` must be at least 2 (the newest page and an older one)")
                    .with_hint("the default is 1000"),
                "max_list_pages",
            ));
        }
        let zone = jiff::tz::TimeZone::get(&self.timezone);
        if zone.is_err() {
            errors.push(at_key(
                Diagnostic::error(format!("unknown time zone `{}`", self.timezone))
                    .with_hint("use an IANA name such as `Asia/Ho_Chi_Minh` or `UTC`"),
                "timezone",
            ));
        }
        if self.sitemap_max_urls == 0 || self.sitemap_max_urls > 50_000 {
            errors.push(at_key(
                Diagnostic::error("`sitemap_max_urls` must be between 1 and 50000")
                    .with_hint("the sitemap protocol allows at most 50,000 URLs per file"),
                "sitemap_max_urls",
            ));
        }
        if let Err(msg) = self.permalink.check() {
            errors.push(at_key(
                Diagnostic::error(format!("invalid permalink `{}`: {msg}", self.permalink))
                    .with_hint("for example `/{path}/` or `/{year}/{month}/{slug}/`"),
                "permalink",
            ));
        }
        match zone {
            Ok(zone) if errors.is_empty() => Ok(zone),
            _ => Err(errors),
        }
    }

    /// `base_url` without its trailing slash, for joining with site paths ("" for "/").
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// The table (`[photos]`, `[[authors]]`) whose keys byte `at` of `text` is among, if any.
fn table_at(text: &str, at: usize) -> Option<&str> {
    text.get(..at)?
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim())
}

/// What the TOML parser's message at byte `at` of `text` means, in plain words with the line
/// as it should be: (message, hint), for the slips editors make; `None` for the rest.
fn plain_toml_error(text: &str, at: usize, msg: &str) -> Option<(String, String)> {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let (key, value) = (key.trim(), value.trim());
    let number = ["usize", "u32", "u64", "u8", "integer"].iter().any(|t| msg.ends_with(t));
    if msg.starts_with("string values must be quoted") && !value.starts_with(['[', '{']) {
        let quoted = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
        Some((format!("the text of `{key}` needs quotes"), format!("write it {key} = {quoted}")))
    } else if msg.starts_with("invalid basic string") {
        Some((
            format!("the quote that opens `{key}`'s text is never closed"),
            format!("close it at the end of the line: {key} = {}\"", value.trim_end_matches('"')),
        ))
    } else if msg.ends_with("expected a boolean") {
        let word = if value.trim_matches('"').eq_ignore_ascii_case("false") { "false" } else { "true" };
        Some((format!("`{key}` is true or false, without quotes"), format!("write it {key} = {word}")))
    } else if number && msg.starts_with("invalid type: string") {
        let bare = value.trim_matches('"');
        Some((format!("`{key}` is a number, without quotes"), format!("write it {key} = {bare}")))
    } else if number {
        Some((
            format!("`{key}` is a whole number of at least 0, not {value}"),
            format!("for example {key} = 10"),
        ))
    } else if msg == "duplicate key" {
        Some((format!("`{key}` is set twice"), "keep one of the two lines".to_string()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::parse("").expect("empty config is valid");
        assert_eq!(c.per_page, 20);
        assert_eq!(c.timezone, "Asia/Ho_Chi_Minh");
        assert_eq!(c.permalink.as_str(), "/{path}/");
    }

    #[test]
    fn the_parser_s_slips_are_said_in_plain_words_with_the_line_as_it_should_be() {
        let said = |toml: &str| {
            let errs = Config::parse(toml).expect_err("invalid");
            (errs[0].message.clone(), errs[0].hint.clone().unwrap_or_default(), errs[0].line)
        };
        for (toml, message, hint, line) in [
            ("title = Bản tin\n", "the text of `title` needs quotes", "title = \"Bản tin\"", 1),
            ("search = \"true\"\n", "`search` is true or false", "search = true", 1),
            (
                "title = \"x\"\nper_page = \"5\"\n",
                "`per_page` is a number, without quotes",
                "per_page = 5",
                2,
            ),
            ("per_page = -1\n", "a whole number of at least 0, not -1", "per_page = 10", 1),
            ("title = \"T\n", "never closed", "title = \"T\"", 1),
            ("title = \"T\"\ntitle = \"U\"\n", "`title` is set twice", "keep one", 2),
        ] {
            let (m, h, l) = said(toml);
            assert!(m.contains(message) && h.contains(hint) && l == line, "{toml}: {m} / {h} / {l}");
        }
    }

    #[test]
    fn unknown_key_suggests() {
        let errs = Config::parse("title = \"x\"\nper_pgae = 3\n").expect_err("unknown key");
        assert_eq!(errs[0].line, 2);
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `per_page`?"));
    }

    #[test]
    fn bad_values() {
        assert!(Config::parse("timezone = \"Mars/Base\"").is_err());
        assert!(Config::parse("permalink = \"/{year}/{nope}/\"").is_err());
        assert!(Config::parse("permalink = \"/{year}/\"").is_err());
        assert!(Config::parse("per_page = 0").is_err());
        let e = Config::parse("title = \"x\"\nfeed_content = \"some\"\n").expect_err("bad word");
        assert_eq!(e[0].line, 2);
        assert!(e[0].message.contains("use \"full\" or \"summary\""), "{}", e[0].message);
        assert!(Config::parse("language = \"fr\"").is_err());
        assert!(Config::parse("slug_collisions = \"merge\"").is_err());
        let c = Config::parse("language = \"en\"\nslug_collisions = \"error\"\nfeed_content = \"summary\"\n")
            .expect("valid words");
        assert_eq!(
            (c.language, c.slug_collisions, c.feed_content),
            (Language::En, SlugCollisions::Error, FeedContent::Summary)
        );
        // The words are what the key (JSON) and the theme see.
        assert_eq!(serde_json::to_value(c.language).expect("json"), serde_json::json!("en"));
    }
}
