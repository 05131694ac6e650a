//! The photos stage. `find`: every picture a bulletin shows that is a file of the site is
//! looked up (beside the bulletin, in its bundle folder, under `static/` or `content/`) and
//! read for what it is, from the cache when its size and time are unchanged. `write`: each
//! photo's variants are taken from the photo store, or made (in parallel, one decoded picture
//! per thread at a time) when the store and the published site do not have them, and put into
//! the output. A photo's key is its content hash and the `[photos]` settings.

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::load::LoadedSite;
use super::report::BuildFailure;
use crate::cache::PhotoStore;
use crate::diag::Diagnostic;
use crate::hash::Fingerprint;
use crate::output::Emit;
use crate::photos::{self, EntryPhotos, Photo, PhotoSet, Probed, Probes};

/// The photos of a build, and what to keep of them for the next one.
#[derive(Default)]
pub struct Found {
    pub set: PhotoSet,
    pub probes: Probes,
    /// What each photo file is, by its site-relative path: for `check`.
    pub probed: Vec<(String, Probed)>,
}

/// Gives each bulletin with a lead photo of the site's own the address of its smallest WebP
/// variant, which the search results show beside it. (Part of the entry's key through the
/// photo's.)
pub fn set_thumbs(archive: &mut crate::archive::Archive, set: &PhotoSet) {
    for (i, e) in archive.entries.iter_mut().enumerate() {
        e.thumb = set
            .lead_of(i)
            .and_then(|p| Some(p.file(*p.widths.first()?, photos::Format::WebP).into_boxed_str()));
    }
}

/// The files a bulletin may name (site-relative path → size and time), found by their name as
/// written or by its normalised form: a file named on a Mac may have its marks decomposed
/// (NFD), or a name typed with Ð (U+00D0) for Đ, while the bulletin, normalised, writes them
/// composed and with Đ; such names are found through the very normaliser the text went.
pub(super) struct SiteFiles {
    pub files: FxHashMap<String, (u64, i64)>,
    normal: FxHashMap<String, String>,
}

impl SiteFiles {
    pub fn new(files: impl Iterator<Item = (String, (u64, i64))>) -> SiteFiles {
        let files: FxHashMap<String, (u64, i64)> = files.collect();
        let normal = files
            .keys()
            .filter_map(|f| {
                let n = crate::text::normalize(f);
                (n != *f).then(|| (n, f.clone()))
            })
            .collect();
        SiteFiles { files, normal }
    }

    /// The file's path as the file system has it, for a path as a bulletin names it.
    pub fn real(&self, path: &str) -> Option<&String> {
        self.files
            .get_key_value(path)
            .map(|(k, _)| k)
            .or_else(|| self.normal.get(&crate::text::normalize(path)))
    }

    /// The size and time of a file found by [`SiteFiles::real`].
    pub fn stat(&self, real: &str) -> (u64, i64) {
        self.files.get(real).copied().unwrap_or_default()
    }
}

/// What a photo file is, and its size and time when they can be trusted next time.
type ProbeResult = Result<(Probed, Option<(u64, i64)>), Diagnostic>;

/// A picture a bulletin shows, to look for: (entry, which picture: `None` for the lead).
type Wanted = (usize, Option<usize>, String);

