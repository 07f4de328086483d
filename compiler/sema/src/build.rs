//! The rule set: the workspace model written out as the self-contained document that
//! evaluation reads (see `polic_ruleset::schema`). Deterministic: every list is in a
//! defined order, so the same sources give byte-identical JSON.

use std::collections::BTreeSet;

use polic_diagnostics::LineIndex;
use polic_ruleset::schema::{self, Condition, FactKind, RuleSet, Value};
use polic_syntax::ast::CmpOp;

use crate::db::{Db, File, Workspace};
use crate::hir::{ClauseKey, Cond, FactType, FactValue, Loc, TestApp};
use crate::index::symbols;
use crate::model::{Model, model, natural_cmp};

/// A file's line index, memoised: the one every edge converts positions through
/// (`file:line:column` in rule sets, the language server's positions, folding).
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: File) -> LineIndex {
    LineIndex::new(file.text(db))
}

/// `file:line:column` (1-based; the column counts characters) of a syntax node.
pub fn source(db: &dyn Db, loc: Loc) -> String {
    let file = loc.file();
    let span = crate::span(db, loc);
    let (line, column) = line_index(db, file).human(file.text(db), span.start);
    format!("{}:{line}:{column}", file.path(db))
}

#[salsa::tracked(returns(ref))]
pub fn rule_set(db: &dyn Db, workspace: Workspace) -> RuleSet {
    build(db, workspace, Clauses::All)
}

