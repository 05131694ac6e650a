//! Incremental builds: what the last build saw and wrote, kept under `.bantin/` in the site
//! root, so the next build reparses only the bulletins whose files changed, re-renders only
//! the pages whose inputs changed and writes only the files whose bytes changed.
//!
//! The cache is a few files per profile (`build`, or `serve` for the preview, whose pages carry
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
//! - `shape`: the archive's taxonomies and related bulletins, with the key of the entries'
//!   order, tags and authors they come from (reused when a build's key is the same);
//! - `index`: what the search index update starts from; `plain` and `plain.idx`: the plain
//!   text of each indexed bulletin, for the update to see the words a changed one had, and
//!   for a full index build to read each text back (logged before the pages are rendered,
//!   so that rendering does not hold them);
//! - `lock`: held while a build runs, so two builds of one site wait for each other.
//!
//! Every file is checked against the directory it describes; anything missing, stale or
//! unreadable just means a full build.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::Bulletin;
use crate::diag::Diagnostic;
use crate::hash::Fingerprint;
use crate::markdown::Rendered;

/// The folder of the cache, in the site root.
pub const CACHE_DIR: &str = ".bantin";
/// Bumped whenever the cache's layout or meaning changes.
pub const FORMAT: u32 = 2;

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

/// A [`Parsed`] as the log stores it (postcard bytes), made where it was parsed: the
/// record is small, and the copy of its fields it is made from lives only a moment.
pub type ParsedRecord = Vec<u8>;

/// The log's record for a parsed bulletin.
pub fn encode_parsed(p: &Parsed) -> std::io::Result<ParsedRecord> {
    postcard::to_stdvec(p).map_err(std::io::Error::other)
}

/// The parsed log's records, found by source path and source hash (the later of two records
/// for the same pair wins).
#[derive(Default)]
pub struct ParsedLog {
    records: Vec<Option<Parsed>>,
    /// Indexes into `records`, hashed by the source's hash.
    table: hashbrown::HashTable<u32>,
    live: usize,
}

impl ParsedLog {
    /// The log of `records`, in the order they were written.
    fn from_records(mut records: Vec<Option<Parsed>>) -> ParsedLog {
        let mut table = hashbrown::HashTable::with_capacity(records.len());
        let mut live = 0;
        for i in 0..records.len() {
            let Some(p) = &records[i] else { continue };
            let (path, hash) = (&p.bulletin.source, p.bulletin.source_hash);
            let same = |&j: &u32| {
                records[j as usize]
                    .as_ref()
                    .is_some_and(|q| q.bulletin.source_hash == hash && q.bulletin.source == *path)
            };
            match table.entry(hash, same, |&j: &u32| {
                records[j as usize].as_ref().map_or(0, |q| q.bulletin.source_hash)
            }) {
                hashbrown::hash_table::Entry::Occupied(mut e) => {
                    let older = std::mem::replace(e.get_mut(), i as u32);
                    records[older as usize] = None;
                }
                hashbrown::hash_table::Entry::Vacant(v) => {
                    v.insert(i as u32);
                    live += 1;
                }
            }
        }
        ParsedLog { records, table, live }
    }

    fn find(&self, path: &Path, hash: u64) -> Option<usize> {
        let same = |&j: &u32| {
            self.records[j as usize]
                .as_ref()
                .is_some_and(|q| q.bulletin.source_hash == hash && q.bulletin.source == path)
        };
        self.table.find(hash, same).map(|&j| j as usize)
    }

    pub fn get(&self, path: &Path, hash: u64) -> Option<&Parsed> {
        self.records[self.find(path, hash)?].as_ref()
    }

    pub fn contains(&self, path: &Path, hash: u64) -> bool {
        self.find(path, hash).is_some()
    }

    /// Takes the record out of the log.
    pub fn remove(&mut self, path: &Path, hash: u64) -> Option<Parsed> {
        let i = self.find(path, hash)?;
        let p = self.records[i].take()?;
        self.live -= 1;
        Some(p)
    }

