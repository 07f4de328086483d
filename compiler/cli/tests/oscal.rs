//! `polic import oscal` and `polic export oscal` end to end, on the fixtures in tests/oscal
//! and the OSCAL data vendored in stdlib/data. tests/oscal/run.sh validates what is exported
//! with an independent OSCAL implementation (compliance-trestle).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oscal")
}

const CATALOG: &str = "../../stdlib/data/oscal/catalog-5.0.1-2021/NIST_SP-800-53_rev5_catalog.json";

/// Runs `polic` in the fixtures directory, so that paths in its output are short.
fn polic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .output()
        .expect("polic runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("output is UTF-8")
}

/// A fresh directory under the system's temporary one.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polic-oscal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn bad_oscal_is_reported_with_json_paths() {
    let output = polic(&["import", "oscal", "bad/catalog.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "\
error: bad/catalog.json: $.catalog.metadata.title: expected a string, found a number
error: bad/catalog.json: $.catalog.metadata.last-modified: missing
error: bad/catalog.json: $.catalog.groups[0].controls[1].id: missing
error: bad/catalog.json: $.catalog.groups[0].controls[2].id: duplicate control id `ac-1` (first at $.catalog.groups[0].controls[0].id)
error: bad/catalog.json: $.catalog.groups[1].title: missing
error: bad/catalog.json: $.catalog.groups[1].controls: expected an array, found a string
error: bad/catalog.json is not OSCAL polic can import (6 problems); nothing was written
"
    );
    let not_json = polic(&["import", "oscal", "kit/policy.polic"]);
    assert_eq!(not_json.status.code(), Some(2));
    assert!(stderr(&not_json).starts_with("error: kit/policy.polic is not JSON: "));
}

