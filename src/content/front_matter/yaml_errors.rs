//! Why a front matter's YAML failed to parse, said in plain words: the YAML parser's message
//! turned into what the editor did (a colon in a title, a quote never closed, a key indented,
//! a value of the wrong kind), at the place it happened, with the line as it should be.

use super::KNOWN_KEYS;
use crate::diag::{Diagnostic, did_you_mean};

pub(super) fn yaml_error(
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
        if line.trim_start().starts_with('#') {
            continue;
        }
        let Some((_, value, quote)) = quoted_value(line) else { continue };
        if closing_quote(value, quote).is_none() {
            return Some((i + 1, line[..line.len() - value.len()].chars().count() + 1, quote));
        }
    }
    None
}

/// A `key: value` line's value when it opens with a quote: where the colon is, the value
/// (from its quote on) and the quote.
fn quoted_value(line: &str) -> Option<(usize, &str, char)> {
    let colon = line.find(": ")?;
    let value = line[colon + 2..].trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    Some((colon, value, quote))
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
        let Some((colon, value, quote)) = quoted_value(line) else { continue };
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
    use crate::content::front_matter::{RawFrontMatter, top_level_keys};

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
}
