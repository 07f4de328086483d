//! Traces for `polic explain`: from a control, clause, archetype or app to everything it
//! connects to, each line with its source location.

use std::fmt::Write;

use crate::clause_id;
use crate::engine::EngineError;
use crate::eval::{Candidate, applicability, candidates, effective_facts};
use crate::evidence::CodeTag;
use crate::report::code_locations;
use crate::schema::{Clause, Control, RuleSet};

/// What can be explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Control,
    Clause,
    Archetype,
    App,
}

impl Kind {
    pub fn parse(word: &str) -> Option<Kind> {
        Some(match word {
            "control" => Kind::Control,
            "clause" => Kind::Clause,
            "archetype" => Kind::Archetype,
            "app" => Kind::App,
            _ => return None,
        })
    }
}

/// Why nothing could be explained: the name is unknown, with the closest known names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub message: String,
    pub candidates: Vec<String>,
}

/// The trace of a definition. For an app, `code` (the tags found in its sources, when they
/// were scanned) adds where in the code each required control is implemented and tested.
pub fn explain(
    rules: &RuleSet,
    kind: Kind,
    name: &str,
    code: Option<&[CodeTag]>,
) -> Result<String, NotFound> {
    let not_found = |what: &str, candidates: Vec<String>| NotFound {
        message: format!("no {what} `{name}` in the policy"),
        candidates,
    };
    match kind {
        Kind::Control => {
            let control = rules.controls.iter().find(|c| c.name == name);
            control.map(|c| control_trace(rules, c)).ok_or_else(|| {
                not_found(
                    "control",
                    rules.controls.iter().map(|c| c.name.clone()).collect(),
                )
            })
        }
        Kind::Clause => {
            let clause = find_clause(rules, name);
            clause.map(|c| clause_trace(rules, c)).ok_or_else(|| {
                not_found(
                    "clause",
                    rules
                        .clauses
                        .iter()
                        .filter(|c| c.adopted.is_some())
                        .map(Clause::reference)
                        .collect(),
                )
            })
        }
        Kind::Archetype => match rules.archetypes.iter().position(|a| a.name == name) {
            Some(index) => Ok(archetype_trace(rules, index)),
            None => Err(not_found(
                "archetype",
                rules.archetypes.iter().map(|a| a.name.clone()).collect(),
            )),
        },
        Kind::App => match rules.apps.iter().position(|a| a.name == name) {
            Some(index) => Ok(app_trace(rules, index, code)),
            None => Err(not_found(
                "app",
                rules.apps.iter().map(|a| a.name.clone()).collect(),
            )),
        },
    }
}

/// A clause by `standard#id`, in any of the standard's spellings.
pub fn find_clause<'a>(rules: &'a RuleSet, reference: &str) -> Option<&'a Clause> {
    let (standard, id) = reference.split_once('#')?;
    let key = clause_id::normalize(id);
    rules
        .clauses
        .iter()
        .find(|c| c.standard == standard && clause_id::normalize(&c.id) == key)
}

fn clause_line(rules: &RuleSet, reference: &str) -> String {
    match find_clause(rules, reference) {
        Some(c) => {
            let weight = c.adopted.as_ref().map_or("not adopted".to_string(), |a| {
                format!("weight {}", a.weight)
            });
            let group = if c.group.is_empty() {
                String::new()
            } else {
                format!(" [{}]", c.group.join(" / "))
            };
            format!(
                "{reference:<24} {:<50} {weight}{group}  {}",
                c.title
                    .as_deref()
                    .map(|t| format!("\"{t}\""))
                    .unwrap_or_default(),
                c.source
            )
        }
        None => reference.to_string(),
    }
}

