//! Completion. The context comes from the tokens before the cursor, not from the tree: the
//! text being typed is usually incomplete, and a few tokens back say what is expected there
//! (a keyword of the enclosing block, an archetype after `applies-to`, a clause id after
//! `std#`, a fact or one of its values in a condition).

use std::collections::BTreeMap;

use polic_diagnostics::{Code, Lint, Span};
use polic_sema::hir::{FactType, Kind, Phase, SEVERITIES, VERIFY_KINDS};
use polic_sema::index::{Symbols, symbols};
use polic_sema::model::natural_cmp;
use polic_sema::{Db, File, Workspace, parse};
use polic_syntax::lexer::Token;

use crate::index::{Symbol, file_index};
use crate::nav::fuzzy_score;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompletionKind {
    Keyword,
    Standard,
    Group,
    Clause,
    Profile,
    Risk,
    Level,
    Fact,
    EnumValue,
    Archetype,
    Control,
    Obligation,
    App,
    Module,
    /// A fixed word: a phase, a verification kind, a severity, a lint or its level.
    Word,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// The text to insert in place of [`Completions::replace`].
    pub insert: String,
    /// A withdrawn clause.
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completions {
    /// What the items replace: the part of the word typed before the cursor.
    pub replace: Span,
    /// Best first.
    pub items: Vec<CompletionItem>,
    /// Whether items were left out to respect the limit (the client should ask again as
    /// the user types).
    pub incomplete: bool,
}

const ITEM_KEYWORDS: &[&str] = &[
    "import",
    "standard",
    "profile",
    "policy",
    "risk",
    "facts",
    "archetype",
    "control",
    "map",
    "app",
    "waiver",
    "test",
];

/// The kind of block the cursor is in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Top,
    Standard,
    Clause,
    Profile,
    Policy,
    /// A risk model, by name.
    Risk(Option<String>),
    Levels,
    Facts,
    Archetype,
    Control,
    Remediation,
    Obligation,
    App,
    Waiver,
    Test,
    /// `{a, b}` as the value of a fact.
    Set(Option<String>),
    Other,
}

impl Block {
    fn keywords(&self) -> &'static [&'static str] {
        match self {
            Block::Top => ITEM_KEYWORDS,
            Block::Standard => &["group", "clause", "version"],
            Block::Clause => &["text", "level", "param", "withdrawn"],
            Block::Profile => &["include", "exclude"],
            Block::Policy => &["adopt", "risk", "lint"],
            Block::Risk(_) => &["levels", "default", "weight"],
            Block::Archetype => &["provides"],
            Block::Control => &[
                "satisfies",
                "applies-to",
                "phase",
                "due",
                "remediation",
                "obligation",
            ],
            Block::Obligation => &["verify"],
            Block::App => &["archetype", "owner", "unit"],
            Block::Waiver => &["reason", "requested-by", "approved-by", "expires"],
            Block::Test => &["given", "expect"],
            Block::Levels | Block::Facts | Block::Remediation | Block::Set(_) | Block::Other => &[],
        }
    }
}

/// One significant token with its text.
#[derive(Clone, Copy)]
struct Tok<'t> {
    token: Token,
    text: &'t str,
}

impl Tok<'_> {
    fn is(&self, word: &str) -> bool {
        self.token == Token::Ident && self.text == word
    }
}

