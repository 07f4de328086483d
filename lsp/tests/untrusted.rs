//! A workspace folder is untrusted: the server reads nothing outside it, and shows no
//! file's content that is not policy. Same rules as `polic check` (docs/security.md).

#[allow(dead_code)] // each test crate uses part of the shared client
mod support;

use support::{Session, options};

#[tokio::test(flavor = "multi_thread")]
async fn an_import_of_a_system_file_is_a_diagnostic_without_its_content() {
    let files = &[(
        "policy.polic",
        "import \"/etc/passwd\"\nimport \"../../../../../../../etc/passwd\"\n",
    )];
    let mut session = Session::start("untrusted-import", files, false, options()).await;
    let diagnostics = session.diagnostics("policy.polic", None).await;
    let shown = session.show(&diagnostics);
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first_line = passwd.lines().next().unwrap_or("root:x:0:0");
    assert!(!shown.contains(first_line), "{shown}");
    let messages: Vec<&str> = diagnostics
        .as_array()
        .map(|all| all.iter().filter_map(|d| d["message"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(messages.len(), 2, "{shown}");
    assert!(
        messages.iter().all(|m| m.contains("/etc/passwd")),
        "{shown}"
    );
    session.shutdown().await;
}
