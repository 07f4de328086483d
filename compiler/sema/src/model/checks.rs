//! The checks that look beyond one item, each a query of its own: controls that apply to
//! nothing and provides that do not apply (from the extends graph and each control's
//! applicability), an app contradicting its archetypes (per app), a waiver for a control
//! its app does not require (per waiver), unused and duplicate definitions (from each
//! file's references).

use std::collections::{BTreeMap, BTreeSet};

use polic_diagnostics::{Code, Diagnostic};

use super::archetypes::{archetype_graph, flat_archetype};
use super::coverage::{Applicability, control_applies};
use super::reach::app_context;
use super::{ResolvedArchetype, items_of, show_value};
use crate::db::{Db, File, Origin, Workspace};
use crate::hir::*;
use crate::index::{Scope, definition, files_in_scope, symbols};
use crate::item::{ItemId, ItemTag, item_ids};
use crate::lower::lower_item;

/// Controls that can apply to no archetype, and archetypes providing controls that do
/// not apply to them.
#[salsa::tracked(returns(ref))]
pub fn applicability(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic<Loc>> {
    let graph = archetype_graph(db, workspace);
    let mut controls: BTreeMap<&str, &Applicability> = BTreeMap::new();
    for &item in items_of(db, workspace, ItemTag::Control) {
        if let Some(control) = control_applies(db, workspace, item) {
            controls.entry(&control.name).or_insert(control);
        }
    }
    let mut diagnostics = Vec::new();
    for control in controls.values() {
        // No applies-to, only unknown archetypes, or an ill-typed condition: all reported.
        if control.applies.iter().all(|a| a.archetypes.is_empty()) || !control.well_typed() {
            continue;
        }
        // Only the archetypes named and those extending them can qualify.
        let possible = control
            .applies
            .iter()
            .flat_map(|a| &a.archetypes)
            .filter_map(|named| graph.descendants.get(named))
            .flatten()
            .filter_map(|name| graph.archetypes.get(name))
            .any(|archetype| may_apply(db, workspace, control, archetype));
        if !possible {
            diagnostics.push(
                Diagnostic::new(Code::ControlAppliesToNothing, format!("control `{}` applies to no archetype", control.name), control.loc)
                    .with_help("its conditions are false for every archetype it names, whatever an app states: check the `when` conditions against the archetypes' facts"),
            );
        }
    }
    for archetype in graph.archetypes.values() {
        for (control_name, loc) in &archetype.hir.provides {
            let Some(control) = controls.get(control_name.as_str()) else {
                continue;
            };
            if !may_apply(db, workspace, control, archetype) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ProvidesUnrequired,
                        format!(
                            "archetype `{}` provides `{control_name}`, which does not apply to it",
                            archetype.hir.def.name
                        ),
                        *loc,
                    )
                    .with_secondary(
                        control.loc,
                        if control
                            .applies
                            .iter()
                            .any(|a| archetype.lineage.iter().any(|l| a.archetypes.contains(l)))
                        {
                            "its `when` conditions are false for this archetype's facts"
                        } else {
                            "its `applies-to` names neither this archetype nor one it extends"
                        },
                    )
                    .with_help(
                        "remove it from `provides`, or make the control apply to this archetype",
                    ),
                );
            }
        }
    }
    diagnostics
}

/// Whether a control can apply to some app of the archetype: decided over the facts the
/// archetype leaves free (crate::analysis).
pub(super) fn may_apply(
    db: &dyn Db,
    workspace: Workspace,
    control: &Applicability,
    archetype: &ResolvedArchetype,
) -> bool {
    control.applies.iter().any(|applies| {
        archetype
            .lineage
            .iter()
            .any(|a| applies.archetypes.contains(a))
            && (!applies.well_typed
                || applies.when.as_ref().is_none_or(|cond| {
                    crate::analysis::may_hold_for(
                        db,
                        workspace,
                        cond.clone(),
                        archetype.hir.def.name.clone(),
                    )
                }))
    })
}

