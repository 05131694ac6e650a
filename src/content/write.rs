//! Writing bulletins: the front matter `new` and `import` produce, serialised by `yaml_serde`
//! so that any title or name is quoted correctly.

use serde::Serialize;

/// `author:` is written as a string for one author and as a list for several.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Authors {
    One(String),
    Many(Vec<String>),
}

/// The front matter of a bulletin to write.
#[derive(Debug, Clone, Serialize)]
pub struct NewBulletin {
    pub title: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Authors>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Old URL paths, each kept as a redirect (an imported page's addresses on its old site).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

impl NewBulletin {
    pub fn new(title: String, date: String) -> Self {
        NewBulletin {
            title,
            date,
            author: None,
            tags: Vec::new(),
            section: None,
            summary: None,
            slug: None,
            aliases: Vec::new(),
            updated: None,
            image: None,
            image_alt: None,
            draft: false,
        }
    }

    pub fn with_authors(mut self, authors: Vec<String>) -> Self {
        self.author = match authors.len() {
            0 => None,
            1 => authors.into_iter().next().map(Authors::One),
            _ => Some(Authors::Many(authors)),
        };
        self
    }

    /// The whole file: front matter between `---` fences, then the body.
    /// (`bantin new` writes [`PLACEHOLDER_BODY`]; `check` warns while it is still there.)
    pub fn to_file(&self, body: &str) -> Result<String, String> {
        let yaml = yaml_serde::to_string(self).map_err(|e| e.to_string())?;
        let body = body.trim_matches('\n');
        Ok(format!("---\n{yaml}---\n{body}\n"))
    }
}

/// The body `bantin new` writes, for the editor to replace.
pub const PLACEHOLDER_BODY: &str = "Viết nội dung bản tin ở đây.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{FrontMatter, split_front_matter};

    #[test]
    fn written_front_matter_reads_back() {
        let b = NewBulletin::new("Đà Nẵng: \"mưa\" # lớn & 'gió'".into(), "2020-01".into())
            .with_authors(vec!["Xuân Thu".into()]);
        let text = b.to_file("Đoạn một.\n\nĐoạn hai.").expect("yaml");
        let split = split_front_matter(&text).expect("split");
        let fm = FrontMatter::parse(split.yaml, split.yaml_line).expect("parse");
        assert_eq!(fm.title.as_deref(), Some("Đà Nẵng: \"mưa\" # lớn & 'gió'"));
        assert_eq!(fm.date.as_deref(), Some("2020-01"));
        assert_eq!(fm.authors(), ["Xuân Thu"]);
        assert_eq!(split.body, "Đoạn một.\n\nĐoạn hai.\n");
    }
}
