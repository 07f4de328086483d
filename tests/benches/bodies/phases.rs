//! Bodies of the front-end benchmarks (benches/phases.rs), shared with
//! tests/benches_smoke.rs.

/// Lexes every file; returns the number of tokens.
pub fn lex(files: &[(String, String)]) -> usize {
    files
        .iter()
        .map(|(_, text)| polic_syntax::lexer::lex(text).len())
        .sum()
}

/// Parses every file; returns the parses, dropped after timing.
pub fn parse(files: &[(String, String)]) -> Vec<polic_syntax::Parse> {
    files
        .iter()
        .map(|(_, text)| polic_syntax::parse(text))
        .collect()
}
