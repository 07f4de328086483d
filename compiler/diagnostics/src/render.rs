use std::collections::BTreeMap;

use ariadne::{Cache, CharSet, Color, Config, IndexType, Label, Report, ReportKind, Source};

use crate::{Diagnostic, Severity};

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

/// Renders one diagnostic for a terminal. Plain ASCII without colour when `color` is
/// `Never`, so that CI logs and snapshots stay readable. Labels may point into any file the
/// `sources` know, the embedded standard library included.
pub fn render_terminal<'a>(
    diagnostic: &'a Diagnostic,
    sources: &'a dyn Sources,
    color: ColorChoice,
) -> String {
    let colored = color == ColorChoice::Always;
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
    // Spans are byte offsets; ariadne gets character offsets, because with byte indexing it
    // places the header of a label in another file by a character count (ariadne 0.6).
    // A span off a character boundary (a stale one, say) is rounded down, never a panic.
    let range = |at: &crate::Located| {
        let text = sources.text(&at.file).unwrap_or_default();
        let chars = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text[..i].chars().count()
        };
        chars(at.span.start as usize)..chars(at.span.end as usize)
    };
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
    for label in &diagnostic.secondary {
        if sources.text(&label.at.file).is_none() {
            continue;
        }
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

    let mut files = FileCache(Vec::new());
    let mut add_file = |name: &'a str| {
        if !files.0.iter().any(|(known, _)| *known == name) {
            files
                .0
                .push((name, Source::from(sources.text(name).unwrap_or_default())));
        }
    };
    add_file(&primary.file);
    for label in &diagnostic.secondary {
        if sources.text(&label.at.file).is_some() {
            add_file(&label.at.file);
        }
    }
    let mut out = Vec::new();
    report
        .finish()
        .write(files, &mut out)
        .expect("writing to a Vec cannot fail");
    let rendered = String::from_utf8_lossy(&out).into_owned();
    // ariadne colours a custom report kind even with colour off.
    if colored {
        rendered
    } else {
        strip_ansi(&rendered)
    }
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

/// The files one report needs, borrowed: ariadne's own caches want `'static` names.
struct FileCache<'a>(Vec<(&'a str, Source<&'a str>)>);

impl<'a> Cache<&'a str> for FileCache<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, id: &&'a str) -> Result<&Source<&'a str>, impl std::fmt::Debug> {
        self.0
            .iter()
            .find(|(name, _)| name == id)
            .map(|(_, source)| source)
            .ok_or(*id)
    }

    fn display<'b>(&self, id: &'b &'a str) -> Option<impl std::fmt::Display + 'b> {
        Some(*id)
    }
}
