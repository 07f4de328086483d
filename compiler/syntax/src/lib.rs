//! polic's syntax: lexer, parser and syntax tree. No I/O, no salsa: text in, tree and
//! diagnostics out. Parsing never fails; see [`parse`].

pub mod ast;
pub mod lexer;
pub mod literal;
mod parser;

use std::collections::BTreeMap;
use std::sync::Arc;

use chumsky::Parser;
use chumsky::error::{EmptyErr, Rich, RichPattern, RichReason};
use chumsky::input::{Input, MappedInput};
use chumsky::inspector::TruncateState;
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

    /// Every node's span, by node id: the editor's selection ranges nest them.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The result of parsing one file. `tree` is complete even when `errors` is not empty:
/// malformed stretches become `Error` nodes.
#[derive(Debug, Clone)]
pub struct Parse {
    /// Shared, so that the position-free tree (`item_tree` in polic-sema) costs no copy.
    pub tree: Arc<SourceFile>,
    pub source_map: SourceMap,
    /// Every token, comments included, for the formatter and semantic highlighting.
    pub tokens: Vec<(Token, Span)>,
    pub errors: Vec<Diagnostic<Span>>,
}

pub fn parse(text: &str) -> Parse {
    let tokens = lexer::lex(text);
    let mut errors = literal::check(text, &tokens);
    let docs = doc_comments(text, &tokens);
    let mut input = parser_input(&tokens);
    let left_out = limit_nesting(&mut input, text.len());
    errors.extend(left_out.iter().map(|stretch| too_deep(stretch.first)));
    let unclosed = unclosed_braces(&input);
    let cx = parser::Context {
        text,
        docs: &docs,
        unclosed: &unclosed,
    };
    // Two passes (see `parser::SyntaxError`): a fast one that only tells whether the file
    // parses cleanly, and, only if it does not, one that builds the messages.
    let (mut tree, mut spans, failed) = parse_tokens::<EmptyErr>(cx, &input);
    if !failed.is_empty() {
        let parse_errors;
        (tree, spans, parse_errors) = parse_tokens::<Rich<'_, Token, SimpleSpan>>(cx, &input);
        report_syntax_errors(text, parse_errors, &left_out, &mut errors);
    }
    Parse {
        tree: Arc::new(tree),
        source_map: SourceMap { spans },
        tokens,
        errors,
    }
}

/// A syntax tree in a compact binary form: how the standard library ships, parsed when
/// polic is built, so that checking a policy never parses the catalogues it imports.
pub fn encode_tree(tree: &SourceFile) -> Vec<u8> {
    postcard::to_allocvec(tree).unwrap_or_default()
}

/// The tree [`encode_tree`] wrote; `None` for bytes it did not write.
pub fn decode_tree(bytes: &[u8]) -> Option<SourceFile> {
    postcard::from_bytes(bytes).ok()
}

/// The tokens the parser sees: neither comments nor invalid characters (already
/// reported), and an unterminated string read as a string, so each of those costs one error.
fn parser_input(tokens: &[(Token, Span)]) -> Vec<(Token, SimpleSpan)> {
    tokens
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
        .collect()
}

/// How deep parentheses and `not`s may nest in a condition (P0009). The parser descends
/// into them recursively, so their depth is bounded before it runs; handwritten conditions
/// nest a few levels, and a long chain `a or b or c` is one level.
pub const MAX_NESTING: usize = 64;

/// A stretch of tokens left out of the parser's input for nesting too deeply.
struct LeftOut {
    /// The first token left out, where the error points.
    first: Span,
    /// From that token to the start of the next token kept: the parser's own errors there
    /// only repeat that something is missing.
    quiet: std::ops::RangeInclusive<u32>,
}

/// Leaves out of `input` every token nested deeper than [`MAX_NESTING`], in one pass. A
/// `not` nests what follows it, and the `not`s right before a `(` stay open until its `)`.
/// Conditions never span an item keyword, so the count restarts at each.
fn limit_nesting(input: &mut Vec<(Token, SimpleSpan)>, end: usize) -> Vec<LeftOut> {
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0;
    let mut nots = 0;
    let mut keep = Vec::with_capacity(input.len());
    for &(token, _) in input.iter() {
        let level = match token {
            Token::Not => {
                nots += 1;
                depth + nots
            }
            Token::LParen => {
                let weight = 1 + std::mem::take(&mut nots);
                depth += weight;
                open.push(weight);
                depth
            }
            Token::RParen => {
                nots = 0;
                let level = depth;
                depth -= open.pop().unwrap_or(0);
                level
            }
            token if token.starts_item() => {
                open.clear();
                (depth, nots) = (0, 0);
                0
            }
            // The operand of the `not`s is as deep as the last of them: the excess ones are
            // left out, it is kept.
            _ => {
                nots = 0;
                depth
            }
        };
        keep.push(level <= MAX_NESTING);
    }
    if keep.iter().all(|&k| k) {
        return Vec::new();
    }
    let mut left_out: Vec<LeftOut> = Vec::new();
    let mut stretch: Option<Span> = None;
    for (&(_, span), &kept) in input.iter().zip(&keep) {
        match (kept, stretch) {
            (false, None) => stretch = Some(Span::new(span.start, span.end)),
            (true, Some(first)) => {
                left_out.push(LeftOut {
                    first,
                    quiet: first.start..=span.start as u32,
                });
                stretch = None;
            }
            _ => {}
        }
    }
    if let Some(first) = stretch {
        left_out.push(LeftOut {
            first,
            quiet: first.start..=end as u32,
        });
    }
    let mut kept = keep.iter();
    input.retain(|_| kept.next().is_some_and(|&k| k));
    left_out
}