/// Finds the file of every site picture the archive's bulletins show and reads what each is.
/// A picture whose file is not there, or is not a picture bantin reads, is an error naming the
/// bulletin's line (and the file); with such errors, the other pictures that cannot be read
/// whole are errors too ([`damaged`]), as the build would find them next.
pub fn find(site: &LoadedSite, known: &Probes) -> Result<Found, Vec<Diagnostic>> {
    let root = &site.root;
    // Every picture file of content/ and static/, with its size and time.
    let statics = super::statics::site_files(&root.join("static"));
    let files = SiteFiles::new(
        site.assets
            .iter()
            .filter(|f| crate::content::is_picture(&f.path))
            .map(|f| (crate::render::slash_path(&f.path), (f.len, f.mtime)))
            .chain(statics.into_iter().map(|(rel, len, mtime)| (format!("static/{rel}"), (len, mtime)))),
    );
    let real = |p: &str| files.real(p).cloned();

    let mut errors = Vec::new();
    let mut wanted: Vec<Wanted> = Vec::new();
    for (i, e) in site.archive.entries.iter().enumerate() {
        let b = &e.bulletin;
        let lead = b.lead.as_deref().filter(|l| photos::is_local(&l.image));
        if lead.is_none() && e.facts.photos.is_empty() {
            continue;
        }
        let source = crate::render::slash_path(&b.source);
        let mut look = |which: Option<usize>, src: &str, at: (usize, usize), what: &str| match photos::resolve(
            &source,
            src,
            |p| real(p).is_some(),
        ) {
            Ok(path) => wanted.push((i, which, real(&path).unwrap_or(path))),
            Err(tried) => errors.push(missing(
                &site.root,
                &b.source,
                at,
                (src, what, PUT_THE_PHOTO),
                &tried,
                &files.files,
            )),
        };
        if let Some(l) = lead {
            look(None, &l.image, l.at, "lead picture (`image:`)");
        }
        for (n, r) in e.facts.photos.iter().enumerate() {
            look(Some(n), &r.src, r.at, "picture");
        }
    }

    // Each distinct file, read for what it is (from the cache when unchanged).
    let mut paths: Vec<&str> = wanted.iter().map(|w| w.2.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    let racy_after = super::scan::racy_after();
    let max_pixels = site.config.photos.max_pixels();
    let read: Vec<(&str, ProbeResult)> = paths
        .par_iter()
        .map(|&path| {
            let (len, mtime) = files.stat(path);
            if let Some((_, _, probed)) = known.get(path).filter(|k| k.0 == len && k.1 == mtime) {
                return (path, Ok((*probed, Some((len, mtime)))));
            }
            let probed = read_photo(root, path)
                .and_then(|bytes| photos::probe(&bytes, max_pixels).map_err(|e| photo_error(path, e)));
            (path, probed.map(|p| (p, (mtime < racy_after).then_some((len, mtime)))))
        })
        .collect();

    let mut set = PhotoSet::default();
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    let (mut probes, mut probed_list) = (Probes::default(), Vec::new());
    for (path, result) in read {
        match result {
            Ok((probed, stat)) => {
                index.insert(path, set.photos.len());
                set.photos.push(Photo::new(path, &probed, &site.config.photos));
                set.lead.push(false);
                if let Some((len, mtime)) = stat {
                    probes.insert(path.to_string(), (len, mtime, probed));
                }
                probed_list.push((path.to_string(), probed));
            }
            Err(d) => errors.push(d),
        }
    }
    // Entries without photos keep an empty record (no allocation).
    set.entries = vec![EntryPhotos::default(); site.archive.entries.len()];
    for (i, which, path) in &wanted {
        let Some(&p) = index.get(path.as_str()) else { continue };
        let entry = &mut set.entries[*i];
        match which {
            None => {
                entry.lead = Some(p);
                set.lead[p] = true;
            }
            Some(n) => {
                let count = site.archive.entries[*i].facts.photos.len();
                entry.body.resize(count, None);
                entry.body[*n] = Some(p);
            }
        }
    }
    if !errors.is_empty() {
        // The other photos' damage is told too: an editor fixes every picture in one go,
        // rather than one kind of problem a build.
        errors.extend(damaged(root, &set));
        return Err(errors);
    }
    Ok(Found { set, probes, probed: probed_list })
}

/// The site, unless some of its bulletins could not be read ([`LoadedSite::broken`]): then
/// the build's failure, with every problem of the other bulletins' pictures, as [`find`] (with
/// what the cache `known` says of each file) and then the build would find them, and of the
/// theme ([`crate::render::theme_errors`]), so that a broken front matter never hides a
/// missing or damaged photo elsewhere, or a template that will not read.
pub fn unless_broken(
    mut site: LoadedSite,
    known: impl FnOnce() -> Probes,
) -> Result<LoadedSite, BuildFailure> {
    if site.broken.is_empty() {
        return Ok(site);
    }
    let mut errors = std::mem::take(&mut site.broken);
    match find(&site, &known()) {
        Ok(found) => errors.extend(damaged(&site.root, &found.set)),
        Err(more) => errors.extend(more),
    }
    errors.extend(crate::render::theme_errors(&site.theme, site.config.language.as_str()));
    Err(BuildFailure { errors, warnings: site.warnings })
}

/// The photos of `set` whose pixels cannot be read (damaged, cut short), each an error naming
/// its file, in the set's order. A photo whose every variant the photo store holds is not read
/// again: they were made from these very bytes (a photo's key is its content's hash).
pub fn damaged(root: &Path, set: &PhotoSet) -> Vec<Diagnostic> {
    let store = PhotoStore::open(root);
    set.photos
        .par_iter()
        .zip(&set.lead)
        .filter(|&(photo, &lead)| !photo.variants(lead).iter().all(|v| store.has(photo.key, &v.name)))
        .filter_map(|(photo, _)| {
            let bytes = match read_photo(root, &photo.source) {
                Ok(bytes) => bytes,
                Err(d) => return Some(d),
            };
            let verified = photos::probe(&bytes, u64::MAX).and_then(|probed| {
                // A decoder that panics on a hostile file is one bad photo, as in `make`.
                std::panic::catch_unwind(|| photos::verify(&bytes, &probed))
                    .unwrap_or_else(|_| Err(decoder_failed()))
            });
            verified.err().map(|e| photo_error(&photo.source, e))
        })
        .collect()
}

/// What a photo whose decoder panicked on it is.
fn decoder_failed() -> photos::PhotoError {
    photos::PhotoError {
        message: "the picture cannot be read: its decoder failed on it".into(),
        hint: "open it and save it again as JPEG".into(),
    }
}

/// A picture (or another file: `what`) whose file is not where the bulletin says, with `fix`
/// as the hint when no file of that name is elsewhere among `files`.
pub(super) fn missing(
    root: &Path,
    bulletin: &Path,
    (line, col): (usize, usize),
    (src, what, fix): (&str, &str, &str),
    tried: &[String],
    files: &FxHashMap<String, (u64, i64)>,
) -> Diagnostic {
    // The line is shown when the bulletin can be read again; the message stands without it.
    let text = std::fs::read_to_string(root.join(bulletin)).unwrap_or_default();
    let d = Diagnostic::error(match tried {
        [] => format!("the {what} `{src}` points outside the site"),
        _ => format!("the {what} `{src}` is not there: there is no {}", tried.join(" or ")),
    })
    .in_file(bulletin);
    let d = if line > 0 { d.at(&text, line, col) } else { d };
    // The same name in another case, or beside the bulletin under another folder.
    let name = src.rsplit('/').next().unwrap_or(src).to_lowercase();
    let mut near: Vec<&String> =
        files.keys().filter(|f| f.rsplit('/').next().is_some_and(|n| n.to_lowercase() == name)).collect();
    near.sort();
    match near.first() {
        Some(f) => d.with_hint(format!(
            "did you mean {f}? Addresses are relative to the bulletin's folder, or start with / for static/"
        )),
        None => d.with_hint(fix),
    }
}

/// How to show a picture whose file is nowhere.
const PUT_THE_PHOTO: &str = "put the photo beside the bulletin and write its name (`![mô tả](anh.jpg)`), or under static/ and write `/anh.jpg`";

/// The bytes of a photo file (`path` relative to the site root).
fn read_photo(root: &Path, path: &str) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(root.join(path))
        .map_err(|e| Diagnostic::error(format!("cannot read the picture: {e}")).in_file(path))
}

