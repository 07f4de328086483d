//! Scanner reports read as findings: Trivy, Grype, OSV-Scanner and npm audit JSON,
//! CycloneDX BOMs with vulnerabilities and VEX. Readers are pure: each takes the
//! report's text, the app it was run over and the scan date (`--at`, used when the report
//! carries no time of its own) and gives one open finding per vulnerability it lists, the
//! tool set to the scanner's name so that the finding counts against controls verified by
//! `scan "trivy"` etc. These formats say when a scan ran, not when a vulnerability first
//! appeared: a finding's `first_seen` is the scan time, and its detail says so.
//! Malformed reports are errors naming the JSON path; reading goes on past each one.

mod cyclonedx;
mod grype;
mod npm_audit;
mod osv;
mod trivy;

use polic_diagnostics::Code;
use polic_syntax::ast::Date;
use serde_json::Value as Json;

use crate::evidence::{Finding, InputError, SEVERITIES, When};
use crate::json::{Node, Problem, Problems};

/// Every problem of a report, each at its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub problems: Vec<Problem>,
}

type Reader = fn(&str, &str, Date) -> Result<Vec<Finding>, ReadError>;

/// The formats `--scan APP=FORMAT:FILE` takes, by name.
pub const FORMATS: &[(&str, Reader)] = &[
    ("cyclonedx", cyclonedx::read),
    ("grype", grype::read),
    ("npm-audit", npm_audit::read),
    ("osv-scanner", osv::read),
    ("trivy", trivy::read),
];

/// Reads the report `file` of `format` over `app`: its findings, their origin the file and
/// the JSON path of each vulnerability, or every problem as an input error.
pub fn read(
    format: &str,
    file: &str,
    text: &str,
    app: &str,
    scanned_at: Date,
) -> Result<Vec<Finding>, Vec<InputError>> {
    let error = |code: Code, message: String, help: Option<String>| InputError {
        file: file.to_string(),
        line: 0,
        message,
        help,
        code: Some(code),
    };
    let Some((_, reader)) = FORMATS.iter().find(|(name, _)| *name == format) else {
        let names: Vec<&str> = FORMATS.iter().map(|(name, _)| *name).collect();
        let did_you_mean = polic_diagnostics::suggest::closest(format, names.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(vec![error(
            Code::UnknownScanFormat,
            format!("unknown scanner format `{format}`"),
            Some(format!(
                "{did_you_mean}the formats are {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )]);
    };
    match reader(text, app, scanned_at) {
        Ok(mut findings) => {
            for finding in &mut findings {
                finding.origin = format!("{file}: {}", finding.origin);
            }
            Ok(findings)
        }
        Err(e) => Err(e
            .problems
            .into_iter()
            .map(|p| {
                error(
                    Code::MalformedScanReport,
                    p.to_string(),
                    Some(format!(
                        "give the `{format}` JSON report as the scanner wrote it; docs/evidence.md lists the fields read"
                    )),
                )
            })
            .collect()),
    }
}

/// The report as JSON, or the syntax error at its root.
fn parse(text: &str) -> Result<Json, ReadError> {
    serde_json::from_str(text).map_err(|e| ReadError {
        problems: vec![Problem {
            path: "$".to_string(),
            message: format!("not valid JSON: {e}"),
        }],
    })
}

/// The scan's time: the report's own field when it has one, else the start of `at`.
fn scanned(node: Option<Node>, at: Date, problems: &mut Problems) -> When {
    let Some(node) = node else {
        return When::Day(at);
    };
    let Some(text) = node.string(problems) else {
        return When::Day(at);
    };
    When::parse(text).unwrap_or_else(|why| {
        problems.add(&node.path, format!("not a time: `{text}`: {why}"));
        When::Day(at)
    })
}

/// A scanner's severity as polic's: `moderate` is medium; `negligible`, `info` and
/// `none` are below low, so low; a vulnerability
/// not yet rated (`unknown`) is read as medium, neither dropped nor alarmed on, and its
/// detail says so.
fn severity(node: &Node, problems: &mut Problems) -> Option<(String, Option<&'static str>)> {
    let written = node.string(problems)?.to_lowercase();
    match written.as_str() {
        s if SEVERITIES.contains(&s) => Some((written, None)),
        // GitHub's and npm's word for medium.
        "moderate" => Some(("medium".to_string(), None)),
        "negligible" => Some(("low".to_string(), Some("negligible, read as low"))),
        "info" | "none" => Some(("low".to_string(), Some("info, read as low"))),
        "unknown" => Some(("medium".to_string(), Some("unknown, read as medium"))),
        _ => {
            problems.add(
                &node.path,
                format!(
                    "unknown severity `{written}`: expected one of {}, moderate, negligible, info, none, unknown",
                    SEVERITIES.join(", ")
                ),
            );
            None
        }
    }
}

/// What a scanner says of one vulnerability in one package.
struct Vulnerability<'a> {
    id: &'a str,
    package: &'a str,
    installed: &'a str,
    /// The versions that fix it, if any is known.
    fixed_in: Vec<&'a str>,
    /// Where it is in the report, kept as the finding's origin.
    path: String,
}

impl Vulnerability<'_> {
    /// The open finding it is, seen at the scan time.
    fn finding(
        self,
        app: &str,
        tool: &str,
        seen: When,
        (severity, read_as): (String, Option<&str>),
    ) -> Finding {
        let fix = if self.fixed_in.is_empty() {
            "no fixed version".to_string()
        } else {
            format!("fixed in {}", self.fixed_in.join(" or "))
        };
        let mut detail = if self.installed.is_empty() {
            format!("{}, {fix}", self.package)
        } else {
            format!("{} {}, {fix}", self.package, self.installed)
        };
        if let Some(read_as) = read_as {
            detail.push_str(&format!("; severity {read_as}"));
        }
        detail.push_str("; first seen: scan time");
        Finding {
            app: app.to_string(),
            id: self.id.to_string(),
            severity,
            first_seen: seen,
            fixed: None,
            tool: Some(tool.to_string()),
            control: None,
            due: None,
            reopened: None,
            detail: Some(detail),
            origin: self.path,
        }
    }
}

/// The findings, or every problem met.
fn done(findings: Vec<Finding>, problems: Problems) -> Result<Vec<Finding>, ReadError> {
    if problems.0.is_empty() {
        Ok(findings)
    } else {
        Err(ReadError {
            problems: problems.0,
        })
    }
}

#[cfg(test)]
mod tests;
