//! The extends graph: every archetype's lineage, flattened facts and provided controls, and
//! the checks on inheritance (cycles, parents that disagree). Reads only archetype items,
//! so an edit to anything else never re-runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use polic_diagnostics::{Code, Diagnostic};

use super::{ResolvedArchetype, items_of};
use crate::db::{Db, Workspace};
use crate::hir::*;
use crate::item::ItemTag;
use crate::lower::lower_item;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArchetypeGraph {
    pub archetypes: BTreeMap<String, Arc<ResolvedArchetype>>,
    /// Each archetype and every archetype that extends it, directly or not: the archetypes
    /// a control naming it may apply to.
    pub descendants: BTreeMap<String, BTreeSet<String>>,
    pub diagnostics: Vec<Diagnostic<Loc>>,
}

#[salsa::tracked(returns(ref))]
pub fn archetype_graph(db: &dyn Db, workspace: Workspace) -> Arc<ArchetypeGraph> {
    let mut flatten = Flatten::default();
    for &item in items_of(db, workspace, ItemTag::Archetype) {
        for archetype in &lower_item(db, workspace, item).hir.archetypes {
            flatten
                .archetypes
                .entry(archetype.def.name.clone())
                .or_insert_with(|| ResolvedArchetype {
                    hir: archetype.clone(),
                    lineage: Vec::new(),
                    facts: BTreeMap::new(),
                    provides: BTreeMap::new(),
                });
        }
    }
    flatten.run();
    let mut descendants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, archetype) in &flatten.archetypes {
        for ancestor in &archetype.lineage {
            descendants
                .entry(ancestor.clone())
                .or_default()
                .insert(name.clone());
        }
    }
    Arc::new(ArchetypeGraph {
        archetypes: flatten
            .archetypes
            .into_iter()
            .map(|(name, a)| (name, Arc::new(a)))
            .collect(),
        descendants,
        diagnostics: flatten.diagnostics,
    })
}

/// One archetype flattened: equal, so what reads it is not re-run, unless this archetype
/// or one it extends changed.
#[salsa::tracked(returns(ref))]
pub fn flat_archetype(
    db: &dyn Db,
    workspace: Workspace,
    name: String,
) -> Option<Arc<ResolvedArchetype>> {
    archetype_graph(db, workspace)
        .archetypes
        .get(&name)
        .cloned()
}

#[derive(Default)]
struct Flatten {
    archetypes: BTreeMap<String, ResolvedArchetype>,
    diagnostics: Vec<Diagnostic<Loc>>,
}

impl Flatten {
    fn report(&mut self, diagnostic: Diagnostic<Loc>) {
        self.diagnostics.push(diagnostic);
    }

