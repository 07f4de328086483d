//! Snapshots, their diff and the history store, as a CI pipeline uses them: `polic eval
//! --format json` writes a snapshot, `--record` keeps it, `polic diff` and `polic history`
//! read it back. Every store test runs on the bundled SQLite and on the PostgreSQL server
//! this machine has installed (started by tests/postgres/start.sh when
//! `POLIC_TEST_POSTGRES` does not name one); without that server they fail.
//!
//! The fixtures (tests/history) are one portfolio three weeks apart with every kind of
//! change once; their README tabulates them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository")
}

fn fixtures() -> PathBuf {
    root().join("tests/history")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("history-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

fn polic(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("POLIC_REVISION", "3f2a9c1d0b7e4f6a8c5d2e1f0a9b8c7d6e5f4a3b")
        .env_remove("POLIC_STORE")
        .env_remove("POLIC_FAULT")
        .output()
        .expect("polic runs")
}

/// `polic eval` of the fixture `side` (before or after) at its date, with `extra` flags.
fn eval_side(side: &str, extra: &[&str]) -> Output {
    let at = match side {
        "before" => "2026-06-01",
        _ => "2026-06-20",
    };
    let evidence = format!("{side}/evidence.jsonl");
    let mut args = vec!["eval", side, "--evidence", &evidence, "--at", at];
    args.extend(extra);
    polic(&fixtures(), &args)
}

/// The fixture `side` evaluated as a snapshot, as its JSON.
fn evaluated(side: &str) -> String {
    let output = eval_side(side, &["--format", "json"]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// Both snapshots written into `dir`, as `before.json` and `after.json`.
fn snapshot_files(dir: &Path) -> (PathBuf, PathBuf) {
    let before = dir.join("before.json");
    let after = dir.join("after.json");
    std::fs::write(&before, evaluated("before")).expect("write snapshot");
    std::fs::write(&after, evaluated("after")).expect("write snapshot");
    (before, after)
}

/// `polic diff BEFORE AFTER --format json` of two snapshot files.
fn json_diff(dir: &Path, before: &Path, after: &Path) -> Output {
    polic(
        dir,
        &["diff", path(before), path(after), "--format", "json"],
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[derive(Clone, Copy)]
enum Kind {
    Sqlite,
    Postgres,
}

/// A store of its own for one test: a SQLite file in a scratch directory, or a fresh
/// PostgreSQL database.
struct TestStore {
    kind: Kind,
    spec: String,
    dir: PathBuf,
}

/// The URL of the PostgreSQL server the tests use, started once per run.
fn postgres_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("POLIC_TEST_POSTGRES") {
            return url;
        }
        let started = Command::new(root().join("tests/postgres/start.sh"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run tests/postgres/start.sh");
        assert!(
            started.status.success(),
            "the history store tests need PostgreSQL: tests/postgres/start.sh failed (set \
             POLIC_TEST_POSTGRES to a server's URL to use another)"
        );
        text(&started.stdout).trim().to_string()
    })
}

impl TestStore {
    fn new(kind: Kind, name: &str) -> TestStore {
        let dir = scratch(&format!("{name}-{}", kind.label()));
        let spec = match kind {
            Kind::Sqlite => path(&dir.join("history.sqlite")).to_string(),
            Kind::Postgres => {
                let server = postgres_url();
                let database = format!("polic_test_{name}").replace('-', "_");
                let mut admin = postgres::Client::connect(server, postgres::NoTls)
                    .expect("connect to the test server");
                // One statement per call: several would share a transaction, which
                // neither statement may run in.
                for statement in [
                    format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
                    format!("CREATE DATABASE {database}"),
                ] {
                    admin
                        .batch_execute(&statement)
                        .expect("create the test database");
                }
                let (base, _) = server.rsplit_once('/').expect("a URL with a database");
                format!("{base}/{database}")
            }
        };
        TestStore { kind, spec, dir }
    }

    /// `polic ARGS --store SPEC`, run in the store's scratch directory.
    fn polic(&self, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.extend(["--store", &self.spec]);
        polic(&self.dir, &all)
    }

    fn record(&self, snapshot: &Path) -> Output {
        self.polic(&["record", path(snapshot)])
    }

    /// One number from SQL run on the store's tables directly.
    fn count(&self, sql: &str) -> i64 {
        match self.kind {
            Kind::Sqlite => rusqlite::Connection::open(&self.spec)
                .expect("open the SQLite store")
                .query_row(sql, [], |row| row.get(0))
                .expect("query the SQLite store"),
            Kind::Postgres => postgres::Client::connect(&self.spec, postgres::NoTls)
                .expect("connect to the store")
                .query_one(sql, &[])
                .expect("query the PostgreSQL store")
                .get(0),
        }
    }

    fn execute(&self, sql: &str) {
        match self.kind {
            Kind::Sqlite => {
                rusqlite::Connection::open(&self.spec)
                    .expect("open the SQLite store")
                    .execute_batch(sql)
                    .expect("change the SQLite store");
            }
            Kind::Postgres => {
                postgres::Client::connect(&self.spec, postgres::NoTls)
                    .expect("connect to the store")
                    .batch_execute(sql)
                    .expect("change the PostgreSQL store");
            }
        }
    }

    /// The store's messages with its own name replaced, so both backends' read alike.
    fn shown(&self, bytes: &[u8]) -> String {
        let shown = match self.kind {
            Kind::Sqlite => self.spec.clone(),
            Kind::Postgres => self.spec.replace(":polic@", ":***@"),
        };
        text(bytes).replace(&shown, "STORE")
    }
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        }
    }
}

/// Runs a store test on each backend.
macro_rules! on_both_stores {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[test]
            fn sqlite() {
                super::$test(super::Kind::Sqlite)
            }
            #[test]
            fn postgres() {
                super::$test(super::Kind::Postgres)
            }
        }
    )*};
}

