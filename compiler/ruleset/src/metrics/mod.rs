//! Delivery and remediation metrics computed from evidence records: time to patch
//! (patch.rs), the four DORA keys (dora.rs) and the DORA performance bands beside them
//! (bands.rs, read from data/dora-bands.json). The definitions are in docs/metrics.md.
//! Everything is computed for one app over one window ending at the evaluation date.

pub mod bands;
pub mod catalog;
pub mod dora;
pub mod patch;
pub mod target;

use crate::evidence::{When, day_end};
use jiff::{SignedDuration, Timestamp};
use polic_syntax::ast::Date;

/// The days a metric looks back over: from `days` days before the end of the
/// evaluation day (UTC) to that end, start included, end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub at: Date,
    pub days: u32,
}

impl Window {
    pub fn new(at: Date, days: u32) -> Window {
        Window { at, days }
    }

    /// The first instant in the window.
    pub fn start(self) -> Timestamp {
        self.end() - SignedDuration::from_hours(24 * i64::from(self.days))
    }

    /// The instant after the window: the end of the evaluation day.
    pub fn end(self) -> Timestamp {
        day_end(self.at)
    }

    pub fn contains(self, when: When) -> bool {
        let t = when.instant();
        self.start() <= t && t < self.end()
    }
}

/// A part of a whole (fixed in time of fixed, failed of deployed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub part: usize,
    pub whole: usize,
}

impl Share {
    /// In percent; `None` of nothing.
    pub fn percent(self) -> Option<f64> {
        (self.whole > 0).then(|| 100.0 * self.part as f64 / self.whole as f64)
    }
}

/// The median: the middle value, or the mean of the two middle ones. `None` when empty.
pub fn median(sorted: &[SignedDuration]) -> Option<SignedDuration> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// The `p`th percentile by nearest rank: the smallest value with at least `p` % of the
/// values at or below it (so p90 of ten values is the ninth). `None` when empty.
pub fn percentile(sorted: &[SignedDuration], p: u32) -> Option<SignedDuration> {
    let n = sorted.len();
    let rank = (n * p as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The median of plain numbers (deployment days per week), as [`median`] does.
pub fn median_of(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// From one time to a later one.
pub fn between(from: When, to: When) -> SignedDuration {
    to.instant().duration_since(from.instant())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(list: &[i64]) -> Vec<SignedDuration> {
        list.iter()
            .map(|h| SignedDuration::from_hours(*h))
            .collect()
    }

    #[test]
    fn medians_and_nearest_rank_percentiles() {
        // Odd: the middle one. Even: the mean of 2 h and 4 h.
        assert_eq!(
            median(&hours(&[1, 2, 9])),
            Some(SignedDuration::from_hours(2))
        );
        assert_eq!(
            median(&hours(&[1, 2, 4, 9])),
            Some(SignedDuration::from_hours(3))
        );
        // p90 of ten values: rank ceil(9.0) = 9, the ninth smallest.
        let ten = hours(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(percentile(&ten, 90), Some(SignedDuration::from_hours(9)));
        // p90 of three values: rank ceil(2.7) = 3, the largest.
        assert_eq!(
            percentile(&hours(&[1, 2, 3]), 90),
            Some(SignedDuration::from_hours(3))
        );
        assert_eq!(percentile(&[], 90), None);
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn a_window_across_a_year_end() {
        // 10 days ending with 2027-01-03: from 2026-12-25T00:00Z to 2027-01-04T00:00Z.
        let at = Date::new(2027, 1, 3).expect("date");
        let window = Window::new(at, 10);
        assert_eq!(window.start().to_string(), "2026-12-25T00:00:00Z");
        assert_eq!(window.end().to_string(), "2027-01-04T00:00:00Z");
        let t = |s: &str| When::parse(s).expect("time");
        assert!(window.contains(t("2026-12-25")));
        assert!(window.contains(t("2026-12-31T23:59:59Z")));
        assert!(window.contains(t("2027-01-03T23:59:59Z")));
        assert!(!window.contains(t("2026-12-24T23:59:59Z")));
        assert!(!window.contains(t("2027-01-04")));
    }
}
