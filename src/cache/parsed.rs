//! The parsed log: every bulletin as parsed (without its body), as length-prefixed postcard
//! records appended by each build, found by source path and source hash.

use std::path::Path;

use super::Cache;

/// What the parsed log keeps: a record that knows the source it came from (its path, and
/// the hash of its text).
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

/// The parsed log's records, found by source path and source hash (the later of two records
/// for the same pair wins).
pub struct ParsedLog<T> {
    /// Each boxed: a record taken out ([`ParsedLog::remove`]) gives its room back at once,
    /// so the records and the archive made of them are not held whole together.
    records: Vec<Option<Box<T>>>,
    /// Indexes into `records`, hashed by the source's hash.
    table: hashbrown::HashTable<u32>,
    live: usize,
}

impl<T> Default for ParsedLog<T> {
    fn default() -> Self {
        ParsedLog { records: Vec::new(), table: hashbrown::HashTable::new(), live: 0 }
    }
}

impl<T: Record> ParsedLog<T> {
    /// The log of `records`, in the order they were written.
    pub fn from_records(mut records: Vec<Option<Box<T>>>) -> ParsedLog<T> {
        let mut table = hashbrown::HashTable::with_capacity(records.len());
        let mut live = 0;
        for i in 0..records.len() {
            let Some(p) = &records[i] else { continue };
            let (path, hash) = p.source();
            let same = |&j: &u32| records[j as usize].as_ref().is_some_and(|q| q.source() == (path, hash));
            match table.entry(hash, same, |&j: &u32| records[j as usize].as_ref().map_or(0, |q| q.source().1))
            {
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
        let same = |&j: &u32| self.records[j as usize].as_ref().is_some_and(|q| q.source() == (path, hash));
        self.table.find(hash, same).map(|&j| j as usize)
    }

    pub fn get(&self, path: &Path, hash: u64) -> Option<&T> {
        self.records[self.find(path, hash)?].as_deref()
    }

    pub fn contains(&self, path: &Path, hash: u64) -> bool {
        self.find(path, hash).is_some()
    }

    /// Takes the record out of the log.
    pub fn remove(&mut self, path: &Path, hash: u64) -> Option<T> {
        let i = self.find(path, hash)?;
        let p = self.records[i].take()?;
        self.live -= 1;
        Some(*p)
    }

    /// Lets go of the room the records taken out (and the versions replaced) took: the log
    /// keeps only the records left, in order.
    pub fn compact(&mut self) {
        let mut left = Vec::with_capacity(self.live);
        left.extend(std::mem::take(&mut self.records).into_iter().flatten().map(Some));
        *self = Self::from_records(left);
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
    /// Reads the parsed log, each record decoded by `decode`, if it was written under
    /// `parse_key`. The file is a log of length-prefixed records, appended to by each build
    /// and rewritten when mostly stale; a torn last record (a killed build) ends the log, and
    /// records after a damaged one are not trusted.
    pub fn read_parsed<T: Record + Send>(
        &self,
        parse_key: u64,
        decode: impl Fn(&[u8]) -> Option<T> + Sync,
    ) -> Option<ParsedLog<T>> {
        use rayon::prelude::*;
        if !self.current() || self.state.parse_key != parse_key {
            return None;
        }
        let bytes = std::fs::read(self.dir.join("parsed")).ok()?;
        let mut frames = Vec::new();
        let mut rest = bytes.as_slice();
        while rest.len() >= 4 {
            let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            let Some(frame) = rest.get(4..4 + len) else { break };
            frames.push(frame);
            rest = &rest[4 + len..];
        }
        let mut decoded: Vec<Option<Box<T>>> =
            frames.par_iter().map(|frame| decode(frame).map(Box::new)).collect();
        if let Some(damaged) = decoded.iter().position(Option::is_none) {
            decoded.truncate(damaged);
        }
        Some(ParsedLog::from_records(decoded))
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
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A record as simple as can be: a source and a title.
    #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
    struct Rec {
        path: PathBuf,
        hash: u64,
        title: String,
    }

    impl Record for Rec {
        fn source(&self) -> (&Path, u64) {
            (&self.path, self.hash)
        }
    }

    fn rec(path: &str, hash: u64, title: &str) -> Rec {
        Rec { path: path.into(), hash, title: title.into() }
    }

    #[test]
    fn the_parsed_log_finds_records_by_path_and_hash_and_the_later_wins() {
        let (ha, hb) = (11, 22);
        // The same text under another path: same hash, different record.
        let records = vec![
            Some(rec("content/a.md", ha, "Một")),
            Some(rec("content/b.md", hb, "Hai")),
            Some(rec("content/c.md", ha, "bản sao")),
            Some(rec("content/a.md", ha, "ghi sau")),
        ];
        let mut log = ParsedLog::from_records(records.into_iter().map(|r| r.map(Box::new)).collect());
        assert_eq!(log.len(), 3, "two records of content/a.md count once");
        assert_eq!(log.get(Path::new("content/a.md"), ha).map(|p| p.title.as_str()), Some("ghi sau"));
        assert_eq!(log.get(Path::new("content/c.md"), ha).map(|p| p.title.as_str()), Some("bản sao"));
        assert!(log.contains(Path::new("content/b.md"), hb));
        assert!(!log.contains(Path::new("content/b.md"), ha), "the hash must match too");
        assert!(!log.contains(Path::new("content/d.md"), hb));
        let b = log.remove(Path::new("content/b.md"), hb).expect("b");
        assert_eq!(b.title, "Hai");
        assert!(log.remove(Path::new("content/b.md"), hb).is_none(), "taken once");
        assert!(!log.contains(Path::new("content/b.md"), hb));
        assert_eq!(log.len(), 2);
        assert!(!log.is_empty());
        // Compacted, it keeps what is left and finds it as before.
        log.compact();
        assert_eq!(log.records.len(), 2, "only the records left are kept");
        assert_eq!(log.len(), 2);
        assert_eq!(log.get(Path::new("content/a.md"), ha).map(|p| p.title.as_str()), Some("ghi sau"));
        assert_eq!(log.get(Path::new("content/c.md"), ha).map(|p| p.title.as_str()), Some("bản sao"));
        assert!(!log.contains(Path::new("content/b.md"), hb));
    }

    #[test]
    fn a_written_log_reads_back_until_a_torn_record() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cache = Cache::empty(dir.path(), "build");
        cache.state.format = super::super::FORMAT;
        cache.state.parse_key = 7;
        let one = encode(&rec("content/a.md", 1, "Một")).expect("encode");
        let two = encode(&rec("content/b.md", 2, "Hai")).expect("encode");
        let staged = |records: Vec<Encoded>, rewrite| {
            let staged = cache.stage_parsed(records.into_iter().map(Ok), rewrite).expect("staged");
            staged.expect("records to add").put().expect("put in the log");
        };
        staged(vec![one.clone(), encode(&rec("content/z.md", 9, "bỏ")).expect("encode")], true);
        // A rewrite replaces the log; an append adds to it; staging nothing adds nothing.
        staged(vec![one], true);
        staged(vec![two], false);
        assert!(cache.stage_parsed(std::iter::empty(), false).expect("nothing").is_none());
        assert!(!dir.path().join(".bantin/build/parsed.tmp").exists(), "nothing staged is left behind");
        let decode = |b: &[u8]| postcard::from_bytes::<Rec>(b).ok();
        let log = cache.read_parsed(7, decode).expect("read");
        assert_eq!(log.len(), 2);
        assert!(!log.contains(Path::new("content/z.md"), 9), "the rewritten log lost it");
        assert!(cache.read_parsed(8, decode).is_none(), "another key: not read");
        // A record cut short by a killed build ends the log.
        let path = dir.path().join(".bantin/build/parsed");
        let mut bytes = std::fs::read(&path).expect("log");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, &bytes).expect("cut");
        let log = cache.read_parsed(7, decode).expect("read");
        assert_eq!(log.len(), 1);
        assert!(log.contains(Path::new("content/a.md"), 1));
    }
}
