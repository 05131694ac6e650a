//! The tokenizer shared by the search index and (mirrored in `search-engine.js`) the search page.
//!
//! A token is a maximal run of letters, digits and combining marks, normalised (NFC, Ð→Đ) and
//! lower-cased; its folded key strips marks and maps đ→d (and ends a syllable written with `i`
//! or `y` alike in `i`: "lý" → "li", see [`super::fold::search_key`]). Punctuation other than spaces and
//! hyphens (or a line break, which ends a block) between two tokens starts a new segment: word
//! pairs (the index's biwords) never span a comma or a full stop.
//!
//! [`Tokens`] is the fast form the index builder uses: every token of a text in two shared
//! buffers, with no allocation per token. Text that is already NFC and made of characters
//! whose lower case is one character (all Vietnamese text) is lower-cased and folded through a
//! table in one pass; anything else goes through [`super::normalize`] first, with the same result.

use super::chars::{
    CharInfo, FAST, JOINS, SKIP, WORD, char_table, fold_char, fold_table, is_passed_over, is_word_char,
    joins_segment,
};

/// Tokens longer than this (in characters) are not indexed: they are URLs, hashes or junk.
pub const MAX_TOKEN_CHARS: usize = 40;

/// What separates a token from the one before: white space, a hyphen, a slash or an
/// apostrophe (one segment)…
const JOINED: u8 = 0;
/// …other punctuation within a sentence (a comma, a colon, quotes, brackets, a dash)…
const PUNCTUATION: u8 = 1;
/// …the end of a sentence (a full stop, `!`, `?`, `…` or `;`)…
const SENTENCE: u8 = 2;
/// …or a line break (the end of a paragraph, heading or cell), the start of a text, or a
/// dropped token.
const BLOCK: u8 = 3;

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

/// The tokens of one or more texts: spellings and folded forms in two shared buffers.
#[derive(Debug, Default, Clone)]
pub struct Tokens {
    words: String,
    folded: String,
    /// Per token: where its spelling ends in `words`, its folded form in `folded`, and what
    /// separates it from the token before: [`JOINED`], [`PUNCTUATION`], [`SENTENCE`] or
    /// [`BLOCK`].
    ends: Vec<(u32, u32, u8)>,
}

impl Tokens {
    /// Makes room for the tokens of `bytes` bytes of text (a guess: lower case or folding may
    /// change a word's length), so that a long text is not copied as its buffers grow.
    pub fn reserve(&mut self, bytes: usize) {
        self.words.reserve(bytes);
        self.folded.reserve(bytes);
        // A token and the space after it: about six bytes of Vietnamese text.
        self.ends.reserve(bytes / 6);
    }

