//! Hover: what a name means in the resolved workspace, in Markdown. A control shows the
//! clauses it satisfies (directly and through mappings) with their weights, where it
//! applies and its obligations; a clause shows its text, weight and the controls meeting it;
//! an archetype its flattened facts and required controls; an app its required controls.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use polic_diagnostics::Span;
use polic_sema::eval::{Missing, eval};
use polic_sema::hir::{ClauseKey, Control, Kind, Selector};
use polic_sema::index::{ClauseSig, symbols};
use polic_sema::lower::describe;
use polic_sema::model::{Model, ResolvedArchetype, model, natural_cmp};
use polic_sema::{Db, File, Workspace};

use crate::index::{Definition, Symbol};
use crate::lens::{control_apps, control_archetypes};
use crate::nav::{definition, definition_info, node_span, occurrence_at};

/// Turns the place of a definition (its file and name) into a link target for Markdown, or
/// `None` to leave the name unlinked: the language server knows the URIs.
pub type Linker<'a> = &'a dyn Fn(File, Span) -> Option<String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub span: Span,
    pub markdown: String,
}

pub fn hover(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
    link: Linker,
) -> Option<Hover> {
    let occurrence = occurrence_at(db, workspace, file, offset)?;
    let markdown = describe_symbol(db, workspace, &occurrence.symbol, link)?;
    Some(Hover {
        span: occurrence.span,
        markdown,
    })
}

