//! Diagnostics: what went wrong, where (file, line, column), and how to fix it, rendered with
//! the offending source line under a caret, in the style of rustc and miette.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line and column (in characters); 0 when unknown.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The text of `line`, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Points at `line`:`column` (1-based) of `source`, keeping that line for display.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column.max(1);
        self.source_line = source.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", visible(&self.message))?;
        if let Some(file) = &self.file {
            let file = file.display().to_string();
            let file = visible(&file);
            if self.line > 0 {
                writeln!(f, "  --> {file}:{}:{}", self.line, self.column)?;
            } else {
                writeln!(f, "  --> {file}")?;
            }
        }
        if let Some(src) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            // Control characters (a terminal would act on them) are shown as `·`, one for one,
            // so that the caret still points at the right column.
            let shown: String =
                src.chars().take(160).map(|c| if c.is_control() && c != '\t' { '·' } else { c }).collect();
            writeln!(f, " {pad} |")?;
            writeln!(f, " {num} | {shown}")?;
            let caret_at: String = shown
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, " {pad} | {caret_at}^")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = help: {}", visible(hint))?;
        }
        Ok(())
    }
}

/// Text safe for a terminal: control characters (which could move the cursor, clear the screen
/// or retitle the window) written as `\u{1b}` escapes, line breaks and tabs kept.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\t') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Converts a byte offset in `source` into a 1-based (line, column in characters).
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The known word closest to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Prints diagnostics to stderr, grouped by file in a stable order.
pub fn print_all(diags: &[Diagnostic]) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    for d in sorted {
        eprintln!("{d}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_source_and_hint() {
        let src = "---\ntitle: x\ntgas: [a]\n---\n";
        let d = Diagnostic::error("unknown key `tgas`")
            .in_file("content/a.md")
            .at(src, 3, 1)
            .with_hint("did you mean `tags`?");
        let text = d.to_string();
        assert!(text.contains("content/a.md:3:1"), "{text}");
        assert!(text.contains(" 3 | tgas: [a]"), "{text}");
        assert!(text.contains("help: did you mean `tags`?"), "{text}");
    }

    #[test]
    fn suggestions() {
        let keys = ["title", "date", "tags", "author"];
        assert_eq!(did_you_mean("tgas", &keys), Some("tags"));
        assert_eq!(did_you_mean("autor", &keys), Some("author"));
        assert_eq!(did_you_mean("zzzzzz", &keys), None);
    }

    #[test]
    fn offsets_to_line_col() {
        assert_eq!(line_col("ab\ncđe\n", 0), (1, 1));
        assert_eq!(line_col("ab\ncđe\n", 6), (2, 3));
    }
}
