//! The outcomes of a policy's `test` blocks, for a terminal and as JUnit XML.

use std::fmt::Write;

use polic_ruleset::testing::TestOutcome;

use crate::junit::{Case, Outcome, Suite, Suites};

fn required(yes: bool) -> &'static str {
    if yes { "required" } else { "not required" }
}

/// `test NAME ... ok` or `FAILED` with what was expected, what is, and why; then counts.
pub fn human(outcomes: &[TestOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        if outcome.failures.is_empty() {
            let _ = writeln!(out, "test {} ... ok", outcome.name);
            continue;
        }
        let _ = writeln!(out, "test {} ... FAILED ({})", outcome.name, outcome.source);
        for failure in &outcome.failures {
            let _ = writeln!(out, "  {}: `{}`", failure.source, failure.control);
            let _ = writeln!(
                out,
                "    - expected: {}",
                required(failure.expected_required)
            );
            let _ = writeln!(
                out,
                "    + actual:   {}",
                required(!failure.expected_required)
            );
            let _ = writeln!(out, "    the app: {}", failure.app);
            for line in &failure.applies {
                let _ = writeln!(out, "    the control: {line}");
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    let _ = writeln!(
        out,
        "\n{} tests: {} passed, {failed} failed",
        outcomes.len(),
        outcomes.len() - failed
    );
    out
}

/// A case per test, failing with each expectation that did not hold.
pub fn junit(outcomes: &[TestOutcome]) -> String {
    let cases = outcomes
        .iter()
        .map(|outcome| {
            let mut case = Case::new("polic", outcome.name.as_str());
            for failure in &outcome.failures {
                case.outcomes.push(Outcome::Failure {
                    kind: None,
                    message: format!(
                        "{}: expected `{}` {}, but it is {}",
                        failure.source,
                        failure.control,
                        required(failure.expected_required),
                        required(!failure.expected_required)
                    ),
                    text: failure.applies.join("\n"),
                });
            }
            case
        })
        .collect();
    let name = "polic test".to_string();
    Suites {
        name: name.clone(),
        suites: vec![Suite { name, cases }],
    }
    .to_xml()
}
