//! SARIF logs as consumers read them: valid against the SARIF 2.1.0 schema, file locations
//! relative to the workspace root under `%SRCROOT%`, offsets in the characters the log
//! declares, the same whichever directory polic runs from.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

fn polic_in(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("polic runs");
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn validate(log: &str) -> Value {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/sarif/sarif-2.1.0.json")).expect("schema"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let log: Value = serde_json::from_str(log).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    log
}

fn artifact_locations(log: &Value) -> Vec<&Value> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect()
}

#[test]
fn the_log_is_the_same_from_any_directory() {
    let policy = root().join("tests/cli/errors");
    let from_elsewhere = polic_in(
        &std::env::temp_dir(),
        &[
            "check",
            policy.to_str().expect("UTF-8 path"),
            "--format",
            "sarif",
        ],
    );
    let log = validate(&from_elsewhere);
    assert_eq!(
        from_elsewhere,
        polic_in(
            &root().join("tests/cli"),
            &["check", "errors", "--format", "sarif"]
        ),
        "paths are relative to the workspace root, not to where polic ran"
    );
    let driver = &log["runs"][0]["tool"]["driver"];
    assert!(
        driver["informationUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
}

#[test]
fn paths_are_relative_to_the_repository_as_code_scanning_resolves_them() {
    let log = validate(&polic_in(
        &root().join("tests/cli"),
        &["check", "errors", "--format", "sarif"],
    ));
    for location in artifact_locations(&log) {
        // From the checkout's top, wherever polic ran: GitHub resolves them there.
        assert_eq!(location["uri"], "tests/cli/errors/policy.polic");
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
    }
    // The base has no absolute URI, which would differ between checkouts.
    let base = &log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"];
    assert!(
        base.get("uri").is_none() && base["description"]["text"].is_string(),
        "{base}"
    );
}

#[test]
fn offsets_count_characters_as_the_log_declares() {
    let dir = std::env::temp_dir().join(format!("polic-sarif-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("p a")).expect("temporary directory");
    // `é` and `𝄞` are 2 and 4 bytes but one character each.
    let text = "// é 𝄞\ncontrol c \"é\" { satisfies nowhere#x-1 }\n";
    std::fs::write(dir.join("p a/a b.polic"), text).expect("write");
    let log = validate(&polic_in(&dir, &["check", "p a", "--format", "sarif"]));
    let results = log["runs"][0]["results"].as_array().expect("results");
    let unknown_standard = results
        .iter()
        .find(|r| r["ruleId"] == "P0103")
        .expect("the unknown standard is reported");
    let result = &unknown_standard["locations"][0]["physicalLocation"];
    assert_eq!(result["artifactLocation"]["uri"], "a%20b.polic");
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    let region = &result["region"];
    let offset = region["charOffset"].as_u64().expect("charOffset") as usize;
    let length = region["charLength"].as_u64().expect("charLength") as usize;
    let named: String = text.chars().skip(offset).take(length).collect();
    assert_eq!(named, "nowhere");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn junit_lists_only_the_files_checked() {
    let junit = polic_in(
        &root().join("tests/cli"),
        &["check", "errors", "--format", "junit"],
    );
    assert!(
        junit.contains("name=\"&lt;stdlib&gt;/nist80053.polic\""),
        "{junit}"
    );
    assert!(
        !junit.contains("asvs4") && !junit.contains("iso27001"),
        "{junit}"
    );
}

#[test]
fn eval_and_diff_logs_are_valid_and_declare_their_columns() {
    let dir = std::env::temp_dir().join(format!("polic-sarif-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let fixture = "tests/eval/statuses";
    let evaluate = |at: &str, format: &str| {
        polic_in(
            &root(),
            &[
                "eval",
                fixture,
                "--at",
                at,
                "--evidence",
                &format!("{fixture}/evidence.jsonl"),
                "--sarif",
                &format!("shop={fixture}/shop.semgrep.sarif"),
                "--format",
                format,
            ],
        )
    };
    let eval = validate(&evaluate("2026-06-01", "sarif"));
    assert_eq!(eval["runs"][0]["columnKind"], "unicodeCodePoints");
    // Past the waiver's expiry obligations regress: one result each.
    let [before, after] = ["2026-06-01", "2026-08-01"].map(|at| {
        let path = dir.join(format!("{at}.json"));
        std::fs::write(&path, evaluate(at, "json")).expect("write the snapshot");
        path.to_str().expect("UTF-8 path").to_string()
    });
    let diff = validate(&polic_in(
        &root(),
        &["diff", &before, &after, "--format", "sarif"],
    ));
    let run = &diff["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty(), "{diff}");
    for result in results {
        assert_eq!(result["level"], "error");
        let rule =
            &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().expect("index") as usize];
        assert_eq!(rule["id"], result["ruleId"]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
