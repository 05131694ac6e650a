//! A theme's scripts and style sheets as the build publishes them: without their comment lines
//! and indentation, which are most of a commented file's bytes and nothing a browser needs.
//!
//! Only transformations that cannot change what the file means are made, line by line: a
//! line is trimmed; a line that is only a comment (`/* … */` over whole lines, or `// …` in a
//! script) goes. A file this cannot be sure of — not UTF-8, a script whose code has a template
//! literal or a line continued by a backslash (where a line's spaces belong to a string), a
//! comment that ends mid-line — is published as it is.

use std::borrow::Cow;

/// The file `rel` of a theme as published: compacted if it is a script or a style sheet.
pub fn compact<'a>(rel: &str, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    let script = rel.ends_with(".js");
    if !script && !rel.ends_with(".css") {
        return Cow::Borrowed(bytes);
    }
    match std::str::from_utf8(bytes).ok().and_then(|text| compact_text(text, script)) {
        Some(out) => Cow::Owned(out.into_bytes()),
        None => Cow::Borrowed(bytes),
    }
}

fn compact_text(text: &str, script: bool) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    // A line that ends one comment and holds no other: "*/" once, at its end.
    let closes = |line: &str| line.ends_with("*/") && line.matches("*/").count() == 1;
    for line in text.lines() {
        let line = line.trim();
        if in_comment {
            if line.contains("*/") {
                if !closes(line) {
                    return None;
                }
                in_comment = false;
            }
            continue;
        }
        if line.starts_with("/*") {
            if !line.contains("*/") {
                in_comment = true;
            } else if !closes(line) {
                return None;
            }
            continue;
        }
        if line.is_empty() || (script && line.starts_with("//")) {
            continue;
        }
        // A template literal or a continued string starts on a line that is kept: from there
        // on, a line's spaces may be the string's.
        if script && (line.contains('`') || line.ends_with('\\')) {
            return None;
        }
        out.push_str(line);
        out.push('\n');
    }
    (!in_comment).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(s: &str) -> String {
        String::from_utf8(compact("a.js", s.as_bytes()).into_owned()).expect("utf-8")
    }

    #[test]
    fn comment_lines_and_indentation_go() {
        let src = "/* head `x`\n * more */\n(function () {\n  // note\n  var a = '/* not */'; /* tail */\n\n  return a;\n})();\n";
        assert_eq!(js(src), "(function () {\nvar a = '/* not */'; /* tail */\nreturn a;\n})();\n");
        let css = "/* c */\nbody {\n  color: red;\n}\n// kept: not a CSS comment\n";
        assert_eq!(
            compact("s.css", css.as_bytes()).as_ref(),
            b"body {\ncolor: red;\n}\n// kept: not a CSS comment\n"
        );
    }

    #[test]
    fn what_cannot_be_sure_is_kept_as_it_is() {
        for src in [
            "var a = `x\n  y`;\n",
            "var a = 'x\\\n  y';\n",
            "/* a */ var b = 1;\n",
            "/* open\n*/ var b = 1;\n",
            "/* never closed\n",
        ] {
            assert_eq!(js(src), src);
        }
        assert_eq!(compact("a.txt", b"  x\n").as_ref(), b"  x\n");
        assert_eq!(compact("a.js", b"\xff  x\n").as_ref(), b"\xff  x\n");
    }
}
