//! Where each control reaches, per control and per app, for the editor's hovers and code
//! lenses: the archetypes it may apply to and the apps that require it. Each is a query of
//! its own reading only the pieces it needs, so that after an edit a lens or hover
//! recomputes only what the edit touched, not the whole model.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::archetypes::{archetype_graph, flat_archetype};
use super::coverage::{Applicability, control_applies};
use super::{
    Requirement, ResolvedArchetype, effective_facts, fact_defaults, items_of, requirement,
};
use crate::db::{Db, Workspace};
use crate::hir::*;
use crate::index::definition;
use crate::item::{ItemId, ItemTag};
use crate::lower::lower_item;

/// An app as requirements see it: its archetypes flattened, and its facts with defaults and
/// what its archetypes fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppContext {
    pub name: String,
    /// The app's archetypes in its order; `None` for one that is not defined.
    pub archetypes: Vec<(String, Option<Arc<ResolvedArchetype>>)>,
    pub facts: BTreeMap<String, FactValue>,
}

impl AppContext {
    fn archetype(&self, name: &str) -> Option<&ResolvedArchetype> {
        self.archetypes
            .iter()
            .find(|(a, _)| a == name)
            .and_then(|(_, resolved)| resolved.as_deref())
    }

    /// Whether the app requires the control, and why.
    pub fn requires(&self, control: &Applicability) -> Option<Requirement> {
        let names: Vec<&str> = self.archetypes.iter().map(|(a, _)| a.as_str()).collect();
        requirement(&|a| self.archetype(a), &names, &self.facts, control)
    }
}

/// The app defined by an item (its first app), as requirements see it.
#[salsa::tracked(returns(ref))]
pub fn app_context(db: &dyn Db, workspace: Workspace, item: ItemId) -> Option<Arc<AppContext>> {
    let app = lower_item(db, workspace, item).hir.apps.first()?;
    let archetypes: Vec<(String, Option<Arc<ResolvedArchetype>>)> = app
        .archetypes
        .iter()
        .map(|(a, _)| (a.clone(), flat_archetype(db, workspace, a.clone()).clone()))
        .collect();
    let names: Vec<&str> = archetypes.iter().map(|(a, _)| a.as_str()).collect();
    let lookup = |name: &str| {
        archetypes
            .iter()
            .find(|(a, _)| a == name)
            .and_then(|(_, resolved)| resolved.as_deref())
    };
    let own: Vec<(String, FactValue)> = app
        .facts
        .iter()
        .map(|(f, v, _)| (f.clone(), v.clone()))
        .collect();
    let facts = effective_facts(fact_defaults(db, workspace), &lookup, &names, &own);
    Some(Arc::new(AppContext {
        name: app.def.name.clone(),
        archetypes,
        facts,
    }))
}

/// The archetypes a control may apply to (conditions on facts an archetype does not fix
/// may go either way), sorted by name.
#[salsa::tracked(returns(ref))]
pub fn control_archetypes(db: &dyn Db, workspace: Workspace, item: ItemId) -> Arc<Vec<String>> {
    let Some(control) = control_applies(db, workspace, item) else {
        return Arc::default();
    };
    let graph = archetype_graph(db, workspace);
    let mut names: Vec<String> = control
        .applies
        .iter()
        .flat_map(|a| &a.archetypes)
        .filter_map(|named| graph.descendants.get(named))
        .flatten()
        .filter(|name| {
            graph.archetypes.get(*name).is_some_and(|archetype| {
                super::checks::may_apply(db, workspace, control, archetype)
            })
        })
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    Arc::new(names)
}

/// The apps that require a control, sorted by name, each with the archetype that provides
/// the control for it, if one does. An app defined twice counts in its first definition.
#[salsa::tracked(returns(ref))]
pub fn control_apps(
    db: &dyn Db,
    workspace: Workspace,
    item: ItemId,
) -> Arc<Vec<(String, Option<String>)>> {
    let Some(control) = control_applies(db, workspace, item) else {
        return Arc::default();
    };
    let mut apps: Vec<(String, Option<String>)> = items_of(db, workspace, ItemTag::App)
        .iter()
        .filter_map(|&app| app_context(db, workspace, app).as_deref().map(|c| (app, c)))
        .filter(|(app, context)| {
            definition(db, workspace, Kind::App, context.name.clone())
                .is_some_and(|first| first.item == *app)
        })
        .filter_map(|(_, context)| {
            let requirement = context.requires(control)?;
            Some((context.name.clone(), requirement.provided_by))
        })
        .collect();
    apps.sort();
    Arc::new(apps)
}
