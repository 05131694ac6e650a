//! The bulletin URL pattern of site.toml (`/{year}/{month}/{slug}/`), parsed once at load
//! into its parts, checked, and expanded for each bulletin.

use serde::{Deserialize, Serialize};

/// A part of a permalink pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Year,
    Month,
    Day,
    Slug,
    Path,
}

/// A permalink pattern: as written (which is what the site's key and `site.toml` see) and as
/// parts. A `{` that starts no placeholder is text (such a pattern does not pass
/// [`Permalink::check`], but every string has a meaning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Permalink {
    pattern: String,
    parts: Vec<Part>,
}

impl From<String> for Permalink {
    fn from(pattern: String) -> Permalink {
        Permalink::parse(&pattern)
    }
}

impl From<Permalink> for String {
    fn from(p: Permalink) -> String {
        p.pattern
    }
}

impl std::fmt::Display for Permalink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.pattern)
    }
}

impl Permalink {
    /// The parts of `pattern`.
    pub fn parse(pattern: &str) -> Permalink {
        let mut parts: Vec<Part> = Vec::new();
        let mut text = String::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            rest = &rest[open..];
            let placeholder = [
                ("{year}", Part::Year),
                ("{month}", Part::Month),
                ("{day}", Part::Day),
                ("{slug}", Part::Slug),
                ("{path}", Part::Path),
            ]
            .into_iter()
            .find_map(|(name, part)| rest.strip_prefix(name).map(|after| (part, after)));
            let Some((part, after)) = placeholder else {
                text.push('{');
                rest = &rest[1..];
                continue;
            };
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(part);
            rest = after;
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Permalink { pattern: pattern.to_string(), parts }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the pattern is one a site may use: it starts and ends with `/`, contains
    /// `{slug}` or `{path}`, uses only known placeholders, and has no `.` or `..` segment.
    pub fn check(&self) -> Result<(), String> {
        let p = &self.pattern;
        if !p.starts_with('/') || !p.ends_with('/') {
            return Err("it must start and end with `/`".into());
        }
        if !self.parts.contains(&Part::Slug) && !self.parts.contains(&Part::Path) {
            return Err("it must contain `{path}` or `{slug}`".into());
        }
        let mut rest = p.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                return Err("an unclosed `{`".into());
            };
            let name = &rest[open + 1..open + close];
            if !matches!(name, "year" | "month" | "day" | "slug" | "path") {
                return Err(format!("unknown placeholder `{{{name}}}` (use path, year, month, day, slug)"));
            }
            rest = &rest[open + close + 1..];
        }
        if p.split('/').any(|seg| seg == ".." || seg == ".") {
            return Err("`.` and `..` segments are not allowed".into());
        }
        Ok(())
    }

    /// Whether the pattern has `{path}` (a bulletin's folders are needed to expand it).
    pub fn has_folders(&self) -> bool {
        self.parts.contains(&Part::Path)
    }

    /// The URL path for a bulletin of this date (`day` is `None` for a month-precision date,
    /// whose `{day}` is empty), slug and folders (`{path}` is the folders, then the slug). Runs
    /// of slashes (where `{day}` is empty, say) become one.
    pub fn expand(&self, year: i64, month: i64, day: Option<i64>, slug: &str, folders: &str) -> String {
        let mut p = String::with_capacity(self.pattern.len() + slug.len() + 8);
        for part in &self.parts {
            let _ = match part {
                Part::Text(t) => {
                    p.push_str(t);
                    Ok(())
                }
                Part::Year => push_padded(&mut p, year, 4),
                Part::Month => push_padded(&mut p, month, 2),
                Part::Day => day.map_or(Ok(()), |d| push_padded(&mut p, d, 2)),
                Part::Slug => {
                    p.push_str(slug);
                    Ok(())
                }
                Part::Path => {
                    p.push_str(folders);
                    p.push('/');
                    p.push_str(slug);
                    Ok(())
                }
            };
        }
        single_slashes(p)
    }
}

/// `p` with each run of slashes made one (where an empty placeholder left two side by side).
pub fn single_slashes(p: String) -> String {
    if !p.as_bytes().windows(2).any(|w| w == b"//") {
        return p;
    }
    let mut joined = String::with_capacity(p.len());
    for c in p.chars() {
        if !(c == '/' && joined.ends_with('/')) {
            joined.push(c);
        }
    }
    joined
}

/// Appends `n` padded with zeros to `width` digits.
pub fn push_padded(out: &mut String, n: i64, width: usize) -> std::fmt::Result {
    use std::fmt::Write as _;
    if n < 0 {
        return write!(out, "{n:0width$}");
    }
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
    out.push_str(digits);
    Ok(())
}