/// The Markdown describing a symbol, or `None` when it is not defined. Names of other
/// definitions in it are links made by `link`.
pub fn describe_symbol(
    db: &dyn Db,
    workspace: Workspace,
    symbol: &Symbol,
    link: Linker,
) -> Option<String> {
    let model = model(db, workspace);
    let info = definition_info(db, workspace, symbol);
    let links = Links {
        db,
        workspace,
        link,
    };
    let mut out = String::new();
    match symbol {
        Symbol::Item(Kind::Control, name) => {
            control(&links, model, model.controls.get(name)?, &mut out)
        }
        Symbol::Item(Kind::Archetype, name) => {
            archetype(model, model.archetypes.get(name)?, &mut out)
        }
        Symbol::Item(Kind::App, name) => app(model, name, &mut out)?,
        Symbol::Item(Kind::Fact, name) => {
            let (ty, default) = model.facts.get(name)?;
            let _ = write!(out, "**fact** `{name}`: `{}`", show_type(ty));
            if let Some(default) = default {
                let _ = write!(out, " = `{}`", model.show_value(name, default));
            }
            out.push('\n');
        }
        Symbol::Item(Kind::Standard, name) => {
            let sig = symbols(db, workspace).standards.get(name)?;
            let current = sig
                .clauses
                .values()
                .filter(|c| c.withdrawn_into.is_none())
                .count();
            let _ = writeln!(out, "**standard** `{name}`{}", title(&info));
            let _ = writeln!(
                out,
                "\n{current} current clauses in {} groups",
                sig.groups.len()
            );
        }
        Symbol::Item(Kind::Profile, name) => {
            let selected = model
                .adoption
                .profile_clauses
                .get(name)
                .map_or(0, BTreeSet::len);
            let _ = writeln!(out, "**profile** `{name}`{}", title(&info));
            let _ = writeln!(out, "\nselects {}", plural(selected, "clause"));
        }
        Symbol::Item(Kind::Policy, name) => {
            let _ = writeln!(out, "**policy** `{name}`{}", title(&info));
            let _ = writeln!(
                out,
                "\nadopts {}",
                plural(model.adoption.adopted.len(), "clause")
            );
            if let Some(risk) = &model.adoption.risk {
                let _ = writeln!(out, "\nweighted by risk model `{}`", risk.def.name);
            }
        }
        Symbol::Item(Kind::Risk, name) => {
            let risk = model.adoption.risks.get(name)?;
            let _ = writeln!(out, "**risk model** `{name}`{}", title(&info));
            let levels: Vec<String> = risk
                .levels
                .iter()
                .map(|(l, v)| format!("`{l}` = {v}"))
                .collect();
            let _ = writeln!(out, "\nlevels: {}", levels.join(", "));
            if let Some(default) = risk.default {
                let _ = writeln!(out, "\ndefault weight: {default}");
            }
        }
        Symbol::Item(Kind::Waiver, name) => {
            let waiver = model.waivers.iter().find(|w| w.def.name == *name)?;
            let _ = writeln!(out, "**waiver** `{name}`");
            let on = match (&waiver.control, &waiver.obligation) {
                (Some(c), Some(o)) => format!("`{c}.{o}`"),
                (Some(c), None) => format!("`{c}`"),
                _ => "an unknown control".to_string(),
            };
            let app = waiver
                .app
                .as_deref()
                .map_or("an unknown app".to_string(), |a| format!("`{a}`"));
            let _ = writeln!(out, "\nexcuses {app} from {on}");
            if let Some(expires) = waiver.expires {
                let _ = writeln!(out, "\nexpires {expires}");
            }
            if let Some(reason) = &waiver.reason {
                let _ = writeln!(out, "\nreason: {reason}");
            }
        }
        Symbol::Item(Kind::Test, _) => return None,
        Symbol::Group { standard, path } => {
            let sig = symbols(db, workspace).standards.get(standard)?;
            let clauses = sig
                .clauses
                .values()
                .filter(|c| c.withdrawn_into.is_none() && in_group(c, path))
                .count();
            let _ = writeln!(out, "**group** `{standard}.{path}`{}", title(&info));
            let _ = writeln!(out, "\n{} (current)", plural(clauses, "clause"));
        }
        Symbol::Clause(key) => clause(&links, model, key, &info, &mut out)?,
        Symbol::Obligation { control, name } => {
            let control = model.controls.get(control)?;
            let obligation = control.obligations.iter().find(|o| o.def.name == *name)?;
            let _ = writeln!(
                out,
                "**obligation** `{name}` of control `{}`{}",
                control.def.name,
                title(&info)
            );
            for verify in &obligation.verify {
                let _ = writeln!(out, "- verify {}", show_verify(verify));
            }
        }
        Symbol::EnumValue { fact, value } => {
            let (ty, _) = model.facts.get(fact)?;
            let _ = writeln!(
                out,
                "**value** `{value}` of fact `{fact}`: `{}`",
                show_type(ty)
            );
        }
        Symbol::Level { risk, name } => {
            let risk = model.adoption.risks.get(risk)?;
            let (_, value) = risk.levels.iter().find(|(l, _)| l == name)?;
            let _ = writeln!(
                out,
                "**risk level** `{name}` = {value} in risk model `{}`",
                risk.def.name
            );
        }
        Symbol::Module(name) => {
            let (_, file) = workspace.stdlib(db).iter().find(|(m, _)| m == name)?;
            let header = file.text(db).lines().next().unwrap_or_default();
            let _ = writeln!(
                out,
                "**standard-library module** `std.{name}`\n\n{}",
                header.trim_start_matches('/').trim()
            );
        }
    }
    if let Some(docs) = info.as_ref().and_then(|d| d.docs.as_ref()) {
        let _ = write!(out, "\n---\n{docs}\n");
    }
    Some(out.trim_end().to_string())
}

/// What hover needs to link a name to its definition.
struct Links<'a> {
    db: &'a dyn Db,
    workspace: Workspace,
    link: Linker<'a>,
}

