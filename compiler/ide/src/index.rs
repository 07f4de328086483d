//! Every name in a file, where it is and what it means: the occurrences that navigation,
//! hover, rename and highlighting read, and the definitions (with their extent, title and
//! docs) that outlines and lenses read. Computed per file and memoised; it holds spans, so it
//! is recomputed on each edit of its file, and on a change of the workspace's symbols.

use polic_diagnostics::Span;
use polic_sema::clause_id;
use polic_sema::hir::{ClauseKey, Kind};
use polic_sema::index::{Symbols, symbols};
use polic_sema::{Db, File, Workspace, parse};
use polic_syntax::SourceMap;
use polic_syntax::ast::{self, ItemKind, NodeId};

/// What a name denotes. Clause keys are normalised, so every spelling of a clause is one
/// symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Symbol {
    /// A top-level definition: standard, profile, policy, risk model, fact, archetype,
    /// control, app, waiver or test.
    Item(Kind, String),
    /// A group, by its dotted path below the standard.
    Group {
        standard: String,
        path: String,
    },
    Clause(ClauseKey),
    Obligation {
        control: String,
        name: String,
    },
    EnumValue {
        fact: String,
        value: String,
    },
    /// A level of a risk model.
    Level {
        risk: String,
        name: String,
    },
    /// A standard-library module (`import std.NAME`).
    Module(String),
}

impl Symbol {
    /// What kind of thing it is, for messages and outlines.
    pub fn describe(&self) -> &'static str {
        match self {
            Symbol::Item(kind, _) => kind.as_str(),
            Symbol::Group { .. } => "group",
            Symbol::Clause(_) => "clause",
            Symbol::Obligation { .. } => "obligation",
            Symbol::EnumValue { .. } => "enum value",
            Symbol::Level { .. } => "risk level",
            Symbol::Module(_) => "standard-library module",
        }
    }

    /// The name; a clause as `standard#key` with its normalised key (see
    /// [`crate::nav::display_name`] for the standard's own spelling).
    pub fn name(&self) -> String {
        match self {
            Symbol::Item(_, name) | Symbol::Module(name) => name.clone(),
            Symbol::Group { standard, path } => format!("{standard}.{path}"),
            Symbol::Clause(key) => format!("{}#{}", key.standard, key.key),
            Symbol::Obligation { control, name } => format!("{control}.{name}"),
            Symbol::EnumValue { value, .. } => value.clone(),
            Symbol::Level { name, .. } => name.clone(),
        }
    }
}

/// One name in the text. For clause ids the span excludes the `#`, so that a rename
/// replaces exactly the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: Symbol,
    /// Whether this is where the symbol is defined.
    pub def: bool,
}

/// A definition in a file, with what is nested in it (groups and clauses in a standard,
/// obligations in a control, values in a fact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub symbol: Symbol,
    /// The name (for a test: its string).
    pub name: Span,
    /// The whole construct.
    pub full: Span,
    pub title: Option<String>,
    pub docs: Option<String>,
    /// A clause's `text`.
    pub text: Option<String>,
    pub children: Vec<Definition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileIndex {
    /// Sorted by position; they never overlap.
    pub occurrences: Vec<Occurrence>,
    /// Top-level definitions in file order.
    pub definitions: Vec<Definition>,
}

impl FileIndex {
    /// The occurrence under the cursor: one containing the offset, or ending at it (the cursor
    /// just after a name still means that name).
    pub fn at(&self, offset: u32) -> Option<&Occurrence> {
        let after = self.occurrences.partition_point(|o| o.span.start <= offset);
        // Occurrences never overlap: only the last one starting at or before the offset can
        // contain it.
        self.occurrences[..after]
            .last()
            .filter(|o| o.span.contains(offset))
    }

    /// The definition of a symbol in this file, searched through nested definitions.
    pub fn definition(&self, symbol: &Symbol) -> Option<&Definition> {
        fn find<'a>(defs: &'a [Definition], symbol: &Symbol) -> Option<&'a Definition> {
            defs.iter().find_map(|d| {
                if d.symbol == *symbol {
                    Some(d)
                } else {
                    find(&d.children, symbol)
                }
            })
        }
        find(&self.definitions, symbol)
    }
}

