//! The lexer and the parser on any text: parsing never fails, every token and error lies
//! inside the text on character boundaries, tokens come in order without overlapping, and
//! the position-free tree survives the encoding the standard library's trees are built in.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polic_diagnostics::Span;

fn inside(text: &str, span: Span) -> bool {
    span.start <= span.end
        && (span.end as usize) <= text.len()
        && text.is_char_boundary(span.start as usize)
        && text.is_char_boundary(span.end as usize)
}

fuzz_target!(|text: &str| {
    let tokens = polic_syntax::lexer::lex(text);
    let mut end = 0;
    for (token, span) in &tokens {
        assert!(
            inside(text, *span),
            "{token:?} at {span:?} is outside the text"
        );
        assert!(
            span.start >= end,
            "{token:?} at {span:?} overlaps the token before it"
        );
        end = span.end;
    }
    let parse = polic_syntax::parse(text);
    assert_eq!(parse.tokens, tokens, "the parser's tokens are the lexer's");
    for error in &parse.errors {
        assert!(
            inside(text, error.primary.at),
            "{error:?} is outside the text"
        );
    }
    for span in parse.source_map.spans() {
        assert!(
            inside(text, *span),
            "a node at {span:?} is outside the text"
        );
    }
    let decoded = polic_syntax::decode_tree(&polic_syntax::encode_tree(&parse.tree));
    assert_eq!(
        decoded.as_ref(),
        Some(&*parse.tree),
        "the tree does not survive encoding"
    );
});
