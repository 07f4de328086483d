//! polic's syntax: lexer, parser and syntax tree. No I/O, no salsa: text in, tree and
//! diagnostics out. Parsing never fails; see [`parse`].

pub mod ast;
pub mod lexer;
pub mod literal;
mod parser;

use std::collections::BTreeMap;

use chumsky::Parser;
use chumsky::error::{RichPattern, RichReason};
use chumsky::input::Input;
use chumsky::span::SimpleSpan;
use polic_diagnostics::{Code, Diagnostic, Span};

use crate::ast::{NodeId, SourceFile};
use crate::lexer::Token;

/// Where each syntax node of one parse is, by [`NodeId`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    spans: Vec<Span>,
}

impl SourceMap {
    pub fn span(&self, id: NodeId) -> Span {
        self.spans.get(id.0 as usize).copied().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The result of parsing one file. `tree` is complete even when `errors` is not empty:
/// malformed stretches become `Error` nodes.
#[derive(Debug, Clone)]
pub struct Parse {
    pub tree: SourceFile,
    pub source_map: SourceMap,
    /// Every token, comments included, for the formatter and semantic highlighting.
    pub tokens: Vec<(Token, Span)>,
    pub errors: Vec<Diagnostic<Span>>,
}

pub fn parse(text: &str) -> Parse {
    let tokens = lexer::lex(text);
    let mut errors = literal::check(text, &tokens);
    let docs = doc_comments(text, &tokens);
    // The parser sees neither comments nor invalid characters (already reported), and
    // reads an unterminated string as a string, so each of those costs one error.
    let input: Vec<(Token, SimpleSpan)> = tokens
        .iter()
        .filter(|(tok, _)| !tok.is_trivia() && *tok != Token::Error)
        .map(|&(tok, span)| {
            let tok = if tok == Token::UnterminatedString {
                Token::String
            } else {
                tok
            };
            (tok, SimpleSpan::from(span.range()))
        })
        .collect();
    let eoi = SimpleSpan::from(text.len()..text.len());
    let mut state = chumsky::inspector::TruncateState::default();
    let cx = parser::Context { text, docs: &docs };
    let (tree, parse_errors) = parser::file(cx)
        .parse_with_state(input.as_slice().split_token_span(eoi), &mut state)
        .into_output_errors();
    // After an invalid character or an unterminated string, the rest of that line cannot
    // parse either; its syntax errors would only repeat the one already reported.
    let lines = polic_diagnostics::LineIndex::new(text);
    let lexical: Vec<(u32, u32)> = errors
        .iter()
        .filter(|e| matches!(e.code, Code::InvalidCharacter | Code::UnterminatedString))
        .map(|e| (lines.line_col(e.primary.at.start).line, e.primary.at.start))
        .collect();
    let repeats_lexical = |e: &Diagnostic<Span>| {
        let line = lines.line_col(e.primary.at.start).line;
        lexical
            .iter()
            .any(|&(l, start)| l == line && start <= e.primary.at.start)
    };
    errors.extend(
        parse_errors
            .into_iter()
            .map(|e| syntax_error(text, e))
            .filter(|e| !repeats_lexical(e)),
    );
    Parse {
        tree: tree.unwrap_or(SourceFile { items: Vec::new() }),
        source_map: SourceMap { spans: state.0 },
        tokens,
        errors,
    }
}

/// Doc comment text by the offset of the token it documents.
fn doc_comments(text: &str, tokens: &[(Token, Span)]) -> BTreeMap<u32, String> {
    let mut docs = BTreeMap::new();
    let mut pending: Vec<&str> = Vec::new();
    for &(tok, span) in tokens {
        match tok {
            Token::DocComment => {
                let line = &text[span.range()][3..];
                pending.push(line.strip_prefix(' ').unwrap_or(line));
            }
            Token::LineComment | Token::BlockComment => pending.clear(),
            _ => {
                if !pending.is_empty() {
                    docs.insert(span.start, pending.join("\n"));
                    pending.clear();
                }
            }
        }
    }
    docs
}

fn syntax_error(
    text: &str,
    error: chumsky::error::Rich<'_, Token, SimpleSpan>,
) -> Diagnostic<Span> {
    let raw = error.span();
    // An empty match at the end of a block can come back with start past end.
    let span = Span::new(raw.start.min(raw.end), raw.end);
    match error.reason() {
        RichReason::Custom(custom) => {
            let mut parts = custom.split(parser::SEP);
            let mut diagnostic =
                Diagnostic::new(Code::SyntaxError, parts.next().unwrap_or_default(), span);
            if let Some(label) = parts.next() {
                diagnostic = diagnostic.with_label(label);
            }
            if let Some(help) = parts.next() {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostic
        }
        RichReason::ExpectedFound { expected, found } => {
            let found = match found {
                Some(_) => format!("`{}`", &text[span.range()]),
                None => "end of file".to_string(),
            };
            let mut expected: Vec<String> = expected.iter().filter_map(describe_pattern).collect();
            expected.sort();
            expected.dedup();
            // Separators are optional between members: listing them only adds noise.
            if expected.len() > 2 {
                expected.retain(|e| e != "`,`" && e != "`;`");
            }
            let label = match expected.as_slice() {
                [] => "unexpected here".to_string(),
                [one] => format!("expected {one}"),
                [init @ .., last] if init.len() < 6 => {
                    format!("expected {} or {last}", init.join(", "))
                }
                _ => "not valid here".to_string(),
            };
            let mut diagnostic =
                Diagnostic::new(Code::SyntaxError, format!("unexpected {found}"), span)
                    .with_label(label);
            // A misspelt keyword: suggest the expected keyword it is closest to.
            let keywords = expected
                .iter()
                .filter_map(|e| e.strip_prefix('`')?.strip_suffix('`'));
            if let Some(keyword) = closest_keyword(&text[span.range()], keywords) {
                diagnostic = diagnostic.with_suggestion(span, keyword);
            }
            if expected.len() > 6 {
                diagnostic.with_help(format!("expected one of {}", expected.join(", ")))
            } else {
                diagnostic
            }
        }
    }
}

fn closest_keyword<'a>(found: &str, keywords: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    keywords
        .filter(|k| k.chars().all(|c| c.is_ascii_alphabetic() || c == '-'))
        .map(|k| (strsim::osa_distance(found, k), k))
        .filter(|(distance, k)| *distance > 0 && *distance <= k.len().max(3) / 3)
        .min()
        .map(|(_, k)| k)
}

fn describe_pattern(pattern: &RichPattern<'_, Token>) -> Option<String> {
    /// Labels that name a kind of thing; every other label is a contextual keyword.
    const KINDS: &[&str] = &[
        "name",
        "string",
        "integer",
        "duration",
        "date",
        "value",
        "condition",
        "type",
        "clause id",
        "clause reference",
    ];
    match pattern {
        RichPattern::Token(tok) => Some(tok.describe().to_string()),
        RichPattern::Label(label) if label.is_empty() => None,
        RichPattern::Label(label) if KINDS.contains(&label.as_ref()) => Some(label.to_string()),
        RichPattern::Label(label) => Some(format!("`{label}`")),
        RichPattern::Identifier(word) => Some(format!("`{word}`")),
        RichPattern::EndOfInput => Some("end of file".to_string()),
        _ => None,
    }
}
