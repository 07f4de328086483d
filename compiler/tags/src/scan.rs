//! Finding `polic:` tags in one file's text.
//!
//! A tag is a comment whose text starts with `polic:`:
//!
//! ```text
//! // polic: implements input-validation          the next block of code
//! # polic: tests tls-in-transit.tls-only         an obligation of a control
//! /* polic: begin implements audit-log, csrf */  a marked range, up to `polic: end`
//! <!-- polic: file implements content-security --> the whole file
//! ```
//!
//! Only comments count: the same words in a string literal are not a tag. Files without
//! the bytes `polic:` are not lexed at all, which is what makes scanning a large tree fast.

use std::ops::Range;

use polic_diagnostics::suggest::closest;
use polic_diagnostics::{Code, Diagnostic, Span};

use crate::language::{LINE_START_LEADERS, Language, Syntax};
/// What a tag says of its code: the evaluator's own word for it.
pub use polic_ruleset::evidence::Verb;

pub const MARKER: &str = "polic:";

/// What code a tag covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// The line or block of code the tag sits on or above.
    Block,
    /// `polic: begin …` to `polic: end`.
    Range,
    /// `polic: file …`.
    File,
}

/// A control (or one of its obligations) a tag names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub control: String,
    pub control_span: Span,
    pub obligation: Option<(String, Span)>,
}

impl Target {
    /// `control` or `control.obligation`.
    pub fn qualified(&self) -> String {
        match &self.obligation {
            Some((obligation, _)) => format!("{}.{obligation}", self.control),
            None => self.control.clone(),
        }
    }

    /// From the control's first byte to the obligation's last.
    pub fn span(&self) -> Span {
        match &self.obligation {
            Some((_, span)) => self.control_span.cover(*span),
            None => self.control_span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub verb: Verb,
    pub targets: Vec<Target>,
    /// From `polic:` to the last target.
    pub span: Span,
    pub scope: ScopeKind,
    /// The tag's own line, 1-based.
    pub line: u32,
    /// The lines it covers, 1-based and inclusive.
    pub lines: (u32, u32),
    /// The targets the `polic: end` closing a range repeats, where they are written
    /// there: renaming a control renames them too.
    pub closing: Vec<Target>,
}

impl Tag {
    /// Every place the tag names a control: its targets, then those its `end` repeats.
    pub fn named(&self) -> impl Iterator<Item = &Target> {
        self.targets.iter().chain(&self.closing)
    }
}

/// The tags of a file and what was wrong with the ones that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTags {
    pub tags: Vec<Tag>,
    pub problems: Vec<Diagnostic<Span>>,
}

impl FileTags {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.problems.is_empty()
    }
}

/// Whether a text may hold a tag at all: a byte search, much cheaper than lexing.
pub fn mentions_tags(text: &[u8]) -> bool {
    memchr::memmem::find(text, MARKER.as_bytes()).is_some()
}

