//! The decision procedure: conditions over finite fact domains, decided by a backtracking
//! search that assigns one variable at a time and evaluates the partial assignment in
//! three-valued logic, so a branch stops as soon as the condition is decided.
//!
//! Variables: one per scalar fact the condition reads, and one boolean per (set fact,
//! value) it tests, since sets are only read through membership. Each scalar's domain is
//! finite and *representative*: every value an app could state behaves like one of them
//! on this condition (all enum values and booleans; for ints the constants compared with
//! and their neighbours; for strings the constants and one other string), plus "unset"
//! when the fact has no default (a comparison on an unset fact is false, see
//! [`crate::eval`]). A fact an archetype fixes has that one value.

use std::collections::{BTreeMap, BTreeSet};

use crate::hir::{Cond, FactType, FactValue};

/// A fact's type and default, as the schema declares them.
pub type Schema = BTreeMap<String, (FactType, Option<FactValue>)>;

/// A variable of the search.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Var {
    /// A scalar fact: its value, or `None` when unset.
    Fact(String),
    /// Whether a set fact holds one of its values.
    Member(String, u32),
}

/// A value of a variable: `None` is an unset fact; members take booleans.
pub type Val = Option<FactValue>;

/// An assignment of some variables: a witness when the condition holds under it whatever
/// the other variables are.
pub type Assignment = BTreeMap<Var, Val>;

/// The variables of some conditions and their representative values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domains(BTreeMap<Var, Vec<Val>>);

impl Domains {
    /// The domains of every variable `conds` read, under `schema`, with `fixed` facts
    /// (an archetype's) taking only their value.
    pub fn new(schema: &Schema, fixed: &BTreeMap<String, FactValue>, conds: &[&Cond]) -> Domains {
        let mut constants: BTreeMap<String, BTreeSet<FactValue>> = BTreeMap::new();
        let mut members: BTreeSet<(String, u32)> = BTreeSet::new();
        let mut scalars: BTreeSet<String> = BTreeSet::new();
        for cond in conds {
            collect(cond, &mut scalars, &mut constants, &mut members);
        }
        let mut domains = BTreeMap::new();
        for fact in scalars {
            let Some((ty, default)) = schema.get(&fact) else {
                continue;
            };
            let values = match fixed.get(&fact) {
                Some(value) => vec![Some(value.clone())],
                None => {
                    let seen = constants.remove(&fact).unwrap_or_default();
                    let mut values: Vec<Val> =
                        representatives(ty, &seen).into_iter().map(Some).collect();
                    if default.is_none() {
                        values.push(None);
                    }
                    values
                }
            };
            domains.insert(Var::Fact(fact), values);
        }
        for (fact, value) in members {
            let values = match fixed.get(&fact) {
                Some(FactValue::Set(set)) => vec![Some(FactValue::Bool(set.contains(&value)))],
                _ => vec![Some(FactValue::Bool(false)), Some(FactValue::Bool(true))],
            };
            domains.insert(Var::Member(fact, value), values);
        }
        Domains(domains)
    }
}

fn collect(
    cond: &Cond,
    scalars: &mut BTreeSet<String>,
    constants: &mut BTreeMap<String, BTreeSet<FactValue>>,
    members: &mut BTreeSet<(String, u32)>,
) {
    match cond {
        Cond::Const(_) => {}
        Cond::Bool(fact) => {
            scalars.insert(fact.clone());
        }
        Cond::Compare { fact, value, .. } => {
            scalars.insert(fact.clone());
            constants
                .entry(fact.clone())
                .or_default()
                .insert(value.clone());
        }
        Cond::In {
            fact,
            fact_is_set: false,
            ..
        } => {
            scalars.insert(fact.clone());
        }
        Cond::In {
            fact,
            values,
            fact_is_set: true,
        } => members.extend(values.iter().map(|v| (fact.clone(), *v))),
        Cond::Not(inner) => collect(inner, scalars, constants, members),
        Cond::And(a, b) | Cond::Or(a, b) => {
            collect(a, scalars, constants, members);
            collect(b, scalars, constants, members);
        }
    }
}

