//! The diagnostics of the analysis: conditions that never or always hold, redundant
//! terms, conditions that hold for no archetype or no app, clauses covered on paper only,
//! duplicate controls and identical obligations.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polic_diagnostics::{Code, Diagnostic, Severity};

use super::{Holds, analyse, may_hold_for, schema_of, solver};
use crate::db::{Db, Origin, Workspace};
use crate::eval::{Missing, eval};
use crate::hir::*;
use crate::index::Scope;
use crate::item::{ItemId, ItemTag};
use crate::lower::lower_item;
use crate::model::adoption::adoption;
use crate::model::archetypes::archetype_graph;
use crate::model::coverage::{control_applies, coverage};
use crate::model::items_of;
use crate::model::reach::app_context;

/// Every diagnostic of the analysis.
pub fn diagnostics(db: &dyn Db, workspace: Workspace) -> Vec<&Diagnostic<Loc>> {
    let mut all: Vec<&Diagnostic<Loc>> = Vec::new();
    for tag in [ItemTag::Control, ItemTag::Policy] {
        for &item in items_of(db, workspace, tag) {
            all.extend(condition_checks(db, workspace, item));
        }
    }
    all.extend(reach_today(db, workspace));
    all.extend(paper_only(db, workspace));
    all.extend(duplicates(db, workspace));
    all
}

/// What the `when` belongs to, for messages.
fn owner(control: Option<&str>) -> String {
    match control {
        Some(name) => format!("an `applies-to` of control `{name}`"),
        None => "an `adopt`".to_string(),
    }
}

/// "it holds for, e.g., ...": where a condition that reaches nothing would hold.
fn witness_note(db: &dyn Db, workspace: Workspace, cond: &Cond) -> Option<String> {
    match &analyse(db, workspace, cond.clone()).holds {
        Holds::Sometimes { witness } => Some(format!("it holds for, e.g., {witness}")),
        _ => None,
    }
}

