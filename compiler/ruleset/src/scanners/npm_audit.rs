//! npm's audit report (`npm audit --json`, `auditReportVersion` 2): `vulnerabilities` by
//! package name, each with `severity`, the vulnerable `range` and `via[]`, whose objects
//! are the advisories (`url` ending in the GHSA id; strings are the dependencies it comes
//! through, reported under their own names); `fixAvailable` names the fixing version. The
//! report has neither the installed version nor a time: the range stands for the version,
//! and the scan is dated at `--at`.

use polic_syntax::ast::Date;

use super::{ReadError, Vulnerability, done, parse, severity};
use crate::evidence::{Finding, When};
use crate::json::{Node, Problems};

pub fn read(text: &str, app: &str, scanned_at: Date) -> Result<Vec<Finding>, ReadError> {
    let json = parse(text)?;
    let root = Node::root(&json);
    let mut problems = Problems::default();
    let mut findings = Vec::new();
    if !root.object(&mut problems) {
        return done(findings, problems);
    }
    if let Some(version) = root.required("auditReportVersion", &mut problems)
        && version.value.as_u64() != Some(2)
    {
        problems.add(
            &version.path,
            format!(
                "expected 2, found `{}` (only version 2 is read)",
                version.value
            ),
        );
        return done(findings, problems);
    }
    let seen = When::Day(scanned_at);
    let Some(packages) = root.required("vulnerabilities", &mut problems) else {
        return done(findings, problems);
    };
    let Some(by_name) = packages.value.as_object() else {
        packages.object(&mut problems);
        return done(findings, problems);
    };
    // serde_json's map is ordered by key: the output does not depend on the report's order.
    for name in by_name.keys() {
        let Some(package) = packages.get(name).filter(|p| p.object(&mut problems)) else {
            continue;
        };
        let range = package.required_str("range", &mut problems);
        let fix = package.get("fixAvailable");
        // `true`: a fix exists through an upgrade `npm audit fix` makes, version unsaid.
        let fixed_in: Vec<&str> = match fix.as_ref().map(|f| f.value) {
            Some(serde_json::Value::Bool(true)) => vec!["what `npm audit fix` installs"],
            _ => fix
                .as_ref()
                .and_then(|f| f.get("version"))
                .and_then(|v| v.value.as_str())
                .into_iter()
                .collect(),
        };
        for advisory in package.array("via", &mut problems) {
            if advisory.value.is_string() {
                continue;
            }
            if !advisory.object(&mut problems) {
                continue;
            }
            let id = advisory
                .required_str("url", &mut problems)
                .map(|url| url.rsplit('/').next().unwrap_or(url));
            let rated = advisory
                .required("severity", &mut problems)
                .and_then(|node| severity(&node, &mut problems));
            let advised = advisory.optional_str("name", &mut problems).unwrap_or(name);
            if let (Some(id), Some(range), Some(rated)) = (id, range, rated) {
                let found = Vulnerability {
                    id,
                    package: advised,
                    installed: range,
                    fixed_in: fixed_in.clone(),
                    path: advisory.path.clone(),
                };
                findings.push(found.finding(app, "npm-audit", seen, rated));
            }
        }
    }
    done(findings, problems)
}
