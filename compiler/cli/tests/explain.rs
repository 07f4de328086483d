//! `polic explain clause|control|archetype|app`: the audit chain on tests/cli/audit, whose
//! polic.toml names its evidence, in every format; a policy with errors elsewhere or an
//! expired waiver; an excluded clause; the warning count on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cli")
}

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

const CLAUSE: [&str; 6] = [
    "explain",
    "clause",
    "iso27001#A.8.8",
    "audit",
    "--at",
    "2026-11-22",
];

#[test]
fn the_chain_of_a_clause_in_every_format() {
    let text = polic(&CLAUSE);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    insta::assert_snapshot!("clause-text", stdout(&text));
    let markdown = polic(&[&CLAUSE[..], &["--format", "markdown"]].concat());
    insta::assert_snapshot!("clause-markdown", stdout(&markdown));
    let json = polic(&[&CLAUSE[..], &["--format", "json"]].concat());
    insta::assert_snapshot!("clause-json", stdout(&json));
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(document["schema"], "polic-explain");
    assert_eq!(document["at"], "2026-11-22");
    assert_eq!(document["evidence"], true);
    assert_eq!(document["trace"]["name"], "iso27001#A.8.8");
}

#[test]
fn evidence_flags_replace_the_setting_and_no_evidence_is_said() {
    // A file path: no polic.toml is beside it, so no evidence.
    let bare = polic(&["explain", "clause", "iso27001#A.8.8", "audit/policy.polic"]);
    let text = stdout(&bare);
    assert!(text.contains("no evidence given"), "{text}");
    assert!(text.contains("waiver wiki-patching"), "{text}");
    assert!(!text.contains("obligation cves"), "{text}");
    let flagged = polic(
        &[
            &CLAUSE[..3],
            &[
                "audit/policy.polic",
                "--evidence",
                "audit/evidence.jsonl",
                "--at",
                "2026-11-22",
            ],
        ]
        .concat(),
    );
    assert_eq!(stdout(&flagged), stdout(&polic(&CLAUSE)));
}

#[test]
fn an_expired_waiver_is_a_status() {
    let output = polic(&[
        "explain",
        "clause",
        "iso27001#A.8.8",
        "audit",
        "--at",
        "2027-01-15",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("app wiki \"Wiki\"  archetype service, waiver-expired"),
        "{text}"
    );
    assert!(text.contains("waiver wiki-patching  expired"), "{text}");
}

#[test]
fn errors_elsewhere_are_reported_and_the_rest_traced() {
    let output = polic(
        &[
            &CLAUSE[..3],
            &["audit", "audit-unrelated-error", "--at", "2026-11-22"],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors.contains("error[P0102]: unknown clause `au-99`"),
        "{errors}"
    );
    assert!(
        errors.contains("checked 2 files: 1 error, 1 warning"),
        "{errors}"
    );
    let text = stdout(&output);
    for line in [
        "control hardened-images \"Hardened base images\"  satisfies directly",
        "finding CVE-2026-28890  severity high",
        "waiver wiki-patching  in force",
        "result  needed by 3 apps, met by 2 apps",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
}

#[test]
fn an_excluded_clause_says_why() {
    insta::assert_snapshot!(
        "excluded",
        stdout(&polic(&[
            "explain",
            "clause",
            "nist80053#pe-3",
            "audit",
            "--at",
            "2026-11-22"
        ]))
    );
}

#[test]
fn warnings_are_counted_not_listed() {
    for command in [&CLAUSE[..], &["build", "audit", "-o", "-"]] {
        let quiet = stderr(&polic(command));
        assert!(!quiet.contains("P0701"), "{quiet}");
        assert_eq!(
            quiet.lines().collect::<Vec<_>>(),
            [
                "checked 1 file: 0 errors, 1 warning, 0 hints; `--verbose` or `polic check` lists the warnings"
            ]
        );
        let verbose = stderr(&polic(&[command, &["--verbose"]].concat()));
        assert!(verbose.contains("warning[P0701]"), "{verbose}");
        assert!(
            verbose.ends_with("checked 1 file: 0 errors, 1 warning, 0 hints\n"),
            "{verbose}"
        );
    }
}

/// `eval` and `report` write their product on stdout; the policy's warnings are a count on
/// stderr there too, whatever the format.
#[test]
fn evaluating_commands_count_warnings_too() {
    let at = ["--at", "2026-11-22"];
    for command in [
        &["eval", "audit", "--format", "json"][..],
        &["report", "audit", "--format", "markdown"],
    ] {
        let output = polic(&[command, &at[..]].concat());
        let lines: Vec<String> = stderr(&output)
            .lines()
            .filter(|l| !l.starts_with("gate:") && !l.starts_with("  "))
            .map(str::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "checked 1 file: 0 errors, 1 warning, 0 hints; `--verbose` or `polic check` lists the warnings"
            ],
            "{command:?}"
        );
        let verbose = stderr(&polic(&[command, &at[..], &["--verbose"]].concat()));
        assert!(verbose.contains("warning[P0701]"), "{verbose}");
    }
}

#[test]
fn the_same_did_you_mean_as_check() {
    let check = stdout(&polic(&["check", "audit-unrelated-error", "audit"]));
    assert!(check.contains("did you mean `au-9`?"), "{check}");
    let explain = polic(&["explain", "clause", "nist80053#au-99", "audit"]);
    assert_eq!(explain.status.code(), Some(2));
    let errors = stderr(&explain);
    assert!(
        errors.contains("error: unknown clause `au-99` in standard `nist80053`"),
        "{errors}"
    );
    assert!(
        errors.contains("help: did you mean `nist80053#au-9`?"),
        "{errors}"
    );
}
