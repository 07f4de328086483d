//! Grype's JSON report (`grype -o json`): `matches[]`, each with `vulnerability` (`id`,
//! `severity`, `fix.versions`) and `artifact` (`name`, `version`); the scan time is
//! `descriptor.timestamp`.

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
    let seen = scanned(
        root.get("descriptor").and_then(|d| d.get("timestamp")),
        scanned_at,
        &mut problems,
    );
    if root.required("matches", &mut problems).is_none() {
        return done(findings, problems);
    }
    for matched in root.array("matches", &mut problems) {
        if !matched.object(&mut problems) {
            continue;
        }
        let vulnerability = matched
            .required("vulnerability", &mut problems)
            .filter(|v| v.object(&mut problems));
        let artifact = matched
            .required("artifact", &mut problems)
            .filter(|a| a.object(&mut problems));
        let (Some(vulnerability), Some(artifact)) = (vulnerability, artifact) else {
            continue;
        };
        let id = vulnerability.required_str("id", &mut problems);
        let rated = vulnerability
            .required("severity", &mut problems)
            .and_then(|node| severity(&node, &mut problems));
        let fixed_in = match vulnerability.get("fix") {
            Some(fix) if fix.object(&mut problems) => fix
                .array("versions", &mut problems)
                .iter()
                .filter_map(|v| v.string(&mut problems))
                .collect(),
            _ => Vec::new(),
        };
        let package = artifact.required_str("name", &mut problems);
        let installed = artifact.required_str("version", &mut problems);
        if let (Some(id), Some(package), Some(installed), Some(rated)) =
            (id, package, installed, rated)
        {
            let found = Vulnerability {
                id,
                package,
                installed,
                fixed_in,
                path: matched.path.clone(),
            };
            findings.push(found.finding(app, "grype", seen, rated));
        }
    }
    done(findings, problems)
}
