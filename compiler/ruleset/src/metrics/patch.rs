//! Time to patch per severity: from a finding's opening (first seen, or reopened) to its
//! fix, for the findings fixed in the window; and the open ones with their days left.

use super::{Share, Window, between, median, percentile};
use crate::evidence::{Finding, SEVERITIES};
use jiff::SignedDuration;
use polic_syntax::ast::Date;

/// A finding fixed in the window: how long it took, and whether by its due date.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched<'a> {
    pub finding: &'a Finding,
    pub took: SignedDuration,
    /// `None` when no window or due date applies to it.
    pub in_time: Option<bool>,
}

/// A finding still open at the evaluation date.
#[derive(Debug, Clone, PartialEq)]
pub struct Open<'a> {
    pub finding: &'a Finding,
    pub due: Option<Date>,
    /// Days from the evaluation date to the due date; negative when overdue.
    pub days_left: Option<i64>,
}

/// Time to patch for one severity.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchTime<'a> {
    pub severity: &'static str,
    /// Fixed in the window, quickest first.
    pub fixed: Vec<Patched<'a>>,
    pub median: Option<SignedDuration>,
    pub p90: Option<SignedDuration>,
    /// Fixed by the due date, of those fixed in the window that have one.
    pub in_time: Share,
    /// Open at the evaluation date, soonest due first.
    pub open: Vec<Open<'a>>,
}

