//! The formatter on any text it accepts (no syntax errors): formatting is idempotent, keeps
//! every comment's text in order, and the formatted text parses to the same syntax tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Every comment's text, in order. A line comment's token ends before the `\n` but holds
/// the `\r` of a CRLF ending (or a lone one at the end of the file): that is the line's
/// ending, which the formatter makes the file's, not the comment's text.
fn comments(text: &str) -> Vec<&str> {
    polic_syntax::lexer::lex(text)
        .into_iter()
        .filter(|(token, _)| token.is_trivia())
        .map(|(_, span)| {
            text[span.range()]
                .strip_suffix('\r')
                .unwrap_or(&text[span.range()])
        })
        .collect()
}

fuzz_target!(|input: (u8, &str)| {
    let (width, text) = input;
    // Narrow widths break every list and condition; wide ones keep them on a line.
    let options = polic_fmt::Options {
        line_width: usize::from(width % 128) + 1,
    };
    let Ok(once) = polic_fmt::format(text, &options) else {
        return;
    };
    let parsed = polic_syntax::parse(&once);
    assert!(
        parsed.errors.is_empty(),
        "the formatted text has syntax errors {:?}:\n{once}",
        parsed.errors
    );
    assert!(
        parsed.tree == polic_syntax::parse(text).tree,
        "formatting changed the syntax tree:\n{text}\n---\n{once}"
    );
    assert_eq!(
        comments(&once),
        comments(text),
        "formatting lost or changed comments"
    );
    let twice =
        polic_fmt::format(&once, &options).expect("the formatted text has no syntax errors");
    assert_eq!(twice, once, "formatting is not idempotent");
});
