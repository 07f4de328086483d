//! The rule set: one self-contained, versioned document with everything evaluation needs.
//! docs/ruleset.schema.json describes it; `SCHEMA_VERSION` changes with any incompatible
//! change. Every element carries `source`, `file:line:column` of its definition.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const SCHEMA_NAME: &str = "polic-ruleset";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub schema: String,
    pub version: u32,
    pub policy: Option<PolicyInfo>,
    pub risk: Option<RiskModel>,
    pub facts: Vec<Fact>,
    /// Every clause of every standard in scope, adopted or not, in standard then id order.
    pub clauses: Vec<Clause>,
    pub mappings: Vec<Mapping>,
    pub archetypes: Vec<Archetype>,
    pub controls: Vec<Control>,
    pub apps: Vec<App>,
    pub waivers: Vec<Waiver>,
    pub tests: Vec<Test>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyInfo {
    pub name: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskModel {
    pub name: String,
    /// Level names and values, lowest first.
    pub levels: Vec<Level>,
    pub default: u32,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    pub value: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    Enum,
    Set,
    Bool,
    Int,
    String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub name: String,
    pub kind: FactKind,
    /// The enum values of an enum or set fact, in their declared (and ordering) order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    pub default: Option<Value>,
    pub source: String,
}

/// A fact value as written: enum values by name, sets as lists of names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Name(String),
    Set(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub standard: String,
    pub standard_title: Option<String>,
    /// The id as the standard spells it.
    pub id: String,
    pub title: Option<String>,
    /// Group path within the standard.
    pub group: Vec<String>,
    pub withdrawn: bool,
    /// Present when the policy adopts the clause.
    pub adopted: Option<Adoption>,
    pub source: String,
}

impl Clause {
    /// `standard#id`, as references are written.
    pub fn reference(&self) -> String {
        format!("{}#{}", self.standard, self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    /// The clause's resolved weight under the policy's risk model.
    pub weight: u32,
    /// Conditions under which an app needs the clause; empty means every app.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub from: String,
    pub to: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archetype {
    pub name: String,
    pub title: Option<String>,
    pub extends: Vec<String>,
    /// Itself and every archetype it extends, nearest first.
    pub lineage: Vec<String>,
    /// Facts it fixes, inherited ones included.
    pub facts: BTreeMap<String, Value>,
    /// Controls the platform meets for every app of this archetype, and who provides each.
    pub provides: BTreeMap<String, String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub name: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    /// Clauses satisfied directly (`standard#id`).
    pub satisfies: Vec<String>,
    /// Clauses satisfied through a mapping from one of `satisfies`.
    pub via_mappings: Vec<String>,
    pub applies: Vec<Applies>,
    pub phase: Option<String>,
    pub due_days: Option<u32>,
    /// Days to remediate a finding, by severity.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub remediation: BTreeMap<String, u32>,
    pub obligations: Vec<Obligation>,
    /// Delivery and remediation metrics the control holds its apps to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<MetricTarget>,
    /// The highest weight among the adopted clauses it satisfies (directly or mapped).
    pub weight: u32,
    pub source: String,
}

/// `target time-to-patch p90 <= 15d over 90d severity critical`, checked by the compiler
/// against metrics/catalog.rs: the value is in the statistic's unit (`unit`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricTarget {
    pub metric: String,
    pub statistic: String,
    /// `<`, `<=`, `>` or `>=`.
    pub op: String,
    pub value: u64,
    /// `hours`, `percent`, `per-week` or `count`.
    pub unit: String,
    pub window_days: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applies {
    pub archetypes: Vec<String>,
    pub when: Option<Condition>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub name: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    pub verify: Vec<Verify>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    pub kind: String,
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// A typed condition over facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Condition {
    Const {
        value: bool,
    },
    /// A bool fact.
    Bool {
        fact: String,
    },
    Eq {
        fact: String,
        value: Value,
    },
    Ne {
        fact: String,
        value: Value,
    },
    Lt {
        fact: String,
        value: Value,
    },
    Le {
        fact: String,
        value: Value,
    },
    Gt {
        fact: String,
        value: Value,
    },
    Ge {
        fact: String,
        value: Value,
    },
    /// An enum fact's value is one of `values`.
    In {
        fact: String,
        values: Vec<String>,
    },
    /// A set fact contains every one of `values`.
    Has {
        fact: String,
        values: Vec<String>,
    },
    Not {
        arg: Box<Condition>,
    },
    And {
        args: Vec<Condition>,
    },
    Or {
        args: Vec<Condition>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub name: String,
    pub title: Option<String>,
    pub archetypes: Vec<String>,
    /// What the app itself states (defaults and archetype facts are applied on evaluation).
    pub facts: BTreeMap<String, Value>,
    pub owner: Option<String>,
    pub unit: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub name: String,
    pub app: String,
    pub control: String,
    /// When set, only this obligation of the control is waived.
    pub obligation: Option<String>,
    pub reason: Option<String>,
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    /// `YYYY-MM-DD`; the waiver holds through this day.
    pub expires: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Test {
    pub name: String,
    pub app: TestApp,
    pub expect: Vec<Expectation>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum TestApp {
    /// A declared app, by name.
    Named(String),
    Inline {
        archetypes: Vec<String>,
        facts: BTreeMap<String, Value>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub control: String,
    pub required: bool,
    pub source: String,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Name(n) => f.write_str(n),
            Value::Set(items) => write!(f, "{{{}}}", items.join(", ")),
        }
    }
}

/// Conditions print in polic's own syntax, for traces and test failures.
impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Operands of `and`/`or` that are themselves `or`/`and` get parentheses.
        let operand = |c: &Condition, parent_and: bool| match c {
            Condition::Or { .. } if parent_and => format!("({c})"),
            Condition::And { .. } if !parent_and => format!("({c})"),
            _ => c.to_string(),
        };
        match self {
            Condition::Const { value } => write!(f, "{value}"),
            Condition::Bool { fact } => f.write_str(fact),
            Condition::Eq { fact, value } => write!(f, "{fact} == {value}"),
            Condition::Ne { fact, value } => write!(f, "{fact} != {value}"),
            Condition::Lt { fact, value } => write!(f, "{fact} < {value}"),
            Condition::Le { fact, value } => write!(f, "{fact} <= {value}"),
            Condition::Gt { fact, value } => write!(f, "{fact} > {value}"),
            Condition::Ge { fact, value } => write!(f, "{fact} >= {value}"),
            Condition::In { fact, values } => write!(f, "{fact} in {{{}}}", values.join(", ")),
            Condition::Has { fact, values } => match values.as_slice() {
                [one] => write!(f, "{one} in {fact}"),
                _ => write!(f, "{{{}}} in {fact}", values.join(", ")),
            },
            Condition::Not { arg } => match arg.as_ref() {
                Condition::And { .. } | Condition::Or { .. } => write!(f, "not ({arg})"),
                _ => write!(f, "not {arg}"),
            },
            Condition::And { args } => {
                let parts: Vec<String> = args.iter().map(|a| operand(a, true)).collect();
                f.write_str(&parts.join(" and "))
            }
            Condition::Or { args } => {
                let parts: Vec<String> = args.iter().map(|a| operand(a, false)).collect();
                f.write_str(&parts.join(" or "))
            }
        }
    }
}

impl std::fmt::Display for Applies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "applies-to {}", self.archetypes.join(", "))?;
        if let Some(when) = &self.when {
            write!(f, " when {when}")?;
        }
        Ok(())
    }
}

/// A rule set that cannot be evaluated as it is: where (a JSON path) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl RuleSet {
    /// The largest criticality rank an app can have: the number of values of the
    /// `criticality` enum fact, 1 without one.
    pub fn max_rank(&self) -> u32 {
        self.facts
            .iter()
            .find(|f| f.name == "criticality" && f.kind == FactKind::Enum)
            .map_or(1, |f| {
                u32::try_from(f.values.len()).unwrap_or(u32::MAX).max(1)
            })
    }

    /// Checks what evaluation relies on and a rule set read from JSON may break: weights
    /// small enough that `weight × criticality rank` fits in 32 bits, every name a control,
    /// app, archetype, waiver, mapping or test refers to defined, and controls and apps
    /// listed once each, by name.
    pub fn validate(&self) -> Result<(), Vec<Invalid>> {
        let mut problems = Vec::new();
        let mut invalid = |path: String, message: String, help: Option<String>| {
            problems.push(Invalid {
                path,
                message,
                help,
            })
        };
        let clauses: std::collections::BTreeSet<String> =
            self.clauses.iter().map(Clause::reference).collect();
        let archetypes: Vec<&str> = self.archetypes.iter().map(|a| a.name.as_str()).collect();
        let controls: Vec<&str> = self.controls.iter().map(|c| c.name.as_str()).collect();
        let apps: Vec<&str> = self.apps.iter().map(|a| a.name.as_str()).collect();
        let did_you_mean = |name: &str, known: &[&str]| {
            polic_diagnostics::suggest::closest(name, known.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
        };
        // Evaluation orders items by index, relying on name order.
        for (what, names) in [("controls", &controls), ("apps", &apps)] {
            for (i, pair) in names.windows(2).enumerate() {
                if pair[0] >= pair[1] {
                    invalid(
                        format!("$.{what}[{}].name", i + 1),
                        format!(
                            "{what} must be listed once each, by name: `{}` comes after `{}`",
                            pair[1], pair[0]
                        ),
                        Some("rebuild the rule set with `polic build`".to_string()),
                    );
                }
            }
        }
        let max_rank = self.max_rank();
        let limit = u32::MAX / max_rank;
        for (c, control) in self.controls.iter().enumerate() {
            if control.weight > limit {
                invalid(
                    format!("$.controls[{c}].weight"),
                    format!(
                        "weight {} of control `{}` is out of range: at most {limit}, so that weight × criticality rank (up to {max_rank}) fits in 32 bits",
                        control.weight, control.name
                    ),
                    Some("lower the risk model's level values".to_string()),
                );
            }
            for (field, list) in [
                ("satisfies", &control.satisfies),
                ("via_mappings", &control.via_mappings),
            ] {
                for (i, reference) in list.iter().enumerate() {
                    if !clauses.contains(reference) {
                        invalid(
                            format!("$.controls[{c}].{field}[{i}]"),
                            format!(
                                "control `{}` names clause `{reference}`, which the rule set does not define",
                                control.name
                            ),
                            None,
                        );
                    }
                }
            }
            for (l, applies) in control.applies.iter().enumerate() {
                for (i, name) in applies.archetypes.iter().enumerate() {
                    if !archetypes.contains(&name.as_str()) {
                        invalid(
                            format!("$.controls[{c}].applies[{l}].archetypes[{i}]"),
                            format!(
                                "control `{}` applies to unknown archetype `{name}`",
                                control.name
                            ),
                            did_you_mean(name, &archetypes),
                        );
                    }
                }
            }
            let mut obligations: Vec<&str> = control
                .obligations
                .iter()
                .map(|o| o.name.as_str())
                .collect();
            obligations.sort_unstable();
            if let Some(pair) = obligations.windows(2).find(|p| p[0] == p[1]) {
                invalid(
                    format!("$.controls[{c}].obligations"),
                    format!(
                        "control `{}` has two obligations `{}`",
                        control.name, pair[0]
                    ),
                    None,
                );
            }
        }
        for (m, mapping) in self.mappings.iter().enumerate() {
            for (field, reference) in [("from", &mapping.from), ("to", &mapping.to)] {
                if !clauses.contains(reference) {
                    invalid(
                        format!("$.mappings[{m}].{field}"),
                        format!(
                            "mapping names clause `{reference}`, which the rule set does not define"
                        ),
                        None,
                    );
                }
            }
        }
        for (a, archetype) in self.archetypes.iter().enumerate() {
            for (field, list) in [
                ("extends", &archetype.extends),
                ("lineage", &archetype.lineage),
            ] {
                for (i, name) in list.iter().enumerate() {
                    if !archetypes.contains(&name.as_str()) {
                        invalid(
                            format!("$.archetypes[{a}].{field}[{i}]"),
                            format!(
                                "archetype `{}` names unknown archetype `{name}`",
                                archetype.name
                            ),
                            did_you_mean(name, &archetypes),
                        );
                    }
                }
            }
            for (control, provider) in &archetype.provides {
                if !controls.contains(&control.as_str()) {
                    invalid(
                        format!("$.archetypes[{a}].provides.{control}"),
                        format!(
                            "archetype `{}` provides unknown control `{control}`",
                            archetype.name
                        ),
                        did_you_mean(control, &controls),
                    );
                }
                if !archetypes.contains(&provider.as_str()) {
                    invalid(
                        format!("$.archetypes[{a}].provides.{control}"),
                        format!(
                            "archetype `{}` has control `{control}` provided by unknown archetype `{provider}`",
                            archetype.name
                        ),
                        did_you_mean(provider, &archetypes),
                    );
                }
            }
        }
        for (a, app) in self.apps.iter().enumerate() {
            for (i, name) in app.archetypes.iter().enumerate() {
                if !archetypes.contains(&name.as_str()) {
                    invalid(
                        format!("$.apps[{a}].archetypes[{i}]"),
                        format!("app `{}` has unknown archetype `{name}`", app.name),
                        did_you_mean(name, &archetypes),
                    );
                }
            }
        }
        for (w, waiver) in self.waivers.iter().enumerate() {
            if !apps.contains(&waiver.app.as_str()) {
                invalid(
                    format!("$.waivers[{w}].app"),
                    format!(
                        "waiver `{}` is for unknown app `{}`",
                        waiver.name, waiver.app
                    ),
                    did_you_mean(&waiver.app, &apps),
                );
            }
            match self.controls.iter().find(|c| c.name == waiver.control) {
                None => invalid(
                    format!("$.waivers[{w}].control"),
                    format!(
                        "waiver `{}` is on unknown control `{}`",
                        waiver.name, waiver.control
                    ),
                    did_you_mean(&waiver.control, &controls),
                ),
                Some(control) => {
                    if let Some(obligation) = waiver
                        .obligation
                        .as_ref()
                        .filter(|o| !control.obligations.iter().any(|ob| ob.name == **o))
                    {
                        invalid(
                            format!("$.waivers[{w}].obligation"),
                            format!(
                                "waiver `{}` is on obligation `{obligation}`, which control `{}` does not have",
                                waiver.name, control.name
                            ),
                            None,
                        );
                    }
                }
            }
            if let Some(expires) = waiver
                .expires
                .as_ref()
                .filter(|e| polic_syntax::ast::Date::parse(e).is_none())
            {
                invalid(
                    format!("$.waivers[{w}].expires"),
                    format!(
                        "waiver `{}` expires on `{expires}`, which is not a date",
                        waiver.name
                    ),
                    Some("write YYYY-MM-DD".to_string()),
                );
            }
        }
        for (t, test) in self.tests.iter().enumerate() {
            if let TestApp::Named(app) = &test.app
                && !apps.contains(&app.as_str())
            {
                invalid(
                    format!("$.tests[{t}].app"),
                    format!("test `{}` names unknown app `{app}`", test.name),
                    did_you_mean(app, &apps),
                );
            }
            for (e, expectation) in test.expect.iter().enumerate() {
                if !controls.contains(&expectation.control.as_str()) {
                    invalid(
                        format!("$.tests[{t}].expect[{e}].control"),
                        format!(
                            "test `{}` names unknown control `{}`",
                            test.name, expectation.control
                        ),
                        did_you_mean(&expectation.control, &controls),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}
