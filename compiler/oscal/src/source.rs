//! Writing polic source. What is written here is laid out by `polic_fmt` afterwards; only
//! `///` docs, which the formatter keeps as written, are wrapped here, at its line width.

use polic_syntax::lexer::{self, Token};

/// Where `///` docs wrap: the formatter's line width.
const WIDTH: usize = 100;

/// A string literal: quoted, with the escapes the lexer reads, whitespace folded onto one
/// line (polic strings cannot span lines).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
        }
    }
    out.push('"');
    out
}

/// Whether `text` lexes as exactly one token of `kind`.
fn lexes_as(text: &str, kind: Token) -> bool {
    let tokens = lexer::lex(text);
    matches!(tokens.as_slice(), [(token, span)] if *token == kind && span.end as usize == text.len())
}

/// Whether `text` can name a group, standard or profile: an identifier, not a reserved word.
pub fn is_identifier(text: &str) -> bool {
    lexes_as(text, Token::Ident)
}

/// Whether `id` can follow `#` as a clause id.
pub fn is_clause_id(id: &str) -> bool {
    lexes_as(&format!("#{id}"), Token::ClauseId)
}

/// A polic identifier made from arbitrary text (an OSCAL group id or title, a file name):
/// lowercased, runs of other characters become one `-`, a leading digit gets `g-`, and a
/// reserved word gets `-group`.
pub fn identifier_from(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("{prefix}-{out}").trim_end_matches('-').to_string();
    }
    if !is_identifier(&out) {
        out.push_str("-group");
    }
    out
}

/// `///` lines for a doc text, wrapped at [`WIDTH`] after `indent`.
pub fn doc(out: &mut String, indent: &str, text: &str) {
    comment(out, &format!("{indent}///"), text);
}

/// Comment lines starting with `prefix` (`//`, `  ///`), each paragraph of `text` wrapped
/// at [`WIDTH`] columns (a word longer than a line gets one of its own).
pub fn comment(out: &mut String, prefix: &str, text: &str) {
    for paragraph in text.lines() {
        let mut line = prefix.to_string();
        let empty = line.len();
        for word in paragraph.split_whitespace() {
            if line.len() > empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(&line);
                out.push('\n');
                line = prefix.to_string();
            }
            line.push(' ');
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_and_fold() {
        assert_eq!(quote("a \"b\"\n  c\\d"), r#""a \"b\" c\\d""#);
    }

    #[test]
    fn identifiers_and_clause_ids() {
        assert!(is_identifier("ac"));
        assert!(is_identifier("v1-1"));
        assert!(!is_identifier("group"));
        assert!(!is_identifier("a--b"));
        assert!(is_clause_id("ac-2.1"));
        assert!(is_clause_id("AC-2(1)"));
        assert!(!is_clause_id("_x"));
        assert!(!is_clause_id("a b"));
        assert_eq!(identifier_from("Access Control", "g"), "access-control");
        assert_eq!(identifier_from("3.1 Scope", "g"), "g-3-1-scope");
        assert_eq!(identifier_from("group", "g"), "group-group");
        assert_eq!(
            identifier_from("NIST_SP-800-53_rev5", "g"),
            "nist_sp-800-53_rev5"
        );
    }
}
