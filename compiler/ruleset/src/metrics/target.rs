//! A control's metric target judged for one app: the statistic's value over the target's
//! window, whether it meets the target, and the DORA band beside it.

use super::bands;
use super::catalog::{self, Unit};
use super::dora::Delivery;
use super::patch::time_to_patch;
use super::{Window, median, percentile};
use crate::RuleSet;
use crate::eval::{Item, finding_due};
use crate::evidence::{Deployment, EvidenceSet, Finding, Incident};
use crate::schema::{Control, MetricTarget};
use jiff::SignedDuration;
use polic_syntax::ast::Date;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// In the target's unit (hours, percent, deployment days a week, a count); `None`
    /// when nothing was counted (no deployment, no fix in the window).
    pub value: Option<f64>,
    /// Unmet when nothing was counted: a target is shown met only by evidence.
    pub met: bool,
    /// The DORA band of the metric's value over the window, for the DORA keys.
    pub band: Option<String>,
}

/// A required control's target, judged for one app.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetResult<'a> {
    pub control_index: usize,
    pub target: &'a MetricTarget,
    pub judged: Judged,
}

/// One app's records that metrics read.
#[derive(Debug, Default)]
pub struct Records<'a> {
    pub findings: Vec<&'a Finding>,
    pub deployments: Vec<&'a Deployment>,
    pub incidents: Vec<&'a Incident>,
}

/// The records by app, read once for every app's targets.
pub fn by_app(set: &EvidenceSet) -> BTreeMap<&str, Records<'_>> {
    let mut by: BTreeMap<&str, Records> = BTreeMap::new();
    for f in &set.findings {
        by.entry(&f.app).or_default().findings.push(f);
    }
    for d in &set.deployments {
        by.entry(&d.app).or_default().deployments.push(d);
    }
    for i in &set.incidents {
        by.entry(&i.app).or_default().incidents.push(i);
    }
    by
}

/// The targets of every control an app requires (those `items` are for).
pub fn judge_required<'a>(
    rules: &'a RuleSet,
    records: Option<&Records>,
    items: &[Item<'a>],
    at: Date,
) -> Vec<TargetResult<'a>> {
    let none = Records::default();
    let records = records.unwrap_or(&none);
    let required: BTreeSet<usize> = items.iter().map(|i| i.control_index).collect();
    required
        .into_iter()
        .flat_map(|c| {
            let control = &rules.controls[c];
            control.targets.iter().map(move |target| TargetResult {
                control_index: c,
                target,
                judged: judge(target, control, records, at),
            })
        })
        .collect()
}

/// `time-to-patch p90 <= 360 hours over 90d severity critical`, as the rule set keeps it.
pub fn describe(target: &MetricTarget) -> String {
    let severity = target
        .severity
        .as_ref()
        .map(|s| format!(" severity {s}"))
        .unwrap_or_default();
    format!(
        "{} {} {} {} over {}d{severity}",
        target.metric,
        target.statistic,
        target.op,
        show(target.value as f64, &target.unit),
        target.window_days
    )
}

/// Whether a finding is the control's: it names the control, or the scanner that reported
/// it verifies one of the control's obligations.
fn concerns(control: &Control, finding: &Finding) -> bool {
    match &finding.control {
        Some(named) => *named == control.name,
        None => finding.tool.as_deref().is_some_and(|tool| {
            control
                .obligations
                .iter()
                .flat_map(|o| &o.verify)
                .any(|v| v.kind == "scan" && v.subject.as_deref() == Some(tool))
        }),
    }
}

fn hours(d: Option<SignedDuration>) -> Option<f64> {
    d.map(|d| d.as_secs_f64() / 3600.0)
}

