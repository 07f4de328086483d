//! Trivy's JSON report (`trivy image --format json`, schema version 2): `Results[]`, each
//! with `Vulnerabilities[]` of `VulnerabilityID`, `PkgName`, `InstalledVersion`,
//! `FixedVersion` (comma-separated when several) and `Severity`; the scan time is
//! `CreatedAt`.

use polic_syntax::ast::Date;

use super::{ReadError, Vulnerability, done, parse, scanned, severity};
use crate::evidence::Finding;
use crate::json::{Node, Problems};

pub fn read(text: &str, app: &str, scanned_at: Date) -> Result<Vec<Finding>, ReadError> {
    let json = parse(text)?;
    let root = Node::root(&json);
    let mut problems = Problems::default();
    let mut findings = Vec::new();
    if !root.object(&mut problems) {
        return done(findings, problems);
    }
    if let Some(version) = root.required("SchemaVersion", &mut problems)
        && version.value.as_u64() != Some(2)
    {
        problems.add(
            &version.path,
            format!(
                "expected 2, found `{}` (only schema version 2 is read)",
                version.value
            ),
        );
        return done(findings, problems);
    }
    let seen = scanned(root.get("CreatedAt"), scanned_at, &mut problems);
    for result in root.array("Results", &mut problems) {
        if !result.object(&mut problems) {
            continue;
        }
        for vulnerability in result.array("Vulnerabilities", &mut problems) {
            if !vulnerability.object(&mut problems) {
                continue;
            }
            let id = vulnerability.required_str("VulnerabilityID", &mut problems);
            let package = vulnerability.required_str("PkgName", &mut problems);
            let installed = vulnerability.required_str("InstalledVersion", &mut problems);
            let fixed_in = vulnerability
                .optional_str("FixedVersion", &mut problems)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let rated = vulnerability
                .required("Severity", &mut problems)
                .and_then(|node| severity(&node, &mut problems));
            if let (Some(id), Some(package), Some(installed), Some(rated)) =
                (id, package, installed, rated)
            {
                let found = Vulnerability {
                    id,
                    package,
                    installed,
                    fixed_in,
                    path: vulnerability.path.clone(),
                };
                findings.push(found.finding(app, "trivy", seen, rated));
            }
        }
    }
    done(findings, problems)
}
