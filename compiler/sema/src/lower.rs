//! Resolution and checks within one file: every reference is looked up in the workspace's
//! symbols (with did-you-mean when it is not there), every value and condition is typed
//! against the facts schema, and the file is lowered to its [`FileHir`].

use polic_diagnostics::{Code, Diagnostic, Lint};
use polic_syntax::ast::{self, CmpOp, ItemKind, Name, NodeId, Target};

use crate::clause_id;
use crate::db::{Db, File, Workspace};
use crate::hir::*;
use crate::index::{Scope, stdlib_module};
use crate::item::{ItemId, item_body, item_ids};
use polic_diagnostics::suggest::closest;

/// An item's (or a file's) lowered form and the diagnostics found on the way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Lowered {
    pub hir: FileHir,
    pub diagnostics: Vec<Diagnostic<Loc>>,
}

/// One item resolved and lowered. Reads the item's own syntax and the single names it
/// looks up, so an edit elsewhere re-runs it only when what it names changed.
#[salsa::tracked(returns(ref))]
pub fn lower_item(db: &dyn Db, workspace: Workspace, item: ItemId) -> Lowered {
    let body = item_body(db, item.file, item);
    let mut lower = Lower {
        db,
        workspace,
        file: item.file,
        item,
        base: body.base,
        scope: Scope { db, workspace },
        hir: FileHir::default(),
        diagnostics: Vec::new(),
    };
    if let Some(syntax) = &body.item {
        lower.item(syntax);
    }
    Lowered {
        hir: lower.hir,
        diagnostics: lower.diagnostics,
    }
}

/// A file's items lowered, in order.
#[salsa::tracked(returns(ref))]
pub fn lower_file(db: &dyn Db, workspace: Workspace, file: File) -> Lowered {
    let mut out = Lowered::default();
    for &item in item_ids(db, file) {
        let lowered = lower_item(db, workspace, item);
        out.hir.extend(&lowered.hir);
        out.diagnostics.extend(lowered.diagnostics.iter().cloned());
    }
    out
}

struct Lower<'a> {
    db: &'a dyn Db,
    workspace: Workspace,
    file: File,
    item: ItemId,
    /// The id of the item's first node: locations are relative to it.
    base: u32,
    scope: Scope<'a>,
    hir: FileHir,
    diagnostics: Vec<Diagnostic<Loc>>,
}

/// What an app's members (or a test's inline app) state.
struct AppParts {
    archetypes: Vec<(String, Loc)>,
    facts: Vec<(String, FactValue, Loc)>,
    owner: Option<String>,
    unit: Option<String>,
}

impl<'a> Lower<'a> {
    fn loc(&self, node: NodeId) -> Loc {
        Loc::new(self.item, self.base, node)
    }

    fn named(&self, name: &Name, docs: &Option<String>) -> Named {
        Named {
            name: name.text.clone(),
            loc: self.loc(name.id),
            docs: docs.clone(),
        }
    }

    fn report(&mut self, diagnostic: Diagnostic<Loc>) {
        self.diagnostics.push(diagnostic);
    }

    /// Resolves a name of one kind, reporting it with a did-you-mean when unknown.
    fn resolve(&mut self, kind: Kind, name: &Name, code: Code) -> bool {
        if self.scope.lookup(kind, &name.text).is_some() {
            self.hir.references.push(Reference {
                kind,
                name: name.text.clone(),
                at: self.loc(name.id),
            });
            return true;
        }
        let suggestion = closest(
            &name.text,
            self.scope.names(kind).iter().map(String::as_str),
        )
        .map(str::to_string);
        let mut diagnostic = Diagnostic::new(
            code,
            format!("unknown {} `{}`", kind.as_str(), name.text),
            self.loc(name.id),
        )
        .with_label(format!("no {} has this name", kind.as_str()));
        if let Some(suggestion) = suggestion {
            diagnostic = diagnostic.with_suggestion(self.loc(name.id), suggestion);
        } else if self.scope.names(kind).is_empty() {
            diagnostic =
                diagnostic.with_help(format!("no {} is defined in the workspace", kind.as_str()));
        }
        self.report(diagnostic);
        false
    }

    fn resolve_standard(&mut self, name: &Name) -> bool {
        if self.scope.standard(&name.text).is_some() {
            self.hir.references.push(Reference {
                kind: Kind::Standard,
                name: name.text.clone(),
                at: self.loc(name.id),
            });
            return true;
        }
        let suggestion = closest(
            &name.text,
            self.scope.standard_names().iter().map(String::as_str),
        )
        .map(str::to_string);
        let mut diagnostic = Diagnostic::new(
            Code::UnknownStandard,
            format!("unknown standard `{}`", name.text),
            self.loc(name.id),
        )
        .with_label("no standard has this name");
        match suggestion {
            Some(s) => diagnostic = diagnostic.with_suggestion(self.loc(name.id), s),
            None => {
                let module = polic_stdlib::MODULES.iter().find(|m| m.name == name.text);
                diagnostic = diagnostic.with_help(match module {
                    Some(m) => format!("the standard library has it: add `import std.{}`", m.name),
                    None => "define the standard, or import it from the standard library (`polic stdlib` lists the modules)".to_string(),
                });
            }
        }
        self.report(diagnostic);
        false
    }

    /// Resolves `std#id` to its clause key.
    fn clause(&mut self, clause: &ast::ClauseRef) -> Option<ClauseKey> {
        if !self.resolve_standard(&clause.standard) {
            return None;
        }
        let standard = self.scope.standard(&clause.standard.text)?;
        let key = clause_id::normalize(&clause.clause.text);
        let Some(sig) = standard.clauses.get(&key) else {
            let suggestion = closest(&key, standard.clauses.keys().map(String::as_str))
                .map(|k| standard.clauses[k].spelled.clone());
            let mut diagnostic = Diagnostic::new(
                Code::UnknownClause,
                format!(
                    "unknown clause `{}` in standard `{}`",
                    clause.clause.text, clause.standard.text
                ),
                self.loc(clause.clause.id),
            )
            .with_label(format!(
                "`{}` declares no such clause",
                clause.standard.text
            ));
            if let Some(suggestion) = suggestion {
                diagnostic = diagnostic.with_suggestion(self.loc(clause.clause.id), suggestion);
            }
            self.report(diagnostic);
            return None;
        };
        if let Some(into) = &sig.withdrawn_into {
            let spelled = sig.spelled.clone();
            let definition = sig.loc;
            let help = if into.is_empty() {
                "the standard withdrew it without a replacement: remove the reference".to_string()
            } else {
                let list: Vec<String> = into
                    .iter()
                    .map(|c| format!("{}#{c}", clause.standard.text))
                    .collect();
                format!(
                    "it was incorporated into {}: refer to that instead",
                    list.join(", ")
                )
            };
            let mut diagnostic = Diagnostic::new(
                Code::WithdrawnClause,
                format!("clause `{spelled}` is withdrawn"),
                self.loc(clause.clause.id),
            )
            .with_label("withdrawn from the standard")
            .with_secondary(definition, "withdrawn here")
            .with_help(help);
            if let [only] = into.as_slice() {
                diagnostic = diagnostic.with_suggestion(self.loc(clause.clause.id), only.clone());
            }
            self.report(diagnostic);
        }
        Some(ClauseKey {
            standard: clause.standard.text.clone(),
            key,
        })
    }

