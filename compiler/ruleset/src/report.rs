//! Writing an evaluation report: a terminal table, Markdown, JSON, JUnit XML and SARIF.
//! Every format lists the same things in the same order and names the formulas used.

use std::fmt::Write;

use crate::eval::{AppReport, Item, PRIORITY_FORMULA, Report, SCORE_FORMULA, Status, Totals};
use crate::evidence::{CodeTag, Verb};

fn totals_line(t: &Totals) -> String {
    format!(
        "{} obligations: {} met, {} provided, {} waived, {} waiver-expired, {} overdue, {} stale, {} unmet; score {:.1}",
        t.obligations,
        t.met,
        t.provided,
        t.waived,
        t.waiver_expired,
        t.overdue,
        t.stale,
        t.unmet,
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

/// What to say about an item beside its status.
fn detail(item: &Item) -> String {
    match (item.provided_by, item.waiver, &item.detail) {
        (_, _, Some(detail)) => detail.clone(),
        (Some(by), _, None) => format!("provided by {by}"),
        (_, Some(waiver), None) => format!("waiver {}", waiver.name),
        _ => String::new(),
    }
}

/// The clauses an item serves, as every format cites them: `nist80053#si-2, iso27001#A.8.8`.
fn clause_list(item: &Item) -> String {
    item.clauses().collect::<Vec<_>>().join(", ")
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

/// `implements a.py:3-8, b.py:2; tests t.py:1-5`
pub(crate) fn code_locations<'t>(tags: impl IntoIterator<Item = &'t CodeTag>) -> String {
    let mut by_verb: [Vec<String>; 2] = Default::default();
    for tag in tags {
        let locations = &mut by_verb[tag.verb as usize];
        // A tag naming two obligations of one control is one place in the code.
        let location = tag.location();
        if !locations.contains(&location) {
            locations.push(location);
        }
    }
    [Verb::Implements, Verb::Tests]
        .iter()
        .zip(by_verb)
        .filter(|(_, locations)| !locations.is_empty())
        .map(|(verb, locations)| format!("{} {}", verb.as_str(), locations.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
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

/// The required controls of an app that nothing speaks to, by name.
pub fn uncovered<'r>(report: &'r Report, app: &'r AppReport) -> Vec<&'r str> {
    app.uncovered
        .iter()
        .map(|&c| report.rules.controls[c].name.as_str())
        .collect()
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

/// Text escaped for XML attributes and content.
pub fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JUnit XML: a suite per app, a case per obligation; an open item is a failure, a waived
/// one is skipped.
pub fn junit(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = report.apps.iter().map(|a| a.items.len()).sum();
    let failed = |a: &AppReport| a.items.iter().filter(|i| i.status.open()).count();
    let failures: usize = report.apps.iter().map(failed).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"polic eval\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for app in &report.apps {
        let skipped = app
            .items
            .iter()
            .filter(|i| i.status == Status::Waived)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{skipped}\">",
            xml(&app.app.name),
            app.items.len(),
            failed(app)
        );
        for item in &app.items {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&app.app.name),
                xml(&item.qualified())
            );
            let mut inner = String::new();
            match item.status {
                Status::Met | Status::Provided => {}
                Status::Waived => {
                    let waiver = item.waiver.map_or("", |w| w.name.as_str());
                    let _ = writeln!(
                        inner,
                        "      <skipped message=\"waived by {}\"/>",
                        xml(waiver)
                    );
                }
                status => {
                    let clauses: Vec<&str> = item.clauses().collect();
                    let _ = writeln!(
                        inner,
                        "      <failure type=\"{}\" message=\"{}\">priority {}; clauses {}</failure>",
                        status.as_str(),
                        xml(&detail(item)),
                        item.priority,
                        xml(&clauses.join(", "))
                    );
                }
            }
            let code = code_locations(app.code_for(item));
            if !code.is_empty() {
                let _ = writeln!(inner, "      <system-out>{}</system-out>", xml(&code));
            }
            if inner.is_empty() {
                out.push_str("/>\n");
            } else {
                let _ = write!(out, ">\n{inner}    </testcase>\n");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Where a file is, as SARIF names it: a relative path under `%SRCROOT%` (the directory the
/// paths were given from, which GitHub code scanning takes to be the repository's root), an
/// absolute one as a `file:` URI with no base, since SARIF resolves only relative references
/// against a base (SARIF1004).
pub fn artifact_location(path: &str) -> serde_json::Value {
    if polic_diagnostics::uri::is_absolute(path) {
        serde_json::json!({ "uri": polic_diagnostics::uri::file_uri(path) })
    } else {
        serde_json::json!({ "uri": polic_diagnostics::uri::encode_path(path), "uriBaseId": SOURCE_ROOT })
    }
}

const SOURCE_ROOT: &str = "%SRCROOT%";

/// The `tool.driver` of every SARIF log polic writes: its name, version, where to read about
/// it (SARIF2005) and the rules it reports.
pub fn sarif_driver(rules: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "name": "polic",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": rules,
    })
}

/// The base the relative paths of a SARIF log resolve against. It has no `uri`: the
/// absolute directory would make the log differ between checkouts, and consumers such as
/// GitHub resolve it to the repository they analyse.
pub fn sarif_base_ids() -> serde_json::Value {
    serde_json::json!({ SOURCE_ROOT: { "description": { "text": "the directory the policy paths are relative to" } } })
}

/// SARIF 2.1.0: one result per open item, located at the obligation in the policy source
/// (`file:line:column`), with its control as the rule.
pub fn sarif(report: &Report) -> serde_json::Value {
    use serde_json::json;
    let mut controls: Vec<&str> = report
        .queue
        .iter()
        .map(|&(a, i)| report.apps[a].items[i].control.name.as_str())
        .collect();
    controls.sort_unstable();
    controls.dedup();
    let mut results = Vec::new();
    for app in &report.apps {
        for item in app.items.iter().filter(|i| i.status.open()) {
            let obligation = &item.control.obligations[item.obligation];
            let (file, line, column) = split_source(&obligation.source);
            let related: Vec<serde_json::Value> = app
                .code_for(item)
                .enumerate()
                .map(|(id, tag)| {
                    json!({
                        "id": id,
                        "message": { "text": format!("{} {}", tag.verb.as_str(), tag.control) },
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&tag.file),
                            "region": { "startLine": tag.lines.0, "endLine": tag.lines.1 }
                        }
                    })
                })
                .collect();
            results.push(json!({
                "ruleId": item.control.name,
                "ruleIndex": controls.iter().position(|c| *c == item.control.name).unwrap_or(0),
                "level": if item.status.always_fails() { "error" } else { "warning" },
                "message": { "text": item_message(app, item) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact_location(file),
                    "region": { "startLine": line, "startColumn": column }
                } }],
                "relatedLocations": related,
                "properties": {
                    "app": app.app.name,
                    "status": item.status.as_str(),
                    "priority": item.priority,
                    "uncovered": app.uncovered.contains(&item.control_index),
                },
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": sarif_driver(controls.iter().map(|c| {
                let title = report.rules.controls.iter().find(|k| k.name == *c).and_then(|k| k.title.clone());
                json!({ "id": c, "shortDescription": { "text": title.unwrap_or_else(|| format!("control {c}")) } })
            }).collect()) },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": sarif_base_ids(),
            "results": results,
        }]
    })
}

/// What an open item is, in one line, for annotations: `shop: patching.cves is overdue:
/// ... (priority 15; clauses nist80053#si-2)`.
pub fn item_message(app: &AppReport, item: &Item) -> String {
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

/// `file:line:column` into its parts (1 for missing numbers).
pub fn split_source(source: &str) -> (&str, u64, u64) {
    let mut parts = source.rsplitn(3, ':');
    let column = parts.next().and_then(|c| c.parse().ok());
    let line = parts.next().and_then(|l| l.parse().ok());
    match (parts.next(), line, column) {
        (Some(file), Some(line), Some(column)) => (file, line, column),
        _ => (source, 1, 1),
    }
}
