//! polic to OSCAL 1.1.2: a component definition per archetype (the controls that apply to
//! it, as implemented requirements of the clauses they satisfy) and assessment results per
//! app (observations from the evidence, a finding per clause). Every uuid is a version 5
//! uuid of a name that says what it identifies, and timestamps come from the evaluation
//! date, so the same inputs give byte-identical files.

use std::collections::{BTreeMap, BTreeSet};

use polic_ruleset::clause_id;
use polic_ruleset::eval::{Item, Report};
use polic_ruleset::evidence::{EvidenceSet, Outcome, ScanRun, When};
use polic_ruleset::schema::{Archetype, Clause, Control, RuleSet};
use polic_syntax::ast::Date;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::import::POLIC_NAMESPACE;

/// The OSCAL version of what polic writes.
pub const OSCAL_VERSION: &str = "1.1.2";

/// A document to write: its file name and content.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub file: String,
    pub json: Value,
}

impl Document {
    /// Pretty JSON with a final newline.
    pub fn text(&self) -> String {
        serde_json::to_string_pretty(&self.json).unwrap_or_default() + "\n"
    }
}

/// A clause polic cannot name in OSCAL: control ids there are tokens (a letter or `_`
/// first), so `5.1` has no OSCAL form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnnamedClause(pub String);

impl std::fmt::Display for UnnamedClause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "clause `{}` has no OSCAL control id form (OSCAL ids start with a letter or `_` and hold letters, digits, `_`, `-` and `.`)",
            self.0
        )
    }
}

/// Names made unique per policy: every uuid is one of these under polic's namespace.
struct Ids {
    namespace: Uuid,
    scope: String,
}

impl Ids {
    fn new(rules: &RuleSet) -> Ids {
        Ids {
            namespace: Uuid::new_v5(&Uuid::NAMESPACE_URL, POLIC_NAMESPACE.as_bytes()),
            scope: rules
                .policy
                .as_ref()
                .map_or_else(String::new, |p| p.name.clone()),
        }
    }

    fn uuid(&self, what: &str) -> String {
        Uuid::new_v5(&self.namespace, format!("{}/{what}", self.scope).as_bytes()).to_string()
    }
}

fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": POLIC_NAMESPACE, "value": value })
}

