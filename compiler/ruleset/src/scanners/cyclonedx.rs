//! A CycloneDX JSON BOM with vulnerabilities (specVersion 1.4 to 1.6), VEX included:
//! `vulnerabilities[]` of `id`, `ratings[].severity` (the highest is taken), `affects[]`
//! (`ref` to a component's `bom-ref`, whose `name` and `version` are the package; versions
//! of status `unaffected` are the fixed ones) and `analysis` (VEX). A vulnerability whose
//! `analysis.state` is `not_affected`, `false_positive`, `resolved` or
//! `resolved_with_pedigree` is closed at the scan time, its justification in the detail.
//! The scan time is `metadata.timestamp`; the tool is the first of `metadata.tools`, else
//! `cyclonedx`.

use polic_syntax::ast::Date;

use super::{ReadError, Vulnerability, done, parse, scanned, severity};
use crate::evidence::{Finding, SEVERITIES};
use crate::json::{Node, Problems};

/// VEX states that close a finding; the others (`exploitable`, `in_triage`) leave it open.
const CLOSING: &[&str] = &[
    "not_affected",
    "false_positive",
    "resolved",
    "resolved_with_pedigree",
];
const OPEN: &[&str] = &["exploitable", "in_triage"];

pub fn read(text: &str, app: &str, scanned_at: Date) -> Result<Vec<Finding>, ReadError> {
    let json = parse(text)?;
    let root = Node::root(&json);
    let mut problems = Problems::default();
    let mut findings = Vec::new();
    if !root.object(&mut problems) {
        return done(findings, problems);
    }
    match root.required_str("bomFormat", &mut problems) {
        Some("CycloneDX") => {}
        Some(other) => {
            problems.add(
                "$.bomFormat",
                format!("expected \"CycloneDX\", found \"{other}\""),
            );
            return done(findings, problems);
        }
        None => return done(findings, problems),
    }
    let metadata = root.get("metadata");
    let seen = scanned(
        metadata.as_ref().and_then(|m| m.get("timestamp")),
        scanned_at,
        &mut problems,
    );
    let tool = metadata
        .as_ref()
        .and_then(tool_name)
        .unwrap_or("cyclonedx")
        .to_lowercase();
    let components: Vec<Node> = root.array("components", &mut problems);
    for vulnerability in root.array("vulnerabilities", &mut problems) {
        if !vulnerability.object(&mut problems) {
            continue;
        }
        let id = vulnerability.required_str("id", &mut problems);
        let rated = rating(&vulnerability, &mut problems);
        let closed = analysis(&vulnerability, &mut problems);
        let affects = vulnerability.array("affects", &mut problems);
        if affects.is_empty() {
            problems.add(
                &format!("{}.affects", vulnerability.path),
                "no affected component",
            );
        }
        for affected in affects {
            let Some(reference) = affected.required_str("ref", &mut problems) else {
                continue;
            };
            let component = components
                .iter()
                .find(|c| c.get("bom-ref").and_then(|r| r.value.as_str()) == Some(reference));
            let (package, installed) = match component {
                Some(c) => (
                    c.required_str("name", &mut problems),
                    c.optional_str("version", &mut problems).unwrap_or_default(),
                ),
                None => (Some(reference), ""),
            };
            let fixed_in = affected
                .array("versions", &mut problems)
                .iter()
                .filter(|v| v.get("status").and_then(|s| s.value.as_str()) == Some("unaffected"))
                .filter_map(|v| v.optional_str("version", &mut problems))
                .collect();
            if let (Some(id), Some(package), Some(rated), Some(closed)) =
                (id, package, rated.clone(), closed.as_ref())
            {
                let found = Vulnerability {
                    id,
                    package,
                    installed,
                    fixed_in,
                    path: affected.path.clone(),
                };
                let mut finding = found.finding(app, &tool, seen, rated);
                if let Some(why) = closed {
                    finding.fixed = Some(seen);
                    finding.detail = finding.detail.map(|d| format!("{why}; {d}"));
                }
                findings.push(finding);
            }
        }
    }
    done(findings, problems)
}

/// The first tool named: `tools.components[]` (1.5 on), else the `tools[]` array (1.4).
fn tool_name<'a>(metadata: &Node<'a>) -> Option<&'a str> {
    let tools = metadata.get("tools")?;
    let first = tools
        .get("components")
        .and_then(|c| c.value.get(0))
        .or_else(|| tools.value.get(0))?;
    first.get("name")?.as_str()
}

/// The highest `ratings[].severity`; no rating is read as unknown.
fn rating(vulnerability: &Node, problems: &mut Problems) -> Option<(String, Option<&'static str>)> {
    let mut best: Option<(String, Option<&'static str>)> = None;
    for rating in vulnerability.array("ratings", problems) {
        let Some(node) = rating.get("severity") else {
            continue;
        };
        let rated = severity(&node, problems);
        let rank = |r: &(String, Option<&str>)| {
            SEVERITIES
                .iter()
                .position(|s| *s == r.0)
                .unwrap_or(SEVERITIES.len())
        };
        if let Some(rated) = rated
            && best.as_ref().is_none_or(|b| rank(&rated) < rank(b))
        {
            best = Some(rated);
        }
    }
    Some(best.unwrap_or(("medium".to_string(), Some("unknown, read as medium"))))
}

/// `Some(None)`: open; `Some(Some(why))`: closed by its VEX analysis; `None`: unreadable.
fn analysis(vulnerability: &Node, problems: &mut Problems) -> Option<Option<String>> {
    let Some(analysis) = vulnerability.get("analysis") else {
        return Some(None);
    };
    if !analysis.object(problems) {
        return None;
    }
    let Some(state) = analysis.get("state") else {
        return Some(None);
    };
    let text = state.string(problems)?;
    if OPEN.contains(&text) {
        return Some(None);
    }
    if !CLOSING.contains(&text) {
        problems.add(
            &state.path,
            format!(
                "unknown VEX state `{text}`: expected one of {}",
                CLOSING
                    .iter()
                    .chain(OPEN)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return None;
    }
    let why = match analysis.optional_str("justification", problems) {
        Some(justification) => format!("VEX {text}: {justification}"),
        None => format!("VEX {text}"),
    };
    Some(Some(why))
}
