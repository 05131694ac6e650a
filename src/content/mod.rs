//! Bulletins: discovering `content/**/*.md`, splitting and typing their front matter, and the
//! [`Bulletin`] model every later stage reads.

mod date;
mod discover;
mod front_matter;
pub mod parse;
mod write;

pub use date::{DATE_HINT, Precision, PubDate, parse_date, with_zone};
pub use discover::{Discovered, Found, SourceFile, discover, is_picture, read_source};
pub use front_matter::{FrontMatter, KNOWN_KEYS, split_front_matter};
pub use parse::{Parsed, body_diagnostic, parse};
pub use write::{Authors, NewBulletin, PLACEHOLDER_BODY};

use std::path::PathBuf;

use jiff::tz::TimeZone;

use crate::diag::Diagnostic;
use crate::text;

/// One bulletin, typed and normalised, as parsed from its source file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Bulletin {
    /// The source file, relative to the site root (`content/2020/01/x.md`).
    pub source: PathBuf,
    /// Hash of the source file's bytes: what the incremental build compares. (Right after the
    /// source: the cache's log finds a record by these two, read from the front of its bytes.)
    pub source_hash: u64,
    #[serde(deserialize_with = "crate::text::utf8::de_string")]
    pub title: String,
    pub date: PubDate,
    /// Boxed, as the other rarely given fields: every bulletin's record is held at once.
    pub updated: Option<Box<PubDate>>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    /// The summary given in front matter, if any, on one line (moved into the archive
    /// entry's summary once the entry is made).
    #[serde(deserialize_with = "crate::text::utf8::de_opt_string")]
    pub summary: Option<String>,
    #[serde(deserialize_with = "crate::text::utf8::de_string")]
    pub slug: String,
    /// Whether the slug was written in front matter (rather than taken from the file name).
    pub slug_explicit: bool,
    /// Old URL paths of this bulletin (`aliases:`), each published as a redirect to it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether it leads the home page (`featured:`), and until when.
    #[serde(default)]
    pub featured: Option<Box<Featured>>,
    /// Correction notices (`corrections:`), oldest first.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// The section it is in (`section:`, as written), and where that is written (line,
    /// column), for the archive to resolve against site.toml's sections.
    #[serde(default)]
    pub section: Option<Box<(String, (usize, usize))>>,
    pub draft: bool,
    /// Its lead picture, if it has one (boxed: most bulletins have none, and every
    /// bulletin's record is held at once).
    #[serde(default)]
    pub lead: Option<Box<Lead>>,
    /// The Markdown body, normalised.
    #[serde(deserialize_with = "crate::text::utf8::de_string")]
    pub body: String,
    /// The 1-based line of the source file on which the body starts.
    pub body_line: usize,
}

/// A bulletin's lead picture (`image:`, `image_alt:`, `image_caption:`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Lead {
    /// A URL or a site path.
    pub image: String,
    pub alt: Option<String>,
    /// What it shows, and its credit.
    pub caption: Option<String>,
    /// Where `image:` is written (line, column), for messages about its file.
    pub at: (usize, usize),
}

impl Bulletin {
    /// The lead picture's URL or site path.
    pub fn image(&self) -> Option<&str> {
        self.lead.as_ref().map(|l| l.image.as_str())
    }

    /// The lead picture's alt text.
    pub fn image_alt(&self) -> Option<&str> {
        self.lead.as_ref()?.alt.as_deref()
    }

    /// When the bulletin last changed: `updated` unless it is earlier than `date`, or a later
    /// correction.
    pub fn modified(&self) -> &PubDate {
        let mut latest =
            self.updated.as_deref().filter(|u| u.sort_key() >= self.date.sort_key()).unwrap_or(&self.date);
        for c in &self.corrections {
            if c.date.sort_key() > latest.sort_key() {
                latest = &c.date;
            }
        }
        latest
    }
}

