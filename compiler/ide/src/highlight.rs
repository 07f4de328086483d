//! Semantic highlighting, from the lexer's tokens (comments included) and the file's
//! resolved names; and folding ranges, from braces, comment runs and import runs.

use polic_diagnostics::Span;
use polic_sema::hir::Kind;
use polic_sema::{Db, File, Origin, Workspace, parse};
use polic_syntax::lexer::Token;

use crate::index::{Symbol, file_index};
use crate::nav::defining_file;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HighlightKind {
    Keyword,
    Comment,
    String,
    Number,
    Date,
    Duration,
    Operator,
    /// A clause reference (`std#id`, one token) or a clause id.
    Clause,
    Standard,
    Group,
    Module,
    Profile,
    Policy,
    Risk,
    Level,
    Fact,
    EnumValue,
    Archetype,
    Control,
    Obligation,
    App,
    Waiver,
    /// A fixed word: a phase, a verification kind, a severity, a lint name or level.
    Word,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub kind: HighlightKind,
    /// The name is defined here.
    pub definition: bool,
    /// A `///` doc comment.
    pub documentation: bool,
    /// What it names is defined in the standard library.
    pub stdlib: bool,
}

/// Words that are keywords only where the grammar expects them (docs/language.md).
const CONTEXTUAL_KEYWORDS: &[&str] = &[
    "satisfies",
    "applies-to",
    "when",
    "phase",
    "due",
    "remediation",
    "include",
    "exclude",
    "reason",
    "adopt",
    "lint",
    "levels",
    "default",
    "weight",
    "provides",
    "extends",
    "version",
    "text",
    "level",
    "param",
    "withdrawn",
    "into",
    "verify",
    "rules",
    "owner",
    "unit",
    "for",
    "on",
    "requested-by",
    "approved-by",
    "expires",
    "given",
    "expect",
    "required",
    "set",
    "of",
    "bool",
    "int",
    "string",
];

fn symbol_kind(symbol: &Symbol) -> HighlightKind {
    match symbol {
        Symbol::Item(kind, _) => match kind {
            Kind::Standard => HighlightKind::Standard,
            Kind::Profile => HighlightKind::Profile,
            Kind::Policy => HighlightKind::Policy,
            Kind::Risk => HighlightKind::Risk,
            Kind::Fact => HighlightKind::Fact,
            Kind::Archetype => HighlightKind::Archetype,
            Kind::Control => HighlightKind::Control,
            Kind::App => HighlightKind::App,
            Kind::Waiver => HighlightKind::Waiver,
            Kind::Test => HighlightKind::String,
        },
        Symbol::Group { .. } => HighlightKind::Group,
        Symbol::Clause(_) => HighlightKind::Clause,
        Symbol::Obligation { .. } => HighlightKind::Obligation,
        Symbol::EnumValue { .. } => HighlightKind::EnumValue,
        Symbol::Level { .. } => HighlightKind::Level,
        Symbol::Module(_) => HighlightKind::Module,
    }
}