/// An OSCAL token: a letter or `_`, then letters, digits, `_`, `-` and `.`.
fn is_token(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A clause's OSCAL control id: as the standard spells it, or, when that is not a token
/// (`AC-2(1)`), its normalised form (`ac-2.1`), which polic reads as the same clause.
pub fn control_id(clause: &Clause) -> Result<String, UnnamedClause> {
    if is_token(&clause.id) {
        return Ok(clause.id.clone());
    }
    let normalized = clause_id::normalize(&clause.id);
    if is_token(&normalized) {
        Ok(normalized)
    } else {
        Err(UnnamedClause(clause.reference()))
    }
}

/// The back-matter resource standing for a standard: what `source` and the findings'
/// standards refer to, with the standard's polic name as a prop so that importing the
/// document back finds it.
fn standard_resource(ids: &Ids, rules: &RuleSet, standard: &str) -> Value {
    let title = rules
        .clauses
        .iter()
        .find(|c| c.standard == standard)
        .and_then(|c| c.standard_title.clone())
        .unwrap_or_else(|| standard.to_string());
    json!({
        "uuid": ids.uuid(&format!("standard/{standard}")),
        "title": title,
        "props": [prop("standard", standard)],
    })
}

fn metadata(title: String, at: Date) -> Value {
    json!({
        "title": title,
        "last-modified": timestamp(at),
        "version": at.to_string(),
        "oscal-version": OSCAL_VERSION,
    })
}

fn policy_name(rules: &RuleSet) -> String {
    rules
        .policy
        .as_ref()
        .map_or_else(|| "(no policy)".to_string(), |p| format!("`{}`", p.name))
}

/// Whether a control applies to an archetype: one of its `applies-to` lines names the
/// archetype or one it extends.
fn applies_to(control: &Control, archetype: &Archetype) -> bool {
    control
        .applies
        .iter()
        .any(|a| a.archetypes.iter().any(|n| archetype.lineage.contains(n)))
}

/// What a control asks, in words: its title, where it applies, its obligations.
fn control_description(control: &Control, archetype: &Archetype) -> String {
    let mut text = format!(
        "Control `{}`{}",
        control.name,
        control
            .title
            .as_ref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default()
    );
    let lines: Vec<String> = control
        .applies
        .iter()
        .filter(|a| a.archetypes.iter().any(|n| archetype.lineage.contains(n)))
        .map(|a| a.to_string())
        .collect();
    text.push_str(&format!(", {}", lines.join("; ")));
    if let Some(provider) = archetype.provides.get(&control.name) {
        text.push_str(&format!(", provided by the platform of `{provider}`"));
    }
    text.push(':');
    for obligation in &control.obligations {
        text.push_str(&format!(
            "\n- {}: {}",
            obligation.name,
            obligation.title.as_deref().unwrap_or(&obligation.name)
        ));
        if let Some(doc) = &obligation.doc {
            text.push_str(&format!(
                ". {}",
                doc.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        let verify: Vec<String> = obligation
            .verify
            .iter()
            .map(|v| {
                let mut s = v.kind.clone();
                if let Some(subject) = &v.subject {
                    s.push_str(&format!(" `{subject}`"));
                }
                if !v.rules.is_empty() {
                    s.push_str(&format!(" (rules {})", v.rules.join(", ")));
                }
                s
            })
            .collect();
        if !verify.is_empty() {
            text.push_str(&format!(" (verified by {})", verify.join(", ")));
        }
    }
    text
}

/// The clauses a control satisfies directly that a mapping joins to `reference` (a
/// mapping joins its two clauses both ways, as the rule set's `via_mappings` counts them).
fn mapped_from<'r>(rules: &'r RuleSet, control: &'r Control, reference: &str) -> Vec<&'r str> {
    control
        .satisfies
        .iter()
        .filter(|direct| {
            rules.mappings.iter().any(|m| {
                (m.from == **direct && m.to == reference)
                    || (m.to == **direct && m.from == reference)
            })
        })
        .map(String::as_str)
        .collect()
}

/// The controls meeting each clause (`standard#id`), and whether through a mapping.
type Implementations<'r> = BTreeMap<&'r str, Vec<(&'r Control, bool)>>;

/// A component definition per archetype that some control applies to.
pub fn component_definitions(rules: &RuleSet, at: Date) -> Result<Vec<Document>, UnnamedClause> {
    let ids = Ids::new(rules);
    let clauses: BTreeMap<String, &Clause> =
        rules.clauses.iter().map(|c| (c.reference(), c)).collect();
    let mut documents = Vec::new();
    for archetype in &rules.archetypes {
        // Clause → the controls meeting it (directly, or through a mapping), by standard.
        let mut by_standard: BTreeMap<&str, Implementations<'_>> = BTreeMap::new();
        for control in rules.controls.iter().filter(|c| applies_to(c, archetype)) {
            let all = control
                .satisfies
                .iter()
                .map(|r| (r, false))
                .chain(control.via_mappings.iter().map(|r| (r, true)));
            for (reference, mapped) in all {
                let Some(clause) = clauses.get(reference.as_str()) else {
                    continue;
                };
                by_standard
                    .entry(clause.standard.as_str())
                    .or_default()
                    .entry(reference.as_str())
                    .or_default()
                    .push((control, mapped));
            }
        }
        if by_standard.is_empty() {
            continue;
        }
        let mut implementations = Vec::new();
        let mut resources = Vec::new();
        for (standard, requirements) in &by_standard {
            let mut implemented = Vec::new();
            for (reference, controls) in requirements {
                let clause = clauses[*reference];
                let id = control_id(clause)?;
                let description: Vec<String> = controls
                    .iter()
                    .map(|(control, mapped)| {
                        let mut text = control_description(control, archetype);
                        if *mapped {
                            text.push_str(&format!(
                                "\n(It meets this clause through a `map` from {}.)",
                                mapped_from(rules, control, reference).join(", ")
                            ));
                        }
                        text
                    })
                    .collect();
                let mut props: Vec<Value> = controls
                    .iter()
                    .map(|(c, _)| prop("control", &c.name))
                    .collect();
                props.dedup();
                implemented.push(json!({
                    "uuid": ids.uuid(&format!("component/{}/requirement/{reference}", archetype.name)),
                    "control-id": id,
                    "description": description.join("\n\n"),
                    "props": props,
                }));
            }
            let resource = standard_resource(&ids, rules, standard);
            implementations.push(json!({
                "uuid": ids.uuid(&format!("component/{}/implementation/{standard}", archetype.name)),
                "source": format!("#{}", resource["uuid"].as_str().unwrap_or_default()),
                "description": format!(
                    "The controls of policy {} that apply to archetype `{}`, for the clauses of `{standard}` they satisfy.",
                    policy_name(rules),
                    archetype.name
                ),
                "implemented-requirements": implemented,
            }));
            resources.push(resource);
        }
        let mut description = format!(
            "Archetype `{}` of policy {}",
            archetype.name,
            policy_name(rules)
        );
        if !archetype.extends.is_empty() {
            description.push_str(&format!(", extending {}", archetype.extends.join(", ")));
        }
        if !archetype.facts.is_empty() {
            let facts: Vec<String> = archetype
                .facts
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            description.push_str(&format!("; its apps have {}", facts.join(", ")));
        }
        description.push('.');
        let title = archetype
            .title
            .clone()
            .unwrap_or_else(|| archetype.name.clone());
        let json = json!({
            "component-definition": {
                "uuid": ids.uuid(&format!("component-definition/{}/{at}", archetype.name)),
                "metadata": metadata(format!("{title}: controls of archetype {}", archetype.name), at),
                "components": [{
                    "uuid": ids.uuid(&format!("component/{}", archetype.name)),
                    "type": "software",
                    "title": title,
                    "description": description,
                    "props": [prop("archetype", &archetype.name)],
                    "control-implementations": implementations,
                }],
                "back-matter": { "resources": resources },
            }
        });
        documents.push(Document {
            file: format!("component-definition-{}.json", archetype.name),
            json,
        });
    }
    Ok(documents)
}

/// What an evidence origin (`file:line`) was: the facts an observation reports.
struct Seen {
    title: String,
    description: String,
    method: &'static str,
    collected: When,
    expires: Option<When>,
}

fn evidence_index(evidence: &EvidenceSet, scans: &[ScanRun]) -> BTreeMap<String, Seen> {
    let mut index = BTreeMap::new();
    for record in &evidence.evidence {
        let subject = match &record.subject {
            polic_ruleset::evidence::Subject::App(app) => format!("app `{app}`"),
            polic_ruleset::evidence::Subject::Archetype(a) => {
                format!("every app of archetype `{a}`")
            }
        };
        let what = match &record.obligation {
            Some(o) => format!("obligation `{}.{o}`", record.control),
            None => format!("every obligation of control `{}`", record.control),
        };
        let outcome = if record.outcome == Outcome::Pass {
            "passes"
        } else {
            "fails"
        };
        let mut description = format!("{what} {outcome} for {subject}");
        if let Some(tool) = &record.tool {
            description.push_str(&format!(", by `{tool}`"));
            if let Some(version) = &record.tool_version {
                description.push_str(&format!(" {version}"));
            }
        }
        if let Some(commit) = &record.commit {
            description.push_str(&format!(", at commit {commit}"));
        }
        if let Some(detail) = &record.detail {
            description.push_str(&format!(": {detail}"));
        }
        index.insert(
            record.origin.clone(),
            Seen {
                title: format!("Evidence record {}", record.origin),
                description,
                method: if record.tool.is_some() {
                    "TEST"
                } else {
                    "EXAMINE"
                },
                collected: record.collected,
                expires: record.expires,
            },
        );
    }
    for finding in &evidence.findings {
        let fixed = finding
            .fixed
            .map(|f| format!(", fixed {f}"))
            .unwrap_or_default();
        index.insert(
            finding.origin.clone(),
            Seen {
                title: format!("Finding {} in app `{}`", finding.id, finding.app),
                description: format!(
                    "vulnerability {} ({} severity), first seen {}{fixed}",
                    finding.id, finding.severity, finding.first_seen
                ),
                method: "TEST",
                collected: finding.first_seen,
                expires: None,
            },
        );
    }
    for run in scans {
        let failing = if run.failing_rules.is_empty() {
            "no failing rules".to_string()
        } else {
            format!("failing rules {}", run.failing_rules.join(", "))
        };
        index.insert(
            run.origin.clone(),
            Seen {
                title: format!("Scan by `{}` of app `{}`", run.tool, run.app),
                description: format!("a run of `{}` with {failing}", run.tool),
                method: "TEST",
                collected: run.collected,
                expires: None,
            },
        );
    }
    index
}

fn item_line(item: &Item<'_>) -> String {
    let mut line = format!("`{}`: {}", item.qualified(), item.status.as_str());
    if let Some(detail) = &item.detail {
        line.push_str(&format!(" ({detail})"));
    }
    if let Some(waiver) = item.waiver {
        line.push_str(&format!(", waiver `{}`", waiver.name));
    }
    line
}

/// Assessment results per app of an evaluation: an observation per piece of evidence
/// used, and a finding per clause the app needs or one of its controls satisfies.
pub fn assessment_results(
    report: &Report<'_>,
    evidence: &EvidenceSet,
    scans: &[ScanRun],
) -> Result<Vec<Document>, UnnamedClause> {
    let rules = report.rules;
    let ids = Ids::new(rules);
    let at = report.at;
    let seen = evidence_index(evidence, scans);
    // Which apps need each adopted clause: the evaluation behind `report` already built the
    // same population from the same rule set, so this cannot fail where it succeeded.
    let candidates = polic_ruleset::eval::candidates(rules);
    let population = polic_ruleset::eval::applicability(rules, &candidates)
        .map(|a| a.population)
        .ok();
    let needed: Vec<Option<polic_ruleset::engine::Bits>> = rules
        .clauses
        .iter()
        .map(|clause| {
            let adoption = clause.adopted.as_ref()?;
            let population = population.as_ref()?;
            if adoption.when.is_empty() {
                return Some(polic_ruleset::engine::Bits::ones(population.len()));
            }
            let mut bits = polic_ruleset::engine::Bits::zeros(population.len());
            for when in &adoption.when {
                bits.or(&population.eval(when).ok()?);
            }
            Some(bits)
        })
        .collect();
    let mut documents = Vec::new();
    for app_report in &report.apps {
        let app = app_report.app;
        let a = rules
            .apps
            .iter()
            .position(|r| r.name == app.name)
            .unwrap_or_default();
        let scope = format!("assessment-results/{}/{at}", app.name);
        // Observations: one per piece of evidence the app's items used.
        let mut observations = BTreeMap::new();
        for item in &app_report.items {
            for origin in &item.evidence {
                let Some(s) = seen.get(*origin) else { continue };
                observations.entry(origin.to_string()).or_insert_with(|| {
                    let mut observation = json!({
                        "uuid": ids.uuid(&format!("{scope}/observation/{origin}")),
                        "title": s.title,
                        "description": s.description,
                        "methods": [s.method],
                        "relevant-evidence": [{ "description": format!("polic evidence input {origin}") }],
                        "collected": s.collected.rfc3339(),
                    });
                    if let Some(expires) = s.expires {
                        observation["expires"] = json!(expires.rfc3339());
                    }
                    observation
                });
            }
        }
        // Items by the clauses their controls meet.
        let mut by_clause: BTreeMap<&str, Vec<&Item<'_>>> = BTreeMap::new();
        for item in &app_report.items {
            for clause in item.clauses() {
                by_clause.entry(clause).or_default().push(item);
            }
        }
        let mut findings = Vec::new();
        let mut reviewed: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        let mut standards = BTreeSet::new();
        for (c, clause) in rules.clauses.iter().enumerate() {
            let reference = clause.reference();
            let items = by_clause.get(reference.as_str());
            let is_needed = needed[c].as_ref().is_some_and(|bits| bits.get(a));
            if !is_needed && items.is_none() {
                continue;
            }
            let id = control_id(clause)?;
            let items = items.map(Vec::as_slice).unwrap_or_default();
            // Met when every obligation of one of its controls holds, as polic counts it.
            let mut controls: BTreeMap<&str, Vec<&Item<'_>>> = BTreeMap::new();
            for item in items {
                controls
                    .entry(item.control.name.as_str())
                    .or_default()
                    .push(item);
            }
            let satisfied = controls
                .values()
                .any(|items| items.iter().all(|i| i.status.holds()));
            let description = if items.is_empty() {
                "No control of the policy that this app must meet satisfies this clause."
                    .to_string()
            } else {
                let lines: Vec<String> = items.iter().map(|i| item_line(i)).collect();
                format!(
                    "{} by the app's controls:\n- {}",
                    if satisfied {
                        "Satisfied"
                    } else {
                        "Not satisfied"
                    },
                    lines.join("\n- ")
                )
            };
            let related: BTreeSet<&str> = items
                .iter()
                .flat_map(|i| i.evidence.iter().copied())
                .filter(|o| observations.contains_key(*o))
                .collect();
            let mut finding = json!({
                "uuid": ids.uuid(&format!("{scope}/finding/{reference}")),
                "title": format!(
                    "{reference}{}",
                    clause.title.as_ref().map(|t| format!(" {t}")).unwrap_or_default()
                ),
                "description": description,
                "target": {
                    "type": "objective-id",
                    "target-id": format!("{id}_obj"),
                    "props": [prop("standard", &clause.standard)],
                    "status": { "state": if satisfied { "satisfied" } else { "not-satisfied" } },
                },
            });
            if !related.is_empty() {
                finding["related-observations"] = json!(
                    related
                        .iter()
                        .map(|o| json!({ "observation-uuid": observations[*o]["uuid"] }))
                        .collect::<Vec<_>>()
                );
            }
            findings.push(finding);
            reviewed
                .entry(clause.standard.as_str())
                .or_default()
                .push(json!({ "control-id": id }));
            standards.insert(clause.standard.as_str());
        }
        let mut selections: Vec<Value> = reviewed
            .iter()
            .map(|(standard, controls)| {
                json!({
                    "description": format!("The clauses of `{standard}` app `{}` needs or meets.", app.name),
                    "props": [prop("standard", standard)],
                    "include-controls": controls,
                })
            })
            .collect();
        if selections.is_empty() {
            // OSCAL needs a selection; with nothing needed, everything was reviewed.
            selections.push(json!({
                "description": format!("The policy asks nothing of app `{}`.", app.name),
                "include-all": {},
            }));
        }
        let totals = &app_report.totals;
        let mut result = json!({
            "uuid": ids.uuid(&format!("{scope}/result")),
            "title": format!("Evaluation of app `{}` on {at}", app.name),
            "description": format!(
                "polic evaluated the {} obligations app `{}` must meet: {} met, {} provided, {} waived, {} waiver expired, {} overdue, {} stale, {} unmet.",
                totals.obligations, app.name, totals.met, totals.provided, totals.waived,
                totals.waiver_expired, totals.overdue, totals.stale, totals.unmet
            ),
            "start": timestamp(at),
            "props": [prop("score", &format!("{:.1}", totals.score))],
            "reviewed-controls": { "control-selections": selections },
        });
        if !observations.is_empty() {
            result["observations"] = json!(observations.into_values().collect::<Vec<_>>());
        }
        if !findings.is_empty() {
            result["findings"] = json!(findings);
        }
        let mut resources = vec![json!({
            "uuid": ids.uuid("rule-set"),
            "title": format!("The polic rule set of policy {}", policy_name(rules)),
            "description": "The compiled policy this evaluation used: what apps must do, and why.",
        })];
        resources.extend(
            standards
                .iter()
                .map(|standard| standard_resource(&ids, rules, standard)),
        );
        let json = json!({
            "assessment-results": {
                "uuid": ids.uuid(&scope),
                "metadata": metadata(format!("Assessment of app {} on {at}", app.name), at),
                "import-ap": { "href": format!("#{}", ids.uuid("rule-set")) },
                "results": [result],
                "back-matter": { "resources": resources },
            }
        });
        documents.push(Document {
            file: format!("assessment-results-{}.json", app.name),
            json,
        });
    }
    Ok(documents)
}
