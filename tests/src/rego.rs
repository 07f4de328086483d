//! The peer: a rule set's applicability written as Rego, the way a competent Rego author
//! would, for benchmarks against `regorus` (a Rego interpreter). Two shapes:
//!
//! - `per_app`: `data.polic.required` is the set of controls the one app in `input.app`
//!   must meet; evaluated once per app.
//! - `batch`: `data.polic.required` is the set of `[app, control]` pairs for all the apps
//!   in `input.apps`, in one evaluation (the fastest shape: no per-query overhead).
//!
//! Conditions become one function per node (`nK(app)`), `or` as several definitions,
//! `not` as negation; an absent fact makes a comparison undefined, hence false, as in
//! polic.

use std::fmt::Write;

use polic_ruleset::RuleSet;
use polic_ruleset::schema::{Condition, FactKind, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    PerApp,
    Batch,
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

impl Writer<'_> {
    fn is_enum(&self, fact: &str) -> bool {
        self.rules
            .facts
            .iter()
            .any(|f| f.name == fact && f.kind == FactKind::Enum)
    }

    fn rank(&self, fact: &str, value: &Value) -> usize {
        let values = self
            .rules
            .facts
            .iter()
            .find(|f| f.name == fact)
            .map(|f| f.values.as_slice())
            .unwrap_or_default();
        match value {
            Value::Name(v) => values.iter().position(|x| x == v).unwrap_or(0),
            _ => 0,
        }
    }

    /// Writes the functions for a condition; returns the name of its root.
    fn condition(&mut self, condition: &Condition) -> String {
        let name = format!("n{}", self.next);
        self.next += 1;
        let compare = |w: &Self, fact: &str, op: &str, value: &Value| -> String {
            if w.is_enum(fact) && op != "==" && op != "!=" {
                format!(
                    "rank_{}[app.facts[{fact:?}]] {op} {}",
                    fact.replace('-', "_"),
                    w.rank(fact, value)
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

/// The rule set's applicability as a Rego module (`package polic`).
pub fn policy(rules: &RuleSet, shape: Shape) -> String {
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
            let _ = match shape {
                Shape::PerApp => writeln!(
                    w.out,
                    "required contains {:?} if {{\n  app := input.app\n  is_a(app, {{{}}}){test}\n}}\n",
                    control.name,
                    names.join(", ")
                ),
                Shape::Batch => writeln!(
                    w.out,
                    "required contains [app.name, {:?}] if {{\n  some app in input.apps\n  is_a(app, {{{}}}){test}\n}}\n",
                    control.name,
                    names.join(", ")
                ),
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