/// The rule set without its list of clauses: what tags in source code are checked against
/// (controls, obligations, apps and what decides which app must meet which control).
/// Listing every clause of the imported catalogues is most of the cost of [`rule_set`].
#[salsa::tracked(returns(ref))]
pub fn rule_set_for_code(db: &dyn Db, workspace: Workspace) -> RuleSet {
    build(db, workspace, Clauses::None)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clauses {
    All,
    None,
}

fn build(db: &dyn Db, workspace: Workspace, listed: Clauses) -> RuleSet {
    let model = model(db, workspace);
    let symbols = symbols(db, workspace);
    let spell = |key: &ClauseKey| -> String {
        let spelled = symbols
            .standards
            .get(&key.standard)
            .and_then(|s| s.clauses.get(&key.key))
            .map_or(key.key.as_str(), |c| c.spelled.as_str());
        format!("{}#{spelled}", key.standard)
    };
    let value = |fact: &str, v: &FactValue| fact_value(model, fact, v);
    let condition = |c: &Cond| lower_condition(model, c);
    let default_weight = model
        .adoption
        .risk
        .as_ref()
        .and_then(|r| r.default)
        .unwrap_or(1);

    let facts = symbols
        .facts
        .iter()
        .map(|(name, sig)| {
            let (kind, values) = match &sig.ty {
                FactType::Enum(v) => (FactKind::Enum, v.clone()),
                FactType::Set(v) => (FactKind::Set, v.clone()),
                FactType::Bool => (FactKind::Bool, Vec::new()),
                FactType::Int => (FactKind::Int, Vec::new()),
                FactType::String => (FactKind::String, Vec::new()),
            };
            let default = model
                .facts
                .get(name)
                .and_then(|(_, d)| d.as_ref())
                .map(|d| value(name, d));
            schema::Fact {
                name: name.clone(),
                kind,
                values,
                default,
                source: source(db, sig.loc),
            }
        })
        .collect();

    let mut clauses = Vec::new();
    let standards = symbols.standards.iter().filter(|_| listed == Clauses::All);
    for (standard_name, standard) in standards {
        let mut ordered: Vec<(&String, &crate::index::ClauseSig)> =
            standard.clauses.iter().collect();
        ordered.sort_by(|a, b| natural_cmp(&a.1.spelled, &b.1.spelled));
        for (key, clause) in ordered {
            let key = ClauseKey {
                standard: standard_name.clone(),
                key: key.clone(),
            };
            clauses.push(schema::Clause {
                standard: standard_name.clone(),
                standard_title: standard.title.clone(),
                id: clause.spelled.clone(),
                title: clause.title.clone(),
                group: clause.groups.to_vec(),
                withdrawn: clause.withdrawn_into.is_some(),
                adopted: model.adoption.adopted.get(&key).map(|a| schema::Adoption {
                    weight: a.weight,
                    when: a.when.iter().flatten().map(condition).collect(),
                }),
                source: source(db, clause.loc),
            });
        }
    }

    let mappings = model
        .mappings
        .iter()
        .map(|m| schema::Mapping {
            from: spell(&m.from),
            to: spell(&m.to),
            source: source(db, m.loc),
        })
        .collect();

    let archetypes = model
        .archetypes
        .values()
        .map(|a| schema::Archetype {
            name: a.hir.def.name.clone(),
            title: a.hir.title.clone(),
            extends: a.hir.extends.iter().map(|(p, _)| p.clone()).collect(),
            lineage: a.lineage.clone(),
            facts: a
                .facts
                .iter()
                .map(|(f, (v, _))| (f.clone(), value(f, v)))
                .collect(),
            provides: a.provides.clone(),
            source: source(db, a.hir.def.loc),
        })
        .collect();

    let controls = model
        .controls
        .values()
        .map(|c| {
            let direct: BTreeSet<&ClauseKey> = c.satisfies.iter().map(|(k, _)| k).collect();
            let mut mapped: BTreeSet<&ClauseKey> = BTreeSet::new();
            for m in &model.mappings {
                for (from, to) in [(&m.from, &m.to), (&m.to, &m.from)] {
                    if direct.contains(from) && !direct.contains(to) {
                        mapped.insert(to);
                    }
                }
            }
            let weight = direct
                .iter()
                .chain(&mapped)
                .filter_map(|k| model.adoption.adopted.get(*k).map(|a| a.weight))
                .max()
                .unwrap_or(default_weight);
            schema::Control {
                name: c.def.name.clone(),
                title: c.title.clone(),
                doc: c.def.docs.clone(),
                satisfies: c.satisfies.iter().map(|(k, _)| spell(k)).collect(),
                via_mappings: mapped.into_iter().map(spell).collect(),
                applies: c
                    .applies
                    .iter()
                    .map(|a| schema::Applies {
                        archetypes: a.archetypes.clone(),
                        when: a.when.as_ref().map(condition),
                        source: source(db, a.loc),
                    })
                    .collect(),
                phase: c
                    .phase
                    .and_then(|p| crate::hir::Phase::ALL.iter().find(|(_, q)| *q == p))
                    .map(|(n, _)| n.to_string()),
                due_days: c.due_days,
                remediation: c.remediation.iter().cloned().collect(),
                targets: c
                    .targets
                    .iter()
                    .map(|t| crate::metric::rule(t, source(db, t.loc)))
                    .collect(),
                obligations: c
                    .obligations
                    .iter()
                    .map(|o| schema::Obligation {
                        name: o.def.name.clone(),
                        title: o.title.clone(),
                        doc: o.def.docs.clone(),
                        verify: o
                            .verify
                            .iter()
                            .map(|v| schema::Verify {
                                kind: v.kind.clone(),
                                subject: v.subject.clone(),
                                rules: v.rules.clone(),
                            })
                            .collect(),
                        source: source(db, o.def.loc),
                    })
                    .collect(),
                weight,
                source: source(db, c.def.loc),
            }
        })
        .collect();

    let apps = model
        .apps
        .values()
        .map(|a| schema::App {
            name: a.def.name.clone(),
            title: a.title.clone(),
            archetypes: a.archetypes.iter().map(|(n, _)| n.clone()).collect(),
            facts: a
                .facts
                .iter()
                .map(|(f, v, _)| (f.clone(), value(f, v)))
                .collect(),
            owner: a.owner.clone(),
            unit: a.unit.clone(),
            source: source(db, a.def.loc),
        })
        .collect();

    let mut waivers: Vec<schema::Waiver> = model
        .waivers
        .iter()
        .filter_map(|w| {
            Some(schema::Waiver {
                name: w.def.name.clone(),
                app: w.app.clone()?,
                control: w.control.clone()?,
                obligation: w.obligation.clone(),
                reason: w.reason.clone(),
                requested_by: w.requested_by.clone(),
                approved_by: w.approved_by.clone(),
                expires: w.expires.map(|d| d.to_string()),
                source: source(db, w.def.loc),
            })
        })
        .collect();
    waivers.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.source.cmp(&b.source)));

    let tests = model
        .tests
        .iter()
        .filter_map(|t| {
            let app = match &t.app {
                TestApp::Named(name) => schema::TestApp::Named(name.clone()),
                TestApp::Inline { archetypes, facts } => schema::TestApp::Inline {
                    archetypes: archetypes.clone(),
                    facts: facts
                        .iter()
                        .map(|(f, v)| (f.clone(), value(f, v)))
                        .collect(),
                },
                TestApp::Missing => return None,
            };
            Some(schema::Test {
                name: t.name.clone(),
                app,
                expect: t
                    .expectations
                    .iter()
                    .map(|e| schema::Expectation {
                        control: e.control.clone(),
                        required: e.required,
                        source: source(db, e.loc),
                    })
                    .collect(),
                source: source(db, t.loc),
            })
        })
        .collect();

    RuleSet {
        schema: schema::SCHEMA_NAME.to_string(),
        version: schema::SCHEMA_VERSION,
        policy: model.adoption.policy.as_ref().map(|p| schema::PolicyInfo {
            name: p.def.name.clone(),
            source: source(db, p.def.loc),
        }),
        risk: model.adoption.risk.as_ref().map(|r| schema::RiskModel {
            name: r.def.name.clone(),
            levels: r
                .levels
                .iter()
                .map(|(name, value)| schema::Level {
                    name: name.clone(),
                    value: *value,
                })
                .collect(),
            default: default_weight,
            source: source(db, r.def.loc),
        }),
        facts,
        clauses,
        mappings,
        archetypes,
        controls,
        apps,
        waivers,
        tests,
    }
}

