//! The build's memory budget (`--max-memory`, else a quarter of the machine's memory) and what
//! it decides: whether the bodies of the bulletins parsed in this build, the bodies read back
//! from their sources, the archive's summaries and the lists' cards are held in memory or
//! spilled to disk ([`crate::archive::Spill`]), and in how many runs the search index is
//! built ([`crate::search::Runs`]). What is published is the same either way.

/// Bytes of memory a body takes per byte of its Markdown source: its HTML (about 1.1×) and
/// plain text (about 0.6×), with their allocations. Measured on 20,000 bulletins of
/// `make-bulletins.py`: 2.05.
const BODY_BYTES_PER_SOURCE_BYTE: u64 = 2;

/// The budget when the machine's memory is not known.
const UNKNOWN_MACHINE_BUDGET: u64 = 4 << 30;

/// Whether the bodies of sources of `source_bytes` in all, parsed in this build, go to disk:
/// when held they would take more than half the budget. (The archive's metadata, the pages
/// being rendered and the search index's partitions are held regardless.)
pub fn spill_bodies(budget: u64, source_bytes: u64) -> bool {
    source_bytes.saturating_mul(BODY_BYTES_PER_SOURCE_BYTE) > budget / 2
}

/// Bytes a body read back from its source takes held, per word: its HTML and plain text
/// (Vietnamese averages about 4.5 bytes a word, HTML adds its markup).
const BODY_BYTES_PER_WORD: u64 = 12;

/// Whether bodies of `words` words in all, read back from their sources (pages showing them
/// changed: a theme edited, say), go to disk: when held they would take more than half the
/// budget.
pub fn spill_read_back(budget: u64, words: u64) -> bool {
    words.saturating_mul(BODY_BYTES_PER_WORD) > budget / 2
}

/// Bytes the archive holds per bulletin (titles, dates, URLs, tags, summaries; measured at
/// 1,000,000 bulletins of `make-bulletins.py`: about 1,300, of which 230 the summary).
const ARCHIVE_BYTES_PER_BULLETIN: u64 = 1_300;

/// Whether the archive of `bulletins` would take more than half the budget: then the
/// summaries of the bulletins from the build cache go to disk too (the build's spill file),
/// and the cards of lists are made where they are shown rather than kept.
pub fn archive_tight(budget: u64, bulletins: u64) -> bool {
    bulletins.saturating_mul(ARCHIVE_BYTES_PER_BULLETIN) > budget / 2
}

/// Bytes a list's card takes per bulletin once made, kept for every page that lists it: the
/// card as templates see it (about 2.5 KB) and its rendered `card.html` (about 1.5 KB).
const CARD_BYTES_PER_BULLETIN: u64 = 4_000;

/// Whether the cards of `bulletins` are made again wherever a page lists them (their HTML
/// put in the build's spill file) rather than kept: when kept, every page rendered (a theme
/// changed, say) would hold them all, and they would take more than a quarter of the budget.
pub fn cards_tight(budget: u64, bulletins: u64) -> bool {
    bulletins.saturating_mul(CARD_BYTES_PER_BULLETIN) > budget / 4
}

/// How many bytes of terms the search index collects before it puts them on disk as a run
/// ([`crate::search::Runs`]): a sixth of the budget, or three quarters of what the budget
/// leaves over what the build holds already (`held`), whichever is less; at least 32 MB, at
/// most 512 MB.
pub fn index_run_bytes(budget: u64, held: Option<u64>) -> u64 {
    let left = budget.saturating_sub(held.unwrap_or(0)) / 4 * 3;
    (budget / 6).min(left).clamp(MIN_INDEX_RUN, MAX_INDEX_RUN)
}

/// The fewest bytes of terms a run of the search index holds.
const MIN_INDEX_RUN: u64 = 32 << 20;
/// The most: larger runs hardly save time (the merge reads each run's share of a partition in
/// turn), and at 1,000,000 bulletins a run of a sixth of a 6 GB budget took the build's
/// peak over 3 GB.
const MAX_INDEX_RUN: u64 = 512 << 20;

/// The budget: `max_memory` when given, else a quarter of the memory this process may use
/// (the cgroup's limit when there is one, as in containers and CI runners, else the machine's).
pub fn budget(max_memory: Option<u64>) -> u64 {
    max_memory.unwrap_or_else(|| machine_memory().map_or(UNKNOWN_MACHINE_BUDGET, |m| m / 4))
}

fn machine_memory() -> Option<u64> {
    let total = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    });
    let cgroup =
        std::fs::read_to_string("/sys/fs/cgroup/memory.max").ok().and_then(|l| l.trim().parse().ok());
    match (total, cgroup) {
        (Some(t), Some(c)) => Some(t.min(c)),
        (t, c) => t.or(c),
    }
}

/// Parses a size as `--max-memory` takes it: bytes, or a number with K, M, G or T (powers of
/// 1024; `KB`, `MiB` and lower case are accepted too), e.g. `2G`, `1536M`, `1.5G`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().trim_end_matches("ib").trim_end_matches('b') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return Err(format!("`{text}` is not a size: write it as e.g. 2G, 1536M or 800000000")),
    };
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write it as e.g. 2G, 1536M or 800000000"))?;
    let bytes = n * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(format!("`{text}` is not a size a build can have"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("1536M"), Ok(1536 << 20));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("64 KB"), Ok(64 << 10));
        assert_eq!(parse_size("800000000"), Ok(800_000_000));
        for bad in ["", "G", "2X", "-1G", "0", "1e3"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bodies_spill_when_they_would_take_more_than_half_the_budget() {
        assert!(!spill_bodies(1 << 30, 200 << 20));
        assert!(spill_bodies(1 << 30, 300 << 20));
        assert!(spill_bodies(1, 1));
        assert!(!spill_bodies(1, 0), "nothing to parse, nothing to spill");
        assert!(budget(None) > 0);
        assert_eq!(index_run_bytes(3 << 30, None), 512 << 20, "a sixth");
        assert_eq!(index_run_bytes(24 << 30, None), MAX_INDEX_RUN, "at most");
        assert_eq!(
            index_run_bytes(3 << 30, Some((3 << 30) - (400 << 20))),
            300 << 20,
            "three quarters of what is left"
        );
        assert_eq!(index_run_bytes(1 << 30, Some(2 << 30)), MIN_INDEX_RUN, "over the budget already");
        assert_eq!(budget(Some(5)), 5);
    }

    #[test]
    fn read_back_bodies_and_summaries_go_to_disk_only_when_tight() {
        // 2 GiB: 20,000 bulletins of 600 words read back are held; 1,000,000 are not.
        assert!(!spill_read_back(2 << 30, 20_000 * 600));
        assert!(spill_read_back(2 << 30, 1_000_000 * 600));
        assert!(!spill_read_back(1, 0));
        // The archive's summaries: held at 100,000 bulletins under 2 GiB, not at 1,000,000.
        assert!(!archive_tight(2 << 30, 100_000));
        assert!(archive_tight(2 << 30, 1_000_000));
        assert!(!archive_tight(1 << 20, 0));
        // Cards: kept at 20,000 bulletins under 1 GiB, made where shown at 100,000 under 256 MiB.
        assert!(!cards_tight(1 << 30, 20_000));
        assert!(cards_tight(256 << 20, 100_000));
        assert!(!cards_tight(1, 0));
    }
}
