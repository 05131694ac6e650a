//! Publication dates. A date written without an offset is in the site's time zone; a month
//! alone ("2020-01") is a first-class month-precision date that sorts as the 1st of the month
//! and is never shown with an invented day.

use jiff::ZonedDateTime as Zoned;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// How much of a date the editor wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Precision {
    Month,
    Day,
    Time,
}

/// A bulletin's date: the instant it sorts at, in the site's time zone, and its precision.
/// Stored (in the build cache) as the instant and the precision; read back in the site's
/// time zone, which [`with_zone`] provides, since every date is held in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubDate {
    pub zoned: Zoned,
    pub precision: Precision,
}

impl PubDate {
    pub fn year(&self) -> i16 {
        self.zoned.year()
    }

    pub fn month(&self) -> i8 {
        self.zoned.month()
    }

    /// The machine-readable form for `<time datetime>`: `2020-01`, `2020-01-06`, or a full
    /// RFC 3339 timestamp with offset.
    pub fn machine(&self) -> String {
        match self.precision {
            Precision::Month => self.zoned.strftime("%Y-%m").to_string(),
            Precision::Day => self.zoned.strftime("%Y-%m-%d").to_string(),
            Precision::Time => self.zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        }
    }

    /// The machine-readable date without its time of day (`2020-01`, `2020-01-06`).
    pub fn machine_day(&self) -> String {
        match self.precision {
            Precision::Time => self.zoned.strftime("%Y-%m-%d").to_string(),
            Precision::Month | Precision::Day => self.machine(),
        }
    }

    /// Seconds since the Unix epoch, for sorting.
    pub fn sort_key(&self) -> i64 {
        self.zoned.timestamp().as_second()
    }

    /// What every form of the date is made from (seconds since the epoch, the offset in
    /// seconds, the precision), for fingerprints: equal identities, equal strings.
    pub fn identity(&self) -> [u64; 3] {
        let precision = match self.precision {
            Precision::Month => 0,
            Precision::Day => 1,
            Precision::Time => 2,
        };
        [self.sort_key() as u64, i64::from(self.zoned.offset().seconds()) as u64, precision]
    }
}

thread_local! {
    static ZONE: std::cell::RefCell<Option<TimeZone>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with `tz` as the zone in which deserialised dates are read.
pub fn with_zone<T>(tz: &TimeZone, f: impl FnOnce() -> T) -> T {
    ZONE.with(|z| *z.borrow_mut() = Some(tz.clone()));
    let out = f();
    ZONE.with(|z| *z.borrow_mut() = None);
    out
}

impl serde::Serialize for PubDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ts = self.zoned.timestamp();
        (ts.as_second(), ts.subsec_nanosecond(), self.precision).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for PubDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let (secs, nanos, precision): (i64, i32, Precision) = serde::Deserialize::deserialize(d)?;
        let ts = jiff::Timestamp::new(secs, nanos).map_err(D::Error::custom)?;
        let tz = ZONE
            .with(|z| z.borrow().clone())
            .ok_or_else(|| D::Error::custom("dates are read only within `with_zone`"))?;
        Ok(PubDate { zoned: ts.to_zoned_datetime(tz), precision })
    }
}

/// Parses a front-matter date: `2020-01-06`, `2020-01-06 08:30`, `2020-01-06T08:30:00`,
/// `2020-01-06T08:30:00+07:00` (or `Z`), or `2020-01`.
pub fn parse_date(raw: &str, tz: &TimeZone) -> Result<PubDate, String> {
    let s = raw.trim();
    parse_date_inner(s, tz).map_err(|internal| plain_date_error(s, &internal))
}

/// The forms of a date bantin reads, as the hint under a date's error.
pub const DATE_HINT: &str =
    "write the date as 2020-01-06, 2020-01-06 08:30, 2020-01-06T08:30:00+07:00 or 2020-01 (month only)";

