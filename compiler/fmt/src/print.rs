//! From a parsed file to layout commands. The syntax tree says what each construct is and
//! so how it is laid out; every character written comes from a token of the source, read
//! in order through a cursor. Comments are never in the tree: the cursor meets them between
//! tokens and writes them where they are, so none is lost or moved past a token.

use std::borrow::Cow;

use polic_diagnostics::Span;
use polic_syntax::ast::*;
use polic_syntax::lexer::Token;
use polic_syntax::{SourceMap, literal};

use crate::layout::{Cmd, Comment};

pub(crate) struct Printer<'a> {
    text: &'a str,
    tokens: &'a [(Token, Span)],
    map: &'a SourceMap,
    /// The next token not yet written or skipped.
    next: usize,
    /// A comment that ends its line was written since the last token: what follows starts
    /// a line even where the source had it on the same line (after a skipped separator).
    line_ended: bool,
    pub cmds: Vec<Cmd<'a>>,
    /// Open groups, by the index of their `Group` command.
    groups: Vec<usize>,
}

/// How a block lays out its members.
#[derive(Clone, Copy, PartialEq)]
enum Block {
    /// One member per line.
    Lines,
    /// On the line of its owner, `{ member }`, when it has a single member and fits.
    Inline,
}

impl<'a> Printer<'a> {
    pub fn new(text: &'a str, tokens: &'a [(Token, Span)], map: &'a SourceMap) -> Printer<'a> {
        Printer {
            text,
            tokens,
            map,
            next: 0,
            line_ended: false,
            // About two commands per token: the token and the space or break before it.
            cmds: Vec::with_capacity(tokens.len() * 2),
            groups: Vec::new(),
        }
    }

    // ---- the cursor -------------------------------------------------------------------

    /// Whether a line break separates token `i` from the one before it (the start of the
    /// file counts as one).
    fn newline_before(&self, i: usize) -> bool {
        self.gap_before(i).contains('\n')
    }

    /// Whether an empty line separates token `i` from the one before it.
    fn blank_before(&self, i: usize) -> bool {
        i > 0 && self.gap_before(i).bytes().filter(|&b| b == b'\n').count() >= 2
    }

    /// The text between token `i` (or the end of the file) and the token before it; the
    /// start of the file reads as a line break.
    fn gap_before(&self, i: usize) -> &'a str {
        if i == 0 {
            return "\n";
        }
        let start = self.tokens[i - 1].1.end as usize;
        let end = self
            .tokens
            .get(i)
            .map_or(self.text.len(), |t| t.1.start as usize);
        &self.text[start..end]
    }

