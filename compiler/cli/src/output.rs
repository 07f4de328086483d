//! Printing: the `--format` of `polic check`, the `--color` every command takes, and
//! diagnostics shown on stderr by commands whose stdout is their product. The formats
//! themselves are polic-report's.

use std::io::IsTerminal;

use polic_diagnostics::{ColorChoice, Diagnostic, Severity};
use polic_report::{Texts, check};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

pub fn write(
    format: Format,
    diagnostics: &[Diagnostic],
    texts: &Texts,
    color: ColorChoice,
    checked: &str,
) -> String {
    match format {
        Format::Human => check::human(diagnostics, texts, color, checked),
        Format::Json => check::json(diagnostics, texts),
        Format::Sarif => check::sarif(diagnostics, texts).to_json(),
        Format::Github => check::github(diagnostics, texts),
        Format::Junit => check::junit(diagnostics, texts),
    }
}

/// How diagnostics are coloured: `auto` means only on a terminal, and never under `NO_COLOR`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    pub fn choice(self, terminal: bool) -> ColorChoice {
        match self {
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
            Color::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
                ColorChoice::Never
            }
            Color::Auto if terminal => ColorChoice::Always,
            Color::Auto => ColorChoice::Never,
        }
    }
}

/// Diagnostics for a human on stderr, hints left out: used by commands whose stdout is
/// their product.
pub fn report_to_stderr(diagnostics: &[Diagnostic], texts: &Texts, color: Color, checked: &str) {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Hint)
        .cloned()
        .collect();
    if shown.is_empty() {
        return;
    }
    let color = color.choice(std::io::stderr().is_terminal());
    eprint!("{}", check::human(&shown, texts, color, checked));
}
