//! Every part of the SARIF model, as polic fills it in, is valid SARIF 2.1.0: a log of
//! diagnostics with every field set (related locations, notes, suggestions, a file with no
//! text, an absolute path) against the schema shipped in tests/sarif/.

use std::collections::BTreeMap;

use polic_diagnostics::{Code, Diagnostic, Located, Span};
use polic_report::sarif::{Level, Location, Region, Rule};
use polic_report::{Texts, check, sarif};
use serde_json::Value;

fn errors(log: &str) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/sarif/sarif-2.1.0.json"
    );
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let log: Value = serde_json::from_str(log).expect("SARIF is JSON");
    validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

fn at(file: &str, start: usize, end: usize) -> Located {
    Located {
        file: file.to_string(),
        span: Span::new(start, end),
    }
}

#[test]
fn a_log_of_diagnostics_is_valid_sarif() {
    let texts = Texts::new(BTreeMap::from([(
        "p a/policy.polic".to_string(),
        "control c \"é\" { satisfies nowhere#x-1 }\n".to_string(),
    )]));
    let diagnostics = vec![
        Diagnostic::new(
            Code::UnknownStandard,
            "unknown standard `nowhere`",
            at("p a/policy.polic", 27, 34),
        )
        .with_label("no such standard")
        .with_secondary(at("/elsewhere/other.polic", 0, 3), "declared here")
        .with_help("import it")
        .with_suggestion(at("p a/policy.polic", 27, 34), "nist80053")
        .with_note("standards come from imports"),
        Diagnostic::new(
            Code::UnknownClause,
            "unknown clause",
            at("missing.polic", 0, 1),
        ),
    ];
    let log = check::sarif(&diagnostics, &texts).to_json();
    assert_eq!(errors(&log), Vec::<String>::new(), "{log}");
    let value: Value = serde_json::from_str(&log).expect("JSON");
    let run = &value["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let region = &run["results"][0]["locations"][0]["physicalLocation"]["region"];
    // `é` is two bytes and one character: offsets and columns count characters.
    assert_eq!(
        (
            region["charOffset"].as_u64(),
            region["startColumn"].as_u64()
        ),
        (Some(26), Some(27))
    );
    let related = &run["results"][0]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(
        related["artifactLocation"]["uri"],
        "file:///elsewhere/other.polic"
    );
    assert!(related["artifactLocation"].get("uriBaseId").is_none());
}

#[test]
fn a_log_with_properties_fingerprints_and_line_regions_is_valid_sarif() {
    let rules = vec![Rule::new("patching", "control patching")];
    let mut result = sarif::Result::new(
        &rules,
        "patching",
        Level::Warning,
        "shop: patching.cves is unmet".to_string(),
        Location::new("policy.polic", Region::at(3, 14)),
    );
    result.related_locations =
        vec![Location::new("src/a.py", Region::lines(1, 5)).related(0, "implements patching")];
    result
        .partial_fingerprints
        .insert("policRegression/v1".into(), "shop/patching/cves".into());
    result.properties = Some(serde_json::json!({ "app": "shop", "priority": 15 }));
    let log = sarif::Log::new(sarif::Run::new(rules, vec![result])).to_json();
    assert_eq!(errors(&log), Vec::<String>::new(), "{log}");
    // An empty run is a valid log too (a clean check).
    let empty = sarif::Log::new(sarif::Run::new(Vec::new(), Vec::new())).to_json();
    assert_eq!(errors(&empty), Vec::<String>::new(), "{empty}");
}