/// Every highlighted token of a file, in order, none overlapping.
pub fn highlights(db: &dyn Db, workspace: Workspace, file: File) -> Vec<Highlight> {
    let text = file.text(db);
    let index = file_index(db, workspace, file);
    let stdlib_file = *file.origin(db) == Origin::Stdlib;
    // Whether a symbol is defined in the standard library: asked once per distinct symbol.
    let mut from_stdlib: std::collections::BTreeMap<Symbol, bool> = Default::default();
    let mut is_stdlib = |symbol: &Symbol| -> bool {
        if stdlib_file {
            return true;
        }
        *from_stdlib.entry(symbol.clone()).or_insert_with(|| {
            defining_file(db, workspace, symbol).is_some_and(|f| *f.origin(db) == Origin::Stdlib)
        })
    };
    let mut occurrences = index.occurrences.iter().peekable();
    let mut out = Vec::new();
    // The previous significant token's text: `test` after `phase` or `verify` is a word.
    let mut previous = "";
    for &(token, span) in &parse(db, file).tokens {
        let plain = |kind| Highlight {
            span,
            kind,
            definition: false,
            documentation: false,
            stdlib: false,
        };
        // Occurrences inside this token (a clause reference holds two).
        let mut inside = Vec::new();
        while let Some(o) = occurrences.next_if(|o| o.span.start < span.end) {
            if o.span.start >= span.start {
                inside.push(o);
            }
        }
        let highlight = match token {
            Token::DocComment => Highlight {
                documentation: true,
                ..plain(HighlightKind::Comment)
            },
            Token::LineComment | Token::BlockComment => plain(HighlightKind::Comment),
            Token::String | Token::UnterminatedString => plain(HighlightKind::String),
            Token::Int => plain(HighlightKind::Number),
            Token::Date => plain(HighlightKind::Date),
            Token::Duration => plain(HighlightKind::Duration),
            Token::EqEq
            | Token::NotEq
            | Token::Lt
            | Token::LtEq
            | Token::Gt
            | Token::GtEq
            | Token::Eq
            | Token::Pipe => plain(HighlightKind::Operator),
            // One token for the whole reference: the clause is what it names.
            Token::ClauseRef | Token::ClauseId => {
                let clause = inside
                    .iter()
                    .find(|o| matches!(o.symbol, Symbol::Clause(_)));
                Highlight {
                    definition: clause.is_some_and(|o| o.def),
                    stdlib: clause.is_some_and(|o| is_stdlib(&o.symbol)),
                    ..plain(HighlightKind::Clause)
                }
            }
            Token::Ident | Token::Test => match inside.first() {
                Some(o) => Highlight {
                    definition: o.def,
                    stdlib: is_stdlib(&o.symbol),
                    ..plain(symbol_kind(&o.symbol))
                },
                None if token == Token::Test && !matches!(previous, "phase" | "verify") => {
                    plain(HighlightKind::Keyword)
                }
                None if token == Token::Ident
                    && CONTEXTUAL_KEYWORDS.contains(&&text[span.range()]) =>
                {
                    plain(HighlightKind::Keyword)
                }
                None => plain(HighlightKind::Word),
            },
            token if token.is_keyword() => plain(HighlightKind::Keyword),
            _ => {
                if !token.is_trivia() {
                    previous = &text[span.range()];
                }
                continue;
            }
        };
        if !token.is_trivia() {
            previous = &text[span.range()];
        }
        out.push(highlight);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FoldKind {
    Region,
    Comment,
    Imports,
}

/// A foldable run of lines: from the line holding `start` to the line holding `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fold {
    pub start: u32,
    pub end: u32,
    pub kind: FoldKind,
}

/// Blocks (up to the line before their `}`), runs of two or more comment lines, block
/// comments and runs of imports, sorted.
pub fn folding_ranges(db: &dyn Db, file: File) -> Vec<Fold> {
    let parse = parse(db, file);
    let lines = polic_sema::build::line_index(db, file);
    let line = |offset: u32| lines.line_col(offset).line;
    let mut out = Vec::new();
    let mut open: Vec<Span> = Vec::new();
    let mut comments: Option<(Span, u32)> = None;
    let flush_comments = |comments: &mut Option<(Span, u32)>, out: &mut Vec<Fold>| {
        if let Some((run, _)) = comments.take()
            && line(run.end) > line(run.start)
        {
            out.push(Fold {
                start: run.start,
                end: run.end,
                kind: FoldKind::Comment,
            });
        }
    };
    for &(token, span) in &parse.tokens {
        match token {
            Token::LineComment | Token::DocComment => {
                let this = line(span.start);
                comments = match comments {
                    Some((run, last)) if last + 1 == this => Some((run.cover(span), this)),
                    _ => {
                        flush_comments(&mut comments, &mut out);
                        Some((span, this))
                    }
                };
                continue;
            }
            Token::BlockComment if line(span.end) > line(span.start) => out.push(Fold {
                start: span.start,
                end: span.end,
                kind: FoldKind::Comment,
            }),
            Token::LBrace => open.push(span),
            Token::RBrace => {
                if let Some(brace) = open.pop() {
                    let close_line = line(span.start);
                    if close_line > line(brace.start) + 1 {
                        // Fold up to the end of the line before the `}`, which stays visible.
                        let end = lines.line_start(close_line).map_or(span.start, |s| s - 1);
                        out.push(Fold {
                            start: brace.start,
                            end,
                            kind: FoldKind::Region,
                        });
                    }
                }
            }
            _ => {}
        }
        flush_comments(&mut comments, &mut out);
    }
    flush_comments(&mut comments, &mut out);
    let mut imports: Option<Span> = None;
    for item in &parse.tree.items {
        let span = parse.source_map.span(item.id);
        match (&item.kind, imports) {
            (polic_syntax::ast::ItemKind::Import(_), Some(run)) => imports = Some(run.cover(span)),
            (polic_syntax::ast::ItemKind::Import(_), None) => imports = Some(span),
            (_, run) => {
                if let Some(run) = run.filter(|r| line(r.end) > line(r.start)) {
                    out.push(Fold {
                        start: run.start,
                        end: run.end,
                        kind: FoldKind::Imports,
                    });
                }
                imports = None;
            }
        }
    }
    if let Some(run) = imports.filter(|r| line(r.end) > line(r.start)) {
        out.push(Fold {
            start: run.start,
            end: run.end,
            kind: FoldKind::Imports,
        });
    }
    out.sort();
    out
}