    pub fn clear(&mut self) {
        self.words.clear();
        self.folded.clear();
        self.ends.clear();
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn starts(&self, i: usize) -> (usize, usize) {
        if i == 0 { (0, 0) } else { (self.ends[i - 1].0 as usize, self.ends[i - 1].1 as usize) }
    }

    /// Token `i`'s lower-cased spelling.
    pub fn word(&self, i: usize) -> &str {
        &self.words[self.starts(i).0..self.ends[i].0 as usize]
    }

    /// Token `i`'s folded form.
    pub fn folded(&self, i: usize) -> &str {
        &self.folded[self.starts(i).1..self.ends[i].1 as usize]
    }

    /// Whether token `i` is a number (digits only).
    pub fn is_number(&self, i: usize) -> bool {
        self.folded(i).bytes().all(|b| b.is_ascii_digit())
    }

    /// Whether punctuation (or the start of a text) separates token `i` from the one before.
    pub fn new_segment(&self, i: usize) -> bool {
        self.ends[i].2 != JOINED
    }

    /// Whether a line break, the start of a text or a dropped token (one too long to index)
    /// separates token `i` from the one before: no pair spans it.
    pub fn new_block(&self, i: usize) -> bool {
        self.ends[i].2 == BLOCK
    }

    /// Whether the end of a sentence (or a block) separates token `i` from the one before.
    pub fn new_sentence(&self, i: usize) -> bool {
        self.ends[i].2 >= SENTENCE
    }

    /// Appends the tokens of `text`; its first token starts a segment.
    pub fn push_text(&mut self, text: &str) {
        let mark = (self.words.len(), self.folded.len(), self.ends.len());
        // Through the character table, when every character may take the fast path.
        let table = char_table();
        if self.scan(text, |c| table.get(c as usize).copied()) {
            return;
        }
        self.words.truncate(mark.0);
        self.folded.truncate(mark.1);
        self.ends.truncate(mark.2);
        let normal = super::normalize(text).to_lowercase();
        let fold_table = fold_table();
        self.scan(&normal, |c| {
            let kind = if is_word_char(c) {
                WORD
            } else if is_passed_over(c) {
                SKIP
            } else if joins_segment(c) {
                JOINS
            } else {
                0
            };
            let fold = fold_table.get(c as usize).copied().unwrap_or('\0');
            Some(CharInfo { lower: c, fold, flags: FAST | kind })
        });
    }

    /// Tokenises `text`, each character as `info` says (lower case, fold, kind); false, with
    /// partial output, as soon as a character has no info or is neither [`WORD`] nor
    /// [`FAST`]. One loop with no call per character: it is the index builder's hottest.
    fn scan(&mut self, text: &str, info: impl Fn(char) -> Option<CharInfo>) -> bool {
        let Tokens { words, folded, ends } = self;
        let (mut word_start, mut folded_start) = (words.len(), folded.len());
        let (mut chars, mut broken) = (0usize, BLOCK);
        // Whether the word has taken a full stop between groups of digits ("1.000").
        let mut joined = false;
        let mut end_word = |words: &mut String, folded: &mut String, chars: &mut usize, broken: &mut u8| {
            if *chars <= MAX_TOKEN_CHARS {
                // A syllable written with `i` or `y` alike is keyed with `i` ("lý" → "li").
                if super::fold::ends_in_i_or_y(&folded.as_bytes()[folded_start..]) {
                    folded.pop();
                    folded.push('i');
                }
                let (w, f) = (words.len(), folded.len());
                ends.push((w as u32, f as u32, *broken));
                (word_start, folded_start) = (w, f);
                *broken = JOINED;
            } else {
                words.truncate(word_start);
                folded.truncate(folded_start);
                *broken = BLOCK;
            }
            *chars = 0;
        };
        for (at, c) in text.char_indices() {
            let Some(info) = info(c) else { return false };
            if info.flags & WORD != 0 {
                words.push(info.lower);
                match info.fold {
                    '\0' => fold_char(info.lower, folded),
                    f => folded.push(f),
                }
                chars += 1;
                continue;
            }
            if info.flags & FAST == 0 {
                return false;
            }
            if info.flags & SKIP != 0 {
                continue;
            }
            if c == '.'
                && chars > 0
                && joins_number(
                    // The word's characters are its last bytes when they are all digits.
                    &words.as_bytes()[words.len() - chars..],
                    joined,
                    &text.as_bytes()[at + 1..],
                )
            {
                joined = true;
                continue;
            }
            if chars > 0 {
                end_word(words, folded, &mut chars, &mut broken);
                joined = false;
            }
            if info.flags & JOINS == 0 {
                broken = match c {
                    '\n' => BLOCK,
                    '.' | '!' | '?' | '…' | ';' => broken.max(SENTENCE),
                    _ => broken.max(PUNCTUATION),
                };
            }
        }
        if chars > 0 {
            end_word(words, folded, &mut chars, &mut broken);
        }
        true
    }
}

/// Whether a full stop after `word` (the token so far, or its last bytes) and before `rest` joins
/// groups of digits into one number, as Vietnamese writes thousands ("5.300", "1.000.000"):
/// `word` is one to three digits (or digits already `joined` so), and three digits follow,
/// then no digit. The number is one token, written without its stops ("5300"), so "1000 tỷ"
/// finds "1.000 tỷ" and "300 tỷ" does not find "5.300 tỷ". A decimal comma ("3,5") stays
/// between two tokens. `search-engine.js` joins alike (`numberStops`).
fn joins_number(word: &[u8], joined: bool, rest: &[u8]) -> bool {
    (joined || word.len() <= 3)
        && word.iter().all(u8::is_ascii_digit)
        && rest.len() >= 3
        && rest[..3].iter().all(u8::is_ascii_digit)
        && !rest.get(3).is_some_and(u8::is_ascii_digit)
}

/// Splits text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut t = Tokens::default();
    t.push_text(text);
    (0..t.len())
        .map(|i| Token {
            word: t.word(i).to_owned(),
            folded: t.folded(i).to_owned(),
            new_segment: t.new_segment(i),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::xorshift;

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
    fn sentences_and_blocks_are_told_from_other_punctuation() {
        let mut t = Tokens::default();
        t.push_text("Mưa, gió. Bão!\nlũ");
        let kinds: Vec<(bool, bool, bool)> =
            (0..t.len()).map(|i| (t.new_segment(i), t.new_sentence(i), t.new_block(i))).collect();
        assert_eq!(
            kinds,
            [(true, true, true), (true, false, false), (true, true, false), (true, true, true)]
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
    fn characters_that_show_nothing_do_not_part_a_word() {
        // Soft hyphen, zero-width joiner, word joiner, byte order mark, direction mark: pasted
        // from word processors and web pages, inside words unseen.
        for text in ["Hà N\u{AD}ội", "Hà N\u{200D}ội", "H\u{2060}à Nội", "\u{FEFF}Hà Nội\u{200E}"]
        {
            let t = words(text);
            assert_eq!(
                t,
                vec![("hà".into(), "ha".into(), true), ("nội".into(), "noi".into(), false)],
                "{text:?}"
            );
        }
        // The zero-width space parts words as a space does (Unicode's word boundaries).
        assert_eq!(words("Hà\u{200B}Nội"), words("Hà Nội"));
    }

    /// The definition the fast path must agree with: normalise, lower-case, split.
    fn reference(text: &str) -> Vec<Token> {
        let normal = crate::text::normalize(text).to_lowercase();
        let mut tokens = Vec::new();
        let mut word = String::new();
        let mut broken = true;
        let push = |word: &mut String, broken: &mut bool, tokens: &mut Vec<Token>| {
            if !word.is_empty() {
                if word.chars().count() <= MAX_TOKEN_CHARS {
                    let folded = crate::text::search_key(&crate::text::fold_normalized(word)).into_owned();
                    tokens.push(Token { folded, word: word.clone(), new_segment: *broken });
                    *broken = false;
                } else {
                    *broken = true;
                }
                word.clear();
            }
        };
        let chars: Vec<char> = normal.chars().collect();
        let mut joined = false;
        for (i, &c) in chars.iter().enumerate() {
            let digit = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
            if is_word_char(c) {
                word.push(c);
            } else if is_passed_over(c) {
                continue;
            } else if c == '.'
                && !word.is_empty()
                && (joined || word.chars().count() <= 3)
                && word.chars().all(|c| c.is_ascii_digit())
                && (i + 1..i + 4).all(digit)
                && !digit(i + 4)
            {
                joined = true;
            } else {
                joined = false;
                push(&mut word, &mut broken, &mut tokens);
                if c == '\n' || !(c.is_whitespace() || matches!(c, '-' | '–' | '/' | '\'' | '’' | '\u{200B}'))
                {
                    broken = true;
                }
            }
        }
        push(&mut word, &mut broken, &mut tokens);
        tokens
    }

    #[test]
    fn fast_tokens_equal_the_definition() {
        let alphabet: Vec<char> = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵÀÁẢÃẠỄỆỲỸĐÐðΣσςİIıK0123456789 \n\t,.-–/'’\u{300}\u{301}\u{303}\u{309}\u{323}\u{302}\u{1}\u{85}ßẞǅﬁ한국ÅΩ“”…—\u{2000}\u{2001}\u{2126}\u{212A}\u{2160}\u{AD}\u{200B}\u{200D}\u{200E}\u{2060}\u{FEFF}"
            .chars()
            .collect();
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = (next() % 60) as usize;
            let mut text: String =
                (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            if next().is_multiple_of(10) {
                text.push_str(&"ê".repeat(38 + (next() % 5) as usize));
            }
            assert_eq!(tokenize(&text), reference(&text), "{text:?}");
        }
        // Several texts in one buffer: each starts a segment.
        let mut t = Tokens::default();
        t.push_text("Đà Nẵng");
        t.push_text("mưa");
        assert_eq!((t.len(), t.word(2), t.folded(1), t.new_segment(2)), (3, "mưa", "nang", true));
    }

    #[test]
    fn thousands_written_with_full_stops_are_one_number() {
        let folded = |s: &str| tokenize(s).into_iter().map(|t| t.folded).collect::<Vec<_>>();
        assert_eq!(folded("Chi 5.300 tỷ, 1.000.000 đồng"), ["chi", "5300", "ti", "1000000", "dong"]);
        assert_eq!(
            folded("tăng 1.000. Năm 2019. 100 người"),
            ["tang", "1000", "nam", "2019", "100", "nguoi"]
        );
        let apart = ["3", "5", "tan", "12", "03", "2019", "1", "0005", "12345", "678", "v2", "100", "1", "5"];
        assert_eq!(folded("3,5 tấn; 12.03.2019; 1.0005; 12345.678; v2.100 1 .5"), apart);
        let t = tokenize("Giá 1.000đ, mưa");
        assert_eq!((t[1].word.as_str(), t[2].new_segment), ("1000đ", true));
        // Digits, stops and letters in any order: the fast path agrees with the definition.
        let alphabet: Vec<char> = "0123456789..  aế,".chars().collect();
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let len = next() % 24;
            let text: String =
                (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            assert_eq!(tokenize(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn overlong_tokens_are_dropped_and_break_pairs() {
        let t = tokenize(&format!("an {} ninh", "x".repeat(60)));
        assert_eq!(t.len(), 2);
        assert!(t[1].new_segment);
    }
}
