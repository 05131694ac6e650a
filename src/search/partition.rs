//! Partitions: the index being built is split by term hash into partitions, each collecting its
//! terms' postings in compact records and chunked storage, merged one at a time.

use super::*;

/// A spelling in a shard: its postings inline (by term), or the long-list file, count and
/// head file, if the term has a head.
pub(super) enum SlotEntry {
    Inline(u32),
    Long(String, usize, Option<String>),
}

/// One spelling of a partition: its key, its strings in the partition's text (`end`'s top
/// bit marks a tag/author term) and its postings, already as the files write them: LEB128
/// varints of `[id₀, score₀, Δid₁, score₁, …]` (most spellings have one or two postings,
/// kept inline; a posting takes two or three bytes where a `(u32, u32)` would take eight).
///
/// The fields a merge reads come first (`repr(C)` keeps them together): a record is 48
/// bytes, and a merge reads one per posting from a table far larger than the caches.
#[repr(C)]
pub(super) struct TermRec {
    pub(super) postings: smallvec::SmallVec<[u8; 16]>,
    /// The key's top 64 bits ([`rest_key`]); the table holds its low 32 ([`short_key`]).
    pub(super) rest: u64,
    /// The id of the last posting, which the next one's difference is taken from.
    pub(super) last: u32,
    pub(super) start: u32,
    pub(super) mid: u32,
    pub(super) end: u32,
}

/// The top bit of [`TermRec::end`]: the term is a tag or author term.
pub(super) const PSEUDO_BIT: u32 = 1 << 31;

impl TermRec {
    pub(super) fn pseudo(&self) -> bool {
        self.end & PSEUDO_BIT != 0
    }

    /// The number of postings: every posting is two varints, and every varint has exactly
    /// one byte without its high bit.
    pub(super) fn count(&self) -> usize {
        self.postings.iter().filter(|&&b| b < 0x80).count() / 2
    }
}

pub(super) fn push_posting(bytes: &mut smallvec::SmallVec<[u8; 16]>, delta: u32, score: u32) {
    for mut n in [delta, score] {
        while n >= 0x80 {
            bytes.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        bytes.push(n as u8);
    }
}

/// Items kept in chunks of a fixed size, never moved once pushed: a vector of a million
/// terms grown by doubling would copy itself again and again, and the allocator keeps each
/// old copy's memory for a while.
pub(super) struct Chunked<T> {
    pub(super) chunks: Vec<Vec<T>>,
    pub(super) len: usize,
}

/// Items per chunk of a [`Chunked`].
pub(super) const CHUNK_ITEMS: usize = 1 << 14;

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new(), len: 0 }
    }
}

impl<T> Chunked<T> {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK_ITEMS => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK_ITEMS);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(super) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK_ITEMS)?.get(i % CHUNK_ITEMS)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK_ITEMS][i % CHUNK_ITEMS]
    }
}

impl<T> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i / CHUNK_ITEMS][i % CHUNK_ITEMS]
    }
}

/// Strings kept in chunks of [`TEXT_CHUNK`] bytes (for the same reason as [`Chunked`]),
/// addressed by position: chunk number × [`TEXT_CHUNK`] + offset. A term's strings are never
/// split between chunks; a longer one gets a chunk of its own, followed by empty ones for
/// the positions it covers.
#[derive(Default)]
pub(super) struct Text {
    pub(super) chunks: Vec<String>,
}

pub(super) const TEXT_CHUNK: usize = 1 << 20;

impl Text {
    /// The chunk `len` more bytes go to, and the position they start at.
    pub(super) fn room(&mut self, len: usize) -> (&mut String, usize) {
        let fits = self.chunks.last().is_some_and(|c| c.len() + len <= TEXT_CHUNK);
        if !fits {
            // The chunk count goes on from the positions the last chunk covered.
            let covered = self.chunks.last().map_or(0, |c| c.len().div_ceil(TEXT_CHUNK).max(1));
            for _ in 1..covered {
                self.chunks.push(String::new());
            }
            self.chunks.push(String::with_capacity(len.max(TEXT_CHUNK)));
        }
        let k = self.chunks.len() - 1;
        let chunk = &mut self.chunks[k];
        let at = k * TEXT_CHUNK + chunk.len();
        (chunk, at)
    }

    /// The `len` bytes at `position`.
    pub(super) fn get(&self, position: u32, len: usize) -> &str {
        let (k, at) = (position as usize / TEXT_CHUNK, position as usize % TEXT_CHUNK);
        &self.chunks[k][at..at + len]
    }
}

