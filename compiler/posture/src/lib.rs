//! The posture report: one self-contained HTML file ([`html`]) and its Markdown twin
//! ([`markdown`]) of an evaluation, its recorded history and its metric targets. No I/O,
//! no clock: the same inputs give the same bytes.
//!
//! Both formats read one [`Posture`], which derives every view (heatmap, coverage, queue,
//! waivers due, series) once, so they never disagree.

pub mod html;
pub mod markdown;
mod svg;

pub use html::html;
pub use markdown::markdown;

use std::collections::{BTreeMap, BTreeSet};

use polic_history::trend::Trend;
use polic_ruleset::clause_id::natural_cmp;
use polic_ruleset::eval::{AppReport, Item, Report, Status};
use polic_ruleset::schema::Waiver;
use polic_syntax::ast::Date;

/// How much of a large portfolio is written out in full; the rest is summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Apps with a section of their own and a heatmap row, worst first; every app stays
    /// in the index.
    pub apps: usize,
    /// Rows of the work queue, overdue first.
    pub queue: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            apps: 200,
            queue: 500,
        }
    }
}

/// A column of the heatmap: one group (family) of a standard's clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub standard: String,
    /// `None` for the clauses of a standard without groups.
    pub family: Option<String>,
    /// Summed over the family's clauses: app needs, and those met.
    pub needed: usize,
    pub met: usize,
}

impl Family {
    pub fn label(&self) -> String {
        match &self.family {
            Some(family) => format!("{}#{family}", self.standard),
            None => self.standard.clone(),
        }
    }
}

/// One app's obligations serving one family's clauses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Met or provided.
    pub holding: usize,
    pub waived: usize,
    /// Everything else: work to do.
    pub open: usize,
}

impl Cell {
    /// The share holding among those not waived, as a percentage; `None` when all are
    /// waived (or there are none).
    pub fn share(self) -> Option<f64> {
        let judged = self.holding + self.open;
        (judged > 0).then(|| 100.0 * self.holding as f64 / judged as f64)
    }

    pub fn is_empty(self) -> bool {
        self.holding + self.waived + self.open == 0
    }
}

/// A waiver of an evaluated app with its expiry date, as seen from the evaluation date.
#[derive(Debug, Clone)]
pub struct Expiring<'a> {
    pub waiver: &'a Waiver,
    /// The waived app's index in the report.
    pub app: usize,
    pub expires: Date,
    /// Negative once expired.
    pub days_left: i64,
}

/// The windows waivers are listed by, in days from the evaluation date.
pub const WINDOWS: [i64; 3] = [30, 60, 90];

/// A value over time, oldest first: `(date, score)`.
pub type Series = Vec<(String, f64)>;

