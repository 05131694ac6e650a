//! UI strings and date formats of the theme, from `i18n/<language>.toml`.

use std::collections::BTreeMap;

use crate::content::{Precision, PubDate};
use crate::diag::Diagnostic;

use super::theme::Theme;

/// The strings of one language. Values are plain strings; `months` is a list of twelve.
#[derive(Debug, Clone)]
pub struct Strings {
    pub table: BTreeMap<String, String>,
    months: Vec<String>,
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
        for (k, v) in table {
            match v {
                toml::Value::String(s) => {
                    strings.insert(k, s);
                }
                toml::Value::Array(a) if k == "months" => {
                    months = a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect();
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
        Ok(Strings { table: strings, months })
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
        self.fill(pattern, d.year(), d.month(), d.zoned.day(), d.zoned.hour(), d.zoned.minute())
    }

    /// "tháng 1/2020" / "January 2020".
    pub fn format_month(&self, year: i16, month: i8) -> String {
        self.fill(self.get("date_month"), year, month, 1, 0, 0)
    }

    /// The pattern with its placeholders filled in, in one pass (a date is formatted for
    /// every card, page and search result); anything else in braces is kept as it is.
    fn fill(&self, pattern: &str, year: i16, month: i8, day: i8, hour: i8, minute: i8) -> String {
        use std::fmt::Write as _;
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
        let strings = Strings { table: BTreeMap::new(), months: months.collect() };
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
                assert_eq!(
                    strings.fill(pattern, year, month, day, hour, minute),
                    by_replacing(pattern, year, month, day, hour, minute),
                    "{pattern:?}"
                );
            }
        }
    }
}