/// The index of one file, resolved against the workspace's symbols.
#[salsa::tracked(returns(ref), no_eq)]
pub fn file_index(db: &dyn Db, workspace: Workspace, file: File) -> FileIndex {
    let parse = parse(db, file);
    let mut indexer = Indexer {
        map: &parse.source_map,
        text: file.text(db),
        symbols: symbols(db, workspace),
        out: FileIndex::default(),
    };
    for item in &parse.tree.items {
        indexer.item(item);
    }
    let mut index = indexer.out;
    index
        .occurrences
        .sort_by_key(|o| (o.span.start, o.span.end));
    index
}

struct Indexer<'a> {
    map: &'a SourceMap,
    text: &'a str,
    symbols: &'a Symbols,
    out: FileIndex,
}

impl Indexer<'_> {
    fn span(&self, id: NodeId) -> Span {
        self.map.span(id)
    }

    fn push(&mut self, span: Span, symbol: Symbol, def: bool) {
        self.out.occurrences.push(Occurrence { span, symbol, def });
    }

    fn reference(&mut self, name: &ast::Name, symbol: Symbol) {
        self.push(self.span(name.id), symbol, false);
    }

    /// A clause id token (`#A.8.24`) without its `#`.
    fn clause_id_span(&self, name: &ast::Name) -> Span {
        let span = self.span(name.id);
        if self.text.as_bytes().get(span.start as usize) == Some(&b'#') {
            Span {
                start: span.start + 1,
                end: span.end,
            }
        } else {
            span
        }
    }

    fn definition(
        &mut self,
        symbol: Symbol,
        name: Span,
        full: Span,
        title: &Option<ast::Str>,
        docs: &Option<String>,
    ) -> Definition {
        self.push(name, symbol.clone(), true);
        Definition {
            symbol,
            name,
            full,
            title: title.as_ref().map(|t| t.value.clone()),
            docs: docs.clone(),
            text: None,
            children: Vec::new(),
        }
    }

    fn item(&mut self, item: &ast::Item) {
        let full = self.span(item.id);
        let docs = &item.docs;
        let top = |kind: Kind, name: &ast::Name| (Symbol::Item(kind, name.text.clone()), name.id);
        let definition = match &item.kind {
            ItemKind::Import(ast::Import::Stdlib(path)) => {
                if let [std, module] = path.segments.as_slice()
                    && std.text == "std"
                {
                    self.push(
                        self.span(path.id),
                        Symbol::Module(module.text.clone()),
                        false,
                    );
                }
                None
            }
            ItemKind::Import(ast::Import::File(_)) | ItemKind::Error => None,
            ItemKind::Standard(standard) => {
                let (symbol, id) = top(Kind::Standard, &standard.name);
                let mut def = self.definition(symbol, self.span(id), full, &standard.title, docs);
                def.children =
                    self.standard_members(&standard.name.text, &standard.members, &mut Vec::new());
                Some(def)
            }
            ItemKind::Profile(profile) => {
                let (symbol, id) = top(Kind::Profile, &profile.name);
                let def = self.definition(symbol, self.span(id), full, &profile.title, docs);
                for member in &profile.members {
                    if let ast::Selection::Include { targets, .. }
                    | ast::Selection::Exclude { targets, .. } = member
                    {
                        for target in targets {
                            self.target(target, true);
                        }
                    }
                }
                Some(def)
            }
            ItemKind::Policy(policy) => {
                let (symbol, id) = top(Kind::Policy, &policy.name);
                let def = self.definition(symbol, self.span(id), full, &policy.title, docs);
                for member in &policy.members {
                    match member {
                        ast::PolicyMember::Adopt { target, when, .. } => {
                            self.target(target, true);
                            if let Some(when) = when {
                                self.condition(when);
                            }
                        }
                        ast::PolicyMember::Risk(name) => {
                            self.reference(name, Symbol::Item(Kind::Risk, name.text.clone()));
                        }
                        ast::PolicyMember::Lint { .. } | ast::PolicyMember::Error => {}
                    }
                }
                Some(def)
            }
            ItemKind::Risk(risk) => Some(self.risk(risk, full, docs)),
            ItemKind::Facts(facts) => {
                for fact in &facts.members {
                    let def = self.fact(fact);
                    self.out.definitions.push(def);
                }
                None
            }
            ItemKind::Archetype(archetype) => {
                let (symbol, id) = top(Kind::Archetype, &archetype.name);
                let def = self.definition(symbol, self.span(id), full, &archetype.title, docs);
                for parent in &archetype.extends {
                    self.reference(parent, Symbol::Item(Kind::Archetype, parent.text.clone()));
                }
                for member in &archetype.members {
                    match member {
                        ast::ArchetypeMember::Fact(assign) => self.assignment(assign),
                        ast::ArchetypeMember::Provides(controls) => {
                            for control in controls {
                                self.reference(
                                    control,
                                    Symbol::Item(Kind::Control, control.text.clone()),
                                );
                            }
                        }
                        ast::ArchetypeMember::Error => {}
                    }
                }
                Some(def)
            }
            ItemKind::Control(control) => Some(self.control(control, full, docs)),
            ItemKind::Map(mapping) => {
                self.clause_ref(&mapping.from);
                for to in &mapping.to {
                    self.clause_ref(to);
                }
                None
            }
            ItemKind::App(app) => {
                let (symbol, id) = top(Kind::App, &app.name);
                let def = self.definition(symbol, self.span(id), full, &app.title, docs);
                self.app_members(&app.members);
                Some(def)
            }
            ItemKind::Waiver(waiver) => {
                let (symbol, id) = top(Kind::Waiver, &waiver.name);
                let def = self.definition(symbol, self.span(id), full, &None, docs);
                self.reference(
                    &waiver.app,
                    Symbol::Item(Kind::App, waiver.app.text.clone()),
                );
                self.reference(
                    &waiver.control,
                    Symbol::Item(Kind::Control, waiver.control.text.clone()),
                );
                if let Some(obligation) = &waiver.obligation {
                    self.reference(
                        obligation,
                        Symbol::Obligation {
                            control: waiver.control.text.clone(),
                            name: obligation.text.clone(),
                        },
                    );
                }
                Some(def)
            }
            ItemKind::Test(test) => {
                for member in &test.members {
                    match member {
                        ast::TestMember::GivenApp(app) => {
                            self.reference(app, Symbol::Item(Kind::App, app.text.clone()));
                        }
                        ast::TestMember::GivenInline { members, .. } => self.app_members(members),
                        ast::TestMember::Expect { control, .. } => {
                            self.reference(
                                control,
                                Symbol::Item(Kind::Control, control.text.clone()),
                            );
                        }
                        ast::TestMember::Error => {}
                    }
                }
                // A test is named by a string: it appears in outlines, but nothing refers to it.
                Some(Definition {
                    symbol: Symbol::Item(Kind::Test, test.name.value.clone()),
                    name: self.span(test.name.id),
                    full,
                    title: None,
                    docs: docs.clone(),
                    text: None,
                    children: Vec::new(),
                })
            }
        };
        if let Some(definition) = definition {
            self.out.definitions.push(definition);
        }
    }

    fn standard_members(
        &mut self,
        standard: &str,
        members: &[ast::StandardMember],
        path: &mut Vec<String>,
    ) -> Vec<Definition> {
        let mut out = Vec::new();
        for member in members {
            match member {
                ast::StandardMember::Group(group) => {
                    path.push(group.name.text.clone());
                    let symbol = Symbol::Group {
                        standard: standard.to_string(),
                        path: path.join("."),
                    };
                    let mut def = self.definition(
                        symbol,
                        self.span(group.name.id),
                        self.span(group.id),
                        &group.title,
                        &group.docs,
                    );
                    def.children = self.standard_members(standard, &group.members, path);
                    path.pop();
                    out.push(def);
                }
                ast::StandardMember::Clause(clause) => {
                    let symbol = Symbol::Clause(ClauseKey {
                        standard: standard.to_string(),
                        key: clause_id::normalize(&clause.name.text),
                    });
                    let mut def = self.definition(
                        symbol,
                        self.clause_id_span(&clause.name),
                        self.span(clause.id),
                        &clause.title,
                        &clause.docs,
                    );
                    for prop in &clause.props {
                        match prop {
                            ast::ClauseProp::Text(text) => def.text = Some(text.value.clone()),
                            ast::ClauseProp::Withdrawn { into, .. } => {
                                for target in into {
                                    let span = self.clause_id_span(target);
                                    self.push(
                                        span,
                                        Symbol::Clause(ClauseKey {
                                            standard: standard.to_string(),
                                            key: clause_id::normalize(&target.text),
                                        }),
                                        false,
                                    );
                                }
                            }
                            ast::ClauseProp::Level(..)
                            | ast::ClauseProp::Param { .. }
                            | ast::ClauseProp::Error => {}
                        }
                    }
                    out.push(def);
                }
                ast::StandardMember::Version(_) | ast::StandardMember::Error => {}
            }
        }
        out
    }

    fn clause_ref(&mut self, clause: &ast::ClauseRef) {
        self.reference(
            &clause.standard,
            Symbol::Item(Kind::Standard, clause.standard.text.clone()),
        );
        self.reference(
            &clause.clause,
            Symbol::Clause(ClauseKey {
                standard: clause.standard.text.clone(),
                key: clause_id::normalize(&clause.clause.text),
            }),
        );
    }

    /// What `include`, `exclude`, `adopt` and `weight` name, resolved as the checker does.
    fn target(&mut self, target: &ast::Target, allow_profile: bool) {
        let path = match target {
            ast::Target::Clause(clause) => return self.clause_ref(clause),
            ast::Target::Path(path) => path,
        };
        let [first, rest @ ..] = path.segments.as_slice() else {
            return;
        };
        if rest.is_empty() {
            let profile = allow_profile
                && (self.symbols.lookup(Kind::Profile, &first.text).is_some()
                    || !self.symbols.standards.contains_key(&first.text));
            let kind = if profile {
                Kind::Profile
            } else {
                Kind::Standard
            };
            return self.reference(first, Symbol::Item(kind, first.text.clone()));
        }
        self.reference(first, Symbol::Item(Kind::Standard, first.text.clone()));
        let Some(standard) = self.symbols.standards.get(&first.text) else {
            return;
        };
        let dotted: Vec<&str> = rest.iter().map(|n| n.text.as_str()).collect();
        let dotted = dotted.join(".");
        if standard.groups.contains_key(&dotted) {
            for (i, segment) in rest.iter().enumerate() {
                let prefix: Vec<&str> = rest[..=i].iter().map(|n| n.text.as_str()).collect();
                self.reference(
                    segment,
                    Symbol::Group {
                        standard: first.text.clone(),
                        path: prefix.join("."),
                    },
                );
            }
            return;
        }
        // A group named by its last segment alone, as the checker accepts when unambiguous.
        let by_last: Vec<&String> = standard
            .groups
            .keys()
            .filter(|k| k.rsplit('.').next() == Some(dotted.as_str()))
            .collect();
        if let ([only], Some(last)) = (by_last.as_slice(), rest.last()) {
            let path = (*only).clone();
            self.reference(
                last,
                Symbol::Group {
                    standard: first.text.clone(),
                    path,
                },
            );
        }
    }

    fn risk(&mut self, risk: &ast::Risk, full: Span, docs: &Option<String>) -> Definition {
        let name = &risk.name.text;
        let mut def = self.definition(
            Symbol::Item(Kind::Risk, name.clone()),
            self.span(risk.name.id),
            full,
            &risk.title,
            docs,
        );
        let level = |level: &ast::Name| Symbol::Level {
            risk: name.clone(),
            name: level.text.clone(),
        };
        for member in &risk.members {
            match member {
                ast::RiskMember::Levels { levels, .. } => {
                    for (level_name, number) in levels {
                        let span = self.span(level_name.id);
                        let mut child =
                            self.definition(level(level_name), span, span, &None, &None);
                        child.full = span.cover(self.span(number.id));
                        def.children.push(child);
                    }
                }
                ast::RiskMember::Default(default) => self.reference(default, level(default)),
                ast::RiskMember::Weight { target, value, .. } => {
                    self.target(target, false);
                    if let ast::WeightValue::Level(value) = value {
                        self.reference(value, level(value));
                    }
                }
                ast::RiskMember::Error => {}
            }
        }
        def
    }

    fn fact(&mut self, fact: &ast::FactDecl) -> Definition {
        let name = &fact.name.text;
        let mut def = self.definition(
            Symbol::Item(Kind::Fact, name.clone()),
            self.span(fact.name.id),
            self.span(fact.id),
            &None,
            &fact.docs,
        );
        if let ast::TypeExpr::Enum(variants) | ast::TypeExpr::SetOf(variants) = &fact.ty {
            for variant in variants {
                let span = self.span(variant.id);
                let child = self.definition(
                    Symbol::EnumValue {
                        fact: name.clone(),
                        value: variant.text.clone(),
                    },
                    span,
                    span,
                    &None,
                    &None,
                );
                def.children.push(child);
            }
        }
        if let Some(default) = &fact.default {
            self.values_of(name, default);
        }
        def
    }

    /// Enum values written for a fact: `internet`, `{pii, payment}`.
    fn values_of(&mut self, fact: &str, value: &ast::Value) {
        let names: &[ast::Name] = match value {
            ast::Value::Name(name) => std::slice::from_ref(name),
            ast::Value::Set(names, _) => names,
            _ => return,
        };
        for name in names {
            self.reference(
                name,
                Symbol::EnumValue {
                    fact: fact.to_string(),
                    value: name.text.clone(),
                },
            );
        }
    }

    fn assignment(&mut self, assign: &ast::FactAssign) {
        self.reference(
            &assign.fact,
            Symbol::Item(Kind::Fact, assign.fact.text.clone()),
        );
        self.values_of(&assign.fact.text, &assign.value);
    }

    fn app_members(&mut self, members: &[ast::AppMember]) {
        for member in members {
            match member {
                ast::AppMember::Archetype(names) => {
                    for name in names {
                        self.reference(name, Symbol::Item(Kind::Archetype, name.text.clone()));
                    }
                }
                ast::AppMember::Fact(assign) => self.assignment(assign),
                ast::AppMember::Owner(_) | ast::AppMember::Unit(_) | ast::AppMember::Error => {}
            }
        }
    }

    fn control(&mut self, control: &ast::Control, full: Span, docs: &Option<String>) -> Definition {
        let name = &control.name.text;
        let mut def = self.definition(
            Symbol::Item(Kind::Control, name.clone()),
            self.span(control.name.id),
            full,
            &control.title,
            docs,
        );
        for member in &control.members {
            match member {
                ast::ControlMember::Satisfies(clauses) => {
                    for clause in clauses {
                        self.clause_ref(clause);
                    }
                }
                ast::ControlMember::AppliesTo {
                    archetypes, when, ..
                } => {
                    for archetype in archetypes {
                        self.reference(
                            archetype,
                            Symbol::Item(Kind::Archetype, archetype.text.clone()),
                        );
                    }
                    if let Some(when) = when {
                        self.condition(when);
                    }
                }
                ast::ControlMember::Obligation(obligation) => {
                    let child = self.definition(
                        Symbol::Obligation {
                            control: name.clone(),
                            name: obligation.name.text.clone(),
                        },
                        self.span(obligation.name.id),
                        self.span(obligation.id),
                        &obligation.title,
                        &obligation.docs,
                    );
                    def.children.push(child);
                }
                ast::ControlMember::Phase(_)
                | ast::ControlMember::Due(_)
                | ast::ControlMember::Remediation { .. }
                | ast::ControlMember::Target(_)
                | ast::ControlMember::Error => {}
            }
        }
        def
    }

    /// The fact a value names, if it names one.
    fn fact_of(&self, value: &ast::Value) -> Option<String> {
        match value {
            ast::Value::Name(name) if self.symbols.facts.contains_key(&name.text) => {
                Some(name.text.clone())
            }
            _ => None,
        }
    }

    /// Facts and enum values in a condition; a name that is no fact is read as a value of the
    /// fact on the other side, as the checker reads it.
    fn condition(&mut self, expr: &ast::Expr) {
        match expr {
            ast::Expr::Or(a, b) | ast::Expr::And(a, b) => {
                self.condition(a);
                self.condition(b);
            }
            ast::Expr::Not(inner, _) => self.condition(inner),
            ast::Expr::Value(ast::Value::Name(name)) => {
                self.reference(name, Symbol::Item(Kind::Fact, name.text.clone()));
            }
            ast::Expr::Compare { lhs, rhs, .. } | ast::Expr::In { lhs, rhs, .. } => {
                match (self.fact_of(lhs), self.fact_of(rhs)) {
                    (Some(left), Some(right)) => {
                        self.values_of_fact(lhs, &left);
                        self.values_of_fact(rhs, &right);
                    }
                    (Some(fact), None) => {
                        self.values_of_fact(lhs, &fact);
                        self.values_of(&fact, rhs);
                    }
                    (None, Some(fact)) => {
                        self.values_of_fact(rhs, &fact);
                        self.values_of(&fact, lhs);
                    }
                    // Neither side is a known fact: the checker reports the first name as an
                    // unknown fact.
                    (None, None) => {
                        for side in [lhs, rhs] {
                            if let ast::Value::Name(name) = side {
                                self.reference(name, Symbol::Item(Kind::Fact, name.text.clone()));
                                break;
                            }
                        }
                    }
                }
            }
            ast::Expr::Value(_) | ast::Expr::Error(_) => {}
        }
    }

    fn values_of_fact(&mut self, value: &ast::Value, fact: &str) {
        if let ast::Value::Name(name) = value {
            self.reference(name, Symbol::Item(Kind::Fact, fact.to_string()));
        }
    }
}