    /// Resolves what `include`, `exclude`, `adopt` and `weight` name.
    fn selector(&mut self, target: &Target, allow_profile: bool) -> Option<Selector> {
        let path = match target {
            Target::Clause(clause) => return self.clause(clause).map(Selector::Clause),
            Target::Path(path) => path,
        };
        let [first, rest @ ..] = path.segments.as_slice() else {
            return None;
        };
        if rest.is_empty() {
            if allow_profile && self.scope.lookup(Kind::Profile, &first.text).is_some() {
                self.hir.references.push(Reference {
                    kind: Kind::Profile,
                    name: first.text.clone(),
                    at: self.loc(first.id),
                });
                return Some(Selector::Profile(first.text.clone()));
            }
            if self.scope.standard(&first.text).is_some() {
                self.hir.references.push(Reference {
                    kind: Kind::Standard,
                    name: first.text.clone(),
                    at: self.loc(first.id),
                });
                return Some(Selector::Standard(first.text.clone()));
            }
            let what = if allow_profile {
                "profile or standard"
            } else {
                "standard"
            };
            let candidates: Vec<&str> = if allow_profile {
                self.scope
                    .names(Kind::Profile)
                    .iter()
                    .chain(self.scope.standard_names())
                    .map(String::as_str)
                    .collect()
            } else {
                self.scope
                    .standard_names()
                    .iter()
                    .map(String::as_str)
                    .collect()
            };
            let mut candidates = candidates;
            candidates.sort_unstable();
            let suggestion = closest(&first.text, candidates).map(str::to_string);
            let mut diagnostic = Diagnostic::new(
                Code::UnknownSelection,
                format!("unknown {what} `{}`", first.text),
                self.loc(first.id),
            )
            .with_label(format!("no {what} has this name"));
            if let Some(s) = suggestion {
                diagnostic = diagnostic.with_suggestion(self.loc(first.id), s);
            }
            self.report(diagnostic);
            return None;
        }
        if !self.resolve_standard(first) {
            return None;
        }
        let standard = self.scope.standard(&first.text)?;
        let groups = &standard.groups;
        let dotted: Vec<&str> = rest.iter().map(|n| n.text.as_str()).collect();
        let dotted = dotted.join(".");
        if groups.contains_key(&dotted) {
            return Some(Selector::Group {
                standard: first.text.clone(),
                path: rest.iter().map(|n| n.text.clone()).collect(),
            });
        }
        // Groups are usually named by their last segment alone when unambiguous.
        let by_last: Vec<&String> = groups
            .keys()
            .filter(|k| k.rsplit('.').next() == Some(dotted.as_str()))
            .collect();
        if let [only] = by_last.as_slice() {
            return Some(Selector::Group {
                standard: first.text.clone(),
                path: only.split('.').map(str::to_string).collect(),
            });
        }
        let suggestion = closest(&dotted, groups.keys().map(String::as_str)).map(str::to_string);
        let last = rest.last().map_or(path.id, |n| n.id);
        let mut diagnostic = Diagnostic::new(
            Code::UnknownGroup,
            format!("unknown group `{dotted}` in standard `{}`", first.text),
            self.loc(last),
        )
        .with_label(format!("`{}` has no such group", first.text));
        if let Some(s) = suggestion {
            diagnostic =
                diagnostic.with_suggestion(self.loc(path.id), format!("{}.{s}", first.text));
        }
        self.report(diagnostic);
        None
    }

    fn item(&mut self, item: &ast::Item) {
        match &item.kind {
            ItemKind::Import(import) => self.import(import),
            ItemKind::Standard(standard) => self.standard(standard),
            ItemKind::Profile(profile) => self.profile(profile, &item.docs),
            ItemKind::Policy(policy) => self.policy(policy, &item.docs),
            ItemKind::Risk(risk) => self.risk(risk, &item.docs),
            ItemKind::Facts(facts) => self.facts(facts),
            ItemKind::Archetype(archetype) => self.archetype(archetype, &item.docs),
            ItemKind::Control(control) => self.control(control, &item.docs),
            ItemKind::Map(mapping) => self.mapping(mapping),
            ItemKind::App(app) => self.app(app, &item.docs),
            ItemKind::Waiver(waiver) => self.waiver(waiver, &item.docs),
            ItemKind::Test(test) => self.test(test),
            ItemKind::Error => {}
        }
    }