/// Parses one bulletin from its source text, reporting every problem found in it. Long because
/// every field is checked in turn and every problem collected, rather than stopping at the first.
pub fn parse_bulletin(source: &SourceFile, tz: &TimeZone) -> Result<Bulletin, Vec<Diagnostic>> {
    let file = &source.rel_path;
    let text = &source.text;
    let split = split_front_matter(text).map_err(|d| vec![d.in_file(file)])?;
    let fm = FrontMatter::parse(split.yaml, split.yaml_line).map_err(|d| vec![d.in_file(file)])?;

    let mut errors = Vec::new();
    let key_at = |d: Diagnostic, key: &str| {
        let (line, col) = fm.key_position(key).unwrap_or((1, 1));
        d.in_file(file).at(text, line, col)
    };

    let title = fm.title.as_deref().map(text::normalize).map(|t| text::single_line(&t));
    let title = match title {
        Some(t) if !t.is_empty() => Some(t),
        Some(_) => {
            errors.push(key_at(Diagnostic::error("the title is empty"), "title"));
            None
        }
        None => {
            errors.push(
                Diagnostic::error("the front matter has no `title`")
                    .in_file(file)
                    .at(text, split.yaml_line.saturating_sub(1).max(1), 1)
                    .with_hint("add a line such as `title: \"Tiêu đề bản tin\"`"),
            );
            None
        }
    };

    let date = match &fm.date {
        Some(raw) => match parse_date(raw, tz) {
            Ok(d) => Some(d),
            Err(msg) => {
                errors.push(key_at(Diagnostic::error(msg), "date").with_hint(DATE_HINT));
                None
            }
        },
        None => {
            errors.push(
                Diagnostic::error("the front matter has no `date`")
                    .in_file(file)
                    .at(text, split.yaml_line.saturating_sub(1).max(1), 1)
                    .with_hint("add a line such as `date: 2020-01-06` (or `2020-01` for a month)"),
            );
            None
        }
    };

    let updated = match &fm.updated {
        Some(raw) => match parse_date(raw, tz) {
            Ok(d) => Some(Box::new(d)),
            Err(msg) => {
                errors.push(key_at(Diagnostic::error(msg), "updated").with_hint(DATE_HINT));
                None
            }
        },
        None => None,
    };

    // The URL comes from the file, never from the title: a headline fixed after publishing
    // keeps its URL. `slug:` chooses it explicitly.
    let slug = text::slugify(fm.slug.as_deref().unwrap_or(&file_slug_source(file)));
    if slug.is_empty() {
        let diagnostic = match fm.key_position("slug") {
            Some((line, col)) => {
                Diagnostic::error("cannot make a URL slug: `slug:` has no letters or digits")
                    .in_file(file)
                    .at(text, line, col)
                    .with_hint("set `slug:` to a few Latin words, e.g. `slug: tin-van`")
            }
            None => Diagnostic::error("cannot make a URL slug: the file name has no letters or digits")
                .in_file(file)
                .with_hint("rename the file to a few words of its title (tin-van.md), or set `slug:`"),
        };
        errors.push(diagnostic);
    }
    let aliases = clean_aliases(&fm.aliases, &mut errors, &key_at);
    let mut corrections: Vec<Correction> = Vec::new();
    for (raw_date, raw_text) in &fm.corrections {
        match parse_date(raw_date, tz) {
            Ok(date) => {
                corrections.push(Correction { date, text: text::single_line(&text::normalize(raw_text)) })
            }
            Err(msg) => errors.push(
                key_at(Diagnostic::error(msg), "corrections")
                    .with_hint("date each notice as 2020-01-07 or 2020-01-07 08:30"),
            ),
        }
    }
    corrections.sort_by_key(|c| c.date.sort_key());
    let featured = match &fm.featured {
        None => None,
        Some(front_matter::FeaturedRaw::Always) => Some(Featured::Always),
        Some(front_matter::FeaturedRaw::Until(raw)) => match parse_date(raw, tz) {
            Ok(d) => Some(Featured::Until(d)),
            Err(msg) => {
                errors.push(key_at(Diagnostic::error(msg), "featured").with_hint(
                    "write `featured: true`, or the date until which it leads: `featured: 2020-01-08`",
                ));
                None
            }
        },
    };

    let image = fm.image.as_deref().map(str::trim).filter(|i| !i.is_empty()).map(str::to_owned);
    if let Some(img) = &image {
        let scheme = img.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        let ok = match scheme.as_deref() {
            Some(s) if !s.contains(['/', '?', '#']) => matches!(s, "http" | "https"),
            _ => true,
        };
        if !ok || img.contains(['"', '<', '>']) || img.chars().any(char::is_control) {
            errors.push(
                key_at(
                    Diagnostic::error(format!("`{img}` is not an image URL bantin will publish")),
                    "image",
                )
                .with_hint("use an http(s) URL or a path such as /images/anh.jpg"),
            );
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(title), Some(date)) = (title, date) else {
        return Err(errors);
    };
    Ok(Bulletin {
        source: file.clone(),
        title,
        date,
        updated,
        authors: text::clean_names(fm.authors()),
        tags: text::clean_names(fm.tags()),
        summary: fm
            .summary
            .as_deref()
            .map(|s| text::single_line(&text::normalize(s)))
            .filter(|s| !s.is_empty()),
        slug,
        slug_explicit: fm.slug.is_some(),
        aliases,
        featured: featured.map(Box::new),
        corrections,
        section: fm.section.clone().map(|s| Box::new((s, fm.key_position("section").unwrap_or((1, 1))))),
        draft: fm.draft.unwrap_or(false),
        lead: image.map(|image| {
            let line = |a: &Option<String>| {
                a.as_deref().map(|a| text::single_line(&text::normalize(a))).filter(|a| !a.is_empty())
            };
            Box::new(Lead {
                image,
                alt: line(&fm.image_alt),
                caption: line(&fm.image_caption),
                at: fm.key_position("image").unwrap_or((1, 1)),
            })
        }),
        body: text::normalize(split.body),
        body_line: split.body_line,
        source_hash: crate::hash::hash_bytes(text.as_bytes()),
    })
}

/// What a bulletin's slug comes from when it has no `slug:`: its file name without `.md`, or
/// for a bundle (`ten-bai/index.md`) its folder's name.
pub fn file_slug_source(file: &std::path::Path) -> String {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if stem == "index"
        && let Some(folder) = file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str())
        && file.parent().is_some_and(|p| p != std::path::Path::new("content"))
    {
        return folder.to_string();
    }
    stem.to_string()
}

