//! A snapshot: one evaluation, self-describing. `polic eval --format json` prints one;
//! the store keeps them; `polic diff` compares two. docs/history.md and
//! docs/snapshot.schema.json document the shape.

use polic_ruleset::eval::{self, Gate, Report, StandardReport, Status, Totals, Unmatched};
use polic_ruleset::{RuleSet, report};
use serde::{Deserialize, Serialize};

/// Why a text is not a snapshot this polic reads, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotASnapshot {
    pub message: String,
    pub help: String,
}

/// Named in every snapshot; [`VERSION`] changes with any incompatible change of its shape.
pub const FORMAT: &str = "polic-snapshot";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub format: String,
    pub version: u32,
    /// The day it was judged at (`YYYY-MM-DD`).
    pub at: String,
    pub policy: Option<String>,
    pub rules: Rules,
    /// The evidence files and SARIF logs read, in the order given.
    pub evidence: Vec<Input>,
    /// The commit of the checkout holding the policy, when it is a git checkout.
    pub revision: Option<String>,
    /// The apps `--app` narrowed the evaluation to; `null` for the whole portfolio.
    pub scope: Option<Vec<String>>,
    pub priority_formula: String,
    pub score_formula: String,
    pub portfolio: Totals,
    pub units: Vec<Unit>,
    pub apps: Vec<App>,
    pub standards: Vec<StandardReport>,
    pub clauses: Vec<Clause>,
    /// The waivers of the apps evaluated, in force or not.
    pub waivers: Vec<Waiver>,
    /// Open obligations, most urgent first: derived from the apps' items.
    pub queue: Vec<Queued>,
    pub unmatched: Vec<Unmatched>,
    pub not_counted: Vec<Unmatched>,
    pub gate: Gate,
}

/// The rule set judged by: its format and a digest of its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub schema: String,
    pub version: u32,
    /// `sha256:` and the hex digest.
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub path: String,
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub unit: String,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub name: String,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub owner: Option<String>,
    pub criticality: Option<String>,
    pub totals: Totals,
    /// By priority (highest first), then control and obligation.
    pub items: Vec<Item>,
    pub code: Vec<Code>,
    pub uncovered: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub control: String,
    pub obligation: String,
    pub status: Status,
    pub priority: u32,
    pub weight: u32,
    pub why: Why,
    pub clauses: Vec<String>,
    pub due: Option<String>,
    pub detail: Option<String>,
    pub evidence: Vec<String>,
    pub findings: Vec<Finding>,
    pub code: Vec<Code>,
    pub waiver: Option<String>,
    pub source: String,
}

impl Item {
    /// `control.obligation`
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.control, self.obligation)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Why {
    pub archetype: String,
    pub applies: String,
    pub provided_by: Option<String>,
    pub source: String,
}

/// An open finding deciding an obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub severity: String,
    pub first_seen: String,
    pub due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub verb: String,
    pub control: String,
    pub obligation: Option<String>,
    pub location: String,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub clause: String,
    pub standard: String,
    pub family: Option<String>,
    pub title: Option<String>,
    pub weight: u32,
    pub needed_by: usize,
    pub met_by: usize,
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub name: String,
    pub app: String,
    pub control: String,
    pub obligation: Option<String>,
    pub reason: Option<String>,
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queued {
    pub app: String,
    pub control: String,
    pub obligation: String,
    pub status: Status,
    pub priority: u32,
    pub due: Option<String>,
}

/// What an evaluation does not know about itself.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub evidence: Vec<Input>,
    pub revision: Option<String>,
    pub scope: Option<Vec<String>>,
}

/// `sha256:` and the hex digest of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in hash.iter() {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// The digest of a rule set: of its canonical (compact) JSON.
pub fn rules_digest(rules: &RuleSet) -> String {
    digest(&serde_json::to_vec(rules).unwrap_or_default())
}

fn strings<'s>(items: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    items.into_iter().map(str::to_string).collect()
}

fn code(tag: &polic_ruleset::evidence::CodeTag) -> Code {
    Code {
        verb: tag.verb.as_str().to_string(),
        control: tag.control.clone(),
        obligation: tag.obligation.clone(),
        location: tag.location(),
        origin: tag.origin.clone(),
    }
}

