//! Evidence input: JSON lines written by CI steps and scanners, and SARIF 2.1.0 files.
//! Malformed input is an error with its line number (JSON path for SARIF); well-formed
//! records that match nothing in the rule set are kept and reported by the evaluation,
//! never dropped.

use jiff::Timestamp;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::Offset;
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

const SECONDS_PER_DAY: i64 = 86_400;

/// When evidence was collected or expires: a day as written (`2026-11-20`), or an instant
/// with the offset it was written with (`2026-11-20T04:10:00+02:00`). A day stands for its
/// start in UTC wherever times are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Day(Date),
    Instant {
        at: Timestamp,
        /// `None`: written in UTC as `Z`.
        offset: Option<Offset>,
    },
}

/// The instant a day starts, in UTC.
pub fn day_start(day: Date) -> Timestamp {
    // Years 0 to 9999 (all a `Date` can parse) are within jiff's range.
    Timestamp::from_second(day.days_since_epoch() * SECONDS_PER_DAY).unwrap_or(Timestamp::MAX)
}

/// The instant after the last of a day, in UTC: what `--at DAY` is compared against, so
/// that everything collected on that day counts and nothing later does.
pub fn day_end(day: Date) -> Timestamp {
    day_start(Date::from_days_since_epoch(day.days_since_epoch() + 1))
}

impl When {
    /// Reads `YYYY-MM-DD` or an RFC 3339 time with an offset (`Z` or `±hh:mm`).
    pub fn parse(text: &str) -> Result<When, String> {
        if text.len() == 10 {
            return Date::parse(text)
                .map(When::Day)
                .ok_or_else(|| "not a valid date".to_string());
        }
        let pieces = Pieces::parse(text).map_err(|e| format!("not an RFC 3339 time: {e}"))?;
        let Some(time) = pieces.time() else {
            return Err("not an RFC 3339 time: no time of day".to_string());
        };
        let offset = match pieces.offset() {
            Some(PiecesOffset::Zulu) => None,
            Some(PiecesOffset::Numeric(n)) if n.offset() == Offset::UTC && n.is_negative() => None,
            Some(PiecesOffset::Numeric(n)) => Some(n.offset()),
            Some(_) | None => {
                return Err("the time has no offset, so it is not an instant".to_string());
            }
        };
        if pieces.time_zone_annotation().is_some() {
            return Err("a time zone annotation is not RFC 3339".to_string());
        }
        let at = offset
            .unwrap_or(Offset::UTC)
            .to_timestamp(pieces.date().to_datetime(time))
            .map_err(|e| format!("out of range: {e}"))?;
        // Dates here are years 0 to 9999 in UTC.
        if !(0..=9999).contains(&Offset::UTC.to_datetime(at).year()) {
            return Err("out of range: years 0 to 9999 in UTC".to_string());
        }
        Ok(When::Instant { at, offset })
    }

    /// The instant it stands for: a day's start in UTC.
    pub fn instant(self) -> Timestamp {
        match self {
            When::Day(day) => day_start(day),
            When::Instant { at, .. } => at,
        }
    }

    /// The UTC day it falls on, for date arithmetic (due dates, remediation windows).
    pub fn date(self) -> Date {
        match self {
            When::Day(day) => day,
            When::Instant { at, .. } => {
                Date::from_days_since_epoch(at.as_second().div_euclid(SECONDS_PER_DAY))
            }
        }
    }

    /// Whether it is later than the whole of `day` (UTC): evidence from after `--at`.
    pub fn after(self, day: Date) -> bool {
        self.instant() >= day_end(day)
    }

    /// As an expiry: whether the evidence no longer holds at the end of `day`. A day as
    /// expiry holds through that day; an instant holds until that instant.
    pub fn expired_by(self, day: Date) -> bool {
        match self {
            When::Day(expires) => expires < day,
            When::Instant { at, .. } => at < day_end(day),
        }
    }

    /// An RFC 3339 time: an instant as written, a day as its start in UTC.
    pub fn rfc3339(self) -> String {
        match self {
            When::Day(day) => format!("{day}T00:00:00Z"),
            instant => instant.to_string(),
        }
    }
}

impl std::fmt::Display for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            When::Day(day) => write!(f, "{day}"),
            When::Instant { at, offset: None } => write!(f, "{at}"),
            When::Instant {
                at,
                offset: Some(offset),
            } => write!(f, "{}", at.display_with_offset(offset)),
        }
    }
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
    pub collected: When,
    pub expires: Option<When>,
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
    pub first_seen: When,
    pub fixed: Option<When>,
    /// The scanner that reported it; matched against obligations verified by that scan.
    pub tool: Option<String>,
    /// Set when the record names its control explicitly.
    pub control: Option<String>,
    /// A due date of its own (a CISA KEV entry's `dueDate`): overrides the severity window.
    pub due: Option<When>,
    /// When it came back after a fix: its clock restarts here, and `fixed` is the fix after.
    pub reopened: Option<When>,
    /// What a scanner report said of it: the package, its version and the fix.
    pub detail: Option<String>,
    pub origin: Origin,
}