on_both_stores!(
    the_store_gives_the_diff_the_files_give,
    history_lists_and_trends_what_was_recorded,
    the_posture_at_a_date_is_the_latest_snapshot_judged_by_then,
    a_snapshot_recorded_twice_is_kept_once,
    regressions_count_against_the_snapshot_judged_before,
    snapshots_of_a_narrowed_evaluation_are_kept_in_their_scope,
    an_unchanged_posture_costs_one_part,
    two_recorders_at_once_both_land,
    a_recorder_killed_mid_write_leaves_the_store_as_it_was,
    a_store_of_a_newer_schema_is_refused_untouched,
    a_store_of_an_older_schema_is_migrated,
    eval_records_and_diff_against_previous_gates,
);

// ----- snapshots and their diff, from files

#[test]
fn a_snapshot_is_versioned_and_digests_its_inputs() {
    let snapshot: serde_json::Value =
        serde_json::from_str(&evaluated("before")).expect("a snapshot is JSON");
    assert_eq!(snapshot["format"], "polic-snapshot");
    assert_eq!(snapshot["version"], 1);
    assert_eq!(snapshot["at"], "2026-06-01");
    assert_eq!(
        snapshot["revision"],
        "3f2a9c1d0b7e4f6a8c5d2e1f0a9b8c7d6e5f4a3b"
    );
    let digest = snapshot["rules"]["digest"]
        .as_str()
        .expect("a rule-set digest");
    assert!(
        digest.len() == 71 && digest.starts_with("sha256:"),
        "{digest}"
    );
    assert!(
        snapshot["evidence"][0]["digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert_eq!(
        snapshot["evidence"][0]["path"], "tests/history/before/evidence.jsonl",
        "evidence named from the repository"
    );
    assert_eq!(
        evaluated("before"),
        evaluated("before"),
        "the same inputs give the same bytes"
    );
}

#[test]
fn snapshots_validate_against_the_documented_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/snapshot.schema.json")).expect("schema"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let acme = polic(
        &root(),
        &[
            "eval",
            "examples/acme",
            "--at",
            "2026-11-22",
            "--format",
            "json",
        ],
    );
    for snapshot in [evaluated("before"), evaluated("after"), text(&acme.stdout)] {
        let snapshot: serde_json::Value =
            serde_json::from_str(&snapshot).expect("a snapshot is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&snapshot)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(!snapshot["apps"].as_array().expect("apps").is_empty());
    }
}

