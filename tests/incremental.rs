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
    for query in [
        "file_symbols",
        "symbols",
        "lower_item",
        "lower_file",
        "model",
    ] {
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
    let lowered = executed(&log, "lower_item");
    assert_eq!(
        lowered.len(),
        1,
        "only the edited control is lowered again: {lowered:?}"
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

/// A workspace whose files refer to each other: clauses of a standard in one file, controls
/// and archetypes in another, apps, waivers and maps in others. The item-level tests edit
/// one item and read which queries salsa executed.
const STANDARD: &str = r#"
standard acme "Acme" {
  clause #a-1 "One"
  clause #a-2 "Two"
  clause #a-3 "Three"
  clause #a-4 "Four"
}
profile everything "Everything" { include acme }
policy baseline "Baseline" { adopt everything }
"#;

const CONTROLS: &str = r#"
facts {
  exposure: internal | internet = internal
  tier: low | high = low
}
archetype service "Any service" { }
archetype web "Web service" extends service { exposure = internet }
archetype portal "Portal" extends web { }
archetype batch "Batch job" extends service { }
control tls "Encrypt in transit" {
  satisfies acme#a-1
  applies-to service when exposure == internet
  obligation tls-only "Serve only TLS" { verify scan "testssl" }
}
control logs "Keep logs" {
  satisfies acme#a-2
  applies-to service when tier == low
  obligation keep "Keep them" { verify test "logs" }
}
"#;

const APPS_AND_WAIVERS: [(&str, &str); 3] = [
    (
        "apps.polic",
        r#"
app shop "Shop" { archetype portal }
app cron "Cron" { archetype batch }
"#,
    ),
    (
        "waivers.polic",
        r#"
waiver late-tls for shop on tls {
  reason "The load balancer migrates next quarter"
  requested-by "team-shop"
  approved-by "ciso"
  expires 2027-01-01
}
"#,
    ),
    ("maps.polic", "map acme#a-3 = acme#a-1\n"),
];

struct Session {
    db: Database,
    log: polic_sema::db::ExecutionLog,
    workspace: polic_sema::Workspace,
    files: Vec<File>,
}

impl Session {
    fn new() -> Session {
        let (db, log) = Database::with_execution_log();
        let mut files: Vec<(String, String)> = vec![
            ("standard.polic".into(), STANDARD.into()),
            ("controls.polic".into(), CONTROLS.into()),
        ];
        files.extend(
            APPS_AND_WAIVERS
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string())),
        );
        let workspace = db.workspace(files, polic_tests::TODAY);
        let files = workspace.files(&db).clone();
        let session = Session {
            db,
            log,
            workspace,
            files,
        };
        let codes = session.codes();
        assert_eq!(codes, ["P0701"], "one uncovered clause (a-4): {codes:?}");
        session.log.lock().expect("log").clear();
        session
    }

    fn codes(&self) -> Vec<String> {
        polic_sema::check(&self.db, self.workspace)
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect()
    }

    fn edit(&mut self, path: &str, from: &str, to: &str) {
        let file = *self
            .files
            .iter()
            .find(|f| f.path(&self.db) == path)
            .expect("a file of the session");
        let text = file.text(&self.db).to_string();
        let edited = text.replacen(from, to, 1);
        assert_ne!(text, edited, "`{from}` is in {path}");
        file.set_text(&mut self.db).to(edited.into());
    }

    /// How many times each query ran since the last call, by name, for the queries named.
    fn ran(&self, queries: &[&str]) -> Vec<(String, usize)> {
        let mut log = self.log.lock().expect("log");
        let counts = queries
            .iter()
            .map(|query| {
                let prefix = format!("{query}(");
                let n = log.iter().filter(|e| e.starts_with(&prefix)).count();
                (query.to_string(), n)
            })
            .collect();
        log.clear();
        counts
    }
}

/// The queries between one item's lowering and the check's result, in order.
const PIPELINE: &[&str] = &[
    "symbols",
    "lower_item",
    "lower_file",
    "archetype_graph",
    "flat_archetype",
    "control_applies",
    "control_clauses",
    "coverage",
    "adoption",
    "uncovered",
    "applicability",
    "app_check",
    "waiver_check",
    "file_references",
    "unused",
    "model_diagnostics",
    "file_check",
    "model",
];

fn counts(pairs: &[(&str, usize)]) -> Vec<(String, usize)> {
    PIPELINE
        .iter()
        .map(|query| {
            let n = pairs
                .iter()
                .find(|(q, _)| q == query)
                .map_or(0, |(_, n)| *n);
            (query.to_string(), n)
        })
        .collect()
}

