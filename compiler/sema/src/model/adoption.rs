//! The policy's adoption: every profile's clauses, the adopted clause set with its
//! conditions, the weights under the risk model, and the one warning listing adopted
//! clauses no control satisfies. Reads profiles, policies and risk models, the standards
//! they name, and (for that warning only) coverage.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use polic_diagnostics::{Code, Diagnostic};

use super::coverage::coverage;
use super::{Adoption, items_of, natural_cmp};
use crate::db::{Db, Workspace};
use crate::hir::*;
use crate::index::Scope;
use crate::item::ItemTag;
use crate::lower::{describe, lower_item};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Adopted {
    /// Shared: resolving a profile reads it while the adoption is being built.
    pub profiles: BTreeMap<String, Arc<Profile>>,
    /// The clauses each profile selects (every profile, adopted or not).
    pub profile_clauses: BTreeMap<String, BTreeSet<ClauseKey>>,
    pub policy: Option<Policy>,
    pub risks: BTreeMap<String, Risk>,
    /// The policy's risk model.
    pub risk: Option<Risk>,
    /// Every clause of every standard in scope, with its weight under the policy's risk model.
    pub adopted: BTreeMap<ClauseKey, Adoption>,
    pub diagnostics: Vec<Diagnostic<Loc>>,
}

#[salsa::tracked(returns(ref))]
pub fn adoption(db: &dyn Db, workspace: Workspace) -> Arc<Adopted> {
    let mut builder = Builder {
        scope: Scope { db, workspace },
        out: Adopted::default(),
    };
    for tag in [ItemTag::Profile, ItemTag::Policy, ItemTag::Risk] {
        for &item in items_of(db, workspace, tag) {
            builder.add(&lower_item(db, workspace, item).hir);
        }
    }
    builder.resolve();
    Arc::new(builder.out)
}

struct Builder<'a> {
    scope: Scope<'a>,
    out: Adopted,
}

impl Builder<'_> {
    fn report(&mut self, diagnostic: Diagnostic<Loc>) {
        self.out.diagnostics.push(diagnostic);
    }

    /// A name defined twice keeps its first definition (the second is reported as a
    /// duplicate); a second policy is reported here.
    fn add(&mut self, hir: &FileHir) {
        let m = &mut self.out;
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
    }

    /// The adopted clause set and weights, and the checks on them.
    fn resolve(&mut self) {
        // Every profile is resolved, adopted or not, so its mistakes show while it is written.
        let names: Vec<String> = self.out.profiles.keys().cloned().collect();
        for name in names {
            let loc = self.out.profiles[&name].def.loc;
            self.select(&Selector::Profile(name), loc, &mut Vec::new());
        }
        let Some(policy) = self.out.policy.clone() else {
            return;
        };
        let risk = policy
            .risk
            .as_ref()
            .and_then(|name| self.out.risks.get(name).cloned());
        let mut adopted: BTreeMap<ClauseKey, Vec<Option<Cond>>> = BTreeMap::new();
        for adopt in &policy.adopts {
            let selected = self.select(&adopt.selector, adopt.loc, &mut Vec::new());
            if selected.is_empty() && !matches!(adopt.selector, Selector::Profile(_)) {
                self.report(
                    Diagnostic::new(
                        Code::EmptyProfile,
                        format!(
                            "adopting `{}` selects no clause",
                            describe(|s| self.scope.standard(s).map(|a| &**a), &adopt.selector)
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
            self.out.adopted.insert(
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
                                describe(
                                    |s| self.scope.standard(s).map(|a| &**a),
                                    &weight.selector
                                )
                            ),
                            weight.loc,
                        )
                        .with_help("remove the weight, or adopt what it names"),
                    );
                }
            }
        }
        self.out.risk = risk;
    }

    /// The clauses a selector names: withdrawn clauses only when named one by one.
    fn select(
        &mut self,
        selector: &Selector,
        at: Loc,
        visiting: &mut Vec<String>,
    ) -> BTreeSet<ClauseKey> {
        let scope = self.scope;
        let current = |standard: &str,
                       filter: &dyn Fn(&crate::index::ClauseSig) -> bool|
         -> BTreeSet<ClauseKey> {
            scope.standard(standard).map_or_else(BTreeSet::new, |sig| {
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
                if let Some(selected) = self.out.profile_clauses.get(name) {
                    return selected.clone();
                }
                let Some(profile) = self.out.profiles.get(name).cloned() else {
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
                            Diagnostic::new(Code::IneffectiveExclude, format!("exclude of `{}` removes nothing", describe(|s| self.scope.standard(s).map(|a| &**a), exclude)), *loc)
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
                self.out
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
            .scope
            .standard(&clause.standard)
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
}

/// One warning listing every adopted clause no control satisfies, grouped by standard
/// and group, heaviest group first.
#[salsa::tracked(returns(ref))]
pub fn uncovered(db: &dyn Db, workspace: Workspace) -> Option<Diagnostic<Loc>> {
    let adopted = adoption(db, workspace);
    let policy = adopted.policy.as_ref()?;
    let coverage = coverage(db, workspace);
    let scope = Scope { db, workspace };
    let mut groups: BTreeMap<(String, String), Vec<(u32, String)>> = BTreeMap::new();
    for (clause, adoption) in &adopted.adopted {
        if coverage.contains_key(clause) {
            continue;
        }
        let Some(sig) = scope
            .standard(&clause.standard)
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
        return None;
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
    Some(diagnostic)
}