/// The tags in a file, whose kind its path tells.
pub fn scan(path: &str, text: &str) -> FileTags {
    if !mentions_tags(text.as_bytes()) {
        return FileTags::default();
    }
    let comments = match Language::of(path) {
        Language::Known(syntax) => comments(text, &syntax),
        Language::LineStart => line_start_comments(text),
    };
    let lines = Lines::new(text, &comments);
    let mut out = FileTags::default();
    let mut open: Vec<(Tag, Span)> = Vec::new();
    for comment in &comments {
        for (start, end) in comment_lines(text, comment.body.clone()) {
            let Some(parsed) = parse_tag(text, start, end, &mut out.problems) else {
                continue;
            };
            match parsed {
                Parsed::Tag(verb, targets, span, kind) => {
                    let line = lines.line_of(span.start as usize);
                    let tag = Tag {
                        verb,
                        targets,
                        span,
                        scope: kind,
                        line,
                        lines: match kind {
                            ScopeKind::Block => lines.block(line, comment),
                            ScopeKind::File => (1, lines.count()),
                            ScopeKind::Range => (line, line),
                        },
                        closing: Vec::new(),
                    };
                    if kind == ScopeKind::Range {
                        open.push((tag, span));
                    } else {
                        out.tags.push(tag);
                    }
                }
                Parsed::End(span, repeated) => match open.pop() {
                    Some((mut tag, begin)) => {
                        match repeated {
                            Some((verb, targets))
                                if verb == tag.verb
                                    && targets
                                        .iter()
                                        .map(Target::qualified)
                                        .eq(tag.targets.iter().map(Target::qualified)) =>
                            {
                                tag.closing = targets;
                            }
                            Some(_) => out.problems.push(
                                Diagnostic::new(
                                    Code::MalformedTag,
                                    "this `end` does not match the range it closes",
                                    span,
                                )
                                .with_label("closes the innermost open range")
                                .with_secondary(begin, "which begins here")
                                .with_help("repeat the `begin` tag's words after `end`, or write `polic: end` alone"),
                            ),
                            None => {}
                        }
                        tag.lines.1 = lines.line_of(span.start as usize);
                        out.tags.push(tag);
                    }
                    None => out.problems.push(
                        Diagnostic::new(Code::MalformedTag, "`polic: end` closes no range", span)
                            .with_label("no `polic: begin` is open here")
                            .with_help("open the range with `polic: begin implements CONTROL`"),
                    ),
                },
            }
        }
    }
    for (tag, begin) in open {
        out.problems.push(
            Diagnostic::new(Code::MalformedTag, "this range is never closed", begin)
                .with_label("begins a range")
                .with_help("close it with `polic: end` after the code it covers"),
        );
        // The range runs to the end of the file: the tag still counts where it is.
        out.tags.push(Tag {
            lines: (tag.lines.0, lines.count()),
            ..tag
        });
    }
    out.tags.sort_by_key(|t| t.span.start);
    out
}

/// A comment: its whole extent (delimiters included) and the text inside.
#[derive(Debug, Clone)]
struct Comment {
    whole: Range<usize>,
    body: Range<usize>,
}

/// Every comment of a text, skipping string literals.
fn comments(text: &str, syntax: &Syntax) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    'scan: while i < bytes.len() {
        let rest = &bytes[i..];
        // Block openers before line leaders: Lua's `--[[` starts with `--`.
        for (open, close) in syntax.block {
            if rest.starts_with(open.as_bytes()) {
                let body = i + open.len();
                let end = memchr::memmem::find(&bytes[body..], close.as_bytes())
                    .map_or(bytes.len(), |at| body + at);
                let whole_end = (end + close.len()).min(bytes.len());
                out.push(Comment {
                    whole: i..whole_end,
                    body: body..end,
                });
                i = whole_end;
                continue 'scan;
            }
        }
        for leader in syntax.line {
            if rest.starts_with(leader.as_bytes()) {
                let end = memchr::memchr(b'\n', rest).map_or(bytes.len(), |at| i + at);
                out.push(Comment {
                    whole: i..end,
                    body: i + leader.len()..end,
                });
                i = end;
                continue 'scan;
            }
        }
        for quote in syntax.strings {
            if rest.starts_with(quote.open.as_bytes()) {
                i = string_end(bytes, i + quote.open.len(), quote.close, quote.multiline);
                continue 'scan;
            }
        }
        if syntax.char_literals && bytes[i] == b'\'' {
            i += char_literal_len(rest);
            continue;
        }
        i += 1;
    }
    out
}

