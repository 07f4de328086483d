//! A diff as a terminal table, JSON, Markdown (for a pull-request comment) and SARIF
//! (regressions as results, at the obligation's source).

use std::fmt::Write;

use polic_report::sarif::{self, Level, Location, Region, Rule};
use polic_report::split_source;

use crate::diff::{Change, Counts, Diff, Kind, Score, WaiverChange};

fn status(s: Option<polic_ruleset::eval::Status>) -> &'static str {
    s.map_or("-", |s| s.as_str())
}

fn score(s: &Score) -> String {
    let show = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.1}"));
    match s.delta {
        Some(d) => format!("{} → {} ({d:+.1})", show(s.before), show(s.after)),
        None => format!("{} → {}", show(s.before), show(s.after)),
    }
}

fn side(diff: &Diff, to: bool) -> String {
    let side = if to { &diff.to } else { &diff.from };
    match &side.revision {
        Some(rev) => format!("{} ({})", side.at, &rev[..rev.len().min(12)]),
        None => side.at.clone(),
    }
}

/// `met → overdue`, and what came with it (findings, staleness).
fn what(change: &Change) -> String {
    let mut text = format!("{} → {}", status(change.before), status(change.after));
    let mut notes = Vec::new();
    if change.went_stale {
        notes.push("evidence went stale".to_string());
    }
    for (label, ids) in [
        ("findings opened", &change.findings_opened),
        ("findings closed", &change.findings_closed),
        ("now overdue", &change.findings_now_overdue),
    ] {
        if !ids.is_empty() {
            notes.push(format!("{label}: {}", ids.join(", ")));
        }
    }
    if let Some(detail) = &change.detail {
        notes.push(detail.clone());
    }
    if !notes.is_empty() {
        let _ = write!(text, " ({})", notes.join("; "));
    }
    text
}

fn waiver_line(change: &WaiverChange) -> String {
    let w = &change.waiver;
    let mut text = format!("{} {} ({}", w.app, w.name, w.control);
    if let Some(o) = &w.obligation {
        let _ = write!(text, ".{o}");
    }
    text.push(')');
    match (&w.expires, change.days_left) {
        (Some(e), Some(d)) if d < 0 => {
            let _ = write!(text, ", expired {e}");
        }
        (Some(e), Some(d)) => {
            let _ = write!(text, ", expires {e} (in {d} days)");
        }
        _ => text.push_str(", no expiry"),
    }
    if let Some(approver) = &w.approved_by {
        let _ = write!(text, ", approved by {approver}");
    }
    text
}

/// The terminal table.
pub fn table(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "polic diff {} → {}",
        side(diff, false),
        side(diff, true)
    );
    let _ = writeln!(out, "portfolio score {}", score(&diff.portfolio));
    let c = &diff.counts;
    let [
        regressed,
        improved,
        changed,
        new,
        removed,
        opened,
        closed,
        overdue,
    ] = counts(c);
    let _ = writeln!(
        out,
        "{regressed} regressed, {improved} improved, {changed} changed, {new} new, {removed} removed; findings {opened} opened, {closed} closed, {overdue} now overdue"
    );
    for unit in diff.units.iter().filter(|u| u.score.delta != Some(0.0)) {
        let _ = writeln!(out, "unit {} score {}", unit.unit, score(&unit.score));
    }
    for app in &diff.apps {
        out.push('\n');
        let presence = match app.presence {
            "present" => String::new(),
            other => format!(" ({other})"),
        };
        let _ = writeln!(out, "{}{presence}: score {}", app.app, score(&app.score));
        for change in &app.changes {
            let _ = writeln!(
                out,
                "  {:<9} {}.{}: {}  [{}]",
                change.kind.as_str(),
                change.control,
                change.obligation,
                what(change),
                change.clauses.join(", ")
            );
        }
    }
    for (label, list) in waiver_sections(diff) {
        if !list.is_empty() {
            let _ = writeln!(out, "\n{label}:");
            for change in list {
                let _ = writeln!(out, "  {}", waiver_line(change));
            }
        }
    }
    let _ = writeln!(out, "\nscore: {}", diff.score_formula);
    out
}