    /// The number of records left in the log.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
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

/// Output files by site-relative path, as a manifest keeps them: every path in one string and
/// every record in one list, so that reading, making and writing the manifest of a tree
/// (52,000 files at 20,000 bulletins, two manifests per build) makes no allocation per file.
/// A map of strings spent a fifth of an edit build's processor time on that.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// The paths, one after the other.
    text: String,
    /// Per file: where its path ends in `text`, and its record.
    entries: Vec<(u32, OutputRecord)>,
    /// Positions in `entries`, by the hash of their path.
    index: hashbrown::HashTable<u32>,
}

impl Files {
    fn hash(path: &str) -> u64 {
        use std::hash::BuildHasher as _;
        rustc_hash::FxBuildHasher.hash_one(path)
    }

    fn path(&self, i: usize) -> &str {
        path_at(&self.text, &self.entries, i)
    }

    /// Puts entry `i`, whose path no other entry has, in the index.
    fn index_entry(&mut self, i: usize) {
        let (text, entries) = (&self.text, &self.entries);
        let hash = Files::hash(path_at(text, entries, i));
        self.index.insert_unique(hash, i as u32, |&j| Files::hash(path_at(text, entries, j as usize)));
    }

    fn find(&self, path: &str) -> Option<usize> {
        self.index.find(Files::hash(path), |&i| self.path(i as usize) == path).map(|&i| i as usize)
    }

    pub fn get(&self, path: &str) -> Option<&OutputRecord> {
        self.find(path).map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// Records `path` (replacing what it had).
    pub fn insert(&mut self, path: &str, record: OutputRecord) {
        if let Some(i) = self.find(path) {
            self.entries[i].1 = record;
            return;
        }
        self.text.push_str(path);
        let Ok(end) = u32::try_from(self.text.len()) else {
            // Beyond 4 GB of paths: not kept (a manifest without a file means a rebuild of it).
            self.text.truncate(self.text.len() - path.len());
            return;
        };
        self.entries.push((end, record));
        self.index_entry(self.entries.len() - 1);
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        (0..self.entries.len()).map(|i| self.path(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &OutputRecord)> {
        (0..self.entries.len()).map(|i| (self.path(i), &self.entries[i].1))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The files from their paths and records, checked: `None` if the ends are out of order or
    /// off the string's character boundaries, or a path comes twice.
    fn from_parts(text: String, entries: Vec<(u32, OutputRecord)>) -> Option<Files> {
        let mut start = 0usize;
        for &(end, _) in &entries {
            let end = end as usize;
            if end < start || end > text.len() || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        let index = hashbrown::HashTable::with_capacity(entries.len());
        let mut files = Files { text, entries, index };
        for i in 0..files.entries.len() {
            if files.find(files.path(i)).is_some() {
                return None;
            }
            files.index_entry(i);
        }
        Some(files)
    }
}

/// Path `i` of `text`, where `entries` say the paths end.
fn path_at<'t>(text: &'t str, entries: &[(u32, OutputRecord)], i: usize) -> &'t str {
    let start = if i == 0 { 0 } else { entries[i - 1].0 as usize };
    &text[start..entries[i].0 as usize]
}

impl<S: AsRef<str>> FromIterator<(S, OutputRecord)> for Files {
    fn from_iter<I: IntoIterator<Item = (S, OutputRecord)>>(iter: I) -> Files {
        let iter = iter.into_iter();
        let n = iter.size_hint().0;
        // A site's output paths average well under 64 bytes.
        let mut files = Files {
            text: String::with_capacity(n * 64),
            entries: Vec::with_capacity(n),
            index: hashbrown::HashTable::with_capacity(n),
        };
        for (path, record) in iter {
            files.insert(path.as_ref(), record);
        }
        files
    }
}

impl Serialize for Files {
    fn serialize<Se: serde::Serializer>(&self, serializer: Se) -> Result<Se::Ok, Se::Error> {
        (&self.text, &self.entries).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Files, D::Error> {
        let (text, entries) = <(String, Vec<(u32, OutputRecord)>)>::deserialize(deserializer)?;
        Files::from_parts(text, entries).ok_or_else(|| serde::de::Error::custom("a damaged manifest"))
    }
}

/// Every file of one output tree, and which directory that tree is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub dir_id: (u64, u64),
    pub files: Files,
}

/// The manifests (published tree, spare tree) under `dir` that still describe the
/// directories `out` and `spare`.
fn read_manifests(dir: &Path, out: &Path, spare: &Path) -> (Option<Manifest>, Option<Manifest>) {
    (read_manifest(dir, "outputs", out), read_manifest(dir, "spare", spare))
}

/// The manifest `name` of the cache folder `dir`, if it describes `tree` as it is now.
fn read_manifest(dir: &Path, name: &str, tree: &Path) -> Option<Manifest> {
    read::<Manifest>(&dir.join(name)).filter(|m| dir_id(tree) == Some(m.dir_id))
}

/// The manifest of the published tree `out` that the cache of `profile` holds, if it still
/// describes that tree. A clean build uses nothing of the cache, but keeps the tree it
/// replaces as the spare one: with this the next build knows what that tree holds, and
/// brings it up to date instead of writing every file of it again.
pub fn published_manifest(root: &Path, profile: &str, out: &Path) -> Option<Manifest> {
    let cache = Cache::open(root, profile);
    if cache.state.format != FORMAT {
        return None;
    }
    read_manifest(&cache.dir, "outputs", out)
}

/// A read of the cache under way on another thread: [`Cache::prefetch`].
pub struct Prefetch(std::thread::JoinHandle<Prefetched>);

#[derive(Default)]
struct Prefetched {
    outputs: Option<Manifest>,
    spare: Option<Manifest>,
    index: Option<((u64, u64), crate::search::IndexState)>,
}

/// The plain-text log's index: source hash → (offset, length).
type PlainIndex = rustc_hash::FxHashMap<u64, (u64, u32)>;

/// Reads plain texts from the cache's log, each with one positioned read of the open file.
struct PlainReader<'a> {
    file: std::fs::File,
    index: &'a PlainIndex,
}

impl PlainReader<'_> {
    /// The plain text logged for the source with hash `hash`, or its start when it is longer
    /// than `max_bytes` (cut at a character boundary).
    fn read(&self, hash: u64, max_bytes: usize) -> std::io::Result<String> {
        use std::os::unix::fs::FileExt as _;
        let invalid = |what: &str| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the build cache's plain text log {what}"),
            )
        };
        let &(offset, len) = self.index.get(&hash).ok_or_else(|| invalid("lacks a bulletin"))?;
        let mut buf = vec![0; (len as usize).min(max_bytes)];
        self.file.read_exact_at(&mut buf, offset)?;
        if buf.len() < len as usize {
            // Cut inside a character: the whole characters before it.
            let whole = match std::str::from_utf8(&buf) {
                Ok(_) => buf.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => return Err(invalid("is not UTF-8")),
            };
            buf.truncate(whole);
        }
        crate::text::utf8::string_from_utf8(buf).map_err(|_| invalid("is not UTF-8"))
    }
}

