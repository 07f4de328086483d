//! The decision procedure against brute force: on random facts schemas and random
//! conditions, what the analysis says (satisfiable, valid, its witness, the conflict, the
//! redundant terms) is what enumerating every assignment of the facts says, evaluated by
//! the evaluator apps are judged with.

use std::collections::BTreeMap;

use polic_sema::analysis::solver::{self, Assignment, Domains, Schema, Var};
use polic_sema::analysis::{Holds, analyse_with};
use polic_sema::eval::{Missing, eval};
use polic_sema::hir::{Cond, FactType, FactValue};
use polic_syntax::ast::CmpOp;
use proptest::prelude::*;

const OPS: [CmpOp; 6] = [
    CmpOp::Eq,
    CmpOp::NotEq,
    CmpOp::Lt,
    CmpOp::LtEq,
    CmpOp::Gt,
    CmpOp::GtEq,
];
const STRINGS: [&str; 3] = ["a", "b", "c"];

fn fact_type() -> impl Strategy<Value = FactType> {
    let names = |n: usize| (0..n).map(|i| format!("v{i}")).collect::<Vec<_>>();
    prop_oneof![
        (2..=4usize).prop_map(move |n| FactType::Enum(names(n))),
        Just(FactType::Bool),
        (1..=3usize).prop_map(move |n| FactType::Set(names(n))),
        Just(FactType::Int),
        Just(FactType::String),
    ]
}

fn default_of(ty: &FactType, pick: u32) -> FactValue {
    match ty {
        FactType::Enum(v) => FactValue::Enum(pick % v.len() as u32),
        FactType::Bool => FactValue::Bool(pick.is_multiple_of(2)),
        FactType::Set(v) => {
            FactValue::Set((0..v.len() as u32).filter(|i| pick >> i & 1 == 1).collect())
        }
        FactType::Int => FactValue::Int(i64::from(pick % 5)),
        FactType::String => FactValue::Str(STRINGS[pick as usize % 3].to_string()),
    }
}

fn schema() -> impl Strategy<Value = Schema> {
    prop::collection::vec((fact_type(), prop::option::of(any::<u32>())), 1..=3).prop_map(|facts| {
        facts
            .into_iter()
            .enumerate()
            .map(|(i, (ty, default))| {
                let default = default.map(|pick| default_of(&ty, pick));
                (format!("f{i}"), (ty, default))
            })
            .collect()
    })
}

/// One comparison or membership test on a fact of the schema, as lowering types them.
fn atom(schema: &Schema) -> BoxedStrategy<Cond> {
    let facts: Vec<(String, FactType)> = schema
        .iter()
        .map(|(name, (ty, _))| (name.clone(), ty.clone()))
        .collect();
    let mut atoms: Vec<BoxedStrategy<Cond>> = vec![any::<bool>().prop_map(Cond::Const).boxed()];
    for (fact, ty) in facts {
        let f = fact.clone();
        let compare = move |ops: &'static [CmpOp], value: BoxedStrategy<FactValue>| {
            let fact = f.clone();
            (prop::sample::select(ops), value)
                .prop_map(move |(op, value)| Cond::Compare {
                    fact: fact.clone(),
                    op,
                    value,
                })
                .boxed()
        };
        match ty {
            FactType::Enum(v) => {
                let n = v.len() as u32;
                atoms.push(compare(&OPS, (0..n).prop_map(FactValue::Enum).boxed()));
                let fact = fact.clone();
                atoms.push(
                    prop::collection::btree_set(0..n, 0..=n as usize)
                        .prop_map(move |values| Cond::In {
                            fact: fact.clone(),
                            values: values.into_iter().collect(),
                            fact_is_set: false,
                        })
                        .boxed(),
                );
            }
            FactType::Bool => {
                atoms.push(Just(Cond::Bool(fact.clone())).boxed());
                atoms.push(compare(
                    &OPS[..2],
                    any::<bool>().prop_map(FactValue::Bool).boxed(),
                ));
            }
            FactType::Set(v) => {
                let n = v.len() as u32;
                let fact = fact.clone();
                atoms.push(
                    prop::collection::btree_set(0..n, 1..=n as usize)
                        .prop_map(move |values| Cond::In {
                            fact: fact.clone(),
                            values: values.into_iter().collect(),
                            fact_is_set: true,
                        })
                        .boxed(),
                );
            }
            FactType::Int => atoms.push(compare(&OPS, (0..4i64).prop_map(FactValue::Int).boxed())),
            FactType::String => atoms.push(compare(
                &OPS[..2],
                prop::sample::select(&STRINGS[..])
                    .prop_map(|s| FactValue::Str(s.to_string()))
                    .boxed(),
            )),
        }
    }
    prop::strategy::Union::new(atoms).boxed()
}

