//! The posture report as GitHub-flavoured Markdown, sized for a pull-request comment or a
//! job summary: the same views as the HTML, each cut to its first rows, with a Mermaid
//! chart of the portfolio's score over time.

use std::fmt::Write;

use polic_ruleset::eval::{PRIORITY_FORMULA, SCORE_FORMULA};
use polic_ruleset::metrics::bands;
use polic_ruleset::report::{clause_list, target_cells};

use crate::{Posture, movement, window};

/// Rows per table: a comment stays readable (GitHub cuts comments at 65,536 characters).
pub const ROWS: usize = 10;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `… and N more` under a table cut to [`ROWS`].
fn more(out: &mut String, total: usize) {
    if total > ROWS {
        let _ = writeln!(out, "\n… and {} more.", total - ROWS);
    }
}

pub fn markdown(p: &Posture) -> String {
    let report = p.report;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Posture of `{}` at {}\n",
        cell(p.policy()),
        report.at
    );
    let series = p.portfolio_series();
    let _ = writeln!(
        out,
        "**Portfolio score {:.1}** ({}; {} apps, {} obligations, {} earlier snapshots).\n\nFormula: `{SCORE_FORMULA}`.",
        report.portfolio.score,
        movement(&series),
        report.portfolio.apps,
        report.portfolio.obligations,
        p.recorded()
    );
    if series.len() > 1 {
        let labels: Vec<String> = series.iter().map(|(at, _)| format!("\"{at}\"")).collect();
        let values: Vec<String> = series.iter().map(|(_, s)| format!("{s:.1}")).collect();
        let _ = writeln!(
            out,
            "\n```mermaid\nxychart-beta\n  title \"Portfolio score\"\n  x-axis [{}]\n  y-axis \"score\" 0 --> 100\n  line [{}]\n```",
            labels.join(", "),
            values.join(", ")
        );
    }
    if !report.units.is_empty() {
        let _ = writeln!(
            out,
            "\n## Units, worst first\n\n| unit | apps | score | trend |\n| --- | ---: | ---: | --- |"
        );
        for (unit, _) in &p.units {
            let Some(unit) = unit else { continue };
            let Some((_, t)) = report.units.iter().find(|(u, _)| u == unit) else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} | {} |",
                cell(unit),
                t.apps,
                t.score,
                movement(&p.unit_series(unit, t.score))
            );
        }
    }
    let _ = writeln!(
        out,
        "\n## Worst apps\n\n| app | unit | score | trend | open | overdue |\n| --- | --- | ---: | --- | ---: | ---: |"
    );
    for &a in p.worst.iter().take(ROWS) {
        let app = &report.apps[a];
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {} | {} | {} |",
            cell(&app.app.name),
            cell(app.app.unit.as_deref().unwrap_or("")),
            app.totals.score,
            movement(&p.app_series(app)),
            app.items.iter().filter(|i| i.status.open()).count(),
            app.totals.overdue
        );
    }
    more(&mut out, p.worst.len());
    let _ = writeln!(
        out,
        "\n## Clause coverage\n\n| standard | family | met / needed | share |\n| --- | --- | ---: | ---: |"
    );
    for f in &p.families {
        let share = if f.needed == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * f.met as f64 / f.needed as f64)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} | {share} |",
            cell(&f.standard),
            cell(f.family.as_deref().unwrap_or("")),
            f.met,
            f.needed
        );
    }
    let _ = writeln!(
        out,
        "\n## Work queue\n\nOverdue first. {PRIORITY_FORMULA}\n"
    );
    if p.queue.is_empty() {
        let _ = writeln!(out, "Nothing open.");
    } else {
        let _ = writeln!(
            out,
            "| priority | app | obligation | status | due | clauses |\n| ---: | --- | --- | --- | --- | --- |"
        );
        for &at in p.queue.iter().take(ROWS) {
            let (app, item) = p.item(at);
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | {} | {} |",
                item.priority,
                cell(&app.app.name),
                item.qualified(),
                item.status.as_str(),
                item.due.map(|d| d.to_string()).unwrap_or_default(),
                cell(&clause_list(item))
            );
        }
        more(&mut out, p.queue.len());
    }
    let targets: Vec<_> = p
        .worst
        .iter()
        .flat_map(|&a| {
            let app = &report.apps[a];
            app.targets.iter().map(move |t| (app, t))
        })
        .collect();
    if !targets.is_empty() {
        let _ = writeln!(
            out,
            "\n## Metrics against their targets\n\nBands: {}.\n\n| app | control | target | value | status | band |\n| --- | --- | --- | --- | --- | --- |",
            cell(&bands::dora().citation())
        );
        for (app, t) in targets.iter().take(ROWS) {
            let [target, value, met, band, _] = target_cells(app, t);
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {met} | {} |",
                cell(&app.app.name),
                report.rules.controls[t.control_index].name,
                cell(&target),
                cell(&value),
                cell(&band)
            );
        }
        more(&mut out, targets.len());
    }
    if !p.waivers.is_empty() {
        let _ = writeln!(
            out,
            "\n## Waivers expiring\n\n| expires | when | waiver | app | control |\n| --- | --- | --- | --- | --- |"
        );
        for w in p.waivers.iter().take(ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | `{}` |",
                w.expires,
                window(w.days_left),
                cell(&w.waiver.name),
                cell(&w.waiver.app),
                w.waiver.control
            );
        }
        more(&mut out, p.waivers.len());
    }
    let _ = writeln!(
        out,
        "\n## Evidence\n\n- gone stale: {}\n- going stale in the next 30 days: {}",
        p.stale.len(),
        p.going_stale.len()
    );
    for &(a, i, expires) in p.going_stale.iter().take(ROWS) {
        let (app, item) = p.item((a, i));
        let _ = writeln!(
            out,
            "  - {expires}: {} `{}`",
            cell(&app.app.name),
            item.qualified()
        );
    }
    let _ = writeln!(out, "- matched nothing: {}", report.unmatched.len());
    for u in report.unmatched.iter().take(ROWS) {
        let _ = writeln!(out, "  - `{}`: {}", cell(&u.origin), cell(&u.reason));
    }
    let _ = writeln!(out, "- not counted: {}", report.not_counted.len());
    out
}
