//! The workspace model: every file's resolved items put together, archetype inheritance
//! flattened, the adopted clause set computed, weights and coverage resolved, and the checks
//! that need the whole workspace (cycles, conflicts, coverage, unused definitions).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use polic_diagnostics::{Code, Diagnostic};

use crate::db::{Db, File, Origin, Workspace};
use crate::eval::{Missing, eval};
use crate::hir::*;
use crate::index::{Symbols, files_in_scope, symbols};
use crate::lower::{describe, lower_file};

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
    /// Shared: resolving a profile reads it while the model is being built.
    pub profiles: BTreeMap<String, Arc<Profile>>,
    /// The clauses each profile selects (every profile, adopted or not).
    pub profile_clauses: BTreeMap<String, BTreeSet<ClauseKey>>,
    pub policy: Option<Policy>,
    pub risks: BTreeMap<String, Risk>,
    /// The policy's risk model.
    pub risk: Option<Risk>,
    /// Every clause of every standard in scope, with its weight under the policy's risk model.
    pub adopted: BTreeMap<ClauseKey, Adoption>,
    /// Clause → the controls that satisfy it, directly or through a mapping.
    pub coverage: BTreeMap<ClauseKey, BTreeSet<String>>,
    pub mappings: Vec<Mapping>,
    pub waivers: Vec<Waiver>,
    pub tests: Vec<Test>,
    pub diagnostics: Vec<Diagnostic<Loc>>,
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
        let mut facts: BTreeMap<String, FactValue> = self
            .facts
            .iter()
            .filter_map(|(name, (_, default))| Some((name.clone(), default.clone()?)))
            .collect();
        for archetype in archetypes {
            if let Some(resolved) = self.archetypes.get(*archetype) {
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
    pub fn requirement(
        &self,
        archetypes: &[&str],
        facts: &BTreeMap<String, FactValue>,
        control: &Control,
    ) -> Option<Requirement> {
        for archetype in archetypes {
            let Some(resolved) = self.archetypes.get(*archetype) else {
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
                        archetype: archetype.to_string(),
                        via: via.clone(),
                        applies: index,
                        provided_by: resolved.provides.get(&control.def.name).cloned(),
                    });
                }
            }
        }
        None
    }

    /// A typed value as written in the source.
    pub fn show_value(&self, fact: &str, value: &FactValue) -> String {
        let variants = self
            .facts
            .get(fact)
            .map(|(ty, _)| ty.variants())
            .unwrap_or_default();
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

    pub fn app_requirement(&self, app: &App, control: &Control) -> Option<Requirement> {
        let archetypes: Vec<&str> = app.archetypes.iter().map(|(a, _)| a.as_str()).collect();
        self.requirement(&archetypes, &self.app_facts(app), control)
    }
}

#[salsa::tracked(returns(ref))]
pub fn model(db: &dyn Db, workspace: Workspace) -> Arc<Model> {
    let symbols = symbols(db, workspace);
    let mut builder = Builder {
        db,
        symbols,
        model: Model::default(),
        references: BTreeSet::new(),
    };
    for &file in files_in_scope(db, workspace) {
        builder.add(&lower_file(db, workspace, file).hir);
    }
    // Facts without a default still belong to the schema.
    for (name, sig) in &symbols.facts {
        builder
            .model
            .facts
            .entry(name.clone())
            .or_insert((sig.ty.clone(), None));
    }
    builder.duplicates();
    builder.archetypes();
    builder.apps();
    builder.controls();
    builder.policy();
    builder.waivers();
    builder.unused(files_in_scope(db, workspace));
    Arc::new(builder.model)
}

struct Builder<'a> {
    db: &'a dyn Db,
    symbols: &'a Symbols,
    model: Model,
    references: BTreeSet<(Kind, String)>,
}

