//! The whole checker on a workspace of several files made from the input, importing each
//! other and the standard library. Every diagnostic renders against its file; every file's
//! own diagnostics (the language server's first tier) are computed; the rule set is built,
//! and a workspace without errors builds a rule set that validates and evaluates.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use polic_diagnostics::{ColorChoice, Severity, render_terminal};
use polic_syntax::ast::Date;

const TODAY: Date = Date {
    year: 2026,
    month: 6,
    day: 1,
};

/// How many files the layout describes; further files take the layouts in turn.
const LAYOUTS: usize = 4;

/// Where one file is and what it imports.
#[derive(Debug, Arbitrary)]
struct Layout {
    /// Which directory the file is in, so that imports go up and down.
    directory: u8,
    /// The files it imports, one bit each by index (itself included: a cycle).
    files: u8,
    /// The standard-library modules it imports, one bit each.
    modules: u8,
}

/// The layouts, then the files' texts separated by NUL characters (so that seeds are
/// policy files as they are, joined).
#[derive(Debug, Arbitrary)]
struct Input<'a> {
    layouts: [Layout; LAYOUTS],
    texts: &'a str,
}

fn path(index: usize, directory: u8) -> String {
    match directory % 3 {
        0 => format!("f{index}.polic"),
        1 => format!("a/f{index}.polic"),
        _ => format!("a/b/f{index}.polic"),
    }
}

/// The relative path from the file at `from` to the one at `to`.
fn relative(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    format!("{}{to}", "../".repeat(depth))
}

fuzz_target!(|input: Input<'_>| {
    let texts: Vec<&str> = input.texts.split('\0').take(8).collect();
    let layouts: Vec<&Layout> = (0..texts.len())
        .map(|i| &input.layouts[i % LAYOUTS])
        .collect();
    let paths: Vec<String> = layouts
        .iter()
        .enumerate()
        .map(|(i, layout)| path(i, layout.directory))
        .collect();
    let files: Vec<(String, String)> = texts
        .iter()
        .zip(&layouts)
        .zip(&paths)
        .map(|((text, layout), from)| {
            let mut source = String::new();
            for (bit, module) in polic_stdlib::MODULES.iter().enumerate().take(8) {
                if layout.modules & (1 << bit) != 0 {
                    source.push_str(&format!("import std.{}\n", module.name));
                }
            }
            for (bit, to) in paths.iter().enumerate().take(8) {
                if layout.files & (1 << bit) != 0 {
                    source.push_str(&format!("import \"{}\"\n", relative(from, to)));
                }
            }
            source.push_str(text);
            (from.clone(), source)
        })
        .collect();
    let db = polic_sema::Database::default();
    let workspace = db.workspace(files.clone(), TODAY);
    let diagnostics = polic_sema::check(&db, workspace);
    let mut texts: BTreeMap<String, String> = files.into_iter().collect();
    for module in polic_stdlib::MODULES {
        texts.insert(module.path(), module.text.to_string());
    }
    for diagnostic in &diagnostics {
        assert!(
            texts.contains_key(&diagnostic.primary.at.file),
            "{diagnostic:?} names a file that is not checked"
        );
        render_terminal(diagnostic, &texts, ColorChoice::Never);
    }
    for &file in workspace.files(&db) {
        polic_sema::file_diagnostics(&db, workspace, file);
    }
    let rules = polic_sema::build::rule_set(&db, workspace);
    if diagnostics.iter().all(|d| d.severity != Severity::Error) {
        if let Err(problems) = rules.validate() {
            panic!("a workspace without errors built an invalid rule set: {problems:?}");
        }
        let options = polic_ruleset::eval::Options {
            at: TODAY,
            fail_above: None,
        };
        let evidence = polic_ruleset::evidence::EvidenceSet::default();
        if let Err(error) = polic_ruleset::eval::evaluate(rules, &evidence, &[], &options) {
            panic!("a workspace without errors built a rule set that cannot be evaluated: {error}");
        }
    }
});
