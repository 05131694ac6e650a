//! Tests of the parsed log: records found by their key, the log's index, torn records.

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

/// A cache whose parsed log holds `records`, in that order.
fn log_of(dir: &Path, records: &[Rec]) -> Cache {
    let mut cache = Cache::empty(dir, "build");
    cache.state.format = super::super::FORMAT;
    cache.state.parse_key = 7;
    let frames = records.iter().map(encode).collect::<Vec<_>>();
    cache.stage_parsed(frames.into_iter(), true).expect("staged").expect("records").put().expect("put");
    cache
}

fn decode(bytes: &[u8]) -> Option<Rec> {
    postcard::from_bytes::<Rec>(bytes).ok()
}

#[test]
fn a_record_starts_with_its_key() {
    for (path, hash) in [("content/a.md", 0), ("content/Đà Nẵng/b.md", u64::MAX), ("", 300)] {
        let bytes = encode(&rec(path, hash, "Một")).expect("encode");
        assert_eq!(leading_key(&bytes), Some((path.as_bytes(), hash)));
    }
    assert_eq!(leading_key(&[0x05, b'a']), None, "cut short");
    assert_eq!(leading_key(&[0xff; 12]), None, "no varint");
}

/// The records the log's index gives, for the log file as it is now (`None`: no index
/// of this file).
fn indexed(cache: &Cache) -> Option<usize> {
    use std::os::unix::fs::MetadataExt as _;
    let file = std::fs::File::open(cache.dir.join("parsed")).expect("log");
    let meta = file.metadata().expect("meta");
    cache.indexed_frames(&file, (meta.dev(), meta.ino()), meta.len()).map(|f| f.len())
}

fn titles(log: &ParsedLog<Rec>, records: &[Rec]) -> Vec<Option<String>> {
    records.iter().map(|r| log.get(&r.path, r.hash).map(|r| r.title)).collect()
}

#[test]
fn the_log_index_gives_the_records_it_covers_and_those_after_them_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = [rec("content/a.md", 1, "Một"), rec("content/b.md", 2, "Hai"), rec("content/c.md", 3, "Ba")];
    let cache = log_of(dir.path(), &first);
    assert_eq!(indexed(&cache), None, "no index before the log is first read");
    let log = cache.read_parsed(7, decode).expect("read");
    assert_eq!(titles(&log, &first), ["Một", "Hai", "Ba"].map(|t| Some(t.to_string())));
    assert_eq!(indexed(&cache), Some(3), "the index is written when the log is read whole");
    // Records appended by a later build: read after the ones the index gives.
    let later = [rec("content/d.md", 4, "Bốn"), rec("content/a.md", 1, "Một, sửa")];
    let staged = cache.stage_parsed(later.iter().map(encode).collect::<Vec<_>>().into_iter(), false);
    staged.expect("staged").expect("records").put().expect("append");
    let log = cache.read_parsed(7, decode).expect("read");
    assert_eq!(log.len(), 4);
    let all = [&first[..], &later[..]].concat();
    let expected = ["Một, sửa", "Hai", "Ba", "Bốn", "Một, sửa"].map(|t| Some(t.to_string()));
    assert_eq!(titles(&log, &all), expected);
    assert_eq!(indexed(&cache), Some(3), "a few records appended leave the index as it was");
    // The log's file written again in place with other records: the index's keys are
    // not those of the file, and the log is read whole.
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other =
        [rec("content/x.md", 9, "Chín"), rec("content/y.md", 8, "Tám"), rec("content/z.md", 7, "Bảy")];
    log_of(other_dir.path(), &other);
    let bytes = std::fs::read(other_dir.path().join(".bantin/build/parsed")).expect("other log");
    std::fs::write(cache.dir.join("parsed"), &bytes).expect("rewrite in place");
    assert_eq!(indexed(&cache), None, "the index's keys are not the file's");
    let log = cache.read_parsed(7, decode).expect("read");
    assert_eq!(titles(&log, &other), ["Chín", "Tám", "Bảy"].map(|t| Some(t.to_string())));
    assert!(!log.contains(Path::new("content/a.md"), 1));
    assert_eq!(indexed(&cache), Some(3), "and indexed again");
    // A damaged index is no index.
    std::fs::write(cache.dir.join("parsed.idx"), b"\x01\x02").expect("damage");
    assert_eq!(indexed(&cache), None);
    let log = cache.read_parsed(7, decode).expect("read");
    assert_eq!(titles(&log, &other), ["Chín", "Tám", "Bảy"].map(|t| Some(t.to_string())));
}

