//! Code lenses (coverage on clauses, reach on controls) and inlay hints (effective weights
//! after clause references).

use std::collections::BTreeMap;
use std::sync::Arc;

use polic_diagnostics::Span;
use polic_sema::hir::{FactValue, Kind};
use polic_sema::model::model;
use polic_sema::{Db, File, Workspace};

use crate::hover::{control_archetypes, plural};
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

/// Every app's facts as conditions see them, computed once per change of the model: lenses
/// ask for them for every app and every control in a file.
#[salsa::tracked(returns(ref))]
pub fn app_facts(
    db: &dyn Db,
    workspace: Workspace,
) -> Arc<BTreeMap<String, BTreeMap<String, FactValue>>> {
    let model = model(db, workspace);
    Arc::new(
        model
            .apps
            .iter()
            .map(|(name, app)| (name.clone(), model.app_facts(app)))
            .collect(),
    )
}

/// The apps that require a control, by name, each with the archetype that provides it for
/// the app, if one does.
pub fn control_apps(
    db: &dyn Db,
    workspace: Workspace,
    control: &polic_sema::hir::Control,
) -> Vec<(String, Option<String>)> {
    let model = model(db, workspace);
    let facts = app_facts(db, workspace);
    model
        .apps
        .values()
        .filter_map(|app| {
            let archetypes: Vec<&str> = app.archetypes.iter().map(|(a, _)| a.as_str()).collect();
            let requirement = model.requirement(&archetypes, facts.get(&app.def.name)?, control)?;
            Some((app.def.name.clone(), requirement.provided_by))
        })
        .collect()
}

/// Lenses on the clauses ("satisfied by N controls" or "not covered") and controls
/// ("applies to N archetypes, M apps") defined in a file.
pub fn code_lenses(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Lens> {
    let model = model(db, workspace);
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
                let controls = model.coverage.get(key);
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
                let Some(control) = model.controls.get(name) else {
                    continue;
                };
                let archetypes = control_archetypes(model, control).len();
                let apps = control_apps(db, workspace, control);
                let title = format!(
                    "applies to {}, {}",
                    plural(archetypes, "archetype"),
                    plural(apps.len(), "app")
                );
                let shown = apps
                    .into_iter()
                    .map(|(app, _)| Symbol::Item(Kind::App, app))
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
    let model = model(db, workspace);
    file_index(db, workspace, file)
        .occurrences
        .iter()
        .filter(|o| !o.def && o.span.start >= range.start && o.span.end <= range.end)
        .filter_map(|o| match &o.symbol {
            Symbol::Clause(key) => Some(InlayHint {
                offset: o.span.end,
                label: format!("weight {}", model.adoption.adopted.get(key)?.weight),
            }),
            _ => None,
        })
        .collect()
}
