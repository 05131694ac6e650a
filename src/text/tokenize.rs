//! The tokenizer shared by the search index and (mirrored in `search.js`) the search page.
//!
//! A token is a maximal run of letters, digits and combining marks, normalised (NFC, Ð→Đ) and
//! lower-cased; its folded key strips marks and maps đ→d. Punctuation other than spaces and
//! hyphens (or a line break, which ends a block) between two tokens starts a new segment: word pairs (the index's biwords) never span
//! a comma or a full stop.

use unicode_normalization::char::is_combining_mark;

/// Tokens longer than this (in characters) are not indexed: they are URLs, hashes or junk.
pub const MAX_TOKEN_CHARS: usize = 40;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lower-cased, normalised spelling, with its marks ("đà").
    pub word: String,
    /// Folded key ("da").
    pub folded: String,
    /// True when punctuation separates this token from the previous one.
    pub new_segment: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Splits text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let normal = super::normalize(text).to_lowercase();
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut broken = true;
    let push = |word: &mut String, broken: &mut bool, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            if word.chars().count() <= MAX_TOKEN_CHARS {
                tokens.push(Token {
                    folded: super::fold_normalized(word),
                    word: word.clone(),
                    new_segment: *broken,
                });
                *broken = false;
            } else {
                *broken = true;
            }
            word.clear();
        }
    };
    for c in normal.chars() {
        if is_word_char(c) {
            word.push(c);
        } else {
            push(&mut word, &mut broken, &mut tokens);
            if c == '\n' || !(c.is_whitespace() || matches!(c, '-' | '–' | '/' | '\'' | '’')) {
                broken = true;
            }
        }
    }
    push(&mut word, &mut broken, &mut tokens);
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(String, String, bool)> {
        tokenize(s).into_iter().map(|t| (t.word, t.folded, t.new_segment)).collect()
    }

    #[test]
    fn words_marks_and_segments() {
        let t = words("Ðà Nẵng, Hà Nội-2020.");
        assert_eq!(
            t,
            vec![
                ("đà".into(), "da".into(), true),
                ("nẵng".into(), "nang".into(), false),
                ("hà".into(), "ha".into(), true),
                ("nội".into(), "noi".into(), false),
                ("2020".into(), "2020".into(), false),
            ]
        );
    }

    #[test]
    fn decomposed_input_gives_composed_tokens() {
        let t = tokenize("Ha\u{0300} No\u{0302}\u{0323}i");
        assert_eq!(t[0].word, "hà");
        assert_eq!(t[1].word, "nội");
        assert_eq!(t[1].folded, "noi");
    }

    #[test]
    fn overlong_tokens_are_dropped_and_break_pairs() {
        let t = tokenize(&format!("an {} ninh", "x".repeat(60)));
        assert_eq!(t.len(), 2);
        assert!(t[1].new_segment);
    }
}
