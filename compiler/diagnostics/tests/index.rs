//! docs/diagnostics.md is generated from the codes and their docs; this test keeps it in
//! step. Regenerate with `POLIC_UPDATE_DOCS=1 cargo test -p polic-diagnostics`.

use polic_diagnostics::Code;

fn index() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n\
         Every diagnostic polic reports, by its stable code. `polic explain CODE` prints the same\n\
         text. Lints (warnings and hints) can be re-levelled in the policy with\n\
         `lint NAME = allow | hint | warn | error`.\n\n\
         This file is generated from `compiler/diagnostics/docs/`; edit those, then run\n\
         `POLIC_UPDATE_DOCS=1 cargo test -p polic-diagnostics`.\n\n\
         | code | name | level | summary |\n| --- | --- | --- | --- |\n",
    );
    for code in Code::ALL {
        out += &format!(
            "| [{0}](#{1}) | `{2}` | {3} | {4} |\n",
            code.as_str(),
            code.as_str().to_lowercase(),
            code.name(),
            code.default_severity().as_str(),
            code.summary()
        );
    }
    for code in Code::ALL {
        // Headings one level down, under an anchor named by the code.
        let doc = code.doc().trim_end().replace("\n## ", "\n### ");
        let doc = doc.strip_prefix("# ").unwrap_or(&doc);
        out += &format!(
            "\n<a id=\"{}\"></a>\n\n## {doc}\n",
            code.as_str().to_lowercase()
        );
    }
    out
}

#[test]
fn diagnostics_index_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let expected = index();
    if std::env::var_os("POLIC_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("docs/diagnostics.md is writable");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/diagnostics.md is stale: run POLIC_UPDATE_DOCS=1 cargo test -p polic-diagnostics"
    );
}

#[test]
fn every_code_has_a_complete_doc() {
    for code in Code::ALL {
        let doc = code.doc();
        assert!(
            doc.starts_with(&format!("# {}: ", code.as_str())),
            "{} doc title",
            code.as_str()
        );
        for section in ["## Why", "## Example", "## Fix"] {
            assert!(
                doc.contains(section),
                "{} doc lacks {section}",
                code.as_str()
            );
        }
    }
}

#[test]
fn codes_and_names_are_unique() {
    let mut codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
    codes.sort_unstable();
    names.sort_unstable();
    let (n_codes, n_names) = (codes.len(), names.len());
    codes.dedup();
    names.dedup();
    assert_eq!((codes.len(), names.len()), (n_codes, n_names));
}