impl Snapshot {
    pub fn of(report: &Report, context: Context) -> Snapshot {
        let rules = report.rules;
        let apps: Vec<App> = report
            .apps
            .iter()
            .map(|app| App {
                name: app.app.name.clone(),
                title: app.app.title.clone(),
                unit: app.app.unit.clone(),
                owner: app.app.owner.clone(),
                criticality: app.criticality.map(str::to_string),
                totals: app.totals.clone(),
                items: app.items.iter().map(|item| self::item(app, item)).collect(),
                code: app.code.values().flatten().map(|tag| code(tag)).collect(),
                uncovered: strings(report::uncovered(report, app)),
                source: app.app.source.clone(),
            })
            .collect();
        let evaluated = |name: &str| apps.iter().any(|a| a.name == name);
        let waivers = rules
            .waivers
            .iter()
            .filter(|w| evaluated(&w.app))
            .map(|w| Waiver {
                name: w.name.clone(),
                app: w.app.clone(),
                control: w.control.clone(),
                obligation: w.obligation.clone(),
                reason: w.reason.clone(),
                requested_by: w.requested_by.clone(),
                approved_by: w.approved_by.clone(),
                expires: w.expires.clone(),
                source: w.source.clone(),
            })
            .collect();
        let mut snapshot = Snapshot {
            format: FORMAT.to_string(),
            version: VERSION,
            at: report.at.to_string(),
            policy: rules.policy.as_ref().map(|p| p.name.clone()),
            rules: Rules {
                schema: rules.schema.clone(),
                version: rules.version,
                digest: rules_digest(rules),
            },
            evidence: context.evidence,
            revision: context.revision,
            scope: context.scope,
            priority_formula: eval::PRIORITY_FORMULA.to_string(),
            score_formula: eval::SCORE_FORMULA.to_string(),
            portfolio: report.portfolio.clone(),
            units: report
                .units
                .iter()
                .map(|(unit, totals)| Unit {
                    unit: unit.clone(),
                    totals: totals.clone(),
                })
                .collect(),
            apps,
            standards: report.standards.clone(),
            clauses: report
                .clauses
                .iter()
                .map(|c| Clause {
                    clause: c.clause.clone(),
                    standard: c.standard.to_string(),
                    family: c.family.map(str::to_string),
                    title: c.title.map(str::to_string),
                    weight: c.weight,
                    needed_by: c.needed_by,
                    met_by: c.met_by,
                    controls: strings(c.controls.iter().copied()),
                })
                .collect(),
            waivers,
            queue: Vec::new(),
            unmatched: report.unmatched.clone(),
            not_counted: report.not_counted.clone(),
            gate: report.gate.clone(),
        };
        snapshot.queue = snapshot.derive_queue();
        snapshot
    }

    /// The open obligations, most urgent first, as evaluation orders them: by priority,
    /// then in app order and each app's item order (control, then obligation).
    pub fn derive_queue(&self) -> Vec<Queued> {
        let mut open: Vec<(&App, &Item)> = self
            .apps
            .iter()
            .flat_map(|app| app.items.iter().map(move |item| (app, item)))
            .filter(|(_, item)| item.status.open())
            .collect();
        // Stable: ties keep app and item order.
        open.sort_by_key(|(_, item)| std::cmp::Reverse(item.priority));
        open.into_iter()
            .map(|(app, item)| Queued {
                app: app.name.clone(),
                control: item.control.clone(),
                obligation: item.obligation.clone(),
                status: item.status,
                priority: item.priority,
                due: item.due.clone(),
            })
            .collect()
    }

    /// The snapshot as `polic eval --format json` prints it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a snapshot, refusing other formats and versions with the reason.
    pub fn from_json(text: &str) -> Result<Snapshot, NotASnapshot> {
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let written_by_eval = "`polic eval --format json` writes one";
        let fail = |message: String, help: &str| NotASnapshot {
            message,
            help: help.to_string(),
        };
        let header: Header = serde_json::from_str(text)
            .map_err(|e| fail(format!("not JSON: {e}"), written_by_eval))?;
        match (header.format.as_deref(), header.version) {
            (Some(FORMAT), Some(VERSION)) => serde_json::from_str(text).map_err(|e| {
                fail(
                    format!("not a valid snapshot: {e}"),
                    "was it edited by hand? `polic eval --format json` writes one",
                )
            }),
            (Some(FORMAT), Some(version)) if version > VERSION => Err(fail(
                format!("snapshot format version {version}; this polic reads version {VERSION}"),
                "a newer polic wrote it: upgrade polic to read it",
            )),
            (Some(FORMAT), version) => Err(fail(
                format!(
                    "snapshot format version {}; this polic reads version {VERSION}",
                    version.map_or("(none)".to_string(), |v| v.to_string())
                ),
                "evaluate again with this polic: `polic eval --format json`",
            )),
            _ => Err(fail(
                format!("not a polic snapshot (no `\"format\": \"{FORMAT}\"`)"),
                written_by_eval,
            )),
        }
    }

    /// The digest that identifies it in a store: of its JSON.
    pub fn digest(&self) -> String {
        digest(self.to_json().as_bytes())
    }
}

fn item(app: &eval::AppReport, item: &eval::Item) -> Item {
    let applies = &item.control.applies[item.line];
    Item {
        control: item.control.name.clone(),
        obligation: item.obligation_name().to_string(),
        status: item.status,
        priority: item.priority,
        weight: item.control.weight,
        why: Why {
            archetype: item.archetype.to_string(),
            applies: applies.to_string(),
            provided_by: item.provided_by.map(str::to_string),
            source: applies.source.clone(),
        },
        clauses: strings(item.clauses()),
        due: item.due.map(|d| d.to_string()),
        detail: item.detail.clone(),
        evidence: strings(item.evidence.iter().copied()),
        findings: item
            .findings
            .iter()
            .map(|(due, f)| Finding {
                id: f.id.clone(),
                severity: f.severity.clone(),
                first_seen: f.first_seen.to_string(),
                due: due.to_string(),
            })
            .collect(),
        code: app.code_for(item).map(code).collect(),
        waiver: item.waiver.map(|w| w.name.clone()),
        source: item.control.obligations[item.obligation].source.clone(),
    }
}
