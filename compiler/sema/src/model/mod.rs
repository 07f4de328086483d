//! The workspace model as small queries, each backdated when its result comes out equal:
//! the extends graph (archetypes.rs), each control's projections and coverage
//! (coverage.rs), the policy's adoption (adoption.rs), the checks beyond one item
//! (checks.rs). [`model`] puts them together with every file's items for the rule set and
//! the IDE; `check` never reads it, only [`model_diagnostics`].

pub mod adoption;
pub mod archetypes;
pub mod checks;
pub mod coverage;
pub mod reach;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use polic_diagnostics::Diagnostic;

use crate::db::{Db, File, Workspace};
use crate::eval::{Missing, eval};
use crate::hir::*;
use crate::index::{files_in_scope, symbols};
use crate::item::{ItemId, ItemTag, item_ids};
use crate::lower::{lower_file, lower_item};
use adoption::Adopted;

/// An archetype with its inheritance resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedArchetype {
    pub hir: Archetype,
    /// Itself and every archetype it extends, nearest first, each once.
    pub lineage: Vec<String>,
    /// Fact values set by it or inherited, with the archetype that set each.
    pub facts: BTreeMap<String, (FactValue, String)>,
    /// Controls it or its ancestors provide, with the archetype that provides each.
    pub provides: BTreeMap<String, String>,
}

/// Why an app requires a control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The app's archetype through which the control applies.
    pub archetype: String,
    /// The archetype named in the control's `applies-to` (the archetype itself or an ancestor).
    pub via: String,
    /// Index of the `applies-to` line in the control.
    pub applies: usize,
    /// The archetype (or ancestor) that provides the control, if the platform meets it.
    pub provided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Model {
    pub facts: BTreeMap<String, (FactType, Option<FactValue>)>,
    pub archetypes: BTreeMap<String, ResolvedArchetype>,
    pub controls: BTreeMap<String, Control>,
    pub apps: BTreeMap<String, App>,
    /// Profiles, policy, risk models and adopted clauses, shared with the `adoption` query.
    pub adoption: Arc<Adopted>,
    /// Clause → the controls that satisfy it, directly or through a mapping.
    pub coverage: BTreeMap<ClauseKey, BTreeSet<String>>,
    pub mappings: Vec<Mapping>,
    pub waivers: Vec<Waiver>,
    pub tests: Vec<Test>,
}

/// An adopted clause: its weight, and the conditions under which apps need it (`None`: all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub weight: u32,
    pub when: Vec<Option<Cond>>,
}

impl Model {
    /// The facts of an app as conditions see them: defaults, then what its archetypes set,
    /// then what the app sets.
    pub fn app_facts(&self, app: &App) -> BTreeMap<String, FactValue> {
        let archetypes: Vec<&str> = app.archetypes.iter().map(|(a, _)| a.as_str()).collect();
        let own: Vec<(String, FactValue)> = app
            .facts
            .iter()
            .map(|(f, v, _)| (f.clone(), v.clone()))
            .collect();
        self.effective_facts(&archetypes, &own)
    }

    pub fn effective_facts(
        &self,
        archetypes: &[&str],
        own: &[(String, FactValue)],
    ) -> BTreeMap<String, FactValue> {
        let defaults: BTreeMap<String, FactValue> = self
            .facts
            .iter()
            .filter_map(|(name, (_, default))| Some((name.clone(), default.clone()?)))
            .collect();
        effective_facts(&defaults, &|a| self.archetype(a), archetypes, own)
    }

    fn archetype(&self, name: &str) -> Option<&ResolvedArchetype> {
        self.archetypes.get(name)
    }

    /// Whether an app with these archetypes and facts requires the control, and why.
    pub fn requirement(
        &self,
        archetypes: &[&str],
        facts: &BTreeMap<String, FactValue>,
        control: &Control,
    ) -> Option<Requirement> {
        requirement(
            &|a| self.archetype(a),
            archetypes,
            facts,
            &coverage::Applicability {
                name: control.def.name.clone(),
                loc: control.def.loc,
                applies: control.applies.clone(),
            },
        )
    }

    /// A typed value as written in the source.
    pub fn show_value(&self, fact: &str, value: &FactValue) -> String {
        show_value(self.facts.get(fact).map(|(ty, _)| ty), value)
    }

    pub fn app_requirement(&self, app: &App, control: &Control) -> Option<Requirement> {
        let archetypes: Vec<&str> = app.archetypes.iter().map(|(a, _)| a.as_str()).collect();
        self.requirement(&archetypes, &self.app_facts(app), control)
    }
}

type Archetypes<'a> = dyn Fn(&str) -> Option<&'a ResolvedArchetype> + 'a;

/// Facts as conditions see them: defaults, then what the archetypes set, then `own`.
pub fn effective_facts<'a>(
    defaults: &BTreeMap<String, FactValue>,
    archetype: &Archetypes<'a>,
    archetypes: &[&str],
    own: &[(String, FactValue)],
) -> BTreeMap<String, FactValue> {
    let mut facts = defaults.clone();
    for name in archetypes {
        if let Some(resolved) = archetype(name) {
            for (fact, (value, _)) in &resolved.facts {
                facts.insert(fact.clone(), value.clone());
            }
        }
    }
    for (fact, value) in own {
        facts.insert(fact.clone(), value.clone());
    }
    facts
}