/// Where a string whose contents start at `from` ends (just after its closing quote).
fn string_end(bytes: &[u8], from: usize, close: &str, multiline: bool) -> usize {
    let close = close.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if !multiline => return i,
            _ if bytes[i..].starts_with(close) => return i + close.len(),
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The length of a character literal at the start of `rest`, or 1 for a lone quote.
fn char_literal_len(rest: &[u8]) -> usize {
    match rest {
        [b'\'', b'\\', _, b'\'', ..] => 4,
        // An escape such as `'\u{1F600}'` or `'\x7f'`: up to the closing quote nearby.
        [b'\'', b'\\', tail @ ..] => tail
            .iter()
            .take(12)
            .position(|&b| b == b'\'')
            .map_or(1, |at| at + 3),
        [b'\'', _, b'\'', ..] => 3,
        // A non-ASCII character: its UTF-8 bytes, then the quote.
        [b'\'', first, tail @ ..] if *first >= 0x80 => {
            let width = match first {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            if tail.get(width - 1) == Some(&b'\'') {
                width + 2
            } else {
                1
            }
        }
        _ => 1,
    }
}

/// Comments that start a line, for files of unknown kind.
fn line_start_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        let trimmed = &content[indent..];
        if let Some(leader) = LINE_START_LEADERS.iter().find(|l| trimmed.starts_with(**l)) {
            let mut body_end = start + content.len();
            for closer in ["-->", "*/"] {
                if let Some(stripped) = content.trim_end().strip_suffix(closer) {
                    body_end = start + stripped.len();
                }
            }
            // `<!-->` opens and closes with the same dash: the body is empty, not reversed.
            let body_start = start + indent + leader.len();
            out.push(Comment {
                whole: start + indent..start + content.len(),
                body: body_start..body_end.max(body_start),
            });
        }
        start += line.len();
    }
    out
}

/// The lines of a comment's body, each without its leading decoration (` * `, `/// `,
/// `## `): the byte range where a tag could start, and its end.
fn comment_lines(text: &str, body: Range<usize>) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = body.start;
    text[body.clone()].split('\n').map(move |line| {
        let line_start = start;
        start += line.len() + 1;
        let decoration = line
            .bytes()
            .take_while(|b| b.is_ascii_whitespace() || b"/*!#-;".contains(b))
            .count();
        let end = line_start + line.trim_end().len();
        ((line_start + decoration).min(end), end)
    })
}

enum Parsed {
    Tag(Verb, Vec<Target>, Span, ScopeKind),
    /// `polic: end`, with the verb and targets it repeats, if any.
    End(Span, Option<(Verb, Vec<Target>)>),
}

/// A tag that cannot be read, boxed: the error path is rare and the diagnostic large.
type Problem = Box<Diagnostic<Span>>;

const WORDS: &[&str] = &["implements", "tests", "begin", "file", "end"];

/// Reads the tag at `start` if the comment line starts with `polic:`; problems are reported
/// and the tag skipped.
fn parse_tag(
    text: &str,
    start: usize,
    end: usize,
    problems: &mut Vec<Diagnostic<Span>>,
) -> Option<Parsed> {
    if !text[start..end].starts_with(MARKER) {
        return None;
    }
    let mut cursor = Cursor {
        text,
        at: start + MARKER.len(),
        end,
    };
    let marker = Span::new(start, start + MARKER.len());
    let result = (|| {
        cursor.skip_spaces();
        let (word, word_span) = cursor.word().ok_or_else(|| {
            Box::new(
                Diagnostic::new(Code::MalformedTag, "empty `polic:` tag", marker)
                    .with_label("expected `implements` or `tests` after this")
                    .with_help("write `polic: implements CONTROL` or `polic: tests CONTROL`"),
            )
        })?;
        let scope = match word {
            "begin" => Some(ScopeKind::Range),
            "file" => Some(ScopeKind::File),
            "end" => {
                cursor.skip_spaces();
                if cursor.at == cursor.end {
                    return Ok(Parsed::End(Span::new(start, word_span.end as usize), None));
                }
                let (verb, targets) = verb_and_targets(&mut cursor, start)?;
                let span = Span::new(
                    start,
                    targets.last().map_or(word_span, Target::span).end as usize,
                );
                return Ok(Parsed::End(span, Some((verb, targets))));
            }
            _ => None,
        };
        match scope {
            Some(_) => cursor.skip_spaces(),
            None => cursor.at = word_span.start as usize,
        }
        let (verb, targets) = verb_and_targets(&mut cursor, start)?;
        let span = Span::new(
            start,
            targets.last().map_or(word_span, Target::span).end as usize,
        );
        Ok(Parsed::Tag(
            verb,
            targets,
            span,
            scope.unwrap_or(ScopeKind::Block),
        ))
    })();
    result
        .map_err(|problem: Problem| problems.push(*problem))
        .ok()
}