/// The `aliases:` of a bulletin as site paths ([`alias_path`]), each once.
fn clean_aliases(
    raw: &[String],
    errors: &mut Vec<Diagnostic>,
    key_at: &dyn Fn(Diagnostic, &str) -> Diagnostic,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in raw {
        match alias_path(a) {
            Ok(path) if !out.contains(&path) => out.push(path),
            Ok(_) => {}
            Err(AliasProblem { message, hint }) => {
                errors.push(key_at(Diagnostic::error(message), "aliases").with_hint(hint))
            }
        }
    }
    out
}

/// Why an old URL path cannot be published as a redirect, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasProblem {
    pub message: String,
    pub hint: &'static str,
}

/// An old URL path as its redirect is published (`/2019/12/ten-cu/`): it starts with `/`,
/// has no `.` or `..` segment, no query or fragment, and ends with `/` unless it names an
/// `.html` file (`/x/index.html` is written `/x/`); each of its parts can be a folder's name
/// on every system.
pub fn alias_path(a: &str) -> Result<String, AliasProblem> {
    let a = a.trim();
    let bad = !a.starts_with('/')
        || a.contains(['?', '#', '\\', '"', '<', '>'])
        || a.chars().any(|c| c.is_control() || c.is_whitespace())
        || a.split('/').any(|seg| seg == "." || seg == "..")
        || a == "/";
    if bad {
        return Err(AliasProblem {
            message: format!("`{a}` is not an old URL path bantin can redirect"),
            hint: "write the old URL's path from the site root, e.g. `/2019/12/ten-cu/`",
        });
    }
    // A folder of the redirect page that no file system (or no host's) takes.
    if let Some(seg) = a.split('/').find(|seg| !crate::text::is_portable_name(seg)) {
        let why = if seg.len() > 255 {
            format!(
                "its part `{}…` is longer than a file name may be (255 bytes)",
                seg.chars().take(40).collect::<String>()
            )
        } else {
            format!(
                "its part `{seg}` cannot be a file name on every system (a colon, or a name Windows keeps for itself)"
            )
        };
        return Err(AliasProblem {
            message: format!("the old URL path `{a}` cannot be published as a redirect: {why}"),
            hint: "leave this old URL out of `aliases:`, or redirect it on the host (a rule of the web server)",
        });
    }
    // `/x/index.html` is the page `/x/` is: one path for both, as other bulletins' URLs are.
    let mut path = a.strip_suffix("index.html").filter(|p| p.ends_with('/')).unwrap_or(a).to_string();
    if !path.ends_with('/') && !path.ends_with(".html") {
        path.push('/');
    }
    Ok(path)
}

/// How long a bulletin leads the home page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Featured {
    Always,
    /// Until this moment (a date without a time: its first moment).
    Until(PubDate),
}

impl Featured {
    /// Whether it is featured at `now` (seconds).
    pub fn at(&self, now: i64) -> bool {
        match self {
            Featured::Always => true,
            Featured::Until(d) => now < d.sort_key(),
        }
    }
}

/// A correction notice ("Thông tin cải chính"): when it was made and what it says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    pub date: PubDate,
    pub text: String,
}
