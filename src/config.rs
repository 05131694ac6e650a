//! `site.toml` → [`Config`]: defaults, validation, and errors that point at the line.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, did_you_mean, line_col};

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
    /// UI language of the theme: `vi` or `en`.
    pub language: String,
    /// IANA time zone for dates written without an offset.
    pub timezone: String,
    /// Bulletins per list page (a list's newest page holds up to twice as many, less one).
    pub per_page: usize,
    /// Bulletin URL pattern with `{year}`, `{month}`, `{day}` and `{slug}`.
    pub permalink: String,
    /// Theme name: a folder under `themes/`, or `default` (embedded in bantin).
    pub theme: String,
    /// Keep raw HTML in bulletins as written instead of sanitising it.
    pub unsafe_html: bool,
    /// Output directory, relative to the site root.
    pub output_dir: String,
    /// What to do when two bulletins' titles give the same URL: `"suffix"` (the later one
    /// gets `-2`, `-3`…, with a warning) or `"error"`. Clashing explicit `slug:`s are always
    /// errors.
    pub slug_collisions: String,
    /// Build the search index and the search page.
    pub search: bool,
    /// Entries per feed.
    pub feed_limit: usize,
    /// Feed entries carry the whole bulletin (`"full"`) or its summary (`"summary"`).
    pub feed_content: String,
    /// Write `robots.txt` pointing to the sitemap (a site's own `static/robots.txt` wins).
    pub robots: bool,
    /// URLs per sitemap file before it is split under a sitemap index (at most 50,000).
    pub sitemap_max_urls: usize,
    /// The author `bantin new` puts on a bulletin when `--author` is not given.
    pub default_author: String,
    /// Reading speed for the reading time shown on bulletin pages, in words (Vietnamese:
    /// syllables) per minute.
    pub words_per_minute: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Bản tin".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "vi".into(),
            timezone: "Asia/Ho_Chi_Minh".into(),
            per_page: 20,
            permalink: "/{year}/{month}/{slug}/".into(),
            theme: "default".into(),
            unsafe_html: false,
            output_dir: "public".into(),
            slug_collisions: "suffix".into(),
            search: true,
            feed_limit: 20,
            feed_content: "full".into(),
            robots: true,
            sitemap_max_urls: 50_000,
            default_author: String::new(),
            words_per_minute: 200,
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
        let config: Config = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            let mut d = Diagnostic::error(format!("invalid site.toml: {msg}")).in_file("site.toml");
            if let Some(span) = e.span() {
                let (line, col) = line_col(text, span.start);
                d = d.at(text, line, col);
            }
            if let Some(unknown) = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
                d.message = format!("unknown key `{unknown}` in site.toml");
                d = d.with_hint(match did_you_mean(unknown, KNOWN_KEYS) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("known keys are: {}", KNOWN_KEYS.join(", ")),
                });
            }
            vec![d]
        })?;
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), Vec<Diagnostic>> {
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
        if jiff::tz::TimeZone::get(&self.timezone).is_err() {
            errors.push(at_key(
                Diagnostic::error(format!("unknown time zone `{}`", self.timezone))
                    .with_hint("use an IANA name such as `Asia/Ho_Chi_Minh` or `UTC`"),
                "timezone",
            ));
        }
        if !matches!(self.language.as_str(), "vi" | "en") {
            errors.push(at_key(
                Diagnostic::error(format!("unsupported language `{}`", self.language))
                    .with_hint("the default theme speaks `vi` and `en`"),
                "language",
            ));
        }
        if !matches!(self.feed_content.as_str(), "full" | "summary") {
            errors.push(at_key(
                Diagnostic::error(format!("unknown `feed_content` value `{}`", self.feed_content))
                    .with_hint("use \"full\" or \"summary\""),
                "feed_content",
            ));
        }
        if self.sitemap_max_urls == 0 || self.sitemap_max_urls > 50_000 {
            errors.push(at_key(
                Diagnostic::error("`sitemap_max_urls` must be between 1 and 50000")
                    .with_hint("the sitemap protocol allows at most 50,000 URLs per file"),
                "sitemap_max_urls",
            ));
        }
        if !matches!(self.slug_collisions.as_str(), "suffix" | "error") {
            errors.push(at_key(
                Diagnostic::error(format!("unknown `slug_collisions` value `{}`", self.slug_collisions))
                    .with_hint("use \"suffix\" or \"error\""),
                "slug_collisions",
            ));
        }
        if let Err(msg) = check_permalink(&self.permalink) {
            errors.push(at_key(
                Diagnostic::error(format!("invalid permalink `{}`: {msg}", self.permalink))
                    .with_hint("for example `/{year}/{month}/{slug}/`"),
                "permalink",
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// `base_url` without its trailing slash, for joining with site paths ("" for "/").
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// Permalinks start and end with `/`, contain `{slug}`, and use only known placeholders.
fn check_permalink(p: &str) -> Result<(), String> {
    if !p.starts_with('/') || !p.ends_with('/') {
        return Err("it must start and end with `/`".into());
    }
    if !p.contains("{slug}") {
        return Err("it must contain `{slug}`".into());
    }
    let mut rest = p;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err("an unclosed `{`".into());
        };
        let name = &rest[open + 1..open + close];
        if !matches!(name, "year" | "month" | "day" | "slug") {
            return Err(format!("unknown placeholder `{{{name}}}` (use year, month, day, slug)"));
        }
        rest = &rest[open + close + 1..];
    }
    if p.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("`.` and `..` segments are not allowed".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::parse("").expect("empty config is valid");
        assert_eq!(c.per_page, 20);
        assert_eq!(c.timezone, "Asia/Ho_Chi_Minh");
        assert_eq!(c.permalink, "/{year}/{month}/{slug}/");
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
    }
}
