//! The lexer: the whole file becomes `(Token, Span)` pairs, comments included, so that the
//! parser, the formatter and the language server's semantic tokens all read one stream.

use logos::Logos;
use polic_diagnostics::Span;

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum Token {
    #[regex(r"///[^\n]*", allow_greedy = true)]
    DocComment,
    #[regex(r"//([^/\n][^\n]*)?", allow_greedy = true)]
    #[regex(r"////[^\n]*", allow_greedy = true)]
    LineComment,
    #[regex(r"/\*([^*]|\*+[^*/])*\*+/")]
    BlockComment,

    #[token("import")]
    Import,
    #[token("standard")]
    Standard,
    #[token("group")]
    Group,
    #[token("clause")]
    Clause,
    #[token("profile")]
    Profile,
    #[token("policy")]
    Policy,
    #[token("risk")]
    Risk,
    #[token("facts")]
    Facts,
    #[token("archetype")]
    Archetype,
    #[token("control")]
    Control,
    #[token("obligation")]
    Obligation,
    #[token("map")]
    Map,
    #[token("app")]
    App,
    #[token("waiver")]
    Waiver,
    #[token("test")]
    Test,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("in")]
    In,
    #[token("true")]
    True,
    #[token("false")]
    False,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*")]
    Ident,
    /// `std#A.8.24`: a clause of a named standard.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*#[A-Za-z0-9][A-Za-z0-9_.()\-]*")]
    ClauseRef,
    /// `#A.8.24`: a clause id where the standard is implied (declarations, withdrawals).
    #[regex(r"#[A-Za-z0-9][A-Za-z0-9_.()\-]*")]
    ClauseId,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    String,
    #[regex(r#""([^"\\\n]|\\[^\n])*"#)]
    UnterminatedString,
    #[regex(r"[0-9]+")]
    Int,
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    Date,
    #[regex(r"[0-9]+[A-Za-z_][A-Za-z0-9_]*")]
    Duration,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("|")]
    Pipe,
    #[token("=")]
    Eq,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    LtEq,
    #[token(">")]
    Gt,
    #[token(">=")]
    GtEq,

    /// Anything that starts no token; reported once per run of such characters.
    Error,
}

impl Token {
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            Token::DocComment | Token::LineComment | Token::BlockComment
        )
    }

    pub fn is_keyword(self) -> bool {
        use Token::*;
        matches!(
            self,
            Import
                | Standard
                | Group
                | Clause
                | Profile
                | Policy
                | Risk
                | Facts
                | Archetype
                | Control
                | Obligation
                | Map
                | App
                | Waiver
                | Test
                | And
                | Or
                | Not
                | In
                | True
                | False
        )
    }

    /// Tokens that start a top-level item: where recovery resumes after an error.
    pub fn starts_item(self) -> bool {
        use Token::*;
        matches!(
            self,
            Import
                | Standard
                | Profile
                | Policy
                | Risk
                | Facts
                | Archetype
                | Control
                | Map
                | App
                | Waiver
                | Test
        )
    }

    /// How the token is named in "expected ..." messages.
    pub fn describe(self) -> &'static str {
        use Token::*;
        match self {
            DocComment => "doc comment",
            LineComment | BlockComment => "comment",
            Import => "`import`",
            Standard => "`standard`",
            Group => "`group`",
            Clause => "`clause`",
            Profile => "`profile`",
            Policy => "`policy`",
            Risk => "`risk`",
            Facts => "`facts`",
            Archetype => "`archetype`",
            Control => "`control`",
            Obligation => "`obligation`",
            Map => "`map`",
            App => "`app`",
            Waiver => "`waiver`",
            Test => "`test`",
            And => "`and`",
            Or => "`or`",
            Not => "`not`",
            In => "`in`",
            True => "`true`",
            False => "`false`",
            Ident => "identifier",
            ClauseRef => "clause reference",
            ClauseId => "clause id",
            String | UnterminatedString => "string",
            Int => "integer",
            Date => "date",
            Duration => "duration",
            LBrace => "`{`",
            RBrace => "`}`",
            LParen => "`(`",
            RParen => "`)`",
            Comma => "`,`",
            Semi => "`;`",
            Colon => "`:`",
            Dot => "`.`",
            Pipe => "`|`",
            Eq => "`=`",
            EqEq => "`==`",
            NotEq => "`!=`",
            Lt => "`<`",
            LtEq => "`<=`",
            Gt => "`>`",
            GtEq => "`>=`",
            Error => "invalid character",
        }
    }
}

