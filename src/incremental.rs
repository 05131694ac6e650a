//! Incremental builds: what the last build saw and wrote, kept under `.bantin/` in the site
//! root, so the next build reparses only the bulletins whose files changed, re-renders only
//! the pages whose inputs changed and writes only the files whose bytes changed.
//!
//! The cache is four files per profile (`build`, or `serve` for the preview, whose pages carry
//! the live-reload client):
//! - `state`: the keys of everything global (binary, configuration, theme, options), each
//!   source file's size, modification time and content hash, and the key of the whole input
//!   (when it matches, nothing needs doing);
//! - `parsed`: every bulletin as parsed, without its body (read back from the source when a
//!   page, a feed or the search index needs it);
//! - `outputs`: every file of the published tree, with the fingerprint of its inputs and the
//!   hash of its bytes, and the identity (device, inode) of the directory it describes;
//! - `spare`: the same for the spare tree, the previous build kept beside the output, which the
//!   next build brings up to date and swaps in atomically. It is deleted before the spare is
//!   touched, so a build killed half-way leaves no manifest that lies.
//!
//! Every file is checked against the directory it describes; anything missing, stale or
//! unreadable just means a full build.

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::Bulletin;
use crate::diag::Diagnostic;
use crate::markdown::Rendered;

/// The folder of the cache, in the site root.
pub const CACHE_DIR: &str = ".bantin";
/// Bumped whenever the cache's layout or meaning changes.
pub const FORMAT: u32 = 1;

/// Hash of a file's bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A fingerprint being built: everything a page depends on is fed into it, each piece
/// length-prefixed so that ("ab", "c") and ("a", "bc") differ.
pub struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint(xxhash_rust::xxh3::Xxh3::new())
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.write_u64(b.len() as u64);
        self.0.update(b);
        self
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.write_u64(n);
        self
    }

    /// Anything serialisable, as JSON.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        let text = serde_json::to_vec(value).unwrap_or_default();
        self.bytes(&text)
    }

    pub fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// Identifies this bantin binary, so a new version never trusts an old version's cache.
pub fn binary_id() -> u64 {
    let mut f = Fingerprint::new();
    f.str(env!("CARGO_PKG_VERSION")).u64(u64::from(FORMAT));
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        f.u64(meta.len()).u64(mtime_nanos(&meta) as u64);
    }
    f.finish()
}

/// Nanoseconds since the epoch of a file's modification time (0 when unknown).
pub fn mtime_nanos(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// What the last build knew of one source file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceStat {
    pub path: PathBuf,
    pub len: u64,
    pub mtime: i64,
    pub hash: u64,
}

/// The last build's keys and sources.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    /// Binary, time zone and `unsafe_html`: what parsing and Markdown depend on.
    pub parse_key: u64,
    /// Everything the output depends on; equal keys mean nothing to do.
    pub input_key: u64,
    /// The earliest date of a bulletin left out for being in the future: once that time has
    /// come, the same input gives a different site.
    pub horizon: Option<i64>,
    pub sources: Vec<SourceStat>,
    /// The published directory this state describes.
    pub out_id: Option<(u64, u64)>,
    /// What the build reported, repeated when nothing changed.
    pub bulletins: usize,
    pub pages: usize,
    pub drafts_skipped: usize,
    pub future_skipped: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

/// A bulletin as parsed, without its body, and the warnings it gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parsed {
    pub bulletin: Bulletin,
    pub rendered: Rendered,
    /// Warnings about the file alone (images without alt text…).
    pub warnings: Vec<Diagnostic>,
    /// One warning per internal link, shown if the link points to no bulletin.
    pub link_warnings: Vec<Diagnostic>,
}

/// One file of a published tree: the fingerprint of what it was made from and the hash of its
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    pub fingerprint: u64,
    pub hash: u64,
}

/// Every file of one output tree, and which directory that tree is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub dir_id: (u64, u64),
    pub files: HashMap<String, OutputRecord>,
}

/// The cache of one profile.
pub struct Cache {
    dir: PathBuf,
    pub state: State,
    pub parsed: HashMap<(PathBuf, u64), Parsed>,
    pub outputs: Option<Manifest>,
    pub spare: Option<Manifest>,
}