/// The cache of one profile.
pub struct Cache {
    dir: PathBuf,
    pub state: State,
    pub parsed: ParsedLog,
    /// Whether the parsed log was looked for (`Some`), and read.
    parsed_read: Option<bool>,
    pub outputs: Option<Manifest>,
    pub spare: Option<Manifest>,
    plain_index: std::sync::OnceLock<PlainIndex>,
}

impl Cache {
    /// An empty cache for `root` (nothing is read): what `--clean` starts from.
    pub fn empty(root: &Path, profile: &str) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR).join(profile),
            state: State::default(),
            parsed: Default::default(),
            parsed_read: None,
            outputs: None,
            spare: None,
            plain_index: std::sync::OnceLock::new(),
        }
    }

    /// Takes the profile's lock, waiting (and saying so) while another build of the site holds
    /// it: two builds at once would share the spare tree and the cache. Released on drop.
    pub fn lock(&self) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(&self.dir)?;
        let file = std::fs::File::create(self.dir.join("lock"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("note: waiting for another bantin build of this site to finish");
                file.lock()?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(file)
    }

    /// Reads the cache's state (sources and keys); the rest is read on demand.
    pub fn open(root: &Path, profile: &str) -> Cache {
        let mut cache = Cache::empty(root, profile);
        if let Some(state) = read::<State>(&cache.dir.join("state")).filter(|s| s.format == FORMAT) {
            cache.state = state;
        }
        cache
    }

    /// Reads the parsed bulletins (dates read in `tz`), unless their key differs. The file is
    /// a log of length-prefixed records, appended to by each build and rewritten when mostly
    /// stale; a torn last record (a killed build) ends the log. Returns whether it was read
    /// (by this call or an earlier one).
    pub fn load_parsed(&mut self, parse_key: u64, tz: &jiff::tz::TimeZone) -> bool {
        if let Some(read) = self.parsed_read {
            return read;
        }
        let read = self.read_parsed(parse_key, tz);
        self.parsed_read = Some(read);
        read
    }

    fn read_parsed(&mut self, parse_key: u64, tz: &jiff::tz::TimeZone) -> bool {
        if self.state.parse_key != parse_key || self.state.format != FORMAT {
            return false;
        }
        use rayon::prelude::*;
        let Ok(bytes) = std::fs::read(self.dir.join("parsed")) else { return false };
        let mut frames = Vec::new();
        let mut rest = bytes.as_slice();
        while rest.len() >= 4 {
            let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            let Some(frame) = rest.get(4..4 + len) else { break };
            frames.push(frame);
            rest = &rest[4 + len..];
        }
        let mut decoded: Vec<Option<Parsed>> = frames
            .par_iter()
            .map(|frame| crate::content::with_zone(tz, || postcard::from_bytes::<Parsed>(frame).ok()))
            .collect();
        // Records after a damaged one are not trusted.
        if let Some(damaged) = decoded.iter().position(Option::is_none) {
            decoded.truncate(damaged);
        }
        self.parsed = ParsedLog::from_records(decoded);
        true
    }

    /// Adds records (each from [`encode_parsed`]) to the parsed log, or (`rewrite`) replaces
    /// the log with them.
    pub fn write_parsed(&self, records: &[ParsedRecord], rewrite: bool) -> std::io::Result<()> {
        use std::io::Write as _;
        std::fs::create_dir_all(&self.dir)?;
        let mut buf = Vec::with_capacity(records.iter().map(|r| r.len() + 4).sum());
        for frame in records {
            buf.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            buf.extend_from_slice(frame);
        }
        let path = self.dir.join("parsed");
        if rewrite {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, &buf)?;
            std::fs::rename(&tmp, &path)
        } else {
            std::fs::OpenOptions::new().append(true).create(true).open(&path)?.write_all(&buf)
        }
    }

    /// Reads the manifests of the published and the spare tree, keeping only those that
    /// still describe the directories they name.
    pub fn load_manifests(&mut self, out: &Path, spare: &Path) {
        if self.state.format != FORMAT {
            return;
        }
        (self.outputs, self.spare) = read_manifests(&self.dir, out, spare);
    }

    /// Starts reading, on another thread, what [`Cache::load_manifests`] reads and (with
    /// `index`) the search index state of the last build, with the key it was made under, so
    /// that the caller's work hides it. [`Cache::take_prefetched`] takes the result.
    pub fn prefetch(&self, out: &Path, spare: &Path, index: bool) -> Prefetch {
        let (dir, out, spare) = (self.dir.clone(), out.to_path_buf(), spare.to_path_buf());
        let current = self.state.format == FORMAT;
        Prefetch(std::thread::spawn(move || {
            if !current {
                return Prefetched::default();
            }
            let (outputs, spare) = read_manifests(&dir, &out, &spare);
            let index = if index { read(&dir.join("index")) } else { None };
            Prefetched { outputs, spare, index }
        }))
    }

    /// Takes what [`Cache::prefetch`] read: the manifests (as [`Cache::load_manifests`] would
    /// have set them), and the index state if it was asked for.
    pub fn take_prefetched(&mut self, prefetch: Prefetch) -> Option<((u64, u64), crate::search::IndexState)> {
        let read = prefetch.0.join().unwrap_or_default();
        (self.outputs, self.spare) = (read.outputs, read.spare);
        read.index
    }

    /// Records the spare tree's manifest.
    pub fn save_spare(&self, spare: &Manifest) -> std::io::Result<()> {
        write(&self.dir.join("spare"), spare)
    }

    /// Forgets the spare tree's manifest before the tree is changed.
    pub fn invalidate_spare(&mut self) -> std::io::Result<()> {
        self.spare = None;
        match std::fs::remove_file(self.dir.join("spare")) {
            // No file (or no cache folder at all, where a file is in its way): nothing to forget.
            Err(e)
                if !matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) =>
            {
                Err(e)
            }
            _ => Ok(()),
        }
    }

    /// Saves the search index state, made by [`encode_index`].
    pub fn save_index(&self, encoded: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write_bytes(&self.dir.join("index"), encoded)
    }

    /// The archive's shape from the last build (`shape`), if any: its key says whether it
    /// still applies.
    pub fn load_shape(&self) -> Option<crate::archive::Shape> {
        if self.state.format != FORMAT {
            return None;
        }
        read(&self.dir.join("shape"))
    }

    /// Saves the archive's shape. It carries its own key, so it never needs forgetting.
    pub fn save_shape(&self, shape: &crate::archive::Shape) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write(&self.dir.join("shape"), shape)
    }

    pub fn forget_index(&self) {
        let _ = std::fs::remove_file(self.dir.join("index"));
    }

    /// The index of the plain-text log (`plain`): source hash → (offset, length). The log
    /// keeps the plain text of each indexed bulletin, so that when one changes, the search
    /// index update can see the words its previous version had.
    /// Texts the log does not hold in full (it was cut short) are not counted as kept.
    fn plain_index(&self) -> &PlainIndex {
        self.plain_index.get_or_init(|| {
            let mut index: PlainIndex = read(&self.dir.join("plain.idx")).unwrap_or_default();
            let end = std::fs::metadata(self.dir.join("plain")).map_or(0, |m| m.len());
            index
                .retain(|_, &mut (offset, len)| offset.checked_add(u64::from(len)).is_some_and(|e| e <= end));
            index
        })
    }

    /// Reads logged plain texts ([`PlainReader::read`]) from several threads, the log opened
    /// once; when it cannot be opened, every read says why.
    pub fn stored_plain(&self) -> impl Fn(u64, usize) -> std::io::Result<String> + Sync + '_ {
        let reader = std::fs::File::open(self.dir.join("plain"))
            .map(|file| PlainReader { file, index: self.plain_index() });
        move |hash, max_bytes| match &reader {
            Ok(r) => r.read(hash, max_bytes),
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                format!("cannot open the build cache's plain text log: {e}"),
            )),
        }
    }

    /// The sources whose plain text is kept.
    pub fn plain_hashes(&self) -> Vec<u64> {
        self.plain_index().keys().copied().collect()
    }

    pub fn has_plain(&self, hash: u64) -> bool {
        self.plain_index().contains_key(&hash)
    }

    /// Keeps the plain texts of `add` and forgets those of `remove`. The log is appended to,
    /// and rewritten when mostly forgotten text.
    pub fn update_plain(&mut self, add: &[(u64, &str)], remove: &[u64]) -> std::io::Result<()> {
        use std::io::Write as _;
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join("plain");
        let mut index = self.plain_index().clone();
        for h in remove {
            index.remove(h);
        }
        let mut end = std::fs::metadata(&path).map_or(0, |m| m.len());
        let live: u64 = index.values().map(|&(_, l)| u64::from(l)).sum::<u64>()
            + add.iter().map(|(_, t)| t.len() as u64).sum::<u64>();
        if end > 2 * live + (1 << 20) {
            // Mostly dead: rewrite with what is still wanted.
            let mut kept: Vec<(u64, String)> = {
                let stored = self.stored_plain();
                index.keys().filter_map(|&h| Some((h, stored(h, usize::MAX).ok()?))).collect()
            };
            kept.sort_by_key(|(h, _)| *h);
            let tmp = path.with_extension("tmp");
            let mut out = Vec::new();
            index.clear();
            for (h, text) in &kept {
                index.insert(*h, (out.len() as u64, text.len() as u32));
                out.extend_from_slice(text.as_bytes());
            }
            std::fs::write(&tmp, &out)?;
            std::fs::rename(&tmp, &path)?;
            // What is known of the log follows it even if appending fails below.
            self.plain_index = std::sync::OnceLock::from(index.clone());
            end = out.len() as u64;
        }
        // Written as they come, not gathered first: in a full build they are every body.
        let file = std::fs::OpenOptions::new().append(true).create(true).open(&path)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        for (h, text) in add {
            if !index.contains_key(h) {
                index.insert(*h, (end, text.len() as u32));
                out.write_all(text.as_bytes())?;
                end += text.len() as u64;
            }
        }
        out.flush()?;
        write(&self.dir.join("plain.idx"), &index)?;
        self.plain_index = std::sync::OnceLock::from(index);
        Ok(())
    }

    /// Forgets every kept plain text (they depend on how Markdown was rendered).
    pub fn clear_plain(&mut self) {
        let _ = std::fs::remove_file(self.dir.join("plain.idx"));
        let path = self.dir.join("plain");
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
        self.plain_index = std::sync::OnceLock::from(PlainIndex::default());
    }

    /// Records what the build made: its state, its parsed records (appended, or with `true`
    /// replacing the log) and the manifests of the published and the spare tree, all but the
    /// records made by [`encode`]. Each file is replaced atomically; the state goes last.
    pub fn save(
        &self,
        state: &[u8],
        parsed: (&[ParsedRecord], bool),
        outputs: &[u8],
        spare: Option<&[u8]>,
    ) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let gitignore = self.dir.parent().map(|p| p.join(".gitignore"));
        if let Some(g) = gitignore.filter(|g| !g.exists()) {
            std::fs::write(g, "# bantin's build cache; safe to delete.\n*\n")?;
        }
        if !parsed.0.is_empty() || parsed.1 {
            self.write_parsed(parsed.0, parsed.1)?;
        }
        write_bytes(&self.dir.join("outputs"), outputs)?;
        match spare {
            Some(s) => write_bytes(&self.dir.join("spare"), s)?,
            None => {
                let _ = std::fs::remove_file(self.dir.join("spare"));
            }
        }
        write_bytes(&self.dir.join("state"), state)
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
    write_bytes(path, &encode(value)?)
}

