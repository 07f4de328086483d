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
    let text = std::fs::read_to_string(dir.join("evidence.jsonl")).expect("evidence");
    let sarif = std::fs::read_to_string(dir.join("shop.semgrep.sarif")).expect("sarif");
    evaluate_with(
        &rules(dir),
        &text,
        &[("shop", "shop.semgrep.sarif", &sarif)],
        at,
        render,
    )
}

/// Evaluates `rules` with these JSON lines and SARIF logs `(app, file, text)`, which must
/// all read without errors.
fn evaluate_with<T>(
    rules: &polic_ruleset::RuleSet,
    jsonl: &str,
    sarif: &[(&str, &str, &str)],
    at: &str,
    render: impl FnOnce(&eval::Report) -> T,
) -> T {
    let mut set = EvidenceSet::default();
    let errors = evidence::read_json_lines("evidence.jsonl", jsonl, &mut set);
    assert!(errors.is_empty(), "{errors:#?}");
    let mut scans = Vec::new();
    let date = Date::parse(at).expect("date");
    for (app, file, text) in sarif {
        let errors = evidence::read_sarif(file, app, text, date, &mut scans);
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let report = eval::evaluate(
        rules,
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
        insta::assert_snapshot!("statuses-2026-06-01", polic_report::eval::table(report));
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
        insta::assert_snapshot!("statuses-2026-08-01", polic_report::eval::table(report));
    });
}

