//! Scanner reports as `polic eval` and `polic explain` read them: `--scan APP=FORMAT:FILE`
//! and the `scan` setting of polic.toml, each vulnerability an open finding of the app that
//! counts against the controls verified by that scanner.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

/// stdout, stderr and the exit code of polic run from the repository's root.
fn polic(args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("polic runs");
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
        output.status.code().unwrap_or(-1),
    )
}

/// The lines of `text` that mention `needle`.
fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn a_trivy_report_gives_the_app_open_findings() {
    let (out, err, _) = polic(&[
        "eval",
        "examples/acme",
        "--at",
        "2026-11-22",
        "--scan",
        "checkout-web=trivy:tests/scanners/trivy.json",
    ]);
    assert_eq!(err, "");
    // The five vulnerabilities of the report join the pipeline's one finding.
    let app = out
        .split("\n\n")
        .find(|section| section.starts_with("checkout-web ("))
        .expect("the app's section");
    insta::assert_snapshot!(lines_with(app, "dependency-patching.patch-cves ").join("\n"));
    let (trace, err, code) = polic(&[
        "explain",
        "app",
        "checkout-web",
        "examples/acme",
        "--at",
        "2026-11-22",
        "--scan",
        "checkout-web=trivy:tests/scanners/trivy.json",
    ]);
    assert_eq!((err.as_str(), code), ("", 0));
    insta::assert_snapshot!(lines_with(&trace, "tests/scanners/trivy.json").join("\n"));
}

#[test]
fn a_malformed_report_or_an_unknown_format_stops_the_evaluation() {
    let mut shown = Vec::new();
    for scan in [
        "checkout-web=trivy:tests/scanners/malformed-trivy.json",
        "checkout-web=trviy:tests/scanners/trivy.json",
        "checkout-web",
    ] {
        let (out, err, code) = polic(&[
            "eval",
            "examples/acme",
            "--scan",
            scan,
            "--at",
            "2026-11-22",
        ]);
        assert_eq!((out.as_str(), code), ("", 2), "{err}");
        shown.push(err);
    }
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn polic_toml_names_reports_inside_the_workspace_only() {
    let dir = std::env::temp_dir().join(format!("polic-scan-toml-{}", std::process::id()));
    let workspace = dir.join("workspace");
    std::fs::create_dir_all(&workspace).expect("a temporary directory");
    std::fs::copy(
        root().join("tests/scanners/workspace/policy.polic"),
        workspace.join("policy.polic"),
    )
    .expect("copied");
    std::fs::copy(
        root().join("tests/scanners/grype.json"),
        workspace.join("grype.json"),
    )
    .expect("copied");
    std::fs::copy(
        root().join("tests/scanners/grype.json"),
        dir.join("outside.json"),
    )
    .expect("copied");
    let ws = workspace.to_str().expect("UTF-8 path");
    std::fs::write(
        workspace.join("polic.toml"),
        "scan = [\"shop=grype:grype.json\"]\n",
    )
    .expect("written");
    let (trace, err, _) = polic(&["explain", "app", "shop", ws, "--at", "2026-11-22"]);
    assert_eq!(err, "");
    let findings = lines_with(&trace, "finding ");
    assert_eq!(findings.len(), 4, "{trace}");
    std::fs::write(
        workspace.join("polic.toml"),
        "scan = [\"shop=grype:../outside.json\"]\n",
    )
    .expect("written");
    let (_, err, code) = polic(&["eval", ws, "--at", "2026-11-22"]);
    std::fs::remove_dir_all(&dir).expect("cleaned up");
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error[P0007]: evidence file `")
            && err.contains("is outside the workspace"),
        "{err}"
    );
}
