//! Evaluation: for each app, which controls and obligations it must meet, why, and their
//! status given the evidence, waivers and date; then per clause, per standard, per
//! business unit and for the portfolio. Needs only the rule set.
//!
//! A portfolio of ten thousand apps and a thousand controls has millions of items, so an
//! item holds indices into the rule set and borrowed text, and names are looked up only
//! when a report is written.

use std::collections::{BTreeMap, BTreeSet};

use polic_syntax::ast::Date;
use serde::{Deserialize, Serialize};

use crate::engine::{Bits, EngineError, Population};
use crate::evidence::{CodeTag, Evidence, EvidenceSet, Finding, Outcome, ScanRun, Subject, When};
use crate::schema::{App, Control, FactKind, RuleSet, Value, Waiver};

/// How priority and scores are computed; named in every output.
pub const PRIORITY_FORMULA: &str = "priority = weight × criticality rank (weight: the highest risk weight among the adopted clauses the control satisfies, directly or through a mapping, or the risk model's default; criticality rank: position of the app's `criticality` value, 1 for the lowest, 1 if the app has none)";
pub const SCORE_FORMULA: &str = "polic-posture-v1: score = 100 × Σ weight(met or provided) / Σ weight(required, not waived); portfolio and units weight each app's sums by its criticality rank";

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Evidence shows it holds.
    Met,
    /// The archetype's platform meets it for every app of the archetype.
    Provided,
    /// Excused by a waiver still in force.
    Waived,
    /// The waiver that excused it has expired.
    WaiverExpired,
    /// Not met, and past its due date or remediation window.
    Overdue,
    /// The passing evidence has expired.
    Stale,
    /// No passing evidence yet, still within its time.
    Unmet,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Provided => "provided",
            Status::Waived => "waived",
            Status::WaiverExpired => "waiver-expired",
            Status::Overdue => "overdue",
            Status::Stale => "stale",
            Status::Unmet => "unmet",
        }
    }

    /// Whether it counts as holding (for scores and clause coverage).
    pub fn holds(self) -> bool {
        matches!(self, Status::Met | Status::Provided)
    }

    /// Whether it is work to do: neither holding nor excused.
    pub fn open(self) -> bool {
        !self.holds() && self != Status::Waived
    }

    /// Whether CI should fail on it whatever the threshold.
    pub fn always_fails(self) -> bool {
        matches!(self, Status::Overdue | Status::WaiverExpired)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub at: Date,
    /// Fail on any open obligation with a priority above this.
    pub fail_above: Option<u32>,
}

/// An evaluation. Borrows the rule set and the evidence it was made from.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    pub at: Date,
    pub fail_above: Option<u32>,
    pub portfolio: Totals,
    pub units: Vec<(String, Totals)>,
    /// In the rule set's app order.
    pub apps: Vec<AppReport<'a>>,
    pub standards: Vec<StandardReport>,
    pub clauses: Vec<ClauseReport<'a>>,
    /// Adopted clauses that no control satisfies, as indices into `clauses`: by standard,
    /// then family, heaviest first, then id.
    pub uncovered_clauses: Vec<usize>,
    /// Open items, highest priority first: (index in `apps`, index in its items).
    pub queue: Vec<(usize, usize)>,
    /// Evidence that matched nothing in the rule set: reported, never dropped.
    pub unmatched: Vec<Unmatched>,
    /// Evidence about something the rule set knows that did not count: collected after
    /// the evaluation date, or a duplicate or the losing side of a tie.
    pub not_counted: Vec<Unmatched>,
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    pub apps: usize,
    pub obligations: usize,
    pub met: usize,
    pub provided: usize,
    pub waived: usize,
    pub waiver_expired: usize,
    pub overdue: usize,
    pub stale: usize,
    pub unmet: usize,
    pub score: f64,
}

impl Totals {
    /// The count of each status, in the order every output lists them.
    pub fn by_status(&self) -> [(Status, usize); 7] {
        [
            (Status::Met, self.met),
            (Status::Provided, self.provided),
            (Status::Waived, self.waived),
            (Status::WaiverExpired, self.waiver_expired),
            (Status::Overdue, self.overdue),
            (Status::Stale, self.stale),
            (Status::Unmet, self.unmet),
        ]
    }
}

#[derive(Debug, Clone)]
pub struct AppReport<'a> {
    pub app: &'a App,
    pub criticality: Option<&'a str>,
    pub totals: Totals,
    /// By priority (highest first), then control name and the obligation's place in it.
    pub items: Vec<Item<'a>>,
    /// Tags in the app's source code, by the index of the required control they name.
    pub code: BTreeMap<usize, Vec<&'a CodeTag>>,
    /// Indices of required controls that nothing speaks to: no evidence, finding, code tag,
    /// waiver or platform.
    pub uncovered: Vec<usize>,
    /// The required controls' metric targets, by control then place in it.
    pub targets: Vec<crate::metrics::target::TargetResult<'a>>,
}

