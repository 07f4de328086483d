//! Diagnostics in each output format: human (ariadne), JSON, SARIF, GitHub workflow
//! commands and JUnit XML. Every format lists diagnostics in the order given (sorted by the
//! caller) and says the same of each: [`Diagnostic::plain_text`] wherever no snippet is
//! shown.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeMap;

use polic_diagnostics::{Code, ColorChoice, Diagnostic, LineIndex, Located, Renderer, Severity};
use serde_json::{Value, json};

use crate::github::{self, Annotation};
use crate::junit::{Case, Outcome, Suite, Suites};
use crate::sarif::{self, Configuration, Level, Location, MultiformatMessage, Region, Rule};

/// The texts diagnostics point into. Line indexes are built when a diagnostic first needs
/// one: most texts (the standard library's, large) are never shown.
#[derive(Default)]
pub struct Texts {
    texts: BTreeMap<String, (Cow<'static, str>, OnceCell<LineIndex>)>,
}

/// One end of a location: one-based line and column (in characters), and the zero-based
/// character offset from the start of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    line: u32,
    column: u32,
    char_offset: u32,
}

impl Texts {
    pub fn new(texts: BTreeMap<String, String>) -> Texts {
        let mut out = Texts::default();
        out.extend(texts);
        out
    }

    pub fn extend(&mut self, texts: BTreeMap<String, String>) {
        for (path, text) in texts {
            self.insert(path, Cow::Owned(text));
        }
    }

    pub fn insert(&mut self, path: String, text: Cow<'static, str>) {
        self.texts.insert(path, (text, OnceCell::new()));
    }

    /// Both ends of a location; the start of an unknown file for one not here.
    fn points(&self, at: &Located) -> (Point, Point) {
        let Some((text, index)) = self.texts.get(&at.file) else {
            let origin = Point {
                line: 1,
                column: 1,
                char_offset: 0,
            };
            return (origin, origin);
        };
        let index = index.get_or_init(|| LineIndex::new(text));
        let point = |offset: u32| {
            let (line, column) = index.human(text, offset);
            Point {
                line,
                column,
                char_offset: index.char_offset(text, offset),
            }
        };
        (point(at.span.start), point(at.span.end))
    }
}

impl polic_diagnostics::Sources for Texts {
    fn text(&self, file: &str) -> Option<&str> {
        self.texts.get(file).map(|(text, _)| text.as_ref())
    }
}

pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Summary {
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            hints: count(Severity::Hint),
        }
    }

    /// `checked 3 files: 1 error, 0 warnings, 0 hints`; `checked` says what was checked.
    pub fn line(&self, checked: &str) -> String {
        format!(
            "checked {checked}: {}, {}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.hints, "hint")
        )
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// For a terminal: each diagnostic with its snippet, then the summary line; `checked`
/// says what was checked.
pub fn human(
    diagnostics: &[Diagnostic],
    texts: &Texts,
    color: ColorChoice,
    checked: &str,
) -> String {
    let mut out = String::new();
    let mut renderer = Renderer::new(texts, color);
    for diagnostic in diagnostics {
        out.push_str(&renderer.render(diagnostic));
    }
    out.push_str(&Summary::of(diagnostics).line(checked));
    out.push('\n');
    out
}

fn location_json(at: &Located, texts: &Texts) -> Value {
    let (start, end) = texts.points(at);
    json!({
        "file": at.file,
        "start": at.span.start,
        "end": at.span.end,
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    })
}

pub fn json(diagnostics: &[Diagnostic], texts: &Texts) -> String {
    serde_json::to_string_pretty(&json_diagnostics(diagnostics, texts)).unwrap_or_default() + "\n"
}

fn json_diagnostics(diagnostics: &[Diagnostic], texts: &Texts) -> Value {
    Value::Array(
        diagnostics
            .iter()
            .map(|d| {
                json!({
                    "code": d.code.as_str(),
                    "name": d.code.name(),
                    "severity": d.severity.as_str(),
                    "message": d.message,
                    "location": location_json(&d.primary.at, texts),
                    "label": d.primary.message,
                    "related": d.secondary.iter().map(|l| json!({
                        "message": l.message,
                        "location": location_json(&l.at, texts),
                    })).collect::<Vec<_>>(),
                    "notes": d.notes,
                    "help": d.help,
                    "suggestions": d.suggestions.iter().map(|s| json!({
                        "replacement": s.replacement,
                        "location": location_json(&s.at, texts),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Hint => Level::Note,
    }
}

fn sarif_location(at: &Located, texts: &Texts) -> Location {
    let (start, end) = texts.points(at);
    Location::new(
        &at.file,
        Region {
            start_line: start.line.into(),
            start_column: Some(start.column.into()),
            end_line: Some(end.line.into()),
            end_column: Some(end.column.into()),
            char_offset: Some(start.char_offset.into()),
            char_length: Some(end.char_offset.saturating_sub(start.char_offset).into()),
        },
    )
}

/// SARIF as GitHub code scanning reads it: a rule per code with its doc as help, a result
/// per diagnostic with its related locations.
pub fn sarif(diagnostics: &[Diagnostic], texts: &Texts) -> sarif::Log {
    let mut codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<Rule> = codes
        .iter()
        .map(|code| Rule {
            name: Some(code.name().to_string()),
            full_description: Some(sarif::Message::new(code.summary())),
            help: Some(MultiformatMessage {
                text: code.doc().to_string(),
                markdown: code.doc().to_string(),
            }),
            default_configuration: Some(Configuration {
                level: level(code.default_severity()),
            }),
            ..Rule::new(code.as_str(), code.summary())
        })
        .collect();
    let results = diagnostics
        .iter()
        .map(|d| {
            let mut result = sarif::Result::new(
                &rules,
                d.code.as_str(),
                level(d.severity),
                d.plain_text(),
                sarif_location(&d.primary.at, texts),
            );
            result.related_locations = d
                .secondary
                .iter()
                .enumerate()
                .map(|(i, l)| sarif_location(&l.at, texts).related(i, &l.message))
                .collect();
            result
        })
        .collect();
    sarif::Log::new(sarif::Run::new(rules, results))
}

/// One annotation per diagnostic, over the range it points at.
pub fn github(diagnostics: &[Diagnostic], texts: &Texts) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => Annotation::Error,
            Severity::Warning => Annotation::Warning,
            Severity::Hint => Annotation::Notice,
        };
        let (start, end) = texts.points(&d.primary.at);
        let at = github::Place {
            line: start.line,
            column: start.column,
            end: Some((end.line, end.column)),
        };
        let title = format!("{} {}", d.code.as_str(), d.code.name());
        out.push_str(&github::annotation(
            kind,
            &d.primary.at.file,
            at,
            &title,
            &d.plain_text(),
        ));
    }
    out
}

/// One test case per checked file, failing with its errors (and warnings, which are
/// listed as failures of type `warning` so CI dashboards show them).
pub fn junit(diagnostics: &[Diagnostic], texts: &Texts) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = texts
        .texts
        .keys()
        .map(|f| (f.as_str(), Vec::new()))
        .collect();
    for d in diagnostics {
        by_file
            .entry(d.primary.at.file.as_str())
            .or_default()
            .push(d);
    }
    let cases = by_file
        .into_iter()
        .map(|(file, ds)| {
            let mut case = Case::new("polic", file);
            for d in ds.into_iter().filter(|d| d.severity != Severity::Hint) {
                let (start, _) = texts.points(&d.primary.at);
                case.outcomes.push(Outcome::Failure {
                    kind: Some(d.severity.as_str().to_string()),
                    message: d.message.clone(),
                    text: format!(
                        "{file}:{}:{}: {}[{}] {}",
                        start.line,
                        start.column,
                        d.severity.as_str(),
                        d.code.as_str(),
                        d.plain_text()
                    ),
                });
            }
            case
        })
        .collect();
    let name = "polic check".to_string();
    Suites {
        name: name.clone(),
        suites: vec![Suite { name, cases }],
    }
    .to_xml()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polic_diagnostics::Span;

    #[test]
    fn points_count_characters_from_the_line_and_the_text() {
        let texts = Texts::new(BTreeMap::from([(
            "a.polic".to_string(),
            "é\n𝄞 x y".to_string(),
        )]));
        let x = "é\n𝄞 ".len();
        let at = Located {
            file: "a.polic".into(),
            span: Span::new(x, x + 3),
        };
        let (start, end) = texts.points(&at);
        assert_eq!(
            (start, end),
            (
                Point {
                    line: 2,
                    column: 3,
                    char_offset: 4
                },
                Point {
                    line: 2,
                    column: 6,
                    char_offset: 7
                }
            )
        );
    }
}