impl Links<'_> {
    /// `` `text` `` as a link to the symbol's definition, when it has one.
    fn name(&self, symbol: &Symbol, text: &str) -> String {
        match definition(self.db, self.workspace, symbol).and_then(|t| (self.link)(t.file, t.name))
        {
            Some(url) => format!("[`{text}`]({url})"),
            None => format!("`{text}`"),
        }
    }

    fn item(&self, kind: Kind, name: &str) -> String {
        self.name(&Symbol::Item(kind, name.to_string()), name)
    }

    /// A clause in its standard's own spelling, linked.
    fn clause(&self, key: &ClauseKey) -> String {
        let symbols = symbols(self.db, self.workspace);
        self.name(&Symbol::Clause(key.clone()), &clause_name(symbols, key))
    }
}

/// Names joined by commas, or `none`.
fn list(names: Vec<String>) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn title(info: &Option<Definition>) -> String {
    match info.as_ref().and_then(|d| d.title.as_ref()) {
        Some(title) => format!(" — {title}"),
        None => String::new(),
    }
}

pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn in_group(clause: &ClauseSig, path: &str) -> bool {
    let path: Vec<&str> = path.split('.').collect();
    clause.groups.len() >= path.len() && clause.groups.iter().zip(&path).all(|(a, b)| a == b)
}

/// The clauses a control satisfies directly, and those it meets through mappings (with the
/// clause each is mapped from).
pub fn satisfied_clauses(
    model: &Model,
    control: &Control,
) -> BTreeMap<ClauseKey, Option<ClauseKey>> {
    let mut out: BTreeMap<ClauseKey, Option<ClauseKey>> = BTreeMap::new();
    for (key, _) in &control.satisfies {
        out.insert(key.clone(), None);
    }
    for mapping in &model.mappings {
        for (from, to) in [(&mapping.from, &mapping.to), (&mapping.to, &mapping.from)] {
            if control.satisfies.iter().any(|(k, _)| k == from) && !out.contains_key(to) {
                out.insert(to.clone(), Some(from.clone()));
            }
        }
    }
    out
}

fn clause_sig<'a>(
    symbols: &'a polic_sema::index::Symbols,
    key: &ClauseKey,
) -> Option<&'a ClauseSig> {
    symbols.standards.get(&key.standard)?.clauses.get(&key.key)
}

/// `standard#id` in the standard's own spelling.
fn clause_name(symbols: &polic_sema::index::Symbols, key: &ClauseKey) -> String {
    describe(
        |s| symbols.standards.get(s).map(|a| &**a),
        &Selector::Clause(key.clone()),
    )
}

fn weight(model: &Model, key: &ClauseKey) -> String {
    match model.adoption.adopted.get(key) {
        Some(adoption) => format!("weight {}", adoption.weight),
        None => "not adopted".to_string(),
    }
}

