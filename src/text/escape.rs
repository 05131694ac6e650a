//! Escaping and unescaping at the edges: XML/HTML text and attributes, hrefs as the Markdown
//! renderer writes them, and `%XX` percent-decoding of URL paths.

/// Escapes text for XML content and attributes, and drops the characters XML 1.0 forbids
/// (C0 controls other than tab, newline and carriage return; U+FFFE; U+FFFF).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    xml_into(&mut out, s);
    out
}

/// The bytes [`xml_into`] looks at: C0 controls other than tab, newline and carriage return,
/// `&<>"'`, and 0xEF (which begins U+FFFE and U+FFFF).
const XML_LOOK: [bool; 256] = {
    let mut look = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        look[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    look[b'&' as usize] = true;
    look[b'<' as usize] = true;
    look[b'>' as usize] = true;
    look[b'"' as usize] = true;
    look[b'\'' as usize] = true;
    look[0xEF] = true;
    look
};

/// [`xml`], appended to `out`.
pub fn xml_into(out: &mut String, s: &str) {
    out.reserve(s.len());
    let bytes = s.as_bytes();
    // Runs that need nothing are copied whole; the loop stops only at ASCII bytes and at the
    // first byte of U+FFFE/U+FFFF (EF BF BE/BF), so every cut is at a character boundary.
    let (mut copied, mut i) = (0, 0);
    loop {
        // The bytes that need a look: one table lookup each.
        let rest = bytes.get(i..).unwrap_or_default();
        i += rest.iter().position(|&b| XML_LOOK[usize::from(b)]).unwrap_or(rest.len());
        let Some(&b) = bytes.get(i) else { break };
        let (replacement, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..0x20 => ("", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[copied..i]);
        out.push_str(replacement);
        i += len;
        copied = i;
    }
    out.push_str(&s[copied..]);
}

/// Decodes `%XX` escapes once. None for a malformed escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes `s` for a URL's query value: every byte but the unreserved ASCII letters, digits
/// and `-._~` as `%XX`, as JavaScript's `encodeURIComponent` does (but for its `!'()*`).
pub fn percent_encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Encodes a site path (`van-ban/Quyết định 12.pdf`) for a URL: every byte but the unreserved
/// ASCII letters, digits and `-._~`, and `/`, as `%XX`.
pub fn url_path(s: &str) -> String {
    s.split('/').map(percent_encode).collect::<Vec<_>>().join("/")
}

/// An href as pulldown-cmark writes it (so that what it wrote can be found in its output).
pub fn markdown_href(s: &str) -> String {
    let mut out = String::new();
    let _ = pulldown_cmark_escape::escape_href(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_path_is_encoded_but_for_its_slashes() {
        assert_eq!(
            url_path("van-ban/Quyết định 12.pdf"),
            "van-ban/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf"
        );
        assert_eq!(url_path("files/2025/07/bao-cao_1.pdf"), "files/2025/07/bao-cao_1.pdf");
        assert_eq!(url_path("a&b/c#d?.pdf"), "a%26b/c%23d%3F.pdf");
    }

    #[test]
    fn xml_escapes_and_strips_forbidden_characters() {
        assert_eq!(xml("a & b <c> \"d\" 'e' ]]>"), "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; ]]&gt;");
        assert_eq!(xml("x\u{0}\u{1}\u{8}\t\ny\u{FFFE}"), "x\t\ny");
        assert_eq!(xml("Đà Nẵng 🌧"), "Đà Nẵng 🌧");
        assert_eq!(xml("\u{FFFD}\u{FFFE}\u{FFFF}\u{EFBF}ắ&\u{1F}"), "\u{FFFD}\u{EFBF}ắ&amp;");
        assert_eq!(xml("<p>“Mưa” & 'gió'</p>"), "&lt;p&gt;“Mưa” &amp; &apos;gió&apos;&lt;/p&gt;");
    }

    #[test]
    fn percent_encoding_round_trips() {
        for s in ["", "a b&c=d/é", "Đà Nẵng 🌧 ~-._", "%25%"] {
            assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
        }
        assert_eq!(percent_encode("a b/ư"), "a%20b%2F%C6%B0");
    }

    #[test]
    fn percent_decoding_takes_utf8_and_refuses_broken_escapes() {
        assert_eq!(percent_decode("%C4%90%C3%A0%20N%E1%BA%B5ng").as_deref(), Some("Đà Nẵng"));
        assert_eq!(percent_decode("a%2").as_deref(), None);
        assert_eq!(percent_decode("%zz").as_deref(), None);
        assert_eq!(percent_decode("%FF").as_deref(), None);
    }
}
