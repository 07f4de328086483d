//! An evaluation report as a terminal table, Markdown, JUnit XML, SARIF and GitHub
//! annotations. Every format lists the same things in the same order and names the
//! formulas used.

use std::fmt::Write;

use polic_ruleset::eval::{
    AppReport, Item, PRIORITY_FORMULA, Report, SCORE_FORMULA, Status, Totals,
};
use polic_ruleset::evidence::Verb;
use polic_ruleset::metrics::bands;
use polic_ruleset::report::{clause_list, code_locations, detail, target_cells, uncovered};

use crate::github::{self, Annotation};
use crate::junit::{Case, Outcome, Suite, Suites};
use crate::sarif::{self, Level, Location, Region, Rule};
use crate::split_source;

fn totals_line(t: &Totals) -> String {
    let counts: Vec<String> = t
        .by_status()
        .iter()
        .map(|(status, n)| format!("{n} {}", status.as_str()))
        .collect();
    format!(
        "{} obligations: {}; score {:.1}",
        t.obligations,
        counts.join(", "),
        t.score
    )
}

fn app_heading(app: &AppReport) -> String {
    let mut facts = Vec::new();
    if let Some(unit) = &app.app.unit {
        facts.push(format!("unit {unit}"));
    }
    if let Some(owner) = &app.app.owner {
        facts.push(format!("owner {owner}"));
    }
    if let Some(criticality) = app.criticality {
        facts.push(format!("criticality {criticality}"));
    }
    let facts = if facts.is_empty() {
        String::new()
    } else {
        format!(" ({})", facts.join(", "))
    };
    format!("{}{facts}: score {:.1}", app.app.name, app.totals.score)
}

/// Adopted clauses no control satisfies, one line per standard and family:
/// `(standard, family, "id (weight w), ...")`.
fn uncovered_clauses<'r>(report: &'r Report) -> Vec<(&'r str, &'r str, String)> {
    let mut lines: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for &c in &report.uncovered_clauses {
        let clause = &report.clauses[c];
        let family = clause.family.unwrap_or("");
        let entry = format!("{} (weight {})", clause.clause, clause.weight);
        match lines.last_mut() {
            Some((s, f, entries)) if *s == clause.standard && *f == family => entries.push(entry),
            _ => lines.push((clause.standard, family, vec![entry])),
        }
    }
    lines
        .into_iter()
        .map(|(s, f, entries)| (s, f, entries.join(", ")))
        .collect()
}

const UNCOVERED_CLAUSES: &str = "adopted clauses no control satisfies";

fn due(item: &Item) -> String {
    item.due.map(|d| d.to_string()).unwrap_or_default()
}

/// How many of an app's required controls code implements and tests.
fn code_summary(app: &AppReport) -> String {
    let controls = app
        .items
        .iter()
        .map(|i| i.control_index)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let with = |verb: Verb| {
        app.code
            .values()
            .filter(|tags| tags.iter().any(|t| t.verb == verb))
            .count()
    };
    format!(
        "{} of {controls} required controls implemented in code, {} tested in code",
        with(Verb::Implements),
        with(Verb::Tests)
    )
}

const NOT_COUNTED: &str = "evidence not counted";

const UNCOVERED: &str = "uncovered (no evidence, code tag or waiver)";