pub fn completions(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
    limit: usize,
) -> Completions {
    let text = file.text(db).as_ref();
    let offset = (offset as usize).min(text.len());
    if !text.is_char_boundary(offset) {
        return Completions::default();
    }
    let all_tokens = &parse(db, file).tokens;
    // Nothing to complete inside a comment or a string.
    let in_literal = all_tokens.iter().any(|(token, span)| {
        let (start, end) = (span.start as usize, span.end as usize);
        match token {
            Token::LineComment | Token::DocComment | Token::UnterminatedString => {
                start < offset && offset <= end
            }
            Token::BlockComment | Token::String => start < offset && offset < end,
            _ => false,
        }
    });
    if in_literal {
        return Completions::default();
    }
    let symbols = symbols(db, workspace);
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let is_clause_char = |b: u8| is_word(b) || matches!(b, b'.' | b'(' | b')');

    // `std#A.8.2|`: the clause ids of that standard.
    let mut id_start = offset;
    while id_start > 0 && is_clause_char(bytes[id_start - 1]) {
        id_start -= 1;
    }
    // `std#account manag|`: words of a clause's title, spaces and all, unless the first
    // word is already one of the standard's clauses (`std#A.8.24 applies-to|`).
    let mut title_start = offset;
    while title_start > 0
        && (is_clause_char(bytes[title_start - 1]) || bytes[title_start - 1] == b' ')
    {
        title_start -= 1;
    }
    if title_start < id_start && title_start > 0 && bytes[title_start - 1] == b'#' {
        let first = text[title_start..offset]
            .split(' ')
            .next()
            .unwrap_or_default();
        let standard = standard_before(text, title_start - 1);
        let is_clause = symbols.standards.get(standard).is_some_and(|sig| {
            sig.clauses
                .contains_key(&polic_sema::clause_id::normalize(first))
        });
        if !is_clause && !first.is_empty() {
            id_start = title_start;
        }
    }
    if id_start > 0 && bytes[id_start - 1] == b'#' {
        let mut standard_start = id_start - 1;
        while standard_start > 0 && is_word(bytes[standard_start - 1]) {
            standard_start -= 1;
        }
        let standard = &text[standard_start..id_start - 1];
        let replace = Span::new(id_start, offset);
        let items = clause_items(db, workspace)
            .get(standard)
            .map_or(&[][..], Vec::as_slice);
        return finish(replace, &text[id_start..offset], items, limit);
    }

    let mut word_start = offset;
    while word_start > 0 && is_word(bytes[word_start - 1]) {
        word_start -= 1;
    }
    let prefix = &text[word_start..offset];
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        return Completions::default();
    }
    let tokens: Vec<(Tok, Span)> = all_tokens
        .iter()
        .filter(|(token, span)| {
            !token.is_trivia() && *token != Token::Error && (span.end as usize) <= word_start
        })
        .map(|&(token, span)| {
            (
                Tok {
                    token,
                    text: &text[span.range()],
                },
                span,
            )
        })
        .collect();
    let toks: Vec<Tok> = tokens.iter().map(|(t, _)| *t).collect();
    let context = Context {
        db,
        workspace,
        file,
        symbols,
        block: enclosing_block(&toks, symbols),
        toks: &toks,
    };
    let items = context.items();
    finish(Span::new(word_start, offset), prefix, &items, limit)
}

/// The name of the standard ending just before `hash` (the `#` of a clause reference).
fn standard_before(text: &str, hash: usize) -> &str {
    // What is before the name may be any character, of any length in bytes.
    let start = text[..hash]
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .len();
    &text[start..hash]
}

/// How far a match on a clause's title ranks behind any match on its id.
const TITLE_RANK: u32 = 10;

/// The items matching what was typed, best first, at most `limit`. Clauses match by id or,
/// ranked after, by title.
fn finish(replace: Span, prefix: &str, items: &[CompletionItem], limit: usize) -> Completions {
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let by_title = || {
                let title = item
                    .detail
                    .as_deref()
                    .filter(|_| item.kind == CompletionKind::Clause);
                Some(fuzzy_score(prefix, title?)? + TITLE_RANK)
            };
            Some((fuzzy_score(prefix, &item.label).or_else(by_title)?, i))
        })
        .collect();
    scored.sort_unstable();
    let incomplete = scored.len() > limit;
    scored.truncate(limit);
    Completions {
        replace,
        items: scored.into_iter().map(|(_, i)| items[i].clone()).collect(),
        incomplete,
    }
}

/// Each standard's clauses as completion items, in the standard's natural order: built once
/// per change of the workspace's symbols, not on every keystroke.
#[salsa::tracked(returns(ref))]
fn clause_items(db: &dyn Db, workspace: Workspace) -> BTreeMap<String, Vec<CompletionItem>> {
    symbols(db, workspace)
        .standards
        .iter()
        .map(|(name, sig)| {
            let mut clauses: Vec<_> = sig.clauses.values().collect();
            clauses.sort_by(|a, b| natural_cmp(&a.spelled, &b.spelled));
            let items = clauses
                .into_iter()
                .map(|c| CompletionItem {
                    label: c.spelled.clone(),
                    kind: CompletionKind::Clause,
                    detail: c.title.clone(),
                    insert: c.spelled.clone(),
                    deprecated: c.withdrawn_into.is_some(),
                })
                .collect();
            (name.clone(), items)
        })
        .collect()
}