#[test]
fn other_oscal_models_are_named() {
    let dir = scratch("model");
    let ssp = dir.join("ssp.json");
    std::fs::write(&ssp, r#"{"system-security-plan": {}}"#).expect("written");
    let output = polic(&["import", "oscal", path(&ssp)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "$.system-security-plan: an OSCAL system-security-plan: polic imports catalogs, profiles and component definitions"
        ),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn profile_patterns_expand_against_the_catalog() {
    let without = polic(&["import", "oscal", "profile-patterns.json"]);
    assert_eq!(without.status.code(), Some(2));
    assert_eq!(
        stderr(&without),
        "\
error: profile-patterns.json: $.profile.imports[0].include-controls[0].matching[0].pattern: `ac-2*` needs the catalog to expand: give --catalog
error: profile-patterns.json: $.profile.imports[0].include-controls[1].with-child-controls: `yes` needs the catalog to find the children: give --catalog
error: profile-patterns.json is not OSCAL polic can import (2 problems); nothing was written
"
    );
    let output = polic(&[
        "import",
        "oscal",
        "profile-patterns.json",
        "--catalog",
        CATALOG,
        "--standard",
        "nist80053",
        "--name",
        "account-management",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    insta::assert_snapshot!("profile-patterns", text);
    // What was imported checks cleanly against the standard library.
    let dir = scratch("patterns");
    std::fs::write(dir.join("profile.polic"), &text).expect("written");
    std::fs::write(
        dir.join("policy.polic"),
        "import std.nist80053\npolicy p \"p\" {\n  adopt account-management\n  lint uncovered = allow\n}\n",
    )
    .expect("written");
    let check = polic(&["check", path(&dir)]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        stdout(&check).ends_with("0 errors, 0 warnings, 0 hints\n"),
        "{}",
        stdout(&check)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_starter_kit_leaves_the_organisational_clauses_uncovered() {
    let output = polic(&["check", "kit"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("kit-uncovered", stdout(&output));
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a directory")
        .map(|e| e.expect("an entry").path())
        .collect();
    files.sort();
    files
}

/// Exports twice into two directories: the same files, byte for byte.
fn export_twice(args: &[&str], name: &str) -> PathBuf {
    let (first, second) = (scratch(&format!("{name}-1")), scratch(&format!("{name}-2")));
    for dir in [&first, &second] {
        let mut all = vec!["export", "oscal", "kit"];
        all.extend_from_slice(args);
        all.extend(["--at", "2026-06-01", "-o", path(dir)]);
        let output = polic(&all);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let names = |dir: &Path| -> Vec<String> {
        files(dir)
            .iter()
            .map(|f| {
                f.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    assert_eq!(names(&first), names(&second));
    for file in files(&first) {
        let other = second.join(file.file_name().expect("a name"));
        assert_eq!(
            std::fs::read(&file).expect("readable"),
            std::fs::read(&other).expect("readable"),
            "{} is not deterministic",
            file.display()
        );
    }
    let _ = std::fs::remove_dir_all(&second);
    first
}

/// Importing an exported component definition gives a profile of exactly the clauses the
/// archetype's controls satisfy (directly or through a mapping).
#[test]
fn component_definitions_round_trip() {
    let dir = export_twice(&["--component-definition"], "components");
    let build = polic(&["build", "kit", "--today", "2026-06-01"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let rules: Value = serde_json::from_slice(&build.stdout).expect("a rule set");
    let archetypes = rules["archetypes"].as_array().expect("archetypes");
    let mut exported = 0;
    for archetype in archetypes {
        let name = archetype["name"].as_str().expect("a name");
        let lineage: Vec<&Value> = archetype["lineage"]
            .as_array()
            .expect("a lineage")
            .iter()
            .collect();
        let expected: BTreeSet<String> = rules["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .filter(|c| {
                c["applies"].as_array().into_iter().flatten().any(|a| {
                    a["archetypes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|n| lineage.contains(&n))
                })
            })
            .flat_map(|c| {
                let direct = c["satisfies"].as_array().cloned().unwrap_or_default();
                let mapped = c["via_mappings"].as_array().cloned().unwrap_or_default();
                direct.into_iter().chain(mapped)
            })
            .map(|r| r.as_str().expect("a reference").to_string())
            .collect();
        let file = dir.join(format!("component-definition-{name}.json"));
        assert!(
            file.exists(),
            "{name} has controls, so a component definition"
        );
        let imported = polic(&["import", "oscal", path(&file), "--name", "imported"]);
        assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
        let work = scratch(&format!("round-trip-{name}"));
        std::fs::write(work.join("imported.polic"), stdout(&imported)).expect("written");
        std::fs::write(
            work.join("policy.polic"),
            "import std.starter\npolicy p \"p\" {\n  adopt imported\n  lint uncovered = allow\n}\n",
        )
        .expect("written");
        let rebuilt = polic(&["build", path(&work), "--today", "2026-06-01"]);
        assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
        let rebuilt: Value = serde_json::from_slice(&rebuilt.stdout).expect("a rule set");
        let adopted: BTreeSet<String> = rebuilt["clauses"]
            .as_array()
            .expect("clauses")
            .iter()
            .filter(|c| !c["adopted"].is_null())
            .map(|c| {
                format!(
                    "{}#{}",
                    c["standard"].as_str().unwrap_or_default(),
                    c["id"].as_str().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(adopted, expected, "archetype {name}");
        exported += 1;
        let _ = std::fs::remove_dir_all(&work);
    }
    assert_eq!(files(&dir).len(), exported);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn assessment_results_report_evidence_and_findings() {
    let dir = export_twice(
        &["--assessment-results", "--evidence", "kit/evidence.jsonl"],
        "results",
    );
    let names: Vec<String> = files(&dir)
        .iter()
        .map(|f| {
            f.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "assessment-results-nightly-export.json",
            "assessment-results-orders-api.json",
            "assessment-results-storefront.json"
        ]
    );
    let results = read_json(&dir.join("assessment-results-storefront.json"));
    let result = &results["assessment-results"]["results"][0];
    let observations: Vec<String> = result["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .map(|o| {
            format!(
                "{} | collected {} | expires {} | {}",
                o["title"].as_str().unwrap_or_default(),
                o["collected"].as_str().unwrap_or_default(),
                o["expires"].as_str().unwrap_or("-"),
                o["description"].as_str().unwrap_or_default()
            )
        })
        .collect();
    insta::assert_snapshot!("storefront-observations", observations.join("\n"));
    let state = |target: &str| -> String {
        result["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["target"]["target-id"] == target)
            .map(|f| {
                f["target"]["status"]["state"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .unwrap_or_else(|| "absent".to_string())
    };
    // TLS holds (its one obligation passed); headers fail; nothing meets physical security.
    assert_eq!(state("V12.2.1_obj"), "satisfied");
    assert_eq!(state("V3.4.3_obj"), "not-satisfied");
    assert_eq!(state("pe-3_obj"), "not-satisfied");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_needs_a_document_kind() {
    let output = polic(&["export", "oscal", "kit", "-o", "unused"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!fixtures().join("unused").exists());
}
