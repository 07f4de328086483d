//! A control's `target` lines, type-checked against the built-in metrics
//! (polic_ruleset::metrics::catalog): the metric and statistic exist, the value is in the
//! statistic's unit, the severity filter is one the metric has, and some value could
//! meet the target. Lowered to [`Target`], the form the rule set keeps.

use polic_diagnostics::suggest::closest;
use polic_diagnostics::{Code, Diagnostic};
use polic_ruleset::metrics::catalog::{self, METRICS, Unit};
use polic_syntax::ast::{self, CmpOp, NodeId};

use crate::hir::{Loc, SEVERITIES};

/// A checked target; its value in the unit of its statistic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub metric: String,
    pub statistic: String,
    pub op: CmpOp,
    pub value: u64,
    pub unit: Unit,
    pub window_days: u32,
    pub severity: Option<String>,
    pub loc: Loc,
}

/// Checks one target; `None` when it is wrong (each problem reported).
pub(crate) fn lower_target(
    target: &ast::MetricTarget,
    loc: impl Fn(NodeId) -> Loc,
    report: &mut impl FnMut(Diagnostic<Loc>),
) -> Option<Target> {
    let name = &target.metric.text;
    let Some(metric) = catalog::metric(name) else {
        let names = METRICS.iter().map(|m| m.name);
        let mut d = Diagnostic::new(
            Code::UnknownMetric,
            format!("unknown metric `{name}`"),
            loc(target.metric.id),
        )
        .with_label("not a built-in metric")
        .with_help(format!(
            "the metrics are {}",
            METRICS
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if let Some(s) = closest(name, names) {
            d = d.with_suggestion(loc(target.metric.id), s);
        }
        report(d);
        return None;
    };
    let statistic = &target.statistic.text;
    let Some(unit) = metric.statistic(statistic) else {
        let names = metric.statistics.iter().map(|(s, _)| *s);
        let mut d = Diagnostic::new(
            Code::UnknownMetric,
            format!("metric `{name}` has no statistic `{statistic}`"),
            loc(target.statistic.id),
        )
        .with_label("not a statistic of this metric")
        .with_help(format!(
            "its statistics are {}",
            names.clone().collect::<Vec<_>>().join(", ")
        ));
        if let Some(s) = closest(statistic, names) {
            d = d.with_suggestion(loc(target.statistic.id), s);
        }
        report(d);
        return None;
    };
    let value_loc = loc(target.value.id);
    let Some(value) = in_unit(&target.value, unit) else {
        let written = target
            .value
            .unit
            .as_deref()
            .map_or("a bare number", |u| if u == "d" { "a duration" } else { u });
        report(
            Diagnostic::new(
                Code::WrongUnit,
                format!("`{name} {statistic}` is not measured in {written}"),
                value_loc,
            )
            .with_label(format!("`{statistic}` of `{name}` is in {}", unit.as_str()))
            .with_help(format!("write {}", unit.example())),
        );
        return None;
    };
    let severity = match &target.severity {
        None => None,
        Some(s) if !metric.by_severity => {
            report(
                Diagnostic::new(
                    Code::UnknownMetric,
                    format!("metric `{name}` has no severity filter"),
                    loc(s.id),
                )
                .with_help("only `time-to-patch` is counted per severity; remove `severity`"),
            );
            return None;
        }
        Some(s) if !SEVERITIES.contains(&s.text.as_str()) => {
            let mut d = Diagnostic::new(
                Code::UnknownOption,
                format!("unknown severity `{}`", s.text),
                loc(s.id),
            )
            .with_label("not a severity")
            .with_help(format!("write one of {}", SEVERITIES.join(", ")));
            if let Some(c) = closest(&s.text, SEVERITIES.iter().copied()) {
                d = d.with_suggestion(loc(s.id), c);
            }
            report(d);
            return None;
        }
        Some(s) => Some(s.text.clone()),
    };
    let window_days = target.window.days;
    let impossible = |why: String| {
        Diagnostic::new(
            Code::ImpossibleTarget,
            format!("target `{name} {statistic}` can never be met: {why}"),
            loc(target.id),
        )
    };
    let problem = match (target.op, unit.most()) {
        _ if window_days == 0 => Some(
            impossible("its window is empty".to_string())
                .with_help("give a window of at least a day: `over 90d`"),
        ),
        _ if unit == Unit::PerWeek && window_days < 7 => Some(
            impossible(format!("a window of {window_days} days has no whole week"))
                .with_help("deployment days are counted per week: give `over 7d` or more"),
        ),
        (CmpOp::Lt, _) if value == 0 => Some(
            impossible("no value is below zero".to_string())
                .with_help("write `<= 0` for none at all"),
        ),
        (CmpOp::Gt, Some(most)) if value >= most => Some(
            impossible(format!("no value is above {most} {}", unit.as_str()))
                .with_help(format!("the most there can be is {most} {}", unit.as_str())),
        ),
        (CmpOp::GtEq, Some(most)) if value > most => Some(
            impossible(format!("no value is above {most} {}", unit.as_str()))
                .with_help(format!("the most there can be is {most} {}", unit.as_str())),
        ),
        _ => None,
    };
    if let Some(problem) = problem {
        report(problem);
        return None;
    }
    Some(Target {
        metric: metric.name.to_string(),
        statistic: statistic.clone(),
        op: target.op,
        value,
        unit,
        window_days,
        severity,
        loc: loc(target.id),
    })
}

/// The value in `unit`, or `None` when it is written in another.
fn in_unit(value: &ast::Quantity, unit: Unit) -> Option<u64> {
    match (unit, value.unit.as_deref()) {
        (Unit::Hours, Some("d")) => value.amount.checked_mul(24),
        (Unit::Hours, Some("hours")) => Some(value.amount),
        (Unit::Percent, Some("percent")) => Some(value.amount),
        (Unit::PerWeek, Some("per-week")) => Some(value.amount),
        (Unit::PerWeek, Some("per-day")) => value.amount.checked_mul(7),
        (Unit::Count, None) => Some(value.amount),
        _ => None,
    }
}

/// The target as the rule set keeps it.
pub(crate) fn rule(target: &Target, source: String) -> polic_ruleset::schema::MetricTarget {
    polic_ruleset::schema::MetricTarget {
        metric: target.metric.clone(),
        statistic: target.statistic.clone(),
        op: target.op.as_str().to_string(),
        value: target.value,
        unit: target.unit.as_str().to_string(),
        window_days: target.window_days,
        severity: target.severity.clone(),
        source,
    }
}
