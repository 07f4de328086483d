//! Writing diagnostics in each output format: human (ariadne), JSON, SARIF 2.1.0, GitHub
//! workflow commands and JUnit XML. Every format lists diagnostics in the same stable order.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeMap;

use polic_diagnostics::{Code, ColorChoice, Diagnostic, LineIndex, Located, Renderer, Severity};
use polic_ruleset::report::{artifact_location, sarif_base_ids, sarif_driver, xml};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

/// The texts diagnostics point into. Line indexes are built when a diagnostic first needs
/// one: most texts (the standard library's, large) are never shown.
#[derive(Default)]
pub struct Texts {
    texts: BTreeMap<String, (Cow<'static, str>, OnceCell<Lines>)>,
}

/// A text's line index, and the character offset at which each line starts: SARIF counts
/// offsets in the characters its `columnKind` declares, not in bytes.
struct Lines {
    index: LineIndex,
    char_starts: Vec<u32>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let index = LineIndex::new(text);
        let mut char_starts = Vec::with_capacity(index.line_count());
        let mut chars = 0u32;
        let mut previous = 0usize;
        for line in 0..index.line_count() as u32 {
            let start = index.line_start(line).unwrap_or(0) as usize;
            chars += text
                .get(previous..start)
                .map_or(0, |s| s.chars().count() as u32);
            char_starts.push(chars);
            previous = start;
        }
        Lines { index, char_starts }
    }
}

/// One end of a location: one-based line and column (in characters), and the zero-based
/// character offset from the start of the text.
#[derive(Debug, Clone, Copy)]
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

    /// One-based (line, column) of both ends of a location; columns count characters.
    fn range(&self, at: &Located) -> ((u32, u32), (u32, u32)) {
        let (start, end) = self.points(at);
        ((start.line, start.column), (end.line, end.column))
    }

    fn points(&self, at: &Located) -> (Point, Point) {
        let Some((text, lines)) = self.texts.get(&at.file) else {
            let origin = Point {
                line: 1,
                column: 1,
                char_offset: 0,
            };
            return (origin, origin);
        };
        let lines = lines.get_or_init(|| Lines::new(text));
        let point = |offset: u32| {
            let lc = lines.index.line_col(offset);
            let line_start = lines.index.line_start(lc.line).unwrap_or(0) as usize;
            let end = (offset as usize).min(text.len());
            let col = text
                .get(line_start..end)
                .map_or(lc.col as usize, |s| s.chars().count()) as u32;
            let line_chars = lines
                .char_starts
                .get(lc.line as usize)
                .copied()
                .unwrap_or(0);
            Point {
                line: lc.line + 1,
                column: col + 1,
                char_offset: line_chars + col,
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

pub fn write(
    format: Format,
    diagnostics: &[Diagnostic],
    texts: &Texts,
    color: ColorChoice,
    checked: &str,
) -> String {
    match format {
        Format::Human => human(diagnostics, texts, color, checked),
        Format::Json => {
            serde_json::to_string_pretty(&json_diagnostics(diagnostics, texts)).unwrap_or_default()
                + "\n"
        }
        Format::Sarif => {
            serde_json::to_string_pretty(&sarif(diagnostics, texts)).unwrap_or_default() + "\n"
        }
        Format::Github => github(diagnostics, texts),
        Format::Junit => junit(diagnostics, texts),
    }
}

fn human(diagnostics: &[Diagnostic], texts: &Texts, color: ColorChoice, checked: &str) -> String {
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
    let ((line, column), (end_line, end_column)) = texts.range(at);
    json!({
        "file": at.file,
        "start": at.span.start,
        "end": at.span.end,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
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

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

fn sarif_location(at: &Located, texts: &Texts) -> Value {
    let (start, end) = texts.points(at);
    json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(&at.file),
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
                "charOffset": start.char_offset,
                "charLength": end.char_offset.saturating_sub(start.char_offset),
            }
        }
    })
}

/// SARIF 2.1.0 as GitHub code scanning reads it: rules with help, results with rule ids,
/// levels, messages and physical locations (columns in Unicode code points).
fn sarif(diagnostics: &[Diagnostic], texts: &Texts) -> Value {
    let mut rules: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    rules.sort();
    rules.dedup();
    let rule_index = |code: Code| rules.iter().position(|c| *c == code).unwrap_or(0);
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            for suggestion in &d.suggestions {
                text.push_str(&format!("\ndid you mean `{}`?", suggestion.replacement));
            }
            for note in &d.notes {
                text.push_str(&format!("\nnote: {note}"));
            }
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index(d.code),
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [sarif_location(&d.primary.at, texts)],
                "relatedLocations": d.secondary.iter().enumerate().map(|(i, l)| {
                    let mut location = sarif_location(&l.at, texts);
                    location["id"] = json!(i);
                    location["message"] = json!({ "text": l.message });
                    location
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": sarif_driver(rules.iter().map(|code| json!({
                        "id": code.as_str(),
                        "name": code.name(),
                        "shortDescription": { "text": code.summary() },
                        "fullDescription": { "text": code.summary() },
                        "help": { "text": code.doc(), "markdown": code.doc() },
                        "defaultConfiguration": { "level": sarif_level(code.default_severity()) },
                    })).collect()),
            },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": sarif_base_ids(),
            "results": results,
        }]
    })
}

/// A GitHub Actions workflow command line (`::error file=f,line=3::message`), with its
/// properties and message escaped as the runner reads them.
pub fn workflow_command(command: &str, properties: &[(&str, String)], message: &str) -> String {
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    format!(
        "::{command} {}::{}\n",
        properties.join(","),
        escape_data(message)
    )
}

/// GitHub Actions workflow commands: one annotation per diagnostic.
fn github(diagnostics: &[Diagnostic], texts: &Texts) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "notice",
        };
        let ((line, column), (end_line, end_column)) = texts.range(&d.primary.at);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        for suggestion in &d.suggestions {
            message.push_str(&format!("\ndid you mean `{}`?", suggestion.replacement));
        }
        out.push_str(&workflow_command(
            command,
            &[
                ("file", d.primary.at.file.clone()),
                ("line", line.to_string()),
                ("col", column.to_string()),
                ("endLine", end_line.to_string()),
                ("endColumn", end_column.to_string()),
                ("title", format!("{} {}", d.code.as_str(), d.code.name())),
            ],
            &message,
        ));
    }
    out
}

/// JUnit XML: one test case per checked file, failing with its errors (and warnings, which
/// are listed as failures of type `warning` so CI dashboards show them).
fn junit(diagnostics: &[Diagnostic], texts: &Texts) -> String {
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
    let failing = |ds: &Vec<&Diagnostic>| ds.iter().any(|d| d.severity != Severity::Hint);
    let failures = by_file.values().filter(|ds| failing(ds)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"polic check\" tests=\"{}\" failures=\"{failures}\">\n",
        by_file.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"polic check\" tests=\"{}\" failures=\"{failures}\">\n",
        by_file.len()
    ));
    for (file, ds) in &by_file {
        out.push_str(&format!(
            "    <testcase classname=\"polic\" name=\"{}\"",
            xml(file)
        ));
        if !failing(ds) {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        for d in ds.iter().filter(|d| d.severity != Severity::Hint) {
            let ((line, column), _) = texts.range(&d.primary.at);
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}:{line}:{column}: {}[{}] {}</failure>\n",
                d.severity.as_str(),
                xml(&d.message),
                xml(file),
                d.severity.as_str(),
                d.code.as_str(),
                xml(&d.message),
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