/// The offsets of the `{` that no `}` closes, in order.
fn unclosed_braces(input: &[(Token, SimpleSpan)]) -> Vec<u32> {
    let mut open = Vec::new();
    for &(token, span) in input {
        match token {
            Token::LBrace => open.push(span.start as u32),
            // A `}` with nothing open is stray; it closes nothing.
            Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    // What is still open at the end was never closed; in order, as it was opened.
    open
}

fn too_deep(at: Span) -> Diagnostic<Span> {
    Diagnostic::new(
        Code::NestingTooDeep,
        format!("condition nested more than {MAX_NESTING} levels deep"),
        at,
    )
    .with_label("nesting goes too deep here")
    .with_help("remove parentheses and `not`s that group nothing: `((a))` is `a`, and `a or b or c` needs none")
}

/// One pass of the parser over the tokens: the tree, the spans of its nodes, the errors.
fn parse_tokens<'t, E>(
    cx: parser::Context<'t>,
    input: &'t [(Token, SimpleSpan)],
) -> (SourceFile, Vec<Span>, Vec<E>)
where
    E: parser::SyntaxError<'t, MappedInput<'t, Token, SimpleSpan, &'t [(Token, SimpleSpan)]>>,
{
    let eoi = SimpleSpan::from(cx.text.len()..cx.text.len());
    // Most tokens make a node, and few nodes have no token of their own.
    let mut state = TruncateState(Vec::with_capacity(input.len()));
    let (tree, errors) = parser::file::<_, E>(cx)
        .parse_with_state(input.split_token_span(eoi), &mut state)
        .into_output_errors();
    let tree = tree.unwrap_or(SourceFile { items: Vec::new() });
    (tree, state.0, errors)
}

/// Adds the parser's errors to `errors`, which holds the lexical ones.
fn report_syntax_errors(
    text: &str,
    parse_errors: Vec<Rich<'_, Token, SimpleSpan>>,
    left_out: &[LeftOut],
    errors: &mut Vec<Diagnostic<Span>>,
) {
    // After an invalid character or an unterminated string, the rest of that line cannot
    // parse either; its syntax errors would only repeat the one already reported.
    let lexical: Vec<u32> = errors
        .iter()
        .filter(|e| matches!(e.code, Code::InvalidCharacter | Code::UnterminatedString))
        .map(|e| e.primary.at.start)
        .collect();
    // Lines are needed only to compare with lexical errors: most files have none.
    let lines = (!lexical.is_empty()).then(|| polic_diagnostics::LineIndex::new(text));
    let repeats_lexical = |e: &Diagnostic<Span>| {
        let Some(lines) = &lines else { return false };
        let at = e.primary.at.start;
        let line = lines.line_col(at).line;
        lexical
            .iter()
            .any(|&start| start <= at && lines.line_col(start).line == line)
    };
    let repeats_nesting = |e: &Diagnostic<Span>| {
        left_out
            .iter()
            .any(|stretch| stretch.quiet.contains(&e.primary.at.start))
    };
    errors.extend(
        parse_errors
            .into_iter()
            .map(|e| syntax_error(text, e))
            .filter(|e| !repeats_lexical(e) && !repeats_nesting(e)),
    );
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

fn syntax_error(text: &str, error: Rich<'_, Token, SimpleSpan>) -> Diagnostic<Span> {
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
                Some(_) => format!("`{}`", literal::excerpt(&text[span.range()])),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn polic_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                polic_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "polic") {
                out.push(path);
            }
        }
    }

    /// `parse` keeps the cheap pass's tree when it finds no error, so both passes must build
    /// the same tree and source map, and fail on the same files. Checked on every fixture,
    /// example and standard-library module, most of which have errors on purpose.
    #[test]
    fn cheap_and_rich_passes_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in ["tests/ui", "examples", "stdlib"] {
            polic_files(&root.join(dir), &mut files);
        }
        assert!(
            files.len() > 20,
            "fixtures not found under {}",
            root.display()
        );
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable fixture");
            let tokens = lexer::lex(&text);
            let docs = doc_comments(&text, &tokens);
            let input = parser_input(&tokens);
            let unclosed = unclosed_braces(&input);
            let cx = parser::Context {
                text: &text,
                docs: &docs,
                unclosed: &unclosed,
            };
            let cheap = parse_tokens::<EmptyErr>(cx, &input);
            let rich = parse_tokens::<Rich<'_, Token, SimpleSpan>>(cx, &input);
            assert_eq!(cheap.0, rich.0, "{}", file.display());
            assert_eq!(cheap.1, rich.1, "{}", file.display());
            assert_eq!(cheap.2.len(), rich.2.len(), "{}", file.display());
        }
    }
}
