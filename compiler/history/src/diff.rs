//! What changed between two snapshots: per app, unit and the portfolio, each obligation
//! that got worse or better, obligations new and gone, waivers new, expired or expiring,
//! findings opened, closed and now overdue, and the scores.

use std::collections::{BTreeMap, BTreeSet};

use polic_ruleset::eval::Status;
use serde::Serialize;

use crate::snapshot::{App, Item, Snapshot, Waiver};

/// How bad a status is, for "worse" and "better": holding, excused, open, past due.
pub fn rank(status: Status) -> u8 {
    match status {
        Status::Met | Status::Provided => 0,
        Status::Waived => 1,
        Status::Unmet | Status::Stale => 2,
        Status::Overdue | Status::WaiverExpired => 3,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Worse: from holding or waived to open, or from open to past due.
    Regressed,
    Improved,
    /// Another status of the same standing (met → provided).
    Changed,
    /// Required now, not before.
    New,
    /// Required before, not now.
    Removed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Regressed => "regressed",
            Kind::Improved => "improved",
            Kind::Changed => "changed",
            Kind::New => "new",
            Kind::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub control: String,
    pub obligation: String,
    pub before: Option<Status>,
    pub after: Option<Status>,
    /// Whether the passing evidence expired in between (a regression to `stale`).
    pub went_stale: bool,
    pub clauses: Vec<String>,
    pub priority: u32,
    /// Why it is what it is now (or was, when removed).
    pub detail: Option<String>,
    pub findings_opened: Vec<String>,
    pub findings_closed: Vec<String>,
    /// Open findings past due now that were not (or were not open) before.
    pub findings_now_overdue: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub delta: Option<f64>,
}

impl Score {
    fn of(before: Option<f64>, after: Option<f64>) -> Score {
        let delta = before.zip(after).map(|(b, a)| round(a - b));
        Score {
            before,
            after,
            delta,
        }
    }
}

/// Scores are shown to two decimals: differences below that are noise of the sums.
fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDiff {
    pub app: String,
    pub unit: Option<String>,
    /// `present`, `new` (not in the older snapshot) or `removed`.
    pub presence: &'static str,
    pub score: Score,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDiff {
    pub unit: String,
    pub score: Score,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaiverChange {
    pub waiver: Waiver,
    /// Days from the newer snapshot's date to the expiry (negative: expired).
    pub days_left: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waivers {
    pub new: Vec<WaiverChange>,
    pub removed: Vec<WaiverChange>,
    /// In force at the older date, expired by the newer.
    pub expired: Vec<WaiverChange>,
    /// In force at the newer date and expiring within the window.
    pub expiring: Vec<WaiverChange>,
    pub expiring_within_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub at: String,
    pub revision: Option<String>,
    pub rules: String,
    pub digest: String,
}

impl Side {
    fn of(snapshot: &Snapshot) -> Side {
        Side {
            at: snapshot.at.clone(),
            revision: snapshot.revision.clone(),
            rules: snapshot.rules.digest.clone(),
            digest: snapshot.digest(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub regressed: usize,
    pub improved: usize,
    pub changed: usize,
    pub new: usize,
    pub removed: usize,
    pub went_stale: usize,
    pub findings_opened: usize,
    pub findings_closed: usize,
    pub findings_now_overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub format: &'static str,
    pub version: u32,
    pub from: Side,
    pub to: Side,
    pub score_formula: String,
    pub portfolio: Score,
    pub counts: Counts,
    pub units: Vec<UnitDiff>,
    /// Apps with any change, by name.
    pub apps: Vec<AppDiff>,
    pub waivers: Waivers,
}

pub const DIFF_FORMAT: &str = "polic-snapshot-diff";

/// Days from `from` to `to`, both `YYYY-MM-DD`.
fn days_between(from: &str, to: &str) -> Option<i64> {
    let from: jiff::civil::Date = from.parse().ok()?;
    let to: jiff::civil::Date = to.parse().ok()?;
    Some(i64::from((to - from).get_days()))
}

fn in_force(waiver: &Waiver, at: &str) -> bool {
    waiver.expires.as_deref().is_none_or(|e| e >= at)
}

fn findings(
    before: Option<&Item>,
    after: Option<&Item>,
    at_before: &str,
    at_after: &str,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let ids = |item: Option<&Item>| -> BTreeMap<String, String> {
        item.map(|i| {
            i.findings
                .iter()
                .map(|f| (f.id.clone(), f.due.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (old, new) = (ids(before), ids(after));
    let opened = new
        .keys()
        .filter(|id| !old.contains_key(*id))
        .cloned()
        .collect();
    let closed = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .cloned()
        .collect();
    let overdue = new
        .iter()
        .filter(|(id, due)| {
            due.as_str() < at_after
                && old
                    .get(*id)
                    .is_none_or(|old_due| old_due.as_str() >= at_before)
        })
        .map(|(id, _)| id.clone())
        .collect();
    (opened, closed, overdue)
}

fn change(
    before: Option<&Item>,
    after: Option<&Item>,
    at_before: &str,
    at_after: &str,
) -> Option<Change> {
    let (opened, closed, now_overdue) = findings(before, after, at_before, at_after);
    let kind = match (before, after) {
        (None, None) => return None,
        (None, Some(_)) => Kind::New,
        (Some(_), None) => Kind::Removed,
        (Some(b), Some(a)) => match rank(a.status).cmp(&rank(b.status)) {
            std::cmp::Ordering::Greater => Kind::Regressed,
            std::cmp::Ordering::Less => Kind::Improved,
            std::cmp::Ordering::Equal if a.status != b.status => Kind::Changed,
            std::cmp::Ordering::Equal
                if opened.is_empty() && closed.is_empty() && now_overdue.is_empty() =>
            {
                return None;
            }
            std::cmp::Ordering::Equal => Kind::Changed,
        },
    };
    let now = after.or(before)?;
    Some(Change {
        kind,
        control: now.control.clone(),
        obligation: now.obligation.clone(),
        before: before.map(|i| i.status),
        after: after.map(|i| i.status),
        went_stale: after.is_some_and(|a| a.status == Status::Stale)
            && before.is_some_and(|b| b.status != Status::Stale),
        clauses: now.clauses.clone(),
        priority: now.priority,
        detail: now.detail.clone(),
        findings_opened: opened,
        findings_closed: closed,
        findings_now_overdue: now_overdue,
        source: now.source.clone(),
    })
}

fn items_of(app: Option<&App>) -> BTreeMap<(&str, &str), &Item> {
    app.map(|a| {
        a.items
            .iter()
            .map(|i| ((i.control.as_str(), i.obligation.as_str()), i))
            .collect()
    })
    .unwrap_or_default()
}

fn app_changes(before: Option<&App>, after: Option<&App>, from: &str, to: &str) -> Vec<Change> {
    let (old, new) = (items_of(before), items_of(after));
    let keys: BTreeSet<&(&str, &str)> = old.keys().chain(new.keys()).collect();
    let mut changes: Vec<Change> = keys
        .into_iter()
        .filter_map(|key| change(old.get(key).copied(), new.get(key).copied(), from, to))
        .collect();
    // Worst news first, then the heaviest.
    changes.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| b.priority.cmp(&a.priority))
            .then_with(|| a.control.cmp(&b.control))
            .then_with(|| a.obligation.cmp(&b.obligation))
    });
    changes
}

/// The diff from `before` to `after`; waivers expiring within `window_days` of the newer
/// date are listed.
pub fn diff(before: &Snapshot, after: &Snapshot, window_days: i64) -> Diff {
    let apps_of = |s: &'_ Snapshot| -> BTreeMap<String, usize> {
        s.apps
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect()
    };
    let (old_apps, new_apps) = (apps_of(before), apps_of(after));
    let names: BTreeSet<&String> = old_apps.keys().chain(new_apps.keys()).collect();
    let mut apps = Vec::new();
    for name in names {
        let old = old_apps.get(name).map(|&i| &before.apps[i]);
        let new = new_apps.get(name).map(|&i| &after.apps[i]);
        let changes = app_changes(old, new, &before.at, &after.at);
        let score = Score::of(old.map(|a| a.totals.score), new.map(|a| a.totals.score));
        let presence = match (old, new) {
            (Some(_), Some(_)) => "present",
            (None, _) => "new",
            (_, None) => "removed",
        };
        if changes.is_empty() && score.delta == Some(0.0) && presence == "present" {
            continue;
        }
        apps.push(AppDiff {
            app: name.clone(),
            unit: new.or(old).and_then(|a| a.unit.clone()),
            presence,
            score,
            changes,
        });
    }
    let units_of = |s: &'_ Snapshot| -> BTreeMap<String, f64> {
        s.units
            .iter()
            .map(|u| (u.unit.clone(), u.totals.score))
            .collect()
    };
    let (old_units, new_units) = (units_of(before), units_of(after));
    let unit_names: BTreeSet<&String> = old_units.keys().chain(new_units.keys()).collect();
    let units = unit_names
        .into_iter()
        .map(|unit| UnitDiff {
            unit: unit.clone(),
            score: Score::of(old_units.get(unit).copied(), new_units.get(unit).copied()),
        })
        .collect();
    let mut counts = Counts {
        regressed: 0,
        improved: 0,
        changed: 0,
        new: 0,
        removed: 0,
        went_stale: 0,
        findings_opened: 0,
        findings_closed: 0,
        findings_now_overdue: 0,
    };
    for change in apps.iter().flat_map(|a| &a.changes) {
        match change.kind {
            Kind::Regressed => counts.regressed += 1,
            Kind::Improved => counts.improved += 1,
            Kind::Changed => counts.changed += 1,
            Kind::New => counts.new += 1,
            Kind::Removed => counts.removed += 1,
        }
        counts.went_stale += usize::from(change.went_stale);
        counts.findings_opened += change.findings_opened.len();
        counts.findings_closed += change.findings_closed.len();
        counts.findings_now_overdue += change.findings_now_overdue.len();
    }
    Diff {
        format: DIFF_FORMAT,
        version: crate::snapshot::VERSION,
        from: Side::of(before),
        to: Side::of(after),
        score_formula: after.score_formula.clone(),
        portfolio: Score::of(Some(before.portfolio.score), Some(after.portfolio.score)),
        counts,
        units,
        apps,
        waivers: waivers(before, after, window_days),
    }
}

fn waivers(before: &Snapshot, after: &Snapshot, window_days: i64) -> Waivers {
    let key = |w: &Waiver| (w.app.clone(), w.name.clone());
    let old: BTreeMap<_, &Waiver> = before.waivers.iter().map(|w| (key(w), w)).collect();
    let new: BTreeMap<_, &Waiver> = after.waivers.iter().map(|w| (key(w), w)).collect();
    let entry = |w: &Waiver| WaiverChange {
        waiver: w.clone(),
        days_left: w
            .expires
            .as_deref()
            .and_then(|e| days_between(&after.at, e)),
    };
    let added = new
        .iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|(_, w)| entry(w))
        .collect();
    let removed = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(_, w)| entry(w))
        .collect();
    let expired = new
        .iter()
        .filter(|(k, w)| {
            !in_force(w, &after.at) && old.get(*k).is_some_and(|o| in_force(o, &before.at))
        })
        .map(|(_, w)| entry(w))
        .collect();
    let expiring = new
        .values()
        .filter(|w| in_force(w, &after.at))
        .map(|w| entry(w))
        .filter(|c| c.days_left.is_some_and(|d| d <= window_days))
        .collect();
    Waivers {
        new: added,
        removed,
        expired,
        expiring,
        expiring_within_days: window_days,
    }
}

impl Diff {
    /// Whether anything got worse: what `--fail-on regression` gates on.
    pub fn regressed(&self) -> bool {
        self.counts.regressed > 0
    }
}
