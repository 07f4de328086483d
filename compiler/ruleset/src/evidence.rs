//! Evidence input: JSON lines written by CI steps and scanners, and SARIF 2.1.0 files.
//! Malformed input is an error with its line number; well-formed records that match
//! nothing in the rule set are kept and reported by the evaluation, never dropped.

use polic_syntax::ast::Date;
use serde::Deserialize;
use serde_json::Value as Json;

/// Where a record came from, for messages: `file:line`.
pub type Origin = String;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
}

/// An attestation that an obligation holds (or not) for an app, or for every app of an
/// archetype when the platform provides the control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub subject: Subject,
    pub control: String,
    /// `None`: the record covers every obligation of the control.
    pub obligation: Option<String>,
    pub outcome: Outcome,
    pub tool: Option<String>,
    pub tool_version: Option<String>,
    pub commit: Option<String>,
    pub collected: Date,
    pub expires: Option<Date>,
    pub detail: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    App(String),
    Archetype(String),
}

/// A vulnerability found in an app, open until fixed: feeds time-to-patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub app: String,
    pub id: String,
    pub severity: String,
    pub first_seen: Date,
    pub fixed: Option<Date>,
    /// The scanner that reported it; matched against obligations verified by that scan.
    pub tool: Option<String>,
    /// Set when the record names its control explicitly.
    pub control: Option<String>,
    pub origin: Origin,
}

/// What a `polic:` tag in source code says of the code it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    Implements,
    Tests,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Implements => "implements",
            Verb::Tests => "tests",
        }
    }
}

/// A tag in an app's source code naming a control or one of its obligations: evidence
/// that code implements or tests it, which is not evidence that it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeTag {
    pub app: String,
    pub verb: Verb,
    pub control: String,
    /// `None`: the tag names the whole control.
    pub obligation: Option<String>,
    pub file: String,
    /// The lines the tag covers, 1-based and inclusive.
    pub lines: (u32, u32),
    /// Where the tag itself is: `file:line`.
    pub origin: Origin,
}

impl CodeTag {
    /// `file:first-last`, or `file:line` for one line.
    pub fn location(&self) -> String {
        match self.lines {
            (first, last) if first == last => format!("{}:{first}", self.file),
            (first, last) => format!("{}:{first}-{last}", self.file),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvidenceSet {
    pub evidence: Vec<Evidence>,
    pub findings: Vec<Finding>,
    /// Tags found in the apps' source code.
    pub code: Vec<CodeTag>,
}

/// A record that could not be read: the file, line (1-based; 0 for the whole file) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(default)]
    kind: Option<String>,
    app: Option<String>,
    archetype: Option<String>,
    control: Option<String>,
    obligation: Option<String>,
    status: Option<String>,
    tool: Option<String>,
    tool_version: Option<String>,
    commit: Option<String>,
    collected: Option<String>,
    expires: Option<String>,
    detail: Option<String>,
    id: Option<String>,
    severity: Option<String>,
    first_seen: Option<String>,
    fixed: Option<String>,
}

/// A date, or the date part of an RFC 3339 timestamp (`2026-11-01T10:00:00Z`).
pub fn parse_date(text: &str) -> Option<Date> {
    let (date, rest) = text.split_at_checked(10)?;
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    Date::parse(date)
}

/// Reads JSON lines. Blank lines and lines starting with `#` are skipped.
pub fn read_json_lines(file: &str, text: &str, into: &mut EvidenceSet) -> Vec<InputError> {
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let error = |message: String| InputError {
            file: file.to_string(),
            line,
            message,
        };
        let record: Line = match serde_json::from_str(trimmed) {
            Ok(record) => record,
            Err(e) => {
                errors.push(error(format!("not a valid evidence record: {e}")));
                continue;
            }
        };
        let origin = format!("{file}:{line}");
        match record.kind.as_deref().unwrap_or("evidence") {
            "evidence" => match evidence(record, origin) {
                Ok(evidence) => into.evidence.push(evidence),
                Err(message) => errors.push(error(message)),
            },
            "finding" => match finding(record, origin) {
                Ok(finding) => into.findings.push(finding),
                Err(message) => errors.push(error(message)),
            },
            other => errors.push(error(format!(
                "unknown kind `{other}`: expected `evidence` or `finding`"
            ))),
        }
    }
    errors
}

fn required<T>(value: Option<T>, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

fn date_field(value: Option<String>, field: &str) -> Result<Option<Date>, String> {
    value
        .map(|text| {
            parse_date(&text).ok_or_else(|| {
                format!("`{field}` is not a date: `{text}` (write YYYY-MM-DD or an RFC 3339 time)")
            })
        })
        .transpose()
}

fn evidence(record: Line, origin: Origin) -> Result<Evidence, String> {
    let subject = match (record.app, record.archetype) {
        (Some(app), None) => Subject::App(app),
        (None, Some(archetype)) => Subject::Archetype(archetype),
        (Some(_), Some(_)) => return Err("give `app` or `archetype`, not both".to_string()),
        (None, None) => {
            return Err("missing field `app` (or `archetype` for platform evidence)".to_string());
        }
    };
    let outcome = match required(record.status, "status")?.as_str() {
        "pass" => Outcome::Pass,
        "fail" => Outcome::Fail,
        other => return Err(format!("`status` is `{other}`: expected `pass` or `fail`")),
    };
    Ok(Evidence {
        subject,
        control: required(record.control, "control")?,
        obligation: record.obligation,
        outcome,
        tool: record.tool,
        tool_version: record.tool_version,
        commit: record.commit,
        collected: required(date_field(record.collected, "collected")?, "collected")?,
        expires: date_field(record.expires, "expires")?,
        detail: record.detail,
        origin,
    })
}

fn finding(record: Line, origin: Origin) -> Result<Finding, String> {
    let severity = required(record.severity, "severity")?.to_lowercase();
    if !SEVERITIES.contains(&severity.as_str()) {
        return Err(format!(
            "`severity` is `{severity}`: expected one of {}",
            SEVERITIES.join(", ")
        ));
    }
    Ok(Finding {
        app: required(record.app, "app")?,
        id: required(record.id, "id")?,
        severity,
        first_seen: required(date_field(record.first_seen, "first_seen")?, "first_seen")?,
        fixed: date_field(record.fixed, "fixed")?,
        tool: record.tool,
        control: record.control,
        origin,
    })
}

/// Reads a SARIF 2.1.0 log produced for one app. Each run becomes one evidence record per
/// obligation its tool verifies (decided at evaluation): results at level `error` or
/// `warning` are failures. Here each run is reduced to its tool, time and failing rules.
pub fn read_sarif(
    file: &str,
    app: &str,
    text: &str,
    at: Date,
    into: &mut Vec<ScanRun>,
) -> Vec<InputError> {
    let error = |path: &str, message: &str| InputError {
        file: file.to_string(),
        line: 0,
        message: format!("{path}: {message}"),
    };
    let log: Json = match serde_json::from_str(text) {
        Ok(log) => log,
        Err(e) => {
            return vec![InputError {
                file: file.to_string(),
                line: e.line(),
                message: format!("not valid JSON: {e}"),
            }];
        }
    };
    if log.get("version").and_then(Json::as_str) != Some("2.1.0") {
        return vec![error(
            "$.version",
            "expected \"2.1.0\" (only SARIF 2.1.0 is read)",
        )];
    }
    let Some(runs) = log.get("runs").and_then(Json::as_array) else {
        return vec![error("$.runs", "missing or not an array")];
    };
    let mut errors = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let Some(tool) = run.pointer("/tool/driver/name").and_then(Json::as_str) else {
            errors.push(error(&format!("$.runs[{r}].tool.driver.name"), "missing"));
            continue;
        };
        let collected = run
            .pointer("/invocations/0/endTimeUtc")
            .and_then(Json::as_str)
            .and_then(parse_date)
            .unwrap_or(at);
        let mut failing: Vec<String> = Vec::new();
        for (i, result) in run
            .get("results")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(rule) = result.get("ruleId").and_then(Json::as_str) else {
                errors.push(error(
                    &format!("$.runs[{r}].results[{i}].ruleId"),
                    "missing",
                ));
                continue;
            };
            // SARIF's default level is "warning".
            let level = result
                .get("level")
                .and_then(Json::as_str)
                .unwrap_or("warning");
            if matches!(level, "error" | "warning") {
                failing.push(rule.to_string());
            }
        }
        failing.sort();
        failing.dedup();
        into.push(ScanRun {
            app: app.to_string(),
            tool: tool.to_string(),
            tool_version: run
                .pointer("/tool/driver/version")
                .and_then(Json::as_str)
                .map(str::to_string),
            collected,
            failing_rules: failing,
            origin: format!("{file} (run {r})"),
        });
    }
    errors
}

