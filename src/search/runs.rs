//! Building the index in runs, for a build whose memory budget would not hold every
//! bulletin's terms at once. The bulletins' words are found once, in id order; a run collects
//! the terms of the bulletins that come (every partition of them), and is put on disk when it
//! outgrows its share of the budget. Then each partition is merged from the runs, in order (a term's
//! postings from one run follow those of the run before), counted and put away, until the
//! shard counts are known, which takes every partition's count; then one partition at a time
//! is read back and its shards written. The files are the same as those of a single run.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;

/// How the index is built: how many bytes of terms are collected before they are put away as
/// a run (`u64::MAX`: every bulletin's terms are held at once), and where the runs and the
/// merged partitions wait.
#[derive(Debug)]
pub struct Runs {
    pub most_bytes: u64,
    pub dir: PathBuf,
    /// How many runs the last index was built in.
    made: AtomicU32,
}

impl Default for Runs {
    fn default() -> Self {
        Runs::new(u64::MAX, std::env::temp_dir())
    }
}

impl Runs {
    pub fn new(most_bytes: u64, dir: PathBuf) -> Runs {
        Runs { most_bytes, dir, made: AtomicU32::new(0) }
    }

    /// How many runs the last index [`write_index`] built took (1: all at once).
    pub fn made(&self) -> u32 {
        self.made.load(Ordering::Relaxed)
    }

    pub(super) fn set_made(&self, runs: usize) {
        self.made.store(u32::try_from(runs).unwrap_or(u32::MAX), Ordering::Relaxed);
    }
}

/// The runs put away: one unnamed file ([`crate::archive::scratch_file`]) holding them one
/// after another, each partition's share in turn, and where each share starts. (One file,
/// however many runs: a large archive makes hundreds, and each is kept until the merge.)
#[derive(Default)]
pub(super) struct RunFile {
    file: Option<std::fs::File>,
    /// Per run, where each partition's share starts, and where the run ends.
    runs: Vec<[u64; PARTITIONS as usize + 1]>,
}

impl RunFile {
    /// The number of runs put away.
    pub(super) fn len(&self) -> usize {
        self.runs.len()
    }

    /// Puts every partition of a run away (in a file in `dir`, made by the first run), leaving
    /// `parts` empty.
    pub(super) fn put(&mut self, parts: &mut [Partition], dir: &Path) -> std::io::Result<()> {
        use std::io::Seek as _;
        let end = self.runs.last().map_or(0, |run| run[PARTITIONS as usize]);
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(crate::archive::scratch_file(dir)?),
        };
        file.seek(std::io::SeekFrom::Start(end))?;
        let mut bounds = [0; PARTITIONS as usize + 1];
        let mut out = BufWriter::with_capacity(1 << 20, file);
        for (bound, part) in bounds.iter_mut().zip(parts.iter_mut()) {
            *bound = out.stream_position()?;
            write_part(&std::mem::take(part), &mut out)?;
        }
        bounds[PARTITIONS as usize] = out.stream_position()?;
        out.flush()?;
        self.runs.push(bounds);
        Ok(())
    }

    /// Partition `p` of every run, merged in run order.
    pub(super) fn merge(&self, p: usize) -> std::io::Result<Partition> {
        use std::io::Seek as _;
        let mut merged = Partition::default();
        let Some(mut file) = self.file.as_ref() else { return Ok(merged) };
        for run in &self.runs {
            let (start, end) = (run[p], run[p + 1]);
            file.seek(std::io::SeekFrom::Start(start))?;
            let buffer = usize::try_from(end - start).unwrap_or(usize::MAX).clamp(1 << 12, 1 << 20);
            let (part, shorts) = read_part(&mut BufReader::with_capacity(buffer, file.take(end - start)))?;
            merged.absorb(&part, &shorts)?;
        }
        Ok(merged)
    }
}

