//! Each control's projections (what it satisfies, where it applies) and the coverage of
//! clauses built from them: a control's title or obligations changing re-runs none of it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::items_of;
use crate::db::{Db, Workspace};
use crate::hir::*;
use crate::item::{ItemId, ItemTag};
use crate::lower::lower_item;

/// Where a control applies: what the applicability checks and requirements read of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicability {
    pub name: String,
    pub loc: Loc,
    pub applies: Vec<AppliesTo>,
}

impl Applicability {
    /// Whether every condition type-checked; conclusions about where an ill-typed one
    /// applies would only repeat its error.
    pub fn well_typed(&self) -> bool {
        self.applies.iter().all(|a| a.well_typed)
    }
}

#[salsa::tracked(returns(ref))]
pub fn control_applies(
    db: &dyn Db,
    workspace: Workspace,
    item: ItemId,
) -> Option<Arc<Applicability>> {
    let control = lower_item(db, workspace, item).hir.controls.first()?;
    Some(Arc::new(Applicability {
        name: control.def.name.clone(),
        loc: control.def.loc,
        applies: control.applies.clone(),
    }))
}

/// A control's name and the clauses it satisfies directly.
#[salsa::tracked(returns(ref))]
pub fn control_clauses(
    db: &dyn Db,
    workspace: Workspace,
    item: ItemId,
) -> Option<(String, Vec<ClauseKey>)> {
    let control = lower_item(db, workspace, item).hir.controls.first()?;
    Some((
        control.def.name.clone(),
        control.satisfies.iter().map(|(c, _)| c.clone()).collect(),
    ))
}

/// Clause → the controls that satisfy it, directly or through a mapping. Holds whether
/// or not a policy exists: the IDE shows it on every clause.
#[salsa::tracked(returns(ref))]
pub fn coverage(db: &dyn Db, workspace: Workspace) -> Arc<BTreeMap<ClauseKey, BTreeSet<String>>> {
    let mut coverage: BTreeMap<ClauseKey, BTreeSet<String>> = BTreeMap::new();
    // A name defined twice counts its first definition, as the model keeps it.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for &item in items_of(db, workspace, ItemTag::Control) {
        let Some((name, clauses)) = control_clauses(db, workspace, item) else {
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        for clause in clauses {
            coverage
                .entry(clause.clone())
                .or_default()
                .insert(name.clone());
        }
    }
    let direct = coverage.clone();
    for &item in items_of(db, workspace, ItemTag::Map) {
        for mapping in &lower_item(db, workspace, item).hir.mappings {
            for (a, b) in [(&mapping.from, &mapping.to), (&mapping.to, &mapping.from)] {
                if let Some(controls) = direct.get(a) {
                    coverage
                        .entry(b.clone())
                        .or_default()
                        .extend(controls.iter().cloned());
                }
            }
        }
    }
    Arc::new(coverage)
}
