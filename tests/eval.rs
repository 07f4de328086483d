//! Evaluation fixtures: a small policy with evidence that gives every status, checked at
//! two dates (either side of a waiver's expiry), as terminal tables and rule set JSON.

use std::path::{Path, PathBuf};

use polic_ruleset::eval::{self, Options, Status};
use polic_ruleset::evidence::{self, EvidenceSet};
use polic_syntax::ast::Date;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("eval")
        .join(name)
}

fn rules(dir: &Path) -> polic_ruleset::RuleSet {
    let files = polic_tests::read_fixture(dir);
    let db = polic_sema::Database::default();
    let workspace = db.workspace(files.into_iter().collect(), polic_tests::TODAY);
    let diagnostics = polic_sema::check(&db, workspace);
    assert!(
        diagnostics
            .iter()
            .all(|d| d.severity != polic_diagnostics::Severity::Error),
        "{diagnostics:#?}"
    );
    polic_sema::build::rule_set(&db, workspace).clone()
}

/// Evaluates the fixture and renders it through `render`: the report borrows what it was
/// made from, so it cannot leave this function.
fn evaluate<T>(dir: &Path, at: &str, render: impl FnOnce(&eval::Report) -> T) -> T {
    let rules = rules(dir);
    let mut set = EvidenceSet::default();
    let text = std::fs::read_to_string(dir.join("evidence.jsonl")).expect("evidence");
    assert!(evidence::read_json_lines("evidence.jsonl", &text, &mut set).is_empty());
    let mut scans = Vec::new();
    let sarif = std::fs::read_to_string(dir.join("shop.semgrep.sarif")).expect("sarif");
    let date = Date::parse(at).expect("date");
    assert!(
        evidence::read_sarif("shop.semgrep.sarif", "shop", &sarif, date, &mut scans).is_empty()
    );
    let report = eval::evaluate(
        &rules,
        &set,
        &scans,
        &Options {
            at: date,
            fail_above: Some(12),
        },
    )
    .expect("evaluates");
    render(&report)
}

fn statuses(report: &eval::Report) -> Vec<(String, String, Status)> {
    report
        .apps
        .iter()
        .flat_map(|a| {
            a.items
                .iter()
                .map(|i| (a.app.name.clone(), i.qualified(), i.status))
        })
        .collect()
}

#[test]
fn every_status_before_the_waiver_expires() {
    evaluate(&fixture("statuses"), "2026-06-01", |report| {
        let seen: std::collections::BTreeSet<Status> =
            statuses(report).into_iter().map(|(_, _, s)| s).collect();
        for status in [
            Status::Met,
            Status::Provided,
            Status::Waived,
            Status::Overdue,
            Status::Stale,
            Status::Unmet,
        ] {
            assert!(seen.contains(&status), "{status:?} missing from {seen:?}");
        }
        assert_eq!(report.unmatched.len(), 5, "{:#?}", report.unmatched);
        assert!(!report.gate.pass);
        insta::assert_snapshot!("statuses-2026-06-01", polic_ruleset::report::table(report));
    });
}

#[test]
fn the_waiver_expires() {
    evaluate(&fixture("statuses"), "2026-08-01", |report| {
        let wiki_sast = statuses(report)
            .into_iter()
            .find(|(a, o, _)| a == "wiki" && o == "sast.gate")
            .map(|(_, _, s)| s);
        assert_eq!(wiki_sast, Some(Status::WaiverExpired));
        insta::assert_snapshot!("statuses-2026-08-01", polic_ruleset::report::table(report));
    });
}

#[test]
fn other_formats() {
    evaluate(&fixture("statuses"), "2026-06-01", |report| {
        insta::assert_snapshot!("statuses-markdown", polic_ruleset::report::markdown(report));
        insta::assert_snapshot!("statuses-junit", polic_ruleset::report::junit(report));
        let sarif =
            serde_json::to_string_pretty(&polic_ruleset::report::sarif(report)).expect("json");
        insta::assert_snapshot!("statuses-sarif", sarif);
        insta::assert_snapshot!("statuses-json", polic_ruleset::report::json(report));
    });
}

#[test]
fn rule_set_snapshot_and_round_trip() {
    let rules = rules(&fixture("statuses"));
    let json = serde_json::to_string_pretty(&rules).expect("json");
    let back: polic_ruleset::RuleSet = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, rules);
    // Only the policy's own part: the stdlib clauses are thousands of lines.
    let mut own = rules.clone();
    own.clauses.retain(|c| c.adopted.is_some());
    insta::assert_snapshot!(
        "statuses-ruleset",
        serde_json::to_string_pretty(&own).expect("json")
    );
}

#[test]
fn rule_sets_are_byte_identical_across_builds() {
    let dir = fixture("statuses");
    let first = serde_json::to_string(&rules(&dir)).expect("json");
    assert_eq!(first, serde_json::to_string(&rules(&dir)).expect("json"));
}

/// The rule set of the example organisation validates against docs/ruleset.schema.json.
#[test]
fn rule_sets_follow_the_published_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/ruleset.schema.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    for dir in [root.join("examples/acme"), fixture("statuses")] {
        let rules = serde_json::to_value(rules(&dir)).expect("json");
        let errors: Vec<String> = validator
            .iter_errors(&rules)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
    }
}