impl Finding {
    /// Its latest opening by the end of `day`: when it was reopened, else first seen.
    /// Windows count from here; before it reopened, its clock is the first one.
    pub fn opened_by(&self, day: Date) -> When {
        match self.reopened {
            Some(reopened) if !reopened.after(day) => reopened,
            _ => self.first_seen,
        }
    }
}

/// How a deployment went, as its pipeline reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeploymentOutcome {
    Success,
    Failed,
    RolledBack,
}

impl DeploymentOutcome {
    pub const ALL: &[(&str, DeploymentOutcome)] = &[
        ("success", DeploymentOutcome::Success),
        ("failed", DeploymentOutcome::Failed),
        ("rolled-back", DeploymentOutcome::RolledBack),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentOutcome::Success => "success",
            DeploymentOutcome::Failed => "failed",
            DeploymentOutcome::RolledBack => "rolled-back",
        }
    }
}

/// A commit a deployment shipped, with when it was committed: lead time starts here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    pub committed: When,
}

/// A deployment of an app to an environment: feeds the four DORA keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub app: String,
    pub id: String,
    /// `production` when the record does not say; only production deployments count.
    pub environment: String,
    pub deployed: When,
    pub outcome: DeploymentOutcome,
    pub commits: Vec<Commit>,
    /// The deployment this one restores (a rollback or hotfix of it).
    pub restores: Option<String>,
    pub detail: Option<String>,
    pub origin: Origin,
}

/// An incident in an app, possibly caused by a deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub app: String,
    pub id: String,
    pub opened: When,
    pub resolved: Option<When>,
    pub severity: Option<String>,
    /// The deployment that caused it: that deployment counts as failed.
    pub caused_by: Option<String>,
    pub detail: Option<String>,
    pub origin: Origin,
}

/// A named metric's value for an app at a time, for metrics the policy declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub app: String,
    pub metric: String,
    pub value: f64,
    pub measured: When,
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

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvidenceSet {
    pub evidence: Vec<Evidence>,
    pub findings: Vec<Finding>,
    pub deployments: Vec<Deployment>,
    pub incidents: Vec<Incident>,
    pub measurements: Vec<Measurement>,
    /// Tags found in the apps' source code.
    pub code: Vec<CodeTag>,
}