fn condition(schema: &Schema) -> BoxedStrategy<Cond> {
    atom(schema)
        .prop_recursive(4, 16, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
            ]
        })
        .boxed()
}

/// Every value an app could give the fact, within bounds wider than the conditions'
/// constants; `None` (unset) when it has no default.
fn all_values(ty: &FactType, default: &Option<FactValue>) -> Vec<Option<FactValue>> {
    let mut values: Vec<Option<FactValue>> = match ty {
        FactType::Enum(v) => (0..v.len() as u32).map(FactValue::Enum).map(Some).collect(),
        FactType::Bool => vec![Some(FactValue::Bool(false)), Some(FactValue::Bool(true))],
        FactType::Set(v) => (0..1u32 << v.len())
            .map(|bits| {
                Some(FactValue::Set(
                    (0..v.len() as u32).filter(|i| bits >> i & 1 == 1).collect(),
                ))
            })
            .collect(),
        FactType::Int => (-2..=6).map(FactValue::Int).map(Some).collect(),
        FactType::String => ["a", "b", "c", "zz", ""]
            .iter()
            .map(|s| Some(FactValue::Str(s.to_string())))
            .collect(),
    };
    if default.is_none() {
        values.push(None);
    }
    values
}

fn assignments(schema: &Schema) -> Vec<BTreeMap<String, Option<FactValue>>> {
    let mut out = vec![BTreeMap::new()];
    for (fact, (ty, default)) in schema {
        out = out
            .into_iter()
            .flat_map(|partial| {
                all_values(ty, default).into_iter().map(move |value| {
                    let mut next = partial.clone();
                    next.insert(fact.clone(), value);
                    next
                })
            })
            .collect();
    }
    out
}

fn holds(cond: &Cond, facts: &BTreeMap<String, Option<FactValue>>) -> bool {
    eval(
        cond,
        &|f| facts.get(f).and_then(Option::as_ref),
        Missing::False,
    ) == Some(true)
}

/// Whether a full assignment agrees with a witness's (partial) one.
fn consistent(facts: &BTreeMap<String, Option<FactValue>>, witness: &Assignment) -> bool {
    witness.iter().all(|(var, value)| match var {
        Var::Fact(fact) => facts.get(fact) == Some(value),
        Var::Member(fact, member) => {
            let member_of =
                matches!(facts.get(fact), Some(Some(FactValue::Set(s))) if s.contains(member));
            *value == Some(FactValue::Bool(member_of))
        }
    })
}

