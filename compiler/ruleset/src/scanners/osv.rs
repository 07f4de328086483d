//! OSV-Scanner's JSON report (`osv-scanner --format json`): `results[]` per scanned source,
//! each with `packages[]` of `package` (`name`, `version`) and `groups[]`, one group per
//! vulnerability under all its aliases (`ids`, with `max_severity` a CVSS base score), the
//! group's advisories in `vulnerabilities[]` (their `affected[].ranges[].events[].fixed`
//! for this package are the fixed versions). The report has no time: the scan is dated at
//! `--at`.

use polic_syntax::ast::Date;

use super::{ReadError, Vulnerability, done, parse};
use crate::evidence::{Finding, When};
use crate::json::{Node, Problems};

pub fn read(text: &str, app: &str, scanned_at: Date) -> Result<Vec<Finding>, ReadError> {
    let json = parse(text)?;
    let root = Node::root(&json);
    let mut problems = Problems::default();
    let mut findings = Vec::new();
    if !root.object(&mut problems) || root.required("results", &mut problems).is_none() {
        return done(findings, problems);
    }
    let seen = When::Day(scanned_at);
    for result in root.array("results", &mut problems) {
        if !result.object(&mut problems) {
            continue;
        }
        for package in result.array("packages", &mut problems) {
            if !package.object(&mut problems) {
                continue;
            }
            let Some(info) = package
                .required("package", &mut problems)
                .filter(|p| p.object(&mut problems))
            else {
                continue;
            };
            let name = info.required_str("name", &mut problems);
            let installed = info.required_str("version", &mut problems);
            let advisories = package.array("vulnerabilities", &mut problems);
            for group in package.array("groups", &mut problems) {
                if !group.object(&mut problems) {
                    continue;
                }
                let ids: Vec<&str> = group
                    .array("ids", &mut problems)
                    .iter()
                    .filter_map(|id| id.string(&mut problems))
                    .collect();
                if ids.is_empty() {
                    let why = if group.get("ids").is_some() {
                        "no id"
                    } else {
                        "missing"
                    };
                    problems.add(&format!("{}.ids", group.path), why);
                }
                let rated = match group.get("max_severity") {
                    Some(node) => cvss(&node, &mut problems),
                    None => Some(unrated()),
                };
                let fixed_in = name
                    .map(|name| fixed_versions(&advisories, &ids, name, &mut problems))
                    .unwrap_or_default();
                if let (Some(id), Some(package), Some(installed), Some(rated)) =
                    (ids.first(), name, installed, rated)
                {
                    let found = Vulnerability {
                        id,
                        package,
                        installed,
                        fixed_in,
                        path: group.path.clone(),
                    };
                    findings.push(found.finding(app, "osv-scanner", seen, rated));
                }
            }
        }
    }
    done(findings, problems)
}

fn unrated() -> (String, Option<&'static str>) {
    ("medium".to_string(), Some("unknown, read as medium"))
}

/// A CVSS base score as its qualitative rating (CVSS v3.1 §5: 0.1–3.9 low, 4.0–6.9
/// medium, 7.0–8.9 high, 9.0–10.0 critical); 0.0 (none) is read as low, no score as
/// unknown.
fn cvss(node: &Node, problems: &mut Problems) -> Option<(String, Option<&'static str>)> {
    let text = node.string(problems)?;
    if text.is_empty() {
        return Some(unrated());
    }
    let Some(score) = text
        .parse::<f64>()
        .ok()
        .filter(|s| (0.0..=10.0).contains(s))
    else {
        problems.add(
            &node.path,
            format!("not a CVSS score: `{text}`: expected a number from 0.0 to 10.0"),
        );
        return None;
    };
    let rating = match score {
        s if s >= 9.0 => "critical",
        s if s >= 7.0 => "high",
        s if s >= 4.0 => "medium",
        _ => "low",
    };
    Some((rating.to_string(), None))
}

/// The versions that fix `package` in the group's advisories, in order, once each.
fn fixed_versions<'a>(
    advisories: &[Node<'a>],
    ids: &[&str],
    package: &str,
    problems: &mut Problems,
) -> Vec<&'a str> {
    let mut fixed = Vec::new();
    for advisory in advisories {
        if !advisory.object(problems)
            || !advisory
                .optional_str("id", problems)
                .is_some_and(|id| ids.contains(&id))
        {
            continue;
        }
        for affected in advisory.array("affected", problems) {
            let names_it = affected
                .get("package")
                .and_then(|p| p.get("name"))
                .is_some_and(|n| n.value.as_str() == Some(package));
            if !names_it {
                continue;
            }
            for range in affected.array("ranges", problems) {
                for event in range.array("events", problems) {
                    if let Some(version) = event.optional_str("fixed", problems)
                        && !fixed.contains(&version)
                    {
                        fixed.push(version);
                    }
                }
            }
        }
    }
    fixed
}