/// A record that could not be read: the file, line (1-based; 0 for the whole file) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub line: usize,
    pub message: String,
    /// What to do about it, when there is something to say.
    pub help: Option<String>,
    /// Its stable code, for inputs that have one (scanner reports).
    pub code: Option<polic_diagnostics::Code>,
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
struct EvidenceLine {
    #[serde(default, rename = "kind")]
    _kind: Option<String>,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingLine {
    #[serde(rename = "kind")]
    _kind: String,
    app: Option<String>,
    id: Option<String>,
    severity: Option<String>,
    first_seen: Option<String>,
    fixed: Option<String>,
    due: Option<String>,
    reopened: Option<String>,
    tool: Option<String>,
    control: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeploymentLine {
    #[serde(rename = "kind")]
    _kind: String,
    app: Option<String>,
    id: Option<String>,
    environment: Option<String>,
    deployed: Option<String>,
    outcome: Option<String>,
    #[serde(default)]
    commits: Vec<CommitLine>,
    restores: Option<String>,
    detail: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitLine {
    sha: Option<String>,
    committed: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentLine {
    #[serde(rename = "kind")]
    _kind: String,
    app: Option<String>,
    id: Option<String>,
    opened: Option<String>,
    resolved: Option<String>,
    severity: Option<String>,
    caused_by: Option<String>,
    detail: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasurementLine {
    #[serde(rename = "kind")]
    _kind: String,
    app: Option<String>,
    metric: Option<String>,
    value: Option<f64>,
    measured: Option<String>,
}

const TIME_HELP: &str = "write a date (2026-11-20) or an RFC 3339 time with its offset (2026-11-20T04:10:00Z, 2026-11-20T06:10:00+02:00)";

/// A record's problem: what is wrong, and what to do about it.
struct Problem {
    message: String,
    help: Option<String>,
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem {
            message,
            help: None,
        }
    }
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
        let error = |problem: Problem| InputError {
            file: file.to_string(),
            line,
            message: problem.message,
            help: problem.help,
            code: None,
        };
        // Syntax errors keep their column; the record is then read by its kind, each kind
        // with its own fields, so a field of another kind is an unknown field.
        let value: Json = match serde_json::from_str(trimmed) {
            Ok(value) => value,
            Err(e) => {
                errors.push(error(format!("not a valid evidence record: {e}").into()));
                continue;
            }
        };
        let kind = match value.get("kind") {
            None | Some(Json::Null) => "evidence".to_string(),
            Some(Json::String(kind)) => kind.clone(),
            Some(other) => {
                errors.push(error(format!("`kind` is not a string: `{other}`").into()));
                continue;
            }
        };
        let origin = format!("{file}:{line}");
        let read = match kind.as_str() {
            "evidence" => parse(value)
                .and_then(|record| evidence(record, origin))
                .map(|e| into.evidence.push(e)),
            "finding" => parse(value)
                .and_then(|record| finding(record, origin))
                .map(|f| into.findings.push(f)),
            "deployment" => parse(value)
                .and_then(|record| deployment(record, origin))
                .map(|d| into.deployments.push(d)),
            "incident" => parse(value)
                .and_then(|record| incident(record, origin))
                .map(|i| into.incidents.push(i)),
            "measurement" => parse(value)
                .and_then(|record| measurement(record, origin))
                .map(|m| into.measurements.push(m)),
            other => Err(Problem {
                message: format!("unknown kind `{other}`"),
                help: Some(format!("the kinds are {}", quoted(KINDS_OF_RECORD))),
            }),
        };
        if let Err(problem) = read {
            errors.push(error(problem));
        }
    }
    errors
}

const KINDS_OF_RECORD: &[&str] = &[
    "evidence",
    "finding",
    "deployment",
    "incident",
    "measurement",
];

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A record of one kind: its fields only.
fn parse<T: serde::de::DeserializeOwned>(value: Json) -> Result<T, Problem> {
    serde_json::from_value(value).map_err(|e| format!("not a valid evidence record: {e}").into())
}

fn required<T>(value: Option<T>, field: &str) -> Result<T, Problem> {
    value.ok_or_else(|| format!("missing field `{field}`").into())
}

fn time_field(value: Option<String>, field: &str) -> Result<Option<When>, Problem> {
    value
        .map(|text| {
            When::parse(&text).map_err(|why| Problem {
                message: format!("`{field}` is not a time: `{text}`: {why}"),
                help: Some(TIME_HELP.to_string()),
            })
        })
        .transpose()
}

fn evidence(record: EvidenceLine, origin: Origin) -> Result<Evidence, Problem> {
    let subject = match (record.app, record.archetype) {
        (Some(app), None) => Subject::App(app),
        (None, Some(archetype)) => Subject::Archetype(archetype),
        (Some(_), Some(_)) => return Err("give `app` or `archetype`, not both".to_string().into()),
        (None, None) => {
            return Err("missing field `app` (or `archetype` for platform evidence)"
                .to_string()
                .into());
        }
    };
    let outcome = match required(record.status, "status")?.as_str() {
        "pass" => Outcome::Pass,
        "fail" => Outcome::Fail,
        other => {
            return Err(format!("`status` is `{other}`: expected `pass` or `fail`").into());
        }
    };
    Ok(Evidence {
        subject,
        control: required(record.control, "control")?,
        obligation: record.obligation,
        outcome,
        tool: record.tool,
        tool_version: record.tool_version,
        commit: record.commit,
        collected: required(time_field(record.collected, "collected")?, "collected")?,
        expires: time_field(record.expires, "expires")?,
        detail: record.detail,
        origin,
    })
}

fn severity(text: String) -> Result<String, Problem> {
    let severity = text.to_lowercase();
    if !SEVERITIES.contains(&severity.as_str()) {
        return Err(format!(
            "`severity` is `{severity}`: expected one of {}",
            SEVERITIES.join(", ")
        )
        .into());
    }
    Ok(severity)
}

/// `later` must not be before `earlier`: a fix before the finding, a resolution before
/// the incident, is a mistake in the record, never a negative duration.
fn not_before(
    later: Option<When>,
    later_name: &str,
    earlier: When,
    earlier_name: &str,
) -> Result<(), Problem> {
    match later {
        Some(later) if later.instant() < earlier.instant() => Err(Problem {
            message: format!("`{later_name}` ({later}) is before `{earlier_name}` ({earlier})"),
            help: Some(format!(
                "`{later_name}` is when it ended; it cannot precede `{earlier_name}`"
            )),
        }),
        _ => Ok(()),
    }
}

fn finding(record: FindingLine, origin: Origin) -> Result<Finding, Problem> {
    let first_seen = required(time_field(record.first_seen, "first_seen")?, "first_seen")?;
    let fixed = time_field(record.fixed, "fixed")?;
    let reopened = time_field(record.reopened, "reopened")?;
    not_before(fixed, "fixed", first_seen, "first_seen")?;
    not_before(reopened, "reopened", first_seen, "first_seen")?;
    if let Some(reopened) = reopened {
        not_before(fixed, "fixed", reopened, "reopened").map_err(|problem| Problem {
            help: Some("a reopened finding's `fixed` is the fix after it reopened; leave `fixed` out while it is open".to_string()),
            ..problem
        })?;
    }
    Ok(Finding {
        app: required(record.app, "app")?,
        id: required(record.id, "id")?,
        severity: severity(required(record.severity, "severity")?)?,
        first_seen,
        fixed,
        tool: record.tool,
        control: record.control,
        due: time_field(record.due, "due")?,
        reopened,
        detail: None,
        origin,
    })
}

fn deployment(record: DeploymentLine, origin: Origin) -> Result<Deployment, Problem> {
    let outcome = required(record.outcome, "outcome")?;
    let Some(&(_, outcome)) = DeploymentOutcome::ALL
        .iter()
        .find(|(name, _)| *name == outcome)
    else {
        let names: Vec<&str> = DeploymentOutcome::ALL.iter().map(|(n, _)| *n).collect();
        return Err(format!("`outcome` is `{outcome}`: expected {}", quoted(&names)).into());
    };
    let deployed = required(time_field(record.deployed, "deployed")?, "deployed")?;
    let commits = record
        .commits
        .into_iter()
        .map(|commit| {
            let committed = required(
                time_field(commit.committed, "commits[].committed")?,
                "commits[].committed",
            )?;
            // A lead time is never negative: a commit cannot ship before it was made.
            not_before(Some(deployed), "deployed", committed, "commits[].committed")?;
            Ok(Commit {
                sha: required(commit.sha, "commits[].sha")?,
                committed,
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(Deployment {
        app: required(record.app, "app")?,
        id: required(record.id, "id")?,
        environment: record.environment.unwrap_or_else(|| PRODUCTION.to_string()),
        deployed,
        outcome,
        commits,
        restores: record.restores,
        detail: record.detail,
        origin,
    })
}

/// The environment whose deployments the DORA keys count.
pub const PRODUCTION: &str = "production";

fn incident(record: IncidentLine, origin: Origin) -> Result<Incident, Problem> {
    let opened = required(time_field(record.opened, "opened")?, "opened")?;
    let resolved = time_field(record.resolved, "resolved")?;
    not_before(resolved, "resolved", opened, "opened")?;
    Ok(Incident {
        app: required(record.app, "app")?,
        id: required(record.id, "id")?,
        opened,
        resolved,
        severity: record.severity.map(severity).transpose()?,
        caused_by: record.caused_by,
        detail: record.detail,
        origin,
    })
}

fn measurement(record: MeasurementLine, origin: Origin) -> Result<Measurement, Problem> {
    Ok(Measurement {
        app: required(record.app, "app")?,
        metric: required(record.metric, "metric")?,
        value: required(record.value, "value")?,
        measured: required(time_field(record.measured, "measured")?, "measured")?,
        origin,
    })
}

/// A result's `level` (SARIF 2.1.0 §3.27.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    None,
    Note,
    Warning,
    Error,
}

const LEVELS: &[(&str, Level)] = &[
    ("none", Level::None),
    ("note", Level::Note),
    ("warning", Level::Warning),
    ("error", Level::Error),
];

/// A result's `kind` (SARIF 2.1.0 §3.27.9), as it bears on a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `fail`: a problem, failing at level `warning` or `error`.
    Fail,
    /// `review` and `open`: the tool could not decide, so it is not a pass.
    Undecided,
    /// `pass`, `notApplicable`, `informational`: no problem.
    NoProblem,
}

const KINDS: &[(&str, Kind)] = &[
    ("fail", Kind::Fail),
    ("review", Kind::Undecided),
    ("open", Kind::Undecided),
    ("pass", Kind::NoProblem),
    ("notApplicable", Kind::NoProblem),
    ("informational", Kind::NoProblem),
];

/// A SARIF enumeration value, matched without regard to case.
fn enumerated<T: Copy>(
    value: &Json,
    path: &str,
    what: &str,
    values: &[(&str, T)],
) -> Result<T, (String, String)> {
    let expected = values
        .iter()
        .map(|(name, _)| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = format!("SARIF 2.1.0 {what}s are {expected}");
    let Some(text) = value.as_str() else {
        return Err((format!("{path}: {what} is not a string: `{value}`"), help));
    };
    values
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, v)| *v)
        .ok_or_else(|| (format!("{path}: unknown {what} `{text}`"), help))
}

/// Reads a SARIF 2.1.0 log produced for one app. Each run becomes one evidence record per
/// obligation its tool verifies (decided at evaluation). A result is a failure when its
/// kind is `fail` (the default) at level `warning` or `error`, or its kind is `review` or
/// `open`; the level defaults to the rule's `defaultConfiguration.level`, else `warning`.
/// A run that did not succeed or carries no `results` array is not a pass. An unknown
/// level or kind, or an end time that is not a time, is an error naming its JSON path.
pub fn read_sarif(
    file: &str,
    app: &str,
    text: &str,
    at: Date,
    into: &mut Vec<ScanRun>,
) -> Vec<InputError> {
    let error = |path: &str, message: &str, help: Option<String>| InputError {
        file: file.to_string(),
        line: 0,
        message: format!("{path}: {message}"),
        help,
        code: None,
    };
    let log: Json = match serde_json::from_str(text) {
        Ok(log) => log,
        Err(e) => {
            return vec![InputError {
                file: file.to_string(),
                line: e.line(),
                message: format!("not valid JSON: {e}"),
                help: None,
                code: None,
            }];
        }
    };
    if log.get("version").and_then(Json::as_str) != Some("2.1.0") {
        return vec![error(
            "$.version",
            "expected \"2.1.0\" (only SARIF 2.1.0 is read)",
            None,
        )];
    }
    let Some(runs) = log.get("runs").and_then(Json::as_array) else {
        return vec![error("$.runs", "missing or not an array", None)];
    };
    let mut errors = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let path = format!("$.runs[{r}]");
        let Some(tool) = run.pointer("/tool/driver/name").and_then(Json::as_str) else {
            errors.push(error(&format!("{path}.tool.driver.name"), "missing", None));
            continue;
        };
        let mut failures: Vec<String> = Vec::new();
        let mut collected: Option<When> = None;
        match run.get("invocations") {
            None | Some(Json::Null) => {}
            Some(Json::Array(invocations)) => {
                for (i, invocation) in invocations.iter().enumerate() {
                    let at_path = format!("{path}.invocations[{i}]");
                    match invocation.get("executionSuccessful") {
                        None | Some(Json::Bool(true)) => {}
                        Some(Json::Bool(false)) => failures.push(format!(
                            "invocation {i} did not succeed (`executionSuccessful: false`)"
                        )),
                        Some(other) => errors.push(error(
                            &format!("{at_path}.executionSuccessful"),
                            &format!("not a boolean: `{other}`"),
                            None,
                        )),
                    }
                    let Some(end) = invocation.get("endTimeUtc") else {
                        continue;
                    };
                    match end.as_str().map(When::parse) {
                        Some(Ok(when)) => {
                            if collected.is_none_or(|c| c.instant() < when.instant()) {
                                collected = Some(when);
                            }
                        }
                        Some(Err(why)) => errors.push(error(
                            &format!("{at_path}.endTimeUtc"),
                            &format!("not a time: `{}`: {why}", end.as_str().unwrap_or_default()),
                            Some(
                                "write an RFC 3339 time in UTC, such as 2026-11-20T04:10:00Z"
                                    .to_string(),
                            ),
                        )),
                        None => errors.push(error(
                            &format!("{at_path}.endTimeUtc"),
                            &format!("not a string: `{end}`"),
                            None,
                        )),
                    }
                }
            }
            Some(other) => errors.push(error(
                &format!("{path}.invocations"),
                &format!("not an array: `{other}`"),
                None,
            )),
        }
        // Per rule (by index), its default level.
        let rules: Vec<&Json> = run
            .pointer("/tool/driver/rules")
            .and_then(Json::as_array)
            .map(|rules| rules.iter().collect())
            .unwrap_or_default();
        let mut default_levels: Vec<Option<Level>> = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            let level = match rule.pointer("/defaultConfiguration/level") {
                None => None,
                Some(value) => {
                    let path = format!("{path}.tool.driver.rules[{i}].defaultConfiguration.level");
                    match enumerated(value, &path, "level", LEVELS) {
                        Ok(level) => Some(level),
                        Err((message, help)) => {
                            errors.push(InputError {
                                file: file.to_string(),
                                line: 0,
                                message,
                                help: Some(help),
                                code: None,
                            });
                            None
                        }
                    }
                }
            };
            default_levels.push(level);
        }
        let results: &[Json] = match run.get("results") {
            Some(Json::Array(results)) => results,
            None => {
                failures.push("the run has no `results`, so the tool produced none".to_string());
                &[]
            }
            Some(Json::Null) => {
                failures.push("the run's `results` is null, so the tool produced none".to_string());
                &[]
            }
            Some(_) => {
                failures.push("the run's `results` is not an array".to_string());
                &[]
            }
        };
        let mut failing: Vec<String> = Vec::new();
        for (i, result) in results.iter().enumerate() {
            let at_path = format!("{path}.results[{i}]");
            let Some(rule) = result
                .get("ruleId")
                .or_else(|| result.pointer("/rule/id"))
                .and_then(Json::as_str)
            else {
                errors.push(error(&format!("{at_path}.ruleId"), "missing", None));
                continue;
            };
            let mut bad = |(message, help): (String, String)| {
                errors.push(InputError {
                    file: file.to_string(),
                    line: 0,
                    message,
                    help: Some(help),
                    code: None,
                })
            };
            let kind = match result.get("kind") {
                None => Kind::Fail,
                Some(value) => match enumerated(value, &format!("{at_path}.kind"), "kind", KINDS) {
                    Ok(kind) => kind,
                    Err(e) => {
                        bad(e);
                        continue;
                    }
                },
            };
            let level = match result.get("level") {
                Some(value) => {
                    match enumerated(value, &format!("{at_path}.level"), "level", LEVELS) {
                        Ok(level) => level,
                        Err(e) => {
                            bad(e);
                            continue;
                        }
                    }
                }
                None => {
                    let index = result
                        .get("ruleIndex")
                        .or_else(|| result.pointer("/rule/index"))
                        .and_then(Json::as_u64)
                        .and_then(|i| usize::try_from(i).ok())
                        .filter(|&i| i < rules.len())
                        .or_else(|| {
                            rules
                                .iter()
                                .position(|r| r.get("id").and_then(Json::as_str) == Some(rule))
                        });
                    index
                        .and_then(|i| default_levels[i])
                        .unwrap_or(Level::Warning)
                }
            };
            let fails = match kind {
                Kind::Fail => matches!(level, Level::Warning | Level::Error),
                Kind::Undecided => true,
                Kind::NoProblem => false,
            };
            if fails {
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
            collected: collected.unwrap_or(When::Day(at)),
            failing_rules: failing,
            failure: (!failures.is_empty()).then(|| failures.join("; ")),
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
    /// The latest `endTimeUtc` of its invocations, else the evaluation date.
    pub collected: When,
    /// Rule ids with failing results.
    pub failing_rules: Vec<String>,
    /// Why the run cannot count as a pass whatever its results: it did not succeed, or
    /// carries no `results` array.
    pub failure: Option<String>,
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
        assert_eq!(runs[0].collected.to_string(), "2026-10-30T12:00:00Z");
        assert_eq!(runs[0].failure, None);
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

    const AT: Date = Date {
        year: 2026,
        month: 11,
        day: 22,
    };

    /// One run of `tool` with these `results` (raw JSON, or absent) and invocations.
    fn run(results: Option<&str>, invocations: &str) -> (Vec<ScanRun>, Vec<InputError>) {
        let results = results
            .map(|r| format!(r#","results":{r}"#))
            .unwrap_or_default();
        let sarif = format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"semgrep","rules":[{{"id":"quiet","defaultConfiguration":{{"level":"note"}}}}]}}}},"invocations":{invocations}{results}}}]}}"#
        );
        let mut runs = Vec::new();
        let errors = read_sarif("s.sarif", "shop", &sarif, AT, &mut runs);
        (runs, errors)
    }

    #[test]
    fn runs_without_results_or_that_failed_are_not_a_pass() {
        let ok = r#"[{"executionSuccessful":true}]"#;
        for (results, invocations, why) in [
            (None, ok, "the run has no `results`"),
            (Some("null"), ok, "`results` is null"),
            (Some(r#"{"ruleId":"a"}"#), ok, "`results` is not an array"),
            (
                Some("[]"),
                r#"[{"executionSuccessful":false}]"#,
                "invocation 0 did not succeed",
            ),
        ] {
            let (runs, errors) = run(results, invocations);
            assert!(errors.is_empty(), "{errors:?}");
            let failure = runs[0].failure.as_deref().unwrap_or_default();
            assert!(failure.contains(why), "{results:?}: {failure}");
        }
        let (runs, _) = run(Some("[]"), ok);
        assert_eq!(runs[0].failure, None);
    }

    #[test]
    fn levels_and_kinds_follow_sarif() {
        let (runs, errors) = run(
            Some(
                r#"[{"ruleId":"upper","level":"ERROR"},{"ruleId":"passed","kind":"pass"},
                {"ruleId":"na","kind":"notApplicable"},{"ruleId":"info","kind":"INFORMATIONAL"},
                {"ruleId":"failed","kind":"fail"},{"ruleId":"review","kind":"review","level":"none"},
                {"ruleId":"quiet"},{"ruleId":"quiet-by-index","ruleIndex":0},{"ruleId":"noted","level":"note"},
                {"ruleId":"defaulted"}]"#,
            ),
            "[]",
        );
        assert!(errors.is_empty(), "{errors:?}");
        // `quiet` takes its rule's default level, note; the others default to warning.
        assert_eq!(
            runs[0].failing_rules,
            vec!["defaulted", "failed", "review", "upper"]
        );
        // Without an end time the run is dated at the evaluation date.
        assert_eq!(runs[0].collected, When::Day(AT));
    }

    #[test]
    fn unknown_levels_and_bad_end_times_are_errors_with_their_path() {
        let (_, errors) = run(
            Some(r#"[{"ruleId":"a","level":"critical"},{"ruleId":"b","kind":"maybe"}]"#),
            r#"[{"endTimeUtc":"yesterday"}]"#,
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            vec![
                "s.sarif: $.runs[0].invocations[0].endTimeUtc: not a time: `yesterday`: not an RFC 3339 time: failed to parse four digit integer as year: invalid digit, expected 0-9 but got y",
                "s.sarif: $.runs[0].results[0].level: unknown level `critical`",
                "s.sarif: $.runs[0].results[1].kind: unknown kind `maybe`",
            ]
        );
        assert_eq!(
            errors[1].help.as_deref(),
            Some("SARIF 2.1.0 levels are `none`, `note`, `warning`, `error`")
        );
    }

    #[test]
    fn times_are_instants_with_their_offset() {
        let when = When::parse("2026-11-20T04:10:00+02:00").expect("parses");
        assert_eq!(when.to_string(), "2026-11-20T04:10:00+02:00");
        assert_eq!(when.instant().to_string(), "2026-11-20T02:10:00Z");
        assert_eq!(
            When::parse("2026-11-20T04:10:00Z")
                .expect("parses")
                .to_string(),
            "2026-11-20T04:10:00Z"
        );
        assert_eq!(
            When::parse("2026-11-20").expect("parses"),
            When::Day(Date {
                year: 2026,
                month: 11,
                day: 20
            })
        );
        // Late on the evaluation day (UTC) is not after it; a minute into the next day is.
        let day = Date {
            year: 2026,
            month: 11,
            day: 20,
        };
        assert!(
            !When::parse("2026-11-20T23:59:59Z")
                .expect("parses")
                .after(day)
        );
        assert!(
            When::parse("2026-11-21T00:00:00Z")
                .expect("parses")
                .after(day)
        );
        assert!(
            !When::parse("2026-11-21T01:00:00+02:00")
                .expect("parses")
                .after(day)
        );
        // The UTC day is the one date arithmetic uses.
        assert_eq!(
            When::parse("2026-11-21T01:00:00+02:00")
                .expect("parses")
                .date(),
            day
        );
        for bad in [
            "2026-11-20T99:99:99Z",
            "2026-11-20 nonsense",
            "2026-11-20T04:10:00",
            "2026-02-30",
            "2026-11-20T04:10:00Z[Europe/Paris]",
        ] {
            assert!(When::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invalid_times_in_json_lines_are_errors_with_their_line() {
        let text = "{\"app\":\"a\",\"control\":\"c\",\"status\":\"pass\",\"collected\":\"2026-11-20T99:99:99Z\"}\n{\"app\":\"a\",\"control\":\"c\",\"status\":\"pass\",\"collected\":\"2026-11-20 nonsense\"}\n{\"app\":\"a\",\"control\":\"c\",\"status\":\"pass\",\"collected\":\"2026-11-20\",\"expires\":\"soon\"}\n";
        let mut set = EvidenceSet::default();
        let errors = read_json_lines("e.jsonl", text, &mut set);
        assert!(set.evidence.is_empty());
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "{}:{}: {}",
                    e.file,
                    e.line,
                    e.message.split(':').next().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                "e.jsonl:1: `collected` is not a time",
                "e.jsonl:2: `collected` is not a time",
                "e.jsonl:3: `expires` is not a time",
            ]
        );
        assert!(errors.iter().all(|e| e.help.as_deref() == Some(TIME_HELP)));
    }

    /// Reads `text` as JSON lines; the errors as `line: message`.
    fn read(text: &str) -> (EvidenceSet, Vec<String>) {
        let mut set = EvidenceSet::default();
        let errors = read_json_lines("e.jsonl", text, &mut set)
            .iter()
            .map(|e| format!("{}: {}", e.line, e.message))
            .collect();
        (set, errors)
    }

    #[test]
    fn deployments_incidents_and_measurements_are_read() {
        let (set, errors) = read(concat!(
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-03-02T10:00:00Z","outcome":"success","commits":[{"sha":"abc","committed":"2026-03-01T16:00:00Z"}]}"#,
            "\n",
            r#"{"kind":"deployment","app":"shop","id":"d2","environment":"staging","deployed":"2026-03-02","outcome":"rolled-back","restores":"d1","detail":"bad config"}"#,
            "\n",
            r#"{"kind":"incident","app":"shop","id":"i1","opened":"2026-03-02T10:20:00Z","resolved":"2026-03-02T11:00:00Z","severity":"HIGH","caused_by":"d1"}"#,
            "\n",
            r#"{"kind":"measurement","app":"shop","metric":"mttr-pages","value":2.5,"measured":"2026-03-03"}"#,
            "\n",
        ));
        assert_eq!(errors, Vec::<String>::new());
        let d1 = &set.deployments[0];
        assert_eq!(
            (
                d1.environment.as_str(),
                d1.outcome,
                d1.commits[0].sha.as_str()
            ),
            ("production", DeploymentOutcome::Success, "abc")
        );
        assert_eq!(d1.commits[0].committed.to_string(), "2026-03-01T16:00:00Z");
        let d2 = &set.deployments[1];
        assert_eq!(
            (d2.environment.as_str(), d2.outcome, d2.restores.as_deref()),
            ("staging", DeploymentOutcome::RolledBack, Some("d1"))
        );
        let i1 = &set.incidents[0];
        assert_eq!(
            (
                i1.severity.as_deref(),
                i1.caused_by.as_deref(),
                i1.origin.as_str()
            ),
            (Some("high"), Some("d1"), "e.jsonl:3")
        );
        assert_eq!(set.measurements[0].value, 2.5);
        assert_eq!(set.measurements[0].metric, "mttr-pages");
    }

    #[test]
    fn bad_deployments_incidents_and_measurements_are_errors_with_their_line() {
        let (set, errors) = read(concat!(
            // 1: a field of another kind
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-03-02","outcome":"success","severity":"high"}"#,
            "\n",
            // 2: an outcome that is not one
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-03-02","outcome":"ok"}"#,
            "\n",
            // 3: a commit without its time
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-03-02","outcome":"failed","commits":[{"sha":"abc"}]}"#,
            "\n",
            // 4: a commit after the deployment that shipped it
            r#"{"kind":"deployment","app":"shop","id":"d1","deployed":"2026-03-02T10:00:00Z","outcome":"success","commits":[{"sha":"abc","committed":"2026-03-02T11:00:00Z"}]}"#,
            "\n",
            // 5: resolved before it opened
            r#"{"kind":"incident","app":"shop","id":"i1","opened":"2026-03-02T10:20:00Z","resolved":"2026-03-02T10:00:00Z"}"#,
            "\n",
            // 6: a value that is not a number
            r#"{"kind":"measurement","app":"shop","metric":"m","value":"fast","measured":"2026-03-03"}"#,
            "\n",
            // 7: no time
            r#"{"kind":"measurement","app":"shop","metric":"m","value":1}"#,
            "\n",
            // 8: a kind that does not exist
            r#"{"kind":"deploy","app":"shop"}"#,
            "\n",
            // 9: a deployment's field on evidence, the issue's own example
            r#"{"app":"shop","control":"c","status":"pass","collected":"2026-03-02","deployed":"2026-03-02"}"#,
            "\n",
            // 10: a finding's field on evidence is not silently dropped
            r#"{"app":"shop","control":"c","status":"pass","collected":"2026-03-02","severity":"high"}"#,
            "\n",
        ));
        assert!(set.deployments.is_empty() && set.incidents.is_empty());
        assert!(set.measurements.is_empty() && set.evidence.is_empty());
        insta::assert_snapshot!(errors.join("\n"), @r#"
        1: not a valid evidence record: unknown field `severity`, expected one of `kind`, `app`, `id`, `environment`, `deployed`, `outcome`, `commits`, `restores`, `detail`
        2: `outcome` is `ok`: expected `success`, `failed`, `rolled-back`
        3: missing field `commits[].committed`
        4: `deployed` (2026-03-02T10:00:00Z) is before `commits[].committed` (2026-03-02T11:00:00Z)
        5: `resolved` (2026-03-02T10:00:00Z) is before `opened` (2026-03-02T10:20:00Z)
        6: not a valid evidence record: invalid type: string "fast", expected f64
        7: missing field `measured`
        8: unknown kind `deploy`
        9: not a valid evidence record: unknown field `deployed`, expected one of `kind`, `app`, `archetype`, `control`, `obligation`, `status`, `tool`, `tool_version`, `commit`, `collected`, `expires`, `detail`
        10: not a valid evidence record: unknown field `severity`, expected one of `kind`, `app`, `archetype`, `control`, `obligation`, `status`, `tool`, `tool_version`, `commit`, `collected`, `expires`, `detail`
        "#);
    }

    #[test]
    fn findings_fixed_before_seen_are_errors_and_reopened_ones_restart() {
        let (set, errors) = read(concat!(
            r#"{"kind":"finding","app":"shop","id":"CVE-1","severity":"high","first_seen":"2026-03-10","fixed":"2026-03-01"}"#,
            "\n",
            r#"{"kind":"finding","app":"shop","id":"CVE-2","severity":"high","first_seen":"2026-03-01","reopened":"2026-04-01","fixed":"2026-03-05"}"#,
            "\n",
            r#"{"kind":"finding","app":"shop","id":"CVE-3","severity":"high","first_seen":"2026-03-01","reopened":"2026-04-01","due":"2026-04-10"}"#,
            "\n",
        ));
        insta::assert_snapshot!(errors.join("\n"), @r"
        1: `fixed` (2026-03-01) is before `first_seen` (2026-03-10)
        2: `fixed` (2026-03-05) is before `reopened` (2026-04-01)
        ");
        let cve3 = &set.findings[0];
        assert_eq!(cve3.opened_by(AT).to_string(), "2026-04-01");
        // Evaluated before it reopened, its clock is the first one.
        let march = Date {
            year: 2026,
            month: 3,
            day: 31,
        };
        assert_eq!(cve3.opened_by(march).to_string(), "2026-03-01");
        assert_eq!(
            cve3.due.map(|d| d.to_string()).as_deref(),
            Some("2026-04-10")
        );
    }
}