#[test]
fn the_parsed_log_finds_records_by_path_and_hash_and_the_later_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ha, hb) = (11, 22);
    // The same text under another path: same hash, different record.
    let records = [
        rec("content/a.md", ha, "Một"),
        rec("content/b.md", hb, "Hai"),
        rec("content/c.md", ha, "bản sao"),
        rec("content/a.md", ha, "ghi sau"),
    ];
    let cache = log_of(dir.path(), &records);
    let mut log = cache.read_parsed(7, decode).expect("read");
    assert_eq!(log.len(), 3, "two records of content/a.md count once");
    assert_eq!(log.get(Path::new("content/a.md"), ha).map(|p| p.title), Some("ghi sau".into()));
    assert_eq!(log.get(Path::new("content/c.md"), ha).map(|p| p.title), Some("bản sao".into()));
    assert!(log.contains(Path::new("content/b.md"), hb));
    assert!(!log.contains(Path::new("content/b.md"), ha), "the hash must match too");
    assert!(!log.contains(Path::new("content/d.md"), hb));
    // Several at once, in the order asked, each checked against the source it must be of.
    let (a, b, c) = (Path::new("content/a.md"), Path::new("content/b.md"), Path::new("content/c.md"));
    let places = [log.place(c, ha), log.place(a, ha), log.place(b, hb)].map(|p| p.expect("a place"));
    let many =
        log.get_many(&[(places[0], c, ha), (places[1], a, ha), (places[2], b, hb), (places[2], a, ha)]);
    let titles: Vec<Option<String>> = many.into_iter().map(|r| r.map(|r| r.title)).collect();
    assert_eq!(titles, [Some("bản sao".into()), Some("ghi sau".into()), Some("Hai".into()), None]);
    let b = log.get(Path::new("content/b.md"), hb).expect("b");
    assert_eq!(b.title, "Hai");
    log.forget_at(places[2]);
    log.forget_at(places[2]);
    assert!(log.get(Path::new("content/b.md"), hb).is_none(), "taken once");
    assert!(!log.contains(Path::new("content/b.md"), hb));
    assert!(log.get(Path::new("content/b.md"), hb).is_none());
    assert_eq!(log.len(), 2);
    assert!(!log.is_empty());
    // A record whose bytes are damaged after its key is not given back.
    let path = dir.path().join(".bantin/build/parsed");
    let mut bytes = std::fs::read(&path).expect("log");
    let find = |bytes: &[u8], s: &str| bytes.windows(s.len()).position(|w| w == s.as_bytes());
    let at = find(&bytes, "Một").expect("a's first title");
    bytes[at - 1] = 0xff;
    std::fs::write(&path, &bytes).expect("damage");
    let log = cache.read_parsed(7, decode).expect("read");
    assert!(log.get(Path::new("content/a.md"), ha).is_some(), "the later record of a.md is whole");
    let c = find(&bytes, "bản").expect("c's title");
    bytes[c - 1] = 0xff;
    std::fs::write(&path, &bytes).expect("damage");
    let log = cache.read_parsed(7, decode).expect("read");
    assert!(log.contains(Path::new("content/c.md"), ha));
    assert!(log.get(Path::new("content/c.md"), ha).is_none(), "a damaged record does not decode");
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
