//! Navigation: what is at a position, where it is defined, where it is used, renaming it,
//! and the outlines of a file and of the workspace.

use polic_diagnostics::Span;
use polic_sema::hir::Kind;
use polic_sema::index::{files_in_scope, symbols};
use polic_sema::{Db, File, Origin, Workspace, parse};
use polic_syntax::lexer::{Token, lex};

use crate::index::{Definition, FileIndex, Occurrence, Symbol, file_index};

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSpan {
    pub file: File,
    pub span: Span,
}

/// Where a symbol is defined: its name, and the whole construct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub file: File,
    pub name: Span,
    pub full: Span,
}

/// The occurrence at an offset.
pub fn occurrence_at(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
) -> Option<Occurrence> {
    file_index(db, workspace, file).at(offset).cloned()
}

/// The file that defines a symbol, from the workspace's symbols.
pub(crate) fn defining_file(db: &dyn Db, workspace: Workspace, symbol: &Symbol) -> Option<File> {
    let symbols = symbols(db, workspace);
    Some(match symbol {
        Symbol::Item(Kind::Standard, name)
        | Symbol::Group { standard: name, .. }
        | Symbol::Clause(polic_sema::hir::ClauseKey { standard: name, .. }) => {
            symbols.standards.get(name)?.loc.file()
        }
        Symbol::Item(kind, name) => symbols.lookup(*kind, name)?.file(),
        Symbol::Obligation { control, .. } => symbols.lookup(Kind::Control, control)?.file(),
        Symbol::EnumValue { fact, .. } => symbols.lookup(Kind::Fact, fact)?.file(),
        Symbol::Level { risk, .. } => symbols.lookup(Kind::Risk, risk)?.file(),
        Symbol::Module(name) => {
            workspace
                .stdlib(db)
                .iter()
                .find(|(module, _)| module == name)?
                .1
        }
    })
}

/// Where a symbol is defined. The first definition wins, as in the checker.
pub fn definition(db: &dyn Db, workspace: Workspace, symbol: &Symbol) -> Option<Target> {
    let file = defining_file(db, workspace, symbol)?;
    if let Symbol::Module(_) = symbol {
        let full = Span::new(0, file.text(db).len());
        return Some(Target {
            file,
            name: Span::default(),
            full,
        });
    }
    let index = file_index(db, workspace, file);
    let name = index
        .occurrences
        .iter()
        .find(|o| o.def && o.symbol == *symbol)?
        .span;
    let full = index.definition(symbol).map_or(name, |d| d.full);
    Some(Target { file, name, full })
}

/// The definition's details (title, docs, clause text), if it is defined.
pub fn definition_info(db: &dyn Db, workspace: Workspace, symbol: &Symbol) -> Option<Definition> {
    let file = defining_file(db, workspace, symbol)?;
    file_index(db, workspace, file).definition(symbol).cloned()
}

/// Go to definition from a position.
pub fn goto_definition(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
) -> Option<Target> {
    let occurrence = occurrence_at(db, workspace, file, offset)?;
    definition(db, workspace, &occurrence.symbol)
}

/// Every occurrence of a symbol in the files in scope, in file order then position.
pub fn find_occurrences(
    db: &dyn Db,
    workspace: Workspace,
    symbol: &Symbol,
) -> Vec<(File, Occurrence)> {
    let mut out = Vec::new();
    for &file in files_in_scope(db, workspace) {
        let index: &FileIndex = file_index(db, workspace, file);
        out.extend(
            index
                .occurrences
                .iter()
                .filter(|o| o.symbol == *symbol)
                .map(|o| (file, o.clone())),
        );
    }
    out
}

/// Find references from a position; with `include_declaration`, the definition too. Tags
/// in `sources` (source files read for their `polic:` tags) naming the symbol are
/// references as well.
pub fn references(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
    include_declaration: bool,
    sources: &[File],
) -> Vec<FileSpan> {
    let Some(occurrence) = occurrence_at(db, workspace, file, offset) else {
        return Vec::new();
    };
    symbol_references(
        db,
        workspace,
        &occurrence.symbol,
        include_declaration,
        sources,
    )
}

/// Every reference to a symbol: in the policy, then in the tags of `sources`.
pub fn symbol_references(
    db: &dyn Db,
    workspace: Workspace,
    symbol: &Symbol,
    include_declaration: bool,
    sources: &[File],
) -> Vec<FileSpan> {
    let mut out: Vec<FileSpan> = find_occurrences(db, workspace, symbol)
        .into_iter()
        .filter(|(_, o)| include_declaration || !o.def)
        .map(|(file, o)| FileSpan { file, span: o.span })
        .collect();
    out.extend(crate::tags::tag_occurrences(db, sources, symbol));
    out
}

