//! Bodies of the compiler benchmarks (benches/check.rs) over generated workspaces, shared
//! with tests/benches_smoke.rs.

use polic_sema::{Database, File, Workspace};
use salsa::Setter;

/// Cold check: a fresh database, every file parsed, resolved and checked, each file's own
/// queries on `threads` threads first (as `polic check` does with one per core).
pub fn cold_check(files: &[(String, String)], threads: usize) -> Database {
    let db = Database::default();
    let workspace = db.workspace(files.to_vec(), polic_tests::TODAY);
    polic_sema::parallel::prefetch(&db, workspace, threads);
    let diagnostics = polic_sema::check(&db, workspace);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // Returned so that the benchmark drops it after timing: `polic check` never frees it.
    db
}

/// Cold build of the rule set: parse, check and write out; returns the number of controls.
pub fn build_rule_set(files: &[(String, String)]) -> (Database, usize) {
    let db = Database::default();
    let workspace = db.workspace(files.to_vec(), polic_tests::TODAY);
    let controls = polic_sema::build::rule_set(&db, workspace).controls.len();
    // Dropped after timing, as `polic build` never frees it.
    (db, controls)
}

/// The first unit file, where the edits and hovers happen.
const EDITED: &str = "unit00000.polic";

fn checked(files: &[(String, String)]) -> (Database, Workspace, File) {
    let db = Database::default();
    let workspace = db.workspace(files.to_vec(), polic_tests::TODAY);
    assert!(polic_sema::check(&db, workspace).is_empty());
    let file = *workspace
        .files(&db)
        .iter()
        .find(|f| f.path(&db) == EDITED)
        .expect("the generated workspace has a first unit");
    (db, workspace, file)
}

/// The one-line edits an editor session makes, each undone by the next.
#[derive(Debug, Clone, Copy)]
pub enum EditKind {
    /// A control's title: no other item reads it.
    Title,
    /// A term added to a control's condition: its applicability, and the coverage of its
    /// clauses, are recomputed.
    ConditionTerm,
    /// A control satisfies one more clause: coverage and what reads it.
    ClauseReference,
}

impl EditKind {
    /// The first unit's text after the edit.
    fn apply(self, text: &str) -> String {
        let (from, to) = match self {
            EditKind::Title => ("\"Control 0\"", "\"Control 0!\""),
            EditKind::ConditionTerm => (
                "when exposure == internet\n",
                "when exposure == internet and criticality >= medium\n",
            ),
            EditKind::ClauseReference => {
                ("satisfies bench#B-1\n", "satisfies bench#B-1, bench#B-2\n")
            }
        };
        let edited = text.replacen(from, to, 1);
        assert_ne!(text, edited, "{self:?} changes the first unit");
        edited
    }
}

/// A checked workspace re-checked after one-line edits, as an editor session does.
pub struct Edit {
    db: Database,
    workspace: Workspace,
    file: File,
    /// The file's text before and after the edit.
    texts: [String; 2],
    current: usize,
}

impl Edit {
    pub fn new(files: &[(String, String)], kind: EditKind) -> Edit {
        let (db, workspace, file) = checked(files);
        let text = file.text(&db).to_string();
        let edited = kind.apply(&text);
        Edit {
            db,
            workspace,
            file,
            texts: [text, edited],
            current: 0,
        }
    }

    /// Makes the edit, or undoes it.
    fn toggle(&mut self) {
        self.current ^= 1;
        self.file
            .set_text(&mut self.db)
            .to(self.texts[self.current].clone().into());
    }

    /// Makes the edit (or undoes it) and checks the workspace again.
    pub fn edit_and_check(&mut self) -> usize {
        self.toggle();
        let diagnostics = polic_sema::check(&self.db, self.workspace);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        diagnostics.len()
    }

    /// Makes the edit (or undoes it), then answers what an editor asks with the keystroke:
    /// a hover on a control of the edited file and the file's code lenses.
    pub fn edit_and_hover(&mut self) -> (polic_ide::Hover, usize) {
        self.toggle();
        let text = self.file.text(&self.db);
        let at = text.find("control c3 ").expect("control c3") + "control c".len();
        let offset = u32::try_from(at).expect("offsets are u32");
        let hover = polic_ide::hover(&self.db, self.workspace, self.file, offset, &|_, _| None)
            .expect("a hover");
        let lenses = polic_ide::code_lenses(&self.db, self.workspace, self.file).len();
        (hover, lenses)
    }
}

/// Hover on a control in a checked workspace, as the language server answers it.
pub struct Hover {
    db: Database,
    workspace: Workspace,
    file: File,
    offset: u32,
}

impl Hover {
    pub fn new(files: &[(String, String)]) -> Hover {
        let (db, workspace, file) = checked(files);
        let at = file.text(&db).find("control c3 ").expect("control c3") + "control c".len();
        Hover {
            db,
            workspace,
            file,
            offset: u32::try_from(at).expect("offsets are u32"),
        }
    }

    pub fn hover(&self) -> polic_ide::Hover {
        polic_ide::hover(&self.db, self.workspace, self.file, self.offset, &|_, _| {
            None
        })
        .expect("a hover")
    }
}

/// A fresh database on which everything a cold check reads, except the analysis's own
/// checks, has been computed: every file lowered and the model's other checks run (P0402's
/// per-archetype questions, which the analysis answers, included).
pub fn checked_but_analysis(files: &[(String, String)]) -> (Database, Workspace) {
    use polic_sema::model::{adoption, checks};
    let db = Database::default();
    let workspace = db.workspace(files.to_vec(), polic_tests::TODAY);
    for &file in polic_sema::index::files_in_scope(&db, workspace) {
        polic_sema::file_diagnostics(&db, workspace, file);
    }
    adoption::adoption(&db, workspace);
    adoption::uncovered(&db, workspace);
    checks::applicability(&db, workspace);
    checks::unused(&db, workspace);
    (db, workspace)
}

/// The analysis's checks on such a database: what they add to a cold check.
pub fn analysis(db: &Database, workspace: Workspace) -> usize {
    let found = polic_sema::analysis::checks::diagnostics(db, workspace);
    assert!(found.is_empty(), "{found:?}");
    found.len()
}
