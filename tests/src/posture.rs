//! A portfolio for the posture report's size test and benchmark: the evaluation
//! benchmarks' generated apps spread over units, evaluated without evidence, and a
//! history of weekly snapshots whose scores drift deterministically.

use std::collections::BTreeMap;

use polic_history::trend::{Point, Share, Trend};
use polic_ruleset::RuleSet;
use polic_ruleset::eval::{Report, Totals};

/// [`crate::generate::portfolio_rules`] with each app in one of `units` units.
pub fn rules(apps: usize, controls: usize, units: usize) -> RuleSet {
    let mut rules = crate::generate::portfolio_rules(apps, controls);
    for (n, app) in rules.apps.iter_mut().enumerate() {
        app.unit = Some(format!("unit-{}", n % units));
    }
    rules
}

/// `weeks` snapshots, a week apart, ending the week before `report`'s date: the report's
/// apps, units and clauses, with scores varying by week and app.
pub fn history(report: &Report, weeks: usize) -> Trend {
    let end = report.at.days_since_epoch();
    let score = |week: usize, n: usize| ((week * 37 + n * 11) % 101) as f64;
    let totals = |t: &Totals, week: usize, n: usize| Totals {
        score: score(week, n),
        ..t.clone()
    };
    let points = (0..weeks)
        .map(|week| {
            let at =
                polic_syntax::ast::Date::from_days_since_epoch(end - 7 * (weeks - week) as i64);
            let point = Point {
                id: week as i64 + 1,
                at: at.to_string(),
                revision: None,
                portfolio: totals(&report.portfolio, week, 0),
                units: report
                    .units
                    .iter()
                    .enumerate()
                    .map(|(n, (unit, t))| (unit.clone(), totals(t, week, n)))
                    .collect(),
                apps: report
                    .apps
                    .iter()
                    .enumerate()
                    .map(|(n, a)| (a.app.name.clone(), totals(&a.totals, week, n)))
                    .collect(),
                clauses: report
                    .clauses
                    .iter()
                    .map(|c| {
                        let share = Share {
                            needed_by: c.needed_by,
                            met_by: c.met_by.min(week),
                        };
                        (c.clause.clone(), share)
                    })
                    .collect::<BTreeMap<_, _>>(),
            };
            (point, polic_ruleset::eval::SCORE_FORMULA.to_string())
        })
        .collect();
    Trend::new(points)
}
