//! Metric targets over a year of records: 1,000 apps with 100,000 deployment, incident and
//! finding records in all, five targets each (time to patch p90 and overdue count, change
//! failure rate, recovery time, lead time), judged as `polic eval` does: the records
//! indexed by app once, then every app's targets. Target: < 1 s on one core, ideally
//! ≤ 200 ms. `cargo bench -p polic-ruleset --bench metrics`.

use polic_ruleset::evidence::{EvidenceSet, read_json_lines};
use polic_ruleset::metrics::target::{by_app, judge};
use polic_ruleset::schema::{Control, MetricTarget, Obligation, Verify};
use polic_syntax::ast::Date;

fn main() {
    divan::main();
}

const APPS: usize = 1_000;
const AT: Date = Date {
    year: 2026,
    month: 12,
    day: 31,
};

/// A year of records, 100 per app: 60 deployments (each shipping two commits; every
/// tenth rolled back and restored by the next), 10 incidents (caused by a deployment,
/// resolved 40 minutes later) and 30 findings (half fixed), spread over 2026 by a fixed
/// linear congruential sequence, so every run reads the same records.
fn records() -> EvidenceSet {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut text = String::new();
    let time = |minute: u64| {
        let day = minute / 1440;
        let date = Date::from_days_since_epoch(
            Date::new(2026, 1, 1).map_or(0, |d| d.days_since_epoch()) + day as i64,
        );
        format!("{date}T{:02}:{:02}:00Z", (minute % 1440) / 60, minute % 60)
    };
    const YEAR: u64 = 364 * 1440;
    for app in 0..APPS {
        let mut at = next(1440 * 3);
        for d in 0..60 {
            at = (at + next(1440 * 12)).min(YEAR - 1);
            let outcome = if d % 10 == 3 {
                "rolled-back"
            } else {
                "success"
            };
            let restores = if d % 10 == 4 {
                format!(r#","restores":"d{}""#, d - 1)
            } else {
                String::new()
            };
            text.push_str(&format!(
                r#"{{"kind":"deployment","app":"a{app}","id":"d{d}","deployed":"{}","outcome":"{outcome}"{restores},"commits":[{{"sha":"c{d}a","committed":"{}"}},{{"sha":"c{d}b","committed":"{}"}}]}}"#,
                time(at),
                time(at.saturating_sub(next(2880))),
                time(at.saturating_sub(next(600))),
            ));
            text.push('\n');
            if d % 6 == 0 {
                text.push_str(&format!(
                    r#"{{"kind":"incident","app":"a{app}","id":"i{d}","opened":"{}","resolved":"{}","caused_by":"d{d}"}}"#,
                    time(at + 20),
                    time(at + 60),
                ));
                text.push('\n');
            }
        }
        for f in 0..30 {
            let seen = next(YEAR - 1440 * 40);
            let severity = ["critical", "high", "medium", "low"][f % 4];
            let fixed = if f % 2 == 0 {
                format!(r#","fixed":"{}""#, time(seen + next(1440 * 40)))
            } else {
                String::new()
            };
            text.push_str(&format!(
                r#"{{"kind":"finding","app":"a{app}","id":"CVE-{f}","severity":"{severity}","tool":"trivy","first_seen":"{}"{fixed}}}"#,
                time(seen)
            ));
            text.push('\n');
        }
    }
    let mut set = EvidenceSet::default();
    let errors = read_json_lines("year.jsonl", &text, &mut set);
    assert!(errors.is_empty(), "{:?}", errors.first());
    assert_eq!(
        set.deployments.len() + set.incidents.len() + set.findings.len(),
        APPS * 100
    );
    set
}

fn control() -> Control {
    let target = |metric: &str, statistic: &str, op: &str, value, unit: &str| MetricTarget {
        metric: metric.to_string(),
        statistic: statistic.to_string(),
        op: op.to_string(),
        value,
        unit: unit.to_string(),
        window_days: 90,
        severity: None,
        source: String::new(),
    };
    Control {
        name: "delivery".to_string(),
        remediation: [("critical".to_string(), 15), ("high".to_string(), 30)].into(),
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
        targets: vec![
            target("time-to-patch", "p90", "<=", 360, "hours"),
            target("time-to-patch", "count", "<=", 0, "count"),
            target("change-failure-rate", "share", "<=", 15, "percent"),
            target("recovery-time", "median", "<", 4, "hours"),
            target("lead-time", "median", "<=", 24, "hours"),
        ],
        weight: 1,
        ..Control::default()
    }
}

#[divan::bench(sample_count = 10)]
fn a_year_for_1000_apps(bencher: divan::Bencher) {
    let set = records();
    let control = control();
    bencher.bench(|| {
        let by = by_app(&set);
        let mut met = 0;
        for records in by.values() {
            for target in &control.targets {
                met += usize::from(judge(target, &control, records, AT).met);
            }
        }
        met
    });
}
