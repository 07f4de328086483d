//! `polic check|eval|explain app --sources`: tags in the fixture app repositories under
//! tests/tags (Python, Rust, TypeScript, SQL, HTML, Go; a typo, a misspelt verb, a tag for
//! a control the app does not require, tags inside string literals, a .gitignored file).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tags")
}

fn polic_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("POLIC_REVISION", "0123456789abcdef0123456789abcdef01234567")
        .output()
        .expect("polic runs")
}

fn polic(args: &[&str]) -> Output {
    polic_in(&fixtures(), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("output is UTF-8")
}

const BOTH: &[&str] = &[
    "policy",
    "shop",
    "ledger",
    "--sources",
    "shop",
    "--sources",
    "ledger",
];

fn with(first: &[&str], rest: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(BOTH)
        .chain(rest)
        .map(|s| s.to_string())
        .collect()
}

fn run(first: &[&str], rest: &[&str]) -> Output {
    let args = with(first, rest);
    polic(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn check_reports_unknown_misspelt_and_unrequired_tags() {
    let output = run(&["check"], &["--today", "2026-06-01"]);
    assert_eq!(output.status.code(), Some(1), "tag errors fail the check");
    let text = stdout(&output);
    // Tags in strings (forms.py, session.rs, audit.sql) and in the ignored
    // shop/generated/client.py are not read: `nothing-here` and `no-such-control` never show.
    assert!(!text.contains("nothing-here") && !text.contains("no-such-control"));
    insta::assert_snapshot!("check-human", text);
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["check"], &["--format", "json"]).stdout).expect("json");
    let codes: Vec<&str> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["P1001", "P1002", "P0106"]);
}

#[test]
fn a_lint_level_applies_to_tags() {
    let dir = std::env::temp_dir().join(format!("polic-tags-lint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("temp dir");
    let policy = std::fs::read_to_string(fixtures().join("policy/policy.polic")).expect("policy");
    std::fs::write(
        dir.join("policy.polic"),
        policy.replace(
            "policy acme { adopt acme }",
            "policy acme {\n  adopt acme\n  lint tag-not-required = error\n}",
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("app.polic"),
        "app shop \"Shop\" { archetype web-service }\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("src/sign.js"),
        "// polic: implements output-signing\nexport const sign = () => {};\n",
    )
    .expect("write");
    // A file too large to scan is named, not silently passed over.
    std::fs::write(dir.join("src/bundle.js"), vec![b'\n'; 5 * 1024 * 1024]).expect("write");
    let output = polic_in(&dir, &["check", ".", "--sources", "src"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "note: skipped src/bundle.js: larger than 4 MiB (5242880 bytes)\n"
    );
    assert!(
        stdout(&output)
            .contains("error[P1002]: app `shop` does not require control `output-signing`")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_counts_tags_as_code_and_lists_uncovered_controls() {
    let table = run(&["eval"], &["--at", "2026-06-01"]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    insta::assert_snapshot!("eval-table", stdout(&table));
    // Bad tags are shown on stderr and listed as evidence that matched nothing.
    assert!(stderr(&table).contains("error[P0106]: unknown control `session-timout`"));
    for format in ["json", "markdown", "junit", "sarif"] {
        let output = run(&["eval"], &["--at", "2026-06-01", "--format", format]);
        insta::assert_snapshot!(format!("eval-{format}"), stdout(&output));
    }
}

#[test]
fn explain_app_shows_where_code_implements_and_tests_each_control() {
    let output = polic(&[
        "explain",
        "app",
        "shop",
        "policy",
        "shop",
        "--sources",
        "shop",
        "--at",
        "2026-11-22",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("explain-app", stdout(&output));
    let misplaced = polic(&[
        "explain",
        "control",
        "audit-logging",
        "policy",
        "--sources",
        "shop",
    ]);
    assert_eq!(misplaced.status.code(), Some(2));
    assert!(stderr(&misplaced).contains("`--sources` applies to `polic explain app` only"));
}

#[test]
fn sources_name_their_app_or_fail_clearly() {
    // Named explicitly: the ledger's code checked as the shop's.
    let output = polic(&[
        "check",
        "policy",
        "shop",
        "ledger",
        "--sources",
        "shop=ledger",
    ]);
    assert!(stdout(&output).contains("app `shop` does not require control `output-signing`"));
    let output = polic(&["check", "policy", "shop", "--sources", "shp=shop"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("unknown-app", stderr(&output));
    let output = polic(&["check", "policy", "shop", "--sources", "no-such-dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: no such source directory: no-such-dir\n"
    );
    // Two apps and code beside neither manifest: which app is not guessed.
    let dir = std::env::temp_dir().join(format!("polic-tags-orphan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("tool.sh"),
        "# polic: implements audit-logging\necho\n",
    )
    .expect("write");
    let orphan = dir.to_string_lossy().to_string();
    let output = polic(&["check", "policy", "shop", "ledger", "--sources", &orphan]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("error: cannot tell which app"));
    assert!(stderr(&output).contains("help: write `--sources APP="));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn polic_toml_names_the_sources() {
    let dir = std::env::temp_dir().join(format!("polic-tags-toml-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("code")).expect("temp dir");
    let policy = std::fs::read_to_string(fixtures().join("policy/policy.polic")).expect("policy");
    std::fs::write(dir.join("policy.polic"), policy).expect("write");
    std::fs::write(
        dir.join("apps.polic"),
        "app shop \"Shop\" { archetype web-service }\napp ledger \"Ledger\" { archetype batch-job }\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("code/forms.py"),
        "# polic: implements input-validaton\nx = 1\n",
    )
    .expect("write");
    std::fs::write(dir.join("polic.toml"), "sources = [\"shop=code\"]\n").expect("write");
    let output = polic_in(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("code/forms.py:1:21"), "{text}");
    assert!(text.contains("did you mean `input-validation`?"));
    // The flag replaces the setting.
    let output = polic_in(&dir, &["check", ".", "--sources", "ledger=code"]);
    assert!(stdout(&output).contains("did you mean `input-validation`?"));
    std::fs::write(dir.join("polic.toml"), "sorces = [\"code\"]\n").expect("write");
    let output = polic_in(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("bad-settings", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}
