//! Policy analysis: what conditions mean over the declared facts, proved by the decision
//! procedure in [`solver`], and the diagnostics drawn from it ([`checks`]). Each condition
//! is analysed by a query of its own, keyed by the condition itself, so an edit re-runs
//! only the analyses of the conditions it changed (or of the facts they read).

pub mod checks;
pub mod solver;

use std::collections::BTreeMap;

use crate::db::{Db, Workspace};
use crate::hir::{Cond, FactValue};
use crate::index::fact;
use crate::model::archetypes::flat_archetype;
use crate::model::fact_defaults;
use solver::{Domains, Schema};

/// What a condition means over every assignment of the facts it reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Holds {
    /// For no assignment; the smallest set of its `and`-operands that already conflict.
    Never { conflict: Vec<String> },
    /// For every assignment.
    Always,
    /// For some, e.g. the witness (written as facts).
    Sometimes { witness: String },
    /// The search gave up ([`solver::SEARCH_BUDGET`]): nothing is reported.
    Undecided,
}

/// A term of the condition's top-level chain that says nothing the rest does not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedundantTerm {
    pub term: String,
    /// The other operands, joined.
    pub rest: String,
    /// In an `and` chain the rest implies it; in an `or` chain it implies the rest.
    pub in_and: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CondAnalysis {
    pub holds: Holds,
    /// Only for a condition that holds sometimes (otherwise every term is redundant).
    pub redundant: Vec<RedundantTerm>,
}

/// The schema of the facts `cond` reads: each looked up by name, so a change to another
/// fact re-runs nothing here.
pub fn schema_of(db: &dyn Db, workspace: Workspace, cond: &Cond) -> Schema {
    let defaults = fact_defaults(db, workspace);
    let mut names = Vec::new();
    fact_names(cond, &mut names);
    names
        .into_iter()
        .filter_map(|name| {
            let sig = fact(db, workspace, name.clone()).as_ref()?;
            let default = defaults.get(&name).cloned();
            Some((name, (sig.ty.clone(), default)))
        })
        .collect()
}

fn fact_names(cond: &Cond, out: &mut Vec<String>) {
    match cond {
        Cond::Const(_) => {}
        Cond::Bool(fact) | Cond::Compare { fact, .. } | Cond::In { fact, .. } => {
            if !out.contains(fact) {
                out.push(fact.clone());
            }
        }
        Cond::Not(inner) => fact_names(inner, out),
        Cond::And(a, b) | Cond::Or(a, b) => {
            fact_names(a, out);
            fact_names(b, out);
        }
    }
}

/// The analysis of one condition (cached per condition; backdated when equal).
#[salsa::tracked(returns(ref))]
pub fn analyse(db: &dyn Db, workspace: Workspace, cond: Cond) -> CondAnalysis {
    let schema = schema_of(db, workspace, &cond);
    analyse_with(&cond, &schema)
}

/// [`analyse`] without the database: what the property test compares with enumeration.
pub fn analyse_with(cond: &Cond, schema: &Schema) -> CondAnalysis {
    let domains = Domains::new(schema, &BTreeMap::new(), &[cond]);
    let show = |c: &Cond| solver::show(c, schema);
    let witness = match solver::solve(cond, &domains) {
        solver::Sat::Yes(witness) => witness,
        solver::Sat::Unknown => {
            return CondAnalysis {
                holds: Holds::Undecided,
                redundant: Vec::new(),
            };
        }
        solver::Sat::No => {
            return CondAnalysis {
                holds: Holds::Never {
                    conflict: solver::conflict(cond, &domains)
                        .into_iter()
                        .map(show)
                        .collect(),
                },
                redundant: Vec::new(),
            };
        }
    };
    if solver::valid(cond, &domains) {
        return CondAnalysis {
            holds: Holds::Always,
            redundant: Vec::new(),
        };
    }
    let redundant = solver::redundant(cond, &domains);
    let terms = solver::operands(cond, matches!(cond, Cond::And(..)));
    let redundant = redundant
        .iter()
        .map(|r| {
            let rest: Vec<&Cond> = terms
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != r.index)
                .map(|(_, t)| *t)
                .collect();
            RedundantTerm {
                term: show(terms[r.index]),
                rest: show(&solver::join(&rest, r.in_and)),
                in_and: r.in_and,
            }
        })
        .collect();
    CondAnalysis {
        holds: Holds::Sometimes {
            witness: solver::show_assignment(&witness, schema),
        },
        redundant,
    }
}

/// Whether `cond` may hold for some app of the archetype (its own and inherited facts
/// fixed, the others free): false only when proved impossible.
#[salsa::tracked(returns(copy))]
pub fn may_hold_for(db: &dyn Db, workspace: Workspace, cond: Cond, archetype: String) -> bool {
    let schema = schema_of(db, workspace, &cond);
    let fixed: BTreeMap<String, FactValue> = flat_archetype(db, workspace, archetype)
        .as_ref()
        .map(|a| {
            a.facts
                .iter()
                .map(|(f, (v, _))| (f.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let domains = Domains::new(&schema, &fixed, &[&cond]);
    !solver::never(&cond, &domains)
}