/// What is wrong with a date, in plain words: never the parser's internals (which name
/// "parameters" and "integers"). The forms bantin reads are the callers' hint ([`DATE_HINT`]).
fn plain_date_error(s: &str, internal: &str) -> String {
    let digits: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    if let Some(fixed) = rearranged(s) {
        return format!("`{s}` is not a date bantin can read: write it as {fixed} (year first, with dashes)");
    }
    let shape = if s.contains('/') || s.contains('.') && digits.len() == 3 && digits[0].len() <= 2 {
        "day and month first (06/01/2020) is not read: the year comes first"
    } else if s.to_lowercase().contains("tháng")
        || s.to_lowercase().contains("năm")
        || s.chars().any(char::is_alphabetic) && !s.contains('T')
    {
        "dates in words (6 tháng 1 năm 2020) are not read"
    } else if internal.contains("does not exist in the site's time zone") {
        return internal.to_string();
    } else if s.get(10..).is_some_and(|t| t.contains(['+', '-']))
        && parse_date_inner(s.get(..10).unwrap_or(s), &TimeZone::UTC).is_ok()
    {
        "its time or the offset after it is not one bantin reads (write the offset as +07:00)"
    } else if digits.len() >= 2 && digits[1].parse::<u32>().is_ok_and(|m| m == 0 || m > 12) {
        "there is no such month"
    } else if digits.len() >= 3 && digits[2].parse::<u32>().is_ok_and(|d| d == 0 || d > 31) {
        "there is no such day"
    } else if digits.len() >= 3 {
        "there is no such day in that month, or no such time"
    } else {
        "it is not a date"
    };
    format!("`{s}` is not a date bantin can read: {shape}")
}

/// A date written day first (`06/12/2024`, `6-12-2024`, `06.12.2024`) or with slashes
/// (`2024/12/06`), with a time as newsrooms write it or not (`8h30`, `08:30`), in the form
/// bantin reads (`2024-12-06 08:30`), when its parts make a date and time.
fn rearranged(s: &str) -> Option<String> {
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (y, m, d) = match (parts[0].len(), parts[2].len()) {
        (4, 1..=2) if parts[1].len() <= 2 => (parts[0], parts[1], parts[2]),
        (1..=2, 4) if parts[1].len() <= 2 => (parts[2], parts[1], parts[0]),
        _ => return None,
    };
    let day = Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
    let time = match time {
        None => String::new(),
        Some(t) => {
            let (h, min) = t.split_once(['h', 'H', ':'])?;
            let min = if min.is_empty() { "0" } else { min };
            let (h, min): (i8, i8) = (h.parse().ok()?, min.parse().ok()?);
            jiff::civil::Time::new(h, min, 0, 0).ok()?;
            format!(" {h:02}:{min:02}")
        }
    };
    Some(format!("{day}{time}"))
}

/// A date and time with an offset, written as RFC 3339 writes it: the offset right after the
/// time, its hours and minutes parted by a colon. Editors and other tools also write a space
/// before it, or leave out the colon or the minutes (`2024-12-06 08:30:00 +0700`, `… +07`), as
/// YAML's own timestamps and many programs' defaults do.
fn with_plain_offset(s: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = s.get(10..).and_then(|t| t.rfind(['+', '-'])).map(|k| k + 10) else {
        // "08:30 Z": the Z right after the time.
        let time = s.trim_end_matches(['Z', 'z']);
        return if time.len() < s.len() { format!("{}Z", time.trim_end()).into() } else { s.into() };
    };
    let (time, sign, offset) = (s[..at].trim_end(), &s[at..at + 1], &s[at + 1..]);
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let offset = match offset.len() {
        2 if digits(offset) => format!("{offset}:00"),
        4 if digits(offset) => format!("{}:{}", &offset[..2], &offset[2..]),
        _ => offset.to_string(),
    };
    format!("{time}{sign}{offset}").into()
}