#[test]
fn a_title_edit_reruns_only_its_items_lowering() {
    let mut s = Session::new();
    s.edit(
        "controls.polic",
        "\"Encrypt in transit\"",
        "\"Encrypt traffic\"",
    );
    assert_eq!(s.codes(), ["P0701"]);
    // The control's projections run again and come out equal: nothing downstream re-runs,
    // and only the edited file's check result is rebuilt.
    assert_eq!(
        s.ran(PIPELINE),
        counts(&[
            ("lower_item", 1),
            ("control_applies", 1),
            ("control_clauses", 1),
            ("file_references", 1),
            ("file_check", 1),
        ])
    );
}

#[test]
fn a_condition_term_reruns_no_other_files_lowering() {
    let mut s = Session::new();
    s.edit(
        "controls.polic",
        "when exposure == internet",
        "when exposure == internet or tier == high",
    );
    assert_eq!(s.codes(), ["P0701"]);
    // `tls` is lowered again, and `logs` after it (its syntax nodes moved; its lowering
    // comes out equal). The waiver on `tls` and the control checks depend on the condition.
    assert_eq!(
        s.ran(PIPELINE),
        counts(&[
            ("lower_item", 2),
            ("control_applies", 1),
            ("control_clauses", 1),
            ("applicability", 1),
            ("waiver_check", 1),
            ("file_references", 1),
            ("file_check", 1),
        ])
    );
}

#[test]
fn a_condition_edit_reanalyses_only_that_condition() {
    let mut s = Session::new();
    s.edit(
        "controls.polic",
        "when tier == low",
        "when tier == low or exposure == internet",
    );
    assert_eq!(s.codes(), ["P0701"]);
    // The new condition is analysed once; `tls`'s unchanged condition is not analysed
    // again, and only the edited control's conditions are checked again.
    assert_eq!(
        s.ran(&["analyse", "condition_checks"]),
        [
            ("analyse".to_string(), 1),
            ("condition_checks".to_string(), 1)
        ]
    );
    // Back to the original text: that condition's analysis is still cached.
    s.edit(
        "controls.polic",
        "when tier == low or exposure == internet",
        "when tier == low",
    );
    assert_eq!(s.codes(), ["P0701"]);
    assert_eq!(
        s.ran(&["analyse", "condition_checks"]),
        [
            ("analyse".to_string(), 0),
            ("condition_checks".to_string(), 1)
        ]
    );
}

#[test]
fn a_control_added_lowers_only_that_control() {
    let mut s = Session::new();
    s.edit(
        "controls.polic",
        "control logs",
        "control keys \"Rotate keys\" {\n  satisfies acme#a-4\n  applies-to batch\n  obligation rotate \"Rotate\" { verify test \"keys\" }\n}\ncontrol logs",
    );
    assert_eq!(s.codes(), Vec::<String>::new(), "a-4 is covered now");
    // The new name changes the workspace's symbols, but no item looks it up: only the new
    // control is lowered (and `logs`, whose nodes moved, comes out equal).
    assert_eq!(
        s.ran(PIPELINE),
        counts(&[
            ("symbols", 1),
            ("lower_item", 2),
            ("control_applies", 1),
            ("control_clauses", 1),
            ("coverage", 1),
            ("uncovered", 1),
            ("applicability", 1),
            ("file_references", 1),
            ("unused", 1),
            ("model_diagnostics", 1),
            // Each file's result reads the changed map of workspace-wide diagnostics; all but
            // the edited file's and the policy's come out equal.
            ("file_check", 5),
        ])
    );
}

#[test]
fn a_clause_reference_changed_reruns_coverage_and_that_controls_dependants() {
    let mut s = Session::new();
    s.edit("controls.polic", "satisfies acme#a-2", "satisfies acme#a-4");
    assert_eq!(s.codes(), ["P0701"], "a-2 is uncovered instead of a-4");
    assert_eq!(
        s.ran(PIPELINE),
        counts(&[
            ("lower_item", 1),
            ("control_applies", 1),
            ("control_clauses", 1),
            ("coverage", 1),
            ("uncovered", 1),
            ("file_references", 1),
            ("model_diagnostics", 1),
            // Each file's result reads the changed map of workspace-wide diagnostics; all but
            // the edited file's and the policy's come out equal.
            ("file_check", 5),
        ])
    );
}

