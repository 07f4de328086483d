use polic_syntax::ast::Date;

use super::read;
use crate::evidence::Finding;

const AT: Date = Date {
    year: 2026,
    month: 11,
    day: 22,
};

/// One line per finding, as a reviewer reads them.
fn shown(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} tool={} first_seen={} fixed={:?} | {} | {}",
                f.app,
                f.id,
                f.severity,
                f.tool.as_deref().unwrap_or_default(),
                f.first_seen,
                f.fixed.map(|w| w.to_string()),
                f.detail.as_deref().unwrap_or_default(),
                f.origin
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/scanners/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The errors reading `text` as `format`, one per line.
fn errors(format: &str, text: &str) -> String {
    match read(format, "report.json", text, "shop", AT) {
        Ok(findings) => panic!("read as {}", shown(&findings)),
        Err(errors) => errors
            .iter()
            .map(|e| {
                format!(
                    "error[{}]: {e}\n  help: {}",
                    e.code.map(|c| c.as_str()).unwrap_or_default(),
                    e.help.as_deref().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn findings(format: &str) -> String {
    let text = fixture(&format!("{format}.json"));
    let findings = read(
        format,
        &format!("tests/scanners/{format}.json"),
        &text,
        "checkout-web",
        AT,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    shown(&findings)
}

#[test]
fn trivy_reports_are_read() {
    insta::assert_snapshot!(findings("trivy"));
}

#[test]
fn grype_reports_are_read() {
    insta::assert_snapshot!(findings("grype"));
}

#[test]
fn osv_scanner_reports_are_read() {
    insta::assert_snapshot!(findings("osv-scanner"));
}

#[test]
fn malformed_osv_scanner_reports_name_the_json_path() {
    insta::assert_snapshot!(errors(
        "osv-scanner",
        r#"{"results":[{"packages":[
        {"package":{"name":"p","version":"1"},"groups":[{"ids":["GHSA-1"],"max_severity":"high"},{"max_severity":"5.0"}]},
        {"package":{"version":"1"},"groups":[{"ids":[],"max_severity":"11"}]}]}]}"#
    ));
}

#[test]
fn cyclonedx_boms_are_read_and_vex_closes_findings() {
    insta::assert_snapshot!(findings("cyclonedx"));
}

#[test]
fn malformed_cyclonedx_boms_name_the_json_path() {
    insta::assert_snapshot!(errors(
        "cyclonedx",
        r#"{"bomFormat":"CycloneDX","components":[{"bom-ref":"a"}],"vulnerabilities":[
        {"id":"CVE-1","ratings":[{"severity":"severe"}],"affects":[{"ref":"a"}]},
        {"id":"CVE-2","analysis":{"state":"fixed"},"affects":[{}]},
        {"id":"CVE-3"}]}"#
    ));
    insta::assert_snapshot!(errors("cyclonedx", r#"{"bomFormat":"SPDX"}"#));
}

#[test]
fn npm_audit_reports_are_read() {
    insta::assert_snapshot!(findings("npm-audit"));
}

#[test]
fn malformed_npm_audit_reports_name_the_json_path() {
    insta::assert_snapshot!(errors(
        "npm-audit",
        r#"{"auditReportVersion":2,"vulnerabilities":{
        "a":{"range":"*","via":[{"severity":"high"},{"url":"https://github.com/advisories/GHSA-1","severity":"urgent"}]},
        "b":{"via":[7]}}}"#
    ));
}

#[test]
fn a_report_without_its_time_is_dated_at_the_scan_date() {
    let text = r#"{"SchemaVersion":2,"Results":[{"Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}]}]}"#;
    let found = read("trivy", "t.json", text, "shop", AT).expect("reads");
    assert_eq!(found[0].first_seen.to_string(), "2026-11-22");
}

#[test]
fn malformed_trivy_reports_name_the_json_path() {
    insta::assert_snapshot!(errors(
        "trivy",
        r#"{"SchemaVersion":2,"CreatedAt":"yesterday","Results":[
        {"Vulnerabilities":[]},{"Vulnerabilities":{}},
        {"Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","Severity":"severe"},
                            {"VulnerabilityID":7,"InstalledVersion":"1","Severity":"LOW"}, "CVE-2"]}]}"#
    ));
    insta::assert_snapshot!(errors("trivy", r#"{"SchemaVersion":1,"Results":[]}"#));
    insta::assert_snapshot!(errors("trivy", "{\"SchemaVersion\":2,\n\"Results\":[}"));
}

#[test]
fn malformed_grype_reports_name_the_json_path() {
    insta::assert_snapshot!(errors(
        "grype",
        r#"{"matches":[
        {"vulnerability":{"id":"CVE-1","severity":"High","fix":{"versions":[3]}},"artifact":{"name":"p"}},
        {"vulnerability":"CVE-2","artifact":{"name":"p","version":"1"}}]}"#
    ));
    insta::assert_snapshot!(errors("grype", r#"{"descriptor":{"name":"grype"}}"#));
}

#[test]
fn an_unknown_format_suggests_the_closest() {
    insta::assert_snapshot!(errors("trviy", "{}"));
}
