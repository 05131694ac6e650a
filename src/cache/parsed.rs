//! The parsed log: every bulletin as parsed (without its body), as length-prefixed postcard
//! records appended by each build, found by source path and source hash.

use std::path::Path;

use super::Cache;

/// What the parsed log keeps: a record that knows the source it came from (its path, and
/// the hash of its text), and whose encoding starts with them, in that order (the log reads
/// them there, without decoding the rest).
pub trait Record {
    fn source(&self) -> (&Path, u64);
}

/// A record as the log stores it (postcard bytes), made where it was parsed: the record is
/// small, and the copy of its fields it is made from lives only a moment.
pub type Encoded = Vec<u8>;

/// The log's bytes for a record.
pub fn encode<T: serde::Serialize>(record: &T) -> std::io::Result<Encoded> {
    postcard::to_stdvec(record).map_err(std::io::Error::other)
}

/// The source path's bytes and hash at the front of a record's encoding (postcard: a string
/// is its length and bytes, a `u64` a varint), or `None` when the bytes are not that.
pub fn leading_key(bytes: &[u8]) -> Option<(&[u8], u64)> {
    fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
        let mut value = 0u64;
        for (i, &b) in bytes.iter().enumerate().take(10) {
            value |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
            if b & 0x80 == 0 {
                return Some((value, &bytes[i + 1..]));
            }
        }
        None
    }
    let (len, rest) = varint(bytes)?;
    let path = rest.get(..usize::try_from(len).ok()?)?;
    let (hash, _) = varint(&rest[path.len()..])?;
    Some((path, hash))
}

/// The key a record is found by (its source path's hash and its text's hash), from the front
/// of its encoding ([`leading_key`]).
fn key_of(bytes: &[u8]) -> Option<(u64, u64)> {
    leading_key(bytes).map(|(path, hash)| (crate::hash::hash_bytes(path), hash))
}

/// Records staged by [`Cache::stage_parsed`], waiting for [`Cache::save`].
pub struct StagedRecords {
    staged: super::codec::Staged,
    rewrite: bool,
}

impl StagedRecords {
    /// Puts them in the log: in its place when rewriting it, else at its end.
    pub(super) fn put(self) -> std::io::Result<()> {
        if self.rewrite { self.staged.commit() } else { self.staged.append() }
    }
}

/// Where a record is in the log's file, and the key it is found by.
struct Frame {
    at: u64,
    len: u32,
    /// Hash of the source path's bytes.
    path: u64,
    /// Hash of the source's text.
    hash: u64,
    taken: bool,
}

/// Where the log's records at `frames` end: the bytes of the log they cover.
fn end_of(frames: &[Frame]) -> u64 {
    frames.last().map_or(0, |f| f.at + u64::from(f.len))
}

/// The parsed log's index (`parsed.idx`): each record's length and key, in the log's order,
/// for the log file it was made of (device and inode) and the bytes of it that it covers.
/// Opening the log reads these 20 bytes a record, and only the records appended since: at
/// 1,000,000 bulletins the whole log is 600 MB, read for them by every edit. A log written
/// anew is another file; one changed in place is checked by the keys of its first and last
/// records; a record found through a wrong index is caught by its source check
/// ([`ParsedLog::get_many`]) and its source parsed again. Its bytes: [`LOG_INDEX_MAGIC`],
/// device, inode, bytes covered and the number of records (`u64`s), then the records'
/// lengths (`u32`s), their paths' hashes and their texts' hashes (`u64`s), all in the
/// machine's order (the cache is the machine's own).
const LOG_INDEX_MAGIC: u64 = u64::from_le_bytes(*b"bantin1x");

/// How many bytes of records the index may leave to be read before it is written again.
const INDEX_SLACK: u64 = 1 << 20;

/// Decodes a record's bytes.
type Decode<T> = Box<dyn Fn(&[u8]) -> Option<T> + Send + Sync>;

/// The parsed log's records, found by source path and source hash (the later of two records
/// for the same pair wins). Only where each record is, and its key, are held: a record is
/// read from the file and decoded when asked for, so that at 1,000,000 bulletins the log
/// (600 MB on disk, twice that decoded) is never held whole beside the archive made of it.
pub struct ParsedLog<T> {
    file: Option<std::fs::File>,
    frames: Vec<Frame>,
    /// Indexes into `frames`, hashed by the key.
    table: hashbrown::HashTable<u32>,
    live: usize,
    decode: Option<Decode<T>>,
}