fn variant_name(model: &Model, fact: &str, index: u32) -> String {
    model
        .facts
        .get(fact)
        .and_then(|(ty, _)| ty.variants().get(index as usize).cloned())
        .unwrap_or_else(|| index.to_string())
}

fn fact_value(model: &Model, fact: &str, value: &FactValue) -> Value {
    match value {
        FactValue::Enum(i) => Value::Name(variant_name(model, fact, *i)),
        FactValue::Set(items) => Value::Set(
            items
                .iter()
                .map(|i| variant_name(model, fact, *i))
                .collect(),
        ),
        FactValue::Bool(b) => Value::Bool(*b),
        FactValue::Int(n) => Value::Int(*n),
        FactValue::Str(s) => Value::Name(s.clone()),
    }
}

fn lower_condition(model: &Model, cond: &Cond) -> Condition {
    match cond {
        Cond::Const(value) => Condition::Const { value: *value },
        Cond::Bool(fact) => Condition::Bool { fact: fact.clone() },
        Cond::Compare { fact, op, value } => {
            let (fact, value) = (fact.clone(), fact_value(model, fact, value));
            match op {
                CmpOp::Eq => Condition::Eq { fact, value },
                CmpOp::NotEq => Condition::Ne { fact, value },
                CmpOp::Lt => Condition::Lt { fact, value },
                CmpOp::LtEq => Condition::Le { fact, value },
                CmpOp::Gt => Condition::Gt { fact, value },
                CmpOp::GtEq => Condition::Ge { fact, value },
            }
        }
        Cond::In {
            fact,
            values,
            fact_is_set,
        } => {
            let values = values
                .iter()
                .map(|v| variant_name(model, fact, *v))
                .collect();
            if *fact_is_set {
                Condition::Has {
                    fact: fact.clone(),
                    values,
                }
            } else {
                Condition::In {
                    fact: fact.clone(),
                    values,
                }
            }
        }
        Cond::Not(inner) => Condition::Not {
            arg: Box::new(lower_condition(model, inner)),
        },
        Cond::And(a, b) => Condition::And {
            args: flatten(model, cond, a, b),
        },
        Cond::Or(a, b) => Condition::Or {
            args: flatten(model, cond, a, b),
        },
    }
}

/// `a and b and c` as one `and` with three arguments (likewise `or`).
fn flatten(model: &Model, parent: &Cond, a: &Cond, b: &Cond) -> Vec<Condition> {
    let same = |c: &Cond| std::mem::discriminant(c) == std::mem::discriminant(parent);
    let mut args = Vec::new();
    for side in [a, b] {
        match (side, same(side)) {
            (Cond::And(x, y) | Cond::Or(x, y), true) => args.extend(flatten(model, side, x, y)),
            _ => args.push(lower_condition(model, side)),
        }
    }
    args
}
