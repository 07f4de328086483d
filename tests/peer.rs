//! The Rego peer agrees with polic: for the same apps and controls, regorus evaluating the
//! generated Rego (every shape) gives exactly the applicability polic's evaluator gives.
//! The benchmark (`cargo bench -p polic-tests --bench peer`) times them side by side;
//! this test keeps it honest and from rotting.

use std::collections::BTreeSet;

use polic_tests::rego::{Peer, Shape};

/// polic's answer: (app, control) pairs.
fn polic_pairs(rules: &polic_ruleset::RuleSet) -> BTreeSet<(String, String)> {
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

#[test]
fn regorus_agrees_with_polic_in_every_shape() {
    let rules = polic_tests::generate::portfolio_rules(60, 24);
    let expected = polic_pairs(&rules);
    assert!(
        !expected.is_empty() && expected.len() < 60 * 24,
        "a mix of required and not"
    );
    for shape in Shape::ALL {
        assert_eq!(
            Peer::new(&rules, shape).pairs(),
            expected,
            "shape {}",
            shape.name()
        );
    }
}