/// The occurrences of the symbol at an offset in its own file, for the editor to
/// highlight: `true` for the definition (a write), `false` for a use (a read).
pub fn document_highlights(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
) -> Vec<(Span, bool)> {
    let index = file_index(db, workspace, file);
    let Some(at) = index.at(offset) else {
        return Vec::new();
    };
    index
        .occurrences
        .iter()
        .filter(|o| o.symbol == at.symbol)
        .map(|o| (o.span, o.def))
        .collect()
}

/// What "expand selection" steps through at an offset, innermost first: the token, then
/// every syntax node around it, then the whole file. Each contains the one before.
pub fn selection_ranges(db: &dyn Db, file: File, offset: u32) -> Vec<Span> {
    let parsed = parse(db, file);
    let token = parsed
        .tokens
        .iter()
        .find(|(_, span)| span.contains(offset))
        .map(|(_, span)| *span);
    let mut spans: Vec<Span> = parsed
        .source_map
        .spans()
        .iter()
        .copied()
        .filter(|span| span.start <= offset && offset <= span.end && !span.is_empty())
        .chain(token)
        .chain([Span::new(0, file.text(db).len())])
        .collect();
    spans.sort_by_key(|span| (span.len(), std::cmp::Reverse(span.start)));
    spans.dedup();
    // Node spans nest as the tree does; an error node's may straddle, and is dropped.
    let mut chain: Vec<Span> = Vec::new();
    for span in spans {
        if chain
            .last()
            .is_none_or(|inner| span.start <= inner.start && inner.end <= span.end)
        {
            chain.push(span);
        }
    }
    chain
}

/// Why a rename cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

/// What a rename at a position would replace: the name's span and its current text.
pub fn prepare_rename(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
) -> Result<(Span, String), RenameError> {
    let occurrence = occurrence_at(db, workspace, file, offset)
        .ok_or_else(|| RenameError("there is no name here to rename".to_string()))?;
    renamable(db, workspace, &occurrence.symbol)?;
    let text = file.text(db)[occurrence.span.range()].to_string();
    Ok((occurrence.span, text))
}

/// A symbol's name for messages: clauses in their standard's own spelling.
pub fn display_name(db: &dyn Db, workspace: Workspace, symbol: &Symbol) -> String {
    match symbol {
        Symbol::Clause(key) => polic_sema::lower::describe(
            |s| symbols(db, workspace).standards.get(s).map(|a| &**a),
            &polic_sema::hir::Selector::Clause(key.clone()),
        ),
        _ => symbol.name(),
    }
}

fn renamable(db: &dyn Db, workspace: Workspace, symbol: &Symbol) -> Result<Target, RenameError> {
    let describe = || {
        format!(
            "{} `{}`",
            symbol.describe(),
            display_name(db, workspace, symbol)
        )
    };
    if let Symbol::Module(_) = symbol {
        return Err(RenameError(format!(
            "{} is part of polic and cannot be renamed",
            describe()
        )));
    }
    let target = definition(db, workspace, symbol)
        .ok_or_else(|| RenameError(format!("{} is not defined anywhere", describe())))?;
    if *target.file.origin(db) == Origin::Stdlib {
        return Err(RenameError(format!(
            "{} is defined in the standard library, which cannot be changed",
            describe()
        )));
    }
    Ok(target)
}

/// The edits that rename the symbol at an offset everywhere in scope, by file then
/// position, and in the tags of `sources`.
pub fn rename(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
    new_name: &str,
    sources: &[File],
) -> Result<Vec<(File, Span, String)>, RenameError> {
    let occurrence = occurrence_at(db, workspace, file, offset)
        .ok_or_else(|| RenameError("there is no name here to rename".to_string()))?;
    rename_symbol(db, workspace, &occurrence.symbol, new_name, sources)
}

/// Whether a symbol can be renamed; the error says why not.
pub fn check_renamable(
    db: &dyn Db,
    workspace: Workspace,
    symbol: &Symbol,
) -> Result<(), RenameError> {
    renamable(db, workspace, symbol).map(|_| ())
}