impl<T> Default for ParsedLog<T> {
    fn default() -> Self {
        ParsedLog {
            file: None,
            frames: Vec::new(),
            table: hashbrown::HashTable::new(),
            live: 0,
            decode: None,
        }
    }
}

/// The table's hash of a key.
fn mix(path: u64, hash: u64) -> u64 {
    path.rotate_left(29) ^ hash
}

impl<T: Record + Send> ParsedLog<T> {
    /// The log of the records at `frames` in `file`, in the order they were written.
    fn from_frames(file: std::fs::File, mut frames: Vec<Frame>, decode: Decode<T>) -> ParsedLog<T> {
        let mut table = hashbrown::HashTable::with_capacity(frames.len());
        let mut live = 0;
        for i in 0..frames.len() {
            let (path, hash) = (frames[i].path, frames[i].hash);
            let same = |&j: &u32| frames[j as usize].path == path && frames[j as usize].hash == hash;
            let rehash = |&j: &u32| mix(frames[j as usize].path, frames[j as usize].hash);
            match table.entry(mix(path, hash), same, rehash) {
                hashbrown::hash_table::Entry::Occupied(mut e) => {
                    let older = std::mem::replace(e.get_mut(), i as u32);
                    frames[older as usize].taken = true;
                }
                hashbrown::hash_table::Entry::Vacant(v) => {
                    v.insert(i as u32);
                    live += 1;
                }
            }
        }
        ParsedLog { file: Some(file), frames, table, live, decode: Some(decode) }
    }

    fn find(&self, path: &Path, hash: u64) -> Option<usize> {
        self.find_keyed(crate::hash::path_key(path), hash)
    }

    /// As `find`, by the hash of the path's bytes.
    fn find_keyed(&self, path: u64, hash: u64) -> Option<usize> {
        let same = |&j: &u32| self.frames[j as usize].path == path && self.frames[j as usize].hash == hash;
        let i = *self.table.find(mix(path, hash), same)? as usize;
        (!self.frames[i].taken).then_some(i)
    }

    /// Where the record of `path` with text hash `hash` is, for [`ParsedLog::get_many`] and
    /// [`ParsedLog::forget_at`]: `None` when the log has none.
    pub fn place(&self, path: &Path, hash: u64) -> Option<usize> {
        self.find(path, hash)
    }

    /// The record of `path` with text hash `hash`, read and decoded; `None` when the log has
    /// none, or when its bytes turn out damaged (then the source is read again).
    pub fn get(&self, path: &Path, hash: u64) -> Option<T> {
        let place = self.find(path, hash)?;
        self.get_many(&[(place, path, hash)]).pop().flatten()
    }

    /// The record of the source whose [`crate::hash::path_key`] is `path_key` with text hash
    /// `hash`; `None` as for [`ParsedLog::get`].
    pub fn get_keyed(&self, path_key: u64, hash: u64) -> Option<T> {
        use std::os::unix::fs::FileExt as _;
        let frame = &self.frames[self.find_keyed(path_key, hash)?];
        let (file, decode) = (self.file.as_ref()?, self.decode.as_ref()?);
        let mut bytes = vec![0; frame.len as usize];
        file.read_exact_at(&mut bytes, frame.at).ok()?;
        decode(&bytes).filter(|r| {
            let (path, h) = r.source();
            h == hash && crate::hash::path_key(path) == path_key
        })
    }