/// Values such that every value of the type compares with each of `constants` as one of
/// them does.
fn representatives(ty: &FactType, constants: &BTreeSet<FactValue>) -> Vec<FactValue> {
    match ty {
        FactType::Enum(variants) => (0..variants.len() as u32).map(FactValue::Enum).collect(),
        FactType::Bool => vec![FactValue::Bool(false), FactValue::Bool(true)],
        FactType::Int => {
            let mut values: BTreeSet<i64> = BTreeSet::new();
            for constant in constants {
                if let FactValue::Int(n) = constant {
                    values.extend([n.saturating_sub(1), *n, n.saturating_add(1)]);
                }
            }
            if values.is_empty() {
                values.insert(0);
            }
            values.into_iter().map(FactValue::Int).collect()
        }
        // Strings are only compared for equality: the constants and one other string.
        FactType::String => {
            let mut values: Vec<FactValue> = constants.iter().cloned().collect();
            let mut other = String::new();
            while constants.contains(&FactValue::Str(other.clone())) {
                other.push('_');
            }
            values.push(FactValue::Str(other));
            values
        }
        // Read through membership variables only.
        FactType::Set(_) => Vec::new(),
    }
}

/// Three-valued evaluation on a partial assignment: `None` while unassigned variables
/// can still decide it. On a full assignment it agrees with [`crate::eval::eval`].
pub fn eval_partial(cond: &Cond, assignment: &Assignment) -> Option<bool> {
    let scalar = |fact: &String| assignment.get(&Var::Fact(fact.clone()));
    match cond {
        Cond::Const(b) => Some(*b),
        Cond::Bool(fact) => match scalar(fact)? {
            Some(FactValue::Bool(b)) => Some(*b),
            _ => Some(false),
        },
        Cond::Compare { fact, op, value } => match scalar(fact)? {
            Some(actual) => Some(crate::eval::compare(actual, *op, value)),
            None => Some(false),
        },
        Cond::In {
            fact,
            values,
            fact_is_set: false,
        } => match scalar(fact)? {
            Some(FactValue::Enum(v)) => Some(values.contains(v)),
            _ => Some(false),
        },
        Cond::In {
            fact,
            values,
            fact_is_set: true,
        } => {
            let mut unknown = false;
            for value in values {
                match assignment.get(&Var::Member(fact.clone(), *value)) {
                    Some(Some(FactValue::Bool(true))) => {}
                    Some(_) => return Some(false),
                    None => unknown = true,
                }
            }
            if unknown { None } else { Some(true) }
        }
        Cond::Not(inner) => eval_partial(inner, assignment).map(|b| !b),
        Cond::And(a, b) => match (eval_partial(a, assignment), eval_partial(b, assignment)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Cond::Or(a, b) => match (eval_partial(a, assignment), eval_partial(b, assignment)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sat {
    /// An assignment under which the condition holds, assigning only what decides it.
    Yes(Assignment),
    /// It holds under no assignment.
    No,
    /// The search gave up after [`SEARCH_BUDGET`] steps (a condition built to be hard):
    /// nothing is concluded from it.
    Unknown,
}

/// Partial evaluations one search may make: a condition reading six four-valued facts
/// fits even without pruning; real ones need a few dozen.
pub const SEARCH_BUDGET: usize = 1 << 12;

pub fn solve(cond: &Cond, domains: &Domains) -> Sat {
    let vars: Vec<(&Var, &Vec<Val>)> = domains.0.iter().collect();
    let mut assignment = Assignment::new();
    let mut budget = SEARCH_BUDGET;
    match search(cond, &vars, &mut assignment, &mut budget) {
        Some(true) => Sat::Yes(assignment),
        Some(false) => Sat::No,
        None => Sat::Unknown,
    }
}

/// A witness, if the search finds one.
pub fn satisfy(cond: &Cond, domains: &Domains) -> Option<Assignment> {
    match solve(cond, domains) {
        Sat::Yes(assignment) => Some(assignment),
        Sat::No | Sat::Unknown => None,
    }
}

/// Whether `cond` is proved to hold under no assignment.
pub fn never(cond: &Cond, domains: &Domains) -> bool {
    solve(cond, domains) == Sat::No
}

/// `Some(found)`, or `None` when the budget ran out.
fn search(
    cond: &Cond,
    vars: &[(&Var, &Vec<Val>)],
    assignment: &mut Assignment,
    budget: &mut usize,
) -> Option<bool> {
    *budget = budget.checked_sub(1)?;
    if let Some(result) = eval_partial(cond, assignment) {
        return Some(result);
    }
    // Undecided means some variable the condition reads is unassigned.
    let Some((index, (var, values))) = vars
        .iter()
        .enumerate()
        .find(|(_, (var, _))| !assignment.contains_key(*var))
    else {
        return Some(false);
    };
    for value in values.iter() {
        assignment.insert((*var).clone(), value.clone());
        if search(cond, &vars[index + 1..], assignment, budget)? {
            return Some(true);
        }
    }
    assignment.remove(*var);
    Some(false)
}

pub fn not(cond: &Cond) -> Cond {
    Cond::Not(Box::new(cond.clone()))
}

/// Whether `cond` is proved to hold under every assignment.
pub fn valid(cond: &Cond, domains: &Domains) -> bool {
    never(&not(cond), domains)
}

/// The operands of a chain of `and` (or of `or`), in source order.
pub fn operands(cond: &Cond, and: bool) -> Vec<&Cond> {
    match (cond, and) {
        (Cond::And(a, b), true) | (Cond::Or(a, b), false) => {
            let mut out = operands(a, and);
            out.extend(operands(b, and));
            out
        }
        _ => vec![cond],
    }
}

/// Folds operands back into a chain, balanced so that a long one nests only
/// logarithmically deep; the empty `and` is true, the empty `or` false.
pub fn join(terms: &[&Cond], and: bool) -> Cond {
    match terms {
        [] => Cond::Const(and),
        [one] => (*one).clone(),
        _ => {
            let (left, right) = terms.split_at(terms.len() / 2);
            let (a, b) = (Box::new(join(left, and)), Box::new(join(right, and)));
            if and { Cond::And(a, b) } else { Cond::Or(a, b) }
        }
    }
}

/// Chains longer than this get no per-operand answers (minimal conflict, redundant
/// terms): each operand costs a search of the whole chain.
pub const MAX_OPERANDS: usize = 64;

/// A smallest set of the `and`-operands of an unsatisfiable condition that is still
/// unsatisfiable (no operand can be dropped from it): the conflict to show; empty for a
/// chain longer than [`MAX_OPERANDS`].
pub fn conflict<'a>(cond: &'a Cond, domains: &Domains) -> Vec<&'a Cond> {
    let mut kept = operands(cond, true);
    if kept.len() > MAX_OPERANDS {
        return Vec::new();
    }
    let mut index = 0;
    while index < kept.len() {
        let mut without = kept.clone();
        without.remove(index);
        if never(&join(&without, true), domains) {
            kept = without;
        } else {
            index += 1;
        }
    }
    kept
}

/// A term that can be dropped without changing the condition's meaning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Redundant {
    /// Its position among the chain's operands.
    pub index: usize,
    /// True in an `and` chain (the rest implies it), false in an `or` chain (it implies
    /// the rest).
    pub in_and: bool,
}

/// The operands of the top-level `and` (or `or`) chain that the remaining ones make
/// redundant, dropped one at a time so that the rest keeps the meaning.
pub fn redundant(cond: &Cond, domains: &Domains) -> Vec<Redundant> {
    let and = matches!(cond, Cond::And(..));
    let terms = operands(cond, and);
    if terms.len() < 2 || terms.len() > MAX_OPERANDS {
        return Vec::new();
    }
    let mut dropped: Vec<bool> = vec![false; terms.len()];
    let mut out = Vec::new();
    for index in 0..terms.len() {
        let rest: Vec<&Cond> = terms
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index && !dropped[*i])
            .map(|(_, t)| *t)
            .collect();
        let rest = join(&rest, and);
        // and: rest ⇒ term, i.e. rest ∧ ¬term never holds; or: term ⇒ rest.
        let counter = if and {
            Cond::And(Box::new(rest), Box::new(not(terms[index])))
        } else {
            Cond::And(Box::new(terms[index].clone()), Box::new(not(&rest)))
        };
        if never(&counter, domains) {
            dropped[index] = true;
            out.push(Redundant { index, in_and: and });
        }
    }
    out
}