/// The block the cursor is in, from the braces before it.
fn enclosing_block(toks: &[Tok], symbols: &Symbols) -> Block {
    let mut open: Vec<usize> = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        match tok.token {
            Token::LBrace => open.push(i),
            Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    let Some(&brace) = open.last() else {
        return Block::Top;
    };
    let before = |n: usize| brace.checked_sub(n).map(|i| toks[i]);
    match before(1) {
        Some(t) if t.token == Token::Eq => {
            // `fact = {` in an app or archetype; `fact: set of a | b = {` in facts.
            let mut i = brace - 1;
            while i > 0 && matches!(toks[i - 1].token, Token::Ident | Token::Pipe) {
                i -= 1;
            }
            let fact = if i > 0 && toks[i - 1].token == Token::Colon {
                i.checked_sub(2).map(|j| toks[j].text.to_string())
            } else {
                before(2).map(|t| t.text.to_string())
            };
            return Block::Set(fact);
        }
        Some(t) if t.token == Token::In => {
            let lhs = match before(2) {
                Some(t) if t.token == Token::Not => before(3),
                other => other,
            };
            let fact = lhs
                .filter(|t| symbols.facts.contains_key(t.text))
                .map(|t| t.text.to_string());
            return Block::Set(fact);
        }
        Some(t) if t.is("levels") => return Block::Levels,
        Some(t) if t.is("remediation") => return Block::Remediation,
        Some(t) if t.token == Token::App => return Block::App,
        _ => {}
    }
    for i in (0..brace).rev() {
        let tok = toks[i];
        let block = match tok.token {
            Token::LBrace | Token::RBrace => return Block::Other,
            Token::Standard | Token::Group => Block::Standard,
            Token::Clause => Block::Clause,
            Token::Profile => Block::Profile,
            Token::Policy => Block::Policy,
            Token::Risk => Block::Risk(
                toks.get(i + 1)
                    .filter(|t| t.token == Token::Ident)
                    .map(|t| t.text.to_string()),
            ),
            Token::Facts => Block::Facts,
            Token::Archetype => Block::Archetype,
            Token::Control => Block::Control,
            Token::Obligation => Block::Obligation,
            Token::App => Block::App,
            Token::Waiver => Block::Waiver,
            Token::Test => Block::Test,
            _ => continue,
        };
        return block;
    }
    Block::Other
}

struct Context<'a> {
    db: &'a dyn Db,
    workspace: Workspace,
    file: File,
    symbols: &'a Symbols,
    block: Block,
    /// Significant tokens before the word being completed.
    toks: &'a [Tok<'a>],
}

fn item(label: impl Into<String>, kind: CompletionKind, detail: Option<String>) -> CompletionItem {
    let label = label.into();
    CompletionItem {
        insert: label.clone(),
        label,
        kind,
        detail,
        deprecated: false,
    }
}

fn words(words: &[&str], kind: CompletionKind) -> Vec<CompletionItem> {
    words.iter().map(|w| item(*w, kind, None)).collect()
}