    /// The records at `wanted` (places from [`ParsedLog::place`], each with the source it
    /// must be of), read and decoded, in that order; `None` for one whose bytes turn out
    /// damaged. Records next to each other in the file are read together (a log written
    /// whole has them in the order of their sources: a few reads instead of one per record),
    /// and decoded in parallel.
    pub fn get_many(&self, wanted: &[(usize, &Path, u64)]) -> Vec<Option<T>> {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt as _;
        // At most this many bytes are read at once.
        const SPAN: u64 = 4 << 20;
        let (Some(file), Some(decode)) = (self.file.as_ref(), self.decode.as_ref()) else {
            return wanted.iter().map(|_| None).collect();
        };
        let mut order: Vec<usize> = (0..wanted.len()).collect();
        order.sort_unstable_by_key(|&k| self.frames[wanted[k].0].at);
        // Runs of records that follow each other in the file, each read at once.
        let mut spans: Vec<&[usize]> = Vec::new();
        let mut rest = &order[..];
        while !rest.is_empty() {
            let start = self.frames[wanted[rest[0]].0].at;
            let mut n = 1;
            while n < rest.len() {
                let (prev, next) = (&self.frames[wanted[rest[n - 1]].0], &self.frames[wanted[rest[n]].0]);
                if next.at != prev.at + u64::from(prev.len) + 4
                    || next.at + u64::from(next.len) - start > SPAN
                {
                    break;
                }
                n += 1;
            }
            let (span, after) = rest.split_at(n);
            spans.push(span);
            rest = after;
        }
        let decoded: Vec<Vec<(usize, Option<T>)>> = spans
            .par_iter()
            .map(|span| {
                let first = &self.frames[wanted[span[0]].0];
                let last = &self.frames[wanted[span[span.len() - 1]].0];
                let mut bytes = vec![0; (last.at + u64::from(last.len) - first.at) as usize];
                let read = file.read_exact_at(&mut bytes, first.at).is_ok();
                // A span is often a whole batch: its records are decoded in parallel too.
                span.par_iter()
                    .with_min_len(64)
                    .map(|&k| {
                        let (place, path, hash) = wanted[k];
                        let frame = &self.frames[place];
                        let from = (frame.at - first.at) as usize;
                        let record = read
                            .then(|| decode(&bytes[from..from + frame.len as usize]))
                            .flatten()
                            .filter(|r| r.source() == (path, hash));
                        (k, record)
                    })
                    .collect()
            })
            .collect();
        let mut out: Vec<Option<T>> = wanted.iter().map(|_| None).collect();
        for (k, record) in decoded.into_iter().flatten() {
            out[k] = record;
        }
        out
    }

    pub fn contains(&self, path: &Path, hash: u64) -> bool {
        self.find(path, hash).is_some()
    }

    /// Where the record at `place` ([`ParsedLog::place`]) starts in the log's file.
    pub fn record_at(&self, place: usize) -> Option<u64> {
        self.frames.get(place).map(|f| f.at)
    }

    /// The log's file, open for reading (it stays readable as it was for as long as it is
    /// held, even once the build cache has written the log anew), when there is one.
    pub fn file(&self) -> Option<std::fs::File> {
        self.file.as_ref().and_then(|f| f.try_clone().ok())
    }

    /// Marks the record at `place` ([`ParsedLog::place`]) taken: the log no longer has it.
    pub fn forget_at(&mut self, place: usize) {
        if !self.frames[place].taken {
            self.frames[place].taken = true;
            self.live -= 1;
        }
    }

    /// The number of records left in the log.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}

impl Cache {
    /// Whether the parsed log was written under `parse_key` by this format of the cache, so
    /// that [`Cache::read_parsed`] can use it (known without reading it).
    pub fn parsed_usable(&self, parse_key: u64) -> bool {
        self.current() && self.state.parse_key == parse_key && self.dir.join("parsed").is_file()
    }

    /// Opens the parsed log, each record to be decoded by `decode`, if it was written under
    /// `parse_key`. The file is a log of length-prefixed records, appended to by each build
    /// and rewritten when mostly stale; a torn last record (a killed build) ends the log, and
    /// so does a record that does not start with a source path and hash. Only each record's
    /// place and key are read now: from the log's index for the records it covers (see
    /// [`LOG_INDEX_MAGIC`]), from the log for those after them.
    pub fn read_parsed<T: Record + Send>(
        &self,
        parse_key: u64,
        decode: impl Fn(&[u8]) -> Option<T> + Send + Sync + 'static,
    ) -> Option<ParsedLog<T>> {
        use std::io::{Read as _, Seek as _};
        use std::os::unix::fs::MetadataExt as _;
        if !self.parsed_usable(parse_key) {
            return None;
        }
        let file = std::fs::File::open(self.dir.join("parsed")).ok()?;
        let meta = file.metadata().ok()?;
        let id = (meta.dev(), meta.ino());
        // The frames the log's index knows; the records after them are read.
        let mut frames = self.indexed_frames(&file, id, meta.len()).unwrap_or_default();
        let indexed = end_of(&frames);
        let mut at = indexed;
        let mut reader = std::io::BufReader::with_capacity(1 << 20, &file);
        reader.seek(std::io::SeekFrom::Start(at)).ok()?;
        let mut bytes = Vec::new();
        loop {
            let mut len = [0; 4];
            if reader.read_exact(&mut len).is_err() {
                break;
            }
            let len = u32::from_le_bytes(len);
            bytes.resize(len as usize, 0);
            if reader.read_exact(&mut bytes).is_err() {
                break;
            }
            let Some((path, hash)) = key_of(&bytes) else { break };
            frames.push(Frame { at: at + 4, len, path, hash, taken: false });
            at += 4 + u64::from(len);
        }
        drop(reader);
        // The index is written again when it is missing or leaves much of the log to read (a
        // build appends a few records; reading a megabyte of them takes about a millisecond).
        if at > indexed && (indexed == 0 || at - indexed > INDEX_SLACK) {
            let _ = self.write_log_index(id, &frames);
        }
        Some(ParsedLog::from_frames(file, frames, Box::new(decode)))
    }

