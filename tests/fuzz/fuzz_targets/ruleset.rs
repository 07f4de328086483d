//! The rule-set reader on any JSON, as `polic eval --rules` reads one: a rule set that
//! deserializes survives being written and read again, and one that passes
//! `RuleSet::validate` is evaluated. Evaluation may still refuse it (a condition naming an
//! unknown fact is an `EngineError`, which `polic eval` reports); it must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polic_ruleset::RuleSet;
use polic_ruleset::evidence::EvidenceSet;
use polic_syntax::ast::Date;

const TODAY: Date = Date {
    year: 2026,
    month: 6,
    day: 1,
};

fuzz_target!(|text: &str| {
    let Ok(rules) = serde_json::from_str::<RuleSet>(text) else {
        return;
    };
    let written = serde_json::to_string(&rules).expect("a rule set is JSON");
    let read: RuleSet = serde_json::from_str(&written).expect("a written rule set reads");
    assert_eq!(
        read, rules,
        "a rule set changed when written and read again"
    );
    if rules.validate().is_err() {
        return;
    }
    let options = polic_ruleset::eval::Options {
        at: TODAY,
        fail_above: None,
    };
    let evidence = EvidenceSet::default();
    if let Err(error) = polic_ruleset::eval::evaluate(&rules, &evidence, &[], &options) {
        assert!(!error.0.is_empty(), "an evaluation error says nothing");
    }
});
