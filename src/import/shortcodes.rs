//! Hugo's shortcodes in an imported body, written as the Markdown bantin reads: a video or a
//! post of a social network (`{{< youtube ID >}}`, `vimeo`, `tweet`/`x`, `instagram`) becomes
//! its address alone in its paragraph (a video's then shows as one), `{{< figure src=… >}}` a
//! picture with its caption, `{{< highlight go >}}…{{< /highlight >}}` a fenced code block.
//! Any other shortcode is left as it was, and named with its line, to be written by hand.

/// The body with the shortcodes bantin can write converted, and a note for each left.
pub fn convert(body: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(body.len());
    let mut notes = Vec::new();
    let mut rest = body;
    while let Some(at) = find_open(rest) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let Some(code) = Shortcode::read(from) else {
            // `{{<` without its end: text.
            out.push_str(&from[..3]);
            rest = &from[3..];
            continue;
        };
        let after = &from[code.len..];
        let line = body[..body.len() - from.len()].matches('\n').count() + 1;
        match code.convert(after) {
            Some((markdown, used)) => {
                out.push_str(&markdown);
                rest = &after[used..];
            }
            None => {
                // A pair is named once, at its start.
                if !code.closing {
                    notes.push(format!(
                    "line {line}: the shortcode {} is left as it was: bantin has none; write what it shows in Markdown",
                    &from[..code.len]
                    ));
                }
                out.push_str(&from[..code.len]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, notes)
}

/// Hugo's `ref` and `relref` shortcodes left in a body: where each is, and the page it names.
pub fn refs(body: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_open(&body[from..]) {
        let at = from + at;
        match Shortcode::read(&body[at..]) {
            Some(code) if !code.closing && matches!(code.name.as_str(), "ref" | "relref") => {
                if let Some(target) = code.get("path", 0) {
                    out.push((at..at + code.len, target.to_string()));
                }
                from = at + code.len;
            }
            _ => from = at + 3,
        }
    }
    out
}

/// Where the next `{{<` or `{{%` opens.
fn find_open(s: &str) -> Option<usize> {
    s.match_indices("{{")
        .find(|(at, _)| matches!(s.as_bytes().get(at + 2), Some(b'<' | b'%')))
        .map(|(at, _)| at)
}

/// One shortcode's tag, read: `{{< name a "b c" key="d" >}}`.
struct Shortcode {
    name: String,
    closing: bool,
    positional: Vec<String>,
    named: Vec<(String, String)>,
    /// Its length in the text, both braces included.
    len: usize,
}

impl Shortcode {
    fn read(s: &str) -> Option<Shortcode> {
        let delimiter = if s.as_bytes().get(2) == Some(&b'%') { "%}}" } else { ">}}" };
        let end = s.get(3..)?.find(delimiter)? + 3;
        let inner = s[3..end].trim();
        if inner.contains('\n') && inner.lines().count() > 3 {
            return None;
        }
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest.trim()),
            None => (false, inner),
        };
        let mut words = arguments(inner).into_iter();
        let name = words.next()?.1;
        let mut code = Shortcode { name, closing, positional: Vec::new(), named: Vec::new(), len: end + 3 };
        for (key, value) in words {
            match key {
                Some(k) => code.named.push((k, value)),
                None => code.positional.push(value),
            }
        }
        Some(code)
    }

    fn get(&self, key: &str, position: usize) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.positional.get(position).map(String::as_str))
            .filter(|v| !v.is_empty())
    }

    /// The Markdown for this shortcode, and how much of `after` it took too (a paired one's
    /// inside and end); `None` for one bantin cannot write.
    fn convert(&self, after: &str) -> Option<(String, usize)> {
        if self.closing {
            return None;
        }
        let alone = |address: String| (format!("\n\n{address}\n\n"), 0);
        let safe = |v: &str| v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        match self.name.as_str() {
            "youtube" => {
                let id = self.get("id", 0).filter(|id| safe(id))?;
                Some(alone(format!("https://www.youtube.com/watch?v={id}")))
            }
            "vimeo" => {
                let id = self.get("id", 0).filter(|id| id.bytes().all(|b| b.is_ascii_digit()))?;
                Some(alone(format!("https://vimeo.com/{id}")))
            }
            "tweet" | "x" | "twitter" => {
                let id = self.get("id", 1).or_else(|| self.get("id", 0)).filter(|id| safe(id))?;
                match self.get("user", 0).filter(|u| safe(u) && *u != id) {
                    Some(user) => Some(alone(format!("https://x.com/{user}/status/{id}"))),
                    None => Some(alone(format!("https://x.com/i/status/{id}"))),
                }
            }
            "instagram" => {
                let id = self.get("id", 0).filter(|id| safe(id))?;
                Some(alone(format!("https://www.instagram.com/p/{id}/")))
            }
            "figure" => {
                let src = self.get("src", usize::MAX)?;
                let caption = self.get("caption", usize::MAX).or_else(|| self.get("title", usize::MAX));
                let alt = self.get("alt", usize::MAX).or(caption).unwrap_or_default();
                let title = caption.map(|c| format!(" \"{}\"", c.replace('"', "\\\""))).unwrap_or_default();
                let alt = alt.replace(['[', ']'], "");
                Some((format!("\n\n![{alt}](<{src}>{title})\n\n"), 0))
            }
            "highlight" => {
                let language = self.get("lang", 0).unwrap_or_default();
                let (inside, end) = closing_tag(after, "highlight")?;
                let code = after[..inside].trim_matches('\n');
                let fence = if code.contains("```") { "~~~~" } else { "```" };
                Some((format!("\n\n{fence}{language}\n{code}\n{fence}\n\n"), end))
            }
            _ => None,
        }
    }
}