/// `implements a, b.c` from the cursor.
fn verb_and_targets(cursor: &mut Cursor, tag_start: usize) -> Result<(Verb, Vec<Target>), Problem> {
    let (word, span) = cursor.word().ok_or_else(|| {
        Box::new(
            Diagnostic::new(
                Code::MalformedTag,
                "expected `implements` or `tests`",
                Span::new(tag_start, cursor.at.max(tag_start + MARKER.len())),
            )
            .with_help("write `polic: implements CONTROL` or `polic: tests CONTROL`"),
        )
    })?;
    let verb = match word {
        "implements" => Verb::Implements,
        "tests" => Verb::Tests,
        _ => {
            let mut problem = Diagnostic::new(
                Code::MalformedTag,
                format!("unknown tag word `{word}`"),
                span,
            )
            .with_label("expected `implements` or `tests`")
            .with_help("a tag reads `polic: implements CONTROL` or `polic: tests CONTROL`");
            if let Some(suggestion) = closest(word, WORDS.iter().copied()) {
                problem = problem.with_suggestion(span, suggestion);
            }
            return Err(Box::new(problem));
        }
    };
    let mut targets = Vec::new();
    loop {
        cursor.skip_spaces();
        let Some(target) = cursor.target() else {
            let at = Span::new(cursor.at, cursor.at);
            let message = if targets.is_empty() {
                format!("`{}` names no control", verb.as_str())
            } else {
                "expected a control name after `,`".to_string()
            };
            return Err(Box::new(
                Diagnostic::new(Code::MalformedTag, message, at)
                    .with_label("a control name goes here")
                    .with_help(format!("write `polic: {} CONTROL`", verb.as_str())),
            ));
        };
        targets.push(target);
        let before = cursor.at;
        cursor.skip_spaces();
        if cursor.peek() == Some(b',') {
            cursor.at += 1;
        } else {
            // Anything else ends the list: the rest of the comment is free text.
            cursor.at = before;
            return Ok((verb, targets));
        }
    }
}

struct Cursor<'t> {
    text: &'t str,
    at: usize,
    end: usize,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<u8> {
        (self.at < self.end).then(|| self.text.as_bytes()[self.at])
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|b| b == b' ' || b == b'\t') {
            self.at += 1;
        }
    }

    /// A polic name: `[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*`.
    fn name(&mut self) -> Option<(&'t str, Span)> {
        let bytes = &self.text.as_bytes()[..self.end];
        let start = self.at;
        if !bytes
            .get(start)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        {
            return None;
        }
        let mut i = start + 1;
        loop {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                i += 1;
            }
            let continues = bytes.get(i) == Some(&b'-')
                && bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
            if !continues {
                break;
            }
            i += 1;
        }
        self.at = i;
        Some((&self.text[start..i], Span::new(start, i)))
    }

    fn word(&mut self) -> Option<(&'t str, Span)> {
        self.name()
    }

    /// `control` or `control.obligation`.
    fn target(&mut self) -> Option<Target> {
        let (control, control_span) = self.name()?;
        let mut target = Target {
            control: control.to_string(),
            control_span,
            obligation: None,
        };
        if self.peek() == Some(b'.') {
            let dot = self.at;
            self.at += 1;
            match self.name() {
                Some((obligation, span)) => {
                    target.obligation = Some((obligation.to_string(), span))
                }
                // A full stop ends a sentence: `implements csrf.` names the control.
                None => self.at = dot,
            }
        }
        Some(target)
    }
}

