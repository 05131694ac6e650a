//! Splitting a bulletin into its YAML front matter and Markdown body, and typing the front
//! matter with `yaml_serde`, with every error pointing at a line and column of the file.

use serde::Deserialize;

use crate::diag::Diagnostic;

mod yaml_errors;
pub(crate) use yaml_errors::quoted;
use yaml_errors::yaml_error;

/// The keys a bulletin's front matter may have.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "author",
    "tags",
    "summary",
    "slug",
    "aliases",
    "draft",
    "updated",
    "image",
    "image_alt",
    "image_caption",
    "section",
    "featured",
    "corrections",
];

/// A source text cut into front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file on which the YAML starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Cuts `text` at its `---` fences. The opening fence must be the first line; the closing one
/// is the next line that is exactly `---` (or `...`). CRLF line ends are accepted.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_line_end].trim_end_matches(['\r', '\n']);
    if first.trim_end() == "+++" {
        return Err(Diagnostic::error("this front matter is TOML, between `+++` lines, as Hugo writes it: bantin reads YAML, between `---` lines")
            .at(text, 1, 1)
            .with_hint("`bantin import` converts a Hugo site's bulletins (run it on the folder they are in); or rewrite the front matter as `---`, `title: …`, `date: …`, `---`"));
    }
    if first.trim_end() != "---" {
        let hint = if text.trim().is_empty() {
            "the file is empty; a bulletin starts with `---`, a `title:` and a `date:`, then `---`"
        } else {
            "start the file with a line `---`, then `title:` and `date:` lines, then `---`"
        };
        return Err(Diagnostic::error("the bulletin has no front matter").at(text, 1, 1).with_hint(hint));
    }
    let mut offset = first_line_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        let l = text[offset..end].trim_end_matches(['\r', '\n']);
        if l == "---" || l == "..." {
            return Ok(Split {
                yaml: &text[first_line_end..offset],
                yaml_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(text, 1, 1)
        .with_hint("end the front matter with a line that is exactly `---`"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<yaml_serde::Value>,
    author: Option<yaml_serde::Value>,
    tags: Option<yaml_serde::Value>,
    summary: Option<String>,
    slug: Option<String>,
    aliases: Option<yaml_serde::Value>,
    featured: Option<yaml_serde::Value>,
    corrections: Option<yaml_serde::Value>,
    section: Option<String>,
    draft: Option<bool>,
    updated: Option<yaml_serde::Value>,
    image: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
}

/// `featured:` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeaturedRaw {
    Always,
    /// A date, not yet parsed.
    Until(String),
}

/// Typed front matter, with the positions of its keys for later diagnostics.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    authors: Vec<String>,
    tags: Vec<String>,
    pub summary: Option<String>,
    pub slug: Option<String>,
    /// Old URL paths, as written (a string or a list).
    pub aliases: Vec<String>,
    /// `featured:` as written: `true`/`false`, or the date until which it is featured.
    pub featured: Option<FeaturedRaw>,
    /// `corrections:` as written: (date, text) of each notice.
    pub corrections: Vec<(String, String)>,
    /// `section:` as written.
    pub section: Option<String>,
    pub draft: Option<bool>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// The lead picture's caption (`image_caption:`), shown under it.
    pub image_caption: Option<String>,
    /// (key, line in file, column of the value) for each top-level key.
    keys: Vec<(String, usize, usize)>,
}

impl FrontMatter {
    /// Parses the YAML of a front matter that starts on line `first_line` of its file.
    /// Diagnostics carry file line and column, but no file name. Long because each key is
    /// typed in turn, each with its own message when it has the wrong shape.
    pub fn parse(yaml: &str, first_line: usize) -> Result<FrontMatter, Diagnostic> {
        let keys = top_level_keys(yaml, first_line);
        // Tabs are not indentation in YAML: say so plainly rather than through the parser.
        for (i, l) in yaml.lines().enumerate() {
            let indent: String = l.chars().take_while(|c| c.is_whitespace()).collect();
            if indent.contains('\t') {
                let col = indent.find('\t').map_or(1, |c| c + 1);
                return Err(Diagnostic::error("a tab is used for indentation in the front matter")
                    .at_file_line(yaml, first_line, i + 1, col)
                    .with_hint("YAML allows only spaces for indentation; replace the tab with spaces"));
            }
        }
        let raw: RawFrontMatter = if yaml.trim().is_empty() {
            RawFrontMatter::empty()
        } else {
            yaml_serde::from_str(yaml).map_err(|e| yaml_error(&e, yaml, first_line, &keys))?
        };
        let at_key = |d: Diagnostic, key: &str| {
            let (line, col) =
                keys.iter().find(|(k, _, _)| k == key).map_or((first_line, 1), |(_, l, c)| (*l, *c));
            d.at_file_line(yaml, first_line, line + 1 - first_line, col)
        };
        let date_text = |v: Option<yaml_serde::Value>, key: &str| -> Result<Option<String>, Diagnostic> {
            match v {
                None | Some(yaml_serde::Value::Null) => Ok(None),
                Some(v) => scalar_text(&v).map(Some).ok_or_else(|| {
                    at_key(Diagnostic::error(format!("`{key}` must be a date")), key)
                        .with_hint(super::DATE_HINT)
                }),
            }
        };
        let names = |v: Option<yaml_serde::Value>, key: &str| -> Result<Vec<String>, Diagnostic> {
            let bad = || {
                at_key(Diagnostic::error(format!("`{key}` must be a string or a list of strings")), key)
                    .with_hint(format!("write `{key}: an ninh` or `{key}: [an ninh, giáo dục]`"))
            };
            match v {
                None | Some(yaml_serde::Value::Null) => Ok(Vec::new()),
                Some(yaml_serde::Value::Sequence(items)) => {
                    items.iter().map(|i| scalar_text(i).ok_or_else(bad)).collect()
                }
                Some(v) => scalar_text(&v).map(|s| vec![s]).ok_or_else(bad),
            }
        };
        Ok(FrontMatter {
            title: raw.title,
            date: date_text(raw.date, "date")?,
            updated: date_text(raw.updated, "updated")?,
            authors: names(raw.author, "author")?,
            tags: names(raw.tags, "tags")?,
            summary: raw.summary,
            slug: raw.slug,
            aliases: names(raw.aliases, "aliases")?,
            corrections: {
                let bad = || {
                    at_key(Diagnostic::error("`corrections` must be a list of notices, each with a `date` and a `text`"), "corrections")
                        .with_hint("write `corrections: [{date: 2020-01-07, text: \"Bài viết đã sửa tên người.\"}]`")
                };
                match raw.corrections {
                    None | Some(yaml_serde::Value::Null) => Vec::new(),
                    Some(yaml_serde::Value::Sequence(items)) => items
                        .iter()
                        .map(|item| {
                            let field = |k: &str| item.get(k).and_then(scalar_text).filter(|t| !t.trim().is_empty());
                            let known = item.as_mapping().is_some_and(|m| {
                                m.keys().all(|k| matches!(k.as_str(), Some("date") | Some("text")))
                            });
                            match (field("date"), field("text")) {
                                (Some(d), Some(t)) if known => Ok((d, t)),
                                _ => Err(bad()),
                            }
                        })
                        .collect::<Result<_, _>>()?,
                    Some(_) => return Err(bad()),
                }
            },
            section: raw.section.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            featured: match raw.featured {
                None | Some(yaml_serde::Value::Null) | Some(yaml_serde::Value::Bool(false)) => None,
                Some(yaml_serde::Value::Bool(true)) => Some(FeaturedRaw::Always),
                v => date_text(v, "featured")
                    .map_err(|d| d.with_hint("write `featured: true`, or the date until which it leads: `featured: 2020-01-08`"))?
                    .map(FeaturedRaw::Until),
            },
            draft: raw.draft,
            image: raw.image,
            image_alt: raw.image_alt,
            image_caption: raw.image_caption,
            keys,
        })
    }

    pub fn authors(&self) -> &[String] {
        &self.authors
    }

    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// Line and column (1-based, in the file) of the value of top-level `key`.
    pub fn key_position(&self, key: &str) -> Option<(usize, usize)> {
        self.keys.iter().find(|(k, _, _)| k == key).map(|(_, l, c)| (*l, *c))
    }
}

impl RawFrontMatter {
    fn empty() -> Self {
        RawFrontMatter {
            title: None,
            date: None,
            author: None,
            tags: None,
            summary: None,
            slug: None,
            aliases: None,
            featured: None,
            corrections: None,
            section: None,
            draft: None,
            updated: None,
            image: None,
            image_alt: None,
            image_caption: None,
        }
    }
}

impl Diagnostic {
    /// Points at line `yaml_line` (1-based within `yaml`) of a front matter starting on file
    /// line `first_line`.
    fn at_file_line(mut self, yaml: &str, first_line: usize, yaml_line: usize, col: usize) -> Self {
        self = self.at(yaml, yaml_line, col);
        self.line = first_line + yaml_line - 1;
        self
    }
}

/// Finds `key:` at the start of unindented lines: (key, file line, value column).
fn top_level_keys(yaml: &str, first_line: usize) -> Vec<(String, usize, usize)> {
    let mut keys = Vec::new();
    for (i, l) in yaml.lines().enumerate() {
        if l.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some(colon) = l.find(':') {
            let key = l[..colon].trim().trim_matches(['"', '\'']).to_string();
            let after = &l[colon + 1..];
            let value_col = l[..colon + 1].chars().count() + 1 + (after.len() - after.trim_start().len());
            keys.push((key, first_line + i, value_col));
        }
    }
    keys
}

/// The text of a scalar (string, number or boolean); `None` for lists, maps and null.
fn scalar_text(v: &yaml_serde::Value) -> Option<String> {
    match v {
        yaml_serde::Value::String(s) => Some(s.clone()),
        yaml_serde::Value::Number(n) => Some(n.to_string()),
        yaml_serde::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_lines() {
        let s = split_front_matter("---\ntitle: a\n---\nbody\n").expect("split");
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        let s = split_front_matter("---\r\ntitle: a\r\n---\r\nbody").expect("crlf");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn missing_or_unclosed() {
        assert!(split_front_matter("# hello").is_err());
        assert!(split_front_matter("").is_err());
        assert!(split_front_matter("---\ntitle: a\n").is_err());
    }

    #[test]
    fn known_keys_are_every_key_the_front_matter_reads() {
        // The parser's own list of the fields it expects, from its error for an unknown one.
        let msg = yaml_serde::from_str::<RawFrontMatter>("bogus: 1\n").expect_err("unknown").to_string();
        let expected = msg.split("expected one of").nth(1).expect("a list of fields");
        let mut fields: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let mut known = KNOWN_KEYS.to_vec();
        fields.sort_unstable();
        known.sort_unstable();
        assert_eq!(known, fields, "{msg}");
        let e = FrontMatter::parse("title: a\ndate: 2020-01-01\nsectoin: Thời sự\n", 2).expect_err("typo");
        assert_eq!(e.hint.as_deref(), Some("did you mean `section`?"));
    }

    #[test]
    fn toml_front_matter_is_named_with_the_way_to_convert_it() {
        let e = split_front_matter("+++\ntitle = \"Tin\"\ndate = 2020-01-06\n+++\nx\n").expect_err("toml");
        assert!(e.message.contains("TOML") && e.message.contains("`---`"), "{}", e.message);
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("bantin import")), "{:?}", e.hint);
    }

    #[test]
    fn unknown_key_position_and_hint() {
        let e = FrontMatter::parse("title: a\ndate: 2020-01-01\ntgas: [x]\n", 2).expect_err("unknown");
        assert_eq!((e.line, e.column), (4, 1));
        assert_eq!(e.hint.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn wrong_types_point_at_value() {
        let e = FrontMatter::parse("title: a\ndraft: maybe\n", 2).expect_err("bool");
        assert_eq!(e.line, 3, "{e}");
        let e = FrontMatter::parse("title: a\ntags: {a: 1}\n", 2).expect_err("tags map");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn tabs_and_alias_bombs() {
        let e = FrontMatter::parse("title: a\ntags:\n\t- x\n", 2).expect_err("tab");
        assert_eq!((e.line, e.column), (4, 1));
        let mut bomb =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev =
                if i == 0 { "a".to_string() } else { ["b", "c", "d", "e", "f", "g", "h"][i - 1].to_string() };
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        assert!(FrontMatter::parse(&bomb, 2).is_err());
    }
}
