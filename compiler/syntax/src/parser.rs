//! The parser: chumsky over the lexer's tokens (comments filtered out). It never fails: a
//! malformed member becomes an `Error` member, a malformed item an `Error` item, and each
//! malformed stretch is reported once. Every node's span goes into the source map as the
//! node is built; chumsky truncates the map when it backtracks, so ids stay dense.

use std::collections::BTreeMap;

use chumsky::error::{EmptyErr, Error, LabelError};
use chumsky::input::{Input, MapExtra, ValueInput};
use chumsky::inspector::TruncateState;
use chumsky::prelude::*;
use polic_diagnostics::Span;

use crate::ast::*;
use crate::lexer::Token;
use crate::literal;

pub(crate) type Extra<E> = extra::Full<E, TruncateState<Span>, ()>;
type P<'t, I, E, O> = Boxed<'t, 't, I, O, Extra<E>>;

/// The error types the grammar is built with. `parse` first runs it with [`EmptyErr`],
/// which records only that something failed: no expected-token lists are built for the
/// alternatives that fail on the way to a successful parse, and most files have no errors.
/// Only a file with errors is parsed again with `Rich`, for the messages. Both passes make
/// the same choices (error values never steer the parser), so their trees are identical.
pub(crate) trait SyntaxError<'t, I: Input<'t>>:
    Error<'t, I> + LabelError<'t, I, &'static str> + 't
{
    /// A custom error; `message` is called only by an error type that keeps messages.
    fn custom(span: SimpleSpan, message: impl FnOnce() -> String) -> Self;
}

impl<'t, I> SyntaxError<'t, I> for Rich<'t, Token, SimpleSpan>
where
    I: Input<'t, Token = Token, Span = SimpleSpan>,
{
    fn custom(span: SimpleSpan, message: impl FnOnce() -> String) -> Self {
        Rich::custom(span, message())
    }
}

impl<'t, I: Input<'t>> SyntaxError<'t, I> for EmptyErr {
    fn custom(_: SimpleSpan, _: impl FnOnce() -> String) -> Self {
        EmptyErr::default()
    }
}

/// What the parsers need besides the tokens: the text (tokens carry no values) and the doc
/// comments, keyed by the offset of the token they document.
#[derive(Clone, Copy)]
pub(crate) struct Context<'t> {
    pub text: &'t str,
    pub docs: &'t BTreeMap<u32, String>,
    /// The offsets of the `{` that no `}` closes, sorted: error recovery gives up on them
    /// at once instead of scanning to the end of the file for each.
    pub unclosed: &'t [u32],
}

impl<'t> Context<'t> {
    fn slice(self, span: SimpleSpan) -> &'t str {
        &self.text[span.into_range()]
    }

    fn docs_at(self, span: SimpleSpan) -> Option<String> {
        self.docs.get(&(span.start as u32)).cloned()
    }
}

fn alloc<'t, I, E>(e: &mut MapExtra<'t, '_, I, Extra<E>>) -> NodeId
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    let span: SimpleSpan = e.span();
    push_span(e.state(), Span::new(span.start, span.end))
}

/// A custom parse error: message, label and help, separated so that `syntax_error` can
/// build a full diagnostic from chumsky's single string.
pub(crate) fn custom_error(message: &str, label: &str, help: &str) -> String {
    format!("{message}{SEP}{label}{SEP}{help}")
}

pub(crate) const SEP: char = '\u{1f}';

fn push_span(state: &mut TruncateState<Span>, span: Span) -> NodeId {
    state.push(span);
    NodeId(state.len() as u32 - 1)
}

/// A contextual keyword: an identifier with this exact text. Not boxed: it is tried often
/// (every keyword of a `choice` until one matches) and built often (once per use, for every
/// file), and boxing costs an allocation to build and a dynamic call to try.
fn kw<'t, I, E>(
    cx: Context<'t>,
    word: &'static str,
) -> impl Parser<'t, I, (), Extra<E>> + Clone + 't
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    just(Token::Ident)
        .to_span()
        .try_map(move |span: SimpleSpan, _| {
            if cx.slice(span) == word {
                Ok(())
            } else {
                Err(E::custom(span, String::new))
            }
        })
        .labelled(word)
}

