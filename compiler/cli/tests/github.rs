//! `polic eval --format github` as a GitHub Actions job sees it: one workflow annotation per
//! open obligation at its source line (an error when it fails the gate), and the Markdown
//! report appended to the job summary file GitHub names in `GITHUB_STEP_SUMMARY`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval/statuses")
}

fn eval(format: &str, summary: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_polic"));
    command
        .args(["eval", ".", "--evidence", "evidence.jsonl"])
        .args(["--sarif", "shop=shop.semgrep.sarif", "--at", "2026-08-01"])
        .args(["--format", format])
        .current_dir(fixture())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    if let Some(summary) = summary {
        command.env("GITHUB_STEP_SUMMARY", summary);
    }
    command.output().expect("polic runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("github-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

#[test]
fn annotations_sit_at_the_obligations_and_the_gate_sets_the_exit_code() {
    let output = eval("github", None);
    assert_eq!(
        output.status.code(),
        Some(1),
        "overdue obligations fail the gate"
    );
    insta::assert_snapshot!("eval-github", text(&output.stdout));
    // The failing-gate lines stay on stderr, where the log shows them under the step.
    assert!(text(&output.stderr).contains("gate: FAIL"));
}

#[test]
fn the_job_summary_gets_the_markdown_report_appended() {
    let dir = scratch("summary");
    let summary = dir.join("step_summary.md");
    // GitHub's file may already hold other steps' summaries: they are kept.
    std::fs::write(&summary, "## an earlier step\n").expect("write summary");
    let annotated = eval("github", Some(&summary));
    assert_eq!(annotated.status.code(), Some(1));
    assert_eq!(
        text(&annotated.stdout),
        text(&eval("github", None).stdout),
        "the summary changes nothing on stdout"
    );
    let markdown = text(&eval("markdown", None).stdout);
    assert_eq!(
        std::fs::read_to_string(&summary).expect("summary written"),
        format!("## an earlier step\n{markdown}")
    );
}

#[test]
fn an_unwritable_job_summary_is_a_usage_error() {
    let dir = scratch("unwritable");
    let output = eval("github", Some(&dir));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stderr = text(&output.stderr).replace(&dir.display().to_string(), "DIR");
    insta::assert_snapshot!("eval-github-unwritable-summary", stderr);
}
