//! The four DORA keys of one app over a window: deployment frequency, lead time for
//! changes, change failure rate and failed-deployment recovery time, from production
//! deployments and the incidents they caused. Definitions: docs/metrics.md.

use super::{Share, Window, between, median, median_of};
use crate::evidence::{Deployment, DeploymentOutcome, Incident, Origin, PRODUCTION};
use jiff::SignedDuration;
use std::collections::{BTreeMap, BTreeSet};

/// One app's deployments and incidents, as the keys read them.
#[derive(Debug)]
pub struct Delivery<'a> {
    window: Window,
    /// Production deployments up to the end of the evaluation day, by time then id.
    history: Vec<&'a Deployment>,
    /// By deployment id: the deployments that say they restore it, by time.
    restorers: BTreeMap<&'a str, Vec<&'a Deployment>>,
    /// By deployment id: the incidents it caused, opened up to the end of the evaluation day.
    caused: BTreeMap<&'a str, Vec<&'a Incident>>,
    /// For each position in `history`, the first successful deployment from there on
    /// that did not fail itself: indexed once, so that a hostile file of many failed
    /// deployments costs n log n, not n² per app.
    next_clean: Vec<Option<usize>>,
    /// Records naming a deployment the app does not have (`restores`, `caused_by`):
    /// listed, never dropped.
    pub unmatched: Vec<&'a Origin>,
}