/// A cache file's bytes for `value` (a build encodes its files together, then writes them
/// in order).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> std::io::Result<Vec<u8>> {
    // Measured first, then written into a buffer of that size: a growing buffer touches twice
    // the memory and copies what it has at each doubling (the manifests and state written
    // after an edit at 20,000 bulletins are ~10 MB).
    let size = postcard::experimental::serialized_size(value).map_err(std::io::Error::other)?;
    let mut bytes = vec![0; size];
    let written = postcard::to_slice(value, &mut bytes).map_err(std::io::Error::other)?.len();
    bytes.truncate(written);
    Ok(bytes)
}

/// The bytes [`Cache::save_index`] saves.
pub fn encode_index(key: (u64, u64), index: &crate::search::IndexState) -> std::io::Result<Vec<u8>> {
    encode(&(key, index))
}

/// Replaces the file at `path` with `bytes`, never leaving it half written.
fn write_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{SourceFile, parse_bulletin};
    use crate::hash::hash_bytes;

    #[test]
    fn files_find_every_path_and_survive_a_round_trip() {
        let rec = |n: u64| OutputRecord { fingerprint: n, hash: n * 7 };
        let paths: Vec<String> = (0..3000).map(|i| format!("{}/tin-{i}/index.html", 2000 + i % 25)).collect();
        let mut files: Files = paths.iter().enumerate().map(|(i, p)| (p.as_str(), rec(i as u64))).collect();
        files.insert("Đà Nẵng/ảnh.html", rec(1));
        files.insert(&paths[5], rec(99)); // replaces
        assert_eq!(files.len(), 3001);
        assert_eq!(files.get(&paths[5]), Some(&rec(99)));
        assert_eq!(files.get(&paths[6]), Some(&rec(6)));
        assert_eq!(files.get("Đà Nẵng/ảnh.html"), Some(&rec(1)));
        assert!(!files.contains_key("2000/tin-0/") && !files.contains_key(""));
        let back: Files = postcard::from_bytes(&encode(&files).expect("encode")).expect("decode");
        assert_eq!(back.iter().collect::<Vec<_>>(), files.iter().collect::<Vec<_>>());
        assert_eq!(back.get(&paths[2999]), Some(&rec(2999)));
        // Ends out of order, past the text, inside a character, or a path twice: damaged.
        for (text, ends) in [("ab", vec![2, 1]), ("ab", vec![3]), ("đ", vec![1]), ("aa", vec![1, 2])] {
            let entries: Vec<(u32, OutputRecord)> = ends.into_iter().map(|e| (e, rec(0))).collect();
            let bytes = encode(&(text.to_string(), entries)).expect("encode");
            assert!(postcard::from_bytes::<Files>(&bytes).is_err(), "{text:?}");
        }
    }

    fn parsed(path: &str, title: &str) -> Parsed {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        let text = format!("---\ntitle: \"{title}\"\ndate: 2024-01-02\n---\nThân bài.\n");
        let hash = hash_bytes(text.as_bytes());
        let src = SourceFile { rel_path: path.into(), text };
        let mut bulletin = parse_bulletin(&src, &tz).expect("bulletin");
        bulletin.source_hash = hash;
        let rendered = crate::markdown::render(&bulletin.body, false);
        Parsed { bulletin, rendered, warnings: Vec::new(), link_warnings: Vec::new() }
    }

    #[test]
    fn logged_plain_texts_read_back_whole_or_cut_at_a_character() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cache = Cache::empty(dir.path(), "build");
        let (one, two) = ("Đà Nẵng mưa to.\nNgập nặng.", "Hà Nội");
        cache.update_plain(&[(1, one), (2, two)], &[]).expect("logged");
        // Logged again (already there) and a third: appended, the first two kept.
        cache.update_plain(&[(2, two), (3, "ba")], &[]).expect("logged");
        let stored = cache.stored_plain();
        assert_eq!(stored(1, usize::MAX).expect("one"), one);
        assert_eq!(stored(2, usize::MAX).expect("two"), two);
        assert_eq!(stored(3, usize::MAX).expect("three"), "ba");
        // "Đ" is two bytes and "à" two: three bytes end inside "à".
        assert_eq!(stored(1, 3).expect("cut"), "Đ");
        assert_eq!(stored(1, 4).expect("cut"), "Đà");
        assert_eq!(stored(1, 0).expect("cut"), "");
        let missing = stored(9, usize::MAX).expect_err("not logged");
        assert_eq!(missing.kind(), std::io::ErrorKind::InvalidData);
        drop(stored);
        // Without the log, each read says so.
        cache.clear_plain();
        let stored = cache.stored_plain();
        assert!(stored(1, usize::MAX).expect_err("no log").to_string().contains("plain text log"));
    }

    #[test]
    fn the_parsed_log_finds_records_by_path_and_hash_and_the_later_wins() {
        let a = parsed("content/a.md", "Một");
        let b = parsed("content/b.md", "Hai");
        // The same text under another path: same hash, different record.
        let mut a_copy = parsed("content/c.md", "Một");
        a_copy.bulletin.title = "bản sao".into();
        let mut a_again = parsed("content/a.md", "Một");
        a_again.bulletin.title = "ghi sau".into();
        let (ha, hb) = (a.bulletin.source_hash, b.bulletin.source_hash);
        assert_eq!(a_copy.bulletin.source_hash, ha);
        let mut log = ParsedLog::from_records(vec![Some(a), Some(b), Some(a_copy), Some(a_again)]);
        assert_eq!(log.len(), 3, "two records of content/a.md count once");
        assert_eq!(
            log.get(Path::new("content/a.md"), ha).map(|p| p.bulletin.title.as_str()),
            Some("ghi sau")
        );
        assert_eq!(
            log.get(Path::new("content/c.md"), ha).map(|p| p.bulletin.title.as_str()),
            Some("bản sao")
        );
        assert!(log.contains(Path::new("content/b.md"), hb));
        assert!(!log.contains(Path::new("content/b.md"), ha), "the hash must match too");
        assert!(!log.contains(Path::new("content/d.md"), hb));
        let b = log.remove(Path::new("content/b.md"), hb).expect("b");
        assert_eq!(b.bulletin.title, "Hai");
        assert!(log.remove(Path::new("content/b.md"), hb).is_none(), "taken once");
        assert!(!log.contains(Path::new("content/b.md"), hb));
        assert_eq!(log.len(), 2);
        assert!(!log.is_empty());
    }
}
