//! The polic formatter: one canonical layout for `.polic` files, used by `polic fmt` and
//! the language server. Text in, text out; no I/O.
//!
//! The layout (docs/language.md, "Formatting", says the same for users):
//! - Two spaces of indentation per block level; one item or member per line; a single
//!   space between the words of a line; no trailing blanks; one newline at the end.
//! - A block opens with `{` at the end of its owner's line and closes with `}` on a line of
//!   its own; an empty block is `{}`. A clause's body with a single property stays on the
//!   clause's line, `{ withdrawn into #ac-2 }`, when it fits.
//! - Comma lists (`satisfies`, `applies-to`, `include`, `exclude`, `provides`, `extends`,
//!   an app's `archetype`, `withdrawn into`, `rules`, the right side of `map`) stay on their
//!   line when it fits in the line width (100 columns unless configured); otherwise the
//!   keyword ends its line and each element gets a line of its own, indented one level, so
//!   that adding an element changes one line of a diff. A `when` condition or a `reason`
//!   that does not fit goes on the next line, indented; a condition still too long puts
//!   each `or` (then `and`) operand on a line of its own. Sets `{a, b}`, risk levels and
//!   remediation windows `{ low = 1, high = 5 }` break the same way, one element per line.
//! - Nothing is reordered or renamed: names, clause ids, numbers, durations and dates are
//!   written as the author spelled them, and strings too (a raw tab inside one becomes
//!   `\t`). Optional separators (`;` and `,` between members, a trailing comma) are dropped;
//!   parentheses in conditions are kept.
//! - Comments stay where they are among the tokens: a comment at the end of a line stays at
//!   the end of that line (after one space), a comment on a line of its own stays on a
//!   line of its own before whatever followed it (inside lists, before closing braces, at
//!   the end of the file). Their text is kept exactly.
//! - One blank line that the author left between items or members, or before a comment on
//!   its own line, is kept; several collapse to one; none is kept right after `{`.
//! - Lines end as the file's first line ends: `\n`, or `\r\n` throughout.
//!
//! Formatting is idempotent, keeps every comment, and keeps meaning: the formatted file
//! parses to the same syntax tree.

mod layout;
mod print;

use polic_diagnostics::{Diagnostic, Span};

/// How to format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The column lists and conditions are kept within where they can be (strings and
    /// names are never split, so a line can still be longer).
    pub line_width: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { line_width: 100 }
    }
}

/// Why a text was not formatted: it has syntax errors, and laying out a tree that holds
/// guesses would rewrite what the author meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The syntax errors, as `polic check` reports them.
    pub errors: Vec<Diagnostic<Span>>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.errors.len();
        write!(
            f,
            "not formatted: {count} syntax error{}",
            if count == 1 { "" } else { "s" }
        )?;
        if let Some(first) = self.errors.first() {
            write!(f, " (the first: {})", first.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

/// Formats a whole file. Refuses a file with syntax errors, returning them.
pub fn format(text: &str, options: &Options) -> Result<String, Refusal> {
    format_lines(text, options, crlf(text))
}

/// Whether a text's lines end in CRLF, as its first line does. Such a file keeps them (a
/// checkout with Git's `autocrlf` has them): only the layout changes, never the kind of
/// line ending.
fn crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|at| text[..at].ends_with('\r'))
}

fn format_lines(text: &str, options: &Options, crlf: bool) -> Result<String, Refusal> {
    let parse = polic_syntax::parse(text);
    if !parse.errors.is_empty() {
        return Err(Refusal {
            errors: parse.errors,
        });
    }
    let mut printer = print::Printer::new(text, &parse.tokens, &parse.source_map);
    printer.file(&parse.tree);
    let formatted = layout::print(
        &printer.cmds,
        options.line_width,
        text.len() + text.len() / 8,
    );
    Ok(if crlf {
        formatted.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        formatted
    })
}

/// Formats the top-level items that `range` touches, with the comments before them on
/// lines of their own and those at the end of their last line. Returns the span of the
/// text to replace and its replacement, or `None` when the range touches no item. Items
/// are laid out independently of each other, so the replacement is what [`format`] writes
/// for them; the text around them is left as it is. Refuses a file with syntax errors.
pub fn format_range(
    text: &str,
    range: Span,
    options: &Options,
) -> Result<Option<(Span, String)>, Refusal> {
    let parse = polic_syntax::parse(text);
    if !parse.errors.is_empty() {
        return Err(Refusal {
            errors: parse.errors,
        });
    }
    let spans = parse
        .tree
        .items
        .iter()
        .map(|item| parse.source_map.span(item.id));
    let touched: Vec<Span> = spans
        .filter(|span| span.start <= range.end && range.start <= span.end)
        .collect();
    let (Some(first), Some(last)) = (touched.first(), touched.last()) else {
        return Ok(None);
    };
    let tokens = &parse.tokens;
    let newline_before = |i: usize| {
        let start = tokens[i - 1].1.end as usize;
        text[start..tokens[i].1.start as usize].contains('\n')
    };
    // Back over the comments on lines of their own before the first item; on past the
    // comments at the end of the last item's line.
    let mut start = tokens.partition_point(|(_, s)| s.start < first.start);
    while start > 0 && tokens[start - 1].0.is_trivia() && (start == 1 || newline_before(start - 1))
    {
        start -= 1;
    }
    let mut end = tokens.partition_point(|(_, s)| s.end <= last.end);
    while end < tokens.len() && tokens[end].0.is_trivia() && !newline_before(end) {
        end += 1;
    }
    let region = Span {
        start: tokens[start].1.start,
        end: tokens[end - 1].1.end,
    };
    let formatted = format_lines(&text[region.range()], options, crlf(text))?;
    let formatted = formatted.trim_end_matches(['\r', '\n']);
    Ok(Some((region, formatted.to_string())))
}