impl<'a> AppReport<'a> {
    /// The tags naming an item's control as a whole or its obligation.
    pub fn code_for<'s>(&'s self, item: &'s Item<'a>) -> impl Iterator<Item = &'a CodeTag> + 's {
        self.code
            .get(&item.control_index)
            .into_iter()
            .flatten()
            .copied()
            .filter(|tag| {
                tag.obligation
                    .as_deref()
                    .is_none_or(|o| o == item.obligation_name())
            })
    }
}

/// One obligation an app must meet.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub control: &'a Control,
    /// The control's index in the rule set (which lists controls by name).
    pub control_index: usize,
    /// Index into the control's obligations.
    pub obligation: usize,
    pub status: Status,
    pub priority: u32,
    /// The app's archetype through which the control applies.
    pub archetype: &'a str,
    /// Index of the control's `applies-to` line that matched.
    pub line: usize,
    /// The archetype that provides it, when the platform does.
    pub provided_by: Option<&'a str>,
    pub due: Option<Date>,
    pub detail: Option<String>,
    pub evidence: Vec<&'a str>,
    /// When the passing evidence that decides it expires, for reports of what goes stale next.
    pub expires: Option<When>,
    /// The open findings that decide it, each with its due date, soonest first.
    pub findings: Vec<(Date, &'a Finding)>,
    pub waiver: Option<&'a Waiver>,
}