/// The findings on one condition in itself: never holds, always holds, redundant terms.
/// True when it holds sometimes (so where it holds is worth asking).
fn condition_findings(
    db: &dyn Db,
    workspace: Workspace,
    cond: &Cond,
    loc: Loc,
    control: Option<&str>,
    out: &mut Vec<Diagnostic<Loc>>,
) -> bool {
    let analysis = analyse(db, workspace, cond.clone());
    let whose = owner(control);
    match &analysis.holds {
        Holds::Never { conflict } => {
            let label = match conflict.as_slice() {
                [] => "it holds for no value of its facts".to_string(),
                [one] => format!("`{one}` holds for no value of its facts"),
                parts => format!(
                    "{} cannot all hold",
                    parts
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Diagnostic::new(
                    Code::ConditionNeverHolds,
                    format!("the `when` of {whose} never holds"),
                    loc,
                )
                .with_label(label)
                .with_help("no app can meet it, so the line selects nothing: correct the condition or remove the line"),
            );
            false
        }
        Holds::Always => {
            out.push(
                Diagnostic::new(
                    Code::ConditionAlwaysHolds,
                    format!("the `when` of {whose} always holds"),
                    loc,
                )
                .with_label("it holds whatever the facts")
                .with_help("remove the `when`: the line means the same without it"),
            );
            false
        }
        Holds::Undecided => false,
        Holds::Sometimes { .. } => {
            for redundant in &analysis.redundant {
                let label = if redundant.in_and {
                    format!("implied by `{}`", redundant.rest)
                } else {
                    format!("it implies `{}`", redundant.rest)
                };
                out.push(
                    Diagnostic::new(
                        Code::RedundantTerm,
                        format!(
                            "term `{}` in the `when` of {whose} is redundant",
                            redundant.term
                        ),
                        loc,
                    )
                    .with_label(label)
                    .with_help("remove the term: the condition means the same without it"),
                );
            }
            true
        }
    }
}

/// The conditions of one control or policy: findings on each in itself, and an
/// `applies-to` line or `adopt` that holds for no archetype it can reach.
#[salsa::tracked(returns(ref))]
pub fn condition_checks(db: &dyn Db, workspace: Workspace, item: ItemId) -> Vec<Diagnostic<Loc>> {
    let lowered = lower_item(db, workspace, item);
    let graph = archetype_graph(db, workspace);
    let mut out = Vec::new();
    for control in &lowered.hir.controls {
        let mut dead_lines = Vec::new();
        let mut live = false;
        for applies in &control.applies {
            let Some(cond) = applies.when.as_ref().filter(|_| applies.well_typed) else {
                live |= !applies.archetypes.is_empty();
                continue;
            };
            if !condition_findings(
                db,
                workspace,
                cond,
                applies.loc,
                Some(&control.def.name),
                &mut out,
            ) {
                continue;
            }
            let candidates: BTreeSet<&String> = applies
                .archetypes
                .iter()
                .filter_map(|a| graph.descendants.get(a))
                .flatten()
                .collect();
            if candidates
                .iter()
                .any(|a| may_hold_for(db, workspace, cond.clone(), (*a).clone()))
            {
                live = true;
            } else if !candidates.is_empty() {
                dead_lines.push((applies.loc, cond));
            }
        }
        // Every line dead is P0402, reported for the whole control.
        if live {
            for (loc, cond) in dead_lines {
                let mut diagnostic = Diagnostic::new(
                    Code::ConditionHoldsForNoArchetype,
                    format!(
                        "the `when` of {} holds for no archetype it names",
                        owner(Some(&control.def.name))
                    ),
                    loc,
                )
                .with_label("false for the facts these archetypes and their descendants fix")
                .with_help("correct the condition or the archetypes, or remove the line");
                if let Some(note) = witness_note(db, workspace, cond) {
                    diagnostic = diagnostic.with_note(note);
                }
                out.push(diagnostic);
            }
        }
    }
    // A condition with errors (already reported) reads its bad parts as false.
    let clean = !lowered
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    for policy in lowered.hir.policies.iter().filter(|_| clean) {
        for adopt in &policy.adopts {
            let Some(cond) = &adopt.when else { continue };
            if condition_findings(db, workspace, cond, adopt.loc, None, &mut out)
                && !graph.archetypes.is_empty()
                && graph
                    .archetypes
                    .keys()
                    .all(|a| !may_hold_for(db, workspace, cond.clone(), a.clone()))
            {
                let mut diagnostic = Diagnostic::new(
                    Code::ConditionHoldsForNoArchetype,
                    "the `when` of an `adopt` holds for no archetype",
                    adopt.loc,
                )
                .with_label("false for the facts every archetype fixes")
                .with_help("correct the condition, or remove the `adopt`");
                if let Some(note) = witness_note(db, workspace, cond) {
                    diagnostic = diagnostic.with_note(note);
                }
                out.push(diagnostic);
            }
        }
    }
    out
}

/// Every app's archetype lineage and effective facts: what "no app today" reads.
#[salsa::tracked(returns(ref))]
pub fn apps_today(
    db: &dyn Db,
    workspace: Workspace,
) -> Vec<(String, BTreeSet<String>, BTreeMap<String, FactValue>)> {
    let mut out = Vec::new();
    for &item in items_of(db, workspace, ItemTag::App) {
        if let Some(app) = app_context(db, workspace, item) {
            let lineage: BTreeSet<String> = app
                .archetypes
                .iter()
                .filter_map(|(_, resolved)| resolved.as_deref())
                .flat_map(|a| a.lineage.iter().cloned())
                .collect();
            out.push((app.name.clone(), lineage, app.facts.clone()));
        }
    }
    out
}

/// Conditions that some archetype meets but no app of the workspace does today (a hint;
/// only in a workspace with apps).
#[salsa::tracked(returns(ref))]
pub fn reach_today(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic<Loc>> {
    let apps = apps_today(db, workspace);
    let mut out = Vec::new();
    if apps.is_empty() {
        return out;
    }
    // Conditions that never hold, or hold for no archetype, are reported as such.
    let archetypes = archetype_graph(db, workspace);
    let some_archetype = |cond: &Cond, candidates: &[&String]| {
        candidates
            .iter()
            .any(|a| may_hold_for(db, workspace, cond.clone(), (*a).clone()))
    };
    // Standard-library controls are the same for every workspace: what today's apps
    // reach of them is not the module's fault, and cannot be fixed there.
    let own = |item: &ItemId| *item.file.origin(db) == Origin::Workspace;
    for &item in items_of(db, workspace, ItemTag::Control)
        .iter()
        .filter(|i| own(i))
    {
        for control in &lower_item(db, workspace, item).hir.controls {
            for applies in &control.applies {
                let Some(cond) = applies.when.as_ref().filter(|_| applies.well_typed) else {
                    continue;
                };
                let reached = applies.archetypes.is_empty()
                    || reached_today(
                        db,
                        workspace,
                        applies.archetypes.clone(),
                        Some(cond.clone()),
                    );
                let candidates: Vec<&String> = applies
                    .archetypes
                    .iter()
                    .filter_map(|a| archetypes.descendants.get(a))
                    .flatten()
                    .collect();
                if !reached && some_archetype(cond, &candidates) {
                    let mut diagnostic =
                        Diagnostic::new(
                            Code::ConditionHoldsForNoApp,
                            format!(
                                "the `when` of {} holds for no app of the workspace",
                                owner(Some(&control.def.name))
                            ),
                            applies.loc,
                        )
                        .with_label("no app of these archetypes meets it today")
                        .with_help("nothing to do if apps meeting it are expected; otherwise correct the condition");
                    if let Some(note) = witness_note(db, workspace, cond) {
                        diagnostic = diagnostic.with_note(note);
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
    for &item in items_of(db, workspace, ItemTag::Policy)
        .iter()
        .filter(|i| own(i))
    {
        let lowered = lower_item(db, workspace, item);
        if lowered
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            continue;
        }
        for policy in &lowered.hir.policies {
            for adopt in &policy.adopts {
                let Some(cond) = &adopt.when else { continue };
                if !reached_today(db, workspace, Vec::new(), Some(cond.clone()))
                    && some_archetype(cond, &archetypes.archetypes.keys().collect::<Vec<_>>())
                {
                    let mut diagnostic = Diagnostic::new(
                        Code::ConditionHoldsForNoApp,
                        "the `when` of an `adopt` holds for no app of the workspace",
                        adopt.loc,
                    )
                    .with_label("no app meets it today")
                    .with_help("nothing to do if apps meeting it are expected; otherwise correct the condition");
                    if let Some(note) = witness_note(db, workspace, cond) {
                        diagnostic = diagnostic.with_note(note);
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
    out
}

/// The first definition of each control, in file order.
fn first_controls(db: &dyn Db, workspace: Workspace) -> Vec<(ItemId, &Control)> {
    let mut seen = BTreeSet::new();
    let mut controls = Vec::new();
    for &item in items_of(db, workspace, ItemTag::Control) {
        if let Some(control) = lower_item(db, workspace, item).hir.controls.first()
            && seen.insert(control.def.name.as_str())
        {
            controls.push((item, control));
        }
    }
    controls
}

/// Whether any app of the workspace requires the control.
fn required_today(db: &dyn Db, workspace: Workspace, item: ItemId) -> bool {
    let Some(control) = control_applies(db, workspace, item) else {
        return false;
    };
    control.applies.iter().any(|applies| {
        reached_today(
            db,
            workspace,
            applies.archetypes.clone(),
            applies.when.clone(),
        )
    })
}

/// Whether some app of these archetypes meets the condition (any app, with no
/// archetypes named). Keyed by the line's meaning, not its place, so the many lines that
/// repeat one condition scan the apps once.
#[salsa::tracked(returns(copy))]
pub fn reached_today(
    db: &dyn Db,
    workspace: Workspace,
    archetypes: Vec<String>,
    when: Option<Cond>,
) -> bool {
    apps_today(db, workspace).iter().any(|(_, lineage, facts)| {
        (archetypes.is_empty() || archetypes.iter().any(|a| lineage.contains(a)))
            && when
                .as_ref()
                .is_none_or(|cond| eval(cond, &|f| facts.get(f), Missing::False) == Some(true))
    })
}

/// Adopted clauses (covered clauses, without a policy) whose every satisfying control is
/// required of no app, in a workspace with apps (without, P0402 says which controls apply
/// to no archetype).
#[salsa::tracked(returns(ref))]
pub fn paper_only(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic<Loc>> {
    let mut out = Vec::new();
    if apps_today(db, workspace).is_empty() {
        return out;
    }
    let graph = archetype_graph(db, workspace);
    let controls: BTreeMap<&str, (ItemId, &Control)> = first_controls(db, workspace)
        .into_iter()
        .map(|(item, c)| (c.def.name.as_str(), (item, c)))
        .collect();
    let adopted = adoption(db, workspace);
    let scope = Scope { db, workspace };
    let mut required: BTreeMap<&str, bool> = BTreeMap::new();
    for (clause, by) in coverage(db, workspace).iter() {
        if adopted.policy.is_some() && !adopted.adopted.contains_key(clause) {
            continue;
        }
        let mut located = None;
        let mut all_unrequired = true;
        for name in by {
            let Some(&(item, control)) = controls.get(name.as_str()) else {
                all_unrequired = false;
                break;
            };
            // Ill-typed conditions and unknown or missing archetypes were reported; what
            // such a control applies to is not known.
            let known = control.applies.iter().any(|a| {
                a.archetypes
                    .iter()
                    .any(|n| graph.archetypes.contains_key(n))
            });
            if !known
                || control.applies.iter().any(|a| !a.well_typed)
                || *required
                    .entry(name.as_str())
                    .or_insert_with(|| required_today(db, workspace, item))
            {
                all_unrequired = false;
                break;
            }
            located.get_or_insert_with(|| {
                control
                    .satisfies
                    .iter()
                    .find(|(c, _)| c == clause)
                    .map_or(control.def.loc, |(_, loc)| *loc)
            });
        }
        let (true, Some(loc)) = (all_unrequired, located) else {
            continue;
        };
        // Standard-library controls are left alone, as in `reach_today`.
        if *loc.file().origin(db) != Origin::Workspace {
            continue;
        }
        let spelled = scope
            .standard(&clause.standard)
            .and_then(|s| s.clauses.get(&clause.key))
            .map_or(clause.key.clone(), |sig| sig.spelled.clone());
        let names: Vec<String> = by.iter().map(|n| format!("`{n}`")).collect();
        out.push(
            Diagnostic::new(
                Code::PaperOnlyCoverage,
                format!("clause `{}#{spelled}` is covered on paper only", clause.standard),
                loc,
            )
            .with_label(format!("{} required of no app", names.join(", ")))
            .with_help("coverage counts the clause met while nobody is asked to do anything: make a control that satisfies it apply"),
        );
    }
    out
}

/// A control's `applies-to` lines by archetype list, their conditions joined by `or`.
type Lines<'a> = BTreeMap<BTreeSet<&'a String>, Cond>;

/// An obligation with its control's name.
type ControlObligation<'a> = (&'a str, &'a Obligation);

/// Controls with the same clauses and the same applicability (equivalent conditions per
/// archetype list), and obligations identical to another's (title and verification).
#[salsa::tracked(returns(ref))]
pub fn duplicates(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic<Loc>> {
    // In file order, so the later one is reported.
    let controls: Vec<&Control> = first_controls(db, workspace)
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let mut out = Vec::new();
    // By clause set: only controls with the same clauses are compared.
    let mut seen: BTreeMap<BTreeSet<&ClauseKey>, Vec<(&Control, Lines)>> = BTreeMap::new();
    for control in &controls {
        if control.applies.is_empty() || control.applies.iter().any(|a| !a.well_typed) {
            continue;
        }
        let clauses: BTreeSet<&ClauseKey> = control.satisfies.iter().map(|(c, _)| c).collect();
        let mut lines: Lines = BTreeMap::new();
        for applies in &control.applies {
            let cond = applies.when.clone().unwrap_or(Cond::Const(true));
            let key: BTreeSet<&String> = applies.archetypes.iter().collect();
            let joined = match lines.remove(&key) {
                Some(other) => Cond::Or(Box::new(other), Box::new(cond)),
                None => cond,
            };
            lines.insert(key, joined);
        }
        let same_clauses = seen.entry(clauses).or_default();
        if let Some((first, _)) = same_clauses.iter().find(|(_, l)| {
            l.len() == lines.len()
                && l.iter().all(|(key, a)| {
                    lines
                        .get(key)
                        .is_some_and(|b| equivalent(db, workspace, a, b))
                })
        }) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateControl,
                    format!(
                        "control `{}` has the same applicability and clauses as `{}`",
                        control.def.name, first.def.name
                    ),
                    control.def.loc,
                )
                .with_secondary(first.def.loc, "the same control")
                .with_help("merge their obligations into one control"),
            );
        }
        same_clauses.push((control, lines));
    }
    // Looked up only, never iterated.
    let mut obligations: HashMap<(&Option<String>, &Vec<Verify>), ControlObligation<'_>> =
        HashMap::new();
    for control in &controls {
        for obligation in &control.obligations {
            if obligation.title.is_none() {
                continue;
            }
            let key = (&obligation.title, &obligation.verify);
            match obligations.get(&key) {
                Some((other_control, other)) => out.push(
                    Diagnostic::new(
                        Code::IdenticalObligation,
                        format!(
                            "obligation `{}.{}` is identical to `{other_control}.{}`",
                            control.def.name, obligation.def.name, other.def.name
                        ),
                        obligation.def.loc,
                    )
                    .with_secondary(other.def.loc, "the same title and verification")
                    .with_help("keep one: the same work asked twice is counted twice"),
                ),
                None => {
                    obligations.insert(key, (&control.def.name, obligation));
                }
            }
        }
    }
    out
}

/// Whether two conditions hold under the same assignments.
fn equivalent(db: &dyn Db, workspace: Workspace, a: &Cond, b: &Cond) -> bool {
    if a == b {
        return true;
    }
    let differ = Cond::Or(
        Box::new(Cond::And(Box::new(a.clone()), Box::new(solver::not(b)))),
        Box::new(Cond::And(Box::new(b.clone()), Box::new(solver::not(a)))),
    );
    let schema = schema_of(db, workspace, &differ);
    let domains = solver::Domains::new(&schema, &BTreeMap::new(), &[&differ]);
    solver::never(&differ, &domains)
}