/// Lexes a whole text. Runs of characters that start no token become one `Error` token, so
/// a stray `@@@` is one diagnostic, not three.
pub fn lex(text: &str) -> Vec<(Token, Span)> {
    // About one token per six or seven bytes in typical files: reserving that spares the
    // regrowth. Capped, so that a huge file of one long token reserves nothing it won't use.
    let mut tokens: Vec<(Token, Span)> = Vec::with_capacity((text.len() / 6).min(1 << 20));
    let mut base = 0;
    'restart: loop {
        let mut lexer = Token::lexer(&text[base..]);
        while let Some(result) = lexer.next() {
            let range = lexer.span();
            let span = Span::new(base + range.start, base + range.end);
            let token = result.unwrap_or(Token::Error);
            if token == Token::UnterminatedString
                && let Some(cut) = block_opener_in_string(&text[span.range()])
            {
                // `"Title {` lost its closing quote: end the string before the `{` and
                // lex on from there, so the block still opens.
                let end = span.start as usize + cut;
                let trimmed = text[span.start as usize..end].trim_end().len();
                tokens.push((
                    token,
                    Span::new(span.start as usize, span.start as usize + trimmed),
                ));
                base = end;
                continue 'restart;
            }
            match tokens.last_mut() {
                Some((Token::Error, last)) if token == Token::Error && last.end == span.start => {
                    last.end = span.end;
                }
                _ => tokens.push((token, span)),
            }
        }
        return tokens;
    }
}

/// In an unterminated string, the offset of a `{` that is followed only by blanks or a
/// comment: the likely opening brace of a block whose title lost its quote.
fn block_opener_in_string(string: &str) -> Option<usize> {
    let at = string.rfind('{')?;
    let rest = string[at + 1..].trim_start();
    (rest.is_empty() || rest.starts_with("//")).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Token, &str)> {
        lex(text)
            .into_iter()
            .map(|(t, s)| (t, &text[s.range()]))
            .collect()
    }

    #[test]
    fn clause_references_and_ids_are_single_tokens() {
        assert_eq!(
            kinds("satisfies nist80053#AC-2(1), iso27001#A.8.24 clause #V2.1.1"),
            vec![
                (Token::Ident, "satisfies"),
                (Token::ClauseRef, "nist80053#AC-2(1)"),
                (Token::Comma, ","),
                (Token::ClauseRef, "iso27001#A.8.24"),
                (Token::Clause, "clause"),
                (Token::ClauseId, "#V2.1.1"),
            ]
        );
    }

    #[test]
    fn identifiers_keep_inner_dashes_only() {
        assert_eq!(
            kinds("applies-to tls-in-transit a--b"),
            vec![
                (Token::Ident, "applies-to"),
                (Token::Ident, "tls-in-transit"),
                (Token::Ident, "a"),
                (Token::Error, "--"),
                (Token::Ident, "b"),
            ]
        );
    }

    #[test]
    fn an_unterminated_title_keeps_its_block() {
        assert_eq!(
            kinds("app a \"Title {  // note\n}"),
            vec![
                (Token::App, "app"),
                (Token::Ident, "a"),
                (Token::UnterminatedString, "\"Title"),
                (Token::LBrace, "{"),
                (Token::LineComment, "// note"),
                (Token::RBrace, "}"),
            ]
        );
    }

    #[test]
    fn literals_and_comments() {
        assert_eq!(
            kinds("2027-03-31 15d 42 \"a \\\"b\\\"\" /// doc\n// line\n/* block */ \"open"),
            vec![
                (Token::Date, "2027-03-31"),
                (Token::Duration, "15d"),
                (Token::Int, "42"),
                (Token::String, "\"a \\\"b\\\"\""),
                (Token::DocComment, "/// doc"),
                (Token::LineComment, "// line"),
                (Token::BlockComment, "/* block */"),
                (Token::UnterminatedString, "\"open"),
            ]
        );
    }
}