#[test]
fn a_file_deleted_relowers_only_the_items_that_named_its_definitions() {
    let mut s = Session::new();
    let kept: Vec<File> = s
        .files
        .iter()
        .copied()
        .filter(|f| f.path(&s.db) != "apps.polic")
        .collect();
    s.workspace.set_files(&mut s.db).to(kept);
    assert_eq!(
        s.codes(),
        ["P0901", "P0901", "P0701", "P0107"],
        "`portal` and `batch` are unused now; the waiver names an unknown app"
    );
    // Only the waiver looked up an app by name.
    let ran = s.ran(PIPELINE);
    let ran = |query: &str| ran.iter().find(|(q, _)| q == query).map_or(0, |(_, n)| *n);
    assert_eq!(ran("lower_item"), 1, "the waiver");
    assert_eq!(ran("lower_file"), 0, "a check never joins a file's items");
    for query in [
        "flat_archetype",
        "control_applies",
        "control_clauses",
        "coverage",
        "adoption",
    ] {
        assert_eq!(ran(query), 0, "{query}");
    }
}

#[test]
fn an_archetypes_fact_changed_reruns_only_its_descendants_apps() {
    let mut s = Session::new();
    s.edit(
        "controls.polic",
        "archetype portal \"Portal\" extends web { }",
        "archetype portal \"Portal\" extends web { tier = high }",
    );
    assert_eq!(s.codes(), ["P0701"]);
    let flattened = executed(&s.log, "flat_archetype");
    let ran = s.ran(PIPELINE);
    let ran = |query: &str| ran.iter().find(|(q, _)| q == query).map_or(0, |(_, n)| *n);
    // `portal` is lowered again, and the three items after it, whose nodes moved (all equal).
    assert_eq!(ran("lower_item"), 4);
    // The changed archetype's flattening, and the one the analysis of `tls`'s condition
    // asks about again (the graph it reads changed; the result is equal, so nothing
    // after it re-runs).
    assert_eq!(flattened.len(), 2, "{flattened:?}");
    // The app checks compare an app's own facts with its archetype's; neither app sets
    // one, so neither check read `portal` and neither re-runs.
    assert_eq!(ran("app_check"), 0, "no app check read `portal`'s facts");
    assert_eq!(ran("waiver_check"), 1, "the waiver for shop");
    for query in [
        "control_clauses",
        "coverage",
        "adoption",
        "uncovered",
        "lower_file",
    ] {
        assert_eq!(ran(query), 0, "{query}");
    }
}

impl Session {
    /// The code lenses of `controls.polic` as the editor shows them: "name: title".
    fn lenses(&self) -> Vec<String> {
        let file = *self
            .files
            .iter()
            .find(|f| f.path(&self.db) == "controls.polic")
            .expect("the controls file");
        polic_ide::code_lenses(&self.db, self.workspace, file)
            .iter()
            .map(|lens| format!("{:?}: {}", lens.symbol, lens.title))
            .collect()
    }
}

/// The queries code lenses read beyond the check's.
const REACH: &[&str] = &["app_context", "control_archetypes", "control_apps", "model"];

#[test]
fn code_lenses_after_an_edit_recompute_only_what_it_touched() {
    let mut s = Session::new();
    let lenses = s.lenses();
    assert_eq!(
        lenses,
        [
            "Item(Control, \"tls\"): applies to 4 archetypes, 1 app",
            "Item(Control, \"logs\"): applies to 4 archetypes, 2 apps",
        ]
    );
    // Each control's reach once (the check's analysis read every app's context already);
    // never the whole model.
    assert_eq!(
        s.ran(REACH),
        [
            ("app_context".to_string(), 0),
            ("control_archetypes".to_string(), 2),
            ("control_apps".to_string(), 2),
            ("model".to_string(), 0),
        ]
    );
    // Asked again with no edit: all of it is remembered.
    assert_eq!(s.lenses(), lenses);
    assert!(s.ran(REACH).iter().all(|(_, n)| *n == 0));
    // A control's title: where it applies is unchanged, nothing is recomputed.
    s.edit("controls.polic", "\"Keep logs\"", "\"Keep the logs\"");
    assert_eq!(s.lenses(), lenses);
    assert!(s.ran(REACH).iter().all(|(_, n)| *n == 0));
    // An app changes archetype: its context, then each control's apps, run again; the
    // other app's context does not.
    s.edit("apps.polic", "archetype batch", "archetype web");
    assert_eq!(
        s.lenses(),
        [
            "Item(Control, \"tls\"): applies to 4 archetypes, 2 apps",
            "Item(Control, \"logs\"): applies to 4 archetypes, 2 apps",
        ]
    );
    assert_eq!(
        s.ran(REACH),
        [
            ("app_context".to_string(), 1),
            ("control_archetypes".to_string(), 0),
            ("control_apps".to_string(), 2),
            ("model".to_string(), 0),
        ]
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
