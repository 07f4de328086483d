//! polic's semantics on salsa: inputs, symbols, per-file resolution and checks, the
//! workspace model and its checks. Pure: no file system, no clock (the date waivers are
//! judged against is an input).
//!
//! Query layers, each stopping propagation when its result is unchanged:
//! `parse` (spans, never equal) → `item_tree` (position-free) → `file_symbols` (names and
//! signatures only) → `symbols` (the workspace) → `lower_file` (one file resolved) →
//! `model` (the workspace resolved) → [`check`].

pub mod analysis;
pub mod build;
pub use polic_ruleset::clause_id;
pub mod db;
pub mod eval;
pub mod hir;
pub mod index;
pub mod item;
pub mod lower;
pub mod metric;
pub mod model;
pub mod parallel;

use polic_diagnostics::{Diagnostic, Lint, Located};

pub use db::{Database, Db, File, Origin, Workspace, item_tree, parse, syntax_errors};
pub use model::Model;

/// Every diagnostic of the workspace, located, with the policy's lint levels applied, in a
/// stable order (file, position, code).
pub fn check(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for &file in index::files_in_scope(db, workspace) {
        out.extend(file_check(db, workspace, file).iter().cloned());
    }
    finish(out, lints(db, workspace))
}

/// Everything reported in one file, located, before lint levels: its own diagnostics and
/// those of the workspace-wide checks. A query, so that the language server republishes
/// only files whose result changed.
#[salsa::tracked(returns(ref))]
pub fn file_check(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Diagnostic> {
    let mut out = file_diagnostics(db, workspace, file);
    if let Some(found) = model::model_diagnostics(db, workspace).get(&file) {
        out.extend(found.iter().cloned().map(|d| locate(db, d)));
    }
    out
}

/// The policy's lint levels; none without a policy.
pub fn lints(db: &dyn Db, workspace: Workspace) -> &[(polic_diagnostics::Code, Lint)] {
    model::adoption::adoption(db, workspace)
        .policy
        .as_ref()
        .map(|p| p.lints.as_slice())
        .unwrap_or_default()
}

/// A file's own diagnostics, before lint levels: its syntax errors and what resolving it
/// found. They need no workspace model.
pub fn file_diagnostics(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Diagnostic> {
    let path = file.path(db);
    let mut out: Vec<Diagnostic> = syntax_errors(db, file)
        .iter()
        .cloned()
        .map(|d| d.in_file(path))
        .collect();
    // Item by item rather than through `lower_file`: a check never needs the file's HIR
    // joined, and keeping that copy of it costs memory and time.
    for &item in item::item_ids(db, file) {
        out.extend(
            lower::lower_item(db, workspace, item)
                .diagnostics
                .iter()
                .cloned()
                .map(|d| locate(db, d)),
        );
    }
    out
}

/// Applies a policy's lint levels (dropping allowed lints) and puts diagnostics in their
/// stable order.
pub fn finish(
    diagnostics: Vec<Diagnostic>,
    lints: &[(polic_diagnostics::Code, Lint)],
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(
            |d| match lints.iter().rev().find(|(code, _)| *code == d.code) {
                Some((_, Lint::Allow)) => None,
                Some((_, Lint::Level(severity))) => Some(d.with_severity(*severity)),
                None => Some(d),
            },
        )
        .collect();
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup();
    out
}

/// Turns node ids into file spans.
pub fn locate(db: &dyn Db, diagnostic: Diagnostic<hir::Loc>) -> Diagnostic {
    diagnostic.map_locations(|loc| Located {
        file: loc.file().path(db).clone(),
        span: span(db, loc),
    })
}

/// The span of a location in its file.
pub fn span(db: &dyn Db, loc: hir::Loc) -> polic_diagnostics::Span {
    parse(db, loc.file()).source_map.span(item::node(db, loc))
}

/// The path an `import "relative"` in the file at `from` refers to, normalised so that
/// `a/./b/../c.polic` and `a/c.polic` agree. Paths use `/`.
pub fn resolve_import_path(from: &str, relative: &str) -> String {
    let base = from.rfind('/').map_or("", |i| &from[..i]);
    let joined = if relative.starts_with('/') || base.is_empty() {
        relative.to_string()
    } else {
        format!("{base}/{relative}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for (i, part) in joined.split('/').enumerate() {
        match part {
            "." => {}
            // An empty first part is the root of an absolute path; others are `//`.
            "" if i > 0 => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::resolve_import_path;

    #[test]
    fn import_paths_are_relative_to_the_importing_file() {
        assert_eq!(
            resolve_import_path("policy/apps/a.polic", "../org.polic"),
            "policy/org.polic"
        );
        assert_eq!(resolve_import_path("a.polic", "./b/c.polic"), "b/c.polic");
        assert_eq!(
            resolve_import_path("/abs/x.polic", "y.polic"),
            "/abs/y.polic"
        );
    }
}