impl Cache {
    /// An empty cache for `root` (nothing is read): what `--clean` starts from.
    pub fn empty(root: &Path, profile: &str) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR).join(profile),
            state: State::default(),
            parsed: HashMap::new(),
            outputs: None,
            spare: None,
        }
    }

    /// Reads the cache's state (sources and keys); the rest is read on demand.
    pub fn open(root: &Path, profile: &str) -> Cache {
        let mut cache = Cache::empty(root, profile);
        if let Some(state) = read::<State>(&cache.dir.join("state")).filter(|s| s.format == FORMAT) {
            cache.state = state;
        }
        cache
    }

    /// Reads the parsed bulletins (dates read in `tz`), unless their key differs.
    pub fn load_parsed(&mut self, parse_key: u64, tz: &jiff::tz::TimeZone) {
        if self.state.parse_key != parse_key || self.state.format != FORMAT {
            return;
        }
        let list: Option<Vec<Parsed>> = crate::content::with_zone(tz, || read(&self.dir.join("parsed")));
        self.parsed = list
            .unwrap_or_default()
            .into_iter()
            .map(|p| ((p.bulletin.source.clone(), p.bulletin.source_hash), p))
            .collect();
    }

    /// Reads the manifests of the published and the spare tree, keeping only those that
    /// still describe the directories they name.
    pub fn load_manifests(&mut self, out: &Path, spare: &Path) {
        if self.state.format != FORMAT {
            return;
        }
        self.outputs = read::<Manifest>(&self.dir.join("outputs")).filter(|m| dir_id(out) == Some(m.dir_id));
        self.spare = read::<Manifest>(&self.dir.join("spare")).filter(|m| dir_id(spare) == Some(m.dir_id));
    }

    /// Forgets the spare tree's manifest before the tree is changed.
    pub fn invalidate_spare(&mut self) -> std::io::Result<()> {
        self.spare = None;
        match std::fs::remove_file(self.dir.join("spare")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The search index state of the last build, with the key it was made under.
    pub fn load_index(&self) -> Option<((u64, u64), crate::search::IndexState)> {
        if self.state.format != FORMAT {
            return None;
        }
        read(&self.dir.join("index"))
    }

    pub fn save_index(&self, key: (u64, u64), index: &crate::search::IndexState) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write(&self.dir.join("index"), &(key, index))
    }

    pub fn forget_index(&self) {
        let _ = std::fs::remove_file(self.dir.join("index"));
    }

    /// Where the plain text of the source with hash `hash` is kept (for the search index to
    /// see a bulletin's previous version when it changes).
    fn plain_path(&self, hash: u64) -> PathBuf {
        self.dir.join("plain").join(format!("{hash:016x}"))
    }

    pub fn read_plain(&self, hash: u64) -> Option<String> {
        std::fs::read_to_string(self.plain_path(hash)).ok()
    }

    pub fn has_plain(&self, hash: u64) -> bool {
        self.plain_path(hash).is_file()
    }

    pub fn write_plain(&self, hash: u64, plain: &str) -> std::io::Result<()> {
        let path = self.plain_path(hash);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, plain)?;
        std::fs::rename(&tmp, &path)
    }

    pub fn remove_plain(&self, hash: u64) {
        let _ = std::fs::remove_file(self.plain_path(hash));
    }

    /// Forgets every kept plain text (they depend on how Markdown was rendered).
    pub fn clear_plain(&self) {
        let _ = std::fs::remove_dir_all(self.dir.join("plain"));
    }

    /// Records what the build made. Each file is replaced atomically; the state goes last.
    pub fn save(
        &self,
        state: &State,
        parsed: Option<&[Parsed]>,
        outputs: &Manifest,
        spare: Option<&Manifest>,
    ) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let gitignore = self.dir.parent().map(|p| p.join(".gitignore"));
        if let Some(g) = gitignore.filter(|g| !g.exists()) {
            std::fs::write(g, "# bantin's build cache; safe to delete.\n*\n")?;
        }
        if let Some(parsed) = parsed {
            write(&self.dir.join("parsed"), parsed)?;
        }
        write(&self.dir.join("outputs"), outputs)?;
        match spare {
            Some(s) => write(&self.dir.join("spare"), s)?,
            None => {
                let _ = std::fs::remove_file(self.dir.join("spare"));
            }
        }
        write(&self.dir.join("state"), state)
    }
}

/// Identifies a directory: its inode, and its device and change time, so that a tree
/// deleted and recreated (which may reuse the inode) or changed at its top level by hand is
/// not taken for the one a manifest describes. Taken after bantin's own last change to it.
pub fn dir_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_dir())?;
        let when = Fingerprint::new()
            .u64(meta.dev())
            .u64(meta.ctime() as u64)
            .u64(meta.ctime_nsec() as u64)
            .finish();
        Some((meta.ino(), when))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    postcard::from_bytes(&bytes).ok()
}

fn write<T: Serialize + ?Sized>(path: &Path, value: &T) -> std::io::Result<()> {
    let bytes = postcard::to_stdvec(value).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
