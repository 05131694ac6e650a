//! Finding the bulletins: every `*.md` under `content/`, symlinks never followed, in a
//! stable order, read as UTF-8.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, line_col};

/// A bulletin's source file, read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, for messages and the model.
    pub rel_path: PathBuf,
    pub text: String,
}

/// A Markdown file found under `content/`, with what its metadata says.
#[derive(Debug, Clone)]
pub struct Found {
    /// Path relative to the site root.
    pub path: PathBuf,
    pub len: u64,
    /// Modification time, in nanoseconds since 1970 (0 before it).
    pub mtime: i64,
}

/// What discovery found: the Markdown files (sorted), problems, and warnings.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<Found>,
    /// Every other file (pictures, documents), for bulletins to show or link as attachments;
    /// not hidden ones (`.DS_Store`) or editors' backups (`x.md~`).
    pub assets: Vec<Found>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Discovered {
    fn append(&mut self, mut other: Discovered) {
        self.files.append(&mut other.files);
        self.assets.append(&mut other.assets);
        self.errors.append(&mut other.errors);
        self.warnings.append(&mut other.warnings);
    }
}

/// Lists the Markdown files under `content_dir` with their size and time, never following
/// symlinks. A directory's entries come in the order of their names' bytes, each
/// subdirectory's files where its name falls (depth first).
///
/// Each directory is opened once and its files are looked at relative to it, the
/// directories in parallel: looking up every file by its whole path walks the path again
/// for each one, and at 20,000 bulletins this listing is a good part of a rebuild.
pub fn discover(root: &Path, content_dir: &Path) -> Discovered {
    if !content_dir.is_dir() {
        return Discovered::default();
    }
    let rel_dir = rel(root, content_dir);
    match open_dir(rustix::fs::CWD, content_dir, true) {
        Ok(fd) => walk(fd, &rel_dir),
        Err(e) => Discovered { errors: vec![unreadable(&rel_dir, e)], ..Default::default() },
    }
}

fn open_dir<Fd: rustix::fd::AsFd>(
    at: Fd,
    name: &Path,
    follow: bool,
) -> rustix::io::Result<rustix::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    rustix::fs::openat(at, name, flags, Mode::empty())
}

fn unreadable(rel: &Path, e: rustix::io::Errno) -> Diagnostic {
    let e = std::io::Error::from(e);
    Diagnostic::error(format!("cannot read this part of content/: {e}")).in_file(rel)
}

/// The Markdown files of the directory open as `fd` (at `rel`, relative to the site root)
/// and of its subdirectories. Long because it is one directory walk through file
/// descriptors (no path is resolved twice, no symbolic link followed), each kind of entry handled
/// where it is met.
fn walk(fd: rustix::fd::OwnedFd, rel: &Path) -> Discovered {
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, FileType};
    use std::os::unix::ffi::OsStrExt;
    let mut names: Vec<(std::ffi::OsString, FileType)> = Vec::new();
    let listed = rustix::fs::Dir::read_from(&fd).and_then(|mut dir| {
        while let Some(entry) = dir.read() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." {
                names.push((std::ffi::OsStr::from_bytes(name).to_owned(), entry.file_type()));
            }
        }
        Ok(())
    });
    if let Err(e) = listed {
        return Discovered { errors: vec![unreadable(rel, e)], ..Default::default() };
    }
    names.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    // What each name is: one file, or a folder's findings (a `Discovered` per file, each
    // with its own lists, cost a tenth of a second at 1,000,000 bulletins).
    let parts: Vec<Part> = names
        .par_iter()
        .map(|(name, kind)| {
            let path = child(rel, name);
            let extension = extension(name.as_bytes());
            let is_md = extension == Some(b"md");
            let is_asset = !is_md && !name.as_bytes().starts_with(b".") && !name.as_bytes().ends_with(b"~");
            // Some file systems do not give the type when listing: the file is looked at, once.
            let (kind, looked) = match kind {
                FileType::Unknown => {
                    match rustix::fs::statat(&fd, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW) {
                        Ok(st) => (FileType::from_raw_mode(st.st_mode), Some(st)),
                        Err(e) => return Part::Error(Box::new(unreadable(&path, e))),
                    }
                }
                k => (*k, None),
            };
            match kind {
                FileType::Symlink => {
                    let to_dir = rustix::fs::statat(&fd, name.as_os_str(), AtFlags::empty())
                        .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
                    if !(is_md || to_dir) {
                        return Part::Nothing;
                    }
                    Part::Warning(Box::new(
                        Diagnostic::warning("symbolic link skipped: bantin never follows links in content/")
                            .in_file(&path)
                            .with_hint("copy the file into content/ if it belongs to the site"),
                    ))
                }
                FileType::Directory => match open_dir(&fd, Path::new(name), false) {
                    Ok(sub) => Part::Folder(Box::new(walk(sub, &path))),
                    Err(e) => Part::Error(Box::new(unreadable(&path, e))),
                },
                FileType::RegularFile if !is_md && extension.is_some_and(markdown_by_another_name) => {
                    let stem = &name.as_bytes()[..name.len() - extension.map_or(0, |e| e.len() + 1)];
                    Part::Warning(Box::new(
                        Diagnostic::warning(
                            "this file is not published: bantin reads bulletins from files ending in `.md`",
                        )
                        .in_file(&path)
                        .with_hint(format!("rename it to {}.md", String::from_utf8_lossy(stem))),
                    ))
                }
                FileType::RegularFile if is_md || is_asset => {
                    let st = looked.map_or_else(
                        || rustix::fs::statat(&fd, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW),
                        Ok,
                    );
                    match st {
                        Ok(st) => {
                            let nanos = i128::from(st.st_mtime) * 1_000_000_000 + st.st_mtime_nsec as i128;
                            let mtime = i64::try_from(nanos.max(0)).unwrap_or(i64::MAX);
                            let file = Found { path, len: st.st_size.max(0) as u64, mtime };
                            if is_md { Part::File(file) } else { Part::Asset(file) }
                        }
                        Err(e) => Part::Error(Box::new(
                            Diagnostic::error(format!("cannot read the file: {}", std::io::Error::from(e)))
                                .in_file(&path),
                        )),
                    }
                }
                _ => Part::Nothing,
            }
        })
        .collect();
    let mut all = Discovered::default();
    all.files.reserve(parts.iter().filter(|p| matches!(p, Part::File(_))).count());
    for part in parts {
        match part {
            Part::File(f) => all.files.push(f),
            Part::Asset(f) => all.assets.push(f),
            Part::Folder(found) => all.append(*found),
            Part::Error(d) => all.errors.push(*d),
            Part::Warning(d) => all.warnings.push(*d),
            Part::Nothing => {}
        }
    }
    all
}