/// The spellings of one partition of the terms (by folded hash).
#[derive(Default)]
pub(super) struct Partition {
    /// The terms' indexes by 32 bits of their keys.
    pub(super) table: ShortTable,
    pub(super) terms: Chunked<TermRec>,
    pub(super) text: Text,
    /// Per term of the bulletin being added: the index of the term found for it, if any.
    pub(super) found: Vec<u32>,
    /// The bytes of postings kept apart from their records (those too long to be inline).
    pub(super) postings_apart: u64,
}

/// The bytes `postings` take apart from their record.
pub(super) fn apart(postings: &smallvec::SmallVec<[u8; 16]>) -> u64 {
    if postings.spilled() { postings.capacity() as u64 } else { 0 }
}

/// 32 bits of a term's key, kept in [`Partition::table`]: two terms share them by a 2⁻³²
/// chance, and the other bits of the key tell them apart.
pub(super) fn short_key(key: u128) -> u32 {
    key as u32
}

/// The key's bits kept in [`TermRec::rest`]. With [`short_key`]'s, 96 bits of the 128 tell
/// terms apart: two of ten million distinct spellings share them with probability about
/// 10⁻¹⁵.
pub(super) fn rest_key(key: u128) -> u64 {
    (key >> 64) as u64
}

/// Term indexes by 32 bits of the term's key ([`short_key`]), by linear probing. A slot holds
/// both (key bits above, index below), so a lookup reads one cache line of the table and
/// nothing else: the table is far larger than the processor's caches, and a merge makes a
/// lookup per posting. (A general hash table keeps its control bytes apart from its entries,
/// and reads both.)
#[derive(Default)]
pub(super) struct ShortTable {
    /// A power of two of slots (none until the first insertion), at most 5/8 full.
    pub(super) slots: Vec<u64>,
    pub(super) len: usize,
}

/// An empty slot of a [`ShortTable`] (index `u32::MAX`, which no term has).
pub(super) const EMPTY_SLOT: u64 = u64::MAX;

impl ShortTable {
    /// The slot after `at`.
    pub(super) fn next(&self, at: usize) -> usize {
        (at + 1) & (self.slots.len() - 1)
    }

    /// The home slot of `short` (the key's bits are uniform: xxh3). Only called with slots.
    pub(super) fn home(&self, short: u32) -> usize {
        short as usize & (self.slots.len() - 1)
    }

    /// The first term with `short`. The table always has an empty slot, which ends a probe.
    pub(super) fn first(&self, short: u32) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mut at = self.home(short);
        loop {
            let slot = self.slots[at];
            if slot == EMPTY_SLOT {
                return None;
            }
            if (slot >> 32) as u32 == short {
                return Some(slot as u32);
            }
            at = self.next(at);
        }
    }

    /// The term with `short` for which `is` holds; if there is none, `index` is recorded for
    /// `short` and the answer is `None`.
    pub(super) fn find_or_insert(&mut self, short: u32, is: impl Fn(u32) -> bool, index: u32) -> Option<u32> {
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.grow();
        }
        let mut at = self.home(short);
        loop {
            let slot = self.slots[at];
            if slot == EMPTY_SLOT {
                self.slots[at] = u64::from(short) << 32 | u64::from(index);
                self.len += 1;
                return None;
            }
            if (slot >> 32) as u32 == short && is(slot as u32) {
                return Some(slot as u32);
            }
            at = self.next(at);
        }
    }

    pub(super) fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; size]);
        for slot in old.into_iter().filter(|&s| s != EMPTY_SLOT) {
            let mut at = self.home((slot >> 32) as u32);
            while self.slots[at] != EMPTY_SLOT {
                at = self.next(at);
            }
            self.slots[at] = slot;
        }
    }
}

/// In [`Partition::found`]: no term has the key's 32 bits.
pub(super) const NOT_FOUND: u32 = u32::MAX;

impl Partition {
    pub(super) fn spelling(&self, t: u32) -> &str {
        let t = &self.terms[t as usize];
        self.text.get(t.start, (t.mid - t.start) as usize)
    }

    pub(super) fn folded(&self, t: u32) -> &str {
        let t = &self.terms[t as usize];
        let end = t.end & !PSEUDO_BIT;
        &self.text.get(t.start, (end - t.start) as usize)[(t.mid - t.start) as usize..]
    }