/// Valid against the SARIF 2.1.0 schema tests/sarif/ ships.
fn assert_valid_sarif(log: &str) {
    let schema = std::fs::read_to_string(fixture("../sarif/sarif-2.1.0.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let log: serde_json::Value = serde_json::from_str(log).expect("SARIF is JSON");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn other_formats() {
    evaluate(&fixture("statuses"), "2026-06-01", |report| {
        insta::assert_snapshot!("statuses-markdown", polic_report::eval::markdown(report));
        insta::assert_snapshot!("statuses-junit", polic_report::eval::junit(report));
        let sarif = polic_report::eval::sarif(report).to_json();
        assert_valid_sarif(&sarif);
        insta::assert_snapshot!("statuses-sarif", sarif);
        let snapshot = polic_history::Snapshot::of(report, Default::default());
        insta::assert_snapshot!("statuses-json", snapshot.to_json());
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

/// The fail-closed fixture with all its evidence, at 2026-06-01.
fn fail_closed<T>(at: &str, render: impl FnOnce(&eval::Report) -> T) -> T {
    let dir = fixture("fail-closed");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    evaluate_with(
        &rules(&dir),
        &read("evidence.jsonl"),
        &[
            ("shop", "shop.semgrep.sarif", &read("shop.semgrep.sarif")),
            (
                "ledger",
                "ledger.semgrep.sarif",
                &read("ledger.semgrep.sarif"),
            ),
        ],
        at,
        render,
    )
}

/// (status, detail) of one app's obligation.
fn item(report: &eval::Report, app: &str, obligation: &str) -> (Status, String) {
    report
        .apps
        .iter()
        .filter(|a| a.app.name == app)
        .flat_map(|a| &a.items)
        .find(|i| i.qualified() == obligation)
        .map(|i| (i.status, i.detail.clone().unwrap_or_default()))
        .unwrap_or_else(|| panic!("{app} {obligation}"))
}

fn reasons(list: &[eval::Unmatched]) -> Vec<String> {
    list.iter()
        .map(|u| format!("{}: {}", u.origin, u.reason))
        .collect()
}

#[test]
fn evidence_never_fails_open() {
    fail_closed("2026-06-01", |report| {
        // A run without results is not a pass (it was `met`).
        let (status, detail) = item(report, "shop", "sast.gate");
        assert_eq!(status, Status::Unmet);
        assert!(
            detail.contains("scan `semgrep` is not a pass: the run has no `results`"),
            "{detail}"
        );
        // Results of kind pass and informational, and notes, are not failures.
        assert_eq!(item(report, "ledger", "sast.gate").0, Status::Met);
        // A pass and a fail of the same day: the failure wins (the last line, a pass, won).
        assert_eq!(
            item(report, "ledger", "patching.cves"),
            (Status::Unmet, "CVE-2026-0003 in openssl".to_string())
        );
        let not_counted = reasons(&report.not_counted);
        assert_eq!(
            not_counted,
            vec![
                "evidence.jsonl:1: collected 2099-01-01, after the evaluation date 2026-06-01: not counted for 2026-06-01",
                "evidence.jsonl:2: passes, but evidence.jsonl:3 fails at the same time (2026-05-30): a failure wins a tie",
                "evidence.jsonl:4: a duplicate of evidence.jsonl:3: same time (2026-05-30) and outcome",
            ]
        );
        // Evidence for a control the app does not require, or that the platform provides.
        let unmatched = reasons(&report.unmatched);
        for expected in [
            "evidence.jsonl:5: app `ledger` does not require control `tls`",
            "evidence.jsonl:7: archetype `platform-web` provides control `tls` to app `shop`: only the platform's evidence counts",
            "evidence.jsonl:8: archetype `service` does not provide control `patching`",
        ] {
            assert!(
                unmatched.iter().any(|u| u == expected),
                "{expected}: {unmatched:#?}"
            );
        }
        insta::assert_snapshot!("fail-closed-table", polic_report::eval::table(report));
    });
}

#[test]
fn platform_controls_need_the_platforms_evidence() {
    let rules = rules(&fixture("fail-closed"));
    // No platform evidence: unmet, as an app's own missing evidence would be (was `provided`).
    evaluate_with(&rules, "", &[], "2026-06-01", |report| {
        assert_eq!(
            item(report, "shop", "tls.tls-only"),
            (
                Status::Unmet,
                "provided by archetype `platform-web`: no platform evidence".to_string()
            )
        );
        assert!(
            !report.apps[1].uncovered.contains(&2),
            "provision speaks to it"
        );
    });
    let failing =
        r#"{"archetype":"platform-web","control":"tls","status":"fail","collected":"2026-05-01"}"#;
    evaluate_with(&rules, failing, &[], "2026-06-01", |report| {
        // Past the control's 20 days, as an app's own failing evidence would be.
        assert_eq!(
            item(report, "shop", "tls.tls-only"),
            (
                Status::Overdue,
                "provided by archetype `platform-web`: the platform's evidence fails".to_string()
            )
        );
    });
    let passing = r#"{"archetype":"platform-web","control":"tls","status":"pass","collected":"2026-05-01","expires":"2026-06-01"}"#;
    evaluate_with(&rules, passing, &[], "2026-06-01", |report| {
        assert_eq!(item(report, "shop", "tls.tls-only").0, Status::Provided);
    });
}

#[test]
fn a_run_that_did_not_succeed_is_not_a_pass() {
    let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},
        "invocations":[{"executionSuccessful":false,"endTimeUtc":"2026-05-31T10:00:00Z"}],"results":[]}]}"#;
    evaluate_with(
        &rules(&fixture("fail-closed")),
        "",
        &[("shop", "shop.sarif", sarif)],
        "2026-06-01",
        |report| {
            assert_eq!(
                item(report, "shop", "sast.gate"),
                (
                    Status::Unmet,
                    "scan `semgrep` is not a pass: invocation 0 did not succeed (`executionSuccessful: false`)"
                        .to_string()
                )
            );
        },
    );
}

#[test]
fn times_compare_at_the_end_of_the_evaluation_day_in_utc() {
    let rules = rules(&fixture("fail-closed"));
    // 2026-06-01T00:30Z: after 2026-05-31, within 2026-06-01.
    let late = r#"{"app":"shop","control":"patching","status":"pass","collected":"2026-05-31T23:30:00-01:00"}"#;
    evaluate_with(&rules, late, &[], "2026-05-31", |report| {
        assert_eq!(item(report, "shop", "patching.cves").0, Status::Unmet);
        assert_eq!(report.not_counted.len(), 1, "{:#?}", report.not_counted);
    });
    evaluate_with(&rules, late, &[], "2026-06-01", |report| {
        assert_eq!(item(report, "shop", "patching.cves").0, Status::Met);
    });
    // An instant as expiry holds until that instant.
    let expiring = r#"{"app":"shop","control":"patching","status":"pass","collected":"2026-05-01","expires":"2026-06-01T12:00:00Z"}"#;
    evaluate_with(&rules, expiring, &[], "2026-06-01", |report| {
        assert_eq!(
            item(report, "shop", "patching.cves"),
            (
                Status::Stale,
                "evidence expired on 2026-06-01T12:00:00Z".to_string()
            )
        );
    });
}

#[test]
fn oscal_keeps_instants_and_names_only_the_clauses_that_map() {
    fail_closed("2026-06-01", |report| {
        let dir = fixture("fail-closed");
        let mut set = EvidenceSet::default();
        let text = std::fs::read_to_string(dir.join("evidence.jsonl")).expect("evidence");
        evidence::read_json_lines("evidence.jsonl", &text, &mut set);
        let documents =
            polic_oscal::export::assessment_results(report, &set, &[]).expect("exports");
        let shop = documents
            .iter()
            .find(|d| d.file == "assessment-results-shop.json")
            .expect("shop");
        let collected: Vec<&str> = shop.json["assessment-results"]["results"][0]["observations"]
            .as_array()
            .expect("observations")
            .iter()
            .filter_map(|o| o["collected"].as_str())
            .collect();
        // Written with their offsets (were 2026-03-01T00:00:00Z and 2026-05-31T00:00:00Z).
        assert_eq!(
            collected,
            vec!["2026-03-01T04:10:00+02:00", "2026-05-31T23:30:00-01:00"]
        );
        let definitions =
            polic_oscal::export::component_definitions(report.rules, report.at).expect("exports");
        let text = definitions.iter().map(|d| d.text()).collect::<String>();
        assert!(
            text.contains("through a `map` from nist80053#si-2.)"),
            "{text}"
        );
        assert!(!text.contains("through a `map` from nist80053#si-2, nist80053#ra-5"));
    });
}

#[test]
fn rule_sets_are_validated_and_priorities_never_wrap() {
    let mut rules = rules(&fixture("fail-closed"));
    assert_eq!(rules.validate(), Ok(()));
    // 2³¹ × rank 3 wraps in 32 bits.
    rules.controls[0].weight = 1 << 31;
    rules.waivers.push(polic_ruleset::schema::Waiver {
        name: "w".to_string(),
        app: "shop".to_string(),
        control: "patchin".to_string(),
        obligation: None,
        reason: None,
        requested_by: None,
        approved_by: None,
        expires: Some("2026-13-01".to_string()),
        source: String::new(),
    });
    let problems: Vec<String> = rules
        .validate()
        .expect_err("invalid")
        .iter()
        .map(|p| format!("{p} ({})", p.help.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        problems,
        vec![
            "$.controls[0].weight: weight 2147483648 of control `patching` is out of range: at most 1431655765, so that weight × criticality rank (up to 3) fits in 32 bits (lower the risk model's level values)",
            "$.waivers[0].control: waiver `w` is on unknown control `patchin` (did you mean `patching`?)",
            "$.waivers[0].expires: waiver `w` expires on `2026-13-01`, which is not a date (write YYYY-MM-DD)",
        ]
    );
    rules.waivers.clear();
    let error = eval::evaluate(
        &rules,
        &EvidenceSet::default(),
        &[],
        &Options {
            at: polic_tests::TODAY,
            fail_above: Some(0),
        },
    )
    .expect_err("overflows");
    assert_eq!(
        error.to_string(),
        "priority of control `patching` for app `ledger` overflows: weight 2147483648 × criticality rank 3"
    );
}

#[test]
fn clauses_are_listed_in_natural_order() {
    fail_closed("2026-06-01", |report| {
        let asvs: Vec<&str> = report
            .clauses
            .iter()
            .filter(|c| c.standard == "asvs4")
            .map(|c| c.clause.as_str())
            .collect();
        assert_eq!(
            asvs,
            vec![
                "asvs4#V1.2.1",
                "asvs4#V2.1.1",
                "asvs4#V10.1.1",
                "asvs4#V10.2.1"
            ]
        );
    });
}

#[test]
fn metric_targets_are_judged_per_app() {
    let dir = fixture("metrics");
    let text = std::fs::read_to_string(dir.join("evidence.jsonl")).expect("evidence");
    // By hand, at 2026-03-31:
    // - critical fixes took 4 d and 20 d: p90 (rank ceil(1.8) = 2) 20 d = 480 h > 360 h:
    //   unmet. CVE-3 (high, KEV due 03-20) is open 11 days past its due date: count 1,
    //   unmet.
    // - 30 days from 2026-03-02: d1, d2, d3; d1 caused i1: 1/3 = 33.3 % > 15 %, unmet,
    //   band low (> 30 %).
    // - d1 recovered at i1's resolution: 10:00 to 11:00 = 1 h < 4 h, met; not under 1 h,
    //   so band high.
    // - lead time c2 2 h, c1 24 h: median 13 h <= 24 h, met; under a week: high.
    evaluate_with(&rules(&dir), &text, &[], "2026-03-31", |report| {
        insta::assert_snapshot!("metrics-table", polic_report::eval::table(report));
        insta::assert_snapshot!("metrics-markdown", polic_report::eval::markdown(report));
    });
}
