//! The posture report as one HTML file: everything inline, nothing loaded (the
//! Content-Security-Policy forbids it). Charts are inline SVG (svg.rs); every status is
//! written as a word beside its colour. One inline script (report.js) adds sorting and
//! filtering to the long tables; the page reads the same without it.

use std::collections::BTreeSet;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use polic_ruleset::eval::{AppReport, PRIORITY_FORMULA, SCORE_FORMULA, Status, Totals};
use polic_ruleset::metrics::bands;
use polic_ruleset::report::{code_locations, detail, target_cells, uncovered};

use crate::svg::{self, bar, shade, sparkline};
use crate::{Posture, movement, window};

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Nothing may be loaded: no script file, font, frame or request; only the inline styles,
/// the `data:` images and the one inline script the file carries, that script by its
/// digest, so nothing injected into the page could run.
pub fn csp() -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(SCRIPT.as_bytes());
    let digest = base64::engine::general_purpose::STANDARD.encode(digest);
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'"
    )
}

/// An element id for a named thing: `kind-name`, every character outside `[A-Za-z0-9-]`
/// written as `_hex_`, so ids are valid, unique and need no escaping in a fragment.
pub fn anchor(kind: &str, name: &str) -> String {
    let mut id = format!("{kind}-");
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            id.push(c);
        } else {
            id.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    id
}

fn href(kind: &str, name: &str) -> String {
    format!("#{}", anchor(kind, name))
}

fn status(status: Status) -> Markup {
    let class = match status {
        s if s.holds() => "good",
        Status::Waived => "none",
        Status::Unmet | Status::Stale => "part",
        _ => "bad",
    };
    html! { span class=(format!("status {class}")) { (status.as_str()) } }
}

/// A clause, linked to its row when it is adopted (only adopted clauses have one).
fn clause_link(p: &Posture, clause: &str) -> Markup {
    html! {
        @if p.is_adopted(clause) { a href=(href("clause", clause)) { (clause) } } @else { (clause) }
    }
}

fn clause_list<'c>(p: &Posture, clauses: impl IntoIterator<Item = &'c str>) -> Markup {
    html! {
        @for (n, clause) in clauses.into_iter().enumerate() {
            @if n > 0 { ", " }
            (clause_link(p, clause))
        }
    }
}

fn app_link(p: &Posture, shown: &BTreeSet<usize>, a: usize) -> Markup {
    let name = &p.report.apps[a].app.name;
    html! {
        @if shown.contains(&a) { a href=(href("app", name)) { (name) } } @else { (name) }
    }
}

fn control_link(name: &str) -> Markup {
    html! { a href=(href("control", name)) { code { (name) } } }
}

