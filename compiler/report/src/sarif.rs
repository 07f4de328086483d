//! SARIF 2.1.0, typed: the part of the format polic writes, for the diagnostics of `check`,
//! the open obligations of `eval` and the regressions of `diff`. Every log declares the
//! unit of its columns and character offsets (`columnKind`). tests/sarif_schema.rs and
//! compiler/cli/tests/sarif.rs validate logs against the SARIF 2.1.0 schema,
//! tests/sarif/run.sh with the SARIF SDK's validator.

use std::collections::BTreeMap;

use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base relative paths resolve against (`%SRCROOT%`).
const SOURCE_ROOT: &str = "%SRCROOT%";

#[derive(Debug, Clone, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

impl Log {
    /// A log of one run of polic.
    pub fn new(run: Run) -> Log {
        Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![run],
        }
    }

    /// The log as pretty JSON with a final newline. Keys are sorted (through a
    /// `serde_json::Value`, whose maps are ordered), so logs compare as text across
    /// versions whatever order the structs declare their fields in.
    pub fn to_json(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    tool: Tool,
    column_kind: ColumnKind,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Vec<Result>,
}

impl Run {
    /// A run of polic reporting `rules`, its results in order.
    pub fn new(rules: Vec<Rule>, results: Vec<Result>) -> Run {
        Run {
            tool: Tool {
                driver: Driver {
                    name: "polic",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: ColumnKind::UnicodeCodePoints,
            // The base has no `uri`: the absolute directory would make the log differ
            // between checkouts, and consumers such as GitHub resolve it to the repository
            // they analyse.
            original_uri_base_ids: BTreeMap::from([(
                SOURCE_ROOT,
                BaseUri {
                    description: Message::new("the directory the policy paths are relative to"),
                },
            )]),
            results,
        }
    }
}

/// What columns and `charOffset`s count. polic counts characters (Unicode code points)
/// everywhere it shows a column to people.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
enum ColumnKind {
    UnicodeCodePoints,
}

#[derive(Debug, Clone, Serialize)]
struct BaseUri {
    description: Message,
}

#[derive(Debug, Clone, Serialize)]
struct Tool {
    driver: Driver,
}

/// The tool: its name, version, where to read about it (SARIF2005) and its rules.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<MultiformatMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_configuration: Option<Configuration>,
}

impl Rule {
    /// A rule with only an id and a one-line description.
    pub fn new(id: impl Into<String>, description: impl Into<String>) -> Rule {
        Rule {
            id: id.into(),
            name: None,
            short_description: Message::new(description),
            full_description: None,
            help: None,
            default_configuration: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Configuration {
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub text: String,
}

impl Message {
    pub fn new(text: impl Into<String>) -> Message {
        Message { text: text.into() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MultiformatMessage {
    pub text: String,
    pub markdown: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Result {
    pub rule_id: String,
    pub rule_index: usize,
    pub level: Level,
    pub message: Message,
    pub locations: Vec<Location>,
    pub related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub partial_fingerprints: BTreeMap<String, String>,
    /// A property bag (SARIF §3.8), free-form by definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<serde_json::Value>,
}

impl Result {
    /// A result of the rule at `rule_index` in `rules`, at `location`.
    pub fn new(rules: &[Rule], rule_id: &str, level: Level, text: String, at: Location) -> Result {
        Result {
            rule_id: rule_id.to_string(),
            rule_index: rules.iter().position(|r| r.id == rule_id).unwrap_or(0),
            level,
            message: Message::new(text),
            locations: vec![at],
            related_locations: Vec::new(),
            partial_fingerprints: BTreeMap::new(),
            properties: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    pub physical_location: PhysicalLocation,
}

impl Location {
    pub fn new(file: &str, region: Region) -> Location {
        Location {
            id: None,
            message: None,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation::of(file),
                region,
            },
        }
    }

    /// A related location: numbered, with what it is.
    pub fn related(mut self, id: usize, message: impl Into<String>) -> Location {
        self.id = Some(id);
        self.message = Some(Message::new(message));
        self
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

/// Where a file is, as SARIF names it: a relative path under `%SRCROOT%` (the directory the
/// paths were given from, which GitHub code scanning takes to be the repository's root), an
/// absolute one as a `file:` URI with no base, since SARIF resolves only relative references
/// against a base (SARIF1004).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

impl ArtifactLocation {
    pub fn of(path: &str) -> ArtifactLocation {
        if polic_diagnostics::uri::is_absolute(path) {
            ArtifactLocation {
                uri: polic_diagnostics::uri::file_uri(path),
                uri_base_id: None,
            }
        } else {
            ArtifactLocation {
                uri: polic_diagnostics::uri::encode_path(path),
                uri_base_id: Some(SOURCE_ROOT),
            }
        }
    }
}

/// A region of a file: one-based lines and columns, zero-based character offsets, all in
/// characters as the run's `columnKind` declares.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub char_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub char_length: Option<u64>,
}

impl Region {
    /// A point in a file, as a rule set's `file:line:column` sources name one.
    pub fn at(line: u64, column: u64) -> Region {
        Region {
            start_line: line,
            start_column: Some(column),
            ..Region::default()
        }
    }

    /// Whole lines, as code tags span them.
    pub fn lines(start: u64, end: u64) -> Region {
        Region {
            start_line: start,
            end_line: Some(end),
            ..Region::default()
        }
    }
}
