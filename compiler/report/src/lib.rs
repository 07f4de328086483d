//! The output edge of polic: every format a command writes for a machine or a CI service
//! (JSON, SARIF, GitHub annotations, JUnit XML, Markdown) and the human tables beside them,
//! for `check` (diagnostics), `eval` (evaluation reports) and `test` (policy tests) alike.
//! SARIF and JUnit go through one typed model each ([`sarif`], [`junit`]); diagnostics
//! are flattened by [`polic_diagnostics::Diagnostic::plain_text`] wherever no snippet is
//! shown. No I/O: every function returns the text to write.

pub mod check;
pub mod eval;
pub mod github;
pub mod junit;
pub mod sarif;
pub mod test;

pub use check::{Summary, Texts, plural};

/// `file:line:column` into its parts (1 for missing numbers).
pub fn split_source(source: &str) -> (&str, u64, u64) {
    let mut parts = source.rsplitn(3, ':');
    let column = parts.next().and_then(|c| c.parse().ok());
    let line = parts.next().and_then(|l| l.parse().ok());
    match (parts.next(), line, column) {
        (Some(file), Some(line), Some(column)) => (file, line, column),
        _ => (source, 1, 1),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sources_split_from_the_right() {
        assert_eq!(
            super::split_source("C:/a:b.polic:3:14"),
            ("C:/a:b.polic", 3, 14)
        );
        assert_eq!(super::split_source("a.polic"), ("a.polic", 1, 1));
    }
}