impl Context<'_> {
    fn back(&self, n: usize) -> Option<Tok<'_>> {
        self.toks.len().checked_sub(n).map(|i| self.toks[i])
    }

    fn items(&self) -> Vec<CompletionItem> {
        let (Some(p1), p2, p3) = (self.back(1), self.back(2), self.back(3)) else {
            return words(ITEM_KEYWORDS, CompletionKind::Keyword);
        };
        if let Block::Set(fact) = &self.block {
            return match (p1.token, fact) {
                (Token::LBrace | Token::Comma, Some(fact)) => self.values(fact, false),
                _ => Vec::new(),
            };
        }
        match p1.token {
            Token::Import => return self.modules(true),
            Token::Dot => return self.after_dot(),
            Token::EqEq | Token::NotEq | Token::Lt | Token::LtEq | Token::Gt | Token::GtEq => {
                return match p2 {
                    Some(fact) if self.symbols.facts.contains_key(fact.text) => {
                        self.values(fact.text, true)
                    }
                    _ => self.facts(),
                };
            }
            Token::Eq => return self.after_eq(p2, p3),
            Token::In => {
                let lhs = if p2.is_some_and(|t| t.token == Token::Not) {
                    p3
                } else {
                    p2
                };
                if lhs.is_some_and(|t| self.symbols.facts.contains_key(t.text)) {
                    return Vec::new();
                }
                return self.facts_where(|ty| matches!(ty, FactType::Set(_)));
            }
            Token::LParen | Token::And | Token::Or => return self.condition_start(true),
            Token::Not if self.in_condition() => return self.condition_start(false),
            Token::Comma => return self.list_continuation(),
            _ => {}
        }
        if let Some(items) = self.after_word(p1, p2) {
            return items;
        }
        self.member_start(p1)
    }

    /// After a word that says what comes next (`applies-to`, `provides`, `phase`, ...).
    fn after_word(&self, p1: Tok, p2: Option<Tok>) -> Option<Vec<CompletionItem>> {
        let in_app = matches!(self.block, Block::App);
        Some(match (p1.token, p1.text) {
            (Token::Ident, "applies-to" | "extends") => self.names(Kind::Archetype),
            (Token::Archetype, _) if in_app => self.names(Kind::Archetype),
            (Token::Ident, "provides" | "required") => self.names(Kind::Control),
            (Token::Ident, "satisfies") => self.standards(true),
            (Token::Ident, "include" | "exclude" | "adopt") => {
                let mut items = self.names(Kind::Profile);
                items.extend(self.standards(false));
                items
            }
            (Token::Ident, "weight") if matches!(self.block, Block::Risk(_)) => {
                self.standards(false)
            }
            (Token::Ident, "default") if matches!(self.block, Block::Risk(_)) => self.levels(),
            (Token::Risk, _) if matches!(self.block, Block::Policy) => self.names(Kind::Risk),
            (Token::Ident, "phase") => Phase::ALL
                .iter()
                .map(|(w, _)| item(*w, CompletionKind::Word, None))
                .collect(),
            (Token::Ident, "verify") => words(VERIFY_KINDS, CompletionKind::Word),
            (Token::Ident, "lint") if matches!(self.block, Block::Policy) => Code::ALL
                .iter()
                .filter(|c| c.is_lint())
                .map(|c| {
                    item(
                        c.name(),
                        CompletionKind::Word,
                        Some(c.summary().to_string()),
                    )
                })
                .collect(),
            (Token::Ident, "when") => self.condition_start(true),
            (Token::Ident, "for") if self.in_header(Token::Waiver) => self.names(Kind::App),
            (Token::Ident, "on") if self.in_header(Token::Waiver) => self.names(Kind::Control),
            (Token::Ident, "expect") => words(&["not", "required"], CompletionKind::Keyword),
            (Token::Not, _) if p2.is_some_and(|t| t.is("expect")) => {
                words(&["required"], CompletionKind::Keyword)
            }
            (Token::App, _) if p2.is_some_and(|t| t.is("given")) => self.names(Kind::App),
            (Token::Ident, "given") => words(&["app"], CompletionKind::Keyword),
            // Naming a new definition: nothing to suggest.
            (t, _)
                if t.starts_item()
                    || matches!(t, Token::Group | Token::Clause | Token::Obligation) =>
            {
                Vec::new()
            }
            _ => return None,
        })
    }

    /// Whether the cursor is in the header of an item of this kind (before its `{`).
    fn in_header(&self, keyword: Token) -> bool {
        self.block == Block::Top
            && self
                .toks
                .iter()
                .rev()
                .take_while(|t| !matches!(t.token, Token::LBrace | Token::RBrace))
                .any(|t| t.token == keyword)
    }

    /// Whether the cursor is in a `when` condition of the current member.
    fn in_condition(&self) -> bool {
        self.toks
            .iter()
            .rev()
            .take_while(|t| !matches!(t.token, Token::LBrace | Token::RBrace | Token::Semi))
            .any(|t| t.is("when"))
    }

    fn after_dot(&self) -> Vec<CompletionItem> {
        // The dotted path before the cursor: `std.`, `control.`, `standard.group.`.
        let mut segments: Vec<Tok> = Vec::new();
        let mut i = self.toks.len();
        while i >= 2
            && self.toks[i - 1].token == Token::Dot
            && self.toks[i - 2].token == Token::Ident
        {
            segments.insert(0, self.toks[i - 2]);
            i -= 2;
        }
        let head = i.checked_sub(1).map(|j| self.toks[j]);
        match (head, segments.as_slice()) {
            (Some(h), [std]) if h.token == Token::Import && std.text == "std" => {
                self.modules(false)
            }
            (Some(h), [control]) if h.is("on") => self
                .symbols
                .obligations
                .get(control.text)
                .map_or_else(Vec::new, |names| {
                    names
                        .iter()
                        .map(|n| item(n.clone(), CompletionKind::Obligation, None))
                        .collect()
                }),
            (_, [standard, groups @ ..]) => {
                let Some(sig) = self.symbols.standards.get(standard.text) else {
                    return Vec::new();
                };
                let typed: Vec<&str> = groups.iter().map(|g| g.text).collect();
                let mut next: Vec<CompletionItem> = Vec::new();
                for (path, (title, _)) in &sig.groups {
                    let parts: Vec<&str> = path.split('.').collect();
                    if parts.len() == typed.len() + 1 && parts.starts_with(&typed) {
                        next.push(item(
                            parts[typed.len()],
                            CompletionKind::Group,
                            title.clone(),
                        ));
                    }
                }
                next
            }
            _ => Vec::new(),
        }
    }

    fn after_eq(&self, p2: Option<Tok>, p3: Option<Tok>) -> Vec<CompletionItem> {
        if p3.is_some_and(|t| t.is("lint")) {
            return words(Lint::NAMES, CompletionKind::Word);
        }
        if matches!(self.block, Block::Risk(_)) {
            return self.levels();
        }
        // `fact = |` in an app or archetype, `fact: type = |` in facts.
        let fact = if matches!(self.block, Block::Facts) {
            let mut i = self.toks.len() - 1;
            while i > 0 && matches!(self.toks[i - 1].token, Token::Ident | Token::Pipe) {
                i -= 1;
            }
            (i >= 2 && self.toks[i - 1].token == Token::Colon).then(|| self.toks[i - 2].text)
        } else {
            p2.map(|t| t.text)
        };
        match fact {
            Some(fact) => self.values(fact, true),
            None => Vec::new(),
        }
    }

    /// After a comma: the list continues with what its head expects.
    fn list_continuation(&self) -> Vec<CompletionItem> {
        if matches!(self.block, Block::Remediation) {
            return self.severities();
        }
        let head = self.toks.iter().rev().find(|t| {
            !matches!(
                t.token,
                Token::Ident | Token::ClauseRef | Token::Comma | Token::Dot
            ) || is_list_head(t)
        });
        match head {
            Some(h)
                if h.is("applies-to")
                    || h.is("extends")
                    || (h.token == Token::Archetype && matches!(self.block, Block::App)) =>
            {
                self.names(Kind::Archetype)
            }
            Some(h) if h.is("provides") => self.names(Kind::Control),
            Some(h) if h.is("satisfies") => self.standards(true),
            Some(h) if h.is("include") || h.is("exclude") => {
                let mut items = self.names(Kind::Profile);
                items.extend(self.standards(false));
                items
            }
            Some(h) if h.token == Token::Eq && matches!(self.block, Block::Top) => {
                self.standards(true)
            }
            _ => Vec::new(),
        }
    }

    fn member_start(&self, p1: Tok) -> Vec<CompletionItem> {
        if self.block == Block::Top {
            if self.in_header(Token::Archetype) && p1.token != Token::Archetype {
                return words(&["extends"], CompletionKind::Keyword);
            }
            if self.in_header(Token::Waiver) {
                let has_for = self
                    .toks
                    .iter()
                    .rev()
                    .take_while(|t| t.token != Token::Waiver)
                    .any(|t| t.is("for"));
                return words(
                    &[if has_for { "on" } else { "for" }],
                    CompletionKind::Keyword,
                );
            }
            if self.in_header(Token::Map) {
                return Vec::new();
            }
        }
        let mut items = Vec::new();
        let member_head = self
            .toks
            .iter()
            .rev()
            .take_while(|t| !matches!(t.token, Token::LBrace | Token::RBrace | Token::Semi))
            .find(|t| t.is("applies-to") || t.is("adopt") || t.is("when"));
        if self.in_condition() && value_like(p1.token) {
            items.extend(words(&["and", "or"], CompletionKind::Keyword));
        } else if member_head.is_some_and(|t| !t.is("when")) {
            items.push(item("when", CompletionKind::Keyword, None));
        }
        if matches!(self.block, Block::Remediation) {
            return self.severities();
        }
        items.extend(words(self.block.keywords(), CompletionKind::Keyword));
        if matches!(self.block, Block::App | Block::Archetype) {
            items.extend(self.symbols.facts.iter().map(|(name, sig)| CompletionItem {
                label: name.clone(),
                kind: CompletionKind::Fact,
                detail: Some(crate::hover::show_type(&sig.ty)),
                insert: format!("{name} = "),
                deprecated: false,
            }));
        }
        items
    }

    fn condition_start(&self, with_not: bool) -> Vec<CompletionItem> {
        let mut items = self.facts();
        if with_not {
            items.push(item("not", CompletionKind::Keyword, None));
        }
        items
    }

    fn names(&self, kind: Kind) -> Vec<CompletionItem> {
        let completion = match kind {
            Kind::Archetype => CompletionKind::Archetype,
            Kind::Control => CompletionKind::Control,
            Kind::App => CompletionKind::App,
            Kind::Profile => CompletionKind::Profile,
            Kind::Risk => CompletionKind::Risk,
            _ => CompletionKind::Word,
        };
        self.symbols
            .names(kind)
            .map(|name| item(name, completion, Some(kind.as_str().to_string())))
            .collect()
    }

    /// Standards in scope, with `#` when a clause must follow.
    fn standards(&self, with_hash: bool) -> Vec<CompletionItem> {
        self.symbols
            .standards
            .iter()
            .map(|(name, sig)| CompletionItem {
                label: name.clone(),
                kind: CompletionKind::Standard,
                detail: sig.title.clone(),
                insert: if with_hash {
                    format!("{name}#")
                } else {
                    name.clone()
                },
                deprecated: false,
            })
            .collect()
    }

    /// Standard-library modules, as `std.NAME` or (after `std.`) `NAME`.
    fn modules(&self, with_std: bool) -> Vec<CompletionItem> {
        self.workspace
            .stdlib(self.db)
            .iter()
            .map(|(name, _)| {
                let label = if with_std {
                    format!("std.{name}")
                } else {
                    name.clone()
                };
                item(label, CompletionKind::Module, None)
            })
            .collect()
    }

    fn facts(&self) -> Vec<CompletionItem> {
        self.facts_where(|_| true)
    }

    fn facts_where(&self, keep: impl Fn(&FactType) -> bool) -> Vec<CompletionItem> {
        self.symbols
            .facts
            .iter()
            .filter(|(_, sig)| keep(&sig.ty))
            .map(|(name, sig)| {
                item(
                    name.clone(),
                    CompletionKind::Fact,
                    Some(crate::hover::show_type(&sig.ty)),
                )
            })
            .collect()
    }

    /// The values a fact can take; `true`/`false` for a bool when `bool_too`.
    fn values(&self, fact: &str, bool_too: bool) -> Vec<CompletionItem> {
        match self.symbols.facts.get(fact).map(|sig| &sig.ty) {
            Some(FactType::Enum(values) | FactType::Set(values)) => values
                .iter()
                .map(|v| {
                    item(
                        v.clone(),
                        CompletionKind::EnumValue,
                        Some(format!("value of `{fact}`")),
                    )
                })
                .collect(),
            Some(FactType::Bool) if bool_too => words(&["true", "false"], CompletionKind::Keyword),
            _ => Vec::new(),
        }
    }

    /// The levels of the risk model the cursor is in.
    fn levels(&self) -> Vec<CompletionItem> {
        let Block::Risk(Some(risk)) = &self.block else {
            return Vec::new();
        };
        let index = file_index(self.db, self.workspace, self.file);
        let Some(def) = index.definition(&Symbol::Item(Kind::Risk, risk.clone())) else {
            return Vec::new();
        };
        def.children
            .iter()
            .map(|level| {
                item(
                    level.symbol.name(),
                    CompletionKind::Level,
                    Some(format!("level of `{risk}`")),
                )
            })
            .collect()
    }

    fn severities(&self) -> Vec<CompletionItem> {
        SEVERITIES
            .iter()
            .map(|s| CompletionItem {
                label: s.to_string(),
                kind: CompletionKind::Word,
                detail: Some("finding severity".to_string()),
                insert: format!("{s} = "),
                deprecated: false,
            })
            .collect()
    }
}

/// Words that start a comma-separated list of names.
fn is_list_head(tok: &Tok) -> bool {
    [
        "applies-to",
        "extends",
        "provides",
        "satisfies",
        "include",
        "exclude",
    ]
    .iter()
    .any(|w| tok.is(w))
}

/// Tokens that can end a value in a condition.
fn value_like(token: Token) -> bool {
    matches!(
        token,
        Token::Ident
            | Token::String
            | Token::Int
            | Token::True
            | Token::False
            | Token::RBrace
            | Token::RParen
    )
}
