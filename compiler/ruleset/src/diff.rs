//! Comparing two rule sets: per app, the obligations that appear and disappear; weights,
//! controls and waivers that changed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::EngineError;
use crate::eval::{applicability, candidates};
use crate::schema::RuleSet;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Diff {
    /// Per app: obligations (`control.obligation`) newly required and no longer required.
    pub apps: Vec<AppDiff>,
    pub controls_added: Vec<String>,
    pub controls_removed: Vec<String>,
    /// Clauses whose adoption or weight changed: (clause, old weight, new weight); `None`
    /// means not adopted.
    pub weights: Vec<(String, Option<u32>, Option<u32>)>,
    pub waivers_added: Vec<String>,
    pub waivers_removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppDiff {
    pub app: String,
    /// `added`, `removed` (the app itself), or `changed`.
    pub change: &'static str,
    pub appear: Vec<String>,
    pub disappear: Vec<String>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
            && self.controls_added.is_empty()
            && self.controls_removed.is_empty()
            && self.weights.is_empty()
            && self.waivers_added.is_empty()
            && self.waivers_removed.is_empty()
    }
}

/// Each app's required obligations.
fn obligations(rules: &RuleSet) -> Result<BTreeMap<String, BTreeSet<String>>, EngineError> {
    let candidates = candidates(rules);
    let applicable = applicability(rules, &candidates)?;
    let mut out: BTreeMap<String, BTreeSet<String>> = rules
        .apps
        .iter()
        .map(|a| (a.name.clone(), BTreeSet::new()))
        .collect();
    for (c, control) in rules.controls.iter().enumerate() {
        for a in applicable.required[c].iter() {
            let entry = out.entry(rules.apps[a].name.clone()).or_default();
            entry.extend(
                control
                    .obligations
                    .iter()
                    .map(|o| format!("{}.{}", control.name, o.name)),
            );
        }
    }
    Ok(out)
}

pub fn diff(old: &RuleSet, new: &RuleSet) -> Result<Diff, EngineError> {
    let (before, after) = (obligations(old)?, obligations(new)?);
    let mut apps = Vec::new();
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let empty = BTreeSet::new();
    for name in names {
        let (was, is) = (before.get(name), after.get(name));
        let change = match (was, is) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "changed",
        };
        let (was, is) = (was.unwrap_or(&empty), is.unwrap_or(&empty));
        let appear: Vec<String> = is.difference(was).cloned().collect();
        let disappear: Vec<String> = was.difference(is).cloned().collect();
        if change != "changed" || !appear.is_empty() || !disappear.is_empty() {
            apps.push(AppDiff {
                app: name.clone(),
                change,
                appear,
                disappear,
            });
        }
    }
    let set = |names: Vec<&String>| names.into_iter().cloned().collect::<BTreeSet<String>>();
    let (old_controls, new_controls) = (
        set(old.controls.iter().map(|c| &c.name).collect()),
        set(new.controls.iter().map(|c| &c.name).collect()),
    );
    let (old_waivers, new_waivers) = (
        set(old.waivers.iter().map(|w| &w.name).collect()),
        set(new.waivers.iter().map(|w| &w.name).collect()),
    );
    let weight_map = |rules: &RuleSet| -> BTreeMap<String, u32> {
        rules
            .clauses
            .iter()
            .filter_map(|c| Some((c.reference(), c.adopted.as_ref()?.weight)))
            .collect()
    };
    let (old_weights, new_weights) = (weight_map(old), weight_map(new));
    let clauses: BTreeSet<&String> = old_weights.keys().chain(new_weights.keys()).collect();
    let weights = clauses
        .into_iter()
        .filter_map(|c| {
            let (a, b) = (old_weights.get(c).copied(), new_weights.get(c).copied());
            (a != b).then(|| (c.clone(), a, b))
        })
        .collect();
    Ok(Diff {
        apps,
        controls_added: new_controls.difference(&old_controls).cloned().collect(),
        controls_removed: old_controls.difference(&new_controls).cloned().collect(),
        weights,
        waivers_added: new_waivers.difference(&old_waivers).cloned().collect(),
        waivers_removed: old_waivers.difference(&new_waivers).cloned().collect(),
    })
}

/// The diff for a reader, one change per line with `+` and `-`.
pub fn render(diff: &Diff) -> String {
    if diff.is_empty() {
        return "no changes\n".to_string();
    }
    let mut out = String::new();
    for app in &diff.apps {
        out += &format!("app {} ({})\n", app.app, app.change);
        for o in &app.appear {
            out += &format!("  + {o}\n");
        }
        for o in &app.disappear {
            out += &format!("  - {o}\n");
        }
    }
    for (label, names, sign) in [
        ("controls", &diff.controls_added, '+'),
        ("controls", &diff.controls_removed, '-'),
        ("waivers", &diff.waivers_added, '+'),
        ("waivers", &diff.waivers_removed, '-'),
    ] {
        for name in names {
            out += &format!("{label}: {sign} {name}\n");
        }
    }
    for (clause, old, new) in &diff.weights {
        let show = |w: &Option<u32>| w.map_or("not adopted".to_string(), |w| format!("weight {w}"));
        out += &format!("clause {clause}: {} → {}\n", show(old), show(new));
    }
    out
}
