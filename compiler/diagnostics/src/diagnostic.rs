use crate::{Code, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "hint",
        }
    }
}

/// A place in a named source file: the location of a finished diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Located {
    pub file: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label<L> {
    pub at: L,
    pub message: String,
}

/// A replacement that fixes the diagnostic: rendered as a did-you-mean, offered by the
/// language server as a quick fix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Suggestion<L> {
    pub at: L,
    pub replacement: String,
}

/// The one diagnostic type. `L` is where it points: a span within a file while parsing, a
/// position-free syntax node id during analysis (so results survive edits that only move
/// text), and a [`Located`] file and span once finished.
///
/// Messages are one lowercase line without a final period; `help` says what to do;
/// suggestions render as "did you mean".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic<L = Located> {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label<L>,
    pub secondary: Vec<Label<L>>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub suggestions: Vec<Suggestion<L>>,
}

impl<L> Diagnostic<L> {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>, at: L) -> Diagnostic<L> {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            primary: Label {
                at,
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
        }
    }

    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, at: L, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            at,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_suggestion(mut self, at: L, replacement: impl Into<String>) -> Self {
        self.suggestions.push(Suggestion {
            at,
            replacement: replacement.into(),
        });
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Moves every location through `f`, e.g. from syntax node ids to file spans.
    pub fn map_locations<M>(self, mut f: impl FnMut(L) -> M) -> Diagnostic<M> {
        Diagnostic {
            code: self.code,
            severity: self.severity,
            message: self.message,
            primary: Label {
                at: f(self.primary.at),
                message: self.primary.message,
            },
            secondary: self
                .secondary
                .into_iter()
                .map(|label| Label {
                    at: f(label.at),
                    message: label.message,
                })
                .collect(),
            notes: self.notes,
            help: self.help,
            suggestions: self
                .suggestions
                .into_iter()
                .map(|s| Suggestion {
                    at: f(s.at),
                    replacement: s.replacement,
                })
                .collect(),
        }
    }
}

impl Diagnostic<Span> {
    /// Gives a file-local diagnostic its file.
    pub fn in_file(self, file: &str) -> Diagnostic {
        self.map_locations(|span| Located {
            file: file.to_string(),
            span,
        })
    }
}

impl<L> Diagnostic<L> {
    /// The diagnostic as plain text, for outputs that show no source snippet (the
    /// language server, CI annotations, JUnit, SARIF): the message, the primary label,
    /// then help, did-you-mean and notes in the order the terminal shows them.
    pub fn plain_text(&self) -> String {
        let mut text = self.message.clone();
        if !self.primary.message.is_empty() {
            text.push('\n');
            text.push_str(&self.primary.message);
        }
        if let Some(help) = &self.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        for suggestion in &self.suggestions {
            text.push_str(&format!(
                "\nhelp: did you mean `{}`?",
                suggestion.replacement
            ));
        }
        for note in &self.notes {
            text.push_str("\nnote: ");
            text.push_str(note);
        }
        text
    }
}

impl Diagnostic {
    /// Ordering for output: by file, position, then code, so output is deterministic.
    pub fn sort_key(&self) -> (&str, Span, Code, &str) {
        (
            &self.primary.at.file,
            self.primary.at.span,
            self.code,
            &self.message,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_has_everything_the_terminal_shows_but_the_snippet() {
        let d = Diagnostic::new(
            Code::UnknownClause,
            "unknown clause `sc-99`",
            Span::new(0, 1),
        )
        .with_label("no such clause")
        .with_help("name a clause of the standard")
        .with_suggestion(Span::new(0, 1), "sc-9")
        .with_note("standards are imported");
        assert_eq!(
            d.plain_text(),
            "unknown clause `sc-99`\nno such clause\nhelp: name a clause of the standard\n\
             help: did you mean `sc-9`?\nnote: standards are imported"
        );
        let bare = Diagnostic::new(
            Code::UnknownClause,
            "unknown clause `sc-99`",
            Span::new(0, 1),
        );
        assert_eq!(bare.plain_text(), "unknown clause `sc-99`");
    }
}
