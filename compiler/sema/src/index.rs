//! Symbols: what each file defines (position-free), and the workspace-wide index that
//! resolution reads. A file's symbols change only when a definition's name or signature
//! does, so editing a condition or an obligation's text never re-runs other files' checks.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::Arc;

use polic_syntax::ast::{self, ItemKind, StandardMember};

use crate::clause_id;
use crate::db::{Db, File, Workspace, item_tree};
use crate::hir::{FactType, Kind, Loc};
use crate::item::ItemId;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClauseSig {
    /// The id as the standard spells it.
    pub spelled: String,
    pub title: Option<String>,
    /// The group path within the standard, shared by the group's clauses.
    pub groups: Arc<[String]>,
    pub withdrawn_into: Option<Vec<String>>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StandardSig {
    pub title: Option<String>,
    pub loc: Loc,
    /// By normalised id.
    pub clauses: BTreeMap<String, ClauseSig>,
    /// By dotted path below the standard (`v1.v1-1`), with the group's title.
    pub groups: BTreeMap<String, (Option<String>, Loc)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FactSig {
    pub ty: FactType,
    pub loc: Loc,
}

/// A name defined twice: the later definition and the first one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duplicate {
    pub what: String,
    pub name: String,
    pub first: Loc,
    pub again: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Symbols {
    /// Every definition by kind and name, in file order (the first one wins).
    pub defs: BTreeMap<(Kind, String), Vec<Loc>>,
    /// Shared: a catalogue's thousand clauses are not copied into every workspace index.
    pub standards: BTreeMap<String, Arc<StandardSig>>,
    pub facts: BTreeMap<String, FactSig>,
    /// Each control's obligation names.
    pub obligations: BTreeMap<String, Vec<String>>,
    pub duplicates: Vec<Duplicate>,
}

impl Symbols {
    pub fn lookup(&self, kind: Kind, name: &str) -> Option<Loc> {
        self.defs
            .get(&(kind, name.to_string()))
            .and_then(|locs| locs.first().copied())
    }

    /// Names of one kind, sorted: the candidates for did-you-mean.
    pub fn names(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.defs
            .range((kind, String::new())..)
            .take_while(move |((k, _), _)| *k == kind)
            .map(|((_, name), _)| name.as_str())
    }

    /// Records a definition within one file; duplicates are found when files are merged.
    fn push(&mut self, kind: Kind, name: &str, loc: Loc) {
        self.defs
            .entry((kind, name.to_string()))
            .or_default()
            .push(loc);
    }

    fn define(&mut self, kind: Kind, name: &str, loc: Loc) {
        let locs = self.defs.entry((kind, name.to_string())).or_default();
        if let Some(&first) = locs.first() {
            self.duplicates.push(Duplicate {
                what: kind.as_str().to_string(),
                name: name.to_string(),
                first,
                again: loc,
            });
        }
        locs.push(loc);
    }

    /// Adds another file's symbols after these, recording every name defined twice.
    fn merge(&mut self, other: &Symbols) {
        for ((kind, name), locs) in &other.defs {
            for &loc in locs {
                self.define(*kind, name, loc);
            }
        }
        for (name, standard) in &other.standards {
            self.standards
                .entry(name.clone())
                .or_insert_with(|| standard.clone());
        }
        for (name, fact) in &other.facts {
            self.facts
                .entry(name.clone())
                .or_insert_with(|| fact.clone());
        }
        for (name, obligations) in &other.obligations {
            self.obligations
                .entry(name.clone())
                .or_insert_with(|| obligations.clone());
        }
        self.duplicates.extend(other.duplicates.iter().cloned());
    }
}

/// What one file defines.
#[salsa::tracked(returns(ref))]
pub fn file_symbols(db: &dyn Db, file: File) -> Symbols {
    let tree = item_tree(db, file);
    let mut symbols = Symbols::default();
    for ((id, base), item) in crate::item::items_with_bases(db, file).zip(&tree.items) {
        let loc = |node| Loc::new(id, base, node);
        let (kind, name) = match &item.kind {
            ItemKind::Standard(standard) => {
                let mut sig = StandardSig {
                    title: standard.title.as_ref().map(|t| t.value.clone()),
                    loc: loc(standard.name.id),
                    clauses: BTreeMap::new(),
                    groups: BTreeMap::new(),
                };
                let mut clauses = Vec::new();
                collect_clauses(
                    &standard.members,
                    &mut Vec::new(),
                    &mut sig,
                    &mut clauses,
                    &mut symbols.duplicates,
                    (id, base),
                );
                sig.clauses = clause_map(clauses, &mut symbols.duplicates);
                symbols
                    .standards
                    .entry(standard.name.text.clone())
                    .or_insert_with(|| Arc::new(sig));
                (Kind::Standard, &standard.name)
            }
            ItemKind::Profile(p) => (Kind::Profile, &p.name),
            ItemKind::Policy(p) => (Kind::Policy, &p.name),
            ItemKind::Risk(r) => (Kind::Risk, &r.name),
            ItemKind::Facts(facts) => {
                for fact in &facts.members {
                    symbols.push(Kind::Fact, &fact.name.text, loc(fact.name.id));
                    if let Some(ty) = fact_type(&fact.ty) {
                        symbols
                            .facts
                            .entry(fact.name.text.clone())
                            .or_insert(FactSig {
                                ty,
                                loc: loc(fact.name.id),
                            });
                    }
                }
                continue;
            }
            ItemKind::Archetype(a) => (Kind::Archetype, &a.name),
            ItemKind::Control(control) => {
                let obligations = control
                    .members
                    .iter()
                    .filter_map(|m| match m {
                        ast::ControlMember::Obligation(o) => Some(o.name.text.clone()),
                        _ => None,
                    })
                    .collect();
                symbols
                    .obligations
                    .entry(control.name.text.clone())
                    .or_insert(obligations);
                (Kind::Control, &control.name)
            }
            ItemKind::App(a) => (Kind::App, &a.name),
            ItemKind::Waiver(w) => (Kind::Waiver, &w.name),
            ItemKind::Import(_) | ItemKind::Map(_) | ItemKind::Test(_) | ItemKind::Error => {
                continue;
            }
        };
        symbols.push(kind, &name.text, loc(name.id));
    }
    symbols
}

/// Clauses by normalised id, built in one go from the clauses in source order (cheaper
/// than inserting a catalogue's thousand clauses one by one). An id declared again is a
/// duplicate of its first declaration.
fn clause_map(
    mut clauses: Vec<(String, ClauseSig)>,
    duplicates: &mut Vec<Duplicate>,
) -> BTreeMap<String, ClauseSig> {
    // Stable: of equal ids, the first declared comes first.
    clauses.sort_by(|a, b| a.0.cmp(&b.0));
    let mut unique: Vec<(String, ClauseSig)> = Vec::with_capacity(clauses.len());
    for (key, clause) in clauses {
        match unique.last() {
            Some((last, first)) if *last == key => duplicates.push(Duplicate {
                what: "clause".into(),
                name: clause.spelled,
                first: first.loc,
                again: clause.loc,
            }),
            _ => unique.push((key, clause)),
        }
    }
    unique.into_iter().collect()
}

/// Every clause of a standard's members with its normalised id, in source order, and
/// every group (into `sig`).
fn collect_clauses(
    members: &[StandardMember],
    path: &mut Vec<String>,
    sig: &mut StandardSig,
    clauses: &mut Vec<(String, ClauseSig)>,
    duplicates: &mut Vec<Duplicate>,
    item: (ItemId, u32),
) {
    let shared_path: Arc<[String]> = path.as_slice().into();
    for member in members {
        match member {
            StandardMember::Group(group) => {
                path.push(group.name.text.clone());
                let loc = Loc::new(item.0, item.1, group.name.id);
                let title = group.title.as_ref().map(|t| t.value.clone());
                match sig.groups.entry(path.join(".")) {
                    Entry::Occupied(first) => duplicates.push(Duplicate {
                        what: "group".into(),
                        name: first.key().clone(),
                        first: first.get().1,
                        again: loc,
                    }),
                    Entry::Vacant(entry) => {
                        entry.insert((title, loc));
                    }
                }
                collect_clauses(&group.members, path, sig, clauses, duplicates, item);
                path.pop();
            }
            StandardMember::Clause(clause) => {
                let withdrawn_into = clause.props.iter().find_map(|p| match p {
                    ast::ClauseProp::Withdrawn { into, .. } => {
                        Some(into.iter().map(|n| n.text.clone()).collect())
                    }
                    _ => None,
                });
                clauses.push((
                    clause_id::normalize(&clause.name.text),
                    ClauseSig {
                        spelled: clause.name.text.clone(),
                        title: clause.title.as_ref().map(|t| t.value.clone()),
                        groups: shared_path.clone(),
                        withdrawn_into,
                        loc: Loc::new(item.0, item.1, clause.name.id),
                    },
                ));
            }
            StandardMember::Version(_) | StandardMember::Error => {}
        }
    }
}

pub fn fact_type(ty: &ast::TypeExpr) -> Option<FactType> {
    let names = |v: &[ast::Name]| v.iter().map(|n| n.text.clone()).collect();
    Some(match ty {
        ast::TypeExpr::Enum(v) => FactType::Enum(names(v)),
        ast::TypeExpr::SetOf(v) => FactType::Set(names(v)),
        ast::TypeExpr::Bool => FactType::Bool,
        ast::TypeExpr::Int => FactType::Int,
        ast::TypeExpr::String => FactType::String,
        ast::TypeExpr::Error => return None,
    })
}

/// The files checked together: the workspace's own, then every standard-library module
/// they import (transitively), in a stable order.
#[salsa::tracked(returns(ref))]
pub fn files_in_scope(db: &dyn Db, workspace: Workspace) -> Vec<File> {
    let mut files = workspace.files(db).clone();
    let mut next = 0;
    while next < files.len() {
        let tree = item_tree(db, files[next]);
        for item in &tree.items {
            if let ItemKind::Import(ast::Import::Stdlib(path)) = &item.kind
                && let Some(file) = stdlib_module(db, workspace, path)
                && !files.contains(&file)
            {
                files.push(file);
            }
        }
        next += 1;
    }
    files
}

/// The standard-library module an `import std.NAME` names.
pub fn stdlib_module(db: &dyn Db, workspace: Workspace, path: &ast::Path) -> Option<File> {
    match path.segments.as_slice() {
        [std, name] if std.text == "std" => workspace
            .stdlib(db)
            .iter()
            .find(|(module, _)| *module == name.text)
            .map(|(_, file)| *file),
        _ => None,
    }
}

/// Every definition in scope.
#[salsa::tracked(returns(ref))]
pub fn symbols(db: &dyn Db, workspace: Workspace) -> Arc<Symbols> {
    let mut all = Symbols::default();
    for &file in files_in_scope(db, workspace) {
        all.merge(file_symbols(db, file));
    }
    Arc::new(all)
}

/// Lookups of single names in the workspace's symbols, each its own query: an item's
/// lowering depends only on the names it looks up, so a definition added or removed
/// elsewhere re-lowers only the items that name it (or, for did-you-mean, that name
/// something unknown of its kind).
#[salsa::tracked(returns(copy))]
pub fn definition(db: &dyn Db, workspace: Workspace, kind: Kind, name: String) -> Option<Loc> {
    symbols(db, workspace).lookup(kind, &name)
}

/// The names of one kind, sorted: did-you-mean candidates.
#[salsa::tracked(returns(ref))]
pub fn names(db: &dyn Db, workspace: Workspace, kind: Kind) -> Vec<String> {
    symbols(db, workspace)
        .names(kind)
        .map(str::to_string)
        .collect()
}

#[salsa::tracked(returns(ref))]
pub fn standard(db: &dyn Db, workspace: Workspace, name: String) -> Option<Arc<StandardSig>> {
    symbols(db, workspace).standards.get(&name).cloned()
}

/// The standards' names, sorted.
#[salsa::tracked(returns(ref))]
pub fn standard_names(db: &dyn Db, workspace: Workspace) -> Vec<String> {
    symbols(db, workspace).standards.keys().cloned().collect()
}

#[salsa::tracked(returns(ref))]
pub fn fact(db: &dyn Db, workspace: Workspace, name: String) -> Option<FactSig> {
    symbols(db, workspace).facts.get(&name).cloned()
}

#[salsa::tracked(returns(ref))]
pub fn obligations(db: &dyn Db, workspace: Workspace, control: String) -> Vec<String> {
    symbols(db, workspace)
        .obligations
        .get(&control)
        .cloned()
        .unwrap_or_default()
}

/// The workspace's symbols as single-name lookups (see [`definition`]).
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub db: &'a dyn Db,
    pub workspace: Workspace,
}

impl<'a> Scope<'a> {
    pub fn lookup(self, kind: Kind, name: &str) -> Option<Loc> {
        definition(self.db, self.workspace, kind, name.to_string())
    }

    pub fn names(self, kind: Kind) -> &'a [String] {
        names(self.db, self.workspace, kind)
    }

    pub fn standard(self, name: &str) -> Option<&'a Arc<StandardSig>> {
        standard(self.db, self.workspace, name.to_string()).as_ref()
    }

    pub fn standard_names(self) -> &'a [String] {
        standard_names(self.db, self.workspace)
    }

    pub fn fact(self, name: &str) -> Option<&'a FactSig> {
        fact(self.db, self.workspace, name.to_string()).as_ref()
    }

    pub fn obligations(self, control: &str) -> &'a [String] {
        obligations(self.db, self.workspace, control.to_string())
    }
}