/// The terminal table: per app, obligations by priority; then the portfolio.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let policy = policy_name(report);
    let _ = writeln!(out, "policy {policy}, evaluated at {}", report.at);
    for app in &report.apps {
        let _ = writeln!(out, "\n{}", app_heading(app));
        if app.items.is_empty() {
            let _ = writeln!(out, "  no obligations apply");
            continue;
        }
        let rows: Vec<[String; 6]> = app
            .items
            .iter()
            .map(|i| {
                [
                    i.priority.to_string(),
                    i.status.as_str().to_string(),
                    i.qualified(),
                    due(i),
                    clause_list(i),
                    detail(i),
                ]
            })
            .collect();
        let header = [
            "PRIORITY",
            "STATUS",
            "OBLIGATION",
            "DUE",
            "CLAUSES",
            "DETAIL",
        ];
        let widths: Vec<usize> = (0..5)
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: [&str; 6]| {
            let mut s = String::from("  ");
            for (c, cell) in cells.iter().enumerate().take(5) {
                let _ = write!(s, "{cell:<width$}  ", width = widths[c]);
            }
            s.push_str(cells[5]);
            s.trim_end().to_string()
        };
        let _ = writeln!(out, "{}", line(header));
        for row in &rows {
            let _ = writeln!(
                out,
                "{}",
                line([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]])
            );
        }
        if !app.code.is_empty() {
            let _ = writeln!(out, "  code: {}", code_summary(app));
            let width = app
                .code
                .keys()
                .map(|&c| report.rules.controls[c].name.chars().count())
                .max()
                .unwrap_or(0);
            for (&c, tags) in &app.code {
                let name = &report.rules.controls[c].name;
                let _ = writeln!(
                    out,
                    "    {name:<width$}  {}",
                    code_locations(tags.iter().copied())
                );
            }
        }
        let uncovered = uncovered(report, app);
        if !uncovered.is_empty() {
            let _ = writeln!(out, "  {UNCOVERED}: {}", uncovered.join(", "));
        }
        if !app.targets.is_empty() {
            let _ = writeln!(out, "  metric targets:");
            for t in &app.targets {
                let [target, value, met, band, clauses] = target_cells(app, t);
                let band = if band.is_empty() {
                    band
                } else {
                    format!(", band {band}")
                };
                let _ = writeln!(
                    out,
                    "    {}: {target}: {value}, {met}{band} (clauses {clauses})",
                    report.rules.controls[t.control_index].name
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\nportfolio: {} apps, {}",
        report.portfolio.apps,
        totals_line(&report.portfolio)
    );
    for (unit, totals) in &report.units {
        let _ = writeln!(
            out,
            "  unit {unit}: {} apps, {}",
            totals.apps,
            totals_line(totals)
        );
    }
    let uncovered = uncovered_clauses(report);
    for standard in &report.standards {
        let _ = writeln!(
            out,
            "  standard {}: {} adopted clauses, {} of {} app needs met",
            standard.standard, standard.clauses, standard.met, standard.needed
        );
        let mine: Vec<_> = uncovered
            .iter()
            .filter(|(s, _, _)| *s == standard.standard)
            .collect();
        if !mine.is_empty() {
            let _ = writeln!(out, "    {UNCOVERED_CLAUSES}:");
            for (_, family, entries) in mine {
                let _ = writeln!(out, "      {family}: {entries}");
            }
        }
    }
    if !report.unmatched.is_empty() {
        let _ = writeln!(
            out,
            "\nevidence that matched nothing ({}):",
            report.unmatched.len()
        );
        for u in &report.unmatched {
            let _ = writeln!(out, "  {}: {}", u.origin, u.reason);
        }
    }
    if !report.not_counted.is_empty() {
        let _ = writeln!(out, "\n{NOT_COUNTED} ({}):", report.not_counted.len());
        for u in &report.not_counted {
            let _ = writeln!(out, "  {}: {}", u.origin, u.reason);
        }
    }
    let _ = writeln!(out, "\n{PRIORITY_FORMULA}\n{SCORE_FORMULA}");
    if report.gate.pass {
        let _ = writeln!(out, "gate: pass");
    } else {
        let _ = writeln!(
            out,
            "gate: FAIL ({} obligations)",
            report.gate.reasons.len()
        );
        for reason in &report.gate.reasons {
            let _ = writeln!(out, "  {reason}");
        }
    }
    out
}

fn policy_name<'r>(report: &'r Report) -> &'r str {
    report
        .rules
        .policy
        .as_ref()
        .map_or("(no policy)", |p| p.name.as_str())
}

