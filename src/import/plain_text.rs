//! The plain-text format of the seed bulletin: a first line ` date YYYY-MM Title` (or a full
//! date), paragraphs separated by blank lines, and the byline as the last short line.

use super::{Candidate, plain_to_markdown};

/// The longest line taken as a byline, in characters.
const BYLINE_CHARS: usize = 60;

fn first_line(text: &str) -> Option<(&str, &str)> {
    let line = text.lines().next()?.trim();
    let rest = line.strip_prefix("date")?.trim_start();
    let (date, title) = rest.split_once(char::is_whitespace)?;
    let ok = date.len() >= 7 && date.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    ok.then_some((date, title.trim()))
}

/// Whether `text` starts like the seed format.
pub fn looks_like(text: &str) -> bool {
    first_line(text).is_some()
}

pub fn read(text: &str) -> Result<Candidate, String> {
    let (date, title) = first_line(text).ok_or("the first line is not ` date YYYY-MM Title`")?;
    let rest: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    let mut paragraphs: Vec<String> = rest
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let mut authors = Vec::new();
    if let Some(last) = paragraphs.last() {
        let name = last.trim_end_matches(['.', ' ']);
        let short = name.chars().count() <= BYLINE_CHARS && name.split_whitespace().count() <= 8;
        if short && !name.is_empty() && !name.contains(['.', ';', ':']) {
            authors.push(name.to_string());
            paragraphs.pop();
        }
    }
    let body = paragraphs.iter().map(|p| plain_to_markdown(p)).collect::<Vec<_>>().join("\n\n");
    Ok(Candidate {
        categories: Vec::new(),
        title: title.to_string(),
        date: Some(date.to_string()),
        authors,
        body,
        ..Candidate::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_format() {
        let c =
            read(" date 2020-01 Tổng kết năm\n\nĐoạn một\ntiếp.\n\nĐoạn hai./.\n\nXuân Thu..").expect("seed");
        assert_eq!(c.title, "Tổng kết năm");
        assert_eq!(c.date.as_deref(), Some("2020-01"));
        assert_eq!(c.authors, ["Xuân Thu"]);
        assert_eq!(c.body, "Đoạn một tiếp.\n\nĐoạn hai./.");
    }
}