/// Where `{{< /name >}}` (or `{{% /name %}}`) starts in `s`, and where it ends.
fn closing_tag(s: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = find_open(&s[from..]) {
        let at = from + at;
        if let Some(code) = Shortcode::read(&s[at..])
            && code.closing
            && code.name == name
        {
            return Some((at, at + code.len));
        }
        from = at + 3;
    }
    None
}

/// A shortcode's words: (key, value) for `key="value"` or `key=value`, (None, word) for a
/// positional one (quoted with `"` or a backtick, or bare).
fn arguments(s: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut key = None;
        let mut word = String::new();
        if c == '"' || c == '`' {
            chars.next();
            word = quoted(&mut chars, c);
        } else {
            let mut end = s.len();
            while let Some(&(i, c)) = chars.peek() {
                if c.is_whitespace() {
                    end = i;
                    break;
                }
                if c == '=' {
                    key = Some(s[start..i].to_string());
                    chars.next();
                    word = match chars.peek() {
                        Some(&(_, q @ ('"' | '`'))) => {
                            chars.next();
                            quoted(&mut chars, q)
                        }
                        _ => {
                            let mut w = String::new();
                            while let Some(&(_, c)) = chars.peek() {
                                if c.is_whitespace() {
                                    break;
                                }
                                w.push(c);
                                chars.next();
                            }
                            w
                        }
                    };
                    end = usize::MAX;
                    break;
                }
                chars.next();
            }
            if end != usize::MAX {
                word = s[start..end.min(s.len())].to_string();
            }
        }
        out.push((key, word));
    }
    out
}

/// The rest of a quoted word, its quote `q` taken; `\"` is a quote inside.
fn quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, q: char) -> String {
    let mut word = String::new();
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' if q == '"' => {
                if let Some((_, next)) = chars.next() {
                    word.push(next);
                }
            }
            c if c == q => break,
            c => word.push(c),
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_become_markdown_and_the_others_are_named() {
        let body = "Mở đầu.\n\n{{< youtube w7Ejrb8jv5M >}}\n\n{{< youtube id=\"abcDEF12345\" start=\"30\" >}}\n\n\
            {{< figure src=\"/images/lu.jpg\" caption=\"Nước lên \\\"nhanh\\\". Ảnh: A\" alt=\"Lũ\" >}}\n\n\
            {{< tweet user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}\n{{< vimeo 146022717 >}}\n\n\
            {{< highlight go \"linenos=true\" >}}\nfunc main() {}\n{{< /highlight >}}\n\n\
            {{% notice warning %}}Cẩn thận{{% /notice %}}\n\nHết {{< ref \"a.md\" >}}.";
        let (out, notes) = convert(body);
        for expected in [
            "\n\nhttps://www.youtube.com/watch?v=w7Ejrb8jv5M\n\n",
            "\n\nhttps://www.youtube.com/watch?v=abcDEF12345\n\n",
            "![Lũ](</images/lu.jpg> \"Nước lên \\\"nhanh\\\". Ảnh: A\")",
            "https://x.com/SanDiegoZoo/status/1453110110599868418",
            "https://vimeo.com/146022717",
            "```go\nfunc main() {}\n```",
            "{{% notice warning %}}Cẩn thận{{% /notice %}}",
            "Hết {{< ref \"a.md\" >}}.",
        ] {
            assert!(out.contains(expected), "{expected:?} in {out}");
        }
        assert!(!out.contains("highlight"), "{out}");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("line 16: the shortcode {{% notice warning %}}"), "{notes:?}");
        assert!(notes[1].starts_with("line 18: the shortcode {{< ref \"a.md\" >}}"), "{notes:?}");
        // A video with an address that is not an id is left, and named.
        let (out, notes) = convert("{{< youtube \"<script>\" >}} {{< unclosed");
        assert_eq!(out, "{{< youtube \"<script>\" >}} {{< unclosed");
        assert_eq!(notes.len(), 1);
        // Odd braces are text, never a panic.
        for odd in ["{{%}}", "{{<>}}", "{{<", "{{% / %}}", "{{< \"", "{{< a=\"b >}}", "{{<\u{1F600}>}}"] {
            let (out, _) = convert(odd);
            assert!(out.starts_with("{{"), "{odd}: {out}");
        }
    }
}
