//! Literal values, and the checks on them that the lexer's regular expressions cannot make
//! (calendar dates, duration units, integer range, string escapes).

use polic_diagnostics::{Code, Diagnostic, Span};

use crate::ast::Date;
use crate::lexer::Token;

/// The value of a string token, quotes removed and escapes resolved. Unknown escapes keep
/// the escaped character (and are reported by [`check`]).
pub fn unescape(token: &str) -> String {
    let inner = token.strip_prefix('"').unwrap_or(token);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    // Most strings have no escape: copy them whole rather than char by char.
    if !inner.contains('\\') {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Writes `value` as a string token: the inverse of [`unescape`].
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Days in a duration token such as `15d` or `2w`; `None` for another unit.
pub fn duration_days(token: &str) -> Option<u32> {
    let split = token.find(|c: char| !c.is_ascii_digit())?;
    let count: u32 = token[..split].parse().ok()?;
    match &token[split..] {
        "d" => Some(count),
        "w" => count.checked_mul(7),
        _ => None,
    }
}

/// How many characters of source text a message quotes.
const EXCERPT_CHARS: usize = 40;

/// Source text as a message quotes it: whole when short, else its first 40 characters and
/// `…`, so that a stretch of any length (a megabyte of invalid characters, a generated
/// name) makes a one-line message. The span still covers all of it.
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.into(),
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
    }
}

/// Reports malformed tokens. Each is reported here once; the parser then treats the token
/// as well-formed (or skips an invalid character), so one typo never cascades.
pub fn check(text: &str, tokens: &[(Token, Span)]) -> Vec<Diagnostic<Span>> {
    let mut diagnostics = Vec::new();
    for &(token, span) in tokens {
        let slice = &text[span.range()];
        match token {
            Token::Error => diagnostics.push(
                Diagnostic::new(
                    Code::InvalidCharacter,
                    format!("invalid character `{}`", excerpt(slice)),
                    span,
                )
                .with_label("no token starts with this")
                .with_help("identifiers contain letters, digits, `_` and single `-` between them"),
            ),
            Token::UnterminatedString => diagnostics.push(
                Diagnostic::new(Code::UnterminatedString, "unterminated string", span)
                    .with_label("this string is not closed")
                    .with_help(
                        "strings end with `\"` on the same line; write a line break as `\\n`",
                    ),
            ),
            // `contains` (a fast byte search) skips the common string without escapes.
            Token::String if slice.contains('\\') => {
                let mut chars = slice.char_indices().skip(1);
                while let Some((at, c)) = chars.next() {
                    if c != '\\' {
                        continue;
                    }
                    if let Some((_, escaped)) = chars.next()
                        && !matches!(escaped, '"' | '\\' | 'n' | 't')
                    {
                        let start = span.start as usize + at;
                        let escape_span = Span::new(start, start + 1 + escaped.len_utf8());
                        diagnostics.push(
                            Diagnostic::new(
                                Code::InvalidLiteral,
                                format!("unknown escape `\\{escaped}`"),
                                escape_span,
                            )
                            .with_help("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"),
                        );
                    }
                }
            }
            Token::Date if Date::parse(slice).is_none() => diagnostics.push(
                Diagnostic::new(
                    Code::InvalidLiteral,
                    format!("invalid date `{slice}`"),
                    span,
                )
                .with_label("no such day")
                .with_help("dates are written YYYY-MM-DD"),
            ),
            Token::Duration if duration_days(slice).is_none() => {
                let unit_at = slice.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
                let unit = &slice[unit_at..];
                let message = if unit == "d" || unit == "w" {
                    format!("duration `{}` is too long", excerpt(slice))
                } else {
                    format!(
                        "unknown duration unit `{}` in `{}`",
                        excerpt(unit),
                        excerpt(slice)
                    )
                };
                diagnostics.push(
                    Diagnostic::new(Code::InvalidLiteral, message, span)
                        .with_help("durations are whole days (`30d`) or weeks (`2w`)"),
                );
            }
            Token::Int if slice.parse::<u32>().is_err() => diagnostics.push(
                Diagnostic::new(
                    Code::InvalidLiteral,
                    format!("integer `{}` is too large", excerpt(slice)),
                    span,
                )
                .with_help(format!("integers go up to {}", u32::MAX)),
            ),
            _ => {}
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_quote_and_unescape() {
        for value in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "two\nlines",
            "tab\there",
            "é ✓",
        ] {
            assert_eq!(unescape(&quote(value)), value);
        }
    }

    #[test]
    fn excerpts_stop_at_forty_characters() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(1000);
        assert_eq!(excerpt(&long), format!("{}…", "é".repeat(40)));
        assert_eq!(excerpt(&"x".repeat(40)), "x".repeat(40));
    }

    #[test]
    fn durations_in_days() {
        assert_eq!(duration_days("15d"), Some(15));
        assert_eq!(duration_days("2w"), Some(14));
        assert_eq!(duration_days("3m"), None);
    }
}
