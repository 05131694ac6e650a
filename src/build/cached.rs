//! The cache beside the pipeline: what the build cache keeps of the stages' results, read and
//! matched against the stages' keys. Only the pipeline uses it; no stage imports the cache.

use std::path::Path;

use crate::cache::{Cache, ParsedLog, Reader, Record};
use crate::content::Parsed;
use crate::output::{Manifest, Staging, dir_id};

impl Record for Box<Parsed> {
    fn source(&self) -> (&Path, u64) {
        (&self.bulletin.source, self.bulletin.source_hash)
    }
}

/// The build cache of one profile, with its parsed log once read.
pub struct Cached {
    pub cache: Cache,
    /// The bulletins as the last build parsed them (empty until read, or when unreadable).
    /// Boxed, as a batch moves them around ([`super::load`]).
    pub parsed: ParsedLog<Box<Parsed>>,
    /// Whether the parsed log was looked for (`Some`), and read.
    parsed_read: Option<bool>,
    /// Whether the cache's state is yet to be read ([`Cached::read_state`]).
    state_unread: bool,
}

impl Cached {
    /// The cache of `profile` under `root`, its state read; with `clean`, an empty one
    /// (nothing is read).
    pub fn open(root: &Path, profile: &str, clean: bool) -> Cached {
        let mut cached = Cached::unread(root, profile, clean);
        cached.read_state();
        cached
    }

    /// The cache of `profile` under `root`, its state not read yet: the scan reads it
    /// ([`Cached::read_state`]) while content/ is listed (at 1,000,000 bulletins each takes a
    /// good part of a build with nothing to do, the state 0.15 s on one core).
    pub fn unread(root: &Path, profile: &str, clean: bool) -> Cached {
        let cache = Cache::empty(root, profile);
        Cached { cache, parsed: ParsedLog::default(), parsed_read: None, state_unread: !clean }
    }

    /// Reads the cache's state, unless it was read (or the cache is a clean build's).
    pub fn read_state(&mut self) {
        if std::mem::take(&mut self.state_unread) {
            self.cache.read_state();
        }
    }

    /// Forgets the plain texts kept when they were made under another parse key (they depend
    /// on how Markdown was rendered).
    pub fn forget_plain_unless(&mut self, parse_key: u64) {
        if self.cache.state.parse_key != parse_key {
            self.cache.clear_plain();
        }
    }

    /// Keeps `state` as the cache's record of the last build (a build with nothing to do
    /// that knows its sources better); a warning when it cannot, which costs only time: the
    /// next build reads those sources again.
    pub fn keep_state(&self, state: &crate::cache::State) -> Option<crate::diag::Diagnostic> {
        let e = self.cache.write_value("state", state).err()?;
        Some(
            crate::diag::Diagnostic::warning(format!(
                "cannot update the build cache's record of file times: {e}"
            ))
            .with_hint(
                "nothing is wrong with the site; the next build reads the files saved again once more",
            ),
        )
    }

    /// Whether the parsed log was looked for.
    #[cfg(test)]
    pub fn parsed_looked_for(&self) -> bool {
        self.parsed_read.is_some()
    }

    /// Reads the parsed bulletins (dates read in `tz`), unless their key differs. Returns
    /// whether they were read (by this call or an earlier one).
    pub fn load_parsed(&mut self, parse_key: u64, tz: &jiff::tz::TimeZone) -> bool {
        if let Some(read) = self.parsed_read {
            return read;
        }
        let tz = tz.clone();
        let log = self.cache.read_parsed(parse_key, move |frame| decode_parsed(frame, &tz).map(Box::new));
        let read = log.is_some();
        self.parsed = log.unwrap_or_default();
        self.parsed_read = Some(read);
        read
    }
}

/// A bulletin from its record in the parsed log (dates are read in the site's time zone). The
/// place of its summary in the record is kept only if the record's bytes there are the summary.
pub fn decode_parsed(record: &[u8], tz: &jiff::tz::TimeZone) -> Option<Parsed> {
    let mut parsed = crate::content::with_zone(tz, || postcard::from_bytes::<Parsed>(record).ok())?;
    let summary = summary_of(&parsed).as_bytes();
    let there = |(at, len): (u32, u32)| record.get(at as usize..)?.get(..len as usize);
    parsed.summary_in_record = parsed.summary_in_record.filter(|&place| there(place) == Some(summary));
    Some(parsed)
}