pub struct Posture<'r, 'a> {
    pub report: &'r Report<'a>,
    pub trend: Option<&'r Trend>,
    pub limits: Limits,
    /// Heatmap columns, by standard then family in natural order.
    pub families: Vec<Family>,
    /// Per app (in `report.apps` order), one cell per family.
    pub cells: Vec<Vec<Cell>>,
    /// Units worst first (by score, then name), each with its apps worst first, as indices
    /// into `report.apps`; apps without a unit last, under `None`.
    pub units: Vec<(Option<&'a str>, Vec<usize>)>,
    /// Every app, worst first.
    pub worst: Vec<usize>,
    /// The work queue, overdue first, then as evaluation orders it (priority).
    pub queue: Vec<(usize, usize)>,
    /// Waivers expiring within the last window or expired, soonest first.
    pub waivers: Vec<Expiring<'a>>,
    /// Items whose passing evidence expired: (app, item).
    pub stale: Vec<(usize, usize)>,
    /// Items met or provided today whose evidence expires within the first window, soonest
    /// first: (app, item, the day it expires).
    pub going_stale: Vec<(usize, usize, Date)>,
    adopted: BTreeSet<&'r str>,
}

/// Worst first: lowest score, then most overdue, then name.
fn worse(a: &AppReport, b: &AppReport) -> std::cmp::Ordering {
    a.totals
        .score
        .total_cmp(&b.totals.score)
        .then(b.totals.overdue.cmp(&a.totals.overdue))
        .then(a.app.name.cmp(&b.app.name))
}

impl<'r, 'a> Posture<'r, 'a> {
    pub fn new(report: &'r Report<'a>, trend: Option<&'r Trend>, limits: Limits) -> Self {
        let mut by_family: BTreeMap<(&str, Option<&str>), (usize, usize)> = BTreeMap::new();
        for clause in &report.clauses {
            let entry = by_family
                .entry((clause.standard, clause.family))
                .or_default();
            entry.0 += clause.needed_by;
            entry.1 += clause.met_by;
        }
        let mut families: Vec<Family> = by_family
            .into_iter()
            .map(|((standard, family), (needed, met))| Family {
                standard: standard.to_string(),
                family: family.map(str::to_string),
                needed,
                met,
            })
            .collect();
        families.sort_by(|a, b| {
            a.standard.cmp(&b.standard).then_with(|| {
                natural_cmp(
                    a.family.as_deref().unwrap_or(""),
                    b.family.as_deref().unwrap_or(""),
                )
            })
        });
        let column: BTreeMap<(&str, Option<&str>), usize> = families
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.standard.as_str(), f.family.as_deref()), i))
            .collect();
        let clause_column: BTreeMap<&str, usize> = report
            .clauses
            .iter()
            .filter_map(|c| Some((c.clause.as_str(), *column.get(&(c.standard, c.family))?)))
            .collect();
        let cells = report
            .apps
            .iter()
            .map(|app| {
                let mut row = vec![Cell::default(); families.len()];
                for item in &app.items {
                    let columns: BTreeSet<usize> = item
                        .clauses()
                        .filter_map(|c| clause_column.get(c).copied())
                        .collect();
                    for c in columns {
                        let cell = &mut row[c];
                        match item.status {
                            s if s.holds() => cell.holding += 1,
                            Status::Waived => cell.waived += 1,
                            _ => cell.open += 1,
                        }
                    }
                }
                row
            })
            .collect();
        let mut worst: Vec<usize> = (0..report.apps.len()).collect();
        worst.sort_by(|&a, &b| worse(&report.apps[a], &report.apps[b]));
        let unit_score: BTreeMap<&str, f64> = report
            .units
            .iter()
            .map(|(unit, totals)| (unit.as_str(), totals.score))
            .collect();
        let mut grouped: BTreeMap<Option<&'a str>, Vec<usize>> = BTreeMap::new();
        for &a in &worst {
            grouped
                .entry(report.apps[a].app.unit.as_deref())
                .or_default()
                .push(a);
        }
        let mut units: Vec<(Option<&'a str>, Vec<usize>)> = grouped.into_iter().collect();
        let score = |u: &Option<&str>| u.and_then(|u| unit_score.get(u).copied()).unwrap_or(0.0);
        units.sort_by(|(a, _), (b, _)| {
            a.is_none()
                .cmp(&b.is_none())
                .then_with(|| score(a).total_cmp(&score(b)))
                .then(a.cmp(b))
        });
        let mut queue = report.queue.clone();
        // Stable: within each group the evaluation's priority order stays.
        queue.sort_by_key(|&(a, i)| report.apps[a].items[i].status != Status::Overdue);
        let evaluated: BTreeMap<&str, usize> = report
            .apps
            .iter()
            .enumerate()
            .map(|(a, app)| (app.app.name.as_str(), a))
            .collect();
        let mut waivers: Vec<Expiring<'a>> = report
            .rules
            .waivers
            .iter()
            .filter_map(|waiver| {
                let app = *evaluated.get(waiver.app.as_str())?;
                // An instant expires on its date; the rule set's validation refused others.
                let expires = Date::parse(waiver.expires.as_deref()?.get(..10)?)?;
                let days_left = expires.days_since_epoch() - report.at.days_since_epoch();
                (days_left <= WINDOWS[2]).then_some(Expiring {
                    waiver,
                    app,
                    expires,
                    days_left,
                })
            })
            .collect();
        waivers.sort_by(|a, b| {
            a.expires
                .cmp(&b.expires)
                .then(a.waiver.name.cmp(&b.waiver.name))
        });
        let stale = report
            .apps
            .iter()
            .enumerate()
            .flat_map(|(a, app)| {
                app.items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| item.status == Status::Stale)
                    .map(move |(i, _)| (a, i))
            })
            .collect();
        let mut going_stale: Vec<(usize, usize, Date)> = report
            .apps
            .iter()
            .enumerate()
            .flat_map(|(a, app)| {
                app.items.iter().enumerate().filter_map(move |(i, item)| {
                    let expires = item.expires?.date();
                    let days_left = expires.days_since_epoch() - report.at.days_since_epoch();
                    (item.waiver.is_none() && days_left <= WINDOWS[0]).then_some((a, i, expires))
                })
            })
            .collect();
        going_stale.sort_by_key(|&(a, i, expires)| (expires, a, i));
        Posture {
            report,
            trend,
            limits,
            families,
            cells,
            units,
            worst,
            queue,
            waivers,
            stale,
            going_stale,
            adopted: report.clauses.iter().map(|c| c.clause.as_str()).collect(),
        }
    }

    pub fn item(&self, (a, i): (usize, usize)) -> (&'r AppReport<'a>, &'r Item<'a>) {
        let app = &self.report.apps[a];
        (app, &app.items[i])
    }

    /// The apps written out in full: the worst `limits.apps`.
    pub fn shown(&self) -> BTreeSet<usize> {
        self.worst.iter().take(self.limits.apps).copied().collect()
    }

    pub fn policy(&self) -> &'a str {
        self.report
            .rules
            .policy
            .as_ref()
            .map_or("(no policy)", |p| p.name.as_str())
    }

    /// A score over the recorded snapshots up to the evaluation date, then this
    /// evaluation's (which replaces a snapshot of the same day).
    fn series(
        &self,
        recorded: impl Fn(&polic_history::trend::Point) -> Option<f64>,
        now: f64,
    ) -> Series {
        let at = self.report.at.to_string();
        let mut series: Series = self
            .trend
            .into_iter()
            .flat_map(|t| &t.points)
            .filter(|p| p.at < at)
            .filter_map(|p| Some((p.at.clone(), recorded(p)?)))
            .collect();
        series.push((at, now));
        series
    }

    pub fn portfolio_series(&self) -> Series {
        self.series(|p| Some(p.portfolio.score), self.report.portfolio.score)
    }

    pub fn unit_series(&self, unit: &str, now: f64) -> Series {
        self.series(|p| p.units.get(unit).map(|t| t.score), now)
    }

    pub fn app_series(&self, app: &AppReport) -> Series {
        self.series(
            |p| p.apps.get(&app.app.name).map(|t| t.score),
            app.totals.score,
        )
    }

    pub fn is_adopted(&self, clause: &str) -> bool {
        self.adopted.contains(clause)
    }

    /// How many snapshots the history holds before the evaluation date.
    pub fn recorded(&self) -> usize {
        let at = self.report.at.to_string();
        self.trend
            .map_or(0, |t| t.points.iter().filter(|p| p.at < at).count())
    }
}

/// `first → last (+d)` of a series: how a score moved.
pub fn movement(series: &Series) -> String {
    match (series.first(), series.last()) {
        (Some(first), Some(last)) if series.len() > 1 => {
            format!("{:.1} → {:.1} ({:+.1})", first.1, last.1, last.1 - first.1)
        }
        (_, Some(last)) => format!("{:.1}", last.1),
        _ => String::new(),
    }
}

/// Which waiver window an expiry falls in: `expired`, `30 days`, ...
pub fn window(days_left: i64) -> String {
    if days_left < 0 {
        return "expired".to_string();
    }
    let within = WINDOWS
        .iter()
        .find(|&&w| days_left <= w)
        .copied()
        .unwrap_or(WINDOWS[2]);
    format!("within {within} days")
}
