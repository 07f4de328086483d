//! Code lenses (coverage on clauses, reach on controls) and inlay hints (effective weights
//! after clause references).

use std::sync::Arc;

use polic_diagnostics::Span;
use polic_sema::hir::Kind;
use polic_sema::model::{adoption::adoption, coverage::coverage, reach};
use polic_sema::{Db, File, Workspace};

use crate::hover::plural;
use crate::index::{Definition, Symbol, file_index};
use crate::nav::{FileSpan, definition};

/// A line of information above a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    /// The name it is about.
    pub span: Span,
    pub symbol: Symbol,
    pub title: String,
    /// What clicking it shows: a control's apps, a clause's controls (their definitions).
    pub locations: Vec<FileSpan>,
}

/// The apps that require a control, by name, each with the archetype that provides it for
/// the app, if one does.
pub fn control_apps(
    db: &dyn Db,
    workspace: Workspace,
    control: &str,
) -> Arc<Vec<(String, Option<String>)>> {
    polic_sema::index::definition(db, workspace, Kind::Control, control.to_string())
        .map_or_else(Arc::default, |at| {
            reach::control_apps(db, workspace, at.item).clone()
        })
}

/// The archetypes a control may apply to, by name.
pub fn control_archetypes(db: &dyn Db, workspace: Workspace, control: &str) -> Arc<Vec<String>> {
    polic_sema::index::definition(db, workspace, Kind::Control, control.to_string())
        .map_or_else(Arc::default, |at| {
            reach::control_archetypes(db, workspace, at.item).clone()
        })
}

/// Lenses on the clauses ("satisfied by N controls" or "not covered") and controls
/// ("applies to N archetypes, M apps") defined in a file.
pub fn code_lenses(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Lens> {
    let coverage = coverage(db, workspace);
    let mut out = Vec::new();
    let mut stack: Vec<&Definition> = file_index(db, workspace, file)
        .definitions
        .iter()
        .rev()
        .collect();
    while let Some(def) = stack.pop() {
        stack.extend(def.children.iter().rev());
        let (title, shown) = match &def.symbol {
            Symbol::Clause(key) => {
                let controls = coverage.get(key);
                let title = match controls.map_or(0, |c| c.len()) {
                    0 => "not covered".to_string(),
                    n => format!("satisfied by {}", plural(n, "control")),
                };
                let shown: Vec<Symbol> = controls
                    .into_iter()
                    .flatten()
                    .map(|c| Symbol::Item(Kind::Control, c.clone()))
                    .collect();
                (title, shown)
            }
            Symbol::Item(Kind::Control, name) => {
                if polic_sema::index::definition(db, workspace, Kind::Control, name.clone())
                    .is_none()
                {
                    continue;
                }
                let archetypes = control_archetypes(db, workspace, name).len();
                let apps = control_apps(db, workspace, name);
                let title = format!(
                    "applies to {}, {}",
                    plural(archetypes, "archetype"),
                    plural(apps.len(), "app")
                );
                let shown = apps
                    .iter()
                    .map(|(app, _)| Symbol::Item(Kind::App, app.clone()))
                    .collect();
                (title, shown)
            }
            _ => continue,
        };
        let locations = shown
            .iter()
            .filter_map(|symbol| definition(db, workspace, symbol))
            .map(|target| FileSpan {
                file: target.file,
                span: target.name,
            })
            .collect();
        out.push(Lens {
            span: def.name,
            symbol: def.symbol.clone(),
            title,
            locations,
        });
    }
    out
}

/// A hint shown after a piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where it is shown: just after the clause reference.
    pub offset: u32,
    pub label: String,
}

/// The effective weight of each adopted clause referred to in `range`.
pub fn inlay_hints(db: &dyn Db, workspace: Workspace, file: File, range: Span) -> Vec<InlayHint> {
    let adopted = &adoption(db, workspace).adopted;
    file_index(db, workspace, file)
        .occurrences
        .iter()
        .filter(|o| !o.def && o.span.start >= range.start && o.span.end <= range.end)
        .filter_map(|o| match &o.symbol {
            Symbol::Clause(key) => Some(InlayHint {
                offset: o.span.end,
                label: format!("weight {}", adopted.get(key)?.weight),
            }),
            _ => None,
        })
        .collect()
}