impl Item<'_> {
    /// Whether it fails the gate: always when overdue or its waiver expired; when open and
    /// of a priority above `fail_above`.
    pub fn fails_gate(&self, fail_above: Option<u32>) -> bool {
        self.status.always_fails()
            || (self.status.open() && fail_above.is_some_and(|limit| self.priority > limit))
    }

    pub fn obligation_name(&self) -> &str {
        &self.control.obligations[self.obligation].name
    }

    /// `control.obligation`
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.control.name, self.obligation_name())
    }

    /// The clauses it serves: those its control satisfies as written, then those reached
    /// through a mapping in natural order (`v2` before `v10`).
    pub fn clauses(&self) -> impl Iterator<Item = &str> {
        let mut mapped: Vec<&str> = self
            .control
            .via_mappings
            .iter()
            .map(String::as_str)
            .collect();
        mapped.sort_by(|a, b| crate::clause_id::natural_cmp(a, b));
        self.control
            .satisfies
            .iter()
            .map(String::as_str)
            .chain(mapped)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClauseReport<'a> {
    pub clause: String,
    pub standard: &'a str,
    /// The clause's first group in its standard (`ac` in NIST SP 800-53, `v2` in ASVS).
    pub family: Option<&'a str>,
    pub title: Option<&'a str>,
    pub weight: u32,
    pub needed_by: usize,
    pub met_by: usize,
    pub controls: Vec<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardReport {
    pub standard: String,
    pub clauses: usize,
    /// App × clause pairs where the app needs the clause.
    pub needed: usize,
    pub met: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unmatched {
    pub origin: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub pass: bool,
    pub reasons: Vec<String>,
}

/// An app (or a test's app) as evaluation sees it: its archetypes and its effective facts.
pub struct Candidate {
    pub archetypes: Vec<String>,
    pub facts: BTreeMap<String, Value>,
}

/// Every control's applicability to every candidate, with the `applies-to` line that made
/// it apply.
pub struct Applicability {
    /// Per control, per `applies-to` line: the candidates it applies to through that line.
    pub by_line: Vec<Vec<Bits>>,
    /// Per control: the candidates that must meet it.
    pub required: Vec<Bits>,
    pub population: Population,
}

/// The facts an app is evaluated on: defaults, then its archetypes' facts, then its own.
pub fn effective_facts(
    rules: &RuleSet,
    archetypes: &[String],
    own: &BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let mut facts: BTreeMap<String, Value> = rules
        .facts
        .iter()
        .filter_map(|f| Some((f.name.clone(), f.default.clone()?)))
        .collect();
    for archetype in archetypes {
        if let Some(a) = rules.archetypes.iter().find(|a| a.name == *archetype) {
            facts.extend(a.facts.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    facts.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    facts
}

/// The rule set's apps as candidates.
pub fn candidates(rules: &RuleSet) -> Vec<Candidate> {
    rules
        .apps
        .iter()
        .map(|app| Candidate {
            archetypes: app.archetypes.clone(),
            facts: effective_facts(rules, &app.archetypes, &app.facts),
        })
        .collect()
}

/// Decides which controls apply to which candidates.
pub fn applicability(
    rules: &RuleSet,
    candidates: &[Candidate],
) -> Result<Applicability, EngineError> {
    let population = Population::new(rules, candidates.iter().map(|c| &c.facts))?;
    let len = candidates.len();
    // Candidates by each archetype in their lineage.
    let mut by_archetype: BTreeMap<&str, Bits> = BTreeMap::new();
    for (i, candidate) in candidates.iter().enumerate() {
        for archetype in &candidate.archetypes {
            let lineage = rules
                .archetypes
                .iter()
                .find(|a| a.name == *archetype)
                .map(|a| a.lineage.as_slice())
                .unwrap_or_default();
            for ancestor in lineage {
                by_archetype
                    .entry(ancestor)
                    .or_insert_with(|| Bits::zeros(len))
                    .set(i);
            }
        }
    }
    let mut by_line = Vec::with_capacity(rules.controls.len());
    let mut required = Vec::with_capacity(rules.controls.len());
    for control in &rules.controls {
        let mut lines = Vec::with_capacity(control.applies.len());
        let mut all = Bits::zeros(len);
        for applies in &control.applies {
            let mut bits = Bits::zeros(len);
            for archetype in &applies.archetypes {
                if let Some(apps) = by_archetype.get(archetype.as_str()) {
                    bits.or(apps);
                }
            }
            if let Some(when) = &applies.when {
                bits.and(&population.eval(when)?);
            }
            all.or(&bits);
            lines.push(bits);
        }
        by_line.push(lines);
        required.push(all);
    }
    Ok(Applicability {
        by_line,
        required,
        population,
    })
}

/// The position of the app's `criticality` value, from 1; 1 when it has none.
fn criticality<'a>(rules: &'a RuleSet, facts: &BTreeMap<String, Value>) -> (u32, Option<&'a str>) {
    let Some(fact) = rules
        .facts
        .iter()
        .find(|f| f.name == "criticality" && f.kind == FactKind::Enum)
    else {
        return (1, None);
    };
    match facts.get("criticality") {
        Some(Value::Name(value)) => match fact.values.iter().position(|v| v == value) {
            Some(p) => (p as u32 + 1, Some(fact.values[p].as_str())),
            None => (1, None),
        },
        _ => (1, None),
    }
}

pub fn evaluate<'a>(
    rules: &'a RuleSet,
    evidence: &'a EvidenceSet,
    scans: &'a [ScanRun],
    options: &Options,
) -> Result<Report<'a>, EngineError> {
    let at = options.at;
    let metric_records = crate::metrics::target::by_app(evidence);
    let candidates = candidates(rules);
    let applicable = applicability(rules, &candidates)?;
    let mut index = EvidenceIndex::new(rules, evidence, scans, at);
    let control_index: BTreeMap<&str, usize> = rules
        .controls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();

    let mut apps = Vec::with_capacity(rules.apps.len());
    let mut ranks = Vec::with_capacity(rules.apps.len());
    for (a, app) in rules.apps.iter().enumerate() {
        let (rank, criticality) = criticality(rules, &candidates[a].facts);
        let archetypes: Vec<&crate::schema::Archetype> = app
            .archetypes
            .iter()
            .filter_map(|name| rules.archetypes.iter().find(|r| r.name == *name))
            .collect();
        let mut items = Vec::new();
        let mut uncovered = Vec::new();
        let evidence = index.for_app(&app.name);
        for (c, control) in rules.controls.iter().enumerate() {
            if !applicable.required[c].get(a) {
                continue;
            }
            let mut covered = evidence.code.contains_key(control.name.as_str());
            let line = applicable.by_line[c]
                .iter()
                .position(|bits| bits.get(a))
                .unwrap_or(0);
            // The app's archetype whose lineage contains one the matching line names.
            let named = &control.applies[line].archetypes;
            let through = archetypes
                .iter()
                .find(|r| r.lineage.iter().any(|l| named.contains(l)));
            // `RuleSet::validate` bounds weights so this fits; a rule set that skipped
            // validation gets an error, never a priority that wrapped around.
            let priority = control.weight.checked_mul(rank).ok_or_else(|| {
                EngineError(format!(
                    "priority of control `{}` for app `{}` overflows: weight {} × criticality rank {rank}",
                    control.name, app.name, control.weight
                ))
            })?;
            for obligation in 0..control.obligations.len() {
                let mut item = Item {
                    control,
                    control_index: c,
                    obligation,
                    status: Status::Unmet,
                    priority,
                    archetype: through.map_or("", |r| r.name.as_str()),
                    line,
                    provided_by: through
                        .and_then(|r| r.provides.get(&control.name))
                        .map(String::as_str),
                    due: None,
                    detail: None,
                    evidence: Vec::new(),
                    findings: Vec::new(),
                    waiver: None,
                    expires: None,
                };
                index.judge(&mut item, &evidence, at);
                covered |= !item.evidence.is_empty()
                    || item.provided_by.is_some()
                    || item.status == Status::Waived;
                items.push(item);
            }
            if !covered {
                uncovered.push(c);
            }
        }
        let mut code = BTreeMap::new();
        for (name, tags) in &evidence.code {
            let c = control_index[name];
            if applicable.required[c].get(a) {
                code.insert(c, tags.clone());
            } else {
                index.unknown.extend(tags.iter().map(|tag| Unmatched {
                    origin: tag.origin.clone(),
                    reason: format!("app `{}` does not require control `{name}`", app.name),
                }));
            }
        }
        // The app's own records no item used: about a control it does not require, or one
        // its platform provides (only the platform's evidence counts then).
        for (name, records) in &evidence.records {
            let c = control_index[name];
            let provider = items
                .iter()
                .find(|i| i.control_index == c)
                .and_then(|i| i.provided_by);
            for &(i, record) in records {
                if index.used_records.contains(&i) {
                    continue;
                }
                index.unknown.push(Unmatched {
                    origin: record.origin.clone(),
                    reason: match provider {
                        Some(p) => format!(
                            "archetype `{p}` provides control `{name}` to app `{}`: only the platform's evidence counts",
                            app.name
                        ),
                        _ => format!("app `{}` does not require control `{name}`", app.name),
                    },
                });
            }
        }
        // Controls are listed by name, so indices order them by name without comparing text;
        // the keys are unique, so an unstable sort is deterministic.
        items.sort_unstable_by_key(|i| {
            (std::cmp::Reverse(i.priority), i.control_index, i.obligation)
        });
        ranks.push(rank);
        let targets = crate::metrics::target::judge_required(
            rules,
            metric_records.get(app.name.as_str()),
            &items,
            at,
        );
        apps.push(AppReport {
            app,
            criticality,
            totals: Totals::default(),
            items,
            code,
            uncovered,
            targets,
        });
    }
    for (app, rank) in apps.iter_mut().zip(&ranks) {
        app.totals = totals([(*rank, app.items.as_slice())]);
    }
    let (unmatched, not_counted) = index.unmatched(rules);

    let portfolio = totals(
        apps.iter()
            .zip(&ranks)
            .map(|(app, rank)| (*rank, app.items.as_slice())),
    );
    let mut by_unit: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, app) in apps.iter().enumerate() {
        by_unit
            .entry(app.app.unit.as_deref().unwrap_or("(no unit)"))
            .or_default()
            .push(i);
    }
    let units = by_unit
        .into_iter()
        .map(|(unit, members)| {
            (
                unit.to_string(),
                totals(
                    members
                        .iter()
                        .map(|&i| (ranks[i], apps[i].items.as_slice())),
                ),
            )
        })
        .collect();
    let (clauses, standards) = clause_reports(rules, &applicable, &apps, &control_index)?;
    let mut uncovered_clauses: Vec<usize> = (0..clauses.len())
        .filter(|&c| clauses[c].controls.is_empty())
        .collect();
    uncovered_clauses.sort_by(|&a, &b| {
        let (a, b) = (&clauses[a], &clauses[b]);
        a.standard
            .cmp(b.standard)
            .then_with(|| {
                crate::clause_id::natural_cmp(a.family.unwrap_or(""), b.family.unwrap_or(""))
            })
            .then_with(|| b.weight.cmp(&a.weight))
            .then_with(|| crate::clause_id::natural_cmp(&a.clause, &b.clause))
    });

    // Apps are listed by name too: the queue sorts on (priority, app, control, obligation)
    // as integers, computed once.
    let mut keyed: Vec<(std::cmp::Reverse<u32>, usize, usize, usize, usize)> = apps
        .iter()
        .enumerate()
        .flat_map(|(a, app)| {
            app.items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.status.open())
                .map(move |(i, item)| {
                    (
                        std::cmp::Reverse(item.priority),
                        a,
                        item.control_index,
                        item.obligation,
                        i,
                    )
                })
        })
        .collect();
    keyed.sort_unstable();
    let queue: Vec<(usize, usize)> = keyed.into_iter().map(|(_, a, _, _, i)| (a, i)).collect();
    let entry = |&(a, i): &(usize, usize)| &apps[a].items[i];
    let reasons = queue
        .iter()
        .filter(|e| entry(e).fails_gate(options.fail_above))
        .map(|e| {
            let item = entry(e);
            format!(
                "{} {}: {} (priority {}; clauses {})",
                apps[e.0].app.name,
                item.qualified(),
                item.status.as_str(),
                item.priority,
                item.clauses().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>();
    Ok(Report {
        rules,
        at,
        fail_above: options.fail_above,
        portfolio,
        units,
        apps,
        standards,
        clauses,
        uncovered_clauses,
        queue,
        unmatched,
        not_counted,
        gate: Gate {
            pass: reasons.is_empty(),
            reasons,
        },
    })
}

fn totals<'i>(apps: impl IntoIterator<Item = (u32, &'i [Item<'i>])>) -> Totals {
    let mut t = Totals::default();
    let (mut held, mut required) = (0u64, 0u64);
    for (rank, items) in apps {
        t.apps += 1;
        for item in items {
            t.obligations += 1;
            match item.status {
                Status::Met => t.met += 1,
                Status::Provided => t.provided += 1,
                Status::Waived => t.waived += 1,
                Status::WaiverExpired => t.waiver_expired += 1,
                Status::Overdue => t.overdue += 1,
                Status::Stale => t.stale += 1,
                Status::Unmet => t.unmet += 1,
            }
            let weight = u64::from(item.control.weight) * u64::from(rank);
            if item.status != Status::Waived {
                required += weight;
            }
            if item.status.holds() {
                held += weight;
            }
        }
    }
    // One decimal, so that output is stable and readable.
    t.score = if required == 0 {
        100.0
    } else {
        (1000.0 * held as f64 / required as f64).round() / 10.0
    };
    t
}

/// Per adopted clause: the apps that need it (the adoption's condition holds for them)
/// and those meeting it (some control satisfying it is required of the app and all its
/// obligations hold or are provided).
fn clause_reports<'a>(
    rules: &'a RuleSet,
    applicable: &Applicability,
    apps: &[AppReport<'a>],
    position: &BTreeMap<&str, usize>,
) -> Result<(Vec<ClauseReport<'a>>, Vec<StandardReport>), EngineError> {
    let len = apps.len();
    // Per control, the apps for which every obligation of it holds.
    let mut holding: Vec<Bits> = applicable.required.clone();
    for (a, app) in apps.iter().enumerate() {
        for item in app.items.iter().filter(|i| !i.status.holds()) {
            holding[position[item.control.name.as_str()]].clear(a);
        }
    }
    let mut reports = Vec::new();
    let mut standards: BTreeMap<&str, StandardReport> = BTreeMap::new();
    for clause in &rules.clauses {
        let Some(adoption) = &clause.adopted else {
            continue;
        };
        let reference = clause.reference();
        let mut needed = if adoption.when.is_empty() {
            Bits::ones(len)
        } else {
            Bits::zeros(len)
        };
        for when in &adoption.when {
            needed.or(&applicable.population.eval(when)?);
        }
        let mut met = Bits::zeros(len);
        let mut controls = Vec::new();
        for (c, control) in rules.controls.iter().enumerate() {
            if control.satisfies.contains(&reference) || control.via_mappings.contains(&reference) {
                met.or(&holding[c]);
                controls.push(control.name.as_str());
            }
        }
        met.and(&needed);
        let standard = standards
            .entry(clause.standard.as_str())
            .or_insert_with(|| StandardReport {
                standard: clause.standard.clone(),
                clauses: 0,
                needed: 0,
                met: 0,
            });
        standard.clauses += 1;
        standard.needed += needed.count();
        standard.met += met.count();
        reports.push(ClauseReport {
            clause: reference,
            standard: clause.standard.as_str(),
            family: clause.group.first().map(String::as_str),
            title: clause.title.as_deref(),
            weight: adoption.weight,
            needed_by: needed.count(),
            met_by: met.count(),
            controls,
        });
    }
    // Clause ids in natural order within each standard: V2 before V10.
    reports.sort_by(|a, b| {
        a.standard
            .cmp(b.standard)
            .then_with(|| crate::clause_id::natural_cmp(&a.clause, &b.clause))
    });
    Ok((reports, standards.into_values().collect()))
}

/// Why a control (or one of its obligations) named by evidence is not in the rule set.
fn unknown_target(
    controls: &BTreeMap<&str, &Control>,
    control: &str,
    obligation: Option<&str>,
) -> Option<String> {
    match controls.get(control) {
        None => Some(format!("unknown control `{control}`")),
        Some(found) => obligation
            .filter(|o| !found.obligations.iter().any(|ob| ob.name == *o))
            .map(|o| format!("control `{control}` has no obligation `{o}`")),
    }
}

/// One piece of evidence about an obligation, from a record or a scanner run.
struct Observation<'a> {
    collected: When,
    pass: bool,
    origin: &'a str,
    expires: Option<When>,
    detail: Option<String>,
}

impl<'a> Observation<'a> {
    fn of_record(e: &'a Evidence) -> Observation<'a> {
        Observation {
            collected: e.collected,
            pass: e.outcome == Outcome::Pass,
            origin: e.origin.as_str(),
            expires: e.expires,
            detail: e.detail.clone(),
        }
    }
}

/// Evidence records of one subject (app or archetype), by control, with their index in
/// the evidence set.
type Records<'a> = BTreeMap<&'a str, Vec<(usize, &'a Evidence)>>;

/// The evidence and waivers of one app.
struct AppEvidence<'a> {
    records: Records<'a>,
    findings: Vec<(usize, &'a Finding)>,
    scans: Vec<(usize, &'a ScanRun)>,
    waivers: Vec<&'a Waiver>,
    code: BTreeMap<&'a str, Vec<&'a CodeTag>>,
}

/// Evidence grouped for lookup, with what each record was used for: records used by no
/// item are reported as unmatched.
struct EvidenceIndex<'a> {
    apps: BTreeMap<&'a str, Records<'a>>,
    platforms: BTreeMap<&'a str, Records<'a>>,
    findings: BTreeMap<&'a str, Vec<(usize, &'a Finding)>>,
    scans: BTreeMap<&'a str, Vec<(usize, &'a ScanRun)>>,
    waivers: BTreeMap<&'a str, Vec<&'a Waiver>>,
    code: BTreeMap<&'a str, BTreeMap<&'a str, Vec<&'a CodeTag>>>,
    all_scans: &'a [ScanRun],
    used_records: BTreeSet<usize>,
    used_findings: BTreeSet<usize>,
    used_scans: BTreeSet<usize>,
    unknown: Vec<Unmatched>,
    /// Read, and about something the rule set knows, but not counted: collected after the
    /// evaluation date, or beaten by a record of the same time.
    not_counted: BTreeSet<(String, String)>,
}

/// Why evidence from after the evaluation date does not count.
fn future(what: &str, when: When, at: Date) -> String {
    format!("{what} {when}, after the evaluation date {at}: not counted for {at}")
}

impl<'a> EvidenceIndex<'a> {
    fn new(
        rules: &'a RuleSet,
        set: &'a EvidenceSet,
        scans: &'a [ScanRun],
        at: Date,
    ) -> EvidenceIndex<'a> {
        let apps: BTreeSet<&str> = rules.apps.iter().map(|a| a.name.as_str()).collect();
        let archetypes: BTreeSet<&str> = rules.archetypes.iter().map(|a| a.name.as_str()).collect();
        let controls: BTreeMap<&str, &Control> = rules
            .controls
            .iter()
            .map(|c| (c.name.as_str(), c))
            .collect();
        let mut index = EvidenceIndex {
            apps: BTreeMap::new(),
            platforms: BTreeMap::new(),
            findings: BTreeMap::new(),
            scans: BTreeMap::new(),
            waivers: BTreeMap::new(),
            code: BTreeMap::new(),
            all_scans: scans,
            used_records: BTreeSet::new(),
            used_findings: BTreeSet::new(),
            used_scans: BTreeSet::new(),
            unknown: Vec::new(),
            not_counted: BTreeSet::new(),
        };
        for waiver in &rules.waivers {
            index
                .waivers
                .entry(waiver.app.as_str())
                .or_default()
                .push(waiver);
        }
        for (i, evidence) in set.evidence.iter().enumerate() {
            let problem = match &evidence.subject {
                Subject::App(app) if !apps.contains(app.as_str()) => {
                    Some(format!("unknown app `{app}`"))
                }
                Subject::Archetype(a) if !archetypes.contains(a.as_str()) => {
                    Some(format!("unknown archetype `{a}`"))
                }
                _ => unknown_target(&controls, &evidence.control, evidence.obligation.as_deref()),
            };
            if let Some(reason) = problem {
                index.unknown.push(Unmatched {
                    origin: evidence.origin.clone(),
                    reason,
                });
                continue;
            }
            if evidence.collected.after(at) {
                index.not_counted.insert((
                    evidence.origin.clone(),
                    future("collected", evidence.collected, at),
                ));
                continue;
            }
            let (map, subject) = match &evidence.subject {
                Subject::App(app) => (&mut index.apps, app.as_str()),
                Subject::Archetype(archetype) => (&mut index.platforms, archetype.as_str()),
            };
            map.entry(subject)
                .or_default()
                .entry(evidence.control.as_str())
                .or_default()
                .push((i, evidence));
        }
        for tag in &set.code {
            let problem = if !apps.contains(tag.app.as_str()) {
                Some(format!("unknown app `{}`", tag.app))
            } else {
                unknown_target(&controls, &tag.control, tag.obligation.as_deref())
            };
            match problem {
                Some(reason) => index.unknown.push(Unmatched {
                    origin: tag.origin.clone(),
                    reason,
                }),
                None => index
                    .code
                    .entry(tag.app.as_str())
                    .or_default()
                    .entry(tag.control.as_str())
                    .or_default()
                    .push(tag),
            }
        }
        for (i, finding) in set.findings.iter().enumerate() {
            if !apps.contains(finding.app.as_str()) {
                index.unknown.push(Unmatched {
                    origin: finding.origin.clone(),
                    reason: format!("unknown app `{}`", finding.app),
                });
            } else if finding.first_seen.after(at) {
                index.not_counted.insert((
                    finding.origin.clone(),
                    future("first seen", finding.first_seen, at),
                ));
            } else {
                index
                    .findings
                    .entry(finding.app.as_str())
                    .or_default()
                    .push((i, finding));
            }
        }
        for (i, run) in scans.iter().enumerate() {
            if !apps.contains(run.app.as_str()) {
                index.unknown.push(Unmatched {
                    origin: run.origin.clone(),
                    reason: format!("unknown app `{}`", run.app),
                });
            } else if run.collected.after(at) {
                index
                    .not_counted
                    .insert((run.origin.clone(), future("run at", run.collected, at)));
                // Reported here, so not again as matching nothing.
                index.used_scans.insert(i);
            } else {
                index
                    .scans
                    .entry(run.app.as_str())
                    .or_default()
                    .push((i, run));
            }
        }
        index
    }

    /// What concerns one app, looked up once for all its items.
    fn for_app(&self, app: &str) -> AppEvidence<'a> {
        AppEvidence {
            records: self.apps.get(app).cloned().unwrap_or_default(),
            findings: self.findings.get(app).cloned().unwrap_or_default(),
            scans: self.scans.get(app).cloned().unwrap_or_default(),
            waivers: self.waivers.get(app).cloned().unwrap_or_default(),
            code: self.code.get(app).cloned().unwrap_or_default(),
        }
    }

    /// The records about an obligation (or its whole control), marked as used.
    fn records_for(
        &mut self,
        records: Option<&Records<'a>>,
        control: &str,
        obligation: &str,
    ) -> Vec<Observation<'a>> {
        let mut out = Vec::new();
        for &(i, e) in records.and_then(|r| r.get(control)).into_iter().flatten() {
            if e.obligation.as_deref().is_none_or(|o| o == obligation) {
                self.used_records.insert(i);
                out.push(Observation::of_record(e));
            }
        }
        out
    }

    /// The observation that decides: the latest. On a tie, a failure wins over a pass (a
    /// failing check is never outvoted by a passing one of the same moment), then the
    /// first by origin; the others of that moment are reported as not counted.
    fn latest(&mut self, observations: Vec<Observation<'a>>) -> Option<Observation<'a>> {
        let newest = observations.iter().map(|o| o.collected.instant()).max()?;
        let mut tied: Vec<Observation<'a>> = observations
            .into_iter()
            .filter(|o| o.collected.instant() == newest)
            .collect();
        tied.sort_by(|a, b| {
            a.pass
                .cmp(&b.pass)
                .then_with(|| crate::clause_id::natural_cmp(a.origin, b.origin))
        });
        let mut tied = tied.into_iter();
        let chosen = tied.next()?;
        for other in tied {
            let reason = if other.pass == chosen.pass {
                format!(
                    "a duplicate of {}: same time ({}) and outcome",
                    chosen.origin, chosen.collected
                )
            } else {
                format!(
                    "passes, but {} fails at the same time ({}): a failure wins a tie",
                    chosen.origin, chosen.collected
                )
            };
            self.not_counted.insert((other.origin.to_string(), reason));
        }
        Some(chosen)
    }

    /// Sets an item's status from, in order: platform provision, waivers, open findings,
    /// and the latest evidence (records or scanner runs).
    fn judge(&mut self, item: &mut Item<'a>, app: &AppEvidence<'a>, at: Date) {
        let control = item.control;
        let obligation = &control.obligations[item.obligation];
        if let Some(provider) = item.provided_by {
            // The platform's evidence decides, judged as an app's own would be.
            let platform = self.platforms.get(provider).cloned();
            let seen = self.records_for(platform.as_ref(), &control.name, &obligation.name);
            let latest = self.latest(seen);
            settle(item, latest, at, Some(provider));
            return;
        }
        let records = self.records_for(Some(&app.records), &control.name, &obligation.name);
        if let Some(waiver) = app.waivers.iter().find(|w| {
            w.control == control.name && w.obligation.as_ref().is_none_or(|o| *o == obligation.name)
        }) {
            item.waiver = Some(waiver);
            let expires = waiver.expires.as_deref().and_then(Date::parse);
            item.due = expires;
            if expires.is_some_and(|e| e >= at) {
                item.status = Status::Waived;
            } else {
                item.status = Status::WaiverExpired;
                item.detail = Some(format!("waiver `{}` expired", waiver.name));
            }
            return;
        }
        // Open findings from the scans that verify this obligation.
        let scanned_by = |tool: &str| {
            obligation
                .verify
                .iter()
                .any(|v| v.kind == "scan" && v.subject.as_deref() == Some(tool))
        };
        let mut open: Vec<(Date, &'a Finding)> = Vec::new();
        for &(i, finding) in &app.findings {
            let relevant = match &finding.control {
                Some(named) => *named == control.name,
                None => finding.tool.as_deref().is_some_and(scanned_by),
            };
            let (true, Some(due)) = (relevant, finding_due(control, finding, at)) else {
                continue;
            };
            self.used_findings.insert(i);
            if finding.fixed.is_some_and(|fixed| !fixed.after(at)) {
                continue;
            }
            open.push((due, finding));
        }
        if !open.is_empty() {
            open.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
            item.due = Some(open[0].0);
            item.evidence
                .extend(open.iter().map(|(_, f)| f.origin.as_str()));
            let overdue: Vec<String> = open
                .iter()
                .filter(|(due, _)| *due < at)
                .map(|(_, f)| format!("{} ({}, first seen {})", f.id, f.severity, f.first_seen))
                .collect();
            if overdue.is_empty() {
                item.status = Status::Unmet;
                item.detail = Some(format!(
                    "{} open finding(s), first due {}",
                    open.len(),
                    open[0].0
                ));
            } else {
                item.status = Status::Overdue;
                item.detail = Some(format!(
                    "past its remediation window: {}",
                    overdue.join(", ")
                ));
            }
            item.findings = open;
            return;
        }
        // The records and the scanner runs that verify it: the latest decides.
        let mut seen = records;
        for &(i, run) in &app.scans {
            let Some(verify) = obligation
                .verify
                .iter()
                .find(|v| v.kind == "scan" && v.subject.as_deref() == Some(run.tool.as_str()))
            else {
                continue;
            };
            self.used_scans.insert(i);
            let failing: Vec<&str> = run
                .failing_rules
                .iter()
                .filter(|r| verify.rules.is_empty() || verify.rules.contains(r))
                .map(String::as_str)
                .collect();
            let (pass, detail) = match &run.failure {
                Some(why) => (
                    false,
                    Some(format!("scan `{}` is not a pass: {why}", run.tool)),
                ),
                None if failing.is_empty() => (true, None),
                None => (
                    false,
                    Some(format!("failing rules: {}", failing.join(", "))),
                ),
            };
            seen.push(Observation {
                collected: run.collected,
                pass,
                origin: run.origin.as_str(),
                expires: None,
                detail,
            });
        }
        let latest = self.latest(seen);
        settle(item, latest, at, None);
    }

    /// Records that named something unknown, and those that named known apps but matched
    /// no obligation they must meet.
    fn unmatched(mut self, rules: &RuleSet) -> (Vec<Unmatched>, Vec<Unmatched>) {
        let mut out = std::mem::take(&mut self.unknown);
        for records in self.platforms.values() {
            for &(i, record) in records.values().flatten() {
                if self.used_records.contains(&i) {
                    continue;
                }
                let Subject::Archetype(archetype) = &record.subject else {
                    continue;
                };
                let provides = rules
                    .archetypes
                    .iter()
                    .any(|a| a.provides.get(&record.control) == Some(archetype));
                out.push(Unmatched {
                    origin: record.origin.clone(),
                    reason: if provides {
                        format!(
                            "no app evaluated gets control `{}` from archetype `{archetype}`",
                            record.control
                        )
                    } else {
                        format!(
                            "archetype `{archetype}` does not provide control `{}`",
                            record.control
                        )
                    },
                });
            }
        }
        for (i, run) in self.all_scans.iter().enumerate() {
            if !self.used_scans.contains(&i) && rules.apps.iter().any(|a| a.name == run.app) {
                out.push(Unmatched {
                    origin: run.origin.clone(),
                    reason: format!(
                        "no obligation that app `{}` must meet is verified by scan `{}`",
                        run.app, run.tool
                    ),
                });
            }
        }
        for &(i, finding) in self.findings.values().flatten() {
            if !self.used_findings.contains(&i) {
                out.push(Unmatched {
                    origin: finding.origin.clone(),
                    reason: format!(
                        "finding `{}` matches no obligation of app `{}` verified by a scan with a remediation window{}",
                        finding.id,
                        finding.app,
                        finding.tool.as_ref().map(|t| format!(" (tool `{t}`)")).unwrap_or_default()
                    ),
                });
            }
        }
        let by_origin = |a: &Unmatched, b: &Unmatched| {
            crate::clause_id::natural_cmp(&a.origin, &b.origin)
                .then_with(|| a.reason.cmp(&b.reason))
        };
        out.sort_by(by_origin);
        let mut not_counted: Vec<Unmatched> = self
            .not_counted
            .into_iter()
            .map(|(origin, reason)| Unmatched { origin, reason })
            .collect();
        not_counted.sort_by(by_origin);
        (out, not_counted)
    }
}

/// An item's status from the observation that decides it, the same for an app's own
/// evidence and, for a control the platform provides (`platform`), the platform's.
fn settle<'a>(
    item: &mut Item<'a>,
    latest: Option<Observation<'a>>,
    at: Date,
    platform: Option<&str>,
) {
    let named = |text: String| match platform {
        Some(provider) => format!("provided by archetype `{provider}`: {text}"),
        None => text,
    };
    let Some(seen) = latest else {
        item.status = Status::Unmet;
        item.detail = Some(named(
            if platform.is_some() {
                "no platform evidence"
            } else {
                "no evidence"
            }
            .to_string(),
        ));
        return;
    };
    item.evidence.push(seen.origin);
    if !seen.pass {
        let due = item.control.due_days.map(|d| {
            Date::from_days_since_epoch(seen.collected.date().days_since_epoch() + i64::from(d))
        });
        item.due = due;
        item.status = if due.is_some_and(|d| d < at) {
            Status::Overdue
        } else {
            Status::Unmet
        };
        item.detail = match (platform, seen.detail) {
            (None, detail) => detail,
            (Some(_), None) => Some(named("the platform's evidence fails".to_string())),
            (Some(_), Some(detail)) => {
                Some(named(format!("the platform's evidence fails: {detail}")))
            }
        };
    } else if let Some(expired) = seen.expires.filter(|e| e.expired_by(at)) {
        item.status = Status::Stale;
        let whose = if platform.is_some() {
            "platform evidence"
        } else {
            "evidence"
        };
        item.detail = Some(named(format!("{whose} expired on {expired}")));
    } else if platform.is_some() {
        item.status = Status::Provided;
        item.expires = seen.expires;
    } else {
        item.status = Status::Met;
        item.expires = seen.expires;
        item.detail = seen.detail;
    }
}

/// When an open finding must be fixed: its own due date (a CISA KEV entry's) when it has
/// one, else the day it was opened by `at` (first seen, or reopened) plus the control's window for
/// its severity (or the control's `due`); `None` when none of these is set.
pub fn finding_due(control: &Control, finding: &Finding, at: Date) -> Option<Date> {
    if let Some(due) = finding.due {
        return Some(due.date());
    }
    let window = control
        .remediation
        .get(&finding.severity)
        .copied()
        .or(control.due_days)?;
    Some(Date::from_days_since_epoch(
        finding.opened_by(at).date().days_since_epoch() + i64::from(window),
    ))
}