impl Builder<'_> {
    fn report(&mut self, diagnostic: Diagnostic<Loc>) {
        self.model.diagnostics.push(diagnostic);
    }

    /// Adds one file's items. A name defined twice keeps its first definition (the second
    /// is reported as a duplicate).
    fn add(&mut self, hir: &FileHir) {
        let m = &mut self.model;
        for (fact, default) in &hir.fact_defaults {
            if let Some(sig) = self.symbols.facts.get(fact) {
                m.facts
                    .entry(fact.clone())
                    .or_insert((sig.ty.clone(), Some(default.clone())));
            }
        }
        for archetype in &hir.archetypes {
            m.archetypes
                .entry(archetype.def.name.clone())
                .or_insert_with(|| ResolvedArchetype {
                    hir: archetype.clone(),
                    lineage: Vec::new(),
                    facts: BTreeMap::new(),
                    provides: BTreeMap::new(),
                });
        }
        for control in &hir.controls {
            m.controls
                .entry(control.def.name.clone())
                .or_insert_with(|| control.clone());
        }
        for app in &hir.apps {
            m.apps
                .entry(app.def.name.clone())
                .or_insert_with(|| app.clone());
        }
        for profile in &hir.profiles {
            m.profiles
                .entry(profile.def.name.clone())
                .or_insert_with(|| Arc::new(profile.clone()));
        }
        for policy in &hir.policies {
            match &m.policy {
                None => m.policy = Some(policy.clone()),
                Some(first) => {
                    let first = first.def.loc;
                    m.diagnostics.push(
                        Diagnostic::new(
                            Code::MultiplePolicies,
                            "more than one policy",
                            policy.def.loc,
                        )
                        .with_label(format!("`{}` is a second policy", policy.def.name))
                        .with_secondary(first, "the first policy")
                        .with_help(
                            "a workspace adopts one policy; merge their `adopt` lines into one",
                        ),
                    );
                }
            }
        }
        for risk in &hir.risks {
            m.risks
                .entry(risk.def.name.clone())
                .or_insert_with(|| risk.clone());
        }
        m.mappings.extend(hir.mappings.iter().cloned());
        m.waivers.extend(hir.waivers.iter().cloned());
        m.tests.extend(hir.tests.iter().cloned());
        self.references
            .extend(hir.references.iter().map(|r| (r.kind, r.name.clone())));
    }

    fn duplicates(&mut self) {
        for duplicate in &self.symbols.duplicates {
            self.model.diagnostics.push(
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
    }

    /// Flattens inheritance: lineage, facts and provided controls; reports cycles and
    /// parents that disagree.
    fn archetypes(&mut self) {
        let names: Vec<String> = self.model.archetypes.keys().cloned().collect();
        let mut reported_cycles: BTreeSet<Vec<String>> = BTreeSet::new();
        for name in &names {
            // Lineage by breadth-first walk, nearest first.
            let mut lineage = vec![name.clone()];
            let mut next = 0;
            while next < lineage.len() {
                let parents: Vec<String> = self.model.archetypes[&lineage[next]]
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
                    } else if !lineage.contains(&parent)
                        && self.model.archetypes.contains_key(&parent)
                    {
                        lineage.push(parent);
                    }
                }
                next += 1;
            }
            self.model
                .archetypes
                .get_mut(name)
                .expect("archetype listed above")
                .lineage = lineage;
        }
        // Facts and provides, resolved in order of lineage depth so parents are done first.
        let mut order = names.clone();
        order.sort_by_key(|n| (self.model.archetypes[n].lineage.len(), n.clone()));
        let mut done: BTreeSet<String> = BTreeSet::new();
        for name in order {
            let hir = self.model.archetypes[&name].hir.clone();
            let mut facts: BTreeMap<String, (FactValue, String)> = BTreeMap::new();
            let mut provides: BTreeMap<String, String> = BTreeMap::new();
            let own: BTreeSet<&str> = hir.facts.iter().map(|(f, _, _)| f.as_str()).collect();
            for (parent, _) in &hir.extends {
                if !done.contains(parent) {
                    continue; // unknown or part of a cycle: already reported
                }
                let resolved = self.model.archetypes[parent].clone();
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
                .model
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
            model: &Model,
            target: &str,
            at: &str,
            path: &mut Vec<String>,
            seen: &mut BTreeSet<String>,
        ) -> bool {
            let Some(archetype) = model.archetypes.get(at) else {
                return false;
            };
            for (parent, _) in &archetype.hir.extends {
                if parent == target {
                    return true;
                }
                if seen.insert(parent.clone()) {
                    path.push(parent.clone());
                    if walk(model, target, parent, path, seen) {
                        return true;
                    }
                    path.pop();
                }
            }
            false
        }
        let mut path = vec![name.to_string()];
        if walk(&self.model, name, name, &mut path, &mut BTreeSet::new()) {
            path
        } else {
            Vec::new()
        }
    }

    fn report_cycle(&mut self, cycle: &[String]) {
        let first = &self.model.archetypes[&cycle[0]];
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

    /// An app may not contradict a fact its archetype fixes.
    fn apps(&mut self) {
        let mut diagnostics = Vec::new();
        for app in self.model.apps.values() {
            for (fact, value, loc) in &app.facts {
                for (archetype, _) in &app.archetypes {
                    let Some(resolved) = self.model.archetypes.get(archetype) else {
                        continue;
                    };
                    if let Some((fixed, by)) = resolved.facts.get(fact)
                        && fixed != value
                    {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::ConflictingFacts,
                                format!("app `{}` sets fact `{fact}` differently from its archetype `{by}`", app.def.name),
                                *loc,
                            )
                            .with_label(format!("`{by}` fixes `{fact}` to `{}`", self.model.show_value(fact, fixed)))
                            .with_help("an archetype's facts hold for all its apps: choose another archetype, or remove this line"),
                        );
                    }
                }
            }
        }
        self.model.diagnostics.extend(diagnostics);
    }

    /// Controls that can apply to no archetype, and archetypes providing controls that do
    /// not apply to them.
    fn controls(&mut self) {
        let mut diagnostics = Vec::new();
        for control in self.model.controls.values() {
            // No applies-to, only unknown archetypes, or an ill-typed condition: all reported.
            if control.applies.iter().all(|a| a.archetypes.is_empty()) || !well_typed(control) {
                continue;
            }
            let possible = self
                .model
                .archetypes
                .values()
                .any(|archetype| self.may_apply(control, archetype));
            if !possible {
                diagnostics.push(
                    Diagnostic::new(Code::ControlAppliesToNothing, format!("control `{}` applies to no archetype", control.def.name), control.def.loc)
                        .with_help("its conditions are false for every archetype it names, whatever an app states: check the `when` conditions against the archetypes' facts"),
                );
            }
        }
        for archetype in self.model.archetypes.values() {
            for (control_name, loc) in &archetype.hir.provides {
                let Some(control) = self.model.controls.get(control_name) else {
                    continue;
                };
                if !self.may_apply(control, archetype) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::ProvidesUnrequired,
                            format!("archetype `{}` provides `{control_name}`, which does not apply to it", archetype.hir.def.name),
                            *loc,
                        )
                        .with_secondary(
                            control.def.loc,
                            if control.applies.iter().any(|a| archetype.lineage.iter().any(|l| a.archetypes.contains(l))) {
                                "its `when` conditions are false for this archetype's facts"
                            } else {
                                "its `applies-to` names neither this archetype nor one it extends"
                            },
                        )
                        .with_help("remove it from `provides`, or make the control apply to this archetype"),
                    );
                }
            }
        }
        self.model.diagnostics.extend(diagnostics);
    }

    /// Whether a control can apply to some app of the archetype (conditions on facts the
    /// archetype does not fix may go either way).
    fn may_apply(&self, control: &Control, archetype: &ResolvedArchetype) -> bool {
        control.applies.iter().any(|applies| {
            archetype
                .lineage
                .iter()
                .any(|a| applies.archetypes.contains(a))
                && (!applies.well_typed
                    || applies.when.as_ref().is_none_or(|cond| {
                        eval(
                            cond,
                            &|fact| archetype.facts.get(fact).map(|(v, _)| v),
                            Missing::Unknown,
                        ) != Some(false)
                    }))
        })
    }

    /// The adopted clause set, weights and coverage, and the checks on them.
    fn policy(&mut self) {
        // Coverage holds whether or not a policy exists: the IDE shows it on every clause.
        let mut coverage: BTreeMap<ClauseKey, BTreeSet<String>> = BTreeMap::new();
        for control in self.model.controls.values() {
            for (clause, _) in &control.satisfies {
                coverage
                    .entry(clause.clone())
                    .or_default()
                    .insert(control.def.name.clone());
            }
        }
        let direct = coverage.clone();
        for mapping in &self.model.mappings {
            for (a, b) in [(&mapping.from, &mapping.to), (&mapping.to, &mapping.from)] {
                if let Some(controls) = direct.get(a) {
                    coverage
                        .entry(b.clone())
                        .or_default()
                        .extend(controls.iter().cloned());
                }
            }
        }
        self.model.coverage = coverage;

        // Every profile is resolved, adopted or not, so its mistakes show while it is written.
        let names: Vec<String> = self.model.profiles.keys().cloned().collect();
        for name in names {
            let loc = self.model.profiles[&name].def.loc;
            self.select(&Selector::Profile(name), loc, &mut Vec::new());
        }
        let Some(policy) = self.model.policy.clone() else {
            return;
        };
        let risk = policy
            .risk
            .as_ref()
            .and_then(|name| self.model.risks.get(name).cloned());
        let mut adopted: BTreeMap<ClauseKey, Vec<Option<Cond>>> = BTreeMap::new();
        for adopt in &policy.adopts {
            let selected = self.select(&adopt.selector, adopt.loc, &mut Vec::new());
            if selected.is_empty() && !matches!(adopt.selector, Selector::Profile(_)) {
                self.report(
                    Diagnostic::new(
                        Code::EmptyProfile,
                        format!(
                            "adopting `{}` selects no clause",
                            describe(self.symbols, &adopt.selector)
                        ),
                        adopt.loc,
                    )
                    .with_help(
                        "adopt a profile, standard, group or clause that has current clauses",
                    ),
                );
            }
            for clause in selected {
                adopted.entry(clause).or_default().push(adopt.when.clone());
            }
        }
        let default_weight = risk.as_ref().and_then(|r| r.default).unwrap_or(1);
        let mut weights_used = vec![false; risk.as_ref().map_or(0, |r| r.weights.len())];
        for (clause, when) in adopted {
            let weight = risk.as_ref().and_then(|risk| {
                let (index, weight) = self.weight_for(risk, &clause)?;
                weights_used[index] = true;
                Some(weight)
            });
            // An adoption without a condition covers every app.
            let when = if when.iter().any(Option::is_none) {
                vec![None]
            } else {
                when
            };
            self.model.adopted.insert(
                clause,
                Adoption {
                    weight: weight.unwrap_or(default_weight),
                    when,
                },
            );
        }
        if let Some(risk) = &risk {
            for (weight, used) in risk.weights.iter().zip(weights_used) {
                if !used {
                    self.report(
                        Diagnostic::new(
                            Code::WeightNotAdopted,
                            format!(
                                "weight on `{}`, which the policy does not adopt",
                                describe(self.symbols, &weight.selector)
                            ),
                            weight.loc,
                        )
                        .with_help("remove the weight, or adopt what it names"),
                    );
                }
            }
        }
        self.model.risk = risk;
        self.uncovered(&policy);
    }

    /// The clauses a selector names: withdrawn clauses only when named one by one.
    fn select(
        &mut self,
        selector: &Selector,
        at: Loc,
        visiting: &mut Vec<String>,
    ) -> BTreeSet<ClauseKey> {
        let current = |standard: &str,
                       filter: &dyn Fn(&crate::index::ClauseSig) -> bool|
         -> BTreeSet<ClauseKey> {
            self.symbols
                .standards
                .get(standard)
                .map_or_else(BTreeSet::new, |sig| {
                    sig.clauses
                        .iter()
                        .filter(|(_, c)| c.withdrawn_into.is_none() && filter(c))
                        .map(|(key, _)| ClauseKey {
                            standard: standard.to_string(),
                            key: key.clone(),
                        })
                        .collect()
                })
        };
        match selector {
            Selector::Clause(key) => BTreeSet::from([key.clone()]),
            Selector::Standard(standard) => current(standard, &|_| true),
            Selector::Group { standard, path } => {
                current(standard, &|c| c.groups.starts_with(path))
            }
            Selector::Profile(name) => {
                if visiting.contains(name) {
                    let cycle = visiting.join(" includes ");
                    self.report(
                        Diagnostic::new(
                            Code::ProfileCycle,
                            format!("profile `{name}` includes itself through other profiles"),
                            at,
                        )
                        .with_note(format!("{cycle} includes {name}"))
                        .with_help("remove one of the includes"),
                    );
                    return BTreeSet::new();
                }
                if let Some(selected) = self.model.profile_clauses.get(name) {
                    return selected.clone();
                }
                let Some(profile) = self.model.profiles.get(name).cloned() else {
                    return BTreeSet::new();
                };
                visiting.push(name.clone());
                // Gathered, then sorted once: cheaper than inserting each clause in turn.
                let mut included = Vec::new();
                for (include, loc) in &profile.includes {
                    included.extend(self.select(include, *loc, visiting));
                }
                let mut selected: BTreeSet<ClauseKey> = included.into_iter().collect();
                for (exclude, loc) in &profile.excludes {
                    let removed = self.select(exclude, *loc, visiting);
                    let before = selected.len();
                    selected.retain(|c| !removed.contains(c));
                    if selected.len() == before {
                        self.report(
                            Diagnostic::new(Code::IneffectiveExclude, format!("exclude of `{}` removes nothing", describe(self.symbols, exclude)), *loc)
                                .with_help("nothing it names was included; remove the exclude or fix what it names"),
                        );
                    }
                }
                visiting.pop();
                if selected.is_empty() && !profile.includes.is_empty() {
                    self.report(
                        Diagnostic::new(
                            Code::EmptyProfile,
                            format!("profile `{name}` selects no clause"),
                            profile.def.loc,
                        )
                        .with_help(if profile.excludes.is_empty() {
                            "what it includes has no current (non-withdrawn) clauses"
                        } else {
                            "its excludes remove everything its includes select"
                        }),
                    );
                }
                self.model
                    .profile_clauses
                    .insert(name.clone(), selected.clone());
                selected
            }
        }
    }

    /// The most specific weight naming a clause: the clause, its innermost group, its
    /// standard. Returns the weight's index too, to find unused weights.
    fn weight_for(&self, risk: &Risk, clause: &ClauseKey) -> Option<(usize, u32)> {
        let groups = self
            .symbols
            .standards
            .get(&clause.standard)
            .and_then(|s| s.clauses.get(&clause.key))
            .map(|c| c.groups.clone())
            .unwrap_or_default();
        let specificity = |selector: &Selector| -> Option<usize> {
            match selector {
                Selector::Clause(key) if key == clause => Some(usize::MAX),
                Selector::Group { standard, path }
                    if *standard == clause.standard && groups.starts_with(path) =>
                {
                    Some(path.len())
                }
                Selector::Standard(standard) if *standard == clause.standard => Some(0),
                _ => None,
            }
        };
        risk.weights
            .iter()
            .enumerate()
            .filter_map(|(i, w)| Some((specificity(&w.selector)?, i, w.value)))
            .max_by_key(|(specificity, i, _)| (*specificity, std::cmp::Reverse(*i)))
            .map(|(_, i, value)| (i, value))
    }

    /// One warning listing every adopted clause no control satisfies, grouped by standard
    /// and group, heaviest group first.
    fn uncovered(&mut self, policy: &Policy) {
        let mut groups: BTreeMap<(String, String), Vec<(u32, String)>> = BTreeMap::new();
        for (clause, adoption) in &self.model.adopted {
            if self.model.coverage.contains_key(clause) {
                continue;
            }
            let Some(sig) = self
                .symbols
                .standards
                .get(&clause.standard)
                .and_then(|s| s.clauses.get(&clause.key))
            else {
                continue;
            };
            let group = sig.groups.join(".");
            groups
                .entry((clause.standard.clone(), group))
                .or_default()
                .push((adoption.weight, sig.spelled.clone()));
        }
        let total: usize = groups.values().map(Vec::len).sum();
        if total == 0 {
            return;
        }
        let mut lines: Vec<(u32, String)> = groups
            .into_iter()
            .map(|((standard, group), mut clauses)| {
                clauses.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| natural_cmp(&a.1, &b.1)));
                let heaviest = clauses.first().map_or(0, |c| c.0);
                let ids: Vec<&str> = clauses.iter().map(|(_, id)| id.as_str()).collect();
                let place = if group.is_empty() {
                    standard
                } else {
                    format!("{standard}.{group}")
                };
                (
                    heaviest,
                    format!("{place} (weight up to {heaviest}): {}", ids.join(", ")),
                )
            })
            .collect();
        lines.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let noun = if total == 1 {
            "clause is"
        } else {
            "clauses are"
        };
        let mut diagnostic = Diagnostic::new(
            Code::UncoveredClauses,
            format!("{total} adopted {noun} not satisfied by any control"),
            policy.def.loc,
        )
        .with_label(if total == 1 { "this policy adopts it" } else { "this policy adopts them" })
        .with_help("add controls that satisfy them, map them to covered clauses, or exclude them from the adopted profile with a reason");
        for (_, line) in lines {
            diagnostic = diagnostic.with_note(line);
        }
        self.report(diagnostic);
    }

    fn waivers(&mut self) {
        let mut diagnostics = Vec::new();
        for waiver in &self.model.waivers {
            let (Some(app), Some(control)) = (&waiver.app, &waiver.control) else {
                continue;
            };
            let (Some(app_def), Some(control_def)) =
                (self.model.apps.get(app), self.model.controls.get(control))
            else {
                continue;
            };
            if well_typed(control_def) && self.model.app_requirement(app_def, control_def).is_none()
            {
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
        self.model.diagnostics.extend(diagnostics);
    }

    /// Definitions in workspace files that nothing refers to. Controls, apps, waivers,
    /// tests and policies are what a policy is for, so they are never unused.
    fn unused(&mut self, files: &[File]) {
        // A set: looked up once per definition, in workspaces of thousands of files.
        let workspace: std::collections::HashSet<File> = files
            .iter()
            .copied()
            .filter(|f| *f.origin(self.db) == Origin::Workspace)
            .collect();
        let mut diagnostics = Vec::new();
        for ((kind, name), locs) in &self.symbols.defs {
            if !matches!(
                kind,
                Kind::Archetype | Kind::Fact | Kind::Profile | Kind::Risk | Kind::Standard
            ) {
                continue;
            }
            let Some(&loc) = locs.first() else { continue };
            if !workspace.contains(&loc.file) || self.references.contains(&(*kind, name.clone())) {
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
        self.model.diagnostics.extend(diagnostics);
    }
}

/// Whether every condition of a control type-checked; conclusions about where an ill-typed
/// one applies would only repeat its error.
fn well_typed(control: &Control) -> bool {
    control.applies.iter().all(|a| a.well_typed)
}

pub use polic_ruleset::clause_id::natural_cmp;