/// What one name in a folder's listing is to [`walk`] (the rare kinds boxed: a folder holds
/// thousands of files).
enum Part {
    File(Found),
    Asset(Found),
    Folder(Box<Discovered>),
    Error(Box<Diagnostic>),
    Warning(Box<Diagnostic>),
    Nothing,
}

/// Whether a file's name says it is a picture (one bantin reads, or one it explains it
/// does not: HEIC, AVIF, TIFF).
pub fn is_picture(path: &Path) -> bool {
    path.extension().is_some_and(|e| picture_extension(e.as_encoded_bytes()))
}

/// Whether a file name's extension is a picture's (see [`is_picture`]).
fn picture_extension(extension: &[u8]) -> bool {
    const EXTENSIONS: [&[u8]; 10] =
        [b"jpg", b"jpeg", b"png", b"webp", b"gif", b"heic", b"heif", b"avif", b"tif", b"tiff"];
    EXTENSIONS.iter().any(|x| extension.eq_ignore_ascii_case(x))
}

/// Whether a file's extension names Markdown otherwise than `md`: in another case (`.MD`, as
/// some Windows tools save it) or spelled out (`.markdown`, `.mdown`, `.mkd`). Such a file is
/// meant as a bulletin, and is not read: the build says so rather than leave it out unseen.
fn markdown_by_another_name(extension: &[u8]) -> bool {
    [&b"md"[..], b"markdown", b"mdown", b"mkd"].iter().any(|m| extension.eq_ignore_ascii_case(m))
}

/// The extension of a file's name, as [`Path::extension`] gives it (none for `.md` itself),
/// read from the name's bytes: parsing each of 1,000,000 names as a path took a tenth of the
/// processor time of listing content/.
fn extension(name: &[u8]) -> Option<&[u8]> {
    if name == b".." {
        return None;
    }
    let dot = name.iter().rposition(|&b| b == b'.')?;
    (dot > 0).then(|| &name[dot + 1..])
}

/// `rel.join(name)` for a relative folder and a name from its listing, made in one
/// allocation (a `join` per file costs several times that).
fn child(rel: &Path, name: &std::ffi::OsStr) -> PathBuf {
    let rel = rel.as_os_str();
    if rel.is_empty() {
        return PathBuf::from(name);
    }
    let mut path = std::ffi::OsString::with_capacity(rel.len() + 1 + name.len());
    path.push(rel);
    path.push(std::path::MAIN_SEPARATOR_STR);
    path.push(name);
    PathBuf::from(path)
}