/// Writes `part` (with the 32 key bits its lookup table holds of each term, if it has one: a
/// merge looks the terms up by them).
fn write_part(part: &Partition, out: &mut impl Write) -> std::io::Result<()> {
    let chunks = &part.text.chunks;
    out.write_all(&(chunks.len() as u64).to_le_bytes())?;
    for chunk in chunks {
        out.write_all(&(chunk.len() as u64).to_le_bytes())?;
        out.write_all(chunk.as_bytes())?;
    }
    out.write_all(&(part.terms.len() as u64).to_le_bytes())?;
    for t in part.terms.iter() {
        for n in [t.start, t.mid, t.end, t.last, t.postings.len() as u32] {
            out.write_all(&n.to_le_bytes())?;
        }
        out.write_all(&t.rest.to_le_bytes())?;
        out.write_all(&t.postings)?;
    }
    let shorts = part.shorts();
    out.write_all(&(shorts.len() as u64).to_le_bytes())?;
    for short in shorts {
        out.write_all(&short.to_le_bytes())?;
    }
    Ok(())
}

/// Reads back a partition [`write_part`] wrote (without its lookup table, which only adding
/// terms needs), and its terms' 32 key bits, if they were kept.
fn read_part(input: &mut impl Read) -> std::io::Result<(Partition, Vec<u32>)> {
    let damaged = || std::io::Error::other("a part of the search index put away is damaged");
    let u64_of = |input: &mut dyn Read| -> std::io::Result<u64> {
        let mut b = [0; 8];
        input.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    };
    let mut part = Partition::default();
    let chunks = u64_of(input)?;
    for _ in 0..chunks {
        let len = u64_of(input)? as usize;
        let mut bytes = vec![0; len];
        input.read_exact(&mut bytes)?;
        part.text.chunks.push(String::from_utf8(bytes).map_err(|_| damaged())?);
    }
    let terms = u64_of(input)?;
    for _ in 0..terms {
        let mut head = [0; 20];
        input.read_exact(&mut head)?;
        let n =
            |i: usize| u32::from_le_bytes([head[i * 4], head[i * 4 + 1], head[i * 4 + 2], head[i * 4 + 3]]);
        let rest = u64_of(input)?;
        let mut postings = smallvec::SmallVec::from_elem(0, n(4) as usize);
        input.read_exact(&mut postings)?;
        part.postings_apart += apart(&postings);
        part.terms.push(TermRec { postings, rest, last: n(3), start: n(0), mid: n(1), end: n(2) });
    }
    let count = u64_of(input)? as usize;
    if count != 0 && count != part.terms.len() {
        return Err(damaged());
    }
    let mut bytes = vec![0; count * 4];
    input.read_exact(&mut bytes)?;
    let shorts = bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok((part, shorts))
}

/// Writes a partition to an unnamed file in `dir`, and lets go of it.
pub(super) fn put_away(part: Partition, dir: &Path) -> std::io::Result<std::fs::File> {
    let mut file = crate::archive::scratch_file(dir)?;
    let mut out = BufWriter::with_capacity(1 << 20, &mut file);
    write_part(&part, &mut out)?;
    out.flush()?;
    drop(out);
    drop(part);
    Ok(file)
}