fn parse_date_inner(s: &str, tz: &TimeZone) -> Result<PubDate, String> {
    let bad = || format!("`{s}` is not a date");
    let is_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let in_zone = |dt: DateTime| {
        tz.to_zoned_datetime(dt).map_err(|e| format!("`{s}` does not exist in the site's time zone: {e}"))
    };

    // Month precision: YYYY-MM.
    if s.len() == 7 && s.as_bytes()[4] == b'-' && is_digits(&s[..4]) && is_digits(&s[5..]) {
        let year: i16 = s[..4].parse().map_err(|_| bad())?;
        let month: i8 = s[5..].parse().map_err(|_| bad())?;
        let date = Date::new(year, month, 1).map_err(|_| format!("`{s}`: there is no month {month}"))?;
        return Ok(PubDate {
            zoned: in_zone(date.to_datetime(jiff::civil::Time::midnight()))?,
            precision: Precision::Month,
        });
    }
    // Day precision: YYYY-MM-DD.
    if s.len() == 10 {
        let date: Date = s.parse().map_err(|e| format!("`{s}` is not a valid date: {e}"))?;
        return Ok(PubDate {
            zoned: in_zone(date.to_datetime(jiff::civil::Time::midnight()))?,
            precision: Precision::Day,
        });
    }
    if s.len() < 10 {
        return Err(bad());
    }
    // With an offset: an exact instant, shown in the site's time zone.
    let has_offset =
        s.ends_with('Z') || s.ends_with('z') || s.get(10..).is_some_and(|t| t.contains(['+', '-']));
    if has_offset {
        let written = with_plain_offset(s);
        let ts: jiff::Timestamp =
            written.parse().map_err(|e| format!("`{s}` is not a valid date and time: {e}"))?;
        return Ok(PubDate { zoned: ts.to_zoned_datetime(tz.clone()), precision: Precision::Time });
    }
    let normalised = s.replacen(' ', "T", 1);
    let dt: DateTime = normalised.parse().map_err(|e| format!("`{s}` is not a valid date and time: {e}"))?;
    Ok(PubDate { zoned: in_zone(dt)?, precision: Precision::Time })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcm() -> TimeZone {
        TimeZone::get("Asia/Ho_Chi_Minh").expect("bundled tzdb")
    }

    #[test]
    fn precisions() {
        let d = parse_date("2020-01", &hcm()).expect("month");
        assert_eq!(d.precision, Precision::Month);
        assert_eq!(d.machine(), "2020-01");
        let d = parse_date("2020-01-06", &hcm()).expect("day");
        assert_eq!(d.machine(), "2020-01-06");
        assert_eq!(d.zoned.timestamp().to_string(), "2020-01-05T17:00:00Z");
        let d = parse_date("2020-01-06 08:30", &hcm()).expect("local time");
        assert_eq!(d.machine(), "2020-01-06T08:30:00+07:00");
        let d = parse_date("2020-01-06T01:30:00Z", &hcm()).expect("utc");
        assert_eq!(d.machine(), "2020-01-06T08:30:00+07:00");
        let d = parse_date("2020-01-06T08:30:00+07:00", &hcm()).expect("offset");
        assert_eq!(d.precision, Precision::Time);
    }

    #[test]
    fn a_date_written_day_first_or_with_slashes_is_refused_with_it_rewritten() {
        let said = |s: &str| parse_date(s, &hcm()).err().unwrap_or_default();
        for (typed, fixed) in [
            ("06/12/2024", "2024-12-06"),
            ("6-12-2024", "2024-12-06"),
            ("06.12.2024 8h30", "2024-12-06 08:30"),
            ("2024/12/06", "2024-12-06"),
            ("2024-12-06 8h", "2024-12-06 08:00"),
            ("2024-12-6", "2024-12-06"),
        ] {
            assert!(
                said(typed).contains(&format!("write it as {fixed} (year first")),
                "{typed}: {}",
                said(typed)
            );
        }
        // Parts that make no date are not rewritten into one.
        for typed in ["31/02/2024", "12/06/2024 25h", "2024-13-01", "1/2/3"] {
            assert!(!said(typed).contains("write it as"), "{typed}: {}", said(typed));
        }
    }

    #[test]
    fn an_offset_after_a_space_or_without_its_colon_is_read() {
        for written in [
            "2024-12-06 08:30:00 +0700",
            "2024-12-06 08:30:00 +07:00",
            "2024-12-06T08:30:00+0700",
            "2024-12-06 08:30 +07",
            "2024-12-06T01:30:00 Z",
            "2024-12-06 01:30:00Z",
        ] {
            let d = parse_date(written, &hcm()).unwrap_or_else(|e| panic!("{written}: {e}"));
            assert_eq!(d.machine(), "2024-12-06T08:30:00+07:00", "{written}");
            assert_eq!(d.precision, Precision::Time);
        }
        let d = parse_date("2024-12-06 08:30:00 -0500", &hcm()).expect("west of Greenwich");
        assert_eq!(d.machine(), "2024-12-06T20:30:00+07:00");
        for s in ["2024-12-06 08:30 +7", "2024-12-06 08:30 +07:0", "2024-12-06 08:30 +07 00"] {
            let said = parse_date(s, &hcm()).err().unwrap_or_default();
            assert!(said.contains("write the offset as +07:00"), "{s}: {said}");
        }
    }

    #[test]
    fn rejects_nonsense() {
        for s in ["2020", "2020-13", "2020-02-30", "hôm qua", "2020-01-06T25:00", ""] {
            assert!(parse_date(s, &hcm()).is_err(), "{s}");
        }
    }
}