/// Whether an app with these archetypes and facts requires the control, and why.
pub fn requirement<'a>(
    archetype: &Archetypes<'a>,
    archetypes: &[&str],
    facts: &BTreeMap<String, FactValue>,
    control: &coverage::Applicability,
) -> Option<Requirement> {
    for name in archetypes {
        let Some(resolved) = archetype(name) else {
            continue;
        };
        for (index, applies) in control.applies.iter().enumerate() {
            let Some(via) = resolved
                .lineage
                .iter()
                .find(|a| applies.archetypes.contains(a))
            else {
                continue;
            };
            let holds = applies
                .when
                .as_ref()
                .is_none_or(|cond| eval(cond, &|f| facts.get(f), Missing::False) == Some(true));
            if holds {
                return Some(Requirement {
                    archetype: name.to_string(),
                    via: via.clone(),
                    applies: index,
                    provided_by: resolved.provides.get(&control.name).cloned(),
                });
            }
        }
    }
    None
}

/// A typed value as written in the source.
pub fn show_value(ty: Option<&FactType>, value: &FactValue) -> String {
    let variants = ty.map(FactType::variants).unwrap_or_default();
    let variant = |i: &u32| {
        variants
            .get(*i as usize)
            .cloned()
            .unwrap_or_else(|| i.to_string())
    };
    match value {
        FactValue::Enum(i) => variant(i),
        FactValue::Set(items) => format!(
            "{{{}}}",
            items.iter().map(variant).collect::<Vec<_>>().join(", ")
        ),
        FactValue::Bool(b) => b.to_string(),
        FactValue::Int(n) => n.to_string(),
        FactValue::Str(s) => format!("{s:?}"),
    }
}

/// The items of one kind in scope, in file order: equal unless an item of the kind is
/// added, removed or renamed.
#[salsa::tracked(returns(ref))]
pub fn items_of(db: &dyn Db, workspace: Workspace, tag: ItemTag) -> Vec<ItemId> {
    files_in_scope(db, workspace)
        .iter()
        .flat_map(|&file| item_ids(db, file))
        .filter(|item| item.tag == tag)
        .copied()
        .collect()
}

/// Every fact's default, typed; the first declaration of a fact wins.
#[salsa::tracked(returns(ref))]
pub fn fact_defaults(db: &dyn Db, workspace: Workspace) -> BTreeMap<String, FactValue> {
    let facts = &symbols(db, workspace).facts;
    let mut defaults = BTreeMap::new();
    for &item in items_of(db, workspace, ItemTag::Facts) {
        for (fact, default) in &lower_item(db, workspace, item).hir.fact_defaults {
            if facts.contains_key(fact) {
                defaults
                    .entry(fact.clone())
                    .or_insert_with(|| default.clone());
            }
        }
    }
    defaults
}

/// The diagnostics of the workspace-wide checks, by the file of their primary location.
#[salsa::tracked(returns(ref))]
pub fn model_diagnostics(db: &dyn Db, workspace: Workspace) -> HashMap<File, Vec<Diagnostic<Loc>>> {
    let mut all: Vec<&Diagnostic<Loc>> = Vec::new();
    all.extend(&archetypes::archetype_graph(db, workspace).diagnostics);
    // An app defined twice is checked in its first definition, as the model keeps it.
    for &item in items_of(db, workspace, ItemTag::App) {
        let first = lower_item(db, workspace, item)
            .hir
            .apps
            .first()
            .and_then(|app| {
                crate::index::definition(db, workspace, Kind::App, app.def.name.clone())
            });
        if first.is_some_and(|loc| loc.item == item) {
            all.extend(checks::app_check(db, workspace, item));
        }
    }
    all.extend(checks::applicability(db, workspace));
    all.extend(&adoption::adoption(db, workspace).diagnostics);
    all.extend(adoption::uncovered(db, workspace));
    for &item in items_of(db, workspace, ItemTag::Waiver) {
        all.extend(checks::waiver_check(db, workspace, item));
    }
    all.extend(checks::unused(db, workspace));
    all.extend(crate::analysis::checks::diagnostics(db, workspace));
    let mut by_file: HashMap<File, Vec<Diagnostic<Loc>>> = HashMap::new();
    for diagnostic in all {
        by_file
            .entry(diagnostic.primary.at.file())
            .or_default()
            .push(diagnostic.clone());
    }
    by_file
}

/// The model for the rule set and the IDE: every file's items with the pieces above.
#[salsa::tracked(returns(ref))]
pub fn model(db: &dyn Db, workspace: Workspace) -> Arc<Model> {
    let symbols = symbols(db, workspace);
    let defaults = fact_defaults(db, workspace);
    let mut model = Model {
        facts: symbols
            .facts
            .iter()
            .map(|(name, sig)| (name.clone(), (sig.ty.clone(), defaults.get(name).cloned())))
            .collect(),
        archetypes: archetypes::archetype_graph(db, workspace)
            .archetypes
            .iter()
            .map(|(name, a)| (name.clone(), ResolvedArchetype::clone(a)))
            .collect(),
        coverage: coverage::coverage(db, workspace).as_ref().clone(),
        adoption: adoption::adoption(db, workspace).clone(),
        ..Model::default()
    };
    // A name defined twice keeps its first definition (the second is reported as a
    // duplicate).
    for &file in files_in_scope(db, workspace) {
        let hir = &lower_file(db, workspace, file).hir;
        for control in &hir.controls {
            model
                .controls
                .entry(control.def.name.clone())
                .or_insert_with(|| control.clone());
        }
        for app in &hir.apps {
            model
                .apps
                .entry(app.def.name.clone())
                .or_insert_with(|| app.clone());
        }
        model.mappings.extend(hir.mappings.iter().cloned());
        model.waivers.extend(hir.waivers.iter().cloned());
        model.tests.extend(hir.tests.iter().cloned());
    }
    Arc::new(model)
}

pub use polic_ruleset::clause_id::natural_cmp;