fn md_escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let policy = policy_name(report);
    let _ = writeln!(out, "# Policy `{policy}` evaluated at {}\n", report.at);
    let _ = writeln!(
        out,
        "**Portfolio**: {} apps, {}\n",
        report.portfolio.apps,
        totals_line(&report.portfolio)
    );
    let _ = writeln!(
        out,
        "| app | unit | criticality | score | met | provided | waived | open | overdue |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for app in &report.apps {
        let t = &app.totals;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} | {} | {} | {} | {} | {} |",
            md_escape(&app.app.name),
            md_escape(app.app.unit.as_deref().unwrap_or("")),
            app.criticality.unwrap_or(""),
            t.score,
            t.met,
            t.provided,
            t.waived,
            t.unmet + t.stale + t.waiver_expired,
            t.overdue
        );
    }
    if !report.queue.is_empty() {
        let _ = writeln!(
            out,
            "\n## Work queue\n\n| priority | app | obligation | status | due | clauses |\n| ---: | --- | --- | --- | --- | --- |"
        );
        for &(a, i) in &report.queue {
            let item = &report.apps[a].items[i];
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | {} | {} |",
                item.priority,
                md_escape(&report.apps[a].app.name),
                item.qualified(),
                item.status.as_str(),
                due(item),
                md_escape(&clause_list(item))
            );
        }
    }
    if report.apps.iter().any(|a| !a.code.is_empty()) {
        let _ = writeln!(
            out,
            "\n## Code traceability\n\n| app | control | in code |\n| --- | --- | --- |"
        );
        for app in &report.apps {
            for (&c, tags) in &app.code {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} |",
                    md_escape(&app.app.name),
                    report.rules.controls[c].name,
                    md_escape(&code_locations(tags.iter().copied()))
                );
            }
        }
    }
    if report.apps.iter().any(|a| !a.targets.is_empty()) {
        let _ = writeln!(
            out,
            "\n## Metric targets\n\nDefinitions: docs/metrics.md; bands: {}.\n\n| app | control | target | value | status | band | clauses |\n| --- | --- | --- | --- | --- | --- | --- |",
            md_escape(&bands::dora().citation())
        );
        for app in &report.apps {
            for t in &app.targets {
                let [target, value, met, band, clauses] = target_cells(app, t);
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {met} | {band} | {clauses} |",
                    md_escape(&app.app.name),
                    report.rules.controls[t.control_index].name,
                    md_escape(&target),
                    md_escape(&value),
                );
            }
        }
    }
    if report.apps.iter().any(|a| !a.uncovered.is_empty()) {
        let _ = writeln!(
            out,
            "\n## Uncovered controls\n\nRequired controls with no evidence, code tag or waiver.\n\n| app | controls |\n| --- | --- |"
        );
        for app in report.apps.iter().filter(|a| !a.uncovered.is_empty()) {
            let names: Vec<String> = uncovered(report, app)
                .iter()
                .map(|n| format!("`{n}`"))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} |",
                md_escape(&app.app.name),
                names.join(", ")
            );
        }
    }
    let _ = writeln!(
        out,
        "\n## Standards\n\n| standard | adopted clauses | app needs met |\n| --- | ---: | ---: |"
    );
    for s in &report.standards {
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} |",
            s.standard, s.clauses, s.met, s.needed
        );
    }
    let uncovered = uncovered_clauses(report);
    if !uncovered.is_empty() {
        let _ = writeln!(
            out,
            "\n### Adopted clauses no control satisfies\n\n| standard | family | clauses |\n| --- | --- | --- |"
        );
        for (standard, family, entries) in &uncovered {
            let _ = writeln!(out, "| {standard} | {family} | {} |", md_escape(entries));
        }
    }
    for (heading, list) in [
        ("Evidence that matched nothing", &report.unmatched),
        ("Evidence not counted", &report.not_counted),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {heading}\n");
        for u in list {
            let _ = writeln!(out, "- `{}`: {}", u.origin, md_escape(&u.reason));
        }
    }
    let _ = writeln!(out, "\n*{PRIORITY_FORMULA}*\n\n*{SCORE_FORMULA}*\n");
    let _ = write!(
        out,
        "**Gate**: {}",
        if report.gate.pass { "pass\n" } else { "FAIL\n" }
    );
    for reason in &report.gate.reasons {
        let _ = writeln!(out, "- {}", md_escape(reason));
    }
    out
}

/// JUnit XML: a suite per app, a case per obligation; an open item is a failure, a waived
/// one is skipped; where code implements and tests it is the case's output.
pub fn junit(report: &Report) -> String {
    let suites = report
        .apps
        .iter()
        .map(|app| Suite {
            name: app.app.name.clone(),
            cases: app.items.iter().map(|item| case(app, item)).collect(),
        })
        .collect();
    Suites {
        name: "polic eval".to_string(),
        suites,
    }
    .to_xml()
}

