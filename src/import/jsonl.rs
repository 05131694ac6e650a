//! JSON Lines: one object per line with title, date (and time), author, tags, summary and
//! body, as in `vi-news.jsonl.gz`; gzip'd files are read directly. Missing values may be
//! absent, null, empty or the string "None"; tags may be a list, a list written as Python
//! text (`"['a', 'b']"`), or comma-separated text.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::{Candidate, Records, plain_to_markdown};

pub fn read(file: &Path) -> Result<Records, String> {
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read: {e}"))?;
    let reader: Box<dyn Read> = if file.to_string_lossy().ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(f))
    } else {
        Box::new(f)
    };
    let mut out = Vec::new();
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let label = format!("line {}", i + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                out.push((label, Err(format!("cannot read: {e}"))));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        out.push((label, parse_line(&line)));
    }
    Ok(out)
}

fn text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty() && s != "None" && s != "null" && s != "nan").then_some(s)
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| text(Some(i))).collect(),
        Some(v) => match text(Some(v)) {
            Some(s) if s.starts_with('[') => python_list(&s),
            Some(s) => super::split_list(&s),
            None => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// Reads a list of strings written as Python text: `['a', "b's"]`.
fn python_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let mut item = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        if let Some(e) = chars.next() {
                            item.push(e);
                        }
                    }
                    d if d == c => break,
                    d => item.push(d),
                }
            }
            let item = item.trim().to_string();
            if !item.is_empty() {
                out.push(item);
            }
        }
    }
    out
}

pub(super) fn parse_line(line: &str) -> Result<Candidate, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let title = text(v.get("title")).ok_or("no title")?;
    let date = text(v.get("date")).map(|d| match text(v.get("time")) {
        Some(t) if d.len() == 10 && t.len() == 5 => format!("{d} {t}"),
        _ => d,
    });
    let body = text(v.get("body")).unwrap_or_default();
    // Plain-text bodies keep their paragraphs; Markdown-looking ones would be escaped anyway.
    let body = body
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(plain_to_markdown)
        .collect::<Vec<_>>()
        .join("\n\n");
    Ok(Candidate {
        categories: Vec::new(),
        title,
        date,
        updated: text(v.get("updated")),
        authors: list(v.get("author").or(v.get("authors"))),
        tags: list(v.get("tags")),
        summary: text(v.get("summary")),
        slug: text(v.get("slug")),
        draft: v.get("draft").and_then(Value::as_bool).unwrap_or(false),
        image: text(v.get("image")),
        image_alt: text(v.get("image_alt")).or_else(|| text(v.get("caption"))),
        body,
        notes: Vec::new(),
        old_urls: Vec::new(),
        url: None,
        not_carried: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_style_records() {
        let c = parse_line(r#"{"title":"Tin","date":"2024-02-07","time":"23:41","author":"None","tags":"['Israel', 'thành phố Khan Younis', \"O'Brien\"]","summary":"","body":"Đoạn một.\nĐoạn hai."}"#)
            .expect("record");
        assert_eq!(c.date.as_deref(), Some("2024-02-07 23:41"));
        assert!(c.authors.is_empty());
        assert_eq!(c.tags, ["Israel", "thành phố Khan Younis", "O'Brien"]);
        assert_eq!(c.summary, None);
        assert_eq!(c.body, "Đoạn một.\n\nĐoạn hai.");
        let c = parse_line(r#"{"title":"Tin","date":"","tags":["a","b"],"author":"A, B"}"#).expect("record");
        assert_eq!(c.date, None);
        assert_eq!(c.tags, ["a", "b"]);
        assert_eq!(c.authors, ["A", "B"]);
        assert!(parse_line("{").is_err());
        assert!(parse_line(r#"{"date":"2020-01-01"}"#).is_err());
    }
}