/// One scanner run over one app, from SARIF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRun {
    pub app: String,
    pub tool: String,
    pub tool_version: Option<String>,
    pub collected: Date,
    /// Rule ids with error or warning results.
    pub failing_rules: Vec<String>,
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lines_are_errors_with_line_numbers() {
        let text = "{\"app\":\"a\",\"control\":\"c\",\"status\":\"pass\",\"collected\":\"2026-01-02T03:04:05Z\"}\n\n# comment\n{\"app\":\"a\"\n{\"app\":\"a\",\"control\":\"c\",\"status\":\"maybe\",\"collected\":\"2026-01-02\"}\n{\"kind\":\"finding\",\"app\":\"a\",\"id\":\"CVE-1\",\"severity\":\"urgent\",\"first_seen\":\"2026-01-01\"}\n";
        let mut set = EvidenceSet::default();
        let errors = read_json_lines("e.jsonl", text, &mut set);
        assert_eq!(set.evidence.len(), 1);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
        assert!(errors[1].message.contains("expected `pass` or `fail`"));
        assert!(
            errors[2]
                .message
                .contains("expected one of critical, high, medium, low")
        );
    }

    #[test]
    fn sarif_runs_are_reduced_to_failing_rules() {
        let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep","version":"1.2"}},
            "invocations":[{"endTimeUtc":"2026-10-30T12:00:00Z"}],
            "results":[{"ruleId":"b","level":"error"},{"ruleId":"a"},{"ruleId":"c","level":"note"}]}]}"#;
        let mut runs = Vec::new();
        let errors = read_sarif(
            "s.sarif",
            "shop",
            sarif,
            Date {
                year: 2026,
                month: 11,
                day: 1,
            },
            &mut runs,
        );
        assert!(errors.is_empty());
        assert_eq!(runs[0].failing_rules, vec!["a", "b"]);
        assert_eq!(
            runs[0].collected,
            Date {
                year: 2026,
                month: 10,
                day: 30
            }
        );
        let errors = read_sarif(
            "s.sarif",
            "shop",
            r#"{"version":"2.0.0"}"#,
            Date {
                year: 2026,
                month: 1,
                day: 1,
            },
            &mut runs,
        );
        assert_eq!(
            errors[0].to_string(),
            "s.sarif: $.version: expected \"2.1.0\" (only SARIF 2.1.0 is read)"
        );
    }
}