    /// The frames of the log open as `file` (its device and inode `id`, `len` bytes long)
    /// that its index (`parsed.idx`) gives, when the index is of this file: the same file,
    /// no longer than it, and the first and last records it gives start with the keys it
    /// says. `None` otherwise (the log is then read whole).
    fn indexed_frames(&self, file: &std::fs::File, id: (u64, u64), len: u64) -> Option<Vec<Frame>> {
        use std::os::unix::fs::FileExt as _;
        let bytes = std::fs::read(self.dir.join("parsed.idx")).ok()?;
        let (head, rest) = bytes.split_at_checked(40)?;
        let head: Vec<u64> = bytemuck::pod_collect_to_vec(head);
        let (magic, made_of, covered, n) =
            (head[0], (head[1], head[2]), head[3], usize::try_from(head[4]).ok()?);
        if magic != LOG_INDEX_MAGIC || made_of != id || covered > len || rest.len() != n.checked_mul(20)? {
            return None;
        }
        let (lens, rest) = rest.split_at(n * 4);
        let (paths, hashes) = rest.split_at(n * 8);
        let lens: Vec<u32> = bytemuck::pod_collect_to_vec(lens);
        let paths: Vec<u64> = bytemuck::pod_collect_to_vec(paths);
        let hashes: Vec<u64> = bytemuck::pod_collect_to_vec(hashes);
        let mut at = 0u64;
        let mut frames = Vec::with_capacity(lens.len());
        for ((&len, &path), &hash) in lens.iter().zip(&paths).zip(&hashes) {
            frames.push(Frame { at: at + 4, len, path, hash, taken: false });
            at += 4 + u64::from(len);
        }
        if at != covered {
            return None;
        }
        let starts_with_its_key = |f: &Frame| {
            let mut bytes = vec![0; (f.len as usize).min(4096)];
            file.read_exact_at(&mut bytes, f.at).is_ok() && key_of(&bytes) == Some((f.path, f.hash))
        };
        let keyed = [frames.first(), frames.last()].into_iter().flatten().all(starts_with_its_key);
        keyed.then_some(frames)
    }

    /// Writes the log's index: where each of `frames` is (its length: they follow each other
    /// from the start) and its key, for the log file `id`.
    fn write_log_index(&self, id: (u64, u64), frames: &[Frame]) -> std::io::Result<()> {
        use std::io::Write as _;
        let covered = end_of(frames);
        let head = [LOG_INDEX_MAGIC, id.0, id.1, covered, frames.len() as u64];
        let lens: Vec<u32> = frames.iter().map(|f| f.len).collect();
        let paths: Vec<u64> = frames.iter().map(|f| f.path).collect();
        let hashes: Vec<u64> = frames.iter().map(|f| f.hash).collect();
        let staged = super::codec::stage_with(&self.dir.join("parsed.idx"), |out| {
            out.write_all(bytemuck::cast_slice(&head))?;
            out.write_all(bytemuck::cast_slice(&lens))?;
            out.write_all(bytemuck::cast_slice(&paths))?;
            out.write_all(bytemuck::cast_slice(&hashes))
        })?;
        staged.commit()
    }

    /// Writes the records a build parsed (each from [`encode`]) to disk as soon as they are
    /// made, each let go once written, for [`Cache::save`] to add to the parsed log (or, with
    /// `rewrite`, to put in its place): at 1,000,000 bulletins they are 600 MB, which a build
    /// would otherwise hold to its end. `None` when there is nothing to add.
    pub fn stage_parsed(
        &self,
        records: impl ExactSizeIterator<Item = std::io::Result<Encoded>>,
        rewrite: bool,
    ) -> std::io::Result<Option<StagedRecords>> {
        use std::io::Write as _;
        if records.len() == 0 && !rewrite {
            return Ok(None);
        }
        std::fs::create_dir_all(&self.dir)?;
        let staged = super::codec::stage_with(&self.dir.join("parsed"), |out| {
            for frame in records {
                let frame = frame?;
                out.write_all(&(frame.len() as u32).to_le_bytes())?;
                out.write_all(&frame)?;
            }
            Ok(())
        })?;
        Ok(Some(StagedRecords { staged, rewrite }))
    }
}

#[cfg(test)]
mod tests;
