//! The peer: a rule set's applicability written as Rego, the way a competent Rego author
//! would, for benchmarks against `regorus` (a Rego interpreter). Three shapes:
//!
//! - `per_app`: `data.polic.required` is the set of controls the one app in `input.app`
//!   must meet; evaluated once per app.
//! - `batch`: `data.polic.required` is the set of `[app, control]` pairs for all the apps
//!   in `input.apps`, in one evaluation (no per-query overhead).
//! - `data`: as `batch`, but the policy is one generic rule and the controls are data
//!   (`data.applicability`, see [`data`]): what an author maintaining many controls
//!   writes, so that adding a control is a data change.
//!
//! In the first two, conditions become one function per node (`nK(app)`), `or` as several
//! definitions, `not` as negation. An absent fact makes a comparison undefined, hence
//! false, as in polic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::json;

use polic_ruleset::RuleSet;
use polic_ruleset::schema::{Condition, FactKind, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    PerApp,
    Batch,
    Data,
}

impl Shape {
    pub const ALL: [Shape; 3] = [Shape::PerApp, Shape::Batch, Shape::Data];

    pub fn name(self) -> &'static str {
        match self {
            Shape::PerApp => "per_app",
            Shape::Batch => "batch",
            Shape::Data => "data",
        }
    }
}

struct Writer<'r> {
    rules: &'r RuleSet,
    out: String,
    next: usize,
}

fn json(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Name(s) => format!("{s:?}"),
        Value::Set(items) => format!(
            "{{{}}}",
            items
                .iter()
                .map(|i| format!("{i:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn is_enum(rules: &RuleSet, fact: &str) -> bool {
    rules
        .facts
        .iter()
        .any(|f| f.name == fact && f.kind == FactKind::Enum)
}

/// An enum fact's values, in order.
fn enum_values<'r>(rules: &'r RuleSet, fact: &str) -> &'r [String] {
    rules
        .facts
        .iter()
        .find(|f| f.name == fact)
        .map(|f| f.values.as_slice())
        .unwrap_or_default()
}

fn rank(rules: &RuleSet, fact: &str, value: &Value) -> usize {
    match value {
        Value::Name(v) => enum_values(rules, fact)
            .iter()
            .position(|x| x == v)
            .unwrap_or(0),
        _ => 0,
    }
}

impl Writer<'_> {
    /// Writes the functions for a condition; returns the name of its root.
    fn condition(&mut self, condition: &Condition) -> String {
        let name = format!("n{}", self.next);
        self.next += 1;
        let compare = |w: &Self, fact: &str, op: &str, value: &Value| -> String {
            if is_enum(w.rules, fact) && op != "==" && op != "!=" {
                format!(
                    "rank_{}[app.facts[{fact:?}]] {op} {}",
                    fact.replace('-', "_"),
                    rank(w.rules, fact, value)
                )
            } else {
                format!("app.facts[{fact:?}] {op} {}", json(value))
            }
        };
        let bodies: Vec<String> = match condition {
            Condition::Const { value } => vec![value.to_string()],
            Condition::Bool { fact } => vec![format!("app.facts[{fact:?}] == true")],
            Condition::Eq { fact, value } => vec![compare(self, fact, "==", value)],
            Condition::Ne { fact, value } => vec![compare(self, fact, "!=", value)],
            Condition::Lt { fact, value } => vec![compare(self, fact, "<", value)],
            Condition::Le { fact, value } => vec![compare(self, fact, "<=", value)],
            Condition::Gt { fact, value } => vec![compare(self, fact, ">", value)],
            Condition::Ge { fact, value } => vec![compare(self, fact, ">=", value)],
            Condition::In { fact, values } => {
                let set: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                vec![format!("app.facts[{fact:?}] in {{{}}}", set.join(", "))]
            }
            Condition::Has { fact, values } => {
                vec![
                    values
                        .iter()
                        .map(|v| format!("{v:?} in app.facts[{fact:?}]"))
                        .collect::<Vec<_>>()
                        .join("\n  "),
                ]
            }
            Condition::Not { arg } => {
                let inner = self.condition(arg);
                vec![format!("not {inner}(app)")]
            }
            Condition::And { args } => {
                let parts: Vec<String> = args
                    .iter()
                    .map(|a| format!("{}(app)", self.condition(a)))
                    .collect();
                vec![parts.join("\n  ")]
            }
            Condition::Or { args } => args
                .iter()
                .map(|a| format!("{}(app)", self.condition(a)))
                .collect(),
        };
        for body in bodies {
            let _ = writeln!(self.out, "{name}(app) if {{\n  {body}\n}}\n");
        }
        name
    }
}