/// Why a deployment counts as failed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Failure<'a> {
    /// Its outcome was `failed` or `rolled-back`.
    Outcome(DeploymentOutcome),
    /// A later deployment restores it (a rollback or hotfix).
    RestoredBy(&'a str),
    /// It caused an incident.
    Caused(&'a str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Frequency {
    /// Production deployments in the window.
    pub deployments: usize,
    /// Days (UTC) with at least one of them.
    pub deployment_days: usize,
    /// The median of deployment days per week, over the window's whole weeks counted back
    /// from its end; `None` when the window is shorter than a week.
    pub days_per_week: Option<f64>,
    /// The same per month of 30 days; `None` when the window is shorter.
    pub days_per_month: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change<'a> {
    pub sha: &'a str,
    pub deployment: &'a Deployment,
    pub took: SignedDuration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeadTime<'a> {
    /// Each commit at its first successful production deployment, quickest first.
    pub changes: Vec<Change<'a>>,
    pub median: Option<SignedDuration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeFailure<'a> {
    /// The failed deployments of the window, with every reason each failed.
    pub failed: Vec<(&'a Deployment, Vec<Failure<'a>>)>,
    /// Failed of all production deployments in the window.
    pub rate: Share,
}

/// What ended a failed deployment's failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Restored<'a> {
    /// The deployment that `restores` it.
    By(&'a Deployment),
    /// The last resolution of the incidents it caused.
    Resolved(&'a Incident),
    /// The app's next successful deployment, when nothing names the restore.
    Next(&'a Deployment),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recovery<'a> {
    /// Failed deployments of the window that were restored by the evaluation date, with
    /// what restored them and how long it took, quickest first.
    pub recovered: Vec<(&'a Deployment, Restored<'a>, SignedDuration)>,
    /// Failed deployments not restored by the evaluation date.
    pub unrecovered: Vec<&'a Deployment>,
    pub median: Option<SignedDuration>,
}

impl<'a> Delivery<'a> {
    /// One app's records (the caller picks the app); those after the evaluation date
    /// and deployments to other environments are not read.
    pub fn new(
        deployments: impl IntoIterator<Item = &'a Deployment>,
        incidents: impl IntoIterator<Item = &'a Incident>,
        window: Window,
    ) -> Delivery<'a> {
        let at = window.at;
        let mut history: Vec<&Deployment> = deployments
            .into_iter()
            .filter(|d| d.environment == PRODUCTION && !d.deployed.after(at))
            .collect();
        history.sort_by(|a, b| (a.deployed.instant(), &a.id).cmp(&(b.deployed.instant(), &b.id)));
        let incidents: Vec<&Incident> = incidents
            .into_iter()
            .filter(|i| !i.opened.after(at))
            .collect();
        let ids: BTreeSet<&str> = history.iter().map(|d| d.id.as_str()).collect();
        let known = |id: &Option<String>| id.as_deref().is_none_or(|id| ids.contains(id));
        let mut unmatched: Vec<&Origin> = history
            .iter()
            .filter(|d| !known(&d.restores))
            .map(|d| &d.origin)
            .chain(
                incidents
                    .iter()
                    .filter(|i| !known(&i.caused_by))
                    .map(|i| &i.origin),
            )
            .collect();
        unmatched.sort();
        let mut restorers: BTreeMap<&str, Vec<&Deployment>> = BTreeMap::new();
        for d in &history {
            if let Some(id) = d.restores.as_deref() {
                restorers.entry(id).or_default().push(d);
            }
        }
        let mut caused: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
        for i in &incidents {
            if let Some(id) = i.caused_by.as_deref() {
                caused.entry(id).or_default().push(i);
            }
        }
        let mut delivery = Delivery {
            window,
            history,
            restorers,
            caused,
            next_clean: Vec::new(),
            unmatched,
        };
        let mut next = None;
        let mut next_clean = vec![None; delivery.history.len()];
        for (index, d) in delivery.history.iter().enumerate().rev() {
            if d.outcome == DeploymentOutcome::Success && delivery.failures(d).is_empty() {
                next = Some(index);
            }
            next_clean[index] = next;
        }
        delivery.next_clean = next_clean;
        delivery
    }

    /// Production deployments in the window, by time.
    pub fn deployments(&self) -> impl Iterator<Item = &'a Deployment> + '_ {
        self.history
            .iter()
            .copied()
            .filter(|d| self.window.contains(d.deployed))
    }

    pub fn frequency(&self) -> Frequency {
        let days: BTreeSet<i64> = self
            .deployments()
            .map(|d| d.deployed.date().days_since_epoch())
            .collect();
        let count = |from: i64, to: i64| days.range(from..to).count() as f64;
        let end = self.window.at.days_since_epoch() + 1;
        let mut weeks: Vec<f64> = (0..i64::from(self.window.days) / 7)
            .map(|k| count(end - 7 * (k + 1), end - 7 * k))
            .collect();
        weeks.sort_by(f64::total_cmp);
        let mut months: Vec<f64> = (0..i64::from(self.window.days) / 30)
            .map(|k| count(end - 30 * (k + 1), end - 30 * k))
            .collect();
        months.sort_by(f64::total_cmp);
        Frequency {
            deployments: self.deployments().count(),
            deployment_days: days.len(),
            days_per_week: median_of(&weeks),
            days_per_month: median_of(&months),
        }
    }

    pub fn lead_time(&self) -> LeadTime<'a> {
        let mut first: BTreeMap<&str, (&Deployment, SignedDuration)> = BTreeMap::new();
        for d in self
            .history
            .iter()
            .filter(|d| d.outcome == DeploymentOutcome::Success)
        {
            for commit in &d.commits {
                first
                    .entry(commit.sha.as_str())
                    .or_insert((d, between(commit.committed, d.deployed)));
            }
        }
        let mut changes: Vec<Change> = first
            .into_iter()
            .filter(|(_, (d, _))| self.window.contains(d.deployed))
            .map(|(sha, (deployment, took))| Change {
                sha,
                deployment,
                took,
            })
            .collect();
        changes.sort_by(|a, b| (a.took, a.sha).cmp(&(b.took, b.sha)));
        let took: Vec<SignedDuration> = changes.iter().map(|c| c.took).collect();
        LeadTime {
            median: median(&took),
            changes,
        }
    }

    /// Why `deployment` failed; empty when it did not.
    fn failures(&self, deployment: &Deployment) -> Vec<Failure<'a>> {
        let mut why: Vec<Failure> = Vec::new();
        if deployment.outcome != DeploymentOutcome::Success {
            why.push(Failure::Outcome(deployment.outcome));
        }
        let id = deployment.id.as_str();
        why.extend(
            self.restorers
                .get(id)
                .into_iter()
                .flatten()
                .map(|r| Failure::RestoredBy(&r.id)),
        );
        why.extend(
            self.caused
                .get(id)
                .into_iter()
                .flatten()
                .map(|i| Failure::Caused(&i.id)),
        );
        why.sort();
        why
    }

    pub fn change_failure(&self) -> ChangeFailure<'a> {
        let failed: Vec<(&Deployment, Vec<Failure>)> = self
            .deployments()
            .map(|d| (d, self.failures(d)))
            .filter(|(_, why)| !why.is_empty())
            .collect();
        ChangeFailure {
            rate: Share {
                part: failed.len(),
                whole: self.deployments().count(),
            },
            failed,
        }
    }

    /// What restored a failed deployment by the evaluation date, if anything did.
    fn restored(&self, failed: &Deployment) -> Option<Restored<'a>> {
        let id = failed.id.as_str();
        if let Some(by) = self.restorers.get(id).into_iter().flatten().find(|d| {
            d.deployed.instant() >= failed.deployed.instant()
                && d.outcome == DeploymentOutcome::Success
        }) {
            return Some(Restored::By(by));
        }
        let caused: Vec<&Incident> = self.caused.get(id).cloned().unwrap_or_default();
        if !caused.is_empty() {
            // Restored once every incident it caused is resolved, by the evaluation date.
            let at = self.window.at;
            let resolved = |i: &&Incident| i.resolved.is_some_and(|r| !r.after(at));
            if !caused.iter().all(resolved) {
                return None;
            }
            return caused
                .into_iter()
                .max_by_key(|i| i.resolved.map(|r| r.instant()))
                .map(Restored::Resolved);
        }
        let later = self
            .history
            .partition_point(|d| d.deployed.instant() <= failed.deployed.instant());
        self.next_clean
            .get(later)
            .copied()
            .flatten()
            .map(|index| Restored::Next(self.history[index]))
    }

    pub fn recovery(&self) -> Recovery<'a> {
        let mut recovered = Vec::new();
        let mut unrecovered = Vec::new();
        for (failed, _) in self.change_failure().failed {
            match self.restored(failed) {
                Some(restored) => {
                    let end = match &restored {
                        Restored::By(d) | Restored::Next(d) => d.deployed,
                        // `restored` returns only resolved incidents.
                        Restored::Resolved(i) => i.resolved.unwrap_or(i.opened),
                    };
                    recovered.push((failed, restored, between(failed.deployed, end)));
                }
                None => unrecovered.push(failed),
            }
        }
        recovered.sort_by(|a, b| (a.2, &a.0.id).cmp(&(b.2, &b.0.id)));
        let took: Vec<SignedDuration> = recovered.iter().map(|r| r.2).collect();
        Recovery {
            median: median(&took),
            recovered,
            unrecovered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{EvidenceSet, read_json_lines};
    use crate::metrics::bands;
    use polic_syntax::ast::Date;

    fn records(lines: &[&str]) -> EvidenceSet {
        let mut set = EvidenceSet::default();
        let errors = read_json_lines("d.jsonl", &lines.join("\n"), &mut set);
        assert!(errors.is_empty(), "{errors:?}");
        set
    }

    fn minutes(d: Option<SignedDuration>) -> Option<i64> {
        d.map(|d| d.as_mins())
    }

    /// Every key of one app, as one line each, with its DORA band.
    fn keys(set: &EvidenceSet, at: Date, days: u32) -> String {
        let delivery = Delivery::new(&set.deployments, &set.incidents, Window::new(at, days));
        let bands = bands::dora();
        let f = delivery.frequency();
        let lead = delivery.lead_time();
        let failure = delivery.change_failure();
        let recovery = delivery.recovery();
        let hours = |d: Option<SignedDuration>| {
            move |m: &str| {
                (m == "hours")
                    .then(|| d.map(|d| d.as_secs_f64() / 3600.0))
                    .flatten()
            }
        };
        [
            format!(
                "frequency: {} deployments on {} days, {:?} days/week, {:?} days/month, band {:?}",
                f.deployments,
                f.deployment_days,
                f.days_per_week,
                f.days_per_month,
                bands.band("deployment-frequency", |m| match m {
                    "deployment-days-per-week" => f.days_per_week,
                    "deployment-days-per-month" => f.days_per_month,
                    _ => None,
                })
            ),
            format!(
                "lead time: {:?}, median {:?} min, band {:?}",
                lead.changes
                    .iter()
                    .map(|c| (c.sha, c.deployment.id.as_str(), c.took.as_mins()))
                    .collect::<Vec<_>>(),
                minutes(lead.median),
                bands.band("lead-time", hours(lead.median))
            ),
            format!(
                "change failure: {}/{} = {:?} %, {:?}, band {:?}",
                failure.rate.part,
                failure.rate.whole,
                failure.rate.percent(),
                failure
                    .failed
                    .iter()
                    .map(|(d, why)| (d.id.as_str(), why))
                    .collect::<Vec<_>>(),
                bands.band("change-failure-rate", |m| {
                    (m == "percent").then(|| failure.rate.percent()).flatten()
                })
            ),
            format!(
                "recovery: {:?}, unrecovered {:?}, median {:?} min, band {:?}",
                recovery
                    .recovered
                    .iter()
                    .map(|(d, by, took)| (d.id.as_str(), by_name(by), took.as_mins()))
                    .collect::<Vec<_>>(),
                recovery
                    .unrecovered
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect::<Vec<_>>(),
                minutes(recovery.median),
                bands.band("recovery-time", hours(recovery.median))
            ),
            format!("unmatched: {:?}", delivery.unmatched),
        ]
        .join("\n")
    }

    fn by_name(restored: &Restored) -> String {
        match restored {
            Restored::By(d) => format!("restored by {}", d.id),
            Restored::Resolved(i) => format!("incident {} resolved", i.id),
            Restored::Next(d) => format!("next deployment {}", d.id),
        }
    }

    fn date(y: u16, m: u8, d: u8) -> Date {
        Date::new(y, m, d).expect("date")
    }

    #[test]
    fn the_references_worked_example_and_failures_counted_by_deployment() {
        let set = records(&[
            // d1 at 10:00 caused two incidents; the later resolution, 11:00, restores it.
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-03-02T10:00:00Z","outcome":"success","commits":[{"sha":"c1","committed":"2026-03-01T10:00:00Z"},{"sha":"c2","committed":"2026-03-02T08:00:00Z"}]}"#,
            r#"{"kind":"incident","app":"shop","id":"i1","opened":"2026-03-02T10:20:00Z","resolved":"2026-03-02T11:00:00Z","caused_by":"d1"}"#,
            r#"{"kind":"incident","app":"shop","id":"i2","opened":"2026-03-02T10:30:00Z","resolved":"2026-03-02T10:50:00Z","caused_by":"d1"}"#,
            // c2 shipped with d1 already; c3 is new.
            r#"{"kind":"deployment","app":"shop","id":"d2","deployed":"2026-03-03T09:00:00Z","outcome":"success","commits":[{"sha":"c2","committed":"2026-03-02T08:00:00Z"},{"sha":"c3","committed":"2026-03-03T03:00:00Z"}]}"#,
            // d3 rolled back: c4 ships at d4, which restores it.
            r#"{"kind":"deployment","app":"shop","id":"d3","deployed":"2026-03-10T12:00:00Z","outcome":"rolled-back","commits":[{"sha":"c4","committed":"2026-03-10T10:00:00Z"}]}"#,
            r#"{"kind":"deployment","app":"shop","id":"d4","deployed":"2026-03-10T13:30:00Z","outcome":"success","restores":"d3","commits":[{"sha":"c4","committed":"2026-03-10T10:00:00Z"}]}"#,
            // Staging does not count.
            r#"{"kind":"deployment","app":"shop","id":"s1","environment":"staging","deployed":"2026-03-20","outcome":"failed"}"#,
            r#"{"kind":"deployment","app":"shop","id":"d6","deployed":"2026-03-25T10:00:00Z","outcome":"success"}"#,
        ]);
        // The window: 30 days ending 2026-03-31, from 2026-03-02T00:00Z.
        // Frequency: d1, d2, d3, d4, d6 on 4 days (03-02, 03-03, 03-10, 03-25). Weeks back
        // from 04-01: [03-25, 04-01) 1 day, [03-18) 0, [03-11) 0, [03-04) 1 (03-10):
        // median of 0, 0, 1, 1 = 0.5. One 30-day month: 4 days. 0.5 < 1 a week, 4 >= 1 a
        // month: medium.
        // Lead time: c2 2 h, c4 3.5 h (at d4: d3 rolled back), c3 6 h, c1 24 h; median
        // (3.5 + 6) / 2 = 4.75 h = 285 min: under a week, high.
        // Change failure: d1 (two incidents) and d3 (rolled back, restored by d4) of five
        // deployments: 2/5 = 40 %, low. Counting incidents would give 3 failures.
        // Recovery: d1 10:00 to 11:00 = 60 min (the references' example); d3 12:00 to
        // d4 13:30 = 90 min; median 75 min: under a day, high.
        insta::assert_snapshot!(keys(&set, date(2026, 3, 31), 30), @r#"
        frequency: 5 deployments on 4 days, Some(0.5) days/week, Some(4.0) days/month, band Some("medium")
        lead time: [("c2", "d1", 120), ("c4", "d4", 210), ("c3", "d2", 360), ("c1", "d1", 1440)], median Some(285) min, band Some("high")
        change failure: 2/5 = Some(40.0) %, [("d1", [Caused("i1"), Caused("i2")]), ("d3", [Outcome(RolledBack), RestoredBy("d4")])], band Some("low")
        recovery: [("d1", "incident i1 resolved", 60), ("d3", "restored by d4", 90)], unrecovered [], median Some(75) min, band Some("high")
        unmatched: []
        "#);
    }

    #[test]
    fn no_deployments_in_the_window() {
        let set = records(&[
            // Before the window (it starts 2026-06-03): not counted.
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-05-01T10:00:00Z","outcome":"failed"}"#,
            // After the evaluation date: not read.
            r#"{"kind":"deployment","app":"shop","id":"d2","deployed":"2026-07-05T10:00:00Z","outcome":"success"}"#,
            // Caused by a deployment the app does not have: listed, not dropped.
            r#"{"kind":"incident","app":"shop","id":"i1","opened":"2026-06-10T10:00:00Z","caused_by":"d9"}"#,
        ]);
        // Four whole weeks, each with no deployment day: a median of 0, low. Nothing
        // else has a value, so no band.
        insta::assert_snapshot!(keys(&set, date(2026, 7, 2), 30), @r#"
        frequency: 0 deployments on 0 days, Some(0.0) days/week, Some(0.0) days/month, band Some("low")
        lead time: [], median None min, band None
        change failure: 0/0 = None %, [], band None
        recovery: [], unrecovered [], median None min, band None
        unmatched: ["d.jsonl:3"]
        "#);
    }

    #[test]
    fn across_a_year_end_with_an_unresolved_and_an_unnamed_recovery() {
        let set = records(&[
            // Committed 22:00 on 12-31, deployed 00:30 on 01-01: 150 min.
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-12-31T23:30:00Z","outcome":"failed","commits":[{"sha":"c1","committed":"2026-12-31T22:00:00Z"}]}"#,
            r#"{"kind":"deployment","app":"shop","id":"d2","deployed":"2027-01-01T00:30:00Z","outcome":"success","commits":[{"sha":"c1","committed":"2026-12-31T22:00:00Z"}]}"#,
            // d3 caused an incident still open on 01-03: not recovered.
            r#"{"kind":"deployment","app":"shop","id":"d3","deployed":"2027-01-02T08:00:00Z","outcome":"success"}"#,
            r#"{"kind":"incident","app":"shop","id":"i1","opened":"2027-01-02T09:00:00Z","caused_by":"d3"}"#,
        ]);
        // 14 days ending 2027-01-03. Weeks back from 01-04: [12-28, 01-04) has 12-31,
        // 01-01, 01-02 = 3 days; [12-21, 12-28) none: median 1.5, high.
        // d1 failed with nothing naming its restore: the next successful deployment that
        // did not fail, d2, 60 min later.
        // Change failure: d1 (failed) and d3 (caused i1) of 3: 66.7 %.
        insta::assert_snapshot!(keys(&set, date(2027, 1, 3), 14), @r#"
        frequency: 3 deployments on 3 days, Some(1.5) days/week, None days/month, band Some("high")
        lead time: [("c1", "d2", 150)], median Some(150) min, band Some("high")
        change failure: 2/3 = Some(66.66666666666667) %, [("d1", [Outcome(Failed)]), ("d3", [Caused("i1")])], band Some("low")
        recovery: [("d1", "next deployment d2", 60)], unrecovered ["d3"], median Some(60) min, band Some("high")
        unmatched: []
        "#);
    }
}