/// An assignment as fact values, filling set facts from their members (values not tested
/// are absent); unset scalars are `None`.
pub fn facts_of(assignment: &Assignment) -> BTreeMap<String, Option<FactValue>> {
    let mut facts: BTreeMap<String, Option<FactValue>> = BTreeMap::new();
    for (var, value) in assignment {
        match var {
            Var::Fact(fact) => {
                facts.insert(fact.clone(), value.clone());
            }
            Var::Member(fact, member) => {
                let entry = facts
                    .entry(fact.clone())
                    .or_insert_with(|| Some(FactValue::Set(Vec::new())));
                if let (Some(FactValue::Set(set)), Some(FactValue::Bool(true))) = (entry, value) {
                    set.push(*member);
                    set.sort_unstable();
                }
            }
        }
    }
    facts
}

/// A typed condition as it would be written.
pub fn show(cond: &Cond, schema: &Schema) -> String {
    show_in(cond, schema, 0)
}

/// `level`: 0 top, 1 inside `or`, 2 inside `and`, 3 under `not`.
fn show_in(cond: &Cond, schema: &Schema, level: u8) -> String {
    let value =
        |fact: &str, v: &FactValue| crate::model::show_value(schema.get(fact).map(|(ty, _)| ty), v);
    let set = |fact: &str, values: &[u32]| {
        let names: Vec<String> = values
            .iter()
            .map(|v| value(fact, &FactValue::Enum(*v)))
            .collect();
        names
    };
    let (text, own) = match cond {
        Cond::Const(b) => (b.to_string(), 4),
        Cond::Bool(fact) => (fact.clone(), 4),
        Cond::Compare { fact, op, value: v } => {
            (format!("{fact} {} {}", op.as_str(), value(fact, v)), 3)
        }
        Cond::In {
            fact,
            values,
            fact_is_set: false,
        } => (format!("{fact} in {{{}}}", set(fact, values).join(", ")), 3),
        Cond::In {
            fact,
            values,
            fact_is_set: true,
        } => {
            let names = set(fact, values);
            let lhs = match names.as_slice() {
                [one] => one.clone(),
                _ => format!("{{{}}}", names.join(", ")),
            };
            (format!("{lhs} in {fact}"), 3)
        }
        Cond::Not(inner) => (format!("not {}", show_in(inner, schema, 4)), 3),
        Cond::And(a, b) => (
            format!("{} and {}", show_in(a, schema, 2), show_in(b, schema, 2)),
            2,
        ),
        Cond::Or(a, b) => (
            format!("{} or {}", show_in(a, schema, 1), show_in(b, schema, 1)),
            1,
        ),
    };
    if own < level {
        format!("({text})")
    } else {
        text
    }
}

/// A witness as text: `exposure = internet, pii ∈ data, regulated unset`.
pub fn show_assignment(assignment: &Assignment, schema: &Schema) -> String {
    let mut parts = Vec::new();
    for (var, value) in assignment {
        parts.push(match (var, value) {
            (Var::Fact(fact), None) => format!("{fact} unset"),
            (Var::Fact(fact), Some(v)) => format!(
                "{fact} = {}",
                crate::model::show_value(schema.get(fact).map(|(ty, _)| ty), v)
            ),
            (Var::Member(fact, member), v) => {
                let name = crate::model::show_value(
                    schema.get(fact).map(|(ty, _)| ty),
                    &FactValue::Enum(*member),
                );
                if *v == Some(FactValue::Bool(true)) {
                    format!("{name} in {fact}")
                } else {
                    format!("{name} not in {fact}")
                }
            }
        });
    }
    if parts.is_empty() {
        "any facts".to_string()
    } else {
        parts.join(", ")
    }
}