    fn is_comment(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|(tok, _)| tok.is_trivia())
    }

    /// Writes comment `i` and moves past it.
    fn comment(&mut self, i: usize) {
        let (tok, span) = self.tokens[i];
        let raw = &self.text[span.range()];
        // A line comment runs to the end of its line, so in a CRLF file it holds the `\r`:
        // that belongs to the line ending, which the layout writes.
        let text = if tok == Token::BlockComment {
            raw
        } else {
            raw.strip_suffix('\r').unwrap_or(raw)
        };
        let newline_after = tok != Token::BlockComment || self.newline_before(i + 1);
        self.cmds.push(Cmd::Comment(Comment {
            text,
            own_line: self.line_ended || self.newline_before(i),
            blank_before: self.blank_before(i),
            newline_after,
        }));
        self.line_ended |= newline_after;
        self.next = i + 1;
    }

    /// Writes every comment before the next token.
    fn comments(&mut self) {
        while self.is_comment(self.next) {
            self.comment(self.next);
        }
    }

    /// Writes the comments on the line of the last token written: they stay on its line.
    fn trailing_comments(&mut self) {
        while self.is_comment(self.next) && !self.line_ended && !self.newline_before(self.next) {
            self.comment(self.next);
        }
    }

    /// The next token that is not a comment.
    fn peek(&self) -> Option<Token> {
        self.tokens[self.next..]
            .iter()
            .map(|(tok, _)| *tok)
            .find(|tok| !tok.is_trivia())
    }

    /// Writes the next token (after the comments before it), as written in the source.
    fn tok(&mut self, expected: Token) {
        self.comments();
        let (tok, span) = self.tokens[self.next];
        debug_assert_eq!(tok, expected, "at {span:?}");
        let raw = &self.text[span.range()];
        let text = if tok == Token::String {
            string(raw)
        } else {
            Cow::Borrowed(raw)
        };
        self.cmds.push(Cmd::Text(text));
        self.line_ended = false;
        self.next += 1;
    }

    /// Skips an optional token (a member separator, a trailing comma) if it comes next:
    /// the canonical layout has none.
    fn skip(&mut self, optional: Token) -> bool {
        if self.peek() != Some(optional) {
            return false;
        }
        // Comments before it follow what came before, at the level of the member or
        // element, not as the continuation of a line.
        if self.is_comment(self.next) {
            self.cmds.push(Cmd::Start);
            self.comments();
        }
        self.next += 1;
        true
    }

    /// Skips the `;` and `,` that may separate the members of a block.
    fn skip_separators(&mut self) {
        loop {
            self.trailing_comments();
            if !self.skip(Token::Semi) && !self.skip(Token::Comma) {
                break;
            }
        }
    }

    // ---- layout commands --------------------------------------------------------------

    fn space(&mut self) {
        self.cmds.push(Cmd::Space);
    }

    fn line(&mut self) {
        self.trailing_comments();
        self.cmds.push(Cmd::Line);
    }

    fn soft_line(&mut self) {
        self.trailing_comments();
        self.cmds.push(Cmd::SoftLine);
    }

    fn hard_line(&mut self) {
        self.trailing_comments();
        self.cmds.push(Cmd::HardLine);
    }

    fn indent(&mut self) {
        self.cmds.push(Cmd::Indent);
    }

    fn dedent(&mut self) {
        self.cmds.push(Cmd::Dedent);
    }

    fn group(&mut self) {
        self.groups.push(self.cmds.len());
        self.cmds.push(Cmd::Group { end: 0 });
    }

    fn end_group(&mut self) {
        let start = self.groups.pop().expect("groups are balanced");
        let end = self.cmds.len();
        self.cmds[start] = Cmd::Group { end };
        self.cmds.push(Cmd::GroupEnd);
    }

    /// Begins an item or a member on its own line: the comments before it, then a blank
    /// line if the author left one.
    fn start(&mut self) {
        self.cmds.push(Cmd::Start);
        self.comments();
        if self.blank_before(self.next) {
            self.cmds.push(Cmd::Blank);
        }
    }

    // ---- shared shapes ----------------------------------------------------------------

    /// `keyword a, b, c`: on the keyword's line if it fits, else one element per line,
    /// indented, the keyword alone on its line.
    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.group();
        self.indent();
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                self.tok(Token::Comma);
            }
            self.line();
            item(self, it);
        }
        self.dedent();
        self.end_group();
    }

    /// `{ a = 1, b = 2 }` (levels, remediation windows) or `{a, b}` (sets, `padded`
    /// false): on one line if it fits, else one element per line.
    fn braced<T>(&mut self, items: &[T], padded: bool, mut item: impl FnMut(&mut Self, &T)) {
        self.group();
        self.tok(Token::LBrace);
        if !items.is_empty() {
            self.indent();
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    self.tok(Token::Comma);
                }
                if i > 0 || padded {
                    self.line();
                } else {
                    self.soft_line();
                }
                item(self, it);
            }
            self.skip(Token::Comma);
            // Comments before the closing brace line up with the elements.
            self.cmds.push(Cmd::Start);
            self.comments();
            self.dedent();
            if padded {
                self.line();
            } else {
                self.soft_line();
            }
        } else {
            self.skip(Token::Comma);
        }
        self.tok(Token::RBrace);
        self.end_group();
    }

    /// A `{ ... }` block of members: one per line, comments kept inside.
    fn block<T>(&mut self, members: &[T], shape: Block, mut member: impl FnMut(&mut Self, &T)) {
        self.tok(Token::LBrace);
        if shape == Block::Inline && members.len() == 1 {
            self.group();
            self.indent();
            self.skip_separators();
            self.line();
            self.start();
            member(self, &members[0]);
            self.skip_separators();
            self.cmds.push(Cmd::Start);
            self.comments();
            self.dedent();
            self.line();
            self.tok(Token::RBrace);
            self.end_group();
            return;
        }
        self.indent();
        self.skip_separators();
        for m in members {
            self.hard_line();
            self.start();
            member(self, m);
            self.skip_separators();
        }
        // Comments before the closing brace stay inside the block.
        self.cmds.push(Cmd::Start);
        let inside = self.is_comment(self.next);
        self.comments();
        self.dedent();
        if !members.is_empty() || inside {
            self.hard_line();
        }
        self.tok(Token::RBrace);
    }

    /// ` "Title"` after a name, if there is one.
    fn title(&mut self, title: &Option<Str>) {
        if title.is_some() {
            self.space();
            self.tok(Token::String);
        }
    }

    /// `keyword NAME ["Title"]`: the start of most items.
    fn header(&mut self, keyword: Token, title: &Option<Str>) {
        self.tok(keyword);
        self.space();
        self.tok(Token::Ident);
        self.title(title);
    }

    /// `word STRING`: a member with one string.
    fn keyword_string(&mut self) {
        self.tok(Token::Ident);
        self.space();
        self.tok(Token::String);
    }

    fn path(&mut self, path: &Path) {
        for (i, _) in path.segments.iter().enumerate() {
            if i > 0 {
                self.tok(Token::Dot);
            }
            self.tok(Token::Ident);
        }
    }

    fn target(&mut self, target: &Target) {
        match target {
            Target::Clause(_) => self.tok(Token::ClauseRef),
            Target::Path(path) => self.path(path),
        }
    }

    /// A name, or the reserved word `test` where a phase or a verification kind is named.
    fn word(&mut self) {
        let tok = self.peek().unwrap_or(Token::Ident);
        self.tok(if tok == Token::Test {
            tok
        } else {
            Token::Ident
        });
    }

    /// ` when CONDITION`, on the line if it fits, else on the next line, indented.
    fn when(&mut self, when: &Option<Expr>) {
        if let Some(condition) = when {
            self.indent();
            self.line();
            self.tok(Token::Ident);
            self.space();
            self.condition(condition);
            self.dedent();
        }
    }

    // ---- items ------------------------------------------------------------------------

    pub fn file(&mut self, file: &SourceFile) {
        for (i, item) in file.items.iter().enumerate() {
            if i > 0 {
                self.hard_line();
            }
            self.start();
            self.item(item);
        }
        self.cmds.push(Cmd::Start);
        self.comments();
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Import(import) => {
                self.tok(Token::Import);
                self.space();
                match import {
                    Import::Stdlib(path) => self.path(path),
                    Import::File(_) => self.tok(Token::String),
                }
            }
            ItemKind::Standard(standard) => {
                self.header(Token::Standard, &standard.title);
                self.space();
                self.block(&standard.members, Block::Lines, Self::standard_member);
            }
            ItemKind::Profile(profile) => {
                self.header(Token::Profile, &profile.title);
                self.space();
                self.block(&profile.members, Block::Lines, Self::selection);
            }
            ItemKind::Policy(policy) => {
                self.header(Token::Policy, &policy.title);
                self.space();
                self.block(&policy.members, Block::Lines, Self::policy_member);
            }
            ItemKind::Risk(risk) => {
                self.header(Token::Risk, &risk.title);
                self.space();
                self.block(&risk.members, Block::Lines, Self::risk_member);
            }
            ItemKind::Facts(facts) => {
                self.tok(Token::Facts);
                self.space();
                self.block(&facts.members, Block::Lines, Self::fact_decl);
            }
            ItemKind::Archetype(archetype) => {
                self.tok(Token::Archetype);
                self.space();
                self.tok(Token::Ident);
                self.title(&archetype.title);
                if !archetype.extends.is_empty() {
                    self.space();
                    self.tok(Token::Ident);
                    self.list(&archetype.extends, |p, _| p.tok(Token::Ident));
                }
                if self.peek() == Some(Token::LBrace) {
                    self.space();
                    self.block(&archetype.members, Block::Lines, Self::archetype_member);
                }
            }
            ItemKind::Control(control) => {
                self.header(Token::Control, &control.title);
                self.space();
                self.block(&control.members, Block::Lines, Self::control_member);
            }
            ItemKind::Map(mapping) => {
                self.tok(Token::Map);
                self.space();
                self.tok(Token::ClauseRef);
                self.space();
                self.tok(Token::Eq);
                self.list(&mapping.to, |p, _| p.tok(Token::ClauseRef));
            }
            ItemKind::App(app) => {
                self.header(Token::App, &app.title);
                self.space();
                self.block(&app.members, Block::Lines, Self::app_member);
            }
            ItemKind::Waiver(waiver) => {
                // `waiver NAME for APP on CONTROL`: five words.
                self.tok(Token::Waiver);
                for _ in 0..5 {
                    self.space();
                    self.tok(Token::Ident);
                }
                if waiver.obligation.is_some() {
                    self.tok(Token::Dot);
                    self.tok(Token::Ident);
                }
                self.space();
                self.block(&waiver.members, Block::Lines, Self::waiver_member);
            }
            ItemKind::Test(test) => {
                self.tok(Token::Test);
                self.space();
                self.tok(Token::String);
                self.space();
                self.block(&test.members, Block::Lines, Self::test_member);
            }
            ItemKind::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    // ---- members ----------------------------------------------------------------------

    fn standard_member(&mut self, member: &StandardMember) {
        match member {
            StandardMember::Version(_) => self.keyword_string(),
            StandardMember::Group(group) => {
                self.header(Token::Group, &group.title);
                self.space();
                self.block(&group.members, Block::Lines, Self::standard_member);
            }
            StandardMember::Clause(clause) => {
                self.tok(Token::Clause);
                self.space();
                self.tok(Token::ClauseId);
                self.title(&clause.title);
                if self.peek() == Some(Token::LBrace) {
                    self.space();
                    self.block(&clause.props, Block::Inline, Self::clause_prop);
                }
            }
            StandardMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn clause_prop(&mut self, prop: &ClauseProp) {
        match prop {
            ClauseProp::Text(_) => self.keyword_string(),
            ClauseProp::Level(..) => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Int);
            }
            ClauseProp::Param { label, .. } => {
                self.keyword_string();
                if label.is_some() {
                    self.space();
                    self.tok(Token::String);
                }
            }
            ClauseProp::Withdrawn { into, .. } => {
                self.tok(Token::Ident);
                if !into.is_empty() {
                    self.space();
                    self.tok(Token::Ident);
                    self.list(into, |p, _| p.tok(Token::ClauseId));
                }
            }
            ClauseProp::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn selection(&mut self, selection: &Selection) {
        let (Selection::Include {
            targets, reason, ..
        }
        | Selection::Exclude {
            targets, reason, ..
        }) = selection
        else {
            unreachable!("a file with syntax errors is refused")
        };
        self.tok(Token::Ident);
        self.group();
        self.list(targets, Self::target);
        if reason.is_some() {
            self.indent();
            self.line();
            self.keyword_string();
            self.dedent();
        }
        self.end_group();
    }

    fn policy_member(&mut self, member: &PolicyMember) {
        match member {
            PolicyMember::Adopt { target, when, .. } => {
                self.tok(Token::Ident);
                self.space();
                self.group();
                self.target(target);
                self.when(when);
                self.end_group();
            }
            PolicyMember::Risk(_) => {
                self.tok(Token::Risk);
                self.space();
                self.tok(Token::Ident);
            }
            PolicyMember::Lint { .. } => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Eq);
                self.space();
                self.tok(Token::Ident);
            }
            PolicyMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn risk_member(&mut self, member: &RiskMember) {
        match member {
            RiskMember::Levels { levels, .. } => {
                self.tok(Token::Ident);
                self.space();
                self.braced(levels, true, |p, _| {
                    p.tok(Token::Ident);
                    p.space();
                    p.tok(Token::Eq);
                    p.space();
                    p.tok(Token::Int);
                });
            }
            RiskMember::Default(_) => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Ident);
            }
            RiskMember::Weight { target, value, .. } => {
                self.tok(Token::Ident);
                self.space();
                self.target(target);
                self.space();
                self.tok(Token::Eq);
                self.space();
                self.tok(match value {
                    WeightValue::Level(_) => Token::Ident,
                    WeightValue::Number(_) => Token::Int,
                });
            }
            RiskMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn fact_decl(&mut self, decl: &FactDecl) {
        self.tok(Token::Ident);
        self.tok(Token::Colon);
        self.space();
        match &decl.ty {
            TypeExpr::Enum(values) => self.variants(values),
            TypeExpr::SetOf(values) => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Ident);
                self.space();
                self.variants(values);
            }
            TypeExpr::Bool | TypeExpr::Int | TypeExpr::String => self.tok(Token::Ident),
            TypeExpr::Error => unreachable!("a file with syntax errors is refused"),
        }
        if let Some(default) = &decl.default {
            self.space();
            self.tok(Token::Eq);
            self.space();
            self.value(default);
        }
    }

    /// `a | b | c`: on one line if it fits, else a value per line after the first.
    fn variants(&mut self, values: &[Name]) {
        self.group();
        self.indent();
        for (i, _) in values.iter().enumerate() {
            if i > 0 {
                self.line();
                self.tok(Token::Pipe);
                self.space();
            }
            self.tok(Token::Ident);
        }
        self.dedent();
        self.end_group();
    }

    fn archetype_member(&mut self, member: &ArchetypeMember) {
        match member {
            ArchetypeMember::Fact(assign) => self.fact_assign(assign),
            ArchetypeMember::Provides(names) => {
                self.tok(Token::Ident);
                self.list(names, |p, _| p.tok(Token::Ident));
            }
            ArchetypeMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn fact_assign(&mut self, assign: &FactAssign) {
        self.tok(Token::Ident);
        self.space();
        self.tok(Token::Eq);
        self.space();
        self.value(&assign.value);
    }

    fn control_member(&mut self, member: &ControlMember) {
        match member {
            ControlMember::Satisfies(refs) => {
                self.tok(Token::Ident);
                self.list(refs, |p, _| p.tok(Token::ClauseRef));
            }
            ControlMember::AppliesTo {
                archetypes, when, ..
            } => {
                self.tok(Token::Ident);
                self.group();
                self.list(archetypes, |p, _| p.tok(Token::Ident));
                self.when(when);
                self.end_group();
            }
            ControlMember::Phase(_) => {
                self.tok(Token::Ident);
                self.space();
                self.word();
            }
            ControlMember::Due(_) => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Duration);
            }
            ControlMember::Remediation { windows, .. } => {
                self.tok(Token::Ident);
                self.space();
                self.braced(windows, true, |p, _| {
                    p.tok(Token::Ident);
                    p.space();
                    p.tok(Token::Eq);
                    p.space();
                    p.tok(Token::Duration);
                });
            }
            ControlMember::Obligation(obligation) => {
                self.header(Token::Obligation, &obligation.title);
                if self.peek() == Some(Token::LBrace) {
                    self.space();
                    self.block(&obligation.verify, Block::Lines, Self::verify);
                }
            }
            ControlMember::Target(target) => {
                // `target`, the metric, the statistic: one line, single spaces.
                for _ in 0..3 {
                    self.tok(Token::Ident);
                    self.space();
                }
                self.tok(op_token(target.op));
                self.space();
                if target.value.unit.as_deref() == Some("d") {
                    self.tok(Token::Duration);
                } else {
                    self.tok(Token::Int);
                    if target.value.unit.is_some() {
                        self.space();
                        self.tok(Token::Ident);
                    }
                }
                self.space();
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Duration);
                if target.severity.is_some() {
                    self.space();
                    self.tok(Token::Ident);
                    self.space();
                    self.tok(Token::Ident);
                }
            }
            ControlMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn verify(&mut self, verify: &Verify) {
        self.tok(Token::Ident);
        self.space();
        self.word();
        if verify.subject.is_some() {
            self.space();
            self.tok(Token::String);
        }
        if !verify.rules.is_empty() {
            self.space();
            self.tok(Token::Ident);
            self.list(&verify.rules, |p, _| p.tok(Token::String));
        }
    }

    fn app_member(&mut self, member: &AppMember) {
        match member {
            AppMember::Archetype(names) => {
                self.tok(Token::Archetype);
                self.list(names, |p, _| p.tok(Token::Ident));
            }
            AppMember::Owner(_) | AppMember::Unit(_) => self.keyword_string(),
            AppMember::Fact(assign) => self.fact_assign(assign),
            AppMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn waiver_member(&mut self, member: &WaiverMember) {
        match member {
            WaiverMember::Reason(_)
            | WaiverMember::RequestedBy(_)
            | WaiverMember::ApprovedBy(_) => {
                self.keyword_string();
            }
            WaiverMember::Expires(..) => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Date);
            }
            WaiverMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    fn test_member(&mut self, member: &TestMember) {
        match member {
            TestMember::GivenApp(_) => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::App);
                self.space();
                self.tok(Token::Ident);
            }
            TestMember::GivenInline { members, .. } => {
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::App);
                self.space();
                self.block(members, Block::Lines, Self::app_member);
            }
            TestMember::Expect { negated, .. } => {
                self.tok(Token::Ident);
                self.space();
                if *negated {
                    self.tok(Token::Not);
                    self.space();
                }
                self.tok(Token::Ident);
                self.space();
                self.tok(Token::Ident);
            }
            TestMember::Error => unreachable!("a file with syntax errors is refused"),
        }
    }

    // ---- values and conditions --------------------------------------------------------

    fn value(&mut self, value: &Value) {
        match value {
            Value::Name(_) => self.tok(Token::Ident),
            Value::Str(_) => self.tok(Token::String),
            Value::Int(_) => self.tok(Token::Int),
            Value::Bool(true, _) => self.tok(Token::True),
            Value::Bool(false, _) => self.tok(Token::False),
            Value::Set(names, _) => self.braced(names, false, |p, _| p.tok(Token::Ident)),
        }
    }

    /// A condition, with exactly the parentheses the author wrote (the tree has none: they
    /// are found around each node's tokens).
    fn condition(&mut self, expr: &Expr) {
        let parens = self.extent(expr).2;
        for _ in 0..parens {
            self.tok(Token::LParen);
        }
        match expr {
            Expr::Or(..) | Expr::And(..) => {
                let or = matches!(expr, Expr::Or(..));
                let operands = self.operands(expr, or);
                // `a or b or c` on one line if it fits, else one operand per line, each
                // after the first led by its operator. The first operand is indented too,
                // so that a chain it breaks into is deeper than this one's operators.
                self.group();
                self.indent();
                self.condition(operands[0]);
                for operand in &operands[1..] {
                    self.line();
                    self.tok(if or { Token::Or } else { Token::And });
                    self.space();
                    self.condition(operand);
                }
                self.dedent();
                self.end_group();
            }
            Expr::Not(inner, _) => {
                self.tok(Token::Not);
                self.space();
                self.condition(inner);
            }
            Expr::Compare { lhs, op, rhs, .. } => {
                self.value(lhs);
                self.space();
                self.tok(op_token(*op));
                self.space();
                self.value(rhs);
            }
            Expr::In {
                lhs, negated, rhs, ..
            } => {
                self.value(lhs);
                self.space();
                if *negated {
                    self.tok(Token::Not);
                    self.space();
                }
                self.tok(Token::In);
                self.space();
                self.value(rhs);
            }
            Expr::Value(value) => self.value(value),
            Expr::Error(_) => unreachable!("a file with syntax errors is refused"),
        }
        for _ in 0..parens {
            self.tok(Token::RParen);
        }
    }

    /// The operands of a chain of one operator, `a or b or c`, left to right, whatever
    /// the shape of the tree (the parser balances chains); a parenthesised chain is one
    /// operand. A loop, not recursion: a chain can be as long as the file.
    fn operands<'e>(&self, expr: &'e Expr, or: bool) -> Vec<&'e Expr> {
        let mut out = Vec::new();
        let mut pending = vec![expr];
        while let Some(next) = pending.pop() {
            match (next, or) {
                (Expr::Or(lhs, rhs), true) | (Expr::And(lhs, rhs), false)
                    if std::ptr::eq(next, expr) || self.extent(next).2 == 0 =>
                {
                    pending.push(rhs);
                    pending.push(lhs);
                }
                _ => out.push(next),
            }
        }
        out
    }

    /// The first and last token of a condition, its own parentheses included, and how many
    /// pairs of those wrap it.
    fn extent(&self, expr: &Expr) -> (usize, usize, usize) {
        let (mut first, mut last) = match expr {
            Expr::Or(lhs, rhs) | Expr::And(lhs, rhs) => (self.extent(lhs).0, self.extent(rhs).1),
            Expr::Not(_, id) | Expr::Compare { id, .. } | Expr::In { id, .. } | Expr::Error(id) => {
                self.token_range(*id)
            }
            Expr::Value(value) => self.token_range(value.id()),
        };
        // A node's own tokens hold balanced parentheses, so a `(` right before them and a
        // `)` right after them are a pair, and theirs.
        let mut parens = 0;
        while let (Some(before), Some(after)) =
            (self.significant_before(first), self.significant_after(last))
            && self.tokens[before].0 == Token::LParen
            && self.tokens[after].0 == Token::RParen
        {
            (first, last) = (before, after);
            parens += 1;
        }
        (first, last, parens)
    }

    /// The first and last token of a node.
    fn token_range(&self, id: NodeId) -> (usize, usize) {
        let span = self.map.span(id);
        let first = self.tokens.partition_point(|(_, s)| s.start < span.start);
        let last = self
            .tokens
            .partition_point(|(_, s)| s.end <= span.end)
            .saturating_sub(1);
        (first, last.max(first))
    }

    fn significant_before(&self, i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| !self.tokens[j].0.is_trivia())
    }

    fn significant_after(&self, i: usize) -> Option<usize> {
        (i + 1..self.tokens.len()).find(|&j| !self.tokens[j].0.is_trivia())
    }
}

/// A string token as written, unless it holds a raw tab: then written with `\t`, as
/// `literal::quote` writes it, so the canonical form has no invisible characters.
fn string(raw: &str) -> Cow<'_, str> {
    if raw.contains('\t') {
        Cow::Owned(literal::quote(&literal::unescape(raw)))
    } else {
        Cow::Borrowed(raw)
    }
}

/// The token a comparison is written with.
fn op_token(op: CmpOp) -> Token {
    match op {
        CmpOp::Eq => Token::EqEq,
        CmpOp::NotEq => Token::NotEq,
        CmpOp::Lt => Token::Lt,
        CmpOp::LtEq => Token::LtEq,
        CmpOp::Gt => Token::Gt,
        CmpOp::GtEq => Token::GtEq,
    }
}