fn control(links: &Links, model: &Model, control: &Control, out: &mut String) {
    let (db, workspace) = (links.db, links.workspace);
    let symbols = symbols(db, workspace);
    let name = &control.def.name;
    let _ = writeln!(
        out,
        "**control** `{name}`{}",
        control
            .title
            .as_ref()
            .map_or(String::new(), |t| format!(" — {t}"))
    );
    let clauses = satisfied_clauses(model, control);
    let mut by_standard: BTreeMap<&str, Vec<(&ClauseKey, &Option<ClauseKey>)>> = BTreeMap::new();
    for (key, through) in &clauses {
        by_standard
            .entry(&key.standard)
            .or_default()
            .push((key, through));
    }
    if by_standard.is_empty() {
        out.push_str("\nsatisfies no clause\n");
    }
    for (standard, mut keys) in by_standard {
        let standard_title = symbols
            .standards
            .get(standard)
            .and_then(|s| s.title.clone())
            .map_or(String::new(), |t| format!(" ({t})"));
        let _ = writeln!(out, "\n**Satisfies** in `{standard}`{standard_title}:");
        keys.sort_by(|a, b| {
            let spelled =
                |k: &ClauseKey| clause_sig(symbols, k).map_or(k.key.clone(), |c| c.spelled.clone());
            natural_cmp(&spelled(a.0), &spelled(b.0))
        });
        for (key, through) in keys {
            let sig = clause_sig(symbols, key);
            let title = sig.and_then(|c| c.title.as_deref()).unwrap_or("");
            let _ = write!(
                out,
                "- {} {title} · {}",
                links.clause(key),
                weight(model, key)
            );
            if let Some(from) = through {
                let _ = write!(out, " · through map from {}", links.clause(from));
            }
            out.push('\n');
        }
    }
    if !control.applies.is_empty() {
        out.push_str("\n**Applies**\n");
        for applies in &control.applies {
            let at = node_span(db, applies.loc);
            let text = at.file.text(db)[at.span.range()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(out, "- `{text}`");
        }
        let archetypes: Vec<String> = control_archetypes(db, workspace, &control.def.name)
            .iter()
            .map(|a| links.item(Kind::Archetype, a))
            .collect();
        let _ = writeln!(out, "\narchetypes: {}", list(archetypes));
        let apps = control_apps(db, workspace, &control.def.name);
        let apps: Vec<String> = apps
            .iter()
            .map(|(app, provided_by)| {
                let mut shown = links.item(Kind::App, app);
                if let Some(by) = provided_by {
                    let _ = write!(shown, " (provided by {})", links.item(Kind::Archetype, by));
                }
                shown
            })
            .collect();
        let _ = writeln!(
            out,
            "\n**Apps** needing it ({}): {}",
            apps.len(),
            list(apps)
        );
    }
    if !control.obligations.is_empty() {
        out.push_str("\n**Obligations**\n");
        for obligation in &control.obligations {
            let _ = write!(out, "- `{}`", obligation.def.name);
            if let Some(title) = &obligation.title {
                let _ = write!(out, " {title}");
            }
            let verify: Vec<String> = obligation.verify.iter().map(show_verify).collect();
            if !verify.is_empty() {
                let _ = write!(out, " (verify {})", verify.join("; "));
            }
            out.push('\n');
        }
    }
    if let Some(phase) = control.phase {
        let phase = polic_sema::hir::Phase::ALL
            .iter()
            .find(|(_, p)| *p == phase)
            .map_or("", |(w, _)| w);
        let _ = write!(out, "\nphase {phase}");
        if let Some(days) = control.due_days {
            let _ = write!(out, ", due in {days} days");
        }
        out.push('\n');
    }
}

fn show_verify(verify: &polic_sema::hir::Verify) -> String {
    let mut out = verify.kind.clone();
    if let Some(subject) = &verify.subject {
        let _ = write!(out, " \"{subject}\"");
    }
    if !verify.rules.is_empty() {
        let rules: Vec<String> = verify.rules.iter().map(|r| format!("\"{r}\"")).collect();
        let _ = write!(out, " rules {}", rules.join(", "));
    }
    out
}

fn clause(
    links: &Links,
    model: &Model,
    key: &ClauseKey,
    info: &Option<Definition>,
    out: &mut String,
) -> Option<()> {
    let (db, workspace) = (links.db, links.workspace);
    let symbols = symbols(db, workspace);
    let standard = symbols.standards.get(&key.standard)?;
    let sig = standard.clauses.get(&key.key)?;
    let _ = writeln!(
        out,
        "**clause** `{}#{}`{}",
        key.standard,
        sig.spelled,
        sig.title
            .as_ref()
            .map_or(String::new(), |t| format!(" — {t}"))
    );
    let mut place = vec![
        standard
            .title
            .clone()
            .unwrap_or_else(|| key.standard.clone()),
    ];
    for depth in 1..=sig.groups.len() {
        let path = sig.groups[..depth].join(".");
        let group_title = standard.groups.get(&path).and_then(|(t, _)| t.clone());
        place.push(group_title.unwrap_or(path));
    }
    let _ = writeln!(out, "\n*{}*", place.join(" › "));
    if let Some(text) = info.as_ref().and_then(|d| d.text.as_ref()) {
        let _ = writeln!(out, "\n{text}");
    }
    if let Some(into) = &sig.withdrawn_into {
        let into: Vec<String> = into
            .iter()
            .map(|c| format!("`{}#{c}`", key.standard))
            .collect();
        if into.is_empty() {
            out.push_str("\n**withdrawn** from the standard\n");
        } else {
            let _ = writeln!(out, "\n**withdrawn** into {}", into.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "\n**Weight**: {}",
        match model.adoption.adopted.get(key) {
            Some(adoption) => format!("{} (adopted)", adoption.weight),
            None => "not adopted by the policy".to_string(),
        }
    );
    let maps_to: Vec<String> = model
        .mappings
        .iter()
        .filter(|m| m.from == *key)
        .map(|m| links.clause(&m.to))
        .collect();
    let mapped_from: Vec<String> = model
        .mappings
        .iter()
        .filter(|m| m.to == *key)
        .map(|m| links.clause(&m.from))
        .collect();
    if !maps_to.is_empty() {
        let _ = writeln!(out, "\n**Maps to** {}", maps_to.join(", "));
    }
    if !mapped_from.is_empty() {
        let _ = writeln!(out, "\n**Mapped from** {}", mapped_from.join(", "));
    }
    match model.coverage.get(key) {
        Some(controls) if !controls.is_empty() => {
            let _ = writeln!(
                out,
                "\n**Satisfied by** {}:",
                plural(controls.len(), "control")
            );
            for name in controls {
                let Some(control) = model.controls.get(name) else {
                    continue;
                };
                let through = satisfied_clauses(model, control)
                    .get(key)
                    .cloned()
                    .flatten();
                let _ = write!(out, "- {}", links.item(Kind::Control, name));
                if let Some(title) = &control.title {
                    let _ = write!(out, " {title}");
                }
                if let Some(from) = through {
                    let _ = write!(out, " · through map from {}", links.clause(&from));
                }
                out.push('\n');
            }
            // The apps that must meet the clause: those requiring one of its controls.
            let apps: BTreeSet<String> = controls
                .iter()
                .flat_map(|name| control_apps(db, workspace, name).as_ref().clone())
                .map(|(app, _)| app)
                .collect();
            let apps: Vec<String> = apps.iter().map(|a| links.item(Kind::App, a)).collect();
            let _ = writeln!(
                out,
                "\n**Needed by** {}: {}",
                plural(apps.len(), "app"),
                list(apps)
            );
        }
        _ => out.push_str("\n**Not covered**: no control satisfies it\n"),
    }
    Some(())
}

fn archetype(model: &Model, archetype: &ResolvedArchetype, out: &mut String) {
    let name = &archetype.hir.def.name;
    let _ = writeln!(
        out,
        "**archetype** `{name}`{}",
        archetype
            .hir
            .title
            .as_ref()
            .map_or(String::new(), |t| format!(" — {t}"))
    );
    if archetype.lineage.len() > 1 {
        let lineage: Vec<String> = archetype.lineage.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(out, "\nlineage: {}", lineage.join(" → "));
    }
    // With the defaults, which its apps get unless they set the fact themselves.
    let facts = model.effective_facts(&[name.as_str()], &[]);
    if !facts.is_empty() {
        out.push_str("\n**Facts**\n");
        for (fact, value) in &facts {
            let from = match archetype.facts.get(fact) {
                Some((_, by)) if by == name => String::new(),
                Some((_, by)) => format!(" (from `{by}`)"),
                None => " (default)".to_string(),
            };
            let _ = writeln!(
                out,
                "- `{fact}` = `{}`{from}",
                model.show_value(fact, value)
            );
        }
    }
    if !archetype.provides.is_empty() {
        let provides: Vec<String> = archetype
            .provides
            .keys()
            .map(|c| format!("`{c}`"))
            .collect();
        let _ = writeln!(out, "\n**Provides** {}", provides.join(", "));
    }
    let mut required = Vec::new();
    let mut maybe = Vec::new();
    for control in model.controls.values() {
        // Whether some `applies-to` line surely holds, or may hold depending on the app.
        let (mut surely, mut maybe_holds) = (false, false);
        for applies in &control.applies {
            if !archetype
                .lineage
                .iter()
                .any(|a| applies.archetypes.contains(a))
            {
                continue;
            }
            // Only the facts the archetype fixes count: an app may override a default.
            let holds = applies.when.as_ref().map_or(Some(true), |cond| {
                eval(
                    cond,
                    &|f| archetype.facts.get(f).map(|(v, _)| v),
                    Missing::Unknown,
                )
            });
            match holds {
                Some(true) => surely = true,
                None => maybe_holds = true,
                Some(false) => {}
            }
        }
        let provided = archetype
            .provides
            .get(&control.def.name)
            .map_or(String::new(), |by| format!(" · provided by `{by}`"));
        if surely {
            required.push(format!("- `{}`{provided}", control.def.name));
        } else if maybe_holds {
            maybe.push(format!("- `{}`{provided}", control.def.name));
        }
    }
    if !required.is_empty() {
        let _ = writeln!(
            out,
            "\n**Requires** {}:\n{}",
            plural(required.len(), "control"),
            required.join("\n")
        );
    }
    if !maybe.is_empty() {
        let _ = writeln!(
            out,
            "\n**May require**, depending on the app's facts:\n{}",
            maybe.join("\n")
        );
    }
}

fn app(model: &Model, name: &str, out: &mut String) -> Option<()> {
    let app = model.apps.get(name)?;
    let _ = writeln!(
        out,
        "**app** `{name}`{}",
        app.title
            .as_ref()
            .map_or(String::new(), |t| format!(" — {t}"))
    );
    let archetypes: Vec<String> = app
        .archetypes
        .iter()
        .map(|(a, _)| format!("`{a}`"))
        .collect();
    if !archetypes.is_empty() {
        let _ = writeln!(out, "\narchetype {}", archetypes.join(", "));
    }
    for (what, value) in [("owner", &app.owner), ("unit", &app.unit)] {
        if let Some(value) = value {
            let _ = writeln!(out, "\n{what}: {value}");
        }
    }
    let facts = model.app_facts(app);
    if !facts.is_empty() {
        let facts: Vec<String> = facts
            .iter()
            .map(|(f, v)| format!("`{f}` = `{}`", model.show_value(f, v)))
            .collect();
        let _ = writeln!(out, "\nfacts: {}", facts.join(", "));
    }
    let archetypes: Vec<&str> = app.archetypes.iter().map(|(a, _)| a.as_str()).collect();
    let mut required = Vec::new();
    for control in model.controls.values() {
        if let Some(requirement) = model.requirement(&archetypes, &facts, control) {
            let mut line = format!("- `{}` via `{}`", control.def.name, requirement.via);
            if let Some(by) = requirement.provided_by {
                let _ = write!(line, " · provided by `{by}`");
            }
            required.push(line);
        }
    }
    if required.is_empty() {
        out.push_str("\nrequires no control\n");
    } else {
        let _ = writeln!(
            out,
            "\n**Requires** {}:\n{}",
            plural(required.len(), "control"),
            required.join("\n")
        );
    }
    Some(())
}

/// A fact type as written: `internal | partner | internet`, `set of a | b`, `bool`.
pub fn show_type(ty: &polic_sema::hir::FactType) -> String {
    use polic_sema::hir::FactType;
    match ty {
        FactType::Enum(v) => v.join(" | "),
        FactType::Set(v) => format!("set of {}", v.join(" | ")),
        FactType::Bool => "bool".to_string(),
        FactType::Int => "int".to_string(),
        FactType::String => "string".to_string(),
    }
}