/// The counts in the order both summaries show them.
fn counts(c: &Counts) -> [usize; 8] {
    [
        c.regressed,
        c.improved,
        c.changed,
        c.new,
        c.removed,
        c.findings_opened,
        c.findings_closed,
        c.findings_now_overdue,
    ]
}

/// The waiver lists of a diff, each with its heading.
fn waiver_sections(diff: &Diff) -> [(String, &Vec<WaiverChange>); 4] {
    let w = &diff.waivers;
    [
        ("new waivers".to_string(), &w.new),
        ("removed waivers".to_string(), &w.removed),
        ("waivers expired".to_string(), &w.expired),
        (
            format!("waivers expiring within {} days", w.expiring_within_days),
            &w.expiring,
        ),
    ]
}

pub fn json(diff: &Diff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_default() + "\n"
}

fn md(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Markdown sized for a pull-request comment: the counts, then a table of changes per app,
/// regressions first.
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let c = &diff.counts;
    let verdict = if diff.regressed() {
        "regressed"
    } else {
        "no regression"
    };
    let _ = writeln!(
        out,
        "### polic posture: {verdict} ({} → {})\n",
        side(diff, false),
        side(diff, true)
    );
    let _ = writeln!(out, "Portfolio score {}.\n", score(&diff.portfolio));
    let _ = writeln!(
        out,
        "| regressed | improved | changed | new | removed | findings opened | closed | now overdue |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| {} |\n",
        counts(c).map(|n| n.to_string()).join(" | ")
    );
    if !diff.apps.is_empty() {
        out.push_str("| app | obligation | change | status | clauses |\n|---|---|---|---|---|\n");
        for app in &diff.apps {
            if app.changes.is_empty() {
                let _ = writeln!(
                    out,
                    "| {} | | app {} | score {} | |",
                    md(&app.app),
                    app.presence,
                    score(&app.score)
                );
            }
            for change in &app.changes {
                let mark = if change.kind == Kind::Regressed {
                    "**regressed**"
                } else {
                    change.kind.as_str()
                };
                let _ = writeln!(
                    out,
                    "| {} | `{}.{}` | {mark} | {} | {} |",
                    md(&app.app),
                    md(&change.control),
                    md(&change.obligation),
                    md(&what(change)),
                    md(&change.clauses.join(", "))
                );
            }
        }
        out.push('\n');
    }
    for (label, list) in waiver_sections(diff) {
        if !list.is_empty() {
            let label = label[..1].to_uppercase() + &label[1..];
            let _ = writeln!(out, "**{label}**\n");
            for change in list {
                let _ = writeln!(out, "- {}", md(&waiver_line(change)));
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "<sub>score: {}</sub>", md(&diff.score_formula));
    out
}

/// SARIF 2.1.0: one result per regression, at the obligation, its control as the rule.
/// A JSON value, as `polic diff` writes it.
pub fn sarif(diff: &Diff) -> serde_json::Value {
    let regressions: Vec<(&str, &Change)> = diff
        .apps
        .iter()
        .flat_map(|a| a.changes.iter().map(move |c| (a.app.as_str(), c)))
        .filter(|(_, c)| c.kind == Kind::Regressed)
        .collect();
    let mut controls: Vec<&str> = regressions
        .iter()
        .map(|(_, c)| c.control.as_str())
        .collect();
    controls.sort_unstable();
    controls.dedup();
    let rules: Vec<Rule> = controls
        .iter()
        .map(|c| Rule::new(*c, format!("control {c}")))
        .collect();
    let results = regressions
        .iter()
        .map(|(app, change)| {
            let (file, line, column) = split_source(&change.source);
            let text = format!(
                "{app}: {}.{} regressed: {} (clauses {})",
                change.control,
                change.obligation,
                what(change),
                change.clauses.join(", ")
            );
            let at = Location::new(file, Region::at(line, column));
            let mut result = sarif::Result::new(&rules, &change.control, Level::Error, text, at);
            result.partial_fingerprints.insert(
                "policRegression/v1".to_string(),
                format!("{app}/{}/{}", change.control, change.obligation),
            );
            result
        })
        .collect();
    let log = sarif::Log::new(sarif::Run::new(rules, results));
    serde_json::to_value(log).unwrap_or_default()
}
