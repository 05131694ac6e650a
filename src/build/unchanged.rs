//! The "unchanged?" stage: when the key of every input equals the one the published build was
//! made from, and that build is still what the output directory holds, there is nothing to do.

use std::path::Path;
use std::time::Instant;

use super::report::{BuildReport, Timings};
use super::scan::Scan;
use crate::cache::{SourceStat, State};
use crate::output::{self, Staging, dir_id};

/// The report of a build that has nothing to do, if that is this one: no errors, the same
/// inputs as the published build, its output untouched, and no bulletin left out for being in
/// the future whose time has come.
pub fn report(scan: &Scan, state: &State, out: &Path, started: Instant) -> Option<BuildReport> {
    let now = scan.now;
    let same = scan.errors.is_empty()
        && scan.keys.input.is_some()
        && state.input_key == scan.keys.input
        && state.out_id.is_some()
        && state.out_id == dir_id(out)
        && out.join(output::MARKER).is_file()
        && state.horizon.is_none_or(|h| h > now);
    if !same {
        return None;
    }
    // Tidy up after builds that were killed before this one.
    Staging::remove_stale(out, false);
    let mut timings: Timings = scan.timings.clone();
    timings.lap("nothing changed");
    Some(BuildReport {
        out: out.to_path_buf(),
        bulletins: state.bulletins,
        pages: state.pages,
        rendered: 0,
        files: 0,
        bytes: 0,
        photos: state.photos,
        photos_made: 0,
        drafts_skipped: state.drafts_skipped,
        future_skipped: state.future_skipped.clone(),
        next_due: state.next_due.map(|t| super::report::due_time(t, &scan.tz)),
        warnings: state.warnings.clone(),
        elapsed: started.elapsed(),
        timings,
    })
}

/// The state to keep after a build with nothing to do, when it knows many sources by other
/// sizes or times than the state does (files saved again with the same text): so that the
/// next build need not read them again. For a few it is not worth it: each costs the next
/// build one read of a file, while the state is written whole (about 70 bytes a source: 67 MB
/// at 1,000,000 bulletins, a good part of such a build); so only when more than one source in
/// [`RESTATE_ONE_IN`] is known anew.
pub fn restated(scan: &Scan, state: &State) -> Option<State> {
    let now: Vec<&SourceStat> = scan.sources.iter().map(|s| &s.stat).collect();
    worth_restating(&now, &state.sources)
        .then(|| State { sources: now.into_iter().cloned().collect(), ..state.clone() })
}

/// See [`restated`].
const RESTATE_ONE_IN: usize = 256;

/// Whether the sources as known now differ from the state's in more than one in
/// [`RESTATE_ONE_IN`] (or in number).
fn worth_restating(now: &[&SourceStat], known: &[SourceStat]) -> bool {
    let differ = now.iter().zip(known).filter(|(s, k)| **s != *k).count();
    now.len() != known.len() || differ * RESTATE_ONE_IN > now.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_written_again_only_for_many_sources_known_anew() {
        let stat = |i: usize, mtime: i64| SourceStat {
            path: format!("content/{i}.md").into(),
            len: 10,
            mtime: Some(mtime),
            hash: i as u64,
        };
        let known: Vec<SourceStat> = (0..1000).map(|i| stat(i, 1)).collect();
        let same: Vec<&SourceStat> = known.iter().collect();
        assert!(!worth_restating(&same, &known));
        fn refs(v: &[SourceStat]) -> Vec<&SourceStat> {
            v.iter().collect()
        }
        let mut now: Vec<SourceStat> = known.clone();
        now[7] = stat(7, 2);
        assert!(!worth_restating(&refs(&now), &known), "one of 1,000: read again next time");
        for i in 0..4 {
            now[100 + i] = stat(100 + i, 2);
        }
        assert!(worth_restating(&refs(&now), &known), "5 of 1,000");
        assert!(worth_restating(&refs(&now[6..8]), &known[6..8]), "one of 2");
        assert!(worth_restating(&refs(&known[..999]), &known), "one fewer");
    }
}
