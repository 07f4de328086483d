//! An app repository against a published policy, end to end: two git repositories made
//! here from tests/app_repository (the security team's policy, the shop's app), the app
//! pinning the policy's bundle in polic.lock. Check, eval, a typo'd archetype, then a
//! policy revision that adds an obligation: `polic diff` shows it to the app, the lock
//! refuses it until `polic update`, and eval fails until the evidence exists.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/app_repository")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("fixture entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy fixture");
    }
}

/// git with a fixed identity and dates: the same commits, so the same revisions, every run.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Security")
        .env("GIT_AUTHOR_EMAIL", "security@example.com")
        .env("GIT_AUTHOR_DATE", "2026-05-01T12:00:00Z")
        .env("GIT_COMMITTER_NAME", "Security")
        .env("GIT_COMMITTER_EMAIL", "security@example.com")
        .env("GIT_COMMITTER_DATE", "2026-05-01T12:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} in {}", dir.display());
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Runs polic in `dir` and appends the command, its exit code and its output to `log`.
fn polic(log: &mut String, dir: &Path, args: &[&str]) -> i32 {
    let output = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("POLIC_REVISION")
        .output()
        .expect("polic runs");
    let code = output.status.code().expect("polic exits");
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).expect("UTF-8 output");
    let _ = writeln!(log, "$ polic {}  # exit {code}", args.join(" "));
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        if !bytes.is_empty() {
            let _ = writeln!(log, "--- {stream}\n{}", text(bytes).trim_end());
        }
    }
    log.push('\n');
    code
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("app-repository-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

#[test]
fn an_app_repository_checks_and_evaluates_against_its_pinned_policy() {
    let dir = scratch("pinned");
    let (policy, app) = (dir.join("policy"), dir.join("app"));
    let mut log = String::new();
    let mut quiet = String::new();

    copy_dir(&fixtures().join("policy"), &policy);
    git(&policy, &["init", "-q"]);
    commit(&policy, "the house policy");
    let built = polic(
        &mut quiet,
        &policy,
        &["build", "--bundle", "-o", "../policy-v1.bundle.json"],
    );
    assert_eq!(built, 0, "{quiet}");

    copy_dir(&fixtures().join("app"), &app);
    std::fs::copy(
        dir.join("policy-v1.bundle.json"),
        app.join("policy.bundle.json"),
    )
    .expect("copy bundle");
    git(&app, &["init", "-q"]);
    assert_eq!(polic(&mut log, &app, &["check"]), 1, "no lock yet\n{log}");
    assert_eq!(polic(&mut log, &app, &["update"]), 0, "{log}");
    commit(&app, "the shop, pinning the house policy");
    assert_eq!(polic(&mut log, &app, &["check"]), 0, "{log}");
    let eval = ["eval", "--at", "2026-06-01", "--fail-above", "0"];
    assert_eq!(polic(&mut log, &app, &eval), 0, "{log}");

    let manifest = std::fs::read_to_string(app.join("app.polic")).expect("manifest");
    std::fs::write(
        app.join("app.polic"),
        manifest.replace("web-service", "web-servce"),
    )
    .expect("write manifest");
    assert_eq!(polic(&mut log, &app, &["check"]), 1, "{log}");
    std::fs::write(app.join("app.polic"), manifest).expect("write manifest");

    insta::assert_snapshot!("pinned", log);
}

#[test]
fn a_policy_revision_is_seen_from_the_app_and_taken_on_with_polic_update() {
    let dir = scratch("revision");
    let (policy, app) = (dir.join("policy"), dir.join("app"));
    let mut quiet = String::new();
    copy_dir(&fixtures().join("policy"), &policy);
    git(&policy, &["init", "-q"]);
    commit(&policy, "the house policy");
    copy_dir(&fixtures().join("app"), &app);
    let build = ["build", "--bundle", "-o", "../app/policy.bundle.json"];
    assert_eq!(polic(&mut quiet, &policy, &build), 0, "{quiet}");
    git(&app, &["init", "-q"]);
    assert_eq!(polic(&mut quiet, &app, &["update"]), 0, "{quiet}");
    commit(&app, "the shop, pinning the house policy");

    // The security team adds SAST for internet-facing services.
    std::fs::copy(
        fixtures().join("policy-v2/controls.polic"),
        policy.join("controls.polic"),
    )
    .expect("copy revision");
    commit(&policy, "SAST for internet-facing services");
    let build = ["build", "--bundle", "-o", "../policy-v2.bundle.json"];
    assert_eq!(polic(&mut quiet, &policy, &build), 0, "{quiet}");

    let mut log = String::new();
    let diff = ["diff", "policy.bundle.json", "../policy-v2.bundle.json"];
    polic(&mut log, &app, &diff);
    std::fs::copy(
        dir.join("policy-v2.bundle.json"),
        app.join("policy.bundle.json"),
    )
    .expect("copy bundle");
    assert_eq!(
        polic(&mut log, &app, &["check"]),
        1,
        "the lock refuses\n{log}"
    );
    assert_eq!(polic(&mut log, &app, &["update"]), 0, "{log}");
    let eval = ["eval", "--at", "2026-06-01", "--fail-above", "0"];
    assert_eq!(polic(&mut log, &app, &eval), 1, "no SAST evidence\n{log}");
    let with_sast = [
        "eval",
        "--at",
        "2026-06-01",
        "--fail-above",
        "0",
        "--evidence",
        "evidence.jsonl",
        "--evidence",
        "evidence-sast.jsonl",
    ];
    assert_eq!(polic(&mut log, &app, &with_sast), 0, "{log}");
    insta::assert_snapshot!("revision", log);
}

/// The example app repository stays checkable: its lock matches examples/acme.
#[test]
fn the_example_app_repository_checks_against_acme() {
    let example = fixtures().join("../../examples/acme-app");
    let mut log = String::new();
    assert_eq!(polic(&mut log, &example, &["check"]), 0, "{log}");
    let eval = ["eval", "--at", "2026-11-22", "--format", "json"];
    assert_eq!(polic(&mut log, &example, &eval), 0, "{log}");
    assert!(
        log.contains("policy `../acme` (path), digest sha256:"),
        "the policy is named\n{log}"
    );
}

#[test]
fn a_policy_named_twice_or_missing_is_an_error_at_polic_toml() {
    let dir = scratch("unavailable");
    copy_dir(&fixtures().join("app"), &dir);
    git(&dir, &["init", "-q"]);
    let mut log = String::new();
    std::fs::write(
        dir.join("polic.toml"),
        "[policy]\npath = \"../policy\"\nbundle = \"policy.bundle.json\"\n",
    )
    .expect("write settings");
    assert_eq!(polic(&mut log, &dir, &["check"]), 1, "{log}");
    std::fs::write(
        dir.join("polic.toml"),
        "[policy]\nbundle = \"policy.bundel.json\"\n",
    )
    .expect("write settings");
    assert_eq!(polic(&mut log, &dir, &["check"]), 1, "{log}");
    assert_eq!(polic(&mut log, &dir, &["update"]), 2, "{log}");
    insta::assert_snapshot!("unavailable", log);
}
