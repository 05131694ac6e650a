//! Splitting a bulletin into its YAML front matter and Markdown body, and typing the front
//! matter with `yaml_serde`, with every error pointing at a line and column of the file.

use serde::Deserialize;

use crate::diag::{Diagnostic, did_you_mean};

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

fn yaml_error(
    e: &yaml_serde::Error,
    yaml: &str,
    first_line: usize,
    keys: &[(String, usize, usize)],
) -> Diagnostic {
    let msg = e.to_string();
    // yaml_serde appends " at line L column C"; we show the position ourselves.
    let plain = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let (yl, yc) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    if let Some(unknown) = plain.split("unknown field `").nth(1).and_then(|r| r.split('`').next()) {
        let line = keys.iter().find(|(k, _, _)| k == unknown).map_or(first_line + yl - 1, |(_, l, _)| *l);
        let hint = match did_you_mean(unknown, KNOWN_KEYS) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("known keys are: {}", KNOWN_KEYS.join(", ")),
        };
        return Diagnostic::error(format!("unknown key `{unknown}` in the front matter"))
            .at_file_line(yaml, first_line, line + 1 - first_line, 1)
            .with_hint(hint);
    }
    if let Some((line, col, quote)) = unclosed_quote(yaml) {
        return Diagnostic::error(format!("this {quote} quote is never closed"))
            .at_file_line(yaml, first_line, line, col)
            .with_hint(format!("close it at the end of the value: title: {quote}Mưa lớn ở Đà Nẵng{quote}"));
    }
    if let Some((line, col, key, quote)) = text_after_quote(yaml) {
        let other = if quote == '"' { '\'' } else { '"' };
        return Diagnostic::error(format!(
            "the value of `{key}` goes on after its closing {quote} quote: YAML ends a quoted value at that quote"
        ))
        .at_file_line(yaml, first_line, line, col)
        .with_hint(format!(
            "put the whole value inside quotes of the other kind: {key}: {other}{quote}Ai bàn lùi{quote} sẽ bị kiểm điểm{other}"
        ));
    }
    if let Some((key, problem)) = plain.split_once(": invalid type: ")
        && !key.contains(char::is_whitespace)
    {
        let (message, hint) = if problem.ends_with("expected a boolean") {
            (
                format!("`{key}` is true or false"),
                format!("write `{key}: true` or `{key}: false`, without quotes"),
            )
        } else if problem.ends_with("expected a string")
            && (problem.starts_with("sequence") || problem.starts_with("map"))
        {
            let line = yaml.lines().nth(yl.saturating_sub(1)).unwrap_or("");
            let hint = match line.strip_prefix(key).and_then(|l| l.strip_prefix(':')).map(str::trim) {
                Some(value) if value.starts_with(['[', '{']) => {
                    format!("a value that starts with [ or {{ needs quotes: {key}: {}", quoted(value))
                }
                _ => format!("write `{key}:` and its text on one line"),
            };
            (format!("`{key}` is one text, not a list or a set of keys"), hint)
        } else {
            (
                format!("`{key}` has a value of the wrong kind: {problem}"),
                format!("see the front-matter keys in README: `{key}`"),
            )
        };
        return Diagnostic::error(message)
            .at_file_line(yaml, first_line, yl.max(1), yc.max(1))
            .with_hint(hint);
    }
    if plain.contains("mapping values are not allowed")
        && let Some(d) = colon_in_value(yaml, first_line, yl)
    {
        return d;
    }
    if (plain.contains("expected ',' or ']'") || plain.contains("expected ',' or '}'"))
        && let Some((line, col, open, close)) = unclosed_bracket(yaml)
    {
        return Diagnostic::error(format!("this {open} is never closed"))
            .at_file_line(yaml, first_line, line, col)
            .with_hint(format!("close it with {close} on the same line: tags: [Giáo dục, Thi cử]"));
    }
    let hint = if plain.contains("recursion limit") || plain.contains("repetition limit") {
        "the front matter nests or repeats too deeply (a YAML alias bomb?); write it out plainly"
    } else {
        "check the YAML syntax of the front matter (quotes around titles with `:` help)"
    };
    Diagnostic::error(format!("invalid front matter: {plain}"))
        .at_file_line(yaml, first_line, yl.max(1), yc.max(1))
        .with_hint(hint)
}

