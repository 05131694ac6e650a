//! The build's "now": what decides which bulletins are due and which are news. It is the
//! system clock, unless `BANTIN_NOW` names a time (RFC 3339, e.g. `2020-01-06T08:30:00+07:00`):
//! for tests with a fixed clock, and to rebuild a site exactly as it was at a given moment.

use crate::diag::Diagnostic;

/// The environment variable that fixes the clock.
pub const NOW_VAR: &str = "BANTIN_NOW";

/// The current time: `BANTIN_NOW` when set (an error when it is not a time), else the system's.
pub fn now() -> Result<jiff::Timestamp, Diagnostic> {
    match std::env::var(NOW_VAR) {
        Ok(text) => text.trim().parse::<jiff::Timestamp>().map_err(|e| {
            Diagnostic::error(format!("{NOW_VAR}={text} is not a time: {e}"))
                .with_hint(format!("write it as {NOW_VAR}=2020-01-06T08:30:00+07:00, or unset it"))
        }),
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}