#[test]
fn the_diff_of_two_snapshot_files_in_every_format() {
    let dir = scratch("files");
    let (before, after) = snapshot_files(&dir);
    for (format, name) in [
        ("human", "diff-human"),
        ("json", "diff-json"),
        ("markdown", "diff-markdown"),
        ("sarif", "diff-sarif"),
    ] {
        let output = polic(
            &dir,
            &["diff", path(&before), path(&after), "--format", format],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        insta::assert_snapshot!(name, text(&output.stdout));
    }
}

#[test]
fn fail_on_regression_fails_only_when_something_got_worse() {
    let dir = scratch("fail-on");
    let (before, after) = snapshot_files(&dir);
    let worse = polic(
        &dir,
        &[
            "diff",
            path(&before),
            path(&after),
            "--fail-on",
            "regression",
        ],
    );
    assert_eq!(worse.status.code(), Some(1));
    insta::assert_snapshot!("diff-fail-on-regression", text(&worse.stderr));
    let same = polic(
        &dir,
        &[
            "diff",
            path(&after),
            path(&after),
            "--fail-on",
            "regression",
        ],
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    insta::assert_snapshot!("diff-unchanged", text(&same.stdout));
}

#[test]
fn files_that_are_not_snapshots_are_refused_with_help() {
    let dir = scratch("not-snapshots");
    let (before, _) = snapshot_files(&dir);
    let newer = dir.join("newer.json");
    std::fs::write(
        &newer,
        std::fs::read_to_string(&before)
            .expect("read snapshot")
            .replacen("\"version\": 1", "\"version\": 7", 1),
    )
    .expect("write snapshot");
    let output = polic(&dir, &["diff", path(&before), path(&newer)]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "diff-newer-snapshot",
        text(&output.stderr).replace(path(&dir), "DIR")
    );
    let older = dir.join("older.json");
    std::fs::write(&older, r#"{"format": "polic-snapshot", "version": 0}"#).expect("write");
    let other = dir.join("other.json");
    std::fs::write(&other, r#"{"schema": "polic-ruleset", "version": 1}"#).expect("write");
    for (file, name) in [
        (&older, "record-older-snapshot"),
        (&other, "record-not-a-snapshot"),
    ] {
        let output = polic(&dir, &["record", path(file), "--store", "unused.sqlite"]);
        assert_eq!(output.status.code(), Some(2));
        insta::assert_snapshot!(name, text(&output.stderr).replace(path(&dir), "DIR"));
    }
    assert!(
        !dir.join("unused.sqlite").exists(),
        "nothing opened for a bad snapshot"
    );
    // Not a regular file: refused at once, never waited on.
    let fifo = dir.join("fifo.json");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let output = polic(&dir, &["record", path(&fifo), "--store", "unused.sqlite"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "record-fifo",
        text(&output.stderr).replace(path(&dir), "DIR")
    );
    let output = polic(&dir, &["record", path(&dir.join("missing.json"))]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "record-missing-file",
        text(&output.stderr).replace(path(&dir), "DIR")
    );
}

#[test]
fn the_diff_in_sarif_is_valid_sarif_with_a_result_per_regression() {
    let dir = scratch("sarif");
    let (before, after) = snapshot_files(&dir);
    let output = polic(
        &dir,
        &["diff", path(&before), path(&after), "--format", "sarif"],
    );
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/sarif/sarif-2.1.0.json")).expect("schema"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let diff: serde_json::Value =
        serde_json::from_slice(&json_diff(&dir, &before, &after).stdout).expect("the diff is JSON");
    assert_eq!(
        log["runs"][0]["results"].as_array().map(Vec::len),
        diff["counts"]["regressed"].as_u64().map(|n| n as usize),
        "one result per regressed obligation"
    );
}

// ----- the store

fn the_store_gives_the_diff_the_files_give(kind: Kind) {
    let store = TestStore::new(kind, "same-diff");
    let (before, after) = snapshot_files(&store.dir);
    let recorded = store.record(&before);
    assert_eq!(
        recorded.status.code(),
        Some(0),
        "{}",
        text(&recorded.stderr)
    );
    assert_eq!(
        store.shown(&recorded.stderr),
        "recorded snapshot #1 (2026-06-01) in STORE\n"
    );
    assert_eq!(store.record(&after).status.code(), Some(0));
    let from_files = json_diff(&store.dir, &before, &after);
    for selectors in [
        ["#1", "#2"],
        ["previous", "latest"],
        ["2026-06-05", "2026-06-20"],
    ] {
        let from_store = store.polic(&["diff", selectors[0], selectors[1], "--format", "json"]);
        assert_eq!(
            text(&from_store.stdout),
            text(&from_files.stdout),
            "{selectors:?}: {}",
            text(&from_store.stderr)
        );
    }
    let against = store.polic(&["diff", "--against", "previous", "--format", "json"]);
    assert_eq!(text(&against.stdout), text(&from_files.stdout));
    // A store snapshot and a file mix.
    let mixed = store.polic(&["diff", "#1", path(&after), "--format", "json"]);
    assert_eq!(text(&mixed.stdout), text(&from_files.stdout));
    // What the store gives back is the snapshot recorded, byte for byte.
    let got = store.polic(&["history", "--at", "2026-06-20", "--format", "json"]);
    assert_eq!(
        text(&got.stdout),
        std::fs::read_to_string(&after).expect("read snapshot")
    );
}

fn history_lists_and_trends_what_was_recorded(kind: Kind) {
    let store = TestStore::new(kind, "list");
    let empty = store.polic(&["history"]);
    assert_eq!(empty.status.code(), Some(0), "{}", text(&empty.stderr));
    insta::assert_snapshot!("history-empty", text(&empty.stdout));
    let (before, after) = snapshot_files(&store.dir);
    store.record(&before);
    store.record(&after);
    for (args, name) in [
        (&["history"][..], "history-list"),
        (&["history", "--format", "csv"][..], "history-list-csv"),
        (&["history", "--format", "json"][..], "history-list-json"),
        (&["history", "trend"][..], "history-trend"),
        (
            &["history", "trend", "--format", "csv"][..],
            "history-trend-csv",
        ),
        (
            &["history", "trend", "--format", "json"][..],
            "history-trend-json",
        ),
    ] {
        let output = store.polic(args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        insta::assert_snapshot!(name, text(&output.stdout));
    }
}

fn the_posture_at_a_date_is_the_latest_snapshot_judged_by_then(kind: Kind) {
    let store = TestStore::new(kind, "at");
    let (before, after) = snapshot_files(&store.dir);
    // Recorded out of order: judged dates, not arrival, order the history.
    store.record(&after);
    store.record(&before);
    let between = store.polic(&["history", "--at", "2026-06-10"]);
    assert_eq!(between.status.code(), Some(0), "{}", text(&between.stderr));
    insta::assert_snapshot!("history-at-between", text(&between.stdout));
    let earlier = store.polic(&["history", "--at", "2026-05-01"]);
    assert_eq!(earlier.status.code(), Some(2));
    insta::assert_snapshot!("history-at-too-early", store.shown(&earlier.stderr));
    let unknown = store.polic(&["diff", "yesterday", "latest"]);
    assert_eq!(unknown.status.code(), Some(2));
    insta::assert_snapshot!("diff-unknown-selector", store.shown(&unknown.stderr));
}

fn regressions_count_against_the_snapshot_judged_before(kind: Kind) {
    let store = TestStore::new(kind, "regressions");
    let (before, after) = snapshot_files(&store.dir);
    let later = store.dir.join("later.json");
    std::fs::write(
        &later,
        std::fs::read_to_string(&after)
            .expect("read snapshot")
            .replacen("\"at\": \"2026-06-20\"", "\"at\": \"2026-06-30\"", 1),
    )
    .expect("write snapshot");
    store.record(&before);
    store.record(&later);
    assert_eq!(
        store.count("SELECT regressions FROM snapshots WHERE id = 2"),
        4
    );
    // Judged between the two: compared with `before`, not with the last recorded, and
    // the one judged after it is now compared with it.
    store.record(&after);
    assert_eq!(
        store.count("SELECT regressions FROM snapshots WHERE id = 3"),
        4
    );
    assert_eq!(
        store.count("SELECT regressions FROM snapshots WHERE id = 2"),
        0
    );
    let listed = store.polic(&["history", "--format", "csv"]);
    insta::assert_snapshot!("history-list-out-of-order", text(&listed.stdout));
}

fn snapshots_of_a_narrowed_evaluation_are_kept_in_their_scope(kind: Kind) {
    let store = TestStore::new(kind, "scopes");
    for side in ["before", "after"] {
        eval_side(side, &["--app", "shop", "--record", "--store", &store.spec]);
    }
    let whole = store.polic(&["history"]);
    insta::assert_snapshot!("history-other-scopes", text(&whole.stdout));
    let shop = store.polic(&["history", "--scope", "shop", "--format", "csv"]);
    assert_eq!(
        text(&shop.stdout).lines().count(),
        3,
        "{}",
        text(&shop.stderr)
    );
    let diff = store.polic(&["diff", "--against", "previous", "--scope", "shop"]);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff.stderr));
    assert!(text(&diff.stdout).contains("shop: score 28.6 → 87.5"));
    assert!(!text(&diff.stdout).contains("ledger"));
}

fn a_snapshot_recorded_twice_is_kept_once(kind: Kind) {
    let store = TestStore::new(kind, "twice");
    let (before, _) = snapshot_files(&store.dir);
    store.record(&before);
    let again = store.record(&before);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        store.shown(&again.stderr),
        "snapshot already recorded as #1 in STORE; kept once\n"
    );
    assert_eq!(store.count("SELECT COUNT(*) FROM snapshots"), 1);
}

fn an_unchanged_posture_costs_one_part(kind: Kind) {
    let store = TestStore::new(kind, "unchanged");
    let (before, _) = snapshot_files(&store.dir);
    store.record(&before);
    let parts = store.count("SELECT COUNT(*) FROM parts");
    let blobs = store.count("SELECT COUNT(*) FROM blobs");
    // The same posture judged a day later: only the header (its date) differs.
    let next_day = store.dir.join("next-day.json");
    std::fs::write(
        &next_day,
        std::fs::read_to_string(&before)
            .expect("read snapshot")
            .replacen("\"at\": \"2026-06-01\"", "\"at\": \"2026-06-02\"", 1),
    )
    .expect("write snapshot");
    let recorded = store.record(&next_day);
    assert_eq!(
        recorded.status.code(),
        Some(0),
        "{}",
        text(&recorded.stderr)
    );
    assert_eq!(store.count("SELECT COUNT(*) FROM snapshots"), 2);
    assert_eq!(store.count("SELECT COUNT(*) FROM parts"), parts + 1);
    assert_eq!(store.count("SELECT COUNT(*) FROM blobs"), blobs + 1);
    assert_eq!(
        store.count("SELECT regressions FROM snapshots WHERE id = 2"),
        0
    );
}

fn two_recorders_at_once_both_land(kind: Kind) {
    let store = TestStore::new(kind, "concurrent");
    let (before, after) = snapshot_files(&store.dir);
    let spawn = |snapshot: &Path| {
        Command::new(env!("CARGO_BIN_EXE_polic"))
            .args(["record", path(snapshot), "--store", &store.spec])
            .current_dir(&store.dir)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start polic record")
    };
    let (first, second) = (spawn(&before), spawn(&after));
    for child in [first, second] {
        let output = child.wait_with_output().expect("polic record ends");
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    }
    assert_eq!(store.count("SELECT COUNT(*) FROM snapshots"), 2);
    // Whichever landed first (and so has the lower id), both read back whole.
    let diff = store.polic(&["diff", "2026-06-01", "2026-06-20", "--format", "json"]);
    let from_files = json_diff(&store.dir, &before, &after);
    assert_eq!(text(&diff.stdout), text(&from_files.stdout));
}

fn a_recorder_killed_mid_write_leaves_the_store_as_it_was(kind: Kind) {
    let store = TestStore::new(kind, "killed");
    let (before, after) = snapshot_files(&store.dir);
    store.record(&before);
    let listed = store.polic(&["history", "--format", "json"]);
    let killed = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(["record", path(&after), "--store", &store.spec])
        .current_dir(&store.dir)
        .env("POLIC_FAULT", "record")
        .output()
        .expect("polic runs");
    assert!(
        !killed.status.success(),
        "the fault point ends the recorder"
    );
    assert_eq!(
        text(&store.polic(&["history", "--format", "json"]).stdout),
        text(&listed.stdout),
        "nothing of the half-written snapshot is visible"
    );
    assert_eq!(store.count("SELECT COUNT(*) FROM parts WHERE since = 2"), 0);
    let retried = store.record(&after);
    assert_eq!(retried.status.code(), Some(0), "{}", text(&retried.stderr));
    assert_eq!(
        store.shown(&retried.stderr),
        "recorded snapshot #2 (2026-06-20) in STORE\n"
    );
}

fn a_store_of_a_newer_schema_is_refused_untouched(kind: Kind) {
    let store = TestStore::new(kind, "newer");
    let (before, after) = snapshot_files(&store.dir);
    store.record(&before);
    store.execute("UPDATE polic_schema SET version = 99");
    let refused = store.record(&after);
    assert_eq!(refused.status.code(), Some(2));
    insta::assert_snapshot!("store-newer-schema", store.shown(&refused.stderr));
    assert_eq!(store.count("SELECT COUNT(*) FROM snapshots"), 1);
    assert_eq!(store.count("SELECT version FROM polic_schema"), 99);
}

fn a_store_of_an_older_schema_is_migrated(kind: Kind) {
    let store = TestStore::new(kind, "older");
    let (before, after) = snapshot_files(&store.dir);
    store.record(&before);
    // Back to schema version 1 as it was: no regressions column, no index of open parts.
    store.execute(
        "DROP INDEX parts_open; ALTER TABLE snapshots DROP COLUMN regressions;
         UPDATE polic_schema SET version = 1",
    );
    let recorded = store.record(&after);
    assert_eq!(
        recorded.status.code(),
        Some(0),
        "{}",
        text(&recorded.stderr)
    );
    assert_eq!(store.count("SELECT version FROM polic_schema"), 2);
    assert_eq!(
        store.count("SELECT regressions FROM snapshots WHERE id = 2"),
        4,
        "counted once the column is back"
    );
    let diff = store.polic(&["diff", "#1", "#2", "--format", "json"]);
    let from_files = json_diff(&store.dir, &before, &after);
    assert_eq!(text(&diff.stdout), text(&from_files.stdout));
}

fn eval_records_and_diff_against_previous_gates(kind: Kind) {
    let store = TestStore::new(kind, "eval-record");
    for side in ["before", "after"] {
        let output = eval_side(side, &["--record", "--store", &store.spec]);
        assert!(
            store.shown(&output.stderr).contains("recorded snapshot #"),
            "{}",
            text(&output.stderr)
        );
    }
    let gate = store.polic(&["diff", "--against", "previous", "--fail-on", "regression"]);
    assert_eq!(gate.status.code(), Some(1));
    insta::assert_snapshot!("diff-against-previous", text(&gate.stdout));
}

// ----- stores that cannot be used

#[test]
fn a_wrong_store_url_is_an_error_that_hides_the_password() {
    let dir = scratch("wrong-url");
    let output = polic(
        &dir,
        &[
            "history",
            "--store",
            "postgres://polic:s3cret@127.0.0.1:1/polic",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("s3cret"), "{stderr}");
    insta::assert_snapshot!("store-unreachable", stderr);
}

#[test]
fn eval_writes_its_output_even_when_the_store_fails() {
    let dir = scratch("store-fails");
    // A store whose directory cannot be made: its parent is a file.
    std::fs::write(dir.join("file"), "").expect("write");
    let output = polic(
        &fixtures(),
        &[
            "eval",
            "before",
            "--evidence",
            "before/evidence.jsonl",
            "--at",
            "2026-06-01",
            "--format",
            "json",
            "--record",
            "--store",
            path(&dir.join("file/history.sqlite")),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stdout), evaluated("before"));
    insta::assert_snapshot!(
        "eval-record-store-fails",
        text(&output.stderr).replace(path(&dir), "DIR")
    );
}

#[test]
fn the_default_store_sits_beside_the_workspace_settings() {
    let dir = scratch("default-store");
    for entry in ["policy.polic", "evidence.jsonl"] {
        std::fs::copy(fixtures().join("before").join(entry), dir.join(entry)).expect("copy");
    }
    std::fs::write(dir.join("polic.toml"), "evidence = [\"evidence.jsonl\"]\n").expect("write");
    std::fs::create_dir(dir.join("sub")).expect("mkdir");
    let output = polic(&dir, &["eval", ".", "--at", "2026-06-01", "--record"]);
    assert_eq!(
        text(&output.stderr)
            .lines()
            .find(|l| l.starts_with("recorded")),
        Some("recorded snapshot #1 (2026-06-01) in .polic/history.sqlite")
    );
    assert!(dir.join(".polic/history.sqlite").is_file());
    let listed = polic(&dir.join("sub"), &["history", "--format", "csv"]);
    assert_eq!(
        text(&listed.stdout).lines().count(),
        2,
        "found from a subdirectory: {}",
        text(&listed.stderr)
    );
}
