//! The `polic` binary end to end: exit codes, every output format, file errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cli")
}

/// Runs `polic` in the fixtures directory, so paths in output are short and stable.
fn polic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(fixtures())
        .env_remove("NO_COLOR")
        .output()
        .expect("polic runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

#[test]
fn exit_codes() {
    assert_eq!(polic(&["check", "clean"]).status.code(), Some(0));
    assert_eq!(polic(&["check", "errors"]).status.code(), Some(1));
    assert_eq!(polic(&["check", "warnings"]).status.code(), Some(0));
    assert_eq!(
        polic(&["check", "warnings", "--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(polic(&["check", "no-such-dir"]).status.code(), Some(2));
    assert_eq!(
        polic(&["check", "--format", "yaml", "clean"]).status.code(),
        Some(2)
    );
    assert_eq!(polic(&["explain", "P9999"]).status.code(), Some(2));
    assert_eq!(polic(&["explain", "P0102"]).status.code(), Some(0));
}

#[test]
fn the_example_checks_cleanly() {
    let output = polic(&["check", "../../examples/acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).ends_with("0 errors, 0 warnings, 0 hints\n"));
}

#[test]
fn human_output_has_no_colour_when_piped() {
    let output = polic(&["check", "errors"]);
    let text = stdout(&output);
    assert!(!text.contains('\x1b'));
    insta::assert_snapshot!("human", text);
}

#[test]
fn colour_when_asked() {
    assert!(stdout(&polic(&["check", "errors", "--color", "always"])).contains('\x1b'));
}

#[test]
fn json_output() {
    insta::assert_snapshot!(
        "json",
        stdout(&polic(&["check", "errors", "--format", "json"]))
    );
}

#[test]
fn github_output() {
    insta::assert_snapshot!(
        "github",
        stdout(&polic(&["check", "errors", "--format", "github"]))
    );
}

#[test]
fn junit_output() {
    insta::assert_snapshot!(
        "junit",
        stdout(&polic(&["check", "errors", "--format", "junit"]))
    );
}

/// The fields GitHub code scanning requires of an uploaded SARIF file.
#[test]
fn sarif_has_what_code_scanning_requires() {
    let output = stdout(&polic(&["check", "errors", "--format", "sarif"]));
    let sarif: serde_json::Value = serde_json::from_str(&output).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "polic");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let rule = &rules[result["ruleIndex"].as_u64().expect("ruleIndex") as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["help"]["text"].is_string());
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with(".polic"))
        );
        assert!(
            location["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
        assert!(
            location["region"]["startColumn"]
                .as_u64()
                .is_some_and(|c| c >= 1)
        );
    }
    insta::assert_snapshot!("sarif", output);
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["human", "json", "sarif", "github", "junit"] {
        let first = polic(&["check", "errors", "--format", format]).stdout;
        assert_eq!(
            first,
            polic(&["check", "errors", "--format", format]).stdout,
            "{format}"
        );
    }
}

#[test]
fn file_errors() {
    let dir = std::env::temp_dir().join(format!("polic-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("latin1.polic"), b"app caf\xe9 { }\n").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(["check", "latin1.polic"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("error[P0005]: file is not valid UTF-8"),
        "{text}"
    );
    assert!(text.contains("latin1.polic:1:8"), "{text}");

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let output = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(["check", "empty"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no .polic files under empty"));

    #[cfg(unix)]
    {
        let linked = dir.join("linked");
        std::fs::create_dir_all(&linked).expect("dir");
        let _ = std::fs::remove_file(linked.join("gone.polic"));
        std::os::unix::fs::symlink("nowhere.polic", linked.join("gone.polic")).expect("symlink");
        let output = Command::new(env!("CARGO_BIN_EXE_polic"))
            .args(["check", "linked"])
            .current_dir(&dir)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let text = stdout(&output);
        assert!(
            text.contains("error[P0006]: cannot read `gone.polic`: it is a broken symbolic link"),
            "{text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_prints_the_doc() {
    let text = stdout(&polic(&["explain", "unknown-clause"]));
    assert!(text.starts_with("# P0102: unknown clause"), "{text}");
    assert!(text.contains("name: unknown-clause"));
}

#[test]
fn stdlib_lists_modules() {
    let text = stdout(&polic(&["stdlib"]));
    for module in ["std.nist80053", "std.iso27001", "std.asvs5"] {
        assert!(text.contains(module), "{text}");
    }
}

#[test]
fn build_writes_a_rule_set_or_refuses() {
    let output = polic(&["build", "clean"]);
    assert_eq!(output.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a rule set");
    assert_eq!(rules["schema"], "polic-ruleset");
    let refused = polic(&["build", "errors"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        refused.stdout.is_empty(),
        "no rule set is written when the policy has errors"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("the policy has errors"));

    let dir = std::env::temp_dir().join(format!("polic-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let target = dir.join("rules.json");
    let output = polic(&["build", "clean", "-o", target.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&target)
            .expect("written")
            .starts_with('{')
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the rule set, no temporary file: {leftovers:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn example_eval(args: &[&str]) -> Output {
    let mut all = vec![
        "eval",
        "../../examples/acme",
        "--at",
        "2026-11-22",
        "--evidence",
        "../../examples/acme/evidence/pipeline.jsonl",
        "--sarif",
        "checkout-web=../../examples/acme/evidence/checkout-web.semgrep.sarif",
    ];
    all.extend_from_slice(args);
    polic(&all)
}

#[test]
fn eval_of_the_example() {
    let output = example_eval(&[
        "--app",
        "payments-api",
        "--app",
        "support-portal",
        "--app",
        "ledger-service",
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "overdue obligations fail the gate"
    );
    insta::assert_snapshot!("eval-table", stdout(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&example_eval(&["--format", "json"]).stdout).expect("json");
    assert_eq!(json["apps"].as_array().map(Vec::len), Some(8));
    assert_eq!(json["unmatched"].as_array().map(Vec::len), Some(3));
    let after_expiry = polic(&[
        "eval",
        "../../examples/acme",
        "--at",
        "2027-07-01",
        "--app",
        "settlement-batch",
        "--format",
        "markdown",
    ]);
    assert_eq!(after_expiry.status.code(), Some(1));
    assert!(stdout(&after_expiry).contains("`encryption-at-rest.kms-storage` | waiver-expired"));
}

#[test]
fn eval_input_errors() {
    let output = polic(&["eval", "clean", "--evidence", "malformed.jsonl"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("eval-malformed", String::from_utf8_lossy(&output.stderr));
    let output = polic(&["eval", "clean", "--app", "shp"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `shop`?"));
    let output = polic(&["eval", "clean", "--sarif", "nofile.sarif"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn policy_tests() {
    let output = polic(&["test", "../../examples/acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = polic(&["test", "failing-test"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("test-failure", stdout(&output));
    let junit = stdout(&polic(&["test", "failing-test", "--format", "junit"]));
    assert!(junit.contains("<failure message=\"tests/cli/failing-test/policy.polic:12:3: expected `tls` required, but it is not required\">"), "{junit}");
}

#[test]
fn explain_definitions() {
    insta::assert_snapshot!(
        "explain-control",
        stdout(&polic(&[
            "explain",
            "control",
            "dependency-patching",
            "../../examples/acme",
            "--at",
            "2026-11-22"
        ]))
    );
    insta::assert_snapshot!(
        "explain-clause",
        stdout(&polic(&[
            "explain",
            "clause",
            "iso27001#A.8.8",
            "../../examples/acme",
            "--at",
            "2026-11-22"
        ]))
    );
    insta::assert_snapshot!(
        "explain-app",
        stdout(&polic(&[
            "explain",
            "app",
            "payments-api",
            "../../examples/acme",
            "--at",
            "2026-11-22"
        ]))
    );
    insta::assert_snapshot!(
        "explain-archetype",
        stdout(&polic(&[
            "explain",
            "archetype",
            "k8s-web-service",
            "../../examples/acme",
            "--at",
            "2026-11-22"
        ]))
    );
    let unknown = polic(&[
        "explain",
        "control",
        "dependency-patchin",
        "../../examples/acme",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("did you mean `dependency-patching`?")
    );
}

#[test]
fn diff_between_policies() {
    let same = polic(&["diff", "clean", "clean"]);
    assert_eq!(stdout(&same), "no changes\n");
    let changed = polic(&["diff", "clean", "failing-test"]);
    insta::assert_snapshot!("diff", stdout(&changed));
}

#[test]
fn explain_app_with_other_facts_shows_what_appears_and_disappears() {
    let output = polic(&[
        "explain",
        "app",
        "marketing-site",
        "../../examples/acme",
        "--with",
        "data={pii}",
        "--with",
        "regulated=true",
    ]);
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("what-if", stdout(&output));
    // A fact its archetype fixes, and a misspelt fact, are errors with help.
    for (with, expected) in [
        (
            "exposure=partner",
            "archetype `k8s-web-service` fixes `exposure`",
        ),
        ("exposre=internet", "did you mean `exposure`?"),
        ("criticality=hgih", "did you mean `high`?"),
    ] {
        let output = polic(&[
            "explain",
            "app",
            "marketing-site",
            "../../examples/acme",
            "--with",
            with,
        ]);
        assert_eq!(output.status.code(), Some(2), "{with}");
        assert!(
            stderr(&output).contains(expected),
            "{with}: {}",
            stderr(&output)
        );
    }
}
