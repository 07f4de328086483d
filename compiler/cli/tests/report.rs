//! `polic report` end to end on examples/acme with a history of two recorded snapshots:
//! the Markdown as a golden file, the HTML byte-identical across runs and working
//! directories, and the default store never created when nothing was recorded.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn polic(cwd: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(cwd)
        .env_remove("POLIC_STORE")
        .output()
        .expect("polic runs");
    assert!(
        output.status.success(),
        "polic {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A fresh directory holding a store with acme's evaluations at two earlier dates.
fn history(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polic-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let store = dir.join("history.sqlite");
    for at in ["2026-09-01", "2026-10-15"] {
        polic(
            &root(),
            &[
                "eval",
                "examples/acme",
                "--at",
                at,
                "--record",
                "--store",
                store.to_str().expect("UTF-8 path"),
                "--format",
                "json",
            ],
        );
    }
    dir
}

fn report(cwd: &Path, acme: &str, store: &Path, format: &str) -> String {
    let output = polic(
        cwd,
        &[
            "report",
            acme,
            "--at",
            "2026-11-22",
            "--store",
            store.to_str().expect("UTF-8 path"),
            "--format",
            format,
        ],
    );
    String::from_utf8(output.stdout).expect("UTF-8 report")
}

#[test]
fn markdown_of_acme_with_its_history() {
    let dir = history("markdown");
    let markdown = report(
        &root(),
        "examples/acme",
        &dir.join("history.sqlite"),
        "markdown",
    );
    insta::assert_snapshot!(markdown);
}

#[test]
fn html_is_byte_identical_across_runs_and_working_directories() {
    let dir = history("html");
    let store = dir.join("history.sqlite");
    let first = report(&root(), "examples/acme", &store, "html");
    let again = report(&root(), "examples/acme", &store, "html");
    let acme = root().join("examples/acme");
    let elsewhere = report(&dir, acme.to_str().expect("UTF-8 path"), &store, "html");
    assert!(first == again, "two runs differ");
    assert!(
        first == elsewhere,
        "the report depends on the working directory"
    );
    // No absolute path of this machine leaks into the file.
    assert!(!first.contains(root().to_str().expect("UTF-8 path")));
    // Only the report's own script may run, by its digest (the browser test shows it does).
    assert!(first.contains(
        r#"content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-"#
    ));
    assert_eq!(first.matches("<script").count(), 1);
}

#[test]
fn without_a_recorded_history_no_store_is_created() {
    let dir = history("none");
    let copy = dir.join("acme");
    let status = Command::new("cp")
        .args([
            "-r",
            root().join("examples/acme").to_str().expect("UTF-8"),
            copy.to_str().expect("UTF-8"),
        ])
        .status()
        .expect("cp runs");
    assert!(status.success());
    let out = dir.join("report.html");
    polic(
        &dir,
        &[
            "report",
            "acme",
            "--at",
            "2026-11-22",
            "-o",
            out.to_str().expect("UTF-8"),
        ],
    );
    let html = std::fs::read_to_string(&out).expect("report written");
    assert!(html.contains("0 earlier snapshots recorded"));
    assert!(!copy.join(".polic").exists(), "a store was created");
}

/// Passing evidence that expires within 30 days is listed before it goes stale: acme's
/// platform TLS check (`expires` 2027-02-20) seen from 2027-02-01, and not from the day
/// after it expired, when the item itself is stale.
#[test]
fn evidence_going_stale_is_listed_before_it_expires() {
    let markdown = |at: &str| {
        let output = polic(
            &root(),
            &[
                "report",
                "examples/acme",
                "--at",
                at,
                "--format",
                "markdown",
            ],
        );
        String::from_utf8(output.stdout).expect("UTF-8 report")
    };
    let soon = markdown("2027-02-01");
    let listed: Vec<&str> = soon
        .lines()
        .skip_while(|l| !l.starts_with("- going stale in the next 30 days:"))
        .skip(1)
        .take_while(|l| l.starts_with("  - "))
        .collect();
    assert!(!listed.is_empty(), "{soon}");
    assert!(
        listed
            .iter()
            .all(|l| l.starts_with("  - 2027-02-20: ") && l.contains("`tls-at-ingress.")),
        "{listed:?}"
    );
    let later = markdown("2027-02-21");
    assert!(
        later.contains("- going stale in the next 30 days: 0\n"),
        "{later}"
    );
}