fn case(app: &AppReport, item: &Item) -> Case {
    let mut case = Case::new(app.app.name.as_str(), item.qualified());
    match item.status {
        Status::Met | Status::Provided => {}
        Status::Waived => case.outcomes.push(Outcome::Skipped {
            message: format!("waived by {}", item.waiver.map_or("", |w| w.name.as_str())),
        }),
        status => case.outcomes.push(Outcome::Failure {
            kind: Some(status.as_str().to_string()),
            message: detail(item),
            text: format!("priority {}; clauses {}", item.priority, clause_list(item)),
        }),
    }
    let code = code_locations(app.code_for(item));
    case.system_out = (!code.is_empty()).then_some(code);
    case
}

/// SARIF: one result per open item, located at the obligation in the policy source, with
/// its control as the rule and the code tags that speak to it as related locations.
pub fn sarif(report: &Report) -> sarif::Log {
    let mut controls: Vec<&str> = report
        .queue
        .iter()
        .map(|&(a, i)| report.apps[a].items[i].control.name.as_str())
        .collect();
    controls.sort_unstable();
    controls.dedup();
    let rules: Vec<Rule> = controls
        .iter()
        .map(|&c| {
            let title = report
                .rules
                .controls
                .iter()
                .find(|k| k.name == c)
                .and_then(|k| k.title.clone());
            Rule::new(c, title.unwrap_or_else(|| format!("control {c}")))
        })
        .collect();
    let mut results = Vec::new();
    for app in &report.apps {
        for item in app.items.iter().filter(|i| i.status.open()) {
            let (file, line, column) = split_source(obligation_source(item));
            let level = if item.status.always_fails() {
                Level::Error
            } else {
                Level::Warning
            };
            let mut result = sarif::Result::new(
                &rules,
                &item.control.name,
                level,
                item_message(app, item),
                Location::new(file, Region::at(line, column)),
            );
            result.related_locations = app
                .code_for(item)
                .enumerate()
                .map(|(id, tag)| {
                    let lines = Region::lines(tag.lines.0.into(), tag.lines.1.into());
                    Location::new(&tag.file, lines)
                        .related(id, format!("{} {}", tag.verb.as_str(), tag.control))
                })
                .collect();
            result.properties = Some(serde_json::json!({
                "app": app.app.name,
                "status": item.status.as_str(),
                "priority": item.priority,
                "uncovered": app.uncovered.contains(&item.control_index),
            }));
            results.push(result);
        }
    }
    sarif::Log::new(sarif::Run::new(rules, results))
}

fn obligation_source<'r>(item: &Item<'r>) -> &'r str {
    &item.control.obligations[item.obligation].source
}
/// What an open item is, in one line, for annotations: `shop: patching.cves is overdue:
/// ... (priority 15; clauses nist80053#si-2)`.
fn item_message(app: &AppReport, item: &Item) -> String {
    let detail = detail(item);
    format!(
        "{}: {} is {}{} (priority {}; clauses {})",
        app.app.name,
        item.qualified(),
        item.status.as_str(),
        if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        },
        item.priority,
        clause_list(item)
    )
}

/// An annotation per open obligation at its source line (an error when it fails the
/// gate, else a warning), then the gate in one line.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for app in &report.apps {
        for item in app.items.iter().filter(|i| i.status.open()) {
            let (file, line, column) = split_source(obligation_source(item));
            let kind = if item.fails_gate(report.fail_above) {
                Annotation::Error
            } else {
                Annotation::Warning
            };
            let at = github::Place {
                line: line as u32,
                column: column as u32,
                end: None,
            };
            let title = format!("polic {} {}", app.app.name, item.qualified());
            out.push_str(&github::annotation(
                kind,
                file,
                at,
                &title,
                &item_message(app, item),
            ));
        }
    }
    let gate = if report.gate.pass { "pass" } else { "FAIL" };
    let _ = writeln!(
        out,
        "polic eval at {}: gate {gate}, {} open obligation(s)",
        report.at,
        report.queue.len()
    );
    out
}
