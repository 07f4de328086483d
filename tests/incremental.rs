//! Incrementality: edits re-run only the queries they must. Salsa reports every query it
//! is about to execute; these tests edit one file and read that log.

use polic_sema::{Database, File};
use salsa::Setter;

const POLICY: &str = r#"
import std.nist80053
facts { exposure: internal | internet = internal }
archetype service "Any service" { }
control tls "Encrypt in transit" {
  satisfies nist80053#sc-8
  applies-to service when exposure == internet
  obligation tls-only "Serve only TLS" { verify scan "testssl" }
}
"#;

const APPS: &str = r#"
app shop "Shop" {
  archetype service
  exposure = internet
}
"#;

fn setup() -> (
    Database,
    polic_sema::db::ExecutionLog,
    polic_sema::Workspace,
    File,
    File,
) {
    let (db, log) = Database::with_execution_log();
    let workspace = db.workspace(
        vec![
            ("policy.polic".into(), POLICY.into()),
            ("apps.polic".into(), APPS.into()),
        ],
        polic_tests::TODAY,
    );
    let files = workspace.files(&db).clone();
    assert!(polic_sema::check(&db, workspace).is_empty());
    log.lock().expect("log").clear();
    (db, log, workspace, files[0], files[1])
}

fn executed(log: &polic_sema::db::ExecutionLog, query: &str) -> Vec<String> {
    log.lock()
        .expect("log")
        .iter()
        .filter(|entry| entry.starts_with(query))
        .cloned()
        .collect()
}

#[test]
fn whitespace_and_comment_edits_do_not_rerun_checks() {
    let (mut db, log, workspace, policy, _) = setup();
    let edited = POLICY.replace("control tls", "// a comment\n\n   control    tls");
    policy.set_text(&mut db).to(edited.into());
    assert!(polic_sema::check(&db, workspace).is_empty());
    assert_eq!(
        executed(&log, "parse").len(),
        1,
        "the edited file is re-parsed"
    );
    assert!(
        executed(&log, "item_tree").len() == 1,
        "and its tree rebuilt (it comes out equal)"
    );
    for query in ["file_symbols", "symbols", "lower_file", "model"] {
        assert_eq!(
            executed(&log, query),
            Vec::<String>::new(),
            "{query} must not re-run"
        );
    }
}

#[test]
fn a_semantic_edit_reruns_only_its_own_file_checks() {
    let (mut db, log, workspace, policy, apps) = setup();
    // Changes a condition: the file's symbols stay the same, so the other file's checks hold.
    let edited = POLICY.replace("exposure == internet", "exposure != internal");
    policy.set_text(&mut db).to(edited.into());
    assert!(polic_sema::check(&db, workspace).is_empty());
    let lowered = executed(&log, "lower_file");
    assert_eq!(
        lowered.len(),
        1,
        "only the edited file is lowered again: {lowered:?}"
    );
    assert_eq!(
        executed(&log, "symbols"),
        Vec::<String>::new(),
        "the workspace symbols are unchanged"
    );
    let _ = apps;
}

#[test]
fn stdlib_modules_are_read_only_when_imported_and_never_parsed() {
    let (db, log) = Database::with_execution_log();
    let workspace = db.workspace(
        vec![("a.polic".into(), "import std.iso27001".into())],
        polic_tests::TODAY,
    );
    polic_sema::check(&db, workspace);
    let parsed = executed(&log, "parse");
    assert_eq!(parsed.len(), 1, "only the workspace file: {parsed:?}");
    let trees = executed(&log, "item_tree");
    assert_eq!(
        trees.len(),
        2,
        "the workspace file and the one imported module, decoded: {trees:?}"
    );
}

/// Each file's own queries computed on several threads first leave the check's result
/// exactly as a sequential check finds it, errors and all.
#[test]
fn checking_on_threads_finds_what_a_sequential_check_finds() {
    let mut files = polic_tests::generate::workspace(20_000);
    files.push((
        "broken.polic".into(),
        format!("{POLICY}\ncontrol tls \"Again\" {{ satisfies nist80053#sc-99 }}"),
    ));
    files.push(("syntax.polic".into(), "app oops {".into()));
    let check = |threads: usize| {
        let db = Database::default();
        let workspace = db.workspace(files.clone(), polic_tests::TODAY);
        polic_sema::parallel::prefetch(&db, workspace, threads);
        polic_sema::check(&db, workspace)
    };
    let sequential = check(1);
    assert!(sequential.len() >= 3, "{sequential:?}");
    for threads in [2, 3, 8] {
        assert_eq!(check(threads), sequential, "{threads} threads");
    }
}