/// Reads back a partition [`put_away`] wrote, and its terms' key bits if they were kept.
pub(super) fn bring_back(mut file: std::fs::File) -> std::io::Result<(Partition, Vec<u32>)> {
    use std::io::Seek as _;
    file.rewind()?;
    read_part(&mut BufReader::with_capacity(1 << 20, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: &str) -> DocTerms {
        let tags = ["Đà Nẵng".to_owned()];
        let fields =
            DocFields { title: "Tin", summary: "", plain: words, tags: &tags, authors: &[], section: None };
        doc_terms(&fields, &mut Scratch::default())
    }

    fn add(part: &mut Partition, id: u32, words: &str) {
        let d = doc(words);
        part.add_doc(&d, &d.terms, id).expect("add");
    }

    /// Adds bulletin `id` to the partitions its terms belong to.
    fn add_to(parts: &mut [Partition], id: u32, words: &str) {
        let d = doc(words);
        for (p, part) in parts.iter_mut().enumerate() {
            let terms: Vec<DocTerm> =
                d.terms.iter().filter(|t| (t.hash % PARTITIONS) as usize == p).copied().collect();
            part.add_doc(&d, &terms, id).expect("add");
        }
    }

    /// Each term's spelling, folded form, kind and postings, by spelling.
    fn summary(p: &Partition) -> BTreeMap<String, (String, bool, Vec<u8>)> {
        (0..p.terms.len() as u32)
            .map(|t| {
                let rec = &p.terms[t as usize];
                (p.spelling(t).to_owned(), (p.folded(t).to_owned(), rec.pseudo(), rec.postings.to_vec()))
            })
            .collect()
    }

    const TEXTS: [&str; 6] =
        ["Đà Nẵng mưa to", "Hà Nội nắng", "Đà Nẵng nắng", "mưa mưa", "Hà Nội mưa to, Đà Nẵng nắng", "nắng"];

    #[test]
    fn a_partition_put_away_comes_back_the_same_even_without_its_folder() {
        let mut part = Partition::default();
        for (id, words) in TEXTS.iter().enumerate() {
            add(&mut part, id as u32, words);
        }
        let dir = tempfile::tempdir().expect("tmp");
        // A folder that cannot be made (a file is in the way): the system's temporary folder.
        std::fs::write(dir.path().join("file"), "x").expect("file");
        let before = summary(&part);
        let shorts = part.shorts();
        assert!(before.len() > 5);
        assert_eq!(shorts.len(), part.terms.len());
        let file = put_away(part, &dir.path().join("file/sub")).expect("put away");
        let (back, back_shorts) = bring_back(file).expect("back");
        assert_eq!(summary(&back), before);
        assert_eq!(back_shorts, shorts);
        // Without its table, no key bits are kept.
        let (again, none) =
            bring_back(put_away(back.without_table(), dir.path()).expect("put")).expect("back");
        assert_eq!(summary(&again), before);
        assert!(none.is_empty());
    }

    #[test]
    fn runs_merged_in_order_hold_the_postings_of_partitions_built_at_once() {
        let fresh = || (0..PARTITIONS).map(|_| Partition::default()).collect::<Vec<_>>();
        let mut whole = fresh();
        for (id, words) in TEXTS.iter().enumerate() {
            add_to(&mut whole, id as u32, words);
        }
        assert!(whole.iter().filter(|p| p.terms.len() > 0).count() > 1, "terms in several partitions");
        let dir = tempfile::tempdir().expect("tmp");
        // Cut after every bulletin, after two, and in two unequal runs.
        for cuts in [vec![1, 2, 3, 4, 5], vec![2, 4], vec![1], vec![5]] {
            let mut runs = RunFile::default();
            let mut run = fresh();
            for (id, words) in TEXTS.iter().enumerate() {
                if cuts.contains(&id) {
                    runs.put(&mut run, dir.path()).expect("put");
                    assert!(run.iter().all(|p| p.terms.len() == 0), "the run let go");
                }
                add_to(&mut run, id as u32, words);
            }
            runs.put(&mut run, dir.path()).expect("put");
            assert_eq!(runs.len(), cuts.len() + 1);
            for (p, part) in whole.iter().enumerate() {
                let merged = runs.merge(p).expect("merge");
                assert_eq!(summary(&merged), summary(part), "partition {p} cut at {cuts:?}");
            }
        }
        // A partition put away without its key bits cannot be merged.
        let mut part = Partition::default();
        add(&mut part, 0, "mưa");
        let mut parts = fresh();
        parts[0] = part.without_table();
        let mut runs = RunFile::default();
        runs.put(&mut parts, dir.path()).expect("put");
        assert!(runs.merge(0).is_err());
    }
}
