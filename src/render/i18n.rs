//! UI strings and date formats of the theme, from `i18n/<language>.toml`.

use std::collections::BTreeMap;

use crate::content::{Precision, PubDate};
use crate::diag::Diagnostic;

use super::theme::Theme;

/// The strings of one language. Values are plain strings; `months` is a list of twelve,
/// `weekdays` of seven (Monday first).
#[derive(Debug, Clone)]
pub struct Strings {
    pub table: BTreeMap<String, String>,
    months: Vec<String>,
    weekdays: Vec<String>,
}

/// What a date pattern's placeholders stand for.
#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    year: i16,
    month: i8,
    day: i8,
    hour: i8,
    minute: i8,
    /// 0 for Monday … 6 for Sunday.
    weekday: i8,
    /// The offset from UTC, in seconds.
    offset: i32,
}

impl Parts {
    fn of(d: &PubDate) -> Parts {
        let z = &d.zoned;
        Parts {
            year: z.year(),
            month: z.month(),
            day: z.day(),
            hour: z.hour(),
            minute: z.minute(),
            weekday: z.weekday().to_monday_zero_offset(),
            offset: z.offset().seconds(),
        }
    }
}

impl Strings {
    pub fn load(theme: &Theme, language: &str) -> Result<Strings, Diagnostic> {
        let key = format!("i18n/{language}.toml");
        let origin = theme.origin(&key);
        let bytes = theme.files.get(&key).ok_or_else(|| {
            Diagnostic::error(format!("the theme has no strings for language `{language}`"))
                .with_hint(format!("add {key} to the theme or set `language` to `vi` or `en`"))
        })?;
        let text = String::from_utf8_lossy(bytes);
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| Diagnostic::error(format!("invalid {origin}: {}", e.message())).in_file(&origin))?;
        let mut strings = BTreeMap::new();
        let mut months = Vec::new();
        let mut weekdays = Vec::new();
        for (k, v) in table {
            match v {
                toml::Value::String(s) => {
                    strings.insert(k, s);
                }
                toml::Value::Array(a) if k == "months" || k == "weekdays" => {
                    let names = a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect();
                    if k == "months" { months = names } else { weekdays = names }
                }
                _ => {
                    return Err(
                        Diagnostic::error(format!("{origin}: `{k}` must be a string")).in_file(&origin)
                    );
                }
            }
        }
        if months.len() != 12 {
            return Err(Diagnostic::error(format!("{origin}: `months` must list twelve month names"))
                .in_file(&origin));
        }
        let uses_weekday = strings.iter().find(|(k, v)| k.starts_with("date") && v.contains("{weekday}"));
        if let (Some((key, _)), false) = (uses_weekday, weekdays.len() == 7) {
            return Err(Diagnostic::error(format!(
                "{origin}: `{key}` writes the day of the week, but `weekdays` does not list seven names"
            ))
            .with_hint("add `weekdays = [\"Monday\", …, \"Sunday\"]` (Monday first)")
            .in_file(&origin));
        }
        Ok(Strings { table: strings, months, weekdays })
    }

    pub fn get<'s>(&'s self, key: &'s str) -> &'s str {
        self.table.get(key).map_or(key, String::as_str)
    }

    pub fn month_name(&self, month: i8) -> &str {
        self.months.get(usize::try_from(month - 1).unwrap_or(0)).map_or("", String::as_str)
    }

    /// Formats a date for readers: "6 tháng 1, 2020", "tháng 1/2020" for a month-precision
    /// date (never an invented day), and the time when the editor gave one.
    pub fn format_date(&self, d: &PubDate) -> String {
        self.format_as(d, d.precision)
    }

    /// The date without its time of day.
    pub fn format_day(&self, d: &PubDate) -> String {
        self.format_as(d, d.precision.min(Precision::Day))
    }

    /// The date written to `precision` (at most its own).
    fn format_as(&self, d: &PubDate, precision: Precision) -> String {
        let pattern = match precision {
            Precision::Month => self.get("date_month"),
            Precision::Day => self.get("date_day"),
            Precision::Time => self.get("date_time"),
        };
        self.fill(pattern, Parts::of(d))
    }

    /// The date as a bulletin's byline gives it, in the newspaper's long form: "Thứ Ba,
    /// 6/1/2020, 08:30 (GMT+7)" (`dateline_time`), without the time when none was given
    /// (`dateline_day`), and "Tháng 1/2020" for a month (`date_month`).
    pub fn format_dateline(&self, d: &PubDate) -> String {
        let pattern = match d.precision {
            Precision::Month => self.get("date_month"),
            Precision::Day => self.get("dateline_day"),
            Precision::Time => self.get("dateline_time"),
        };
        self.fill(pattern, Parts::of(d))
    }

    /// "Tháng 1/2020" / "January 2020".
    pub fn format_month(&self, year: i16, month: i8) -> String {
        self.fill(self.get("date_month"), Parts { year, month, day: 1, ..Parts::default() })
    }

    /// The pattern with its placeholders filled in, in one pass (a date is formatted for
    /// every card, page and search result); anything else in braces is kept as it is.
    fn fill(&self, pattern: &str, parts: Parts) -> String {
        use std::fmt::Write as _;
        let Parts { year, month, day, hour, minute, weekday, offset } = parts;
        let mut out = String::with_capacity(pattern.len() + 16);
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            let name = after.find('}').map(|close| &after[1..close]);
            // Writing to a String cannot fail.
            let _ = match name {
                Some("year") => write!(out, "{year}"),
                Some("month_name") => write!(out, "{}", self.month_name(month)),
                Some("month") => write!(out, "{month}"),
                Some("day") => write!(out, "{day}"),
                Some("hour") => write!(out, "{hour:02}"),
                Some("minute") => write!(out, "{minute:02}"),
                Some("weekday") => {
                    write!(out, "{}", self.weekdays.get(weekday as usize).map_or("", String::as_str))
                }
                // "GMT+7", "GMT-3:30", "GMT+0".
                Some("offset") => {
                    let (sign, abs) = if offset < 0 { ('-', -offset) } else { ('+', offset) };
                    match (abs / 3600, abs % 3600 / 60) {
                        (h, 0) => write!(out, "GMT{sign}{h}"),
                        (h, m) => write!(out, "GMT{sign}{h}:{m:02}"),
                    }
                }
                _ => {
                    out.push('{');
                    rest = &after[1..];
                    continue;
                }
            };
            rest = &after[name.map_or(0, str::len) + 2..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_as_replacing_each_in_turn_would() {
        let months = (1..=12).map(|m| format!("tháng {m}"));
        let weekdays = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"];
        let strings = Strings {
            table: BTreeMap::new(),
            months: months.collect(),
            weekdays: weekdays.map(str::to_owned).to_vec(),
        };
        let by_replacing = |pattern: &str, year: i16, month: i8, day: i8, hour: i8, minute: i8| {
            pattern
                .replace("{year}", &year.to_string())
                .replace("{month_name}", strings.month_name(month))
                .replace("{month}", &month.to_string())
                .replace("{day}", &day.to_string())
                .replace("{hour}", &format!("{hour:02}"))
                .replace("{minute}", &format!("{minute:02}"))
        };
        let patterns = [
            "{month_name} {day}, {year}, {hour}:{minute}",
            "{hour}:{minute}, {day} tháng {month}, {year}",
            "tháng {month}/{year}",
            "{{year}} {unknown} {year",
            "{",
            "}{}{month}}",
            "",
            "no placeholders",
        ];
        for pattern in patterns {
            for (year, month, day, hour, minute) in [(2020, 1, 6, 7, 5), (-44, 12, 31, 23, 59)] {
                let parts = Parts { year, month, day, hour, minute, ..Parts::default() };
                assert_eq!(
                    strings.fill(pattern, parts),
                    by_replacing(pattern, year, month, day, hour, minute),
                    "{pattern:?}"
                );
            }
        }
    }

    #[test]
    fn the_dateline_names_the_weekday_and_the_offset() {
        let theme = Theme::load(std::path::Path::new("/nonexistent"), "default").expect("theme");
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("zone");
        let vi = Strings::load(&theme, "vi").expect("vi");
        let en = Strings::load(&theme, "en").expect("en");
        let date = |raw: &str| crate::content::parse_date(raw, &tz).expect("date");
        // 6 January 2020 was a Monday ("Thứ Hai"); the 7th a Tuesday.
        assert_eq!(vi.format_dateline(&date("2020-01-06T08:30")), "Thứ Hai, 6/1/2020, 08:30 (GMT+7)");
        assert_eq!(vi.format_dateline(&date("2020-01-07T08:30")), "Thứ Ba, 7/1/2020, 08:30 (GMT+7)");
        assert_eq!(en.format_dateline(&date("2020-01-06T08:30")), "Monday, January 6, 2020, 08:30 (GMT+7)");
        assert_eq!(vi.format_dateline(&date("2020-01-12")), "Chủ Nhật, 12/1/2020");
        assert_eq!(vi.format_dateline(&date("2020-01")), "Tháng 1/2020");
        assert_eq!(en.format_dateline(&date("2020-01")), "January 2020");
        // A date is shown in the site's time zone, with that zone's offset at the time.
        assert_eq!(
            vi.format_dateline(&date("2020-01-06T08:30:00-03:30")),
            "Thứ Hai, 6/1/2020, 19:00 (GMT+7)"
        );
        let kolkata = jiff::tz::TimeZone::get("Asia/Kolkata").expect("zone");
        let d = crate::content::parse_date("2020-01-06T08:30", &kolkata).expect("date");
        assert_eq!(en.format_dateline(&d), "Monday, January 6, 2020, 08:30 (GMT+5:30)");
        assert_eq!(vi.format_date(&date("2020-01-06T08:30")), "6/1/2020, 08:30");
    }
}
