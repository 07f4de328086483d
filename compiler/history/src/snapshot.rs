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

/// One evaluation, self-describing: what `polic eval --format json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always `polic-snapshot`.
    pub format: String,
    /// The snapshot format version: changes with any incompatible change of the shape.
    pub version: u32,
    /// The day it was judged at (`YYYY-MM-DD`).
    pub at: String,
    /// The name of the `policy` evaluated, when the workspace has one.
    pub policy: Option<String>,
    /// The rule set judged by.
    pub rules: Rules,
    /// The evidence files and SARIF logs read, in the order given.
    pub evidence: Vec<Input>,
    /// The commit of the checkout holding the policy, when it is a git checkout.
    pub revision: Option<String>,
    /// The apps `--app` narrowed the evaluation to; `null` for the whole portfolio.
    pub scope: Option<Vec<String>>,
    /// How `priority` is computed, in words.
    pub priority_formula: String,
    /// How scores are computed, named and versioned (`polic-posture-v1: ...`).
    pub score_formula: String,
    /// Counts and score over every app evaluated.
    pub portfolio: Totals,
    /// The same per business unit (`unit` of the apps), by name.
    pub units: Vec<Unit>,
    /// Every app evaluated, by name.
    pub apps: Vec<App>,
    /// Per standard: adopted clauses, and app × clause needs and how many are met.
    pub standards: Vec<StandardReport>,
    /// Every adopted clause: how many apps need it and how many meet it, and the controls satisfying it.
    pub clauses: Vec<Clause>,
    /// The waivers of the apps evaluated, in force or not.
    pub waivers: Vec<Waiver>,
    /// Open obligations, most urgent first: derived from the apps' items.
    pub queue: Vec<Queued>,
    /// Evidence that matched nothing the policy requires (never dropped silently).
    pub unmatched: Vec<Unmatched>,
    /// Evidence read but not counted: collected after `at`, or losing a tie (fail wins).
    pub not_counted: Vec<Unmatched>,
    /// Whether the evaluation passes the CI gate, and why not.
    pub gate: Gate,
}

/// The rule set judged by: its format and a digest of its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The rule set format (`polic-ruleset`).
    pub schema: String,
    /// The rule set format version.
    pub version: u32,
    /// `sha256:` and the hex digest.
    pub digest: String,
}

/// A file read for the evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// As given, relative to the repository holding the workspace when inside it.
    pub path: String,
    /// `sha256:` and the hex digest of the file's bytes.
    pub digest: String,
}

/// A business unit's roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// The unit's name.
    pub unit: String,
    /// Its apps' counts, and their score weighted by criticality.
    pub totals: Totals,
}

/// An app, its obligations and their statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// The app's name in the policy.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Its business unit.
    pub unit: Option<String>,
    /// Its owner.
    pub owner: Option<String>,
    /// Its `criticality` fact, when it has one.
    pub criticality: Option<String>,
    /// Counts of its obligations by status, and its score.
    pub totals: Totals,
    /// By priority (highest first), then control and obligation.
    pub items: Vec<Item>,
    /// Tags in its source code (`polic: implements ...`).
    pub code: Vec<Code>,
    /// Required controls nothing speaks to: no evidence, finding, code tag, waiver or platform.
    pub uncovered: Vec<String>,
    /// Where it is defined: `file:line:column`.
    pub source: String,
}

/// One obligation of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The control.
    pub control: String,
    /// The obligation of the control.
    pub obligation: String,
    /// What the evidence, findings and waivers decide.
    pub status: Status,
    /// weight × criticality rank (see `priority_formula`).
    pub priority: u32,
    /// The highest risk weight among the adopted clauses the control satisfies.
    pub weight: u32,
    /// Why the app must meet it.
    pub why: Why,
    /// The adopted clauses it traces to (`standard#clause`).
    pub clauses: Vec<String>,
    /// When it is or was due (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// What decided the status, in words.
    pub detail: Option<String>,
    /// The evidence that decided it, each as `file:line`.
    pub evidence: Vec<String>,
    /// Its open findings.
    pub findings: Vec<Finding>,
    /// Code implementing or testing it.
    pub code: Vec<Code>,
    /// The waiver excusing it, in force or expired.
    pub waiver: Option<String>,
    /// Where the obligation is defined: `file:line:column`.
    pub source: String,
}

impl Item {
    /// `control.obligation`
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.control, self.obligation)
    }
}

/// Why a control applies to an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Why {
    /// The archetype of the app the control applies to.
    pub archetype: String,
    /// The `applies-to` line that made it apply.
    pub applies: String,
    /// The archetype whose platform provides it, when one does.
    pub provided_by: Option<String>,
    /// Where that line is: `file:line:column`.
    pub source: String,
}

/// An open finding deciding an obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The finding's id (a CVE, GHSA, ...).
    pub id: String,
    /// Its severity.
    pub severity: String,
    /// When it was first reported.
    pub first_seen: String,
    /// `first_seen` plus the control's remediation window for the severity.
    pub due: String,
}

/// A `polic:` tag in source code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// `implements` or `tests`.
    pub verb: String,
    /// The control the tag names.
    pub control: String,
    /// The obligation it names, if any.
    pub obligation: Option<String>,
    /// Where the tag is: `file:line`.
    pub location: String,
    /// The source directory scanned.
    pub origin: String,
}

/// An adopted clause's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// `standard#clause`.
    pub clause: String,
    /// The standard.
    pub standard: String,
    /// The clause's first group (a control family, a chapter).
    pub family: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its risk weight.
    pub weight: u32,
    /// The apps that need it (its adoption applies to them).
    pub needed_by: usize,
    /// Of those, the apps where every control satisfying it holds.
    pub met_by: usize,
    /// The controls satisfying it, directly or through a mapping.
    pub controls: Vec<String>,
}

/// A waiver of an app evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The waiver's name.
    pub name: String,
    /// The app it excuses.
    pub app: String,
    /// The control it excuses.
    pub control: String,
    /// The one obligation, when it names one.
    pub obligation: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Who asked.
    pub requested_by: Option<String>,
    /// Who approved (never the requester).
    pub approved_by: Option<String>,
    /// When it ends (`YYYY-MM-DD`).
    pub expires: Option<String>,
    /// Where it is defined: `file:line:column`.
    pub source: String,
}

/// An open obligation in the work queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Queued {
    /// The app.
    pub app: String,
    /// The control.
    pub control: String,
    /// The obligation.
    pub obligation: String,
    /// Its status (open: unmet, overdue, stale or waiver-expired).
    pub status: Status,
    /// Its priority.
    pub priority: u32,
    /// When it is due.
    pub due: Option<String>,
}

/// What an evaluation does not know about itself.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub evidence: Vec<Input>,
    pub revision: Option<String>,
    pub scope: Option<Vec<String>>,
}

pub use polic_ruleset::bundle::digest;

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

    /// The digest that identifies it in a store: of its parts (see [`crate::parts::digest`]).
    pub fn digest(&self) -> String {
        let parts = crate::parts::split(self);
        crate::parts::digest(&crate::parts::blobs(&parts))
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

/// The JSON Schema (draft 2020-12) of a snapshot, as docs/snapshot.schema.json holds it.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Snapshot);
    schema.insert(
        "title".to_string(),
        format!("polic snapshot, version {VERSION}").into(),
    );
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