fn comma_list<'t, I, E, O: 't>(item: P<'t, I, E, O>) -> P<'t, I, E, Vec<O>>
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    item.separated_by(just(Token::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .boxed()
}

/// Which tokens begin a member of a block; `&str` is the token's text.
type Starts = fn(Token, &str) -> bool;

/// A `{ ... }` block of members. A malformed member is reported and skipped up to the next
/// member start (nested braces skipped whole); a missing `}` is reported where an item
/// keyword shows it, so a forgotten brace costs one error, not the rest of the file.
fn block<'t, I, E, M: Clone + 't>(
    cx: Context<'t>,
    balanced: &P<'t, I, E, ()>,
    member: P<'t, I, E, M>,
    starts: Starts,
    assigns: Option<Token>,
    error: M,
) -> P<'t, I, E, Vec<M>>
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    let starts_keyword = any().try_map(move |tok: Token, span: SimpleSpan| {
        if starts(tok, cx.slice(span)) {
            Ok(())
        } else {
            Err(E::custom(span, String::new))
        }
    });
    // `name =` (or `name :` in facts) starts a member where members assign facts; a bare
    // name does not, so recovery skips a stray word instead of stopping at it.
    let starts_assignment = just(Token::Ident)
        .then(any().filter(move |tok: &Token| Some(*tok) == assigns))
        .ignored();
    let starts_member = choice((starts_keyword.ignored(), starts_assignment));
    let ends_block = any().filter(move |tok: &Token| tok.starts_item());
    let garbage = any()
        .try_map(move |tok: Token, span: SimpleSpan| {
            if tok == Token::RBrace || (tok.starts_item() && !starts(tok, cx.slice(span))) {
                Err(E::custom(span, String::new))
            } else {
                Ok(())
            }
        })
        .then(
            balanced
                .clone()
                .and_is(starts_member.not())
                .and_is(ends_block.not())
                .repeated(),
        )
        .to(error);
    let separators = one_of([Token::Semi, Token::Comma]).repeated();
    member
        .recover_with(via_parser(garbage))
        .then_ignore(separators)
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(
            just(Token::LBrace).then(separators),
            just(Token::RBrace).or_not().validate(|close, e, emitter| {
                if close.is_none() {
                    emitter.emit(E::custom(e.span(), || {
                        custom_error(
                            "missing `}` to close a block",
                            "expected `}` here",
                            "close the block before the next item",
                        )
                    }));
                }
            }),
        )
        .boxed()
}

/// One token, or a `{ ... }` group with its braces balanced: what error recovery skips.
/// A loop counting braces rather than a recursive parser, so that hostile nesting costs
/// neither stack nor more than one pass over the group.
fn balanced<'t, I, E>(cx: Context<'t>) -> P<'t, I, E, ()>
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    custom(move |input| {
        let start = input.cursor();
        let mut depth = 0usize;
        loop {
            match input.next() {
                Some(Token::LBrace)
                    if depth == 0 && {
                        let span: SimpleSpan = input.span_since(&start);
                        cx.unclosed.binary_search(&(span.start as u32)).is_ok()
                    } =>
                {
                    let span = input.span_since(&start);
                    return Err(E::expected_found(["}"], None, span));
                }
                Some(Token::LBrace) => depth += 1,
                Some(Token::RBrace) if depth > 0 => depth -= 1,
                // A stray `}`, or the end inside a group: not a balanced stretch (the caller
                // rewinds).
                Some(Token::RBrace) | None => {
                    let span = input.span_since(&start);
                    return Err(E::expected_found(["}"], None, span));
                }
                Some(_) => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
    })
    .boxed()
}

/// `a op b op c ...` as a balanced tree. `and` and `or` are associative (in three-valued
/// logic too), so the shape means nothing, and a balanced tree keeps every recursive walk
/// of a condition (lowering, formatting, comparing, dropping) at depth log n however long
/// the chain is.
fn chain(mut operands: Vec<Expr>, join: fn(Box<Expr>, Box<Expr>) -> Expr) -> Expr {
    while operands.len() > 1 {
        let mut pairs = Vec::with_capacity(operands.len().div_ceil(2));
        let mut rest = operands.into_iter();
        while let Some(left) = rest.next() {
            pairs.push(match rest.next() {
                Some(right) => join(Box::new(left), Box::new(right)),
                None => left,
            });
        }
        operands = pairs;
    }
    operands
        .pop()
        .expect("a chain is parsed with at least one operand")
}

fn optional_block<'t, I, E, M: 't>(block: P<'t, I, E, Vec<M>>) -> P<'t, I, E, Vec<M>>
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    block.or_not().map(Option::unwrap_or_default).boxed()
}

fn is_word(words: &'static [&'static str]) -> impl Fn(Token, &str) -> bool {
    move |tok, text| tok == Token::Ident && words.contains(&text)
}