/// An app may not contradict a fact its archetype fixes.
#[salsa::tracked(returns(ref))]
pub fn app_check(db: &dyn Db, workspace: Workspace, item: ItemId) -> Vec<Diagnostic<Loc>> {
    let scope = Scope { db, workspace };
    let mut diagnostics = Vec::new();
    for app in &lower_item(db, workspace, item).hir.apps {
        for (fact, value, loc) in &app.facts {
            for (archetype, _) in &app.archetypes {
                let Some(resolved) = flat_archetype(db, workspace, archetype.clone()) else {
                    continue;
                };
                if let Some((fixed, by)) = resolved.facts.get(fact)
                    && fixed != value
                {
                    let ty = scope.fact(fact).map(|f| &f.ty);
                    diagnostics.push(
                        Diagnostic::new(
                            Code::ConflictingFacts,
                            format!("app `{}` sets fact `{fact}` differently from its archetype `{by}`", app.def.name),
                            *loc,
                        )
                        .with_label(format!("`{by}` fixes `{fact}` to `{}`", show_value(ty, fixed)))
                        .with_help("an archetype's facts hold for all its apps: choose another archetype, or remove this line"),
                    );
                }
            }
        }
    }
    diagnostics
}

/// A waiver excusing a control its app does not require.
#[salsa::tracked(returns(ref))]
pub fn waiver_check(db: &dyn Db, workspace: Workspace, item: ItemId) -> Vec<Diagnostic<Loc>> {
    let mut diagnostics = Vec::new();
    for waiver in &lower_item(db, workspace, item).hir.waivers {
        let (Some(app), Some(control)) = (&waiver.app, &waiver.control) else {
            continue;
        };
        let app_def = definition(db, workspace, Kind::App, app.clone())
            .and_then(|loc| app_context(db, workspace, loc.item).as_deref());
        let control_def = definition(db, workspace, Kind::Control, control.clone())
            .and_then(|loc| control_applies(db, workspace, loc.item).as_deref());
        let (Some(app_def), Some(control_def)) = (app_def, control_def) else {
            continue;
        };
        if control_def.well_typed() && app_def.requires(control_def).is_none() {
            diagnostics.push(
                Diagnostic::new(
                    Code::WaiverNotRequired,
                    format!(
                        "waiver `{}` excuses `{control}`, which app `{app}` does not require",
                        waiver.def.name
                    ),
                    waiver.def.loc,
                )
                .with_help("remove the waiver: there is nothing to excuse"),
            );
        }
    }
    diagnostics
}

/// What one file refers to: equal across edits that change no reference.
#[salsa::tracked(returns(ref))]
pub fn file_references(db: &dyn Db, workspace: Workspace, file: File) -> BTreeSet<(Kind, String)> {
    item_ids(db, file)
        .iter()
        .flat_map(|&item| &lower_item(db, workspace, item).hir.references)
        .map(|r| (r.kind, r.name.clone()))
        .collect()
}

/// Names defined twice, and definitions in workspace files that nothing refers to.
/// Controls, apps, waivers, tests and policies are what a policy is for, so they are never
/// unused.
#[salsa::tracked(returns(ref))]
pub fn unused(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic<Loc>> {
    let symbols = symbols(db, workspace);
    let mut diagnostics = Vec::new();
    for duplicate in &symbols.duplicates {
        diagnostics.push(
            Diagnostic::new(
                Code::DuplicateDefinition,
                format!("duplicate {} `{}`", duplicate.what, duplicate.name),
                duplicate.again,
            )
            .with_label("defined again here")
            .with_secondary(duplicate.first, "first defined here")
            .with_help(format!(
                "rename one of them; every {} needs its own name",
                duplicate.what
            )),
        );
    }
    let files = files_in_scope(db, workspace);
    let mut references: BTreeSet<&(Kind, String)> = BTreeSet::new();
    for &file in files {
        references.extend(file_references(db, workspace, file));
    }
    for ((kind, name), locs) in &symbols.defs {
        if !matches!(
            kind,
            Kind::Archetype | Kind::Fact | Kind::Profile | Kind::Risk | Kind::Standard
        ) {
            continue;
        }
        let Some(&loc) = locs.first() else { continue };
        if *loc.file().origin(db) != Origin::Workspace
            || references.contains(&(*kind, name.clone()))
        {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                Code::Unused,
                format!("{} `{name}` is never used", kind.as_str()),
                loc,
            )
            .with_help(
                "remove it, or refer to it; `lint unused = allow` in the policy silences this",
            ),
        );
    }
    diagnostics
}
