//! Every diagnostic's documented example really produces that diagnostic, with the message
//! the doc shows. Keeps `polic explain` honest.

use std::collections::BTreeMap;

use polic_diagnostics::Code;

fn block<'a>(doc: &'a str, lang: &str) -> Option<&'a str> {
    let start = doc.find(&format!("```{lang}\n"))? + lang.len() + 4;
    let end = doc[start..].find("```")? + start;
    Some(&doc[start..end])
}

/// The diagnostics of the tags in a Python file, against the policy in `files`.
fn tag_diagnostics(
    files: &BTreeMap<String, String>,
    code: &str,
) -> Vec<polic_diagnostics::Diagnostic> {
    let db = polic_sema::Database::default();
    let workspace = db.workspace(
        files.iter().map(|(p, t)| (p.clone(), t.clone())).collect(),
        polic_tests::TODAY,
    );
    let rules = polic_sema::build::rule_set(&db, workspace);
    let policy = polic_tags::Policy::new(rules);
    let tags = polic_tags::scan("example.py", code);
    policy
        .resolve(policy.app_of("example.py"), "example.py", &tags)
        .diagnostics
}

#[test]
fn documented_examples_produce_their_diagnostic() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        // File-reading errors have no source example; nor have an app repository's pin
        // problems (polic.toml, polic.lock), which compiler/cli/tests/app_repository.rs shows,
        // nor scanner reports (compiler/cli/tests/scanners.rs).
        if matches!(
            code,
            Code::InvalidUtf8
                | Code::UnreadableFile
                | Code::OutsideWorkspace
                | Code::PolicyChanged
                | Code::PolicyNotLocked
                | Code::PolicyUnavailable
                | Code::PolicyHasErrors
                | Code::MalformedScanReport
                | Code::UnknownScanFormat
        ) {
            continue;
        }
        let doc = code.doc();
        let (Some(source), Some(shown)) = (block(doc, "polic"), block(doc, "text")) else {
            failures.push(format!("{}: no polic or text block", code.as_str()));
            continue;
        };
        let header = shown.lines().next().unwrap_or_default().trim();
        let files = BTreeMap::from([("example.polic".to_string(), source.to_string())]);
        let mut diagnostics = polic_tests::check(&files);
        // Tag codes show a source file beside the policy.
        if let Some(code) = block(doc, "py") {
            diagnostics.extend(tag_diagnostics(&files, code));
        }
        let produced: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}[{}]: {}",
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message
                )
            })
            .collect();
        if !produced.iter().any(|p| p == header) {
            failures.push(format!(
                "{}: doc shows\n    {header}\n  the example produces\n    {}",
                code.as_str(),
                produced.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} docs disagree with the compiler:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
