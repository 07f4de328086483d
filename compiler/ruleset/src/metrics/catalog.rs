//! The built-in metrics a control's `target` may name: each one's statistics and the unit
//! of each, and its definition (shown on hover and in docs/metrics.md).

/// What a target's value is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// Written `15d`, `2w` or `4 hours`; kept in hours.
    Hours,
    /// Written `15 percent`.
    Percent,
    /// Deployment days a week, written `3 per-week` or `1 per-day` (7 a week).
    PerWeek,
    /// A bare number.
    Count,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Hours => "hours",
            Unit::Percent => "percent",
            Unit::PerWeek => "per-week",
            Unit::Count => "count",
        }
    }

    pub fn parse(text: &str) -> Option<Unit> {
        [Unit::Hours, Unit::Percent, Unit::PerWeek, Unit::Count]
            .into_iter()
            .find(|u| u.as_str() == text)
    }

    /// How a value of this unit is written, for help texts.
    pub fn example(self) -> &'static str {
        match self {
            Unit::Hours => "a duration such as `15d`, `2w` or `4 hours`",
            Unit::Percent => "a percentage such as `15 percent`",
            Unit::PerWeek => "a rate such as `1 per-week` or `1 per-day`",
            Unit::Count => "a number such as `0`",
        }
    }

    /// The largest value that can be met, if there is one: a share is at most 100 %,
    /// deployment days at most 7 a week.
    pub fn most(self) -> Option<u64> {
        match self {
            Unit::Percent => Some(100),
            Unit::PerWeek => Some(7),
            Unit::Hours | Unit::Count => None,
        }
    }
}

/// A metric: its name, its statistics and their units, whether a target may filter it by
/// severity, and what it is.
#[derive(Debug)]
pub struct Metric {
    pub name: &'static str,
    pub statistics: &'static [(&'static str, Unit)],
    pub by_severity: bool,
    /// The key its DORA bands are listed under in data/dora-bands.json.
    pub bands: Option<&'static str>,
    pub definition: &'static str,
}

impl Metric {
    pub fn statistic(&self, name: &str) -> Option<Unit> {
        self.statistics
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, u)| *u)
    }
}

pub const METRICS: &[Metric] = &[
    Metric {
        name: "time-to-patch",
        statistics: &[
            ("median", Unit::Hours),
            ("p90", Unit::Hours),
            ("share", Unit::Percent),
            ("count", Unit::Count),
        ],
        by_severity: true,
        bands: None,
        definition: "from a finding's first seen (or reopened) to its fix, for findings fixed in the window; `share`: fixed by the due date (a KEV `due`, else the severity's window); `count`: open findings past their due date",
    },
    Metric {
        name: "deployment-frequency",
        statistics: &[("rate", Unit::PerWeek), ("count", Unit::Count)],
        by_severity: false,
        bands: Some("deployment-frequency"),
        definition: "`rate`: the median number of days a week with a production deployment, as Apache DevLake counts it; `count`: production deployments in the window",
    },
    Metric {
        name: "lead-time",
        statistics: &[("median", Unit::Hours), ("p90", Unit::Hours)],
        by_severity: false,
        bands: Some("lead-time"),
        definition: "lead time for changes (DORA): from a commit's time to its first successful production deployment",
    },
    Metric {
        name: "change-failure-rate",
        statistics: &[("share", Unit::Percent)],
        by_severity: false,
        bands: Some("change-failure-rate"),
        definition: "change failure rate (DORA): failed production deployments (failed, rolled back, restored by another, or causing an incident) of all production deployments",
    },
    Metric {
        name: "recovery-time",
        statistics: &[("median", Unit::Hours), ("p90", Unit::Hours)],
        by_severity: false,
        bands: Some("recovery-time"),
        definition: "failed-deployment recovery time (DORA): from a failed deployment to its restoring deployment or the resolution of the incidents it caused",
    },
];

pub fn metric(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}
