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

/// A line of information above a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    /// The name it is about.
    pub span: Span,
    pub symbol: Symbol,
    pub title: String,
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

/// The apps that require a control, by name.
pub fn control_apps(
    db: &dyn Db,
    workspace: Workspace,
    control: &polic_sema::hir::Control,
) -> Vec<String> {
    let model = model(db, workspace);
    let facts = app_facts(db, workspace);
    model
        .apps
        .values()
        .filter(|app| {
            let archetypes: Vec<&str> = app.archetypes.iter().map(|(a, _)| a.as_str()).collect();
            facts
                .get(&app.def.name)
                .is_some_and(|facts| model.requirement(&archetypes, facts, control).is_some())
        })
        .map(|app| app.def.name.clone())
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
        let title = match &def.symbol {
            Symbol::Clause(key) => match model.coverage.get(key).map_or(0, |c| c.len()) {
                0 => "not covered".to_string(),
                n => format!("satisfied by {}", plural(n, "control")),
            },
            Symbol::Item(Kind::Control, name) => {
                let Some(control) = model.controls.get(name) else {
                    continue;
                };
                let archetypes = control_archetypes(model, control).len();
                let apps = control_apps(db, workspace, control).len();
                format!(
                    "applies to {}, {}",
                    plural(archetypes, "archetype"),
                    plural(apps, "app")
                )
            }
            _ => continue,
        };
        out.push(Lens {
            span: def.name,
            symbol: def.symbol.clone(),
            title,
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
                label: format!("weight {}", model.adopted.get(key)?.weight),
            }),
            _ => None,
        })
        .collect()
}