/// The rule set's applicability as a Rego module (`package polic`); the data shape's also
/// needs [`data`].
pub fn policy(rules: &RuleSet, shape: Shape) -> String {
    match shape {
        Shape::PerApp => generated(rules, false),
        Shape::Batch => generated(rules, true),
        Shape::Data => DATA_POLICY.to_string(),
    }
}

/// A rule per control, over one app (`input.app`) or over every app (`input.apps`).
fn generated(rules: &RuleSet, batch: bool) -> String {
    let mut w = Writer {
        rules,
        out: String::from("package polic\n\n"),
        next: 0,
    };
    for fact in rules.facts.iter().filter(|f| f.kind == FactKind::Enum) {
        let ranks: Vec<String> = fact
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{v:?}: {i}"))
            .collect();
        let _ = writeln!(
            w.out,
            "rank_{} := {{{}}}\n",
            fact.name.replace('-', "_"),
            ranks.join(", ")
        );
    }
    let lineage: Vec<String> = rules
        .archetypes
        .iter()
        .map(|a| {
            format!(
                "{:?}: {{{}}}",
                a.name,
                a.lineage
                    .iter()
                    .map(|l| format!("{l:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    let _ = writeln!(w.out, "lineage := {{{}}}\n", lineage.join(", "));
    let _ = writeln!(
        w.out,
        "is_a(app, names) if {{\n  some a in app.archetypes\n  some l in lineage[a]\n  l in names\n}}\n"
    );
    for control in &rules.controls {
        for applies in &control.applies {
            let names: Vec<String> = applies
                .archetypes
                .iter()
                .map(|a| format!("{a:?}"))
                .collect();
            let condition = applies.when.as_ref().map(|c| w.condition(c));
            let test = condition
                .map(|c| format!("\n  {c}(app)"))
                .unwrap_or_default();
            let _ = if batch {
                writeln!(
                    w.out,
                    "required contains [app.name, {:?}] if {{\n  some app in input.apps\n  is_a(app, {{{}}}){test}\n}}\n",
                    control.name,
                    names.join(", ")
                )
            } else {
                writeln!(
                    w.out,
                    "required contains {:?} if {{\n  app := input.app\n  is_a(app, {{{}}}){test}\n}}\n",
                    control.name,
                    names.join(", ")
                )
            };
        }
    }
    w.out
}

/// One app as Rego input: its name, archetypes and effective facts.
pub fn app_input(rules: &RuleSet, index: usize) -> serde_json::Value {
    let app = &rules.apps[index];
    let facts = polic_ruleset::eval::effective_facts(rules, &app.archetypes, &app.facts);
    serde_json::json!({ "name": app.name, "archetypes": app.archetypes, "facts": facts })
}

/// Every app as the batch shape's input (`input.apps`).
pub fn batch_input(rules: &RuleSet) -> String {
    let apps: Vec<serde_json::Value> = (0..rules.apps.len()).map(|a| app_input(rules, a)).collect();
    serde_json::json!({ "apps": apps }).to_string()
}

/// The data shape's policy: one rule interpreting `data.applicability` (see [`data`]).
const DATA_POLICY: &str = r#"package polic

required contains [app.name, rule.control] if {
	some app in input.apps
	some archetype in app.archetypes
	some kind in data.applicability.lineage[archetype]
	some rule in data.applicability.rules[kind]
	some conjunction in rule.when
	every literal in conjunction {
		holds(app.facts, literal)
	}
}

holds(facts, literal) if {
	not literal.negated
	test(facts, literal)
}

holds(facts, literal) if {
	literal.negated
	not test(facts, literal)
}

test(facts, t) if {
	t.op == "=="
	facts[t.fact] == t.value
}

test(facts, t) if {
	t.op == "!="
	facts[t.fact] != t.value
}

test(facts, t) if {
	t.op == "<"
	facts[t.fact] < t.value
}

test(facts, t) if {
	t.op == "<="
	facts[t.fact] <= t.value
}

test(facts, t) if {
	t.op == ">"
	facts[t.fact] > t.value
}

test(facts, t) if {
	t.op == ">="
	facts[t.fact] >= t.value
}

test(facts, t) if {
	t.op == "in"
	facts[t.fact] in t.values
}

test(facts, t) if {
	t.op == "has"
	fact := facts[t.fact]
	every v in t.values {
		v in fact
	}
}
"#;

/// A condition in disjunctive normal form: any of the conjunctions holds when all of its
/// literals do. Rego has no recursion, so a generic rule cannot walk a condition tree; it
/// can interpret this flat form.
type Dnf = Vec<Vec<serde_json::Value>>;

fn dnf(rules: &RuleSet, condition: &Condition, negated: bool) -> Dnf {
    let literal = |op: &str, fact: &str, operand: serde_json::Value| -> Dnf {
        let key = if operand.is_array() {
            "values"
        } else {
            "value"
        };
        vec![vec![
            json!({ "op": op, "fact": fact, key: operand, "negated": negated }),
        ]]
    };
    let compare = |op: &str, fact: &str, value: &Value| -> Dnf {
        if !is_enum(rules, fact) || op == "==" || op == "!=" {
            return literal(op, fact, json!(value));
        }
        // An ordered comparison of an enum is membership in the values ranked so.
        let bound = rank(rules, fact, value);
        let values: Vec<&String> = enum_values(rules, fact)
            .iter()
            .enumerate()
            .filter(|&(i, _)| match op {
                "<" => i < bound,
                "<=" => i <= bound,
                ">" => i > bound,
                _ => i >= bound,
            })
            .map(|(_, v)| v)
            .collect();
        literal("in", fact, json!(values))
    };
    // Under negation `and` distributes like `or` and the other way round (De Morgan).
    let product = |args: &[Condition]| -> Dnf {
        args.iter().fold(vec![Vec::new()], |acc, arg| {
            let alternatives = dnf(rules, arg, negated);
            acc.iter()
                .flat_map(|a| {
                    alternatives
                        .iter()
                        .map(move |b| [a.clone(), b.clone()].concat())
                })
                .collect()
        })
    };
    let union = |args: &[Condition]| -> Dnf {
        args.iter()
            .flat_map(|arg| dnf(rules, arg, negated))
            .collect()
    };
    match condition {
        Condition::Const { value } => {
            if *value != negated {
                vec![Vec::new()]
            } else {
                Vec::new()
            }
        }
        Condition::Bool { fact } => literal("==", fact, json!(true)),
        Condition::Eq { fact, value } => compare("==", fact, value),
        Condition::Ne { fact, value } => compare("!=", fact, value),
        Condition::Lt { fact, value } => compare("<", fact, value),
        Condition::Le { fact, value } => compare("<=", fact, value),
        Condition::Gt { fact, value } => compare(">", fact, value),
        Condition::Ge { fact, value } => compare(">=", fact, value),
        Condition::In { fact, values } => literal("in", fact, json!(values)),
        Condition::Has { fact, values } => literal("has", fact, json!(values)),
        Condition::Not { arg } => dnf(rules, arg, !negated),
        Condition::And { args } if !negated => product(args),
        Condition::Or { args } if negated => product(args),
        Condition::And { args } | Condition::Or { args } => union(args),
    }
}

/// The data shape's data: each archetype's lineage, and for each archetype the controls
/// that apply to it with their conditions.
pub fn data(rules: &RuleSet) -> String {
    let lineage: BTreeMap<&str, &[String]> = rules
        .archetypes
        .iter()
        .map(|a| (a.name.as_str(), a.lineage.as_slice()))
        .collect();
    let mut by_archetype: BTreeMap<&str, Vec<serde_json::Value>> = BTreeMap::new();
    for control in &rules.controls {
        for applies in &control.applies {
            let when = applies
                .when
                .as_ref()
                .map_or_else(|| vec![Vec::new()], |c| dnf(rules, c, false));
            for archetype in &applies.archetypes {
                by_archetype
                    .entry(archetype)
                    .or_default()
                    .push(json!({ "control": control.name, "when": when }));
            }
        }
    }
    json!({ "applicability": { "lineage": lineage, "rules": by_archetype } }).to_string()
}

/// One shape loaded into regorus with its data and inputs, to evaluate repeatedly.
pub struct Peer {
    engine: regorus::Engine,
    shape: Shape,
    /// App names, by index in the rule set.
    names: Vec<String>,
    /// Each app's input, for the per-app shape.
    inputs: Vec<regorus::Value>,
}

impl Peer {
    pub fn new(rules: &RuleSet, shape: Shape) -> Peer {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(format!("{}.rego", shape.name()), policy(rules, shape))
            .expect("valid Rego");
        if shape == Shape::Data {
            engine.add_data_json(&data(rules)).expect("valid data");
        }
        let mut inputs = Vec::new();
        if shape == Shape::PerApp {
            inputs = (0..rules.apps.len())
                .map(|a| {
                    let input = json!({ "app": app_input(rules, a) }).to_string();
                    regorus::Value::from_json_str(&input).expect("input")
                })
                .collect();
        } else {
            engine.set_input_json(&batch_input(rules)).expect("input");
        }
        Peer {
            engine,
            shape,
            names: rules.apps.iter().map(|a| a.name.clone()).collect(),
            inputs,
        }
    }

    /// `data.polic.required`: once for all apps, or once per app in the per-app shape.
    pub fn evaluate(&mut self) -> Vec<regorus::Value> {
        if self.shape != Shape::PerApp {
            return vec![self.required()];
        }
        (0..self.inputs.len())
            .map(|a| {
                self.engine.set_input(self.inputs[a].clone());
                self.required()
            })
            .collect()
    }

    fn required(&mut self) -> regorus::Value {
        self.engine
            .eval_rule("data.polic.required".into())
            .expect("evaluates")
    }

    /// The decisions as (app, control) pairs, to compare with polic's.
    pub fn pairs(&mut self) -> BTreeSet<(String, String)> {
        let results = self.evaluate();
        let mut pairs = BTreeSet::new();
        for (r, result) in results.iter().enumerate() {
            let regorus::Value::Set(items) = result else {
                // An empty result is undefined, not an empty set.
                continue;
            };
            for item in items.iter() {
                match (self.shape, item) {
                    (Shape::PerApp, regorus::Value::String(control)) => {
                        pairs.insert((self.names[r].clone(), control.to_string()));
                    }
                    (_, regorus::Value::Array(pair)) => match pair.as_slice() {
                        [regorus::Value::String(app), regorus::Value::String(control)] => {
                            pairs.insert((app.to_string(), control.to_string()));
                        }
                        other => panic!("expected [app, control], got {other:?}"),
                    },
                    (_, other) => panic!("unexpected result item {other:?}"),
                }
            }
        }
        pairs
    }
}