    /// Adds bulletin `id`'s postings of `terms` (this partition's share of `doc`'s terms);
    /// bulletins arrive in id order.
    pub(super) fn add_doc(&mut self, doc: &DocTerms, terms: &[DocTerm], id: u32) -> std::io::Result<()> {
        let length = length_class(doc.length);
        // The table is far larger than the processor's caches. Its lookups are made first, all
        // together, and the terms found are read after: no lookup waits for the previous one
        // to reach memory, so their misses overlap.
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        found.extend(terms.iter().map(|t| {
            let short = short_key(t.key);
            self.table.first(short).unwrap_or(NOT_FOUND)
        }));
        // Then every record found, and the end of its postings, likewise all together: the
        // loop below finds them in the cache (at 20,000 bulletins the merge took a tenth less
        // processor time, and the whole clean build 2% less, in same-run pairs).
        let mut touched = 0u64;
        for &t in &found {
            if let Some(rec) = self.terms.get(t as usize) {
                touched ^= rec.rest ^ u64::from(rec.postings.last().copied().unwrap_or(0));
            }
        }
        std::hint::black_box(touched);
        for (term, &t) in terms.iter().zip(&found) {
            let score = posting_value(length, term);
            let rest = rest_key(term.key);
            match self.terms.get(t as usize).filter(|rec| rec.rest == rest).map(|rec| rec.last) {
                Some(last) => self.extend(t as usize, id - last, score, &[], id),
                // New, or (as good as never) another term with the same 32 bits.
                None => self.add(doc, term, id, score)?,
            }
        }
        self.found = found;
        Ok(())
    }

    /// Adds bulletin `id`'s posting of `term` with `score`.
    pub(super) fn add(&mut self, doc: &DocTerms, term: &DocTerm, id: u32, score: u32) -> std::io::Result<()> {
        let rest = rest_key(term.key);
        let short = short_key(term.key);
        let index = self.next_index()?;
        let terms = &self.terms;
        match self.table.find_or_insert(short, |t| terms[t as usize].rest == rest, index) {
            Some(t) => {
                let last = self.terms[t as usize].last;
                self.extend(t as usize, id - last, score, &[], id);
            }
            None => {
                let mut postings = smallvec::SmallVec::new();
                push_posting(&mut postings, id, score);
                self.push_record(doc.strings_len(term), term.pseudo, rest, id, postings, |chunk| {
                    let before = chunk.len();
                    doc.push_spelling(term, chunk);
                    let spelling = chunk.len() - before;
                    doc.push_folded(term, chunk);
                    spelling
                })?;
            }
        }
        Ok(())
    }

    /// Adds to term `t`'s postings one of `delta` after its last and `score`, then `tail` (more
    /// postings, already encoded); `last` is the id of the last bulletin they end with.
    fn extend(&mut self, t: usize, delta: u32, score: u32, tail: &[u8], last: u32) {
        let rec = &mut self.terms[t];
        let before = apart(&rec.postings);
        push_posting(&mut rec.postings, delta, score);
        rec.postings.extend_from_slice(tail);
        rec.last = last;
        self.postings_apart += apart(&rec.postings) - before;
    }

    /// Records a new term: `fill` appends its spelling and folded form (`len` bytes in all)
    /// and says how long the spelling is.
    fn push_record(
        &mut self,
        len: usize,
        pseudo: bool,
        rest: u64,
        last: u32,
        postings: smallvec::SmallVec<[u8; 16]>,
        fill: impl FnOnce(&mut String) -> usize,
    ) -> std::io::Result<()> {
        let (chunk, start) = self.text.room(len);
        let before = chunk.len();
        let mid = start + fill(chunk);
        let end = start + (chunk.len() - before);
        debug_assert_eq!(end - start, len, "the room made for a term's strings");
        let offset = |o: usize| {
            u32::try_from(o)
                .ok()
                .filter(|o| o & PSEUDO_BIT == 0)
                .ok_or_else(|| std::io::Error::other("the search index's terms exceed 2 GB"))
        };
        self.postings_apart += apart(&postings);
        self.terms.push(TermRec {
            rest,
            start: offset(start)?,
            mid: offset(mid)?,
            end: offset(end)? | if pseudo { PSEUDO_BIT } else { 0 },
            last,
            postings,
        });
        Ok(())
    }

