//! The Rego peer agrees with polic: for the same apps and controls, regorus evaluating the
//! generated Rego (both shapes) gives exactly the applicability polic's evaluator gives.
//! The benchmark (`cargo bench -p polic-tests --bench peer`) times them side by side;
//! this test keeps it honest and from rotting.

use std::collections::BTreeSet;

use polic_tests::rego::{self, Shape};

/// polic's answer: (app, control) pairs.
pub fn polic_pairs(rules: &polic_ruleset::RuleSet) -> BTreeSet<(String, String)> {
    let applicable =
        polic_ruleset::eval::applicability(rules, &polic_ruleset::eval::candidates(rules))
            .expect("evaluates");
    let mut pairs = BTreeSet::new();
    for (c, control) in rules.controls.iter().enumerate() {
        for a in applicable.required[c].iter() {
            pairs.insert((rules.apps[a].name.clone(), control.name.clone()));
        }
    }
    pairs
}

fn strings(value: &regorus::Value) -> Vec<String> {
    match value {
        regorus::Value::String(s) => vec![s.to_string()],
        regorus::Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn regorus_agrees_with_polic_in_both_shapes() {
    let rules = polic_tests::generate::portfolio_rules(60, 24);
    let expected = polic_pairs(&rules);
    assert!(
        !expected.is_empty() && expected.len() < 60 * 24,
        "a mix of required and not"
    );

    let mut engine = regorus::Engine::new();
    engine
        .add_policy("batch.rego".into(), rego::policy(&rules, Shape::Batch))
        .expect("valid Rego");
    engine
        .set_input_json(&rego::batch_input(&rules))
        .expect("input");
    let result = engine
        .eval_rule("data.polic.required".into())
        .expect("evaluates");
    let batch: BTreeSet<(String, String)> = match &result {
        regorus::Value::Set(pairs) => pairs
            .iter()
            .map(|p| {
                let s = strings(p);
                (s[0].clone(), s[1].clone())
            })
            .collect(),
        other => panic!("expected a set, got {other:?}"),
    };
    assert_eq!(batch, expected);

    let mut engine = regorus::Engine::new();
    engine
        .add_policy("per_app.rego".into(), rego::policy(&rules, Shape::PerApp))
        .expect("valid Rego");
    let mut per_app = BTreeSet::new();
    for (a, app) in rules.apps.iter().enumerate() {
        engine
            .set_input_json(&serde_json::json!({ "app": rego::app_input(&rules, a) }).to_string())
            .expect("input");
        if let regorus::Value::Set(controls) = engine
            .eval_rule("data.polic.required".into())
            .expect("evaluates")
        {
            per_app.extend(
                controls
                    .iter()
                    .flat_map(strings)
                    .map(|c| (app.name.clone(), c)),
            );
        }
    }
    assert_eq!(per_app, expected);
}
