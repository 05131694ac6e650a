//! The house's layout, checked on the source itself: no import circle between the top-level
//! modules of `src/` nor between the files of one folder, the ground floor imports no stage,
//! stages import neither the pipeline nor the cache nor a command, and commands never import
//! commands. (DESIGN.md describes the layout; this keeps the tree honest about it.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, by its path relative to `src/`.
fn sources() -> BTreeMap<PathBuf, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&src).expect("under src").to_path_buf();
            (rel, std::fs::read_to_string(e.path()).expect("readable"))
        })
        .collect()
}

/// The code of a file without comments and string literals (a doc comment may name a module
/// it does not import).
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if c == '"' {
            let mut end = 1;
            let bytes = rest.as_bytes();
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            rest = rest.get(end + 1..).unwrap_or("");
            out.push_str("\"\"");
        } else if c == '\'' && rest[1..].chars().nth(1) == Some('\'') {
            // A character literal such as '"'.
            let len = 1 + rest[1..].chars().next().map_or(0, char::len_utf8) + 1;
            rest = &rest[len..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The paths a file names after `prefix` (`crate::` or `super::`): each as its segments, with
/// `use crate::{a, b::c}` giving `a` and `b::c`.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut found = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        if code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &code[at + prefix.len()..];
        let mut segments = Vec::new();
        loop {
            if let Some(group) = rest.strip_prefix('{') {
                // A group: its first segment of each member.
                let end = group.find('}').unwrap_or(group.len());
                for member in group[..end].split(',') {
                    let first = ident(member.trim());
                    if !first.is_empty() {
                        let mut p = segments.clone();
                        p.push(first);
                        found.push(p);
                    }
                }
                segments.clear();
                break;
            }
            let word = ident(rest);
            if word.is_empty() {
                break;
            }
            rest = &rest[word.len()..];
            segments.push(word);
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        if !segments.is_empty() {
            found.push(segments);
        }
    }
    found
}

/// The folder (module) a file belongs to, and its own module path: `text/fold.rs` is in
/// `text` and is `text::fold`; `text/mod.rs` is `text`; `lib.rs` is the crate.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// Edges between modules: (from, to) with both as module paths.
fn edges() -> BTreeSet<(Vec<String>, Vec<String>)> {
    let files = sources();
    let modules: BTreeSet<Vec<String>> = files.keys().map(|p| module_of(p)).collect();
    // The longest module a path names.
    let resolve = |path: Vec<String>| -> Vec<String> {
        (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p)).unwrap_or_default()
    };
    let mut edges = BTreeSet::new();
    for (rel, text) in &files {
        let me = module_of(rel);
        let code = code_of(text);
        // Inline test modules may reach anywhere.
        let code = code.split("#[cfg(test)]").next().unwrap_or("");
        for p in paths_after(code, "crate::") {
            edges.insert((me.clone(), resolve(p)));
        }
        let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
        let base = if rel.ends_with("mod.rs") { me.clone() } else { parent };
        for p in paths_after(code, "super::") {
            let mut full = base.clone();
            full.extend(p);
            edges.insert((me.clone(), resolve(full)));
        }
    }
    edges.into_iter().filter(|(a, b)| a != b && !b.is_empty()).collect()
}

/// A circle in the graph, if there is one.
fn find_cycle(edges: &BTreeSet<(String, String)>) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    // 0: not seen, 1: on the path, 2: done.
    fn visit<'a>(
        n: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let start = path.iter().position(|p| *p == n).unwrap_or(0);
                let mut circle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                circle.push(n.to_string());
                return Some(circle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(n, 1);
        path.push(n);
        for m in next.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, next, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n, 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in next.keys() {
        if let Some(c) = visit(n, &next, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn top(m: &[String]) -> String {
    m.first().cloned().unwrap_or_default()
}

#[test]
fn no_import_circle_between_top_level_modules() {
    let tops: BTreeSet<(String, String)> =
        edges().iter().map(|(a, b)| (top(a), top(b))).filter(|(a, b)| a != b && !a.is_empty()).collect();
    assert!(tops.len() > 10, "the scan found the imports: {tops:?}");
    assert_eq!(find_cycle(&tops), None, "an import circle between modules of src/");
}

#[test]
fn no_import_circle_between_the_files_of_a_folder() {
    // A folder's mod.rs declares and re-exports its files: those edges are the folder's face,
    // not imports. Between sibling files, and from a file to its folder, none may circle.
    let files: BTreeSet<(String, String)> = edges()
        .into_iter()
        .filter(|(a, b)| a.len() > 1 && b.len() >= a.len() - 1 && a[..a.len() - 1] == b[..a.len() - 1])
        .filter(|(a, b)| !b.starts_with(a))
        .map(|(a, b)| (a.join("::"), b.join("::")))
        .collect();
    assert_eq!(find_cycle(&files), None, "an import circle between the files of one folder");
}

#[test]
fn each_floor_imports_only_the_floors_below() {
    let ground = ["hash", "text", "diag", "config"];
    let above_stages = ["build", "cache", "cmd"];
    let mut wrong = Vec::new();
    for (from, to) in edges() {
        let (f, t) = (top(&from), top(&to));
        if f == t || f.is_empty() || ["lib", "main"].contains(&f.as_str()) {
            continue;
        }
        let bad = if ground.contains(&f.as_str()) {
            // The ground floor stands on nothing but itself.
            !ground.contains(&t.as_str())
        } else if f == "cache" {
            // The cache stores keyed results: it knows no stage.
            !ground.contains(&t.as_str())
        } else if f == "cmd" {
            // Commands never import commands.
            t == "cmd" && from.get(1) != to.get(1)
        } else if f == "build" {
            t == "cmd"
        } else {
            // A stage imports neither the pipeline, the cache nor a command.
            above_stages.contains(&t.as_str())
        };
        if bad {
            wrong.push(format!("{} → {}", from.join("::"), to.join("::")));
        }
    }
    let commands: Vec<(Vec<String>, Vec<String>)> = edges()
        .into_iter()
        .filter(|(a, b)| top(a) == "cmd" && top(b) == "cmd" && a.get(1) != b.get(1))
        .collect();
    assert!(commands.is_empty(), "commands import commands: {commands:?}");
    assert!(wrong.is_empty(), "imports across the floors: {wrong:#?}");
}