fn same_meaning(a: &Cond, b: &Cond, all: &[BTreeMap<String, Option<FactValue>>]) -> bool {
    all.iter().all(|facts| holds(a, facts) == holds(b, facts))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn analysis_agrees_with_enumeration(
        (schema, cond) in schema().prop_flat_map(|s| { let c = condition(&s); (Just(s), c) })
    ) {
        let all = assignments(&schema);
        let satisfiable = all.iter().any(|f| holds(&cond, f));
        let valid = all.iter().all(|f| holds(&cond, f));
        let domains = Domains::new(&schema, &BTreeMap::new(), &[&cond]);

        match analyse_with(&cond, &schema).holds {
            Holds::Never { .. } => prop_assert!(!satisfiable),
            Holds::Always => prop_assert!(valid),
            Holds::Sometimes { .. } => prop_assert!(satisfiable && !valid),
            Holds::Undecided => prop_assert!(false, "small conditions are always decided"),
        }

        // The witness decides the condition: every assignment agreeing with it satisfies it.
        match solver::satisfy(&cond, &domains) {
            Some(witness) => {
                let agreeing: Vec<_> = all.iter().filter(|f| consistent(f, &witness)).collect();
                prop_assert!(!agreeing.is_empty(), "witness {witness:?} matches no assignment");
                for facts in agreeing {
                    prop_assert!(holds(&cond, facts), "witness {witness:?} fails on {facts:?}");
                }
            }
            None => prop_assert!(!satisfiable),
        }

        // The conflict is unsatisfiable and minimal.
        if !satisfiable {
            let conflict = solver::conflict(&cond, &domains);
            prop_assert!(!all.iter().any(|f| holds(&solver::join(&conflict, true), f)));
            for skip in 0..conflict.len() {
                let mut fewer = conflict.clone();
                fewer.remove(skip);
                prop_assert!(all.iter().any(|f| holds(&solver::join(&fewer, true), f)),
                    "conflict {conflict:?} is not minimal");
            }
        }

        // Redundant terms: dropped in order exactly when the chain keeps its meaning.
        let and = matches!(cond, Cond::And(..));
        let terms = solver::operands(&cond, and);
        let found: Vec<usize> = solver::redundant(&cond, &domains).iter().map(|r| r.index).collect();
        let mut kept: Vec<usize> = (0..terms.len()).collect();
        let mut expected = Vec::new();
        if (2..=solver::MAX_OPERANDS).contains(&terms.len()) {
            for index in 0..terms.len() {
                let with: Vec<&Cond> = kept.iter().map(|&i| terms[i]).collect();
                let without: Vec<&Cond> = kept.iter().filter(|&&i| i != index).map(|&i| terms[i]).collect();
                if same_meaning(&solver::join(&with, and), &solver::join(&without, and), &all) {
                    kept.retain(|&i| i != index);
                    expected.push(index);
                }
            }
        }
        prop_assert_eq!(found, expected);
    }
}

/// The standard library and the example organisation are analysed clean: no condition in
/// them is impossible, empty or redundant, and no clause is covered on paper only.
#[test]
fn stdlib_and_example_are_analysed_clean() {
    let mut workspaces: Vec<(String, BTreeMap<String, String>)> = polic_stdlib::MODULES
        .iter()
        .map(|module| {
            let text = format!("import std.{}\n", module.name);
            (
                module.name.to_string(),
                BTreeMap::from([("workspace.polic".to_string(), text)]),
            )
        })
        .collect();
    let acme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme");
    workspaces.push((
        "examples/acme".to_string(),
        polic_tests::read_fixture(&acme),
    ));
    for (name, files) in workspaces {
        let found: Vec<String> = polic_tests::check(&files)
            .iter()
            .map(|d| format!("{}: {}", d.code.as_str(), d.message))
            .collect();
        assert!(found.is_empty(), "{name}: {found:#?}");
    }
}

/// A condition built to be hard for any search (the pigeonhole principle: seven pigeons in
/// six holes, unsatisfiable) is given up on within the search budget (without it, a naive search
/// runs through millions of assignments), and nothing is concluded from it.
#[test]
fn a_condition_built_to_be_hard_is_given_up_on() {
    let (pigeons, holes) = (7, 6);
    let var = |p: usize, h: usize| format!("p{p}h{h}");
    let mut facts = Vec::new();
    let mut clauses = Vec::new();
    for p in 0..pigeons {
        let somewhere: Vec<String> = (0..holes).map(|h| var(p, h)).collect();
        clauses.push(format!("({})", somewhere.join(" or ")));
        facts.extend((0..holes).map(|h| format!("{}: bool = false", var(p, h))));
    }
    for h in 0..holes {
        for p in 0..pigeons {
            for q in p + 1..pigeons {
                clauses.push(format!("(not {} or not {})", var(p, h), var(q, h)));
            }
        }
    }
    let text = format!(
        "facts {{\n  {}\n}}\nstandard s \"S\" {{ clause #c \"C\" }}\narchetype service \"S\" {{}}\n\
         control c \"C\" {{\n  satisfies s#c\n  applies-to service when {}\n  \
         obligation o \"O\" {{ verify attest \"owner\" }}\n}}\n",
        facts.join("\n  "),
        clauses.join(" and ")
    );
    let found = polic_tests::check(&BTreeMap::from([("hard.polic".to_string(), text)]));
    assert!(
        found
            .iter()
            .all(|d| !matches!(d.code.as_str(), "P0207" | "P0402")),
        "{found:?}"
    );
}
