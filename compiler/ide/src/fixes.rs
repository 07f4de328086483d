//! Diagnostics by file, and the quick fixes for them: did-you-mean replacements, a
//! skeleton obligation for a control without one, a new expiry date for an expired waiver.

use std::collections::{BTreeMap, BTreeSet};

use polic_diagnostics::{Code, Diagnostic, Span};
use polic_sema::hir::Kind;
use polic_sema::index::files_in_scope;
use polic_sema::lower::lower_file;
use polic_sema::{Db, File, Workspace};
use polic_syntax::ast::Date;

use crate::index::{Symbol, file_index};

/// How long a renewed waiver runs, from today: a quarter, the usual review cycle.
pub const WAIVER_RENEWAL_DAYS: i64 = 90;

/// The diagnostics of the workspace by file path, each list in order.
pub fn diagnostics_by_path(db: &dyn Db, workspace: Workspace) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut out: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for diagnostic in polic_sema::check(db, workspace) {
        out.entry(diagnostic.primary.at.file.clone())
            .or_default()
            .push(diagnostic);
    }
    out
}

/// A file's own diagnostics: its syntax errors and what resolving it found, with the
/// policy's lint levels, in order. They need no workspace model, so after an edit they are
/// ready long before [`diagnostics_by_path`]; for a file where the model reports nothing
/// (see [`model_diagnostic_paths`]) they are the same.
pub fn file_diagnostics(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Diagnostic> {
    // The first policy's lint levels, as `polic_sema::check` applies them.
    let lints = files_in_scope(db, workspace)
        .iter()
        .find_map(|&f| {
            lower_file(db, workspace, f)
                .hir
                .policies
                .first()
                .map(|p| p.lints.clone())
        })
        .unwrap_or_default();
    polic_sema::finish(polic_sema::file_diagnostics(db, workspace, file), &lints)
}

/// The files the workspace model reports diagnostics in (duplicates, cycles, coverage,
/// unused definitions, ...): for these, [`file_diagnostics`] is not the whole story.
pub fn model_diagnostic_paths(db: &dyn Db, workspace: Workspace) -> BTreeSet<String> {
    polic_sema::model::model_diagnostics(db, workspace)
        .iter()
        .filter(|(_, found)| !found.is_empty())
        .map(|(file, _)| file.path(db).clone())
        .collect()
}

/// A quick fix: edits that resolve one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub diagnostic: Diagnostic,
    pub edits: Vec<(File, Span, String)>,
    /// The one obvious fix (a single did-you-mean).
    pub preferred: bool,
}

/// The fixes for the diagnostics of `file` that touch `range`.
pub fn code_actions(db: &dyn Db, workspace: Workspace, file: File, range: Span) -> Vec<Fix> {
    let path = file.path(db);
    let mut out = Vec::new();
    for diagnostic in diagnostics_by_path(db, workspace)
        .remove(path)
        .unwrap_or_default()
    {
        let at = diagnostic.primary.at.span;
        if !touches(at, range) {
            continue;
        }
        out.extend(did_you_mean(&diagnostic, |path| {
            file_by_path(db, workspace, path)
        }));
        let edit = match diagnostic.code {
            Code::ControlWithoutObligation => add_obligation(db, workspace, file, at),
            Code::ExpiredWaiver => renew_waiver(db, workspace, file, at),
            _ => None,
        };
        if let Some((title, edit)) = edit {
            out.push(Fix {
                title,
                diagnostic: diagnostic.clone(),
                edits: vec![edit],
                preferred: false,
            });
        }
    }
    out
}

fn touches(at: Span, range: Span) -> bool {
    at.start <= range.end && range.start <= at.end
}

/// A diagnostic's did-you-mean replacements as fixes; `file_of` finds the file a
/// suggestion's path names.
fn did_you_mean(diagnostic: &Diagnostic, file_of: impl Fn(&str) -> Option<File>) -> Vec<Fix> {
    let single = diagnostic.suggestions.len() == 1;
    diagnostic
        .suggestions
        .iter()
        .filter_map(|suggestion| {
            Some(Fix {
                title: format!("Replace with `{}`", suggestion.replacement),
                diagnostic: diagnostic.clone(),
                edits: vec![(
                    file_of(&suggestion.at.file)?,
                    suggestion.at.span,
                    suggestion.replacement.clone(),
                )],
                preferred: single,
            })
        })
        .collect()
}

/// The did-you-mean fixes for the tags of a source file that touch `range` (`app` as for
/// [`crate::tags::tag_diagnostics`]).
pub fn tag_code_actions(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    range: Span,
    app: Option<&str>,
) -> Vec<Fix> {
    crate::tags::tag_diagnostics(db, workspace, file, app)
        .iter()
        .filter(|d| touches(d.primary.at.span, range))
        .flat_map(|d| did_you_mean(d, |path| (path == file.path(db)).then_some(file)))
        .collect()
}

fn file_by_path(db: &dyn Db, workspace: Workspace, path: &str) -> Option<File> {
    files_in_scope(db, workspace)
        .iter()
        .copied()
        .find(|f| f.path(db) == path)
}

/// An obligation skeleton inserted before the closing brace of the control named at `name`.
fn add_obligation(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    name: Span,
) -> Option<(String, (File, Span, String))> {
    let text = file.text(db);
    let index = file_index(db, workspace, file);
    let def = index
        .definitions
        .iter()
        .find(|d| d.name == name && matches!(d.symbol, Symbol::Item(Kind::Control, _)))?;
    let control = def.symbol.name();
    let close = def.full.end.checked_sub(1)?;
    if text.as_bytes().get(close as usize) != Some(&b'}') {
        return None;
    }
    let line_start = |offset: u32| text[..offset as usize].rfind('\n').map_or(0, |i| i + 1);
    let item_line = line_start(def.full.start);
    let indent: String = text[item_line..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let close_line = line_start(close);
    let title = def
        .title
        .clone()
        .unwrap_or_else(|| "What a developer does to meet it".to_string());
    let skeleton = format!(
        "{indent}  obligation {control}-obligation \"{}\" {{\n{indent}    verify attest \"control-owner\"\n{indent}  }}\n",
        title.replace('\\', "\\\\").replace('"', "\\\"")
    );
    // With the `}` alone on its line, the skeleton goes on the lines before it; otherwise
    // it opens a line of its own before the `}`.
    let (at, insert) = if text[close_line..close as usize].trim().is_empty() {
        (close_line as u32, skeleton)
    } else {
        (close, format!("\n{skeleton}{indent}"))
    };
    Some((
        format!("Add an obligation to `{control}`"),
        (file, Span { start: at, end: at }, insert),
    ))
}

/// A new expiry date for the waiver whose date is at `date`.
fn renew_waiver(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    date: Span,
) -> Option<(String, (File, Span, String))> {
    let written = &file.text(db)[date.range()];
    Date::parse(written)?;
    let today = *workspace.today(db);
    let renewed = Date::from_days_since_epoch(today.days_since_epoch() + WAIVER_RENEWAL_DAYS);
    Some((
        format!(
            "Extend the waiver to {renewed} ({WAIVER_RENEWAL_DAYS} days from today; needs a new approval)"
        ),
        (file, date, renewed.to_string()),
    ))
}