/// A bulletin's record for the parsed log, saying where in it its summary is (found once here,
/// when the bulletin is parsed, so that reading the record costs nothing more).
pub fn encode_parsed(parsed: &mut Parsed) -> std::io::Result<crate::cache::Encoded> {
    let bytes = crate::cache::encode_record(parsed)?;
    if parsed.summary_in_record.is_some() || summary_of(parsed).is_empty() {
        return Ok(bytes);
    }
    // The last byte says "no place": the place is looked for before it (any bytes that are
    // the summary's will do; the field's own are there).
    let summary = summary_of(parsed).as_bytes();
    let before = &bytes[..bytes.len().saturating_sub(1)];
    let Some(at) = memchr::memmem::find(before, summary) else { return Ok(bytes) };
    match (u32::try_from(at), u32::try_from(summary.len())) {
        (Ok(at), Ok(len)) => parsed.summary_in_record = Some((at, len)),
        _ => return Ok(bytes),
    }
    crate::cache::encode_record(parsed)
}

/// The summary a bulletin's entry shows: front matter's, else its first paragraph.
fn summary_of(parsed: &Parsed) -> &str {
    parsed.bulletin.summary.as_deref().unwrap_or(&parsed.rendered.first_paragraph)
}

/// The manifest `name` (`outputs` or `spare`) that `reader` holds, if it describes `tree` as
/// it is now (with that identity). A spare manifest may be the published tree's of the build
/// before, moved: it still names that tree as it was, and `spare-id` says what it is now.
pub fn manifest(reader: &Reader, name: &str, tree: &Path) -> Option<Manifest> {
    let manifest = reader.read::<Manifest>(name)?;
    let now = dir_id(tree)?;
    let moved = || name == "spare" && reader.spare_moved() == Some((manifest.dir_id, now));
    (manifest.dir_id == now || moved()).then_some(Manifest { dir_id: now, ..manifest })
}

/// The manifest of the published tree `out` that the cache of `profile` holds, if it still
/// describes that tree. A clean build uses nothing of the cache, but keeps the tree it
/// replaces as the spare one: with this the next build knows what that tree holds, and
/// brings it up to date instead of writing every file of it again.
pub fn published_manifest(root: &Path, profile: &str, out: &Path) -> Option<Manifest> {
    manifest(&Cache::open(root, profile).reader(), "outputs", out)
}

/// What the last build left that this one reads while the archive is made: the manifests of
/// the published and the spare tree, and (when asked) the search index state with its keys.
#[derive(Default)]
pub struct Prefetched {
    pub outputs: Option<Manifest>,
    pub spare: Option<Manifest>,
    pub index: Option<((u64, u64), crate::search::IndexState)>,
}

/// Starts reading [`Prefetched`] on another thread, so that the caller's work hides it.
pub fn prefetch(cache: &Cache, out: &Path, index: bool) -> std::thread::JoinHandle<Prefetched> {
    let (reader, out, spare) = (cache.reader(), out.to_path_buf(), Staging::spare_path(out));
    std::thread::spawn(move || Prefetched {
        outputs: manifest(&reader, "outputs", &out),
        spare: manifest(&reader, "spare", &spare),
        index: if index { reader.read("index") } else { None },
    })
}

impl crate::search::PlainLog for Cache {
    fn has(&self, hash: u64) -> bool {
        self.has_plain(hash)
    }

    fn hashes(&self) -> Vec<u64> {
        self.plain_hashes()
    }

    fn update<'a>(
        &mut self,
        add: &mut dyn Iterator<Item = Vec<(u64, std::borrow::Cow<'a, str>)>>,
        remove: &[u64],
    ) -> std::io::Result<()> {
        self.update_plain(add, remove)
    }

    fn reader(&self) -> Box<crate::search::StoredPlain<'_>> {
        Box::new(self.stored_plain())
    }
}

/// What the last build read of each photo file ([`crate::photos::Probes`]).
pub fn probes(cache: &Cache) -> crate::photos::Probes {
    let list: Vec<(String, u64, i64, crate::photos::Probed)> = cache.read("photos").unwrap_or_default();
    list.into_iter().map(|(path, len, mtime, probed)| (path, (len, mtime, probed))).collect()
}