/// Time to patch per severity (critical first; severities without findings left out) of
/// one app's findings. `due` is when a finding must be fixed: its own (KEV) due date,
/// else its opening plus the severity's window (eval's `finding_due`).
pub fn time_to_patch<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    window: Window,
    due: impl Fn(&Finding) -> Option<Date>,
) -> Vec<PatchTime<'a>> {
    let at = window.at;
    let mut per: Vec<PatchTime<'a>> = SEVERITIES
        .iter()
        .map(|severity| PatchTime {
            severity,
            fixed: Vec::new(),
            median: None,
            p90: None,
            in_time: Share { part: 0, whole: 0 },
            open: Vec::new(),
        })
        .collect();
    for finding in findings {
        if finding.first_seen.after(at) {
            continue;
        }
        let Some(slot) = per.iter_mut().find(|p| p.severity == finding.severity) else {
            continue;
        };
        let due = due(finding);
        match finding.fixed {
            Some(fixed) if !fixed.after(at) => {
                if window.contains(fixed) {
                    // A reopened finding's fix is after it reopened (checked on input),
                    // so its clock is the one that restarted.
                    let took = between(finding.opened_by(at), fixed);
                    let in_time = due.map(|due| fixed.date() <= due);
                    slot.fixed.push(Patched {
                        finding,
                        took,
                        in_time,
                    });
                }
            }
            _ => slot.open.push(Open {
                finding,
                due,
                days_left: due.map(|due| due.days_since_epoch() - at.days_since_epoch()),
            }),
        }
    }
    per.retain(|p| !p.fixed.is_empty() || !p.open.is_empty());
    for p in &mut per {
        p.fixed.sort_by(|a, b| {
            a.took
                .cmp(&b.took)
                .then_with(|| a.finding.id.cmp(&b.finding.id))
        });
        p.open.sort_by(|a, b| {
            (a.due.is_none(), a.due, &a.finding.id).cmp(&(b.due.is_none(), b.due, &b.finding.id))
        });
        let took: Vec<SignedDuration> = p.fixed.iter().map(|f| f.took).collect();
        p.median = median(&took);
        p.p90 = percentile(&took, 90);
        let judged: Vec<bool> = p.fixed.iter().filter_map(|f| f.in_time).collect();
        p.in_time = Share {
            part: judged.iter().filter(|ok| **ok).count(),
            whole: judged.len(),
        };
    }
    per
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::finding_due;
    use crate::evidence::{EvidenceSet, read_json_lines};
    use crate::schema::Control;

    fn findings(text: &str) -> EvidenceSet {
        let mut set = EvidenceSet::default();
        let errors = read_json_lines("f.jsonl", text, &mut set);
        assert!(errors.is_empty(), "{errors:?}");
        set
    }

    const AT: Date = Date {
        year: 2026,
        month: 12,
        day: 31,
    };

    /// A control whose windows are critical 15 days, high 30; the due dates are eval's.
    fn due(f: &Finding) -> Option<Date> {
        let control = Control {
            name: "patching".to_string(),
            remediation: [("critical".to_string(), 15), ("high".to_string(), 30)].into(),
            weight: 1,
            ..Control::default()
        };
        finding_due(&control, f, AT)
    }

    #[test]
    fn median_p90_share_in_time_and_open_findings() {
        let set = findings(concat!(
            // 4 days.
            r#"{"kind":"finding","app":"a","id":"C1","severity":"critical","first_seen":"2026-12-01","fixed":"2026-12-05"}"#,
            "\n",
            // 10 days.
            r#"{"kind":"finding","app":"a","id":"C2","severity":"critical","first_seen":"2026-12-01","fixed":"2026-12-11"}"#,
            "\n",
            // 20 days: past its 15-day window (due 12-16).
            r#"{"kind":"finding","app":"a","id":"C3","severity":"critical","first_seen":"2026-11-20","fixed":"2026-12-10"}"#,
            "\n",
            // 12 h, with instants.
            r#"{"kind":"finding","app":"a","id":"C4","severity":"critical","first_seen":"2026-12-20T00:00:00Z","fixed":"2026-12-20T12:00:00Z"}"#,
            "\n",
            // Open: due 2026-12-20 + 15 = 2027-01-04, 4 days after 12-31.
            r#"{"kind":"finding","app":"a","id":"C5","severity":"critical","first_seen":"2026-12-20"}"#,
            "\n",
            // Open, KEV due 2026-12-25 overrides its 2027-01-05 window: 6 days overdue.
            r#"{"kind":"finding","app":"a","id":"C6","severity":"critical","first_seen":"2026-12-21","due":"2026-12-25"}"#,
            "\n",
            // Fixed before the 90-day window (it starts 2026-10-03): not counted.
            r#"{"kind":"finding","app":"a","id":"C7","severity":"critical","first_seen":"2026-09-01","fixed":"2026-09-02"}"#,
            "\n",
            // Fixed after the evaluation date: still open, 1 day overdue (due 2026-12-30).
            r#"{"kind":"finding","app":"a","id":"H1","severity":"high","first_seen":"2026-11-30","fixed":"2027-01-02"}"#,
            "\n",
            // Seen after the evaluation date: not yet there.
            r#"{"kind":"finding","app":"a","id":"H2","severity":"high","first_seen":"2027-01-02"}"#,
            "\n",
        ));
        let per = time_to_patch(&set.findings, Window::new(AT, 90), due);
        let summary: Vec<String> = per
            .iter()
            .map(|p| {
                format!(
                    "{}: fixed {:?}, median {:?}, p90 {:?}, in time {}/{}, open {:?}",
                    p.severity,
                    p.fixed
                        .iter()
                        .map(|f| f.finding.id.as_str())
                        .collect::<Vec<_>>(),
                    p.median.map(|d| d.as_hours()),
                    p.p90.map(|d| d.as_hours()),
                    p.in_time.part,
                    p.in_time.whole,
                    p.open
                        .iter()
                        .map(|o| (o.finding.id.as_str(), o.days_left))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        // Critical fixed in the window: 12 h, 4 d, 10 d, 20 d. Median: the mean of 4 d
        // and 10 d, 7 d = 168 h. p90: rank ceil(3.6) = 4, 20 d = 480 h. In time: all but
        // C3, 3 of 4.
        insta::assert_snapshot!(summary.join("\n"), @r#"
        critical: fixed ["C4", "C1", "C2", "C3"], median Some(168), p90 Some(480), in time 3/4, open [("C6", Some(-6)), ("C5", Some(4))]
        high: fixed [], median None, p90 None, in time 0/0, open [("H1", Some(-1))]
        "#);
    }

    #[test]
    fn a_reopened_finding_restarts_its_clock() {
        let set = findings(concat!(
            // First seen 11-01, fixed (unrecorded), reopened 12-10, fixed 12-14: 4 days.
            r#"{"kind":"finding","app":"a","id":"R1","severity":"critical","first_seen":"2026-11-01","reopened":"2026-12-10","fixed":"2026-12-14"}"#,
            "\n",
            // Reopened 12-20 and open: due 12-20 + 15 = 2027-01-04, 4 days left.
            r#"{"kind":"finding","app":"a","id":"R2","severity":"critical","first_seen":"2026-10-01","reopened":"2026-12-20"}"#,
            "\n",
        ));
        let per = time_to_patch(&set.findings, Window::new(AT, 90), due);
        assert_eq!(per[0].fixed[0].took, SignedDuration::from_hours(4 * 24));
        assert_eq!(per[0].fixed[0].in_time, Some(true));
        assert_eq!(per[0].open[0].days_left, Some(4));
    }
}