/// A diagnostic for a photo file.
fn photo_error(path: &str, e: photos::PhotoError) -> Diagnostic {
    Diagnostic::error(e.message).in_file(path).with_hint(e.hint)
}

/// What [`write`] did: the photos whose variants this build made.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub photos_made: usize,
}

/// The fingerprint of one published file of a photo.
fn fingerprint(photo: &Photo, name: &str) -> u64 {
    Fingerprint::new().str("photo").u64(photo.key).str(name).finish()
}

/// Puts every variant of every photo into the output: kept from the published site when it
/// has it, else taken from the photo store, else made (and stored). Photos in parallel, each
/// decoded at most once, on its thread.
pub fn write(
    root: &Path,
    set: &PhotoSet,
    config: &crate::config::PhotoConfig,
    emit: &Emit,
) -> Result<Written, Vec<Diagnostic>> {
    let store = PhotoStore::open(root);
    let done: Vec<Result<bool, Diagnostic>> = set
        .photos
        .par_iter()
        .zip(&set.lead)
        .map(|(photo, &lead)| {
            let variants = photo.variants(lead);
            let prints: Vec<u64> = variants.iter().map(|v| fingerprint(photo, &v.name)).collect();
            let todo: Vec<usize> = (0..variants.len())
                .filter(|&k| {
                    !emit.unchanged(&variants[k].path, prints[k]) && !store.has(photo.key, &variants[k].name)
                })
                .collect();
            let mut made = make(root, photo, &variants, &todo, config)?.into_iter();
            for (k, (v, fp)) in variants.iter().zip(&prints).enumerate() {
                let result = if emit.unchanged(&v.path, *fp) {
                    emit.keep(&v.path)
                } else if todo.contains(&k) {
                    let bytes = made.next().ok_or_else(|| {
                        Diagnostic::error(format!("{} was not made", v.path)).in_file(&photo.source)
                    })?;
                    store.put(photo.key, &v.name, &bytes).map_err(|e| {
                        Diagnostic::error(format!("cannot keep a photo's variant in .bantin/photos: {e}"))
                            .in_file(&photo.source)
                    })?;
                    emit.put(&v.path, Some(*fp), &bytes)
                } else {
                    store.get(photo.key, &v.name).and_then(|bytes| emit.put(&v.path, Some(*fp), &bytes))
                };
                result.map_err(|e| {
                    Diagnostic::error(format!("cannot publish {}: {e}", v.path)).in_file(&photo.source)
                })?;
            }
            Ok(!todo.is_empty())
        })
        .collect();
    let mut errors = Vec::new();
    let mut written = Written::default();
    for d in done {
        match d {
            Ok(made) => written.photos_made += usize::from(made),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() { Ok(written) } else { Err(errors) }
}

/// Makes the variants `todo` (indexes into `variants`) of a photo, in that order: none
/// without reading it.
fn make(
    root: &Path,
    photo: &Photo,
    variants: &[photos::Variant],
    todo: &[usize],
    config: &crate::config::PhotoConfig,
) -> Result<Vec<Vec<u8>>, Diagnostic> {
    if todo.is_empty() {
        return Ok(Vec::new());
    }
    let bytes = read_photo(root, &photo.source)?;
    let probed = photos::probe(&bytes, u64::MAX).map_err(|e| photo_error(&photo.source, e))?;
    if Photo::new(&photo.source, &probed, config).key != photo.key {
        return Err(Diagnostic::error("the picture changed while the site was being built")
            .in_file(&photo.source)
            .with_hint("build again once the photo is saved"));
    }
    let wants: Vec<photos::Want> = todo.iter().map(|&k| variants[k].want).collect();
    // A decoder that panics on a hostile file is one bad photo, not a crashed build.
    std::panic::catch_unwind(|| photos::make(&bytes, &probed, &wants, config.quality))
        .unwrap_or_else(|_| Err(decoder_failed()))
        .map_err(|e| photo_error(&photo.source, e))
}

/// Removes from the store the photos this build did not use.
pub fn prune(root: &Path, set: &PhotoSet) {
    let keep: FxHashSet<u64> = set.photos.iter().map(|p| p.key).collect();
    let _ = PhotoStore::open(root).prune(&keep);
}