fn counts(t: &Totals) -> String {
    t.by_status()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn source(location: &str) -> Markup {
    html! { span.src { (location) } }
}

pub fn html(p: &Posture) -> String {
    let report = p.report;
    let shown = p.shown();
    let title = format!("Posture of {} at {}", p.policy(), report.at);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(csp());
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (svg::defs())
                a.skip href="#score" { "Skip to the score" }
                header {
                    h1 { (title) }
                    p { "Policy " code { (p.policy()) } ", evaluated at " (report.at) "; "
                        (report.portfolio.apps) " apps, " (report.portfolio.obligations) " obligations; "
                        (p.recorded()) " earlier snapshots recorded." }
                }
                nav aria-label="Sections" {
                    ul {
                        li { a href="#score" { "Score" } }
                        li { a href="#heatmap" { "Heatmap" } }
                        li { a href="#coverage" { "Clause coverage" } }
                        li { a href="#queue" { "Work queue" } }
                        li { a href="#metrics" { "Metrics" } }
                        li { a href="#waivers" { "Waivers due" } }
                        li { a href="#evidence" { "Evidence" } }
                        li { a href="#controls" { "Controls" } }
                        li { a href="#apps" { "Apps" } }
                    }
                }
                main {
                    (score(p))
                    (heatmap(p, &shown))
                    (coverage(p))
                    (queue(p, &shown))
                    (metrics(p, &shown))
                    (waivers(p, &shown))
                    (evidence(p, &shown))
                    (controls(p))
                    (apps(p, &shown))
                }
                footer {
                    p { (PRIORITY_FORMULA) }
                    p { (SCORE_FORMULA) }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string() + "\n"
}

fn score(p: &Posture) -> Markup {
    let report = p.report;
    let series = p.portfolio_series();
    html! {
        section #score {
            h2 { "Portfolio score" }
            p.big {
                span.score { (format!("{:.1}", report.portfolio.score)) }
                " " (sparkline(&series, "portfolio score"))
                " " span.move { (movement(&series)) }
            }
            p { (counts(&report.portfolio)) }
            p.formula { "Formula: " code { (SCORE_FORMULA) } }
            @if !report.units.is_empty() {
                table {
                    caption { "Units, worst first" }
                    thead { tr { th scope="col" { "unit" } th scope="col" { "apps" } th scope="col" { "score" } th scope="col" { "trend" } th scope="col" { "statuses" } } }
                    tbody {
                        @for (unit, _) in &p.units {
                            @if let Some(unit) = unit {
                                @if let Some((_, t)) = report.units.iter().find(|(u, _)| u == unit) {
                                    @let series = p.unit_series(unit, t.score);
                                    tr id=(anchor("unit", unit)) {
                                        th scope="row" { (unit) }
                                        td.num { (t.apps) }
                                        td.num { (format!("{:.1}", t.score)) }
                                        td { (sparkline(&series, &format!("unit {unit}"))) " " (movement(&series)) }
                                        td { (counts(t)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn heatmap(p: &Posture, shown: &BTreeSet<usize>) -> Markup {
    let report = p.report;
    let rows = shown.len();
    html! {
        section #heatmap {
            h2 { "Heatmap: apps × clause families" }
            p { "Each cell: the share of the app's obligations serving the family's clauses that are met or provided (waived ones left out), as a percentage. "
                "Units and apps worst first. "
                span.status.good { "≥ 80%" } " " span.status.part { "50–79%" } " " span.status.bad { "< 50%" } " " span.status.none { "all waived" } "; blank: not required." }
            @if rows < report.apps.len() {
                p { "The worst " (rows) " of " (report.apps.len()) " apps; every app is in the " a href="#apps" { "index" } "." }
            }
            div.scroll {
                table.heat {
                    thead {
                        tr {
                            th scope="col" { "app" }
                            @for f in &p.families {
                                th scope="col" { span.vert { (f.label()) } }
                            }
                        }
                    }
                    @for (unit, apps) in &p.units {
                        @if apps.iter().any(|a| shown.contains(a)) {
                            tbody {
                                tr.unit { th colspan=(p.families.len() + 1) scope="rowgroup" {
                                    "unit " (unit.unwrap_or("(none)"))
                                } }
                                @for &a in apps.iter().filter(|a| shown.contains(a)) {
                                    tr {
                                        th scope="row" { (app_link(p, shown, a)) }
                                        @for (f, cell) in p.families.iter().zip(&p.cells[a]) {
                                            @if cell.is_empty() {
                                                td.cell.empty title=(format!("{}: {} not required", report.apps[a].app.name, f.label())) {}
                                            } @else {
                                                @let share = cell.share();
                                                @let (_, class) = shade(share);
                                                td class=(format!("cell {class}"))
                                                   title=(format!("{} × {}: {} holding, {} open, {} waived", report.apps[a].app.name, f.label(), cell.holding, cell.open, cell.waived)) {
                                                    (share.map_or_else(|| "waived".to_string(), |s| format!("{s:.0}%")))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn coverage(p: &Posture) -> Markup {
    let report = p.report;
    html! {
        section #coverage {
            h2 { "Clause coverage" }
            p { "Per standard and family: the app needs (an app required to meet a clause) and how many are met." }
            @for s in &report.standards {
                h3 id=(anchor("standard", &s.standard)) { (s.standard) }
                p { (bar(s.met, s.needed, &s.standard)) " " (s.met) " of " (s.needed) " app needs met; " (s.clauses) " adopted clauses" }
                table {
                    thead { tr { th scope="col" { "family" } th scope="col" { "coverage" } th scope="col" { "met / needed" } } }
                    tbody {
                        @for f in p.families.iter().filter(|f| f.standard == s.standard) {
                            tr {
                                th scope="row" { (f.label()) }
                                td { (bar(f.met, f.needed, &f.label())) }
                                td.num { (f.met) " / " (f.needed) }
                            }
                        }
                    }
                }
                details {
                    summary { "Clauses of " (s.standard) }
                    table {
                        thead { tr { th scope="col" { "clause" } th scope="col" { "title" } th scope="col" { "weight" } th scope="col" { "met / needed" } th scope="col" { "controls" } } }
                        tbody {
                            @for c in report.clauses.iter().filter(|c| c.standard == s.standard) {
                                tr id=(anchor("clause", &c.clause)) {
                                    th scope="row" { (c.clause) }
                                    td { (c.title.unwrap_or("")) }
                                    td.num { (c.weight) }
                                    td.num { (c.met_by) " / " (c.needed_by) }
                                    td {
                                        @if c.controls.is_empty() { span.status.bad { "no control" } }
                                        @for (n, control) in c.controls.iter().enumerate() {
                                            @if n > 0 { ", " }
                                            (control_link(control))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn queue(p: &Posture, shown: &BTreeSet<usize>) -> Markup {
    let rows = p.queue.len().min(p.limits.queue);
    html! {
        section #queue {
            h2 { "Work queue" }
            p { "Open obligations, overdue first, then by priority. " (PRIORITY_FORMULA) }
            @if p.queue.is_empty() { p { "Nothing open." } } @else {
                @if rows < p.queue.len() { p { "The first " (rows) " of " (p.queue.len()) "." } }
                div.scroll { table data-sort data-filter="Filter the work queue" {
                    thead { tr { th scope="col" { "priority" } th scope="col" { "app" } th scope="col" { "obligation" } th scope="col" { "status" } th scope="col" { "due" } th scope="col" { "clauses" } } }
                    tbody {
                        @for &at in p.queue.iter().take(rows) {
                            @let (_, item) = p.item(at);
                            tr {
                                td.num { (item.priority) }
                                td { (app_link(p, shown, at.0)) }
                                td { a href=(href("control", &item.control.name)) { code { (item.qualified()) } } }
                                td { (status(item.status)) }
                                td { (item.due.map(|d| d.to_string()).unwrap_or_default()) }
                                td { (clause_list(p, item.clauses())) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn metrics(p: &Posture, shown: &BTreeSet<usize>) -> Markup {
    let report = p.report;
    let any = report.apps.iter().any(|a| !a.targets.is_empty());
    html! {
        section #metrics {
            h2 { "Metrics against their targets" }
            @if !any { p { "No control sets a metric target." } } @else {
                p { "Definitions: docs/metrics.md; bands: " (bands::dora().citation()) "." }
                div.scroll { table data-sort data-filter="Filter the metrics" {
                    thead { tr { th scope="col" { "app" } th scope="col" { "control" } th scope="col" { "target" } th scope="col" { "value" } th scope="col" { "status" } th scope="col" { "band" } } }
                    tbody {
                        @for &a in &p.worst {
                            @let app = &report.apps[a];
                            @for t in &app.targets {
                                @let [target, value, met, band, _] = target_cells(app, t);
                                tr {
                                    td { (app_link(p, shown, a)) }
                                    td { (control_link(&report.rules.controls[t.control_index].name)) }
                                    td { (target) }
                                    td { (value) }
                                    td { span class=(if t.judged.met { "status good" } else { "status bad" }) { (met) } }
                                    td { (band) }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn waivers(p: &Posture, shown: &BTreeSet<usize>) -> Markup {
    let report = p.report;
    html! {
        section #waivers {
            h2 { "Waivers expiring in the next 30, 60 and 90 days" }
            @if p.waivers.is_empty() { p { "None expire within 90 days of " (report.at) "." } } @else {
                table data-sort {
                    thead { tr { th scope="col" { "expires" } th scope="col" { "when" } th scope="col" { "waiver" } th scope="col" { "app" } th scope="col" { "control" } th scope="col" { "source" } } }
                    tbody {
                        @for w in &p.waivers {
                            tr {
                                td { (w.expires) }
                                td { span class=(if w.days_left < 0 { "status bad" } else if w.days_left <= 30 { "status part" } else { "status none" }) { (window(w.days_left)) } }
                                td { (w.waiver.name) }
                                td { (app_link(p, shown, w.app)) }
                                td { (control_link(&w.waiver.control)) @if let Some(o) = &w.waiver.obligation { "." (o) } }
                                td { (source(&w.waiver.source)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn evidence(p: &Posture, shown: &BTreeSet<usize>) -> Markup {
    let report = p.report;
    html! {
        section #evidence {
            h2 { "Evidence" }
            h3 { "Gone stale" }
            @if p.stale.is_empty() { p { "No passing evidence has expired." } } @else {
                table {
                    thead { tr { th scope="col" { "app" } th scope="col" { "obligation" } th scope="col" { "detail" } th scope="col" { "evidence" } } }
                    tbody {
                        @for &at in &p.stale {
                            @let (_, item) = p.item(at);
                            tr {
                                td { (app_link(p, shown, at.0)) }
                                td { a href=(href("control", &item.control.name)) { code { (item.qualified()) } } }
                                td { (detail(item)) }
                                td { (item.evidence.join(", ")) }
                            }
                        }
                    }
                }
            }
            h3 { "Going stale in the next 30 days" }
            @if p.going_stale.is_empty() { p { "No passing evidence expires within 30 days of " (report.at) "." } } @else {
                table {
                    thead { tr { th scope="col" { "expires" } th scope="col" { "app" } th scope="col" { "obligation" } th scope="col" { "evidence" } } }
                    tbody {
                        @for &(a, i, expires) in &p.going_stale {
                            @let (_, item) = p.item((a, i));
                            tr {
                                td { (expires) }
                                td { (app_link(p, shown, a)) }
                                td { a href=(href("control", &item.control.name)) { code { (item.qualified()) } } }
                                td { (item.evidence.join(", ")) }
                            }
                        }
                    }
                }
            }
            h3 { "Evidence that matched nothing" }
            (unmatched(&report.unmatched, "Every record matched the policy."))
            h3 { "Evidence not counted" }
            (unmatched(&report.not_counted, "Every record that matched was counted."))
        }
    }
}

fn unmatched(list: &[polic_ruleset::eval::Unmatched], none: &str) -> Markup {
    html! {
        @if list.is_empty() { p { (none) } } @else {
            ul { @for u in list { li { span.src { (u.origin) } ": " (u.reason) } } }
        }
    }
}

fn controls(p: &Posture) -> Markup {
    let report = p.report;
    // How many apps each control is required of, in one pass over the items.
    let mut required = vec![0usize; report.rules.controls.len()];
    for app in &report.apps {
        let controls: BTreeSet<usize> = app.items.iter().map(|i| i.control_index).collect();
        for c in controls {
            required[c] += 1;
        }
    }
    // Controls a clause table, a queue row or a waiver names, required or not.
    let named: BTreeSet<&str> = report
        .clauses
        .iter()
        .flat_map(|c| c.controls.iter().copied())
        .chain(report.rules.waivers.iter().map(|w| w.control.as_str()))
        .collect();
    html! {
        section #controls {
            h2 { "Controls" }
            table data-sort data-filter="Filter the controls" {
                thead { tr { th scope="col" { "control" } th scope="col" { "title" } th scope="col" { "required by" } th scope="col" { "clauses" } th scope="col" { "source" } } }
                tbody {
                    @for (c, control) in report.rules.controls.iter().enumerate() {
                        @if required[c] > 0 || named.contains(control.name.as_str()) {
                            tr id=(anchor("control", &control.name)) {
                                th scope="row" { code { (control.name) } }
                                td { (control.title.as_deref().unwrap_or("")) }
                                td.num { (required[c]) " apps" }
                                td { (clause_list(p, control.satisfies.iter().chain(&control.via_mappings).map(String::as_str))) }
                                td { (source(&control.source)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn apps(p: &Posture, shown: &BTreeSet<usize>) -> Markup {
    let report = p.report;
    html! {
        section #apps {
            h2 { "Apps" }
            @if shown.len() < report.apps.len() {
                p { "Sections for the worst " (shown.len()) " of " (report.apps.len()) " apps; the others are listed with their totals." }
            }
            div.scroll { table data-sort data-filter="Filter the apps" {
                caption { "Every app, worst first" }
                thead { tr { th scope="col" { "app" } th scope="col" { "unit" } th scope="col" { "criticality" } th scope="col" { "score" } th scope="col" { "open" } th scope="col" { "overdue" } } }
                tbody {
                    @for &a in &p.worst {
                        @let app = &report.apps[a];
                        tr {
                            th scope="row" { (app_link(p, shown, a)) }
                            td { (app.app.unit.as_deref().unwrap_or("")) }
                            td { (app.criticality.unwrap_or("")) }
                            td.num { (format!("{:.1}", app.totals.score)) }
                            td.num { (app.items.iter().filter(|i| i.status.open()).count()) }
                            td.num { (app.totals.overdue) }
                        }
                    }
                }
            } }
            @for &a in p.worst.iter().filter(|a| shown.contains(a)) {
                (app_section(p, &report.apps[a]))
            }
        }
    }
}

fn app_section(p: &Posture, app: &AppReport) -> Markup {
    let report = p.report;
    let series = p.app_series(app);
    let uncovered = uncovered(report, app);
    html! {
        section.app id=(anchor("app", &app.app.name)) {
            h3 { (app.app.name) @if let Some(t) = &app.app.title { " — " (t) } }
            p {
                @if let Some(unit) = &app.app.unit { "unit " a href=(href("unit", unit)) { (unit) } "; " }
                @if let Some(owner) = &app.app.owner { "owner " (owner) "; " }
                @if let Some(c) = app.criticality { "criticality " (c) "; " }
                "defined at " (source(&app.app.source))
            }
            p { "Score " strong { (format!("{:.1}", app.totals.score)) } " " (sparkline(&series, &format!("{} score", app.app.name))) " " (movement(&series)) "; " (counts(&app.totals)) }
            @if app.items.is_empty() { p { "No obligations apply." } } @else {
                div.scroll { table {
                    thead { tr { th scope="col" { "priority" } th scope="col" { "obligation" } th scope="col" { "status" } th scope="col" { "due" } th scope="col" { "clauses" } th scope="col" { "evidence" } th scope="col" { "detail" } } }
                    tbody {
                        @for item in &app.items {
                            tr {
                                td.num { (item.priority) }
                                td { a href=(href("control", &item.control.name)) { code { (item.qualified()) } } " via " (item.archetype) }
                                td { (status(item.status)) }
                                td { (item.due.map(|d| d.to_string()).unwrap_or_default()) }
                                td { (clause_list(p, item.clauses())) }
                                td { (item.evidence.join(", ")) }
                                td { (detail(item)) }
                            }
                        }
                    }
                } }
            }
            @if !app.code.is_empty() {
                ul.code {
                    @for (&c, tags) in &app.code {
                        li { (control_link(&report.rules.controls[c].name)) ": " (code_locations(tags.iter().copied())) }
                    }
                }
            }
            @if !uncovered.is_empty() {
                p { "Uncovered (no evidence, code tag or waiver): "
                    @for (n, c) in uncovered.iter().enumerate() { @if n > 0 { ", " } (control_link(c)) } }
            }
        }
    }
}