    /// About how many bytes the partition holds: its records, strings, lookup table and
    /// postings (as allocated, not as used).
    pub(super) fn held_bytes(&self) -> u64 {
        let records = (self.terms.chunks.len() * CHUNK_ITEMS * std::mem::size_of::<TermRec>()) as u64;
        let text: usize = self.text.chunks.iter().map(String::capacity).sum();
        let table = (self.table.slots.len() * std::mem::size_of::<u64>()) as u64;
        records + text as u64 + table + self.postings_apart
    }

    /// The partition without its lookup table, which only adding terms needs.
    pub(super) fn without_table(mut self) -> Partition {
        self.table = ShortTable::default();
        self.found = Vec::new();
        self
    }

    /// The index the next new term gets.
    fn next_index(&self) -> std::io::Result<u32> {
        u32::try_from(self.terms.len())
            .ok()
            .filter(|&i| i != u32::MAX)
            .ok_or_else(|| std::io::Error::other("the search index has too many terms"))
    }

    /// Per term, the 32 bits of its key its lookup table holds (none once the table is let go).
    pub(super) fn shorts(&self) -> Vec<u32> {
        if self.table.len == 0 {
            return Vec::new();
        }
        let mut shorts = vec![0; self.terms.len()];
        for &slot in self.table.slots.iter().filter(|&&s| s != EMPTY_SLOT) {
            shorts[slot as u32 as usize] = (slot >> 32) as u32;
        }
        shorts
    }

    /// Adds the terms of `run`, a partition of later bulletins (whose terms' key bits are
    /// `shorts`): a term both have gets the run's postings after its own.
    pub(super) fn absorb(&mut self, run: &Partition, shorts: &[u32]) -> std::io::Result<()> {
        if shorts.len() != run.terms.len() {
            return Err(std::io::Error::other("a run of the search index put away is damaged"));
        }
        for (rec, &short) in run.terms.iter().zip(shorts) {
            let rest = rec.rest;
            let index = self.next_index()?;
            let terms = &self.terms;
            match self.table.find_or_insert(short, |t| terms[t as usize].rest == rest, index) {
                Some(t) => {
                    // The run's first posting holds its id whole: it becomes the difference
                    // from this term's last.
                    let damaged = || std::io::Error::other("a run of the search index put away is damaged");
                    let (id, a) = super::format::read_varint(&rec.postings).ok_or_else(damaged)?;
                    let (score, b) = super::format::read_varint(&rec.postings[a..]).ok_or_else(damaged)?;
                    let delta =
                        id.checked_sub(self.terms[t as usize].last).filter(|&d| d > 0).ok_or_else(|| {
                            std::io::Error::other("the search index's runs were merged out of order")
                        })?;
                    self.extend(t as usize, delta, score, &rec.postings[a + b..], rec.last);
                }
                None => {
                    let end = rec.end & !PSEUDO_BIT;
                    let strings = run.text.get(rec.start, (end - rec.start) as usize);
                    let spelling = (rec.mid - rec.start) as usize;
                    let postings = rec.postings.clone();
                    self.push_record(strings.len(), rec.pseudo(), rest, rec.last, postings, |chunk| {
                        chunk.push_str(strings);
                        spelling
                    })?;
                }
            }
        }
        Ok(())
    }

    /// The number of distinct folded words and pairs, and of tag/author terms.
    pub(super) fn distinct(&self) -> (u64, u64) {
        let mut words: rustc_hash::FxHashSet<&str> = Default::default();
        let mut pseudo = 0u64;
        for (t, rec) in self.terms.iter().enumerate() {
            if rec.pseudo() {
                pseudo += 1;
            } else {
                words.insert(self.folded(t as u32));
            }
        }
        (words.len() as u64, pseudo)
    }

    /// The partition's spellings by slot (every slot of the partition, empty ones included).
    pub(super) fn slots(&self, p: u32, shards: u32, facet_shards: u32) -> Vec<(u32, Vec<u32>)> {
        let mut out: Vec<(u32, Vec<u32>)> = (0..shards + facet_shards)
            .filter(|&s| slot_partition(s, shards) == p)
            .map(|s| (s, Vec::new()))
            .collect();
        let words = shards.div_ceil(PARTITIONS) as usize;
        let split = words.min(out.len());
        let (word_slots, facet_slots) = out.split_at_mut(split);
        for (t, rec) in self.terms.iter().enumerate() {
            let pseudo = rec.pseudo();
            let slot = slot_of(self.folded(t as u32), pseudo, shards, facet_shards);
            let local = ((if pseudo { slot - shards } else { slot }) / PARTITIONS) as usize;
            let list = if pseudo { &mut facet_slots[local] } else { &mut word_slots[local] };
            list.1.push(t as u32);
        }
        out
    }