/// The first line (1-based, in the YAML) whose value opens a quote that the line does not
/// close, with the quote's column and character: what the reader sees as the cause when the
/// YAML parser only finds "the end of the stream".
fn unclosed_quote(yaml: &str) -> Option<(usize, usize, char)> {
    for (i, line) in yaml.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let Some(colon) = line.find(": ") else { continue };
        let value = &line[colon + 2..];
        let start = colon + 2 + (value.len() - value.trim_start().len());
        let value = value.trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        if closing_quote(value, quote).is_none() {
            return Some((i + 1, line[..start].chars().count() + 1, quote));
        }
    }
    None
}

/// In `value`, which opens with `quote`, the byte just after the quote that closes it: the
/// first one not escaped (`\"`) or doubled (`''`); `None` when the line never closes it.
fn closing_quote(value: &str, quote: char) -> Option<usize> {
    let bytes = value.as_bytes();
    let mut at = 1;
    loop {
        match bytes.get(at)? {
            b'\\' if quote == '"' => at += 2,
            &b if b == quote as u8 && quote == '\'' && bytes.get(at + 1) == Some(&b'\'') => at += 2,
            &b if b == quote as u8 => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// What "mapping values are not allowed" at YAML line `yl` means in plain words: a key
/// indented under a value (`  author: An`), or a value holding `: ` (`title: Quảng Trị: Lũ`),
/// which YAML reads as another key; with the line rewritten as it should be.
fn colon_in_value(yaml: &str, first_line: usize, yl: usize) -> Option<Diagnostic> {
    let line = yaml.lines().nth(yl.checked_sub(1)?)?;
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let colon = trimmed.find(": ").or_else(|| trimmed.strip_suffix(':').map(str::len))?;
    let key = &trimmed[..colon];
    if indent > 0 && KNOWN_KEYS.contains(&key) {
        return Some(
            Diagnostic::error(format!("`{key}` is indented: YAML reads it as part of the line above"))
                .at_file_line(yaml, first_line, yl, 1)
                .with_hint(format!("start the line with `{key}:`, at the beginning of the line")),
        );
    }
    if indent > 0 || key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    let value = trimmed[colon + 1..].trim();
    let inner = value.find(": ").or_else(|| value.strip_suffix(':').map(str::len))?;
    if value.starts_with(['"', '\'', '[', '{', '|', '>']) {
        return None;
    }
    let col = line[..line.len() - trimmed.len() + colon + 1].chars().count()
        + (trimmed[colon + 1..].len() - trimmed[colon + 1..].trim_start().len())
        + value[..inner].chars().count()
        + 1;
    Some(
        Diagnostic::error(format!(
            "the value of `{key}` holds a colon, which YAML reads as the start of another key"
        ))
        .at_file_line(yaml, first_line, yl, col)
        .with_hint(format!("put the value in quotes: {key}: {}", quoted(value))),
    )
}

/// `value` as a quoted YAML scalar, the way an editor would fix it: in double quotes, or in
/// single ones (doubling any inside) when it holds double quotes.
pub(crate) fn quoted(value: &str) -> String {
    if value.contains('"') { format!("'{}'", value.replace('\'', "''")) } else { format!("\"{value}\"") }
}

/// The first line (1-based, in the YAML) with a `[` or `{` its line does not close (outside
/// quotes), with its column and the bracket and its closing one.
fn unclosed_bracket(yaml: &str) -> Option<(usize, usize, char, char)> {
    for (i, line) in yaml.lines().enumerate() {
        let mut open: Vec<(usize, char)> = Vec::new();
        let mut quote = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if open.last().is_some() => quote = Some(c),
                (None, '#') if open.is_empty() => break,
                (None, '[' | '{') => open.push((col, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
        if let Some(&(col, c)) = open.first() {
            return Some((i + 1, col + 1, c, if c == '[' { ']' } else { '}' }));
        }
    }
    None
}

/// The first line (1-based, in the YAML) whose value starts with a quote that closes before
/// the value ends (`title: "Ai bàn lùi" sẽ bị kiểm điểm`, a headline that opens with a
/// quotation): the column of the text after the quote, the key and the quote.
fn text_after_quote(yaml: &str) -> Option<(usize, usize, String, char)> {
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#']) {
            continue;
        }
        let Some(colon) = line.find(": ") else { continue };
        let value = line[colon + 2..].trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let start = line.len() - value.len();
        let Some(end) = closing_quote(value, quote) else { continue };
        let after = &value[end..];
        let text = after.trim_start();
        if text.is_empty() || text.starts_with('#') && text.len() < after.len() {
            continue;
        }
        let column = line[..start + end + (after.len() - text.len())].chars().count() + 1;
        let key = line[..colon].trim().to_string();
        return Some((i + 1, column, key, quote));
    }
    None
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
    fn text_after_a_closing_quote_is_found_where_it_starts() {
        let found = text_after_quote;
        assert_eq!(found("date: 2020\ntitle: \"Ai\" sẽ\n"), Some((2, 13, "title".into(), '"')));
        assert_eq!(found("title: 'Bà ''Tư'' đi' nữa\n"), Some((1, 23, "title".into(), '\'')));
        assert_eq!(found("title: \"a \\\" b\" c\n"), Some((1, 17, "title".into(), '"')));
        // A comment after the value, a value inside its quotes, and indented lines are fine.
        assert_eq!(found("title: \"Ai\" # ghi chú\ntags: [\"a\", b]\n  x: \"y\" z\n"), None);
    }

    #[test]
    fn a_colon_in_a_value_and_an_unclosed_list_are_found_where_they_are() {
        let said = |yaml: &str, yl| colon_in_value(yaml, 2, yl).map(|d| (d.message, d.line, d.column));
        let (message, line, column) = said("date: 2020\ntitle: Huế: mưa\n", 2).expect("colon");
        assert!(message.contains("`title` holds a colon"), "{message}");
        assert_eq!((line, column), (3, 11));
        let (message, line, column) = said("title: a\n  date: 2020\n", 2).expect("indented");
        assert!(message.contains("`date` is indented"), "{message}");
        assert_eq!((line, column), (3, 1));
        // A value already quoted, or a line that is not `key: value`, is not this mistake.
        assert_eq!(said("title: \"a: b\" c: d\n", 1), None);
        assert_eq!(said("  x: y\n", 1), None);
        assert_eq!(unclosed_bracket("title: [a]\ntags: [a, \"b]\", {c}\n"), Some((2, 7, '[', ']')));
        assert_eq!(unclosed_bracket("title: a # [b\ntags: [a, [b]]\n"), None);
    }

    #[test]
    fn a_value_of_the_wrong_kind_says_what_the_key_takes() {
        let said = |yaml: &str| {
            let e = yaml_serde::from_str::<RawFrontMatter>(yaml).expect_err("wrong kind");
            let d = yaml_error(&e, yaml, 2, &top_level_keys(yaml, 2));
            (d.message, d.hint.unwrap_or_default())
        };
        let (message, hint) = said("title: Tin\ndraft: có\n");
        assert_eq!(
            (message.as_str(), hint.as_str()),
            ("`draft` is true or false", "write `draft: true` or `draft: false`, without quotes")
        );
        let (message, hint) = said("title: [Tin, khác]\n");
        assert!(
            message.contains("`title` is one text") && hint.ends_with("title: \"[Tin, khác]\""),
            "{message} / {hint}"
        );
        let (_, hint) = said("title: Tin\nslug:\n  a: b\n");
        assert_eq!(hint, "write `slug:` and its text on one line");
    }

    #[test]
    fn missing_or_unclosed() {
        assert!(split_front_matter("# hello").is_err());
        assert!(split_front_matter("").is_err());
        assert!(split_front_matter("---\ntitle: a\n").is_err());
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
