//! Shared helpers for the end-to-end tests: load a fixture (a file or a directory of
//! files), check it as `polic check` would, render what it reports.

pub mod generate;
pub mod posture;
pub mod rego;

use std::collections::BTreeMap;
use std::path::Path;

use polic_diagnostics::{ColorChoice, Diagnostic, render_terminal};
use polic_sema::Database;
use polic_syntax::ast::Date;

/// The date every fixture is checked on, so that expiry is deterministic.
pub const TODAY: Date = Date {
    year: 2026,
    month: 6,
    day: 1,
};

/// A fixture's files by path relative to the fixture, sorted.
pub fn read_fixture(path: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixture directory is readable") {
                let entry = entry.expect("fixture entry is readable").path();
                if entry.is_dir() {
                    stack.push(entry);
                } else if entry.extension().is_some_and(|e| e == "polic") {
                    let relative = entry
                        .strip_prefix(path)
                        .expect("entry is inside the fixture");
                    let text = std::fs::read_to_string(&entry).expect("fixture is UTF-8");
                    files.insert(relative.to_string_lossy().replace('\\', "/"), text);
                }
            }
        }
    } else {
        let name = path
            .file_name()
            .expect("fixture has a name")
            .to_string_lossy()
            .into_owned();
        files.insert(
            name,
            std::fs::read_to_string(path).expect("fixture is UTF-8"),
        );
    }
    files
}

/// Checks files as one workspace.
pub fn check(files: &BTreeMap<String, String>) -> Vec<Diagnostic> {
    let db = Database::default();
    let workspace = db.workspace(
        files.iter().map(|(p, t)| (p.clone(), t.clone())).collect(),
        TODAY,
    );
    polic_sema::check(&db, workspace)
}

/// Renders diagnostics as the terminal shows them without colour.
pub fn render(files: &BTreeMap<String, String>, diagnostics: &[Diagnostic]) -> String {
    let mut sources = files.clone();
    for module in polic_stdlib::MODULES {
        sources.insert(module.path(), module.text.to_string());
    }
    diagnostics
        .iter()
        .map(|d| render_terminal(d, &sources, ColorChoice::Never))
        .collect()
}