/// Line starts and which lines hold code, to find the block a tag covers.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// Per line: whether anything but blanks and comments is on it.
    code: Vec<bool>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str, comments: &[Comment]) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        if starts.len() > 1 && starts.last() == Some(&text.len()) {
            starts.pop();
        }
        let mut code = Vec::with_capacity(starts.len());
        let mut next_comment = 0;
        for (line, &start) in starts.iter().enumerate() {
            let end = starts.get(line + 1).copied().unwrap_or(text.len());
            let content = &text[start..end];
            let first = start + (content.len() - content.trim_start().len());
            if first >= end || text[first..end].trim().is_empty() {
                code.push(false);
                continue;
            }
            while comments
                .get(next_comment)
                .is_some_and(|c| c.whole.end <= first)
            {
                next_comment += 1;
            }
            let in_comment = comments
                .get(next_comment)
                .is_some_and(|c| c.whole.start <= first && first < c.whole.end);
            code.push(!in_comment);
        }
        Lines { text, starts, code }
    }

    fn count(&self) -> u32 {
        self.starts.len() as u32
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> u32 {
        self.starts.partition_point(|&s| s <= offset) as u32
    }

    fn content(&self, line: u32) -> &'t str {
        let i = line as usize - 1;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[self.starts[i]..end].trim_end()
    }

    fn indent(&self, line: u32) -> usize {
        let content = self.content(line);
        content
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum()
    }

    fn is_code(&self, line: u32) -> bool {
        self.code[line as usize - 1]
    }

    /// The lines a tag in `comment` on `line` covers: the code on its own line if the
    /// comment trails code, else the next code line; with, in both cases, the lines
    /// indented under it and a closing bracket at its own indent. Attributes and decorators
    /// (`@route`, `#[test]`) take the item after them along.
    fn block(&self, line: u32, comment: &Comment) -> (u32, u32) {
        // Code before the comment on the tag's line; none when the tag is on a later line
        // of a block comment.
        let line_start = self.starts[line as usize - 1];
        let own = &self.text[line_start..comment.whole.start.max(line_start)];
        let first = if !own.trim().is_empty() {
            Some(line)
        } else {
            let after = self.line_of(comment.whole.end.saturating_sub(1)) + 1;
            (after..=self.count()).find(|&l| self.is_code(l))
        };
        let Some(first) = first else {
            return (line, line);
        };
        let indent = self.indent(first);
        let mut last = first;
        let mut header = first;
        let mut next = first + 1;
        while next <= self.count() {
            if !self.is_code(next) {
                next += 1;
                continue;
            }
            let content = self.content(next).trim_start();
            let deeper = self.indent(next) > indent;
            let same = self.indent(next) == indent;
            let after_attribute = {
                let header = self.content(header).trim_start();
                header.starts_with('@') || header.starts_with("#[") || header.starts_with('[')
            };
            if deeper {
                last = next;
            } else if same && after_attribute {
                last = next;
                header = next;
            } else if same && content.starts_with('{') {
                last = next;
            } else if same
                && ["}", ")", "]", "end", "</", "fi", "done", "esac"]
                    .iter()
                    .any(|closer| content.starts_with(closer))
            {
                last = next;
                break;
            } else {
                break;
            }
            next += 1;
        }
        (first.min(line), last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(path: &str, text: &str) -> Vec<String> {
        let scanned = scan(path, text);
        let mut out: Vec<String> = scanned
            .tags
            .iter()
            .map(|t| {
                let targets: Vec<String> = t.targets.iter().map(Target::qualified).collect();
                format!(
                    "{} {} {:?} {}-{}",
                    t.verb.as_str(),
                    targets.join(","),
                    t.scope,
                    t.lines.0,
                    t.lines.1
                )
            })
            .collect();
        out.extend(scanned.problems.iter().map(|p| {
            format!(
                "{}: {} @{}",
                p.code.as_str(),
                p.message,
                &text[p.primary.at.range()]
            )
        }));
        out
    }

    #[test]
    fn a_tag_covers_the_block_below_it() {
        let text = "import os\n\n# polic: implements input-validation\ndef check(form):\n    if not form:\n        raise ValueError()\n\n    return form\n\nprint(1)\n";
        assert_eq!(
            tags("app.py", text),
            ["implements input-validation Block 3-8"]
        );
    }

    #[test]
    fn a_trailing_tag_covers_its_own_line_and_block() {
        let text = "fn main() {\n    let x = 1; // polic: implements csrf\n    let y = 2;\n}\n";
        assert_eq!(tags("main.rs", text), ["implements csrf Block 2-2"]);
        let text = "app.use(helmet()) // polic: implements http-headers\napp.listen(80)\n";
        assert_eq!(
            tags("server.js", text),
            ["implements http-headers Block 1-1"]
        );
    }

    #[test]
    fn braces_close_the_block_and_attributes_carry_the_item() {
        let text = "// polic: tests tls-in-transit.tls-only\n#[test]\nfn tls() {\n    assert!(true);\n}\nfn other() {}\n";
        assert_eq!(
            tags("t.rs", text),
            ["tests tls-in-transit.tls-only Block 1-5"]
        );
    }

    #[test]
    fn strings_do_not_hold_tags() {
        let text = "x = \"# polic: implements nope\"\ny = '''\n# polic: implements nope\n'''\n# polic: implements yes\nz = 1\n";
        assert_eq!(tags("a.py", text), ["implements yes Block 5-6"]);
        let text = "let s = \"// polic: implements nope\";\nlet c = '\"'; // polic: implements yes\nfn f<'a>(x: &'a str) {} // polic: implements lifetimes\n";
        assert_eq!(
            tags("a.rs", text),
            ["implements yes Block 2-2", "implements lifetimes Block 3-3"]
        );
    }

    #[test]
    fn every_comment_style_is_read() {
        assert_eq!(
            tags("q.sql", "-- polic: implements audit-log\nSELECT 1;\n"),
            ["implements audit-log Block 1-2"]
        );
        assert_eq!(
            tags(
                "i.html",
                "<!-- polic: file implements csp -->\n<html></html>\n"
            ),
            ["implements csp File 1-2"]
        );
        assert_eq!(
            tags(
                "a.c",
                "/*\n * polic: begin implements audit-log, csrf.token\n */\nint x;\n/* polic: end */\n"
            ),
            ["implements audit-log,csrf.token Range 2-5"]
        );
        assert_eq!(
            tags(
                "notes.txt",
                "say \"polic: implements no\"\n# polic: implements yes\n"
            ),
            ["implements yes Block 2-2"]
        );
    }

    #[test]
    fn free_text_may_follow_the_names() {
        assert_eq!(
            tags(
                "a.go",
                "// polic: implements csrf, session-timeout: see docs.\nx := 1\n"
            ),
            ["implements csrf,session-timeout Block 1-2"]
        );
        assert_eq!(
            tags("a.go", "// polic: implements csrf.\nx := 1\n"),
            ["implements csrf Block 1-2"]
        );
    }

    #[test]
    fn malformed_tags_are_reported() {
        assert_eq!(
            tags("a.py", "# polic: implement csrf\n"),
            ["P1001: unknown tag word `implement` @implement"]
        );
        assert_eq!(
            tags("a.py", "# polic:\n"),
            ["P1001: empty `polic:` tag @polic:"]
        );
        assert_eq!(
            tags("a.py", "# polic: tests\n"),
            ["P1001: `tests` names no control @"]
        );
        assert_eq!(
            tags("a.py", "# polic: end\n# polic: begin tests x\n"),
            [
                "tests x Range 2-2",
                "P1001: `polic: end` closes no range @polic: end",
                "P1001: this range is never closed @polic: begin tests x",
            ]
        );
        assert_eq!(
            tags("a.py", "# polic: begin tests x\n# polic: end tests y\n"),
            [
                "tests x Range 1-2",
                "P1001: this `end` does not match the range it closes @polic: end tests y"
            ]
        );
    }

    #[test]
    fn files_without_the_marker_are_not_lexed() {
        assert!(scan("a.py", "x = 1 # polic implements\n").is_empty());
    }
}