fn control_trace(rules: &RuleSet, control: &Control) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "control {} {}  {}",
        control.name,
        quoted(&control.title),
        control.source
    );
    if let Some(doc) = &control.doc {
        for line in doc.lines() {
            let _ = writeln!(out, "  /// {line}");
        }
    }
    let mut facts = vec![format!("weight {}", control.weight)];
    facts.extend(control.phase.as_ref().map(|p| format!("phase {p}")));
    facts.extend(control.due_days.map(|d| format!("due {d}d")));
    if !control.remediation.is_empty() {
        let windows: Vec<String> = control
            .remediation
            .iter()
            .map(|(s, d)| format!("{s} {d}d"))
            .collect();
        facts.push(format!("remediation {}", windows.join(", ")));
    }
    let _ = writeln!(out, "  {}", facts.join(", "));
    let _ = writeln!(out, "\n  satisfies");
    for clause in &control.satisfies {
        let _ = writeln!(out, "    {}", clause_line(rules, clause));
    }
    if !control.via_mappings.is_empty() {
        let _ = writeln!(out, "  and through mappings");
        for clause in &control.via_mappings {
            let mapped_from: Vec<&str> = rules
                .mappings
                .iter()
                .filter_map(|m| {
                    if m.to == *clause && control.satisfies.contains(&m.from) {
                        Some(m.from.as_str())
                    } else if m.from == *clause && control.satisfies.contains(&m.to) {
                        Some(m.to.as_str())
                    } else {
                        None
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "    {}  (= {})",
                clause_line(rules, clause),
                mapped_from.join(", ")
            );
        }
    }
    let _ = writeln!(out, "\n  applies");
    for applies in &control.applies {
        let _ = writeln!(out, "    {applies}  {}", applies.source);
    }
    let _ = writeln!(out, "\n  obligations");
    for obligation in &control.obligations {
        let _ = writeln!(
            out,
            "    {} {}  {}",
            obligation.name,
            quoted(&obligation.title),
            obligation.source
        );
        for verify in &obligation.verify {
            let rules = if verify.rules.is_empty() {
                String::new()
            } else {
                format!(" rules {}", verify.rules.join(", "))
            };
            let _ = writeln!(
                out,
                "      verify {} {}{rules}",
                verify.kind,
                verify
                    .subject
                    .as_deref()
                    .map(|s| format!("\"{s}\""))
                    .unwrap_or_default()
            );
        }
    }
    let providers: Vec<String> = rules
        .archetypes
        .iter()
        .filter(|a| a.provides.get(&control.name) == Some(&a.name))
        .map(|a| a.name.clone())
        .collect();
    if !providers.is_empty() {
        let _ = writeln!(
            out,
            "\n  provided by the platform of {}",
            providers.join(", ")
        );
    }
    if let Ok(apps) = required_apps(rules, &control.name) {
        let _ = writeln!(
            out,
            "\n  required of {} app(s): {}",
            apps.len(),
            apps.join(", ")
        );
    }
    out
}

/// The apps of the rule set that must meet a control.
pub fn required_apps(rules: &RuleSet, control: &str) -> Result<Vec<String>, EngineError> {
    let candidates = candidates(rules);
    let applicable = applicability(rules, &candidates)?;
    let Some(index) = rules.controls.iter().position(|c| c.name == control) else {
        return Ok(Vec::new());
    };
    Ok(applicable.required[index]
        .iter()
        .map(|a| rules.apps[a].name.clone())
        .collect())
}

fn clause_trace(rules: &RuleSet, clause: &Clause) -> String {
    let reference = clause.reference();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "clause {reference} {}  {}",
        quoted(&clause.title),
        clause.source
    );
    let _ = writeln!(
        out,
        "  standard {}{}",
        clause.standard,
        clause
            .standard_title
            .as_deref()
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default()
    );
    if !clause.group.is_empty() {
        let _ = writeln!(out, "  group {}", clause.group.join(" / "));
    }
    if clause.withdrawn {
        let _ = writeln!(out, "  withdrawn from the standard");
    }
    match &clause.adopted {
        Some(adoption) => {
            let _ = write!(out, "  adopted, weight {}", adoption.weight);
            if adoption.when.is_empty() {
                let _ = writeln!(out, ", for every app");
            } else {
                let when: Vec<String> = adoption.when.iter().map(ToString::to_string).collect();
                let _ = writeln!(out, ", for apps where {}", when.join(" or "));
            }
        }
        None => {
            let _ = writeln!(out, "  not adopted by the policy");
        }
    }
    let mapped: Vec<&str> = rules
        .mappings
        .iter()
        .filter_map(|m| {
            if m.from == reference {
                Some(m.to.as_str())
            } else if m.to == reference {
                Some(m.from.as_str())
            } else {
                None
            }
        })
        .collect();
    if !mapped.is_empty() {
        let _ = writeln!(out, "\n  mapped to");
        for other in mapped {
            let _ = writeln!(out, "    {}", clause_line(rules, other));
        }
    }
    let controls: Vec<&Control> = rules
        .controls
        .iter()
        .filter(|c| c.satisfies.contains(&reference) || c.via_mappings.contains(&reference))
        .collect();
    if controls.is_empty() {
        let _ = writeln!(out, "\n  not covered: no control satisfies it");
    } else {
        let _ = writeln!(out, "\n  satisfied by");
        for control in controls {
            let how = if control.satisfies.contains(&reference) {
                ""
            } else {
                " (through a mapping)"
            };
            let apps = required_apps(rules, &control.name)
                .map(|a| a.join(", "))
                .unwrap_or_default();
            let _ = writeln!(out, "    control {}{how}  {}", control.name, control.source);
            if !apps.is_empty() {
                let _ = writeln!(out, "      required of {apps}");
            }
        }
    }
    out
}