/// The edits that rename a symbol: its occurrences in the policy, then the tags naming it
/// in `sources` (a control's name, or an obligation's after its control).
pub fn rename_symbol(
    db: &dyn Db,
    workspace: Workspace,
    symbol: &Symbol,
    new_name: &str,
    sources: &[File],
) -> Result<Vec<(File, Span, String)>, RenameError> {
    renamable(db, workspace, symbol)?;
    let valid = match symbol {
        Symbol::Clause(_) => single_token(&format!("#{new_name}"), Token::ClauseId),
        _ => single_token(new_name, Token::Ident),
    };
    if !valid {
        let what = match symbol {
            Symbol::Clause(_) => "a clause id (letters, digits, `.`, `-`, `_`, `(`, `)`)",
            _ => "a name (letters, digits, `_` and inner `-`; not a reserved word)",
        };
        return Err(RenameError(format!("`{new_name}` is not {what}")));
    }
    if let Symbol::Item(kind, _) = symbol
        && symbols(db, workspace).lookup(*kind, new_name).is_some()
    {
        return Err(RenameError(format!(
            "{} `{new_name}` already exists",
            kind.as_str()
        )));
    }
    let mut edits: Vec<(File, Span, String)> = find_occurrences(db, workspace, symbol)
        .into_iter()
        .map(|(file, o)| (file, o.span, new_name.to_string()))
        .collect();
    edits.extend(
        crate::tags::tag_occurrences(db, sources, symbol)
            .into_iter()
            .map(|at| (at.file, at.span, new_name.to_string())),
    );
    Ok(edits)
}

fn single_token(text: &str, expected: Token) -> bool {
    matches!(lex(text).as_slice(), [(token, span)] if *token == expected && span.len() as usize == text.len())
}

/// A file's outline.
pub fn document_symbols(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Definition> {
    file_index(db, workspace, file).definitions.clone()
}

/// A definition found by a workspace symbol search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub symbol: Symbol,
    pub name: String,
    /// What to show beside the name: a clause's title.
    pub detail: Option<String>,
    pub at: FileSpan,
}

/// Definitions in scope whose name matches `query` (letters in order, any case), best
/// matches first, at most `limit`.
pub fn workspace_symbols(
    db: &dyn Db,
    workspace: Workspace,
    query: &str,
    limit: usize,
) -> Vec<WorkspaceSymbol> {
    let symbols = symbols(db, workspace);
    let mut found: Vec<(u32, String, Symbol, Option<String>)> = Vec::new();
    for (kind, name) in symbols.defs.keys() {
        if let Some(score) = fuzzy_score(query, name) {
            found.push((score, name.clone(), Symbol::Item(*kind, name.clone()), None));
        }
    }
    for (standard, sig) in &symbols.standards {
        for (key, clause) in &sig.clauses {
            let name = format!("{standard}#{}", clause.spelled);
            let score = fuzzy_score(query, &name).or_else(|| {
                clause
                    .title
                    .as_deref()
                    .and_then(|t| fuzzy_score(query, t))
                    .map(|s| s + 1000)
            });
            if let Some(score) = score {
                let symbol = Symbol::Clause(polic_sema::hir::ClauseKey {
                    standard: standard.clone(),
                    key: key.clone(),
                });
                found.push((score, name, symbol, clause.title.clone()));
            }
        }
    }
    found.sort();
    found.truncate(limit);
    found
        .into_iter()
        .filter_map(|(_, name, symbol, detail)| {
            let target = definition(db, workspace, &symbol)?;
            Some(WorkspaceSymbol {
                symbol,
                name,
                detail,
                at: FileSpan {
                    file: target.file,
                    span: target.name,
                },
            })
        })
        .collect()
}

/// How well `name` matches `query`: `None` unless the query's characters appear in it in
/// order (ignoring case); lower is better (a prefix, then a substring, then scattered).
pub fn fuzzy_score(query: &str, name: &str) -> Option<u32> {
    // Without allocating, and on bytes for ASCII names: completion scores thousands of
    // names per keystroke.
    if query.is_ascii() && name.is_ascii() {
        let (query, name) = (query.as_bytes(), name.as_bytes());
        if name.len() >= query.len() && name[..query.len()].eq_ignore_ascii_case(query) {
            return Some(if query.is_empty() { 0 } else { 1 });
        }
        if name
            .windows(query.len())
            .any(|w| w.eq_ignore_ascii_case(query))
        {
            return Some(2);
        }
        let mut bytes = name.iter();
        return query
            .iter()
            .all(|q| bytes.by_ref().any(|b| b.eq_ignore_ascii_case(q)))
            .then_some(3);
    }
    let same = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    let starts = |at: &str| {
        let mut name = at.chars();
        query
            .chars()
            .all(|q| name.next().is_some_and(|n| same(q, n)))
    };
    if starts(name) {
        return Some(if query.is_empty() { 0 } else { 1 });
    }
    if name.char_indices().any(|(i, _)| starts(&name[i..])) {
        return Some(2);
    }
    let mut chars = name.chars();
    query
        .chars()
        .all(|q| chars.by_ref().any(|c| same(q, c)))
        .then_some(3)
}

/// The span of a node id in a file, for callers holding a sema location.
pub fn node_span(db: &dyn Db, loc: polic_sema::hir::Loc) -> FileSpan {
    FileSpan {
        file: loc.file(),
        span: polic_sema::span(db, loc),
    }
}
