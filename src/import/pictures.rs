//! The pictures an imported bulletin shows, and the files it links beside it (a PDF in a Hugo
//! page bundle: its attachments): found beside its source (a Hugo page bundle, a Jekyll post's
//! folder) or, for a picture's site-rooted address (`/images/x.jpg`), under the source site's
//! `static/` or root; copied beside the imported bulletin as `<slug>-<name>`, and its
//! references rewritten to that name (a fragment, `#page=2`, kept). Web addresses stay as
//! they are.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};

/// Each picture found: (the reference as written, its file, its new name).
pub type Pictures = Vec<(String, PathBuf, String)>;

/// Finds the pictures of a bulletin read from `from` (its lead `image` and its body's), and
/// rewrites the body's references to their new names; notes name those not found.
pub fn gather(from: &Path, image: Option<&str>, body: &mut String, slug: &str) -> (Pictures, Vec<String>) {
    let mut places: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    // The references shown as pictures (the others are links).
    let mut shown: Vec<String> = image.map(str::to_owned).into_iter().collect();
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) if crate::photos::is_local(&dest_url) => {
                shown.push(dest_url.to_string());
                places.push((range, dest_url.to_string()));
            }
            Event::Start(Tag::Link { dest_url, .. })
                if crate::markdown::is_attachment_link(&dest_url)
                    || crate::markdown::is_file_from_root(&dest_url) =>
            {
                places.push((range, dest_url.to_string()));
            }
            _ => {}
        }
    }
    let mut refs: Vec<String> =
        image.filter(|i| crate::photos::is_local(i)).map(str::to_owned).into_iter().collect();
    refs.extend(places.iter().map(|p| p.1.clone()));
    refs.dedup();
    let (mut pictures, mut notes) = (Pictures::new(), Vec::new());
    for reference in refs {
        if pictures.iter().any(|p| p.0 == reference) {
            continue;
        }
        match locate(from, &reference) {
            Some(file) => {
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, "jpg"));
                let new = format!("{slug}-{}.{}", crate::text::slugify(stem), ext.to_lowercase());
                pictures.push((reference, file, new));
            }
            // A link from the root to a file not found may be to one the host serves besides
            // (a feed, `/index.xml`): it stays as it is, untold.
            None if crate::markdown::is_file_from_root(&reference) && !shown.contains(&reference) => {}
            None => notes.push(format!(
                "{}: the file {reference} was not found beside it or under the site's static/ folder; copy it beside the imported bulletin",
                from.display()
            )),
        }
    }
    // Rewritten from the end, so that earlier places keep their offsets.
    for (range, dest) in places.iter().rev() {
        let Some(new) = pictures.iter().find(|p| &p.0 == dest).map(|p| &p.2) else { continue };
        let fragment = dest.find('#').map_or("", |at| &dest[at..]);
        if let Some(at) = body[range.clone()].rfind(dest.as_str()) {
            let at = range.start + at;
            body.replace_range(at..at + dest.len(), &format!("{new}{fragment}"));
        }
    }
    (pictures, notes)
}

/// The new name of `reference`, or it as it is (a web address, or a picture not found).
pub fn renamed(reference: &str, pictures: &Pictures) -> String {
    pictures.iter().find(|p| p.0 == reference).map_or_else(|| reference.to_string(), |p| p.2.clone())
}

/// Copies the pictures into `dir` (a picture already there with the same bytes is left).
pub fn copy(pictures: &Pictures, dir: &Path) -> Result<(), String> {
    for (_, file, name) in pictures {
        let to = dir.join(name);
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        match std::fs::read(&to) {
            Ok(existing) if existing == bytes => continue,
            Ok(_) => return Err(format!("{} is already there, with another picture", to.display())),
            Err(_) => {
                std::fs::write(&to, &bytes).map_err(|e| format!("cannot write {}: {e}", to.display()))?
            }
        }
    }
    Ok(())
}

/// The file a reference names: beside the source, or (site-rooted) under `static/`, `assets/`
/// or the root of a folder above it.
fn locate(from: &Path, reference: &str) -> Option<PathBuf> {
    let path = reference.split(['?', '#']).next().unwrap_or_default();
    let path = crate::text::escape::percent_decode(path).unwrap_or_else(|| path.to_string());
    if path.split(['/', '\\']).any(|p| p == "..") && path.starts_with('/') {
        return None;
    }
    let folder = from.parent()?;
    match path.strip_prefix('/') {
        Some(rooted) => folder.ancestors().find_map(|a| {
            ["static", "assets", ""].iter().map(|top| a.join(top).join(rooted)).find(|p| p.is_file())
        }),
        None => Some(folder.join(&path)).filter(|p| p.is_file()),
    }
}