/// Keeps what this build read of each photo file, for the next one, unless the cache has
/// exactly that (a cache that cannot be written only costs the next build a reading of the
/// photos).
pub fn keep_probes(cache: &Cache, before: &crate::photos::Probes, probes: &crate::photos::Probes) {
    if before == probes {
        return;
    }
    let mut list: Vec<(&String, u64, i64, crate::photos::Probed)> =
        probes.iter().map(|(path, &(len, mtime, probed))| (path, len, mtime, probed)).collect();
    list.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let _ = cache.write_value("photos", &list);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parsed_bulletin_record_starts_with_its_source_and_hash() {
        let text = "---\ntitle: \"Mưa lớn ở Đà Nẵng\"\ndate: 2024-05-01\ntags: [Thời tiết]\n---\n\nNước ngập nhiều phố.\n";
        let source =
            crate::content::SourceFile { rel_path: "content/2024/05/mưa.md".into(), text: text.into() };
        let tz = jiff::tz::TimeZone::UTC;
        let parsed = crate::content::parse(&source, &tz, false).expect("parses");
        let mut parsed = parsed;
        let bytes = encode_parsed(&mut parsed).expect("encodes");
        let (path, hash) = crate::cache::leading_key(&bytes).expect("a key");
        assert_eq!(path, "content/2024/05/mưa.md".as_bytes());
        assert_eq!(hash, parsed.bulletin.source_hash);
        assert_ne!(hash, 0);
        let back = decode_parsed(&bytes, &tz).expect("decodes");
        assert_eq!(back.bulletin.title, "Mưa lớn ở Đà Nẵng");
        // Where its summary is in the record (its first paragraph: none in front matter).
        let (at, len) = back.summary_in_record.expect("the summary's place");
        assert_eq!(&bytes[at as usize..][..len as usize], "Nước ngập nhiều phố.".as_bytes());
        // A record whose place is wrong is read without it.
        let mut wrong = back.clone();
        wrong.summary_in_record = Some((at + 1, len));
        let wrong = crate::cache::encode_record(&wrong).expect("encodes");
        assert_eq!(decode_parsed(&wrong, &tz).expect("decodes").summary_in_record, None);
    }

    /// After an incremental build the spare tree's manifest is the published tree's of the
    /// build before, moved rather than written again: it is read back as the spare's (what
    /// the next build updates), only while `spare-id` vouches for it.
    #[test]
    fn the_published_manifest_moved_describes_the_spare_tree() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::write(root.join("site.toml"), "title = \"Tin\"\n").expect("write");
        let bulletin =
            |n: u32| format!("---\ntitle: \"Mưa lớn {n}\"\ndate: 2024-01-02\n---\nThân bài {n}.\n");
        std::fs::write(root.join("content/a.md"), bulletin(1)).expect("write");
        std::fs::write(root.join("content/b.md"), bulletin(2)).expect("write");
        let opts = super::super::BuildOptions { root: root.to_path_buf(), ..Default::default() };
        let (out, spare) = (root.join("public"), Staging::spare_path(&root.join("public")));
        let reader = || Cache::open(root, "build").reader();
        super::super::build(&opts).expect("first build");
        assert!(reader().spare_moved().is_none(), "the first build's spare is listed, not moved");
        for n in 3..6 {
            let published = manifest(&reader(), "outputs", &out).expect("the published tree's manifest");
            std::fs::write(root.join("content/a.md"), bulletin(n)).expect("edit");
            let report = super::super::build(&opts).expect("an edit");
            assert!(report.rendered > 0);
            assert!(reader().spare_moved().is_some(), "the published manifest was moved");
            let kept = manifest(&reader(), "spare", &spare).expect("the spare tree's manifest");
            assert_eq!(dir_id(&spare), Some(kept.dir_id));
            let listed = |m: &Manifest| m.files.iter().map(|(k, r)| (k.to_owned(), r)).collect::<Vec<_>>();
            assert_eq!(listed(&kept), listed(&published), "the spare tree is the one published before");
            let now = manifest(&reader(), "outputs", &out).expect("the new published manifest");
            assert_ne!(listed(&now), listed(&published), "the edited bulletin's page changed");
        }
        // Without `spare-id`, or with one for another directory, the moved manifest names a tree
        // that is not there any more: it is not taken for the spare's.
        let cache = Cache::open(root, "build");
        let (was, now) = cache.reader().spare_moved().expect("spare-id");
        cache.write_value("spare-id", &(was, (now.0 + 1, now.1))).expect("write");
        assert!(manifest(&cache.reader(), "spare", &spare).is_none());
        cache.forget("spare-id").expect("forget");
        assert!(manifest(&cache.reader(), "spare", &spare).is_none());
        cache.write_value("spare-id", &(was, now)).expect("write");
        assert!(manifest(&cache.reader(), "spare", &spare).is_some());
    }
}
