use std::collections::BTreeMap;
use std::ops::Range;

use ariadne::{Cache, CharSet, Color, Config, IndexType, Label, Report, ReportKind, Source};

use crate::{Diagnostic, LineIndex, Severity};

/// The texts of the files diagnostics point into, by the name they carry.
pub trait Sources {
    fn text(&self, file: &str) -> Option<&str>;
}

impl Sources for BTreeMap<String, String> {
    fn text(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

/// Renders diagnostics for a terminal. Plain ASCII without colour when `color` is `Never`,
/// so that CI logs and snapshots stay readable. Labels may point into any file the
/// `sources` know, the embedded standard library included. What it learns of a file (the
/// lines ariadne draws from, offsets in characters) is kept for the next diagnostic, so
/// rendering n diagnostics in one file reads the file once, not n times.
pub struct Renderer<'a> {
    sources: &'a dyn Sources,
    color: ColorChoice,
    files: FileCache<'a>,
}

impl<'a> Renderer<'a> {
    pub fn new(sources: &'a dyn Sources, color: ColorChoice) -> Renderer<'a> {
        Renderer {
            sources,
            color,
            files: FileCache(BTreeMap::new()),
        }
    }

    pub fn render(&mut self, diagnostic: &Diagnostic) -> String {
        let colored = self.color == ColorChoice::Always;
        let config = Config::new()
            .with_index_type(IndexType::Char)
            .with_color(colored)
            .with_char_set(if colored {
                CharSet::Unicode
            } else {
                CharSet::Ascii
            });
        let (kind_color, label_color) = match diagnostic.severity {
            Severity::Error => (Color::Red, Color::Red),
            Severity::Warning => (Color::Yellow, Color::Yellow),
            Severity::Hint => (Color::Cyan, Color::Cyan),
        };
        // The code goes in the header the way rustc and Cedar write it: `error[P0102]: ...`.
        let header = format!(
            "{}[{}]",
            diagnostic.severity.as_str(),
            diagnostic.code.as_str()
        );
        let primary = &diagnostic.primary.at;
        self.files.add(&primary.file, self.sources);
        let labelled: Vec<&crate::Label<crate::Located>> = diagnostic
            .secondary
            .iter()
            .filter(|label| self.sources.text(&label.at.file).is_some())
            .collect();
        for label in &labelled {
            self.files.add(&label.at.file, self.sources);
        }
        let files = &self.files;
        let range = |at: &'_ crate::Located| files.chars(at);
        let mut report = Report::build(
            ReportKind::Custom(&header, kind_color),
            (primary.file.as_str(), range(primary)),
        )
        .with_config(config)
        .with_message(&diagnostic.message);

        let mut primary_label = Label::new((primary.file.as_str(), range(primary)));
        if colored {
            primary_label = primary_label.with_color(label_color);
        }
        // ariadne draws no underline for a label without a message.
        let primary_message = match diagnostic.primary.message.as_str() {
            "" => diagnostic.code.summary(),
            message => message,
        };
        primary_label = primary_label.with_message(primary_message);
        report.add_label(primary_label);
        for label in labelled {
            let mut secondary =
                Label::new((label.at.file.as_str(), range(&label.at))).with_message(&label.message);
            if colored {
                secondary = secondary.with_color(Color::Blue);
            }
            report.add_label(secondary);
        }
        if let Some(help) = &diagnostic.help {
            report.add_help(help);
        }
        for suggestion in &diagnostic.suggestions {
            report.add_help(format!("did you mean `{}`?", suggestion.replacement));
        }
        for note in &diagnostic.notes {
            report.add_note(note);
        }

        let mut out = Vec::new();
        report
            .finish()
            .write(&mut self.files, &mut out)
            .expect("writing to a Vec cannot fail");
        let rendered = String::from_utf8_lossy(&out).into_owned();
        // ariadne colours a custom report kind even with colour off.
        if colored {
            rendered
        } else {
            strip_ansi(&rendered)
        }
    }
}

/// Renders one diagnostic; for several, a [`Renderer`] reads each file once.
pub fn render_terminal(
    diagnostic: &Diagnostic,
    sources: &dyn Sources,
    color: ColorChoice,
) -> String {
    Renderer::new(sources, color).render(diagnostic)
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI sequence: ESC [ parameters final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The files reports point into, each read once: ariadne's lines, and the line index that
/// turns byte offsets into the character offsets ariadne is given.
struct FileCache<'a>(BTreeMap<String, (Source<&'a str>, LineIndex)>);

impl<'a> FileCache<'a> {
    fn add(&mut self, name: &str, sources: &'a dyn Sources) {
        if !self.0.contains_key(name) {
            let text = sources.text(name).unwrap_or_default();
            self.0
                .insert(name.to_string(), (Source::from(text), LineIndex::new(text)));
        }
    }

    /// A span in characters. Spans are byte offsets; ariadne gets character offsets,
    /// because with byte indexing it places the header of a label in another file by a
    /// character count (ariadne 0.6).
    fn chars(&self, at: &crate::Located) -> Range<usize> {
        match self.0.get(&at.file) {
            Some((source, lines)) => {
                let text = source.text();
                let chars = |offset| lines.char_offset(text, offset) as usize;
                chars(at.span.start)..chars(at.span.end)
            }
            None => 0..0,
        }
    }
}

impl<'a> Cache<&str> for FileCache<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, id: &&str) -> Result<&Source<&'a str>, impl std::fmt::Debug> {
        self.0
            .get(*id)
            .map(|(source, _)| source)
            .ok_or_else(|| id.to_string())
    }

    fn display<'b>(&self, id: &'b &str) -> Option<impl std::fmt::Display + 'b> {
        Some(*id)
    }
}