    /// Flattens inheritance: lineage, facts and provided controls; reports cycles and
    /// parents that disagree.
    fn run(&mut self) {
        let names: Vec<String> = self.archetypes.keys().cloned().collect();
        let mut reported_cycles: BTreeSet<Vec<String>> = BTreeSet::new();
        for name in &names {
            // Lineage by breadth-first walk, nearest first.
            let mut lineage = vec![name.clone()];
            let mut next = 0;
            while next < lineage.len() {
                let parents: Vec<String> = self.archetypes[&lineage[next]]
                    .hir
                    .extends
                    .iter()
                    .map(|(p, _)| p.clone())
                    .collect();
                for parent in parents {
                    if parent == *name {
                        let cycle = self.cycle_through(name);
                        let mut key = cycle.clone();
                        key.sort();
                        if reported_cycles.insert(key) {
                            self.report_cycle(&cycle);
                        }
                    } else if !lineage.contains(&parent) && self.archetypes.contains_key(&parent) {
                        lineage.push(parent);
                    }
                }
                next += 1;
            }
            self.archetypes
                .get_mut(name)
                .expect("archetype listed above")
                .lineage = lineage;
        }
        // Facts and provides, resolved in order of lineage depth so parents are done first.
        let mut order = names.clone();
        order.sort_by_key(|n| (self.archetypes[n].lineage.len(), n.clone()));
        let mut done: BTreeSet<String> = BTreeSet::new();
        for name in order {
            let hir = self.archetypes[&name].hir.clone();
            let mut facts: BTreeMap<String, (FactValue, String)> = BTreeMap::new();
            let mut provides: BTreeMap<String, String> = BTreeMap::new();
            let own: BTreeSet<&str> = hir.facts.iter().map(|(f, _, _)| f.as_str()).collect();
            for (parent, _) in &hir.extends {
                if !done.contains(parent) {
                    continue; // unknown or part of a cycle: already reported
                }
                let resolved = self.archetypes[parent].clone();
                for (fact, (value, from)) in resolved.facts {
                    match facts.get(&fact) {
                        Some((existing, other))
                            if *existing != value && !own.contains(fact.as_str()) =>
                        {
                            let message =
                                format!("archetype `{name}` inherits two values for fact `{fact}`");
                            let other = other.clone();
                            self.report(
                                Diagnostic::new(Code::ConflictingFacts, message, hir.def.loc)
                                    .with_note(format!("`{other}` and `{from}` set it differently"))
                                    .with_help(format!("set `{fact}` in `{name}` to decide")),
                            );
                        }
                        Some(_) => {}
                        None => {
                            facts.insert(fact, (value, from));
                        }
                    }
                }
                for (control, by) in resolved.provides {
                    provides.entry(control).or_insert(by);
                }
            }
            for (fact, value, _) in &hir.facts {
                facts.insert(fact.clone(), (value.clone(), name.clone()));
            }
            for (control, _) in &hir.provides {
                provides.insert(control.clone(), name.clone());
            }
            let resolved = self
                .archetypes
                .get_mut(&name)
                .expect("archetype listed above");
            resolved.facts = facts;
            resolved.provides = provides;
            if !self.in_cycle(&name) {
                done.insert(name);
            }
        }
    }

    fn in_cycle(&self, name: &str) -> bool {
        !self.cycle_through(name).is_empty()
    }

    /// The archetypes on a cycle through `name`, starting with it; empty if there is none.
    fn cycle_through(&self, name: &str) -> Vec<String> {
        fn walk(
            archetypes: &BTreeMap<String, ResolvedArchetype>,
            target: &str,
            at: &str,
            path: &mut Vec<String>,
            seen: &mut BTreeSet<String>,
        ) -> bool {
            let Some(archetype) = archetypes.get(at) else {
                return false;
            };
            for (parent, _) in &archetype.hir.extends {
                if parent == target {
                    return true;
                }
                if seen.insert(parent.clone()) {
                    path.push(parent.clone());
                    if walk(archetypes, target, parent, path, seen) {
                        return true;
                    }
                    path.pop();
                }
            }
            false
        }
        let mut path = vec![name.to_string()];
        if walk(
            &self.archetypes,
            name,
            name,
            &mut path,
            &mut BTreeSet::new(),
        ) {
            path
        } else {
            Vec::new()
        }
    }

    fn report_cycle(&mut self, cycle: &[String]) {
        let first = &self.archetypes[&cycle[0]];
        let loc = first
            .hir
            .extends
            .iter()
            .find(|(p, _)| cycle.get(1).unwrap_or(&cycle[0]) == p)
            .map_or(first.hir.def.loc, |(_, l)| *l);
        let quoted: Vec<String> = cycle.iter().map(|a| format!("`{a}`")).collect();
        let message = match quoted.as_slice() {
            [one] => format!("archetype {one} extends itself"),
            [a, b] => format!("archetypes {a} and {b} extend each other"),
            [init @ .., last] => format!(
                "archetypes {} and {last} extend each other in a cycle",
                init.join(", ")
            ),
            [] => return,
        };
        let mut path = cycle.to_vec();
        path.push(cycle[0].clone());
        self.report(
            Diagnostic::new(Code::InheritanceCycle, message, loc)
                .with_note(
                    format!("{} ", path.join(" extends "))
                        .trim_end()
                        .to_string(),
                )
                .with_help("remove one `extends` so that inheritance has a root"),
        );
    }
}