/// The grammar of a file. docs/language.md has the same grammar in prose.
pub(crate) fn file<'t, I, E>(cx: Context<'t>) -> impl Parser<'t, I, SourceFile, Extra<E>>
where
    I: ValueInput<'t, Token = Token, Span = SimpleSpan>,
    E: SyntaxError<'t, I>,
{
    // Built once and shared by every block's error recovery.
    let balanced = balanced(cx);

    // ---- tokens and literals ----------------------------------------------------------
    let name: P<'t, I, E, Name> = just(Token::Ident)
        .map_with(move |_, e| Name {
            text: cx.slice(e.span()).to_string(),
            id: alloc(e),
        })
        .labelled("name")
        .boxed();
    let string: P<'t, I, E, Str> = just(Token::String)
        .map_with(move |_, e| Str {
            value: literal::unescape(cx.slice(e.span())),
            id: alloc(e),
        })
        .labelled("string")
        .boxed();
    let number: P<'t, I, E, Number> = just(Token::Int)
        .map_with(move |_, e| Number {
            value: cx.slice(e.span()).parse().unwrap_or(u64::MAX),
            id: alloc(e),
        })
        .labelled("integer")
        .boxed();
    let duration: P<'t, I, E, Duration> = just(Token::Duration)
        .map_with(move |_, e| Duration {
            days: literal::duration_days(cx.slice(e.span())).unwrap_or(0),
            id: alloc(e),
        })
        .labelled("duration")
        .boxed();
    let date: P<'t, I, E, (Option<Date>, NodeId)> = just(Token::Date)
        .map_with(move |_, e| (Date::parse(cx.slice(e.span())), alloc(e)))
        .labelled("date")
        .boxed();
    let clause_id: P<'t, I, E, Name> = just(Token::ClauseId)
        .map_with(move |_, e| Name {
            text: cx.slice(e.span())[1..].to_string(),
            id: alloc(e),
        })
        .labelled("clause id")
        .boxed();
    let clause_ref: P<'t, I, E, ClauseRef> = just(Token::ClauseRef)
        .map_with(move |_, e| {
            let span: SimpleSpan = e.span();
            let text = cx.slice(span);
            let hash = text.find('#').unwrap_or(0);
            let standard = Name {
                text: text[..hash].to_string(),
                id: push_span(e.state(), Span::new(span.start, span.start + hash)),
            };
            let clause = Name {
                text: text[hash + 1..].to_string(),
                id: push_span(e.state(), Span::new(span.start + hash + 1, span.end)),
            };
            ClauseRef {
                standard,
                clause,
                id: alloc(e),
            }
        })
        .labelled("clause reference")
        .boxed();
    let path: P<'t, I, E, Path> = name
        .clone()
        .separated_by(just(Token::Dot))
        .at_least(1)
        .collect::<Vec<_>>()
        .map_with(|segments, e| Path {
            segments,
            id: alloc(e),
        })
        .boxed();
    let target: P<'t, I, E, Target> = choice((
        clause_ref.clone().map(Target::Clause),
        path.clone().map(Target::Path),
    ))
    .boxed();
    let names = comma_list(name.clone());
    // Where a definition is named, a reserved word is reported as such and then read as the
    // name, so that the item (and everything after it) is still parsed.
    let def_name: P<'t, I, E, Name> = choice((
        name.clone(),
        any()
            .filter(|tok: &Token| tok.is_keyword())
            .validate(move |_, e, emitter| {
                let span: SimpleSpan = e.span();
                let word = cx.slice(span);
                emitter.emit(E::custom(span, || {
                    custom_error(
                        &format!("`{word}` is a reserved word and cannot be a name"),
                        "reserved word",
                        &format!("choose another name, e.g. `{word}-1` or `my-{word}`"),
                    )
                }));
                Name {
                    text: word.to_string(),
                    id: push_span(e.state(), Span::new(span.start, span.end)),
                }
            }),
    ))
    .labelled("name")
    .boxed();
    // `test` is reserved (it starts an item) but is also a phase and a way to verify.
    let word: P<'t, I, E, Name> = choice((
        name.clone(),
        just(Token::Test).map_with(|_, e| Name {
            text: "test".to_string(),
            id: alloc(e),
        }),
    ))
    .boxed();
    let title = string.clone().or_not().boxed();

    // ---- values and conditions -------------------------------------------------------
    let set_literal = comma_list(name.clone())
        .or_not()
        .map(Option::unwrap_or_default)
        .then_ignore(just(Token::Comma).or_not())
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(|names, e| Value::Set(names, alloc(e)));
    let value: P<'t, I, E, Value> = choice((
        name.clone().map(Value::Name),
        string.clone().map(Value::Str),
        number.clone().map(Value::Int),
        just(Token::True).map_with(|_, e| Value::Bool(true, alloc(e))),
        just(Token::False).map_with(|_, e| Value::Bool(false, alloc(e))),
        set_literal,
    ))
    .labelled("value")
    .boxed();
    let expr: P<'t, I, E, Expr> = recursive(|expr| {
        let cmp_op = choice((
            just(Token::EqEq).to(CmpOp::Eq),
            just(Token::NotEq).to(CmpOp::NotEq),
            just(Token::LtEq).to(CmpOp::LtEq),
            just(Token::Lt).to(CmpOp::Lt),
            just(Token::GtEq).to(CmpOp::GtEq),
            just(Token::Gt).to(CmpOp::Gt),
        ));
        let comparison = value
            .clone()
            .then(choice((
                cmp_op
                    .then(value.clone())
                    .map(|(op, rhs)| (Some(op), false, Some(rhs))),
                just(Token::Not)
                    .or_not()
                    .then_ignore(just(Token::In))
                    .then(value.clone())
                    .map(|(not, rhs)| (None, not.is_some(), Some(rhs))),
                empty().to((None, false, None)),
            )))
            .map_with(|(lhs, rest), e| match rest {
                (Some(op), _, Some(rhs)) => Expr::Compare {
                    lhs,
                    op,
                    rhs,
                    id: alloc(e),
                },
                (None, negated, Some(rhs)) => Expr::In {
                    lhs,
                    negated,
                    rhs,
                    id: alloc(e),
                },
                _ => Expr::Value(lhs),
            });
        let atom = choice((
            expr.delimited_by(just(Token::LParen), just(Token::RParen)),
            comparison,
        ))
        .boxed();
        let unary = recursive(|unary| {
            choice((
                just(Token::Not)
                    .ignore_then(unary)
                    .map_with(|inner, e| Expr::Not(Box::new(inner), alloc(e))),
                atom,
            ))
        });
        let and = unary
            .separated_by(just(Token::And))
            .at_least(1)
            .collect::<Vec<_>>()
            .map(|operands| chain(operands, Expr::And));
        and.separated_by(just(Token::Or))
            .at_least(1)
            .collect::<Vec<_>>()
            .map(|operands| chain(operands, Expr::Or))
            .labelled("condition")
    })
    .boxed();
    let when = kw(cx, "when").ignore_then(expr.clone()).or_not().boxed();
    let fact_assign: P<'t, I, E, FactAssign> = name
        .clone()
        .then_ignore(just(Token::Eq))
        .then(value.clone())
        .map_with(|(fact, value), e| FactAssign {
            fact,
            value,
            id: alloc(e),
        })
        .boxed();

    // ---- standard, group, clause -----------------------------------------------------
    const CLAUSE_WORDS: &[&str] = &["text", "level", "param", "withdrawn"];
    let clause_props = block(
        cx,
        &balanced,
        choice((
            kw(cx, "text")
                .ignore_then(string.clone())
                .map(ClauseProp::Text),
            kw(cx, "level")
                .ignore_then(number.clone())
                .map(|n| ClauseProp::Level(n.value as u32, n.id)),
            kw(cx, "param")
                .ignore_then(string.clone())
                .then(string.clone().or_not())
                .map(|(name, label)| ClauseProp::Param { name, label }),
            kw(cx, "withdrawn")
                .ignore_then(
                    kw(cx, "into")
                        .ignore_then(comma_list(clause_id.clone()))
                        .or_not(),
                )
                .map_with(|into, e| ClauseProp::Withdrawn {
                    into: into.unwrap_or_default(),
                    id: alloc(e),
                }),
        ))
        .boxed(),
        |tok, text| is_word(CLAUSE_WORDS)(tok, text),
        None,
        ClauseProp::Error,
    );
    let clause = just(Token::Clause)
        .ignore_then(clause_id.clone())
        .then(title.clone())
        .then(optional_block(clause_props))
        .map_with(move |((name, title), props), e| Clause {
            docs: cx.docs_at(e.span()),
            name,
            title,
            props,
            id: alloc(e),
        })
        .boxed();
    let standard_members: P<'t, I, E, Vec<StandardMember>> = recursive(|members| {
        let group = just(Token::Group)
            .ignore_then(def_name.clone())
            .then(title.clone())
            .then(members)
            .map_with(move |((name, title), members), e| {
                StandardMember::Group(Group {
                    docs: cx.docs_at(e.span()),
                    name,
                    title,
                    members,
                    id: alloc(e),
                })
            });
        block(
            cx,
            &balanced,
            choice((
                group,
                clause.clone().map(StandardMember::Clause),
                kw(cx, "version")
                    .ignore_then(string.clone())
                    .map(StandardMember::Version),
            ))
            .boxed(),
            |tok, text| {
                matches!(tok, Token::Group | Token::Clause)
                    || (tok == Token::Ident && text == "version")
            },
            None,
            StandardMember::Error,
        )
    })
    .boxed();
    let standard = just(Token::Standard)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(standard_members)
        .map(|((name, title), members)| {
            ItemKind::Standard(Standard {
                name,
                title,
                members,
            })
        });

    // ---- profile, policy, risk -------------------------------------------------------
    let reason = kw(cx, "reason")
        .ignore_then(string.clone())
        .or_not()
        .boxed();
    let targets = comma_list(target.clone());
    let selection = choice((
        kw(cx, "include")
            .ignore_then(targets.clone())
            .then(reason.clone())
            .map_with(|(targets, reason), e| Selection::Include {
                targets,
                reason,
                id: alloc(e),
            }),
        kw(cx, "exclude")
            .ignore_then(targets)
            .then(reason)
            .map_with(|(targets, reason), e| Selection::Exclude {
                targets,
                reason,
                id: alloc(e),
            }),
    ))
    .boxed();
    const PROFILE_WORDS: &[&str] = &["include", "exclude"];
    let profile = just(Token::Profile)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(block(
            cx,
            &balanced,
            selection,
            |t, s| is_word(PROFILE_WORDS)(t, s),
            None,
            Selection::Error,
        ))
        .map(|((name, title), members)| {
            ItemKind::Profile(Profile {
                name,
                title,
                members,
            })
        });

    const POLICY_WORDS: &[&str] = &["adopt", "lint"];
    let policy_member = choice((
        kw(cx, "adopt")
            .ignore_then(target.clone())
            .then(when.clone())
            .map_with(|(target, when), e| PolicyMember::Adopt {
                target,
                when,
                id: alloc(e),
            }),
        just(Token::Risk)
            .ignore_then(name.clone())
            .map(PolicyMember::Risk),
        kw(cx, "lint")
            .ignore_then(name.clone())
            .then_ignore(just(Token::Eq))
            .then(name.clone())
            .map(|(name, level)| PolicyMember::Lint { name, level }),
    ))
    .boxed();
    let policy = just(Token::Policy)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(block(
            cx,
            &balanced,
            policy_member,
            |t, s| t == Token::Risk || is_word(POLICY_WORDS)(t, s),
            None,
            PolicyMember::Error,
        ))
        .map(|((name, title), members)| {
            ItemKind::Policy(Policy {
                name,
                title,
                members,
            })
        });

    const RISK_WORDS: &[&str] = &["levels", "default", "weight"];
    let level = name
        .clone()
        .then_ignore(just(Token::Eq))
        .then(number.clone());
    let risk_member = choice((
        kw(cx, "levels")
            .ignore_then(
                level
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::LBrace), just(Token::RBrace)),
            )
            .map_with(|levels, e| RiskMember::Levels {
                levels,
                id: alloc(e),
            }),
        kw(cx, "default")
            .ignore_then(name.clone())
            .map(RiskMember::Default),
        kw(cx, "weight")
            .ignore_then(target.clone())
            .then_ignore(just(Token::Eq))
            .then(choice((
                name.clone().map(WeightValue::Level),
                number.clone().map(WeightValue::Number),
            )))
            .map_with(|(target, value), e| RiskMember::Weight {
                target,
                value,
                id: alloc(e),
            }),
    ))
    .boxed();
    let risk = just(Token::Risk)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(block(
            cx,
            &balanced,
            risk_member,
            |t, s| is_word(RISK_WORDS)(t, s),
            None,
            RiskMember::Error,
        ))
        .map(|((name, title), members)| {
            ItemKind::Risk(Risk {
                name,
                title,
                members,
            })
        });

    // ---- facts, archetype ------------------------------------------------------------
    let variants = name
        .clone()
        .separated_by(just(Token::Pipe))
        .at_least(1)
        .collect::<Vec<_>>()
        .boxed();
    let type_expr = choice((
        kw(cx, "set")
            .ignore_then(kw(cx, "of"))
            .ignore_then(variants.clone())
            .map(TypeExpr::SetOf),
        kw(cx, "bool").to(TypeExpr::Bool),
        kw(cx, "int").to(TypeExpr::Int),
        kw(cx, "string").to(TypeExpr::String),
        variants.map(TypeExpr::Enum),
    ))
    .labelled("type")
    .boxed();
    let fact_decl = name
        .clone()
        .then_ignore(just(Token::Colon))
        .then(type_expr)
        .then(just(Token::Eq).ignore_then(value.clone()).or_not())
        .map_with(move |((name, ty), default), e| FactDecl {
            docs: cx.docs_at(e.span()),
            name,
            ty,
            default,
            id: alloc(e),
        })
        .boxed();
    let facts = just(Token::Facts)
        .ignore_then(block(
            cx,
            &balanced,
            fact_decl.map(Some).boxed(),
            |_, _| false,
            Some(Token::Colon),
            None,
        ))
        .map(|members| {
            ItemKind::Facts(Facts {
                members: members.into_iter().flatten().collect(),
            })
        });

    let archetype_member = choice((
        kw(cx, "provides")
            .ignore_then(names.clone())
            .map(ArchetypeMember::Provides),
        fact_assign.clone().map(ArchetypeMember::Fact),
    ))
    .boxed();
    let archetype = just(Token::Archetype)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(kw(cx, "extends").ignore_then(names.clone()).or_not())
        .then(optional_block(block(
            cx,
            &balanced,
            archetype_member,
            |t, s| t == Token::Ident && s == "provides",
            Some(Token::Eq),
            ArchetypeMember::Error,
        )))
        .map(|(((name, title), extends), members)| {
            ItemKind::Archetype(Archetype {
                name,
                title,
                extends: extends.unwrap_or_default(),
                members,
            })
        });

    // ---- control, obligation ---------------------------------------------------------
    const VERIFY_WORDS: &[&str] = &["verify"];
    let verify = kw(cx, "verify")
        .ignore_then(word.clone())
        .then(string.clone().or_not())
        .then(
            kw(cx, "rules")
                .ignore_then(comma_list(string.clone()))
                .or_not(),
        )
        .map_with(|((kind, subject), rules), e| Verify {
            kind,
            subject,
            rules: rules.unwrap_or_default(),
            id: alloc(e),
        })
        .boxed();
    let obligation = just(Token::Obligation)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(optional_block(block(
            cx,
            &balanced,
            verify.map(Some).boxed(),
            |t, s| is_word(VERIFY_WORDS)(t, s),
            None,
            None,
        )))
        .map_with(move |((name, title), verify), e| Obligation {
            docs: cx.docs_at(e.span()),
            name,
            title,
            verify: verify.into_iter().flatten().collect(),
            id: alloc(e),
        })
        .boxed();
    const CONTROL_WORDS: &[&str] = &[
        "satisfies",
        "applies-to",
        "phase",
        "due",
        "remediation",
        "target",
    ];
    let target_op = choice((
        just(Token::LtEq).to(CmpOp::LtEq),
        just(Token::Lt).to(CmpOp::Lt),
        just(Token::GtEq).to(CmpOp::GtEq),
        just(Token::Gt).to(CmpOp::Gt),
    ))
    .labelled("comparison");
    let unit_word = choice((
        kw(cx, "hours"),
        kw(cx, "percent"),
        kw(cx, "per-day"),
        kw(cx, "per-week"),
    ))
    .map_with(move |_, e| cx.slice(e.span()).to_string());
    let quantity = choice((
        duration.clone().map(|d| Quantity {
            amount: u64::from(d.days),
            unit: Some("d".to_string()),
            id: d.id,
        }),
        number
            .clone()
            .then(unit_word.or_not())
            .map(|(n, unit)| Quantity {
                amount: n.value,
                unit,
                id: n.id,
            }),
    ))
    .labelled("value")
    .boxed();
    let target = kw(cx, "target")
        .ignore_then(name.clone())
        .then(name.clone())
        .then(target_op)
        .then(quantity)
        .then_ignore(kw(cx, "over"))
        .then(duration.clone())
        .then(kw(cx, "severity").ignore_then(name.clone()).or_not())
        .map_with(
            |(((((metric, statistic), op), value), window), severity), e| MetricTarget {
                metric,
                statistic,
                op,
                value,
                window,
                severity,
                id: alloc(e),
            },
        )
        .boxed();
    let window = name
        .clone()
        .then_ignore(just(Token::Eq))
        .then(duration.clone());
    let control_member = choice((
        kw(cx, "satisfies")
            .ignore_then(comma_list(clause_ref.clone()))
            .map(ControlMember::Satisfies),
        kw(cx, "applies-to")
            .ignore_then(names.clone())
            .then(when.clone())
            .map_with(|(archetypes, when), e| ControlMember::AppliesTo {
                archetypes,
                when,
                id: alloc(e),
            }),
        kw(cx, "phase").ignore_then(word).map(ControlMember::Phase),
        kw(cx, "due")
            .ignore_then(duration.clone())
            .map(ControlMember::Due),
        kw(cx, "remediation")
            .ignore_then(
                window
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::LBrace), just(Token::RBrace)),
            )
            .map_with(|windows, e| ControlMember::Remediation {
                windows,
                id: alloc(e),
            }),
        obligation.map(ControlMember::Obligation),
        target.map(ControlMember::Target),
    ))
    .boxed();
    let control = just(Token::Control)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(block(
            cx,
            &balanced,
            control_member,
            |t, s| t == Token::Obligation || is_word(CONTROL_WORDS)(t, s),
            None,
            ControlMember::Error,
        ))
        .map(|((name, title), members)| {
            ItemKind::Control(Control {
                name,
                title,
                members,
            })
        });

    // ---- map, app, waiver, test ------------------------------------------------------
    let mapping = just(Token::Map)
        .ignore_then(clause_ref.clone())
        .then_ignore(just(Token::Eq))
        .then(comma_list(clause_ref))
        .map(|(from, to)| ItemKind::Map(Mapping { from, to }));

    const APP_WORDS: &[&str] = &["owner", "unit"];
    let app_member = choice((
        just(Token::Archetype)
            .ignore_then(names.clone())
            .map(AppMember::Archetype),
        kw(cx, "owner")
            .ignore_then(string.clone())
            .map(AppMember::Owner),
        kw(cx, "unit")
            .ignore_then(string.clone())
            .map(AppMember::Unit),
        fact_assign.map(AppMember::Fact),
    ))
    .boxed();
    let app_starts: Starts = |t, s| t == Token::Archetype || is_word(APP_WORDS)(t, s);
    let app_block = block(
        cx,
        &balanced,
        app_member,
        app_starts,
        Some(Token::Eq),
        AppMember::Error,
    );
    let app = just(Token::App)
        .ignore_then(def_name.clone())
        .then(title.clone())
        .then(app_block.clone())
        .map(|((name, title), members)| {
            ItemKind::App(App {
                name,
                title,
                members,
            })
        });

    const WAIVER_WORDS: &[&str] = &["reason", "requested-by", "approved-by", "expires"];
    let waiver_member = choice((
        kw(cx, "reason")
            .ignore_then(string.clone())
            .map(WaiverMember::Reason),
        kw(cx, "requested-by")
            .ignore_then(string.clone())
            .map(WaiverMember::RequestedBy),
        kw(cx, "approved-by")
            .ignore_then(string.clone())
            .map(WaiverMember::ApprovedBy),
        kw(cx, "expires")
            .ignore_then(date)
            .map(|(date, id)| WaiverMember::Expires(date, id)),
    ))
    .boxed();
    let waiver = just(Token::Waiver)
        .ignore_then(def_name.clone())
        .then_ignore(kw(cx, "for"))
        .then(name.clone())
        .then_ignore(kw(cx, "on"))
        .then(name.clone())
        .then(just(Token::Dot).ignore_then(name.clone()).or_not())
        .then(block(
            cx,
            &balanced,
            waiver_member,
            |t, s| is_word(WAIVER_WORDS)(t, s),
            None,
            WaiverMember::Error,
        ))
        .map(|((((name, app), control), obligation), members)| {
            ItemKind::Waiver(Waiver {
                name,
                app,
                control,
                obligation,
                members,
            })
        });

    const TEST_WORDS: &[&str] = &["given", "expect"];
    let test_member = choice((
        kw(cx, "given")
            .ignore_then(just(Token::App))
            .ignore_then(choice((
                app_block.map_with(|members, e| TestMember::GivenInline {
                    members,
                    id: alloc(e),
                }),
                name.clone().map(TestMember::GivenApp),
            ))),
        kw(cx, "expect")
            .ignore_then(just(Token::Not).or_not())
            .then(name.clone())
            .then(name.clone())
            .map_with(|((not, what), control), e| TestMember::Expect {
                negated: not.is_some(),
                what,
                control,
                id: alloc(e),
            }),
    ))
    .boxed();
    let test = just(Token::Test)
        .ignore_then(string.clone())
        .then(block(
            cx,
            &balanced,
            test_member,
            |t, s| is_word(TEST_WORDS)(t, s),
            None,
            TestMember::Error,
        ))
        .map(|(name, members)| ItemKind::Test(Test { name, members }));

    let import = just(Token::Import)
        .ignore_then(choice((string.map(Import::File), path.map(Import::Stdlib))))
        .map(ItemKind::Import);

    // ---- items -----------------------------------------------------------------------
    let item = choice((
        import, standard, profile, policy, risk, facts, archetype, control, mapping, app, waiver,
        test,
    ))
    .map_with(move |kind, e| Item {
        docs: cx.docs_at(e.span()),
        kind,
        id: alloc(e),
    })
    .boxed();
    // At the top level, a malformed stretch runs to the next item keyword.
    let item_start = any().filter(|tok: &Token| tok.starts_item());
    let garbage = any()
        .ignored()
        .then(balanced.and_is(item_start.not()).repeated())
        .map_with(|_, e| Item {
            docs: None,
            kind: ItemKind::Error,
            id: alloc(e),
        });
    item.recover_with(via_parser(garbage))
        .repeated()
        .collect::<Vec<_>>()
        .map(|items: Vec<Item>| SourceFile {
            items: items.into_iter().map(std::sync::Arc::new).collect(),
        })
}