    fn import(&mut self, import: &ast::Import) {
        match import {
            ast::Import::Stdlib(path) => {
                if stdlib_module(self.db, self.workspace, path).is_some() {
                    return;
                }
                let written: Vec<&str> = path.segments.iter().map(|s| s.text.as_str()).collect();
                let written = written.join(".");
                let modules: Vec<String> = polic_stdlib::MODULES
                    .iter()
                    .map(|m| format!("std.{}", m.name))
                    .collect();
                let suggestion =
                    closest(&written, modules.iter().map(String::as_str)).map(str::to_string);
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownImport,
                    format!("unknown standard-library module `{written}`"),
                    self.loc(path.id),
                )
                .with_help(format!("the modules are {}", modules.join(", ")));
                if let Some(s) = suggestion {
                    diagnostic = diagnostic.with_suggestion(self.loc(path.id), s);
                }
                self.report(diagnostic);
            }
            ast::Import::File(path) => {
                let wanted = crate::resolve_import_path(self.file.path(self.db), &path.value);
                let found = self
                    .workspace
                    .files(self.db)
                    .iter()
                    .any(|f| *f.path(self.db) == wanted);
                if !found {
                    self.report(
                        Diagnostic::new(
                            Code::UnknownImport,
                            format!("cannot find file `{}`", path.value),
                            self.loc(path.id),
                        )
                        .with_label(format!("looked for {wanted}"))
                        .with_help("paths are relative to the importing file"),
                    );
                }
            }
        }
    }

    fn standard(&mut self, standard: &ast::Standard) {
        let mut version_seen = None;
        self.standard_members(&standard.name.text, &standard.members, &mut version_seen);
    }

    fn standard_members(
        &mut self,
        standard: &str,
        members: &[ast::StandardMember],
        version_seen: &mut Option<NodeId>,
    ) {
        for member in members {
            match member {
                ast::StandardMember::Version(version) => {
                    self.once(version_seen, "version", version.id);
                }
                ast::StandardMember::Group(group) => {
                    self.standard_members(standard, &group.members, version_seen)
                }
                ast::StandardMember::Clause(clause) => {
                    let mut seen = [None; 3];
                    for prop in &clause.props {
                        match prop {
                            ast::ClauseProp::Text(s) => self.once(&mut seen[0], "text", s.id),
                            ast::ClauseProp::Level(_, id) => self.once(&mut seen[1], "level", *id),
                            ast::ClauseProp::Withdrawn { into, id } => {
                                self.once(&mut seen[2], "withdrawn", *id);
                                let Some(sig) = self.scope.standard(standard) else {
                                    continue;
                                };
                                for target in into {
                                    if !sig
                                        .clauses
                                        .contains_key(&clause_id::normalize(&target.text))
                                    {
                                        let suggestion = closest(
                                            &clause_id::normalize(&target.text),
                                            sig.clauses.keys().map(String::as_str),
                                        )
                                        .map(|k| sig.clauses[k].spelled.clone());
                                        let mut diagnostic = Diagnostic::new(
                                            Code::UnknownClause,
                                            format!(
                                                "unknown clause `{}` in standard `{standard}`",
                                                target.text
                                            ),
                                            self.loc(target.id),
                                        );
                                        if let Some(s) = suggestion {
                                            diagnostic =
                                                diagnostic.with_suggestion(self.loc(target.id), s);
                                        }
                                        self.report(diagnostic);
                                    }
                                }
                            }
                            ast::ClauseProp::Param { .. } | ast::ClauseProp::Error => {}
                        }
                    }
                }
                ast::StandardMember::Error => {}
            }
        }
    }

    /// Reports a property given twice; `seen` holds where it was first given.
    fn once(&mut self, seen: &mut Option<NodeId>, property: &str, at: NodeId) {
        match seen {
            Some(first) => {
                let first = self.loc(*first);
                self.report(
                    Diagnostic::new(
                        Code::DuplicateProperty,
                        format!("`{property}` is given twice"),
                        self.loc(at),
                    )
                    .with_label("given again here")
                    .with_secondary(first, "first given here")
                    .with_help(format!("keep one `{property}`")),
                );
            }
            None => *seen = Some(at),
        }
    }

    fn profile(&mut self, profile: &ast::Profile, docs: &Option<String>) {
        let mut lowered = Profile {
            def: self.named(&profile.name, docs),
            includes: Vec::new(),
            excludes: Vec::new(),
        };
        for member in &profile.members {
            let (targets, id, include) = match member {
                ast::Selection::Include { targets, id, .. } => (targets, *id, true),
                ast::Selection::Exclude { targets, id, .. } => (targets, *id, false),
                ast::Selection::Error => continue,
            };
            for target in targets {
                let Some(selector) = self.selector(target, true) else {
                    continue;
                };
                if selector == Selector::Profile(profile.name.text.clone()) {
                    self.report(
                        Diagnostic::new(
                            Code::ProfileCycle,
                            format!("profile `{}` includes itself", profile.name.text),
                            self.loc(target.id()),
                        )
                        .with_help("remove this include"),
                    );
                    continue;
                }
                let loc = self.loc(target.id());
                if include {
                    lowered.includes.push((selector, loc))
                } else {
                    lowered.excludes.push((selector, loc))
                }
            }
            let _ = id;
        }
        for (selector, loc) in &lowered.excludes {
            if let Some((_, first)) = lowered.includes.iter().find(|(s, _)| s == selector) {
                let first = *first;
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ContradictorySelection,
                        format!(
                            "`{}` is both included and excluded",
                            describe(|s| self.scope.standard(s).map(|a| &**a), selector)
                        ),
                        *loc,
                    )
                    .with_label("excluded here")
                    .with_secondary(first, "included here")
                    .with_help("keep the include or the exclude, not both"),
                );
            }
        }
        if !profile
            .members
            .iter()
            .any(|m| matches!(m, ast::Selection::Include { .. }))
        {
            self.report(
                Diagnostic::new(
                    Code::EmptyProfile,
                    format!("profile `{}` selects no clause", profile.name.text),
                    self.loc(profile.name.id),
                )
                .with_label("this profile has no `include`")
                .with_help("add `include` lines naming clauses, groups, standards or profiles"),
            );
        }
        self.hir.profiles.push(lowered);
    }

    fn policy(&mut self, policy: &ast::Policy, docs: &Option<String>) {
        let mut lowered = Policy {
            def: self.named(&policy.name, docs),
            adopts: Vec::new(),
            risk: None,
            lints: Vec::new(),
        };
        let mut risk_seen = None;
        for member in &policy.members {
            match member {
                ast::PolicyMember::Adopt { target, when, id } => {
                    let when = when.as_ref().map(|w| self.condition(w));
                    if let Some(selector) = self.selector(target, true) {
                        lowered.adopts.push(Adopt {
                            selector,
                            when,
                            loc: self.loc(*id),
                        });
                    }
                }
                ast::PolicyMember::Risk(name) => {
                    self.once(&mut risk_seen, "risk", name.id);
                    if self.resolve(Kind::Risk, name, Code::UnknownRiskModel) {
                        lowered.risk = Some(name.text.clone());
                    }
                }
                ast::PolicyMember::Lint { name, level } => {
                    let code = polic_diagnostics::Code::lookup(&name.text).filter(|c| c.is_lint());
                    let lint = Lint::parse(&level.text);
                    match (code, lint) {
                        (Some(code), Some(lint)) => lowered.lints.push((code, lint)),
                        (None, _) if Code::lookup(&name.text).is_some() => {
                            self.report(
                                Diagnostic::new(
                                    Code::UnknownLint,
                                    format!("`{}` is an error, not a lint", name.text),
                                    self.loc(name.id),
                                )
                                .with_help("errors mean the policy cannot be evaluated faithfully; only warnings and hints can be re-levelled"),
                            );
                        }
                        (None, _) => {
                            let lints: Vec<&str> = Code::ALL
                                .iter()
                                .filter(|c| c.is_lint())
                                .map(|c| c.name())
                                .collect();
                            let mut diagnostic = Diagnostic::new(
                                Code::UnknownLint,
                                format!("unknown lint `{}`", name.text),
                                self.loc(name.id),
                            )
                            .with_help(format!("the lints are {}", lints.join(", ")));
                            if let Some(s) = closest(&name.text, lints.iter().copied()) {
                                diagnostic = diagnostic.with_suggestion(self.loc(name.id), s);
                            }
                            self.report(diagnostic);
                        }
                        (Some(_), None) => {
                            let mut diagnostic = Diagnostic::new(
                                Code::UnknownLint,
                                format!("unknown lint level `{}`", level.text),
                                self.loc(level.id),
                            )
                            .with_help("the levels are allow, hint, warn and error");
                            if let Some(s) = closest(&level.text, Lint::NAMES.iter().copied()) {
                                diagnostic = diagnostic.with_suggestion(self.loc(level.id), s);
                            }
                            self.report(diagnostic);
                        }
                    }
                }
                ast::PolicyMember::Error => {}
            }
        }
        self.hir.policies.push(lowered);
    }

    fn risk(&mut self, risk: &ast::Risk, docs: &Option<String>) {
        const MAX_LEVEL: u64 = 100;
        let mut lowered = Risk {
            def: self.named(&risk.name, docs),
            levels: Vec::new(),
            default: None,
            weights: Vec::new(),
        };
        let (mut levels_seen, mut default_seen) = (None, None);
        for member in &risk.members {
            if let ast::RiskMember::Levels { levels, id } = member {
                self.once(&mut levels_seen, "levels", *id);
                if !lowered.levels.is_empty() {
                    continue;
                }
                let mut previous: Option<(&str, u64)> = None;
                for (name, number) in levels {
                    // Integers past u32 were reported by the lexer checks.
                    let representable = number.value <= u64::from(u32::MAX);
                    if representable && !(1..=MAX_LEVEL).contains(&number.value) {
                        self.report(
                            Diagnostic::new(
                                Code::WeightOutOfRange,
                                format!(
                                    "level `{}` is {}, outside 1..={MAX_LEVEL}",
                                    name.text, number.value
                                ),
                                self.loc(number.id),
                            )
                            .with_help(format!("level values are integers from 1 to {MAX_LEVEL}")),
                        );
                    } else if let Some((before, value)) =
                        previous.filter(|(_, v)| number.value <= *v)
                    {
                        self.report(
                            Diagnostic::new(
                                Code::LevelsNotIncreasing,
                                format!("risk levels must increase: `{}` ({}) is not above `{before}` ({value})", name.text, number.value),
                                self.loc(number.id),
                            )
                            .with_help("list levels from lowest to highest, each value above the one before"),
                        );
                    }
                    previous = Some((&name.text, number.value));
                    lowered
                        .levels
                        .push((name.text.clone(), number.value.min(MAX_LEVEL) as u32));
                }
            }
        }
        if levels_seen.is_none() {
            self.report(
                Diagnostic::new(
                    Code::MissingLevels,
                    format!("risk model `{}` declares no levels", risk.name.text),
                    self.loc(risk.name.id),
                )
                .with_help("add e.g. `levels { low = 1, medium = 3, high = 5, critical = 8 }`"),
            );
        }
        let range = lowered
            .levels
            .iter()
            .map(|(_, v)| *v)
            .min()
            .zip(lowered.levels.iter().map(|(_, v)| *v).max());
        for member in &risk.members {
            match member {
                ast::RiskMember::Default(name) => {
                    self.once(&mut default_seen, "default", name.id);
                    lowered.default = self.level(&lowered.levels, name);
                }
                ast::RiskMember::Weight { target, value, id } => {
                    let value = match value {
                        ast::WeightValue::Level(name) => self.level(&lowered.levels, name),
                        ast::WeightValue::Number(number) => match range {
                            Some((min, max))
                                if number.value <= u64::from(u32::MAX)
                                    && !(u64::from(min)..=u64::from(max))
                                        .contains(&number.value) =>
                            {
                                self.report(
                                    Diagnostic::new(
                                        Code::WeightOutOfRange,
                                        format!("weight {} is outside the levels' range {min}..={max}", number.value),
                                        self.loc(number.id),
                                    )
                                    .with_help("use a level name, or a number between the lowest and highest level"),
                                );
                                None
                            }
                            _ => Some(number.value as u32),
                        },
                    };
                    let Some(selector) = self.selector(target, false) else {
                        continue;
                    };
                    let loc = self.loc(*id);
                    if let Some(first) = lowered.weights.iter().find(|w| w.selector == selector) {
                        let first = first.loc;
                        self.report(
                            Diagnostic::new(
                                Code::WeightedTwice,
                                format!(
                                    "`{}` is weighted twice",
                                    describe(|s| self.scope.standard(s).map(|a| &**a), &selector)
                                ),
                                loc,
                            )
                            .with_label("weighted again here")
                            .with_secondary(first, "first weighted here")
                            .with_help("keep one weight per clause or group"),
                        );
                        continue;
                    }
                    if let Some(value) = value {
                        lowered.weights.push(Weight {
                            selector,
                            value,
                            loc,
                        });
                    }
                }
                ast::RiskMember::Levels { .. } | ast::RiskMember::Error => {}
            }
        }
        self.hir.risks.push(lowered);
    }

    fn level(&mut self, levels: &[(String, u32)], name: &Name) -> Option<u32> {
        if let Some((_, value)) = levels.iter().find(|(level, _)| *level == name.text) {
            return Some(*value);
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnknownRiskLevel,
            format!("unknown risk level `{}`", name.text),
            self.loc(name.id),
        );
        if levels.is_empty() {
            diagnostic =
                diagnostic.with_help("declare the levels first: `levels { low = 1, high = 5 }`");
        } else {
            let names: Vec<&str> = levels.iter().map(|(n, _)| n.as_str()).collect();
            diagnostic = diagnostic.with_help(format!("the levels are {}", names.join(", ")));
            if let Some(s) = closest(&name.text, names) {
                diagnostic = diagnostic.with_suggestion(self.loc(name.id), s);
            }
        }
        self.report(diagnostic);
        None
    }

    fn facts(&mut self, facts: &ast::Facts) {
        for fact in &facts.members {
            if let ast::TypeExpr::Enum(variants) | ast::TypeExpr::SetOf(variants) = &fact.ty {
                for (i, variant) in variants.iter().enumerate() {
                    if let Some(first) = variants[..i].iter().find(|v| v.text == variant.text) {
                        let first = self.loc(first.id);
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateEnumValue,
                                format!(
                                    "`{}` is listed twice in the type of fact `{}`",
                                    variant.text, fact.name.text
                                ),
                                self.loc(variant.id),
                            )
                            .with_secondary(first, "first listed here")
                            .with_help("remove one of them"),
                        );
                    }
                }
            }
            if let Some(default) = &fact.default
                && let Some(ty) = crate::index::fact_type(&fact.ty)
                && let Some(value) = self.typed_value(&fact.name.text, &ty, default)
            {
                self.hir.fact_defaults.push((fact.name.text.clone(), value));
            }
        }
    }

    /// Types `fact = value`, reporting an unknown fact or a value of the wrong type.
    fn fact_value(&mut self, fact: &Name, value: &ast::Value) -> Option<FactValue> {
        if !self.resolve(Kind::Fact, fact, Code::UnknownFact) {
            return None;
        }
        let ty = self.scope.fact(&fact.text)?.ty.clone();
        self.typed_value(&fact.text, &ty, value)
    }

    /// Types a value for a fact of type `ty`, reporting a mismatch.
    fn typed_value(&mut self, fact: &str, ty: &FactType, value: &ast::Value) -> Option<FactValue> {
        let found = match (ty, value) {
            (FactType::Bool, ast::Value::Bool(b, _)) => return Some(FactValue::Bool(*b)),
            (FactType::Int, ast::Value::Int(n)) => {
                return Some(FactValue::Int(n.value.min(i64::MAX as u64) as i64));
            }
            (FactType::String, ast::Value::Str(s)) => return Some(FactValue::Str(s.value.clone())),
            (FactType::Enum(_), ast::Value::Name(name)) => {
                return self.variant(fact, ty, name).map(FactValue::Enum);
            }
            (FactType::Set(_), ast::Value::Set(names, _)) => {
                let mut values: Vec<u32> = names
                    .iter()
                    .filter_map(|n| self.variant(fact, ty, n))
                    .collect();
                values.sort_unstable();
                values.dedup();
                return Some(FactValue::Set(values));
            }
            (_, ast::Value::Bool(..)) => "a bool",
            (_, ast::Value::Int(_)) => "an integer",
            (_, ast::Value::Str(_)) => "a string",
            (_, ast::Value::Name(_)) => "an enum value",
            (_, ast::Value::Set(..)) => "a set",
        };
        let help = match ty {
            FactType::Enum(v) => format!("write one of {}", v.join(", ")),
            FactType::Set(v) => format!(
                "write a set such as {{{}}}",
                v.first().map_or("", String::as_str)
            ),
            FactType::Bool => "write `true` or `false`".to_string(),
            FactType::Int => "write an integer".to_string(),
            FactType::String => "write a string in double quotes".to_string(),
        };
        self.report(
            Diagnostic::new(
                Code::TypeMismatch,
                format!(
                    "expected a value of type `{}` for fact `{}`, found {found}",
                    ty.describe(),
                    fact
                ),
                self.loc(value.id()),
            )
            .with_help(help),
        );
        None
    }

    /// The index of an enum value of a fact, reported when it is not one.
    fn variant(&mut self, fact: &str, ty: &FactType, name: &Name) -> Option<u32> {
        if let Some(i) = ty.variants().iter().position(|v| *v == name.text) {
            return Some(i as u32);
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnknownEnumValue,
            format!("unknown value `{}` for fact `{fact}`", name.text),
            self.loc(name.id),
        )
        .with_help(format!("the values are {}", ty.variants().join(", ")));
        if let Some(s) = closest(&name.text, ty.variants().iter().map(String::as_str)) {
            diagnostic = diagnostic.with_suggestion(self.loc(name.id), s);
        }
        self.report(diagnostic);
        None
    }

    /// Types a condition and lowers it. Ill-typed parts are reported and read as `false`, so
    /// one mistake yields one diagnostic.
    fn condition(&mut self, expr: &ast::Expr) -> Cond {
        match expr {
            ast::Expr::Or(a, b) => {
                Cond::Or(Box::new(self.condition(a)), Box::new(self.condition(b)))
            }
            ast::Expr::And(a, b) => {
                Cond::And(Box::new(self.condition(a)), Box::new(self.condition(b)))
            }
            ast::Expr::Not(inner, _) => Cond::Not(Box::new(self.condition(inner))),
            ast::Expr::Error(_) => Cond::Const(false),
            ast::Expr::Value(ast::Value::Bool(b, _)) => Cond::Const(*b),
            ast::Expr::Value(ast::Value::Name(name)) => {
                if !self.resolve(Kind::Fact, name, Code::UnknownFact) {
                    return Cond::Const(false);
                }
                let Some(fact) = self.scope.fact(&name.text) else {
                    return Cond::Const(false);
                };
                match &fact.ty {
                    FactType::Bool => Cond::Bool(name.text.clone()),
                    ty => {
                        let ty = ty.describe();
                        self.report(
                            Diagnostic::new(
                                Code::NonBoolCondition,
                                format!(
                                    "fact `{}` is not a bool and cannot be a condition on its own",
                                    name.text
                                ),
                                self.loc(name.id),
                            )
                            .with_label(format!("this fact is of type `{ty}`"))
                            .with_help(format!(
                                "compare it with a value, e.g. `{} == ...`",
                                name.text
                            )),
                        );
                        Cond::Const(false)
                    }
                }
            }
            ast::Expr::Value(value) => {
                self.report(
                    Diagnostic::new(
                        Code::NonBoolCondition,
                        "a condition must be true or false",
                        self.loc(value.id()),
                    )
                    .with_help("compare a fact with a value, e.g. `exposure == internet`"),
                );
                Cond::Const(false)
            }
            ast::Expr::Compare { lhs, op, rhs, id } => self.compare(lhs, *op, rhs, *id),
            ast::Expr::In {
                lhs,
                negated,
                rhs,
                id,
            } => {
                let cond = self.membership(lhs, rhs, *id);
                if *negated {
                    Cond::Not(Box::new(cond))
                } else {
                    cond
                }
            }
        }
    }

    /// The fact a side of a comparison names, if it names one.
    fn fact_of(&self, value: &ast::Value) -> Option<(String, FactType)> {
        match value {
            ast::Value::Name(name) => self
                .scope
                .fact(&name.text)
                .map(|f| (name.text.clone(), f.ty.clone())),
            _ => None,
        }
    }

    fn compare(&mut self, lhs: &ast::Value, op: CmpOp, rhs: &ast::Value, id: NodeId) -> Cond {
        let (fact, fact_node, ty, value) = match (self.fact_of(lhs), self.fact_of(rhs)) {
            (Some(_), Some(_)) => {
                self.reference_fact(lhs);
                self.reference_fact(rhs);
                self.report(
                    Diagnostic::new(
                        Code::InvalidComparison,
                        format!(
                            "comparison of two facts, `{}` and `{}`",
                            value_text(lhs),
                            value_text(rhs)
                        ),
                        self.loc(id),
                    )
                    .with_help("compare a fact with a value; conditions cannot relate two facts"),
                );
                return Cond::Const(false);
            }
            (Some((fact, ty)), None) => (fact, lhs, ty, rhs),
            (None, Some((fact, ty))) => (fact, rhs, ty, lhs),
            (None, None) => {
                // Neither side is a known fact: report the name that most looks like one.
                if let ast::Value::Name(name) = lhs {
                    self.resolve(Kind::Fact, name, Code::UnknownFact);
                } else if let ast::Value::Name(name) = rhs {
                    self.resolve(Kind::Fact, name, Code::UnknownFact);
                } else {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidComparison,
                            "comparison of two constants",
                            self.loc(id),
                        )
                        .with_help("one side of a comparison must be a fact"),
                    );
                }
                return Cond::Const(false);
            }
        };
        if let ast::Value::Name(name) = fact_node {
            self.hir.references.push(Reference {
                kind: Kind::Fact,
                name: name.text.clone(),
                at: self.loc(name.id),
            });
        }
        // Written `value op fact`: flip so the fact is on the left.
        let op = if std::ptr::eq(fact_node, lhs) {
            op
        } else {
            flip(op)
        };
        let ordering = !matches!(op, CmpOp::Eq | CmpOp::NotEq);
        match &ty {
            FactType::Set(_) | FactType::Bool | FactType::String if ordering => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidComparison,
                        format!("ordering comparison on a {} fact `{fact}`", ty.describe()),
                        self.loc(id),
                    )
                    .with_help(match &ty {
                        FactType::Set(v) => format!(
                            "test membership instead: `{} in {fact}`",
                            v.first().map_or("value", String::as_str)
                        ),
                        _ => "only `==` and `!=` apply to this fact".to_string(),
                    }),
                );
                return Cond::Const(false);
            }
            FactType::Set(_) => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidComparison,
                        format!("`{}` on a set fact `{fact}`", op.as_str()),
                        self.loc(id),
                    )
                    .with_help(format!(
                        "test membership instead: `{} in {fact}`",
                        ty.variants().first().map_or("value", String::as_str)
                    )),
                );
                return Cond::Const(false);
            }
            _ => {}
        }
        let fact_name = Name {
            text: fact.clone(),
            id: fact_node.id(),
        };
        match self.fact_value(&fact_name, value) {
            Some(value) => Cond::Compare { fact, op, value },
            None => Cond::Const(false),
        }
    }

    fn membership(&mut self, lhs: &ast::Value, rhs: &ast::Value, id: NodeId) -> Cond {
        match (self.fact_of(lhs), self.fact_of(rhs)) {
            // `exposure in {partner, internet}`
            (Some((fact, ty @ FactType::Enum(_))), _) => {
                self.reference_fact(lhs);
                let ast::Value::Set(names, _) = rhs else {
                    self.report(
                        Diagnostic::new(
                            Code::InvalidComparison,
                            format!("`in` needs a set of values after enum fact `{fact}`"),
                            self.loc(rhs.id()),
                        )
                        .with_help(format!("write `{fact} in {{a, b}}`")),
                    );
                    return Cond::Const(false);
                };
                let values = names
                    .iter()
                    .filter_map(|n| self.variant(&fact, &ty, n))
                    .collect();
                Cond::In {
                    fact,
                    values,
                    fact_is_set: false,
                }
            }
            // `pii in data`, `{pii, payment} in data`
            (_, Some((fact, ty @ FactType::Set(_)))) => {
                self.reference_fact(rhs);
                let names: Vec<&Name> = match lhs {
                    ast::Value::Name(n) => vec![n],
                    ast::Value::Set(names, _) => names.iter().collect(),
                    _ => {
                        self.report(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                format!("expected a value of fact `{fact}` before `in`"),
                                self.loc(lhs.id()),
                            )
                            .with_help(format!("the values are {}", ty.variants().join(", "))),
                        );
                        return Cond::Const(false);
                    }
                };
                let values = names
                    .into_iter()
                    .filter_map(|n| self.variant(&fact, &ty, n))
                    .collect();
                Cond::In {
                    fact,
                    values,
                    fact_is_set: true,
                }
            }
            (Some((fact, ty)), _) | (_, Some((fact, ty))) => {
                self.report(
                    Diagnostic::new(Code::InvalidComparison, format!("`in` on a {} fact `{fact}`", ty.describe()), self.loc(id))
                        .with_help("`in` tests an enum fact against a set of values, or a value against a set fact"),
                );
                Cond::Const(false)
            }
            (None, None) => {
                for side in [rhs, lhs] {
                    if let ast::Value::Name(name) = side {
                        self.resolve(Kind::Fact, name, Code::UnknownFact);
                        return Cond::Const(false);
                    }
                }
                self.report(
                    Diagnostic::new(
                        Code::InvalidComparison,
                        "`in` between two constants",
                        self.loc(id),
                    )
                    .with_help("one side of `in` must be a fact"),
                );
                Cond::Const(false)
            }
        }
    }

    fn reference_fact(&mut self, value: &ast::Value) {
        if let ast::Value::Name(name) = value {
            self.hir.references.push(Reference {
                kind: Kind::Fact,
                name: name.text.clone(),
                at: self.loc(name.id),
            });
        }
    }

    /// `fact = value` lines of an archetype, app or test app, typed, each fact once.
    fn assignments<'t>(
        &mut self,
        assigns: impl Iterator<Item = &'t ast::FactAssign>,
    ) -> Vec<(String, FactValue, Loc)> {
        let mut out: Vec<(String, FactValue, Loc)> = Vec::new();
        let mut seen: Vec<(&str, NodeId)> = Vec::new();
        for assign in assigns {
            if let Some((_, first)) = seen.iter().find(|(f, _)| *f == assign.fact.text) {
                let mut first = Some(*first);
                self.once(&mut first, &assign.fact.text, assign.id);
                continue;
            }
            seen.push((&assign.fact.text, assign.id));
            if let Some(value) = self.fact_value(&assign.fact, &assign.value) {
                out.push((assign.fact.text.clone(), value, self.loc(assign.id)));
            }
        }
        out
    }

    fn archetype(&mut self, archetype: &ast::Archetype, docs: &Option<String>) {
        let mut extends = Vec::new();
        for parent in &archetype.extends {
            if self.resolve(Kind::Archetype, parent, Code::UnknownArchetype) {
                extends.push((parent.text.clone(), self.loc(parent.id)));
            }
        }
        let facts = self.assignments(archetype.members.iter().filter_map(|m| match m {
            ast::ArchetypeMember::Fact(assign) => Some(assign),
            _ => None,
        }));
        let mut provides = Vec::new();
        for member in &archetype.members {
            if let ast::ArchetypeMember::Provides(controls) = member {
                for control in controls {
                    if self.resolve(Kind::Control, control, Code::UnknownControl) {
                        provides.push((control.text.clone(), self.loc(control.id)));
                    }
                }
            }
        }
        self.hir.archetypes.push(Archetype {
            def: self.named(&archetype.name, docs),
            title: archetype.title.as_ref().map(|t| t.value.clone()),
            extends,
            facts,
            provides,
        });
    }

    fn control(&mut self, control: &ast::Control, docs: &Option<String>) {
        let mut lowered = Control {
            def: self.named(&control.name, docs),
            title: control.title.as_ref().map(|t| t.value.clone()),
            satisfies: Vec::new(),
            applies: Vec::new(),
            phase: None,
            due_days: None,
            remediation: Vec::new(),
            obligations: Vec::new(),
            targets: Vec::new(),
        };
        let (mut phase_seen, mut due_seen, mut remediation_seen) = (None, None, None);
        for member in &control.members {
            match member {
                ast::ControlMember::Satisfies(clauses) => {
                    for clause in clauses {
                        if let Some(key) = self.clause(clause) {
                            lowered.satisfies.push((key, self.loc(clause.id)));
                        }
                    }
                }
                ast::ControlMember::AppliesTo {
                    archetypes,
                    when,
                    id,
                } => {
                    let archetypes = archetypes
                        .iter()
                        .filter(|a| self.resolve(Kind::Archetype, a, Code::UnknownArchetype))
                        .map(|a| a.text.clone())
                        .collect();
                    let reported = self.diagnostics.len();
                    let when = when.as_ref().map(|w| self.condition(w));
                    lowered.applies.push(AppliesTo {
                        archetypes,
                        when,
                        well_typed: self.diagnostics.len() == reported,
                        loc: self.loc(*id),
                    });
                }
                ast::ControlMember::Phase(name) => {
                    self.once(&mut phase_seen, "phase", name.id);
                    lowered.phase = self.option(name, "phase", Phase::ALL);
                }
                ast::ControlMember::Due(duration) => {
                    self.once(&mut due_seen, "due", duration.id);
                    lowered.due_days = Some(duration.days);
                }
                ast::ControlMember::Remediation { windows, id } => {
                    self.once(&mut remediation_seen, "remediation", *id);
                    let severities: Vec<(&str, &str)> =
                        SEVERITIES.iter().map(|s| (*s, *s)).collect();
                    for (severity, duration) in windows {
                        if let Some(s) = self.option(severity, "severity", &severities) {
                            lowered.remediation.push((s.to_string(), duration.days));
                        }
                    }
                }
                ast::ControlMember::Obligation(obligation) => {
                    if let Some(first) = lowered
                        .obligations
                        .iter()
                        .find(|o| o.def.name == obligation.name.text)
                    {
                        let first = first.def.loc;
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateObligation,
                                format!(
                                    "duplicate obligation `{}` in control `{}`",
                                    obligation.name.text, control.name.text
                                ),
                                self.loc(obligation.name.id),
                            )
                            .with_secondary(first, "first defined here")
                            .with_help("give each obligation of a control its own name"),
                        );
                        continue;
                    }
                    let kinds: Vec<(&str, &str)> = VERIFY_KINDS.iter().map(|k| (*k, *k)).collect();
                    let verify = obligation
                        .verify
                        .iter()
                        .filter_map(|v| {
                            let kind = self.option(&v.kind, "verification kind", &kinds)?;
                            Some(Verify {
                                kind: kind.to_string(),
                                subject: v.subject.as_ref().map(|s| s.value.clone()),
                                rules: v.rules.iter().map(|r| r.value.clone()).collect(),
                            })
                        })
                        .collect();
                    lowered.obligations.push(Obligation {
                        def: self.named(&obligation.name, &obligation.docs),
                        title: obligation.title.as_ref().map(|t| t.value.clone()),
                        verify,
                    });
                }
                ast::ControlMember::Target(target) => {
                    let (item, base) = (self.item, self.base);
                    let mut found = Vec::new();
                    let lowered_target = crate::metric::lower_target(
                        target,
                        |node| Loc::new(item, base, node),
                        &mut |d| found.push(d),
                    );
                    self.diagnostics.extend(found);
                    lowered.targets.extend(lowered_target);
                }
                ast::ControlMember::Error => {}
            }
        }
        let at = self.loc(control.name.id);
        let has = |f: fn(&ast::ControlMember) -> bool| control.members.iter().any(f);
        if !has(|m| matches!(m, ast::ControlMember::Obligation(_))) {
            self.report(
                Diagnostic::new(
                    Code::ControlWithoutObligation,
                    format!("control `{}` has no obligation", control.name.text),
                    at,
                )
                .with_help("add `obligation NAME \"what a developer does\" { verify ... }`"),
            );
        }
        if !has(|m| matches!(m, ast::ControlMember::AppliesTo { .. })) {
            self.report(
                Diagnostic::new(Code::ControlWithoutAppliesTo, format!("control `{}` has no `applies-to`", control.name.text), at)
                    .with_help("add `applies-to ARCHETYPE` (and `when CONDITION` if it applies only to some apps)"),
            );
        }
        if !has(|m| matches!(m, ast::ControlMember::Satisfies(_))) {
            self.report(
                Diagnostic::new(
                    Code::ControlSatisfiesNothing,
                    format!("control `{}` satisfies no clause", control.name.text),
                    at,
                )
                .with_help("add `satisfies STANDARD#CLAUSE` so its purpose can be traced"),
            );
        }
        self.hir.controls.push(lowered);
    }

    /// One of a fixed set of words (phases, severities, verification kinds).
    fn option<T: Copy>(&mut self, name: &Name, what: &str, options: &[(&str, T)]) -> Option<T> {
        if let Some((_, value)) = options.iter().find(|(word, _)| *word == name.text) {
            return Some(*value);
        }
        let words: Vec<&str> = options.iter().map(|(w, _)| *w).collect();
        let help = match words.as_slice() {
            [only] => format!("write `{only}`"),
            _ => format!("write one of {}", words.join(", ")),
        };
        let mut diagnostic = Diagnostic::new(
            Code::UnknownOption,
            format!("unknown {what} `{}`", name.text),
            self.loc(name.id),
        )
        .with_label(format!("not a {what}"))
        .with_help(help);
        if let Some(s) = closest(&name.text, words) {
            diagnostic = diagnostic.with_suggestion(self.loc(name.id), s);
        }
        self.report(diagnostic);
        None
    }

    fn mapping(&mut self, mapping: &ast::Mapping) {
        let Some(from) = self.clause(&mapping.from) else {
            for to in &mapping.to {
                self.clause(to);
            }
            return;
        };
        for to in &mapping.to {
            if let Some(key) = self.clause(to) {
                self.hir.mappings.push(Mapping {
                    from: from.clone(),
                    to: key,
                    loc: self.loc(to.id),
                });
            }
        }
    }

    fn app_members(&mut self, members: &[ast::AppMember], name: Option<&Name>) -> AppParts {
        let mut archetypes = Vec::new();
        let (mut owner, mut unit) = (None, None);
        let (mut owner_seen, mut unit_seen) = (None, None);
        for member in members {
            match member {
                ast::AppMember::Archetype(names) => {
                    for archetype in names {
                        if self.resolve(Kind::Archetype, archetype, Code::UnknownArchetype) {
                            archetypes.push((archetype.text.clone(), self.loc(archetype.id)));
                        }
                    }
                }
                ast::AppMember::Owner(s) => {
                    self.once(&mut owner_seen, "owner", s.id);
                    owner = Some(s.value.clone());
                }
                ast::AppMember::Unit(s) => {
                    self.once(&mut unit_seen, "unit", s.id);
                    unit = Some(s.value.clone());
                }
                ast::AppMember::Fact(_) | ast::AppMember::Error => {}
            }
        }
        let facts = self.assignments(members.iter().filter_map(|m| match m {
            ast::AppMember::Fact(assign) => Some(assign),
            _ => None,
        }));
        let declares_archetype = members
            .iter()
            .any(|m| matches!(m, ast::AppMember::Archetype(_)));
        if let (Some(name), false) = (name, declares_archetype) {
            self.report(
                Diagnostic::new(
                    Code::AppWithoutArchetype,
                    format!("app `{}` names no archetype", name.text),
                    self.loc(name.id),
                )
                .with_help(
                    "add `archetype NAME`: an app inherits its requirements from its archetypes",
                ),
            );
        }
        AppParts {
            archetypes,
            facts,
            owner,
            unit,
        }
    }

    fn app(&mut self, app: &ast::App, docs: &Option<String>) {
        let AppParts {
            archetypes,
            facts,
            owner,
            unit,
        } = self.app_members(&app.members, Some(&app.name));
        self.hir.apps.push(App {
            def: self.named(&app.name, docs),
            title: app.title.as_ref().map(|t| t.value.clone()),
            archetypes,
            facts,
            owner,
            unit,
        });
    }

    fn waiver(&mut self, waiver: &ast::Waiver, docs: &Option<String>) {
        let app = self
            .resolve(Kind::App, &waiver.app, Code::UnknownApp)
            .then(|| waiver.app.text.clone());
        let control = self
            .resolve(Kind::Control, &waiver.control, Code::UnknownControl)
            .then(|| waiver.control.text.clone());
        let obligation = match (&control, &waiver.obligation) {
            (Some(control), Some(obligation)) => {
                let known = self.scope.obligations(control);
                if known.contains(&obligation.text) {
                    Some(obligation.text.clone())
                } else {
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownObligation,
                        format!(
                            "unknown obligation `{}` of control `{control}`",
                            obligation.text
                        ),
                        self.loc(obligation.id),
                    )
                    .with_help(format!("its obligations are {}", known.join(", ")));
                    if let Some(s) = closest(&obligation.text, known.iter().map(String::as_str)) {
                        diagnostic =
                            diagnostic.with_suggestion(self.loc(obligation.id), s.to_string());
                    }
                    self.report(diagnostic);
                    None
                }
            }
            _ => None,
        };
        let mut lowered = Waiver {
            def: self.named(&waiver.name, docs),
            app,
            control,
            obligation,
            reason: None,
            requested_by: None,
            approved_by: None,
            expires: None,
        };
        let mut seen = [None; 4];
        let mut approver_at = None;
        let mut expires_at = None;
        for member in &waiver.members {
            match member {
                ast::WaiverMember::Reason(s) => {
                    self.once(&mut seen[0], "reason", s.id);
                    lowered.reason = Some(s.value.clone());
                }
                ast::WaiverMember::RequestedBy(s) => {
                    self.once(&mut seen[1], "requested-by", s.id);
                    lowered.requested_by = Some(s.value.clone());
                }
                ast::WaiverMember::ApprovedBy(s) => {
                    self.once(&mut seen[2], "approved-by", s.id);
                    lowered.approved_by = Some(s.value.clone());
                    approver_at = Some(s.id);
                }
                ast::WaiverMember::Expires(date, id) => {
                    self.once(&mut seen[3], "expires", *id);
                    lowered.expires = *date;
                    expires_at = Some(*id);
                }
                ast::WaiverMember::Error => {}
            }
        }
        let at = self.loc(waiver.name.id);
        let name = &waiver.name.text;
        for (missing, property, help) in [
            (
                lowered.reason.is_none(),
                "reason",
                "add `reason \"why the control cannot be met yet\"`",
            ),
            (
                lowered.requested_by.is_none(),
                "requester",
                "add `requested-by \"who asks for the exception\"`",
            ),
            (
                expires_at.is_none(),
                "expiry date",
                "add `expires YYYY-MM-DD`: every exception ends",
            ),
        ] {
            if missing {
                self.report(
                    Diagnostic::new(
                        Code::IncompleteWaiver,
                        format!("waiver `{name}` has no {property}"),
                        at,
                    )
                    .with_help(help),
                );
            }
        }
        match (&lowered.approved_by, &lowered.requested_by) {
            (None, _) => self.report(
                Diagnostic::new(
                    Code::WaiverWithoutApprover,
                    format!("waiver `{name}` has no approver"),
                    at,
                )
                .with_help("add `approved-by \"who accepted the risk\"`"),
            ),
            (Some(approver), Some(requester))
                if approver.trim().eq_ignore_ascii_case(requester.trim()) =>
            {
                let approver_at = approver_at.map_or(at, |id| self.loc(id));
                self.report(
                    Diagnostic::new(
                        Code::SelfApprovedWaiver,
                        format!("waiver `{name}` is approved by its own requester `{approver}`"),
                        approver_at,
                    )
                    .with_help(
                        "an exception needs approval from someone other than who asked for it",
                    ),
                );
            }
            _ => {}
        }
        let today = *self.workspace.today(self.db);
        if let Some(expires) = lowered.expires.filter(|expires| *expires < today) {
            let expires_at = expires_at.map_or(at, |id| self.loc(id));
            self.report(
                Diagnostic::new(Code::ExpiredWaiver, format!("waiver `{name}` expired on {expires}"), expires_at)
                    .with_label(format!("before today, {today}"))
                    .with_help("renew it with a new expiry date and approval, or remove it and meet the control"),
            );
        }
        self.hir.waivers.push(lowered);
    }

    fn test(&mut self, test: &ast::Test) {
        let mut app = TestApp::Missing;
        let mut expectations = Vec::new();
        for member in &test.members {
            match member {
                ast::TestMember::GivenApp(name) => {
                    if self.resolve(Kind::App, name, Code::UnknownApp) {
                        app = TestApp::Named(name.text.clone());
                    }
                }
                ast::TestMember::GivenInline { members, .. } => {
                    let AppParts {
                        archetypes, facts, ..
                    } = self.app_members(members, None);
                    app = TestApp::Inline {
                        archetypes: archetypes.into_iter().map(|(a, _)| a).collect(),
                        facts: facts.into_iter().map(|(f, v, _)| (f, v)).collect(),
                    };
                }
                ast::TestMember::Expect {
                    negated,
                    what,
                    control,
                    id,
                } => {
                    let known = self
                        .option(what, "expectation", &[("required", ())])
                        .is_some();
                    if self.resolve(Kind::Control, control, Code::UnknownControl) && known {
                        expectations.push(Expectation {
                            required: !negated,
                            control: control.text.clone(),
                            loc: self.loc(*id),
                        });
                    }
                }
                ast::TestMember::Error => {}
            }
        }
        self.hir.tests.push(Test {
            name: test.name.value.clone(),
            loc: self.loc(test.name.id),
            app,
            expectations,
        });
    }
}

/// A fact or value as written, for messages.
fn value_text(value: &ast::Value) -> String {
    match value {
        ast::Value::Name(name) => name.text.clone(),
        ast::Value::Str(s) => format!("{:?}", s.value),
        ast::Value::Int(n) => n.value.to_string(),
        ast::Value::Bool(b, _) => b.to_string(),
        ast::Value::Set(names, _) => {
            format!(
                "{{{}}}",
                names
                    .iter()
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::LtEq => CmpOp::GtEq,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::GtEq => CmpOp::LtEq,
        op => op,
    }
}

/// A selector as written in messages, clauses in their standard's own spelling.
pub fn describe<'a>(
    standard: impl Fn(&str) -> Option<&'a crate::index::StandardSig>,
    selector: &Selector,
) -> String {
    match selector {
        Selector::Clause(key) => {
            let spelled = standard(&key.standard).and_then(|s| s.clauses.get(&key.key));
            format!(
                "{}#{}",
                key.standard,
                spelled.map_or(key.key.as_str(), |c| c.spelled.as_str())
            )
        }
        Selector::Group { standard, path } => format!("{standard}.{}", path.join(".")),
        Selector::Standard(name) | Selector::Profile(name) => name.clone(),
    }
}