/// Reads one source file, reporting unreadable files and invalid UTF-8 with a position.
pub fn read_source(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let rel_path = rel(root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(&rel_path))?;
    if let Some(kind) = binary_kind(&bytes) {
        return Err(Diagnostic::error(format!("this is {kind}, not a Markdown bulletin"))
            .in_file(&rel_path)
            .with_hint("move it out of content/ (pictures belong beside their bulletin only when it refers to them), or give it another extension than .md"));
    }
    let text = match crate::text::utf8::string_from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let good = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, col) = line_col(&good, valid);
            let shown = String::from_utf8_lossy(&bytes).into_owned();
            return Err(Diagnostic::error("the file is not valid UTF-8")
                .in_file(&rel_path)
                .at(&shown, line, col)
                .with_hint(
                    "save the file as UTF-8 (most editors offer \"UTF-8\" under \"Save with encoding\")",
                ));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(text);
    Ok(SourceFile { rel_path, text })
}

/// What a file named `.md` really is, when its first bytes say it is not text: a known
/// format by its signature, or any file with a NUL byte near its start.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 9] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or OpenDocument file)"),
        (b"\xD0\xCF\x11\xE0", "an old Microsoft Office document"),
        (b"RIFF", "a RIFF file (a WebP image, or audio or video)"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"{\\rtf", "an RTF document"),
    ];
    // A text file saved as UTF-16 is told to be saved as UTF-8 (below), not called binary.
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return None;
    }
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(kind);
    }
    bytes.iter().take(8192).any(|&b| b == 0).then_some("a binary file")
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_s_extension_is_read_as_a_path_s() {
        for name in
            ["a.md", "b.MD", ".md", "..md", "..", ".", "md", "a.", "a.b.jpg", "ảnh.JPEG", "x.tar.gz", ""]
        {
            let want = Path::new(name).extension().map(|e| e.as_encoded_bytes());
            assert_eq!(extension(name.as_bytes()), want, "{name:?}");
        }
        assert!(is_picture(Path::new("ảnh/x.JPG")) && !is_picture(Path::new("x.md")));
    }

    /// The same listing, made the plain way: a sorted walk, and each file's metadata by path.
    fn reference(root: &Path, content: &Path) -> Vec<(PathBuf, u64, i64)> {
        walkdir::WalkDir::new(content)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| {
                let meta = std::fs::metadata(e.path()).expect("metadata");
                (rel(root, e.path()), meta.len(), crate::hash::mtime_nanos(&meta))
            })
            .collect()
    }

    #[test]
    fn a_child_path_is_the_joined_path() {
        for (rel, name) in [("content", "a.md"), ("content/2020/01", "Đà Nẵng.md"), ("", "x")] {
            let (rel, name) = (Path::new(rel), std::ffi::OsStr::new(name));
            assert_eq!(child(rel, name).as_os_str(), rel.join(name).as_os_str());
        }
    }

    #[test]
    fn discovery_lists_what_a_sorted_walk_finds() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        let content = root.join("content");
        for d in ["2020/01", "2020/1", "2020/01a", "2021", "Đà Nẵng", "a.md.d", "empty"] {
            std::fs::create_dir_all(content.join(d)).expect("mkdir");
        }
        let files = [
            "z.md",
            "a.md",
            "B.md",
            "ä.md",
            ".hidden.md",
            "notes.txt",
            "md",
            "2020/01/x.md",
            "2020/01/x.MD",
            "2020/1/y.md",
            "2020/01a/w.md",
            "2020/01.md",
            "2021/q.md",
            "Đà Nẵng/tin.md",
            "a.md.d/inner.md",
        ];
        for (i, f) in files.iter().enumerate() {
            std::fs::write(content.join(f), "x".repeat(i + 1)).expect("write");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(content.join("a.md"), content.join("link.md")).expect("link");
            std::os::unix::fs::symlink(content.join("2021"), content.join("linked-dir")).expect("link");
        }
        let found = discover(root, &content);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let listed: Vec<(PathBuf, u64, i64)> =
            found.files.into_iter().map(|f| (f.path, f.len, f.mtime)).collect();
        assert_eq!(listed, reference(root, &content));
        assert_eq!(listed.len(), 12);
        let said = |words: &str| -> Vec<PathBuf> {
            found
                .warnings
                .iter()
                .filter(|d| d.message.contains(words))
                .filter_map(|d| d.file.clone())
                .collect()
        };
        #[cfg(unix)]
        assert_eq!(said("symbolic link").len(), 2, "one warning per skipped link");
        // A bulletin saved as `.MD` is not read, and named.
        assert_eq!(said("not published"), [PathBuf::from("content/2020/01/x.MD")]);
        #[cfg(unix)]
        assert_eq!(found.warnings.len(), 3, "{:?}", found.warnings);
    }
}
