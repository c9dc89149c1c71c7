//! Dates as newsrooms write them: a day, a month or only a year, never an invented day.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

impl DatePrecision {
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Year => "year",
            DatePrecision::Month => "month",
            DatePrecision::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "year" => Some(DatePrecision::Year),
            "month" => Some(DatePrecision::Month),
            "day" => Some(DatePrecision::Day),
            _ => None,
        }
    }
}

/// A date known to the year, the month or the day: `2023`, `2023-08` or `2023-05-26`.
///
/// It serialises as that string; its precision follows from its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

const MONTHS_SHORT: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
/// Month names, January first.
pub const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateError {}

/// How many days a month has in a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap {
                29
            } else {
                28
            }
        }
    }
}

impl PartialDate {
    pub fn year(year: i32) -> Result<Self, DateError> {
        Self::new(year, None, None)
    }

    pub fn month(year: i32, month: u32) -> Result<Self, DateError> {
        Self::new(year, Some(month), None)
    }

    pub fn day(year: i32, month: u32, day: u32) -> Result<Self, DateError> {
        Self::new(year, Some(month), Some(day))
    }

    /// Builds a date, checking that the month and the day exist.
    pub fn new(year: i32, month: Option<u32>, day: Option<u32>) -> Result<Self, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError(format!("year {year} is outside 1 to 9999")));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(DateError(format!("month {m} is outside 1 to 12")));
            }
        }
        match (month, day) {
            (None, Some(_)) => Err(DateError("a day needs a month".into())),
            (Some(m), Some(d)) if d < 1 || d > days_in_month(year, m) => Err(DateError(format!(
                "day {d} does not exist in {year}-{m:02}"
            ))),
            _ => Ok(PartialDate { year, month, day }),
        }
    }

    pub fn precision(&self) -> DatePrecision {
        match (self.month, self.day) {
            (_, Some(_)) => DatePrecision::Day,
            (Some(_), None) => DatePrecision::Month,
            _ => DatePrecision::Year,
        }
    }

    pub fn get_year(&self) -> i32 {
        self.year
    }

    pub fn get_month(&self) -> Option<u32> {
        self.month
    }

    pub fn get_day(&self) -> Option<u32> {
        self.day
    }

    /// The first day this date covers, as `yyyymmdd` (`2023-08` starts at 20230801).
    pub fn first_day_key(&self) -> i32 {
        self.year * 10_000 + self.month.unwrap_or(1) as i32 * 100 + self.day.unwrap_or(1) as i32
    }

    /// The last day this date covers, as `yyyymmdd` (`2023-08` ends at 20230831).
    pub fn last_day_key(&self) -> i32 {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        self.year * 10_000 + month as i32 * 100 + day as i32
    }

    /// The date as people write it: `May 26, 2023`, `Aug. 2023` or `2023`.
    pub fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{} {d}, {}", MONTHS_LONG[(m - 1) as usize], self.year),
            (Some(m), None) => format!("{} {}", MONTHS_SHORT[(m - 1) as usize], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => write!(f, "{:04}-{m:02}", self.year),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

impl FromStr for PartialDate {
    type Err = DateError;

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and nothing else.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape = || {
            DateError(format!(
                "'{s}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
            ))
        };
        let parts: Vec<&str> = s.split('-').collect();
        let widths = [4, 2, 2];
        if parts.is_empty() || parts.len() > 3 {
            return Err(shape());
        }
        let mut numbers = Vec::with_capacity(3);
        for (part, width) in parts.iter().zip(widths) {
            if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(shape());
            }
            numbers.push(part.parse::<u32>().map_err(|_| shape())?);
        }
        let year = numbers[0] as i32;
        PartialDate::new(year, numbers.get(1).copied(), numbers.get(2).copied())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What `PartialDate` reads, as a pattern (the document's): a year 0001 to 9999, a month 01 to 12, a day that
/// exists in that month (29 February in leap years only).
pub const PATTERN: &str = concat!(
    "^(?:",
    r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})",
    r"(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|1[0-9]|2[0-8]))?",
    r"|-(?:0[13-9]|1[0-2])-(?:29|30)",
    r"|-(?:0[13578]|1[02])-31)?",
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29",
    ")$"
);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PartialDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(PATTERN))
            .description(Some(
                "A date known to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD.",
            ))
            .examples([serde_json::json!("2023-08")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PartialDate {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision_and_prints_it_back() {
        for (s, p, human) in [
            ("2023", DatePrecision::Year, "2023"),
            ("2023-08", DatePrecision::Month, "Aug. 2023"),
            ("2023-05-26", DatePrecision::Day, "May 26, 2023"),
        ] {
            let d: PartialDate = s.parse().unwrap();
            assert_eq!(d.precision(), p);
            assert_eq!(d.to_string(), s);
            assert_eq!(d.human(), human);
        }
    }

    #[test]
    fn refuses_impossible_or_malformed_dates() {
        for s in [
            "2023-13",
            "2023-02-30",
            "23",
            "2023-8",
            "2023-08-01-01",
            "",
            "abcd",
            "2023-00",
        ] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should be refused");
        }
        assert!("2024-02-29".parse::<PartialDate>().is_ok());
    }

    #[test]
    fn covers_the_whole_period() {
        let d: PartialDate = "2023-02".parse().unwrap();
        assert_eq!(d.first_day_key(), 20230201);
        assert_eq!(d.last_day_key(), 20230228);
        let y: PartialDate = "2020".parse().unwrap();
        assert_eq!((y.first_day_key(), y.last_day_key()), (20200101, 20201231));
    }
}
