//! The "unchanged?" stage: when the key of every input equals the one the published build was
//! made from, and that build is still what the output directory holds, there is nothing to do.

use std::path::Path;
use std::time::Instant;

use super::report::{BuildReport, Timings};
use super::scan::Scan;
use crate::cache::State;
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

/// The state to keep after a build with nothing to do, when it knows a source by another size
/// or time than the state does (a file saved again with the same text): so that the next
/// build need not read it again.
pub fn restated(scan: &Scan, state: &State) -> Option<State> {
    let same = scan.sources.len() == state.sources.len()
        && scan.sources.iter().zip(&state.sources).all(|(s, known)| s.stat == *known);
    (!same).then(|| State { sources: scan.sources.iter().map(|s| s.stat.clone()).collect(), ..state.clone() })
}