/// Judges `target` of `control` for `app` at `at`.
pub fn judge(target: &MetricTarget, control: &Control, records: &Records, at: Date) -> Judged {
    let window = Window::new(at, target.window_days);
    let statistic = target.statistic.as_str();
    let delivery = || {
        Delivery::new(
            records.deployments.iter().copied(),
            records.incidents.iter().copied(),
            window,
        )
    };
    let sorted = |mut list: Vec<SignedDuration>| {
        list.sort();
        list
    };
    let stat = |list: &[SignedDuration]| match statistic {
        "p90" => hours(percentile(list, 90)),
        _ => hours(median(list)),
    };
    let (value, delivery) = match target.metric.as_str() {
        "time-to-patch" => {
            let findings = records.findings.iter().copied().filter(|f| {
                concerns(control, f) && target.severity.as_ref().is_none_or(|s| *s == f.severity)
            });
            let per = time_to_patch(findings, window, |f| finding_due(control, f, at));
            let took = sorted(
                per.iter()
                    .flat_map(|p| p.fixed.iter().map(|f| f.took))
                    .collect(),
            );
            let value = match statistic {
                "share" => {
                    let (part, whole) = per.iter().fold((0, 0), |(p, w), s| {
                        (p + s.in_time.part, w + s.in_time.whole)
                    });
                    super::Share { part, whole }.percent()
                }
                "count" => Some(
                    per.iter()
                        .flat_map(|p| &p.open)
                        .filter(|o| o.days_left.is_some_and(|d| d < 0))
                        .count() as f64,
                ),
                _ => stat(&took),
            };
            (value, None)
        }
        "deployment-frequency" => {
            let d = delivery();
            let f = d.frequency();
            let value = match statistic {
                "count" => Some(f.deployments as f64),
                _ => f.days_per_week,
            };
            (value, Some(d))
        }
        "lead-time" => {
            let d = delivery();
            let took = sorted(d.lead_time().changes.iter().map(|c| c.took).collect());
            (stat(&took), Some(d))
        }
        "change-failure-rate" => {
            let d = delivery();
            (d.change_failure().rate.percent(), Some(d))
        }
        "recovery-time" => {
            let d = delivery();
            let took = sorted(d.recovery().recovered.iter().map(|r| r.2).collect());
            (stat(&took), Some(d))
        }
        _ => (None, None),
    };
    let band = delivery.and_then(|d| band(&target.metric, &d));
    let goal = target.value as f64;
    let met = value.is_some_and(|v| match target.op.as_str() {
        "<" => v < goal,
        "<=" => v <= goal,
        ">" => v > goal,
        _ => v >= goal,
    });
    Judged { value, met, band }
}

/// The DORA band of a key's own value (its median, its rate) over the window.
fn band(metric: &str, delivery: &Delivery) -> Option<String> {
    let key = catalog::metric(metric)?.bands?;
    let bands = bands::dora();
    let band = match metric {
        "deployment-frequency" => {
            let f = delivery.frequency();
            bands.band(key, |m| match m {
                "deployment-days-per-week" => f.days_per_week,
                "deployment-days-per-month" => f.days_per_month,
                _ => None,
            })
        }
        "change-failure-rate" => {
            let rate = delivery.change_failure().rate.percent();
            bands.band(key, |m| (m == "percent").then_some(rate).flatten())
        }
        _ => {
            let median = if metric == "lead-time" {
                delivery.lead_time().median
            } else {
                delivery.recovery().median
            };
            bands.band(key, |m| (m == "hours").then(|| hours(median)).flatten())
        }
    };
    band.map(str::to_string)
}