    /// The file of one slot (a shard), the long lists of its frequent terms, and its folded
    /// words' document frequencies.
    pub(super) fn write_slot(
        &self,
        slot: u32,
        shards: u32,
        mut terms: Vec<u32>,
    ) -> std::io::Result<PartitionOutput> {
        // Sorted by each term's first bytes first, kept beside it, so that most comparisons
        // read no string (the strings are spread over the whole partition's text).
        let mut keyed: Vec<(u64, u32)> = terms.iter().map(|&t| (sort_prefix(self.folded(t)), t)).collect();
        keyed.sort_unstable_by(|&(pa, a), &(pb, b)| {
            pa.cmp(&pb)
                .then_with(|| self.folded(a).cmp(self.folded(b)))
                .then_with(|| self.spelling(a).cmp(self.spelling(b)))
        });
        terms.clear();
        terms.extend(keyed.into_iter().map(|(_, t)| t));
        let mut files = Vec::new();
        let mut word_df = Vec::new();
        // (the spelling's first bytes, the spelling, its entry)
        let mut entries: Vec<(u64, &str, SlotEntry)> = Vec::with_capacity(terms.len());
        let mut json = Vec::new();
        for group in terms.chunk_by(|&a, &b| self.folded(a) == self.folded(b)) {
            let folded = self.folded(group[0]);
            let counts: SmallVec<[usize; 4]> =
                group.iter().map(|&t| self.terms[t as usize].count()).collect();
            let df: usize = counts.iter().sum();
            if slot < shards && is_word(folded) {
                word_df.push((folded.to_owned(), df as u32));
            }
            if df > LONG_LIST {
                let file = long_file(folded);
                let head = if df > heads::HEAD_MIN {
                    let lists = group
                        .iter()
                        .map(|&t| {
                            let p = Postings::from_varints(&self.terms[t as usize].postings)
                                .ok_or_else(|| std::io::Error::other("search index: damaged postings"))?;
                            Ok((self.spelling(t), p.decode()))
                        })
                        .collect::<std::io::Result<Vec<_>>>()?;
                    let lists: Vec<(&str, &[(u32, u32)])> =
                        lists.iter().map(|(s, l)| (*s, l.as_slice())).collect();
                    let head = heads::head_file(folded, &lists)?;
                    let path = head.path.clone();
                    files.push(head);
                    Some(path)
                } else {
                    None
                };
                json.clear();
                json.push(b'{');
                for (i, (&t, &count)) in group.iter().zip(&counts).enumerate() {
                    if i > 0 {
                        json.push(b',');
                    }
                    format::write_json_str(&mut json, self.spelling(t))?;
                    json.push(b':');
                    format::write_varint_postings(&mut json, &self.terms[t as usize].postings);
                    let spelling = self.spelling(t);
                    entries.push((
                        sort_prefix(spelling),
                        spelling,
                        SlotEntry::Long(file.clone(), count, head.clone()),
                    ));
                }
                json.push(b'}');
                files.push(IndexFile { path: file, bytes: format::gzip(&json)? });
            } else {
                entries.extend(group.iter().map(|&t| {
                    let spelling = self.spelling(t);
                    (sort_prefix(spelling), spelling, SlotEntry::Inline(t))
                }));
            }
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        json.clear();
        json.push(b'{');
        for (i, (_, spelling, entry)) in entries.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            format::write_json_str(&mut json, spelling)?;
            json.push(b':');
            match entry {
                SlotEntry::Inline(t) => {
                    format::write_varint_postings(&mut json, &self.terms[*t as usize].postings)
                }
                SlotEntry::Long(file, count, head) => {
                    json.push(b'[');
                    format::write_json_str(&mut json, file)?;
                    json.push(b',');
                    json.extend_from_slice(itoa::Buffer::new().format(*count).as_bytes());
                    if let Some(head) = head {
                        json.push(b',');
                        format::write_json_str(&mut json, head)?;
                    }
                    json.push(b']');
                }
            }
        }
        json.push(b'}');
        files.push(IndexFile { path: slot_file(slot, shards), bytes: format::gzip(&json)? });
        Ok((files, word_df))
    }
}