fn archetype_trace(rules: &RuleSet, index: usize) -> String {
    let archetype = &rules.archetypes[index];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "archetype {} {}  {}",
        archetype.name,
        quoted(&archetype.title),
        archetype.source
    );
    if archetype.lineage.len() > 1 {
        let _ = writeln!(out, "  extends {}", archetype.lineage[1..].join(" → "));
    }
    let _ = writeln!(out, "\n  facts (fixed for every app of it)");
    for (fact, value) in &archetype.facts {
        let _ = writeln!(out, "    {fact} = {value}");
    }
    let _ = writeln!(out, "\n  controls");
    for control in &rules.controls {
        let names = control
            .applies
            .iter()
            .filter(|a| archetype.lineage.iter().any(|l| a.archetypes.contains(l)));
        for applies in names {
            let provided = archetype
                .provides
                .get(&control.name)
                .map(|by| format!(" (provided by {by})"))
                .unwrap_or_default();
            let _ = writeln!(out, "    {}: {applies}{provided}", control.name);
        }
    }
    let apps: Vec<&str> = rules
        .apps
        .iter()
        .filter(|app| {
            app.archetypes.iter().any(|a| {
                rules
                    .archetypes
                    .iter()
                    .any(|r| r.name == *a && r.lineage.contains(&archetype.name))
            })
        })
        .map(|a| a.name.as_str())
        .collect();
    let _ = writeln!(out, "\n  apps ({}): {}", apps.len(), apps.join(", "));
    out
}

fn app_trace(rules: &RuleSet, index: usize, code: Option<&[CodeTag]>) -> String {
    let app = &rules.apps[index];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "app {} {}  {}",
        app.name,
        quoted(&app.title),
        app.source
    );
    let _ = writeln!(out, "  archetype {}", app.archetypes.join(", "));
    for (label, value) in [("owner", &app.owner), ("unit", &app.unit)] {
        if let Some(value) = value {
            let _ = writeln!(out, "  {label} {value}");
        }
    }
    let facts = effective_facts(rules, &app.archetypes, &app.facts);
    let _ = writeln!(out, "\n  facts");
    for (fact, value) in &facts {
        let origin = if app.facts.contains_key(fact) {
            "the app"
        } else if rules
            .archetypes
            .iter()
            .any(|a| app.archetypes.contains(&a.name) && a.facts.contains_key(fact))
        {
            "its archetype"
        } else {
            "default"
        };
        let _ = writeln!(out, "    {fact} = {value}  ({origin})");
    }
    let candidates = [Candidate {
        archetypes: app.archetypes.clone(),
        facts,
    }];
    let _ = writeln!(out, "\n  required controls");
    match applicability(rules, &candidates) {
        Ok(applicable) => {
            for (c, control) in rules.controls.iter().enumerate() {
                let Some(line) = applicable.by_line[c].iter().position(|bits| bits.get(0)) else {
                    continue;
                };
                let provided = app
                    .archetypes
                    .iter()
                    .find_map(|a| {
                        rules
                            .archetypes
                            .iter()
                            .find(|r| r.name == *a)?
                            .provides
                            .get(&control.name)
                    })
                    .map(|by| format!(", provided by {by}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    {} (weight {}{provided})",
                    control.name, control.weight
                );
                let _ = writeln!(
                    out,
                    "      because {}  {}",
                    control.applies[line], control.applies[line].source
                );
                if code.is_some() {
                    let locations = code_locations(
                        code.unwrap_or_default()
                            .iter()
                            .filter(|t| t.app == app.name && t.control == control.name),
                    );
                    let _ = writeln!(
                        out,
                        "      in code: {}",
                        if locations.is_empty() {
                            "no tag"
                        } else {
                            &locations
                        }
                    );
                }
            }
            let unrequired: Vec<&CodeTag> = code
                .unwrap_or_default()
                .iter()
                .filter(|t| {
                    t.app == app.name
                        && rules
                            .controls
                            .iter()
                            .position(|c| c.name == t.control)
                            .is_none_or(|c| applicable.by_line[c].iter().all(|bits| !bits.get(0)))
                })
                .collect();
            if !unrequired.is_empty() {
                let _ = writeln!(out, "\n  tags that name no control it requires");
                for tag in unrequired {
                    let _ = writeln!(
                        out,
                        "    {} {}  {}",
                        tag.verb.as_str(),
                        tag.control,
                        tag.origin
                    );
                }
            }
        }
        Err(error) => {
            let _ = writeln!(out, "    cannot be evaluated: {error}");
        }
    }
    out
}

fn quoted(title: &Option<String>) -> String {
    title
        .as_deref()
        .map(|t| format!("\"{t}\""))
        .unwrap_or_default()
}