/// One decimal, none when whole: `36`, `40.5`.
fn round(value: f64) -> String {
    let tenths = (value * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

/// How a value of `unit` is shown: `36 h`, `40.5 %`, `1.5 per week`, `3`.
pub fn show(value: f64, unit: &str) -> String {
    match Unit::parse(unit) {
        Some(Unit::Hours) => format!("{} h", round(value)),
        Some(Unit::Percent) => format!("{} %", round(value)),
        Some(Unit::PerWeek) => format!("{} per week", round(value)),
        Some(Unit::Count) | None => format!("{value}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::read_json_lines;
    use crate::schema::{Obligation, Verify};

    fn control() -> Control {
        Control {
            name: "patching".to_string(),
            satisfies: vec!["nist80053#si-2".to_string()],
            remediation: [("critical".to_string(), 15)].into(),
            obligations: vec![Obligation {
                name: "scan".to_string(),
                title: None,
                doc: None,
                verify: vec![Verify {
                    kind: "scan".to_string(),
                    subject: Some("trivy".to_string()),
                    rules: Vec::new(),
                }],
                source: String::new(),
            }],
            weight: 1,
            ..Control::default()
        }
    }

    fn target(metric: &str, statistic: &str, op: &str, value: u64, unit: &str) -> MetricTarget {
        MetricTarget {
            metric: metric.to_string(),
            statistic: statistic.to_string(),
            op: op.to_string(),
            value,
            unit: unit.to_string(),
            window_days: 90,
            severity: Some("critical".to_string()).filter(|_| metric == "time-to-patch"),
            source: String::new(),
        }
    }

    #[test]
    fn targets_are_met_or_not_by_the_apps_records() {
        let mut set = EvidenceSet::default();
        let errors = read_json_lines(
            "e.jsonl",
            concat!(
                // Critical, trivy: 5 d and 20 d (due at 15 d). Other tool, other app: not read.
                r#"{"kind":"finding","app":"shop","id":"C1","severity":"critical","tool":"trivy","first_seen":"2026-11-01","fixed":"2026-11-06"}"#,
                "\n",
                r#"{"kind":"finding","app":"shop","id":"C2","severity":"critical","tool":"trivy","first_seen":"2026-11-01","fixed":"2026-11-21"}"#,
                "\n",
                r#"{"kind":"finding","app":"shop","id":"C3","severity":"critical","tool":"zap","first_seen":"2026-11-01","fixed":"2026-12-21"}"#,
                "\n",
                r#"{"kind":"finding","app":"cart","id":"C4","severity":"critical","tool":"trivy","first_seen":"2026-11-01","fixed":"2026-12-21"}"#,
                "\n",
                // Four deployments, one causing an incident: 25 %.
                r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-12-01T10:00:00Z","outcome":"success"}"#,
                "\n",
                r#"{"kind":"deployment","app":"shop","id":"d2","deployed":"2026-12-08T10:00:00Z","outcome":"success"}"#,
                "\n",
                r#"{"kind":"deployment","app":"shop","id":"d3","deployed":"2026-12-15T10:00:00Z","outcome":"success"}"#,
                "\n",
                r#"{"kind":"deployment","app":"shop","id":"d4","deployed":"2026-12-22T10:00:00Z","outcome":"success"}"#,
                "\n",
                r#"{"kind":"incident","app":"shop","id":"i1","opened":"2026-12-15T10:20:00Z","resolved":"2026-12-15T11:00:00Z","caused_by":"d3"}"#,
                "\n",
            ),
            &mut set,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let at = Date::new(2026, 12, 31).expect("date");
        let judged = |t: MetricTarget| {
            let j = judge(&t, &control(), &by_app(&set)["shop"], at);
            format!(
                "{} {} {} {}: {:?} met {} band {:?}",
                t.metric, t.statistic, t.op, t.value, j.value, j.met, j.band
            )
        };
        let lines = [
            // p90 of 120 h and 480 h: rank ceil(1.8) = 2, 480 h > 360 h (15 d): unmet.
            judged(target("time-to-patch", "p90", "<=", 360, "hours")),
            // Median (120 + 480) / 2 = 300 h <= 360: met.
            judged(target("time-to-patch", "median", "<=", 360, "hours")),
            // C1 in time, C2 (fixed 11-21, due 11-16) not: 50 %.
            judged(target("time-to-patch", "share", ">=", 90, "percent")),
            // 1 of 4 = 25 %, above 15 %: unmet; DevLake's 2021 criteria: > 20 % and <= 30 %,
            // medium.
            judged(target("change-failure-rate", "share", "<=", 15, "percent")),
            // d3 10:00 to i1 resolved 11:00: 1 h, not under 1 h (the elite bound): high.
            judged(target("recovery-time", "median", "<=", 4, "hours")),
            // 90 days: 12 whole weeks back from 2027-01-01; 4 have a deployment day:
            // median of eight 0s and four 1s = 0. No change shipped: no lead time.
            judged(target("deployment-frequency", "rate", ">=", 1, "per-week")),
            judged(target("lead-time", "median", "<=", 24, "hours")),
        ];
        insta::assert_snapshot!(lines.join("\n"), @r#"
        time-to-patch p90 <= 360: Some(480.0) met false band None
        time-to-patch median <= 360: Some(300.0) met true band None
        time-to-patch share >= 90: Some(50.0) met false band None
        change-failure-rate share <= 15: Some(25.0) met false band Some("medium")
        recovery-time median <= 4: Some(1.0) met true band Some("high")
        deployment-frequency rate >= 1: Some(0.0) met false band Some("medium")
        lead-time median <= 24: None met false band None
        "#);
    }
}
