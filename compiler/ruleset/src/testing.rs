//! Policy unit tests (`test` blocks): given an app, which controls it must meet.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::EngineError;
use crate::eval::{Candidate, applicability, effective_facts};
use crate::schema::{RuleSet, TestApp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestOutcome {
    pub name: String,
    pub source: String,
    pub failures: Vec<Failure>,
}

/// An expectation that did not hold, with what would explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub control: String,
    pub expected_required: bool,
    pub source: String,
    /// The control's `applies-to` lines, to compare with the app.
    pub applies: Vec<String>,
    /// The app's archetypes and effective facts.
    pub app: String,
}

pub fn run_tests(rules: &RuleSet) -> Result<Vec<TestOutcome>, EngineError> {
    let mut candidates = Vec::with_capacity(rules.tests.len());
    for test in &rules.tests {
        let (archetypes, own) = match &test.app {
            TestApp::Named(name) => {
                let app = rules.apps.iter().find(|a| a.name == *name).ok_or_else(|| {
                    EngineError(format!("test `{}` names unknown app `{name}`", test.name))
                })?;
                (app.archetypes.clone(), app.facts.clone())
            }
            TestApp::Inline { archetypes, facts } => (archetypes.clone(), facts.clone()),
        };
        let facts = effective_facts(rules, &archetypes, &own);
        candidates.push(Candidate { archetypes, facts });
    }
    let applicable = applicability(rules, &candidates)?;
    let controls: BTreeMap<&str, usize> = rules
        .controls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut outcomes = Vec::new();
    for (t, test) in rules.tests.iter().enumerate() {
        let mut failures = Vec::new();
        for expectation in &test.expect {
            let Some(&c) = controls.get(expectation.control.as_str()) else {
                return Err(EngineError(format!(
                    "test `{}` names unknown control `{}`",
                    test.name, expectation.control
                )));
            };
            if applicable.required[c].get(t) != expectation.required {
                let candidate = &candidates[t];
                let facts: Vec<String> = candidate
                    .facts
                    .iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect();
                failures.push(Failure {
                    control: expectation.control.clone(),
                    expected_required: expectation.required,
                    source: expectation.source.clone(),
                    applies: rules.controls[c]
                        .applies
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    app: format!(
                        "archetype {}; {}",
                        candidate.archetypes.join(", "),
                        facts.join("; ")
                    ),
                });
            }
        }
        outcomes.push(TestOutcome {
            name: test.name.clone(),
            source: test.source.clone(),
            failures,
        });
    }
    Ok(outcomes)
}
