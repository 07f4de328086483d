//! Scripted sessions with the language server, in process over a duplex pipe, with the
//! responses as snapshots. The workspace is tests/fixtures (four files, some non-ASCII).

mod support;

use insta::assert_snapshot;
use serde_json::{Value, json};
use support::{Session, options};

const FILES: &[(&str, &str)] = &[
    ("policy.polic", include_str!("fixtures/policy.polic")),
    (
        "archetypes.polic",
        include_str!("fixtures/archetypes.polic"),
    ),
    ("controls.polic", include_str!("fixtures/controls.polic")),
    ("apps.polic", include_str!("fixtures/apps.polic")),
];

async fn start(name: &str) -> Session {
    Session::start(name, FILES, false, options()).await
}

/// A hover's Markdown and range, for snapshots.
fn hover_text(session: &Session, response: &Value) -> String {
    let result = &response["result"];
    format!(
        "range: {}\n\n{}",
        session.show(&result["range"]).replace('\n', " "),
        result["contents"]["value"]
            .as_str()
            .unwrap_or("(no hover)")
            .replace(&session.root_uri(), "file:///$ROOT")
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn initialize_negotiates_utf16_and_announces_features() {
    let session = start("initialize").await;
    assert_snapshot!(session.show(&session.initialize_result));
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn diagnostics_for_disk_files_then_for_edits_with_versions() {
    let mut session = start("diagnostics").await;
    // The workspace folder's files are checked on initialize, before any is opened.
    let policy = session.diagnostics("policy.polic", None).await;
    assert_snapshot!("policy_on_disk", session.show(&policy));

    session.open("controls.polic").await;
    let version = session
        .edit(
            "controls.polic",
            "applies-to service\n",
            "applies-to servise\n",
        )
        .await;
    let diagnostics = session.diagnostics("controls.polic", Some(version)).await;
    assert_snapshot!("unknown_archetype", session.show(&diagnostics));

    // The quick fix for it is the did-you-mean.
    let range = diagnostics[0]["range"].clone();
    let actions = session
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": session.uri("controls.polic")},
                "range": range,
                "context": {"diagnostics": []}
            }),
        )
        .await;
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(titles, ["Replace with `service`"]);
    let edit = &actions["result"][0]["edit"]["documentChanges"][0];
    assert_snapshot!("did_you_mean_fix", session.show(edit));

    // Fixing it clears the error, with the new version.
    let version = session.edit("controls.polic", "servise", "service").await;
    let diagnostics = session.diagnostics("controls.polic", Some(version)).await;
    assert_eq!(diagnostics, json!([]));
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn code_actions_add_an_obligation_and_renew_an_expired_waiver() {
    let mut session = start("code-actions").await;
    session.open("controls.polic").await;
    let version = session
        .edit(
            "controls.polic",
            "  obligation restore-test \"Restaurer chaque trimestre\" { verify test \"restore\" }\n",
            "",
        )
        .await;
    let diagnostics = session.diagnostics("controls.polic", Some(version)).await;
    let range = diagnostics[0]["range"].clone();
    let actions = session
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": session.uri("controls.polic")}, "range": range, "context": {"diagnostics": []}}),
        )
        .await;
    assert_snapshot!("add_obligation", session.show(&actions["result"]));

    session.open("apps.polic").await;
    let version = session.edit("apps.polic", "2030-01-01", "2020-01-01").await;
    let diagnostics = session.diagnostics("apps.polic", Some(version)).await;
    let range = diagnostics[0]["range"].clone();
    let actions = session
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": session.uri("apps.polic")}, "range": range, "context": {"diagnostics": []}}),
        )
        .await;
    let action = &actions["result"][0];
    let title = action["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Extend the waiver to "), "{title}");
    let new_date = &action["edit"]["documentChanges"][0]["edits"][0]["newText"];
    assert!(
        title.contains(new_date.as_str().unwrap_or("missing")),
        "{action}"
    );
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hover_traces_controls_clauses_archetypes_apps_and_facts() {
    let mut session = start("hover").await;
    session.open("controls.polic").await;
    let mut shown = Vec::new();
    for (path, needle, delta) in [
        ("controls.polic", "control tls", 9),
        ("controls.polic", "acme#OPS-2", 6),
        ("controls.polic", "exposure ==", 2),
        ("controls.polic", "== internet", 4),
        ("archetypes.polic", "archetype web", 11),
        ("apps.polic", "app shop", 5),
        ("policy.polic", "#OPS-3", 2),
        ("policy.polic", "std.iso27001", 5),
        ("policy.polic", "default low", 9),
        ("apps.polic", "tls-only", 2),
    ] {
        let response = session
            .request("textDocument/hover", session.at(path, needle, delta))
            .await;
        shown.push(format!(
            "## {path}: {needle}\n{}",
            hover_text(&session, &response)
        ));
    }
    assert_snapshot!(shown.join("\n\n"));
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn definition_goes_into_files_and_into_the_standard_library() {
    let mut session = start("definition").await;
    let archetype = session
        .request(
            "textDocument/definition",
            session.at("controls.polic", "applies-to service", 12),
        )
        .await;
    assert_snapshot!("definition_archetype", session.show(&archetype["result"]));

    let clause = session
        .request(
            "textDocument/definition",
            session.at("controls.polic", "iso27001#A.8.24", 11),
        )
        .await;
    let uri = clause["result"]["uri"].clone();
    assert_eq!(uri, "polic-stdlib:///iso27001.polic");
    // The client fetches the read-only text, by the custom request or the 3.18 one.
    let text = session.request("polic/stdlib", json!({"uri": uri})).await;
    let text = text["result"].as_str().unwrap_or_default().to_string();
    let line = clause["result"]["range"]["start"]["line"]
        .as_u64()
        .unwrap_or_default() as usize;
    assert!(
        text.lines()
            .nth(line)
            .is_some_and(|l| l.contains("clause #A.8.24")),
        "{line}"
    );
    let content = session
        .request("workspace/textDocumentContent", json!({"uri": uri}))
        .await;
    assert_eq!(content["result"]["text"].as_str(), Some(text.as_str()));

    // Features work inside the standard library's documents too.
    let hover = session
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": clause["result"]["range"]["start"]}),
        )
        .await;
    assert_snapshot!("hover_in_stdlib", hover_text(&session, &hover));
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn references_and_rename_across_files() {
    let mut session = start("rename").await;
    let references = session
        .request(
            "textDocument/references",
            json!({
                "textDocument": {"uri": session.uri("archetypes.polic")},
                "position": session.position("archetypes.polic", "archetype service", 10),
                "context": {"includeDeclaration": true}
            }),
        )
        .await;
    assert_snapshot!("references", session.show(&references["result"]));

    let prepare = session
        .request(
            "textDocument/prepareRename",
            session.at("archetypes.polic", "archetype service", 10),
        )
        .await;
    assert_snapshot!("prepare_rename", session.show(&prepare["result"]));
    let mut params = session.at("archetypes.polic", "archetype service", 10);
    params["newName"] = json!("platform-service");
    let rename = session.request("textDocument/rename", params).await;
    assert_snapshot!("rename", session.show(&rename["result"]));

    // Names from the standard library cannot be renamed, nor can a name become invalid.
    let refused = session
        .request(
            "textDocument/prepareRename",
            session.at("controls.polic", "iso27001#A.8.24", 11),
        )
        .await;
    assert_snapshot!("rename_refused", session.show(&refused["error"]));
    let mut params = session.at("archetypes.polic", "archetype service", 10);
    params["newName"] = json!("not valid");
    let invalid = session.request("textDocument/rename", params).await;
    assert_snapshot!("rename_invalid", session.show(&invalid["error"]));
    session.shutdown().await;
}

/// The labels of a completion response.
fn labels(response: &Value) -> Vec<String> {
    response["result"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item["label"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn completion_by_context() {
    let mut session = start("completion").await;
    session.open("controls.polic").await;
    let mut shown = Vec::new();
    // Each case: text to type in place of an existing stretch, and the cursor after it.
    for (old, typed) in [
        ("applies-to service\n", "applies-to "),
        ("satisfies acme#OPS-1", "satisfies iso27001#A.8.2"),
        ("exposure == internet", "exposure == "),
        ("pii in data", "pii in "),
        ("phase build", "phase "),
        ("when exposure", "when exp"),
        ("  phase build\n", "  \n"),
    ] {
        session.edit("controls.polic", old, typed).await;
        let delta = typed.trim_end_matches('\n').len();
        let response = session
            .request(
                "textDocument/completion",
                session.at("controls.polic", typed, delta),
            )
            .await;
        shown.push(format!("{typed:?} -> {}", labels(&response).join(", ")));
        session.edit("controls.polic", typed, old).await;
    }
    assert_snapshot!(shown.join("\n"));

    // One item in full: the clause id replaces what was typed after `#`.
    session
        .edit("controls.polic", "acme#OPS-1", "acme#OP")
        .await;
    let response = session
        .request(
            "textDocument/completion",
            session.at("controls.polic", "acme#OP", 7),
        )
        .await;
    assert_snapshot!("clause_item", session.show(&response["result"]["items"][0]));
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn code_lenses_inlay_hints_symbols_and_folding() {
    let mut session = start("lenses").await;
    let mut shown = Vec::new();
    for path in ["policy.polic", "controls.polic"] {
        let lenses = session
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": session.uri(path)}}),
            )
            .await;
        for lens in lenses["result"].as_array().into_iter().flatten() {
            shown.push(format!(
                "{path}:{}: {}",
                lens["range"]["start"]["line"],
                lens["command"]["title"].as_str().unwrap_or_default()
            ));
        }
    }
    assert_snapshot!("code_lenses", shown.join("\n"));

    let hints = session
        .request(
            "textDocument/inlayHint",
            json!({
                "textDocument": {"uri": session.uri("controls.polic")},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 100, "character": 0}}
            }),
        )
        .await;
    assert_snapshot!("inlay_hints", session.show(&hints["result"]));

    let symbols = session
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": session.uri("policy.polic")}}),
        )
        .await;
    assert_snapshot!("document_symbols", session.show(&symbols["result"]));
    let found = session
        .request("workspace/symbol", json!({"query": "OPS"}))
        .await;
    assert_snapshot!("workspace_symbols", session.show(&found["result"]));
    let folds = session
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": session.uri("policy.polic")}}),
        )
        .await;
    assert_snapshot!("folding_ranges", session.show(&folds["result"]));
    session.shutdown().await;
}

/// Semantic tokens decoded to `line:col len type [modifiers] text`.
fn decode_tokens(session: &Session, response: &Value, text: &str) -> String {
    let legend = &session.initialize_result["capabilities"]["semanticTokensProvider"]["legend"];
    let data: Vec<u64> = response["result"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let (mut line, mut col) = (0, 0);
    let mut out = Vec::new();
    for token in data.chunks(5) {
        let [delta_line, delta_col, length, kind, modifiers] = token else {
            continue;
        };
        if *delta_line > 0 {
            line += delta_line;
            col = 0;
        }
        col += delta_col;
        let modifiers: Vec<&str> = (0..3)
            .filter(|bit| modifiers & (1 << bit) != 0)
            .filter_map(|bit| legend["tokenModifiers"][bit].as_str())
            .collect();
        let units: Vec<u16> = lines[line as usize].encode_utf16().collect();
        let token_text = String::from_utf16_lossy(&units[col as usize..(col + length) as usize]);
        out.push(format!(
            "{line}:{col} {} [{}] {token_text}",
            legend["tokenTypes"][*kind as usize].as_str().unwrap_or("?"),
            modifiers.join(",")
        ));
    }
    out.join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn semantic_tokens_classify_keywords_names_and_clause_references() {
    let mut session = start("semantic").await;
    let response = session
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": session.uri("controls.polic")}}),
        )
        .await;
    assert_snapshot!(decode_tokens(&session, &response, FILES[2].1));
    session.shutdown().await;
}

/// A session where the name after non-ASCII text is hovered and then misspelt, in both
/// encodings: the ranges must point at the same text.
async fn non_ascii_positions(utf8: bool) -> String {
    let mut session =
        Session::start(if utf8 { "utf8" } else { "utf16" }, FILES, utf8, options()).await;
    let encoding = &session.initialize_result["capabilities"]["positionEncoding"];
    assert_eq!(encoding, if utf8 { "utf-8" } else { "utf-16" });
    session.open("apps.polic").await;
    let hover = session
        .request(
            "textDocument/hover",
            session.at("apps.polic", "archetype web", 11),
        )
        .await;
    let expected = session.position("apps.polic", "archetype web", 10);
    assert_eq!(hover["result"]["range"]["start"], expected);
    let version = session
        .edit("apps.polic", "archetype web", "archetype wbe")
        .await;
    let diagnostics = session.diagnostics("apps.polic", Some(version)).await;
    assert_eq!(
        diagnostics[0]["range"]["start"],
        session.position("apps.polic", "wbe", 0)
    );
    assert_eq!(
        diagnostics[0]["range"]["end"],
        session.position("apps.polic", "wbe", 3)
    );
    let shown = format!(
        "hover range: {}\ndiagnostic range: {}",
        session.show(&hover["result"]["range"]).replace('\n', " "),
        session.show(&diagnostics[0]["range"]).replace('\n', " ")
    );
    session.shutdown().await;
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn non_ascii_positions_in_utf16() {
    assert_snapshot!(non_ascii_positions(false).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn non_ascii_positions_in_utf8() {
    assert_snapshot!(non_ascii_positions(true).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_syntax_error_in_one_file_leaves_the_others_working() {
    let mut session = start("syntax-error").await;
    session.open("controls.polic").await;
    let version = session
        .edit(
            "controls.polic",
            "  phase build\n",
            "  phase build }}} @@\n",
        )
        .await;
    let diagnostics = session.diagnostics("controls.polic", Some(version)).await;
    assert!(!diagnostics.as_array().is_none_or(Vec::is_empty));
    let hover = session
        .request(
            "textDocument/hover",
            session.at("apps.polic", "archetype web", 11),
        )
        .await;
    assert!(hover_text(&session, &hover).contains("**archetype** `web`"));
    let definition = session
        .request(
            "textDocument/definition",
            session.at("apps.polic", "archetype web", 11),
        )
        .await;
    assert_eq!(
        definition["result"]["uri"].as_str(),
        Some(session.uri("archetypes.polic").as_str())
    );
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_messages_get_json_rpc_errors_and_the_server_goes_on() {
    let mut session = start("malformed").await;
    session.send_raw("{not json").await;
    let error = session.unidentified().await;
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let bad_params = session
        .request("textDocument/hover", json!({"textDocument": 42}))
        .await;
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    let unknown = session.request("polic/nonsense", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let hover = session
        .request(
            "textDocument/hover",
            session.at("apps.polic", "archetype web", 11),
        )
        .await;
    assert!(hover["result"].is_object(), "{hover}");
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn watched_files_join_and_leave_the_workspace() {
    let mut session = start("watched").await;
    let path = session.root.join("extra.polic");
    std::fs::write(&path, "app extra \"Extra\" { archetype nowhere }\n").expect("write");
    let uri = session.uri("extra.polic");
    session
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": 1}]}),
        )
        .await;
    let diagnostics = session.diagnostics("extra.polic", None).await;
    assert_eq!(diagnostics[0]["code"], "P0105", "{diagnostics}");
    std::fs::remove_file(&path).expect("remove");
    session
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": 3}]}),
        )
        .await;
    let diagnostics = session.diagnostics("extra.polic", None).await;
    assert_eq!(diagnostics, json!([]));
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn diagnostics_link_to_the_explanation_when_a_base_url_is_configured() {
    let options = json!({"diagnosticsDelayMs": 0, "diagnosticsBaseUrl": "https://example.org/polic/diagnostics"});
    let mut session = Session::start("base-url", FILES, false, options).await;
    let diagnostics = session.diagnostics("policy.polic", None).await;
    assert_eq!(
        diagnostics[0]["codeDescription"]["href"],
        "https://example.org/polic/diagnostics#p0701"
    );
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn related_information_points_at_the_other_end() {
    let mut session = start("related").await;
    session.open("policy.polic").await;
    // A second `tls` control (files are read in path order): the duplicate points at the
    // first definition, in another file.
    let version = session
        .edit(
            "policy.polic",
            "map acme",
            "control tls \"Again\" { }\n\nmap acme",
        )
        .await;
    let uri = session.uri("policy.polic");
    let params = session
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str()
                && p["version"] == version
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "P0101"))
        })
        .await;
    let duplicate = params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["code"] == "P0101")
        .cloned()
        .unwrap_or_default();
    assert_snapshot!(session.show(&duplicate["relatedInformation"]));
    session.shutdown().await;
}

const PYTHON: &str = "import ssl\n\n# polic: implements tls.tls-only\ndef serve():\n    return ssl.create_default_context()\n\n# polic: implements tsl\n# polic: tests backups, \n";
const RUST: &str = "// polic: implements tls\nfn main() {\n    let quoted = \"// polic: implements nothing\";\n}\n";

#[tokio::test(flavor = "multi_thread")]
async fn tags_in_source_files_trace_navigate_complete_and_report() {
    let mut files = FILES.to_vec();
    // The folder's polic.toml names the app of the code under src/: not the shop, whose
    // manifest sits above it.
    files.extend([
        ("src/serve.py", PYTHON),
        ("src/main.rs", RUST),
        ("other/app.polic", "app kiosk \"Kiosk\" { archetype web }\n"),
        ("polic.toml", "sources = [\"kiosk=src\"]\n"),
    ]);
    let mut session = Session::start("tags", &files, false, options()).await;
    session.open_as("src/serve.py", "python").await;
    session.open_as("src/main.rs", "rust").await;

    let mut shown = Vec::new();
    for (path, needle, delta) in [
        ("src/serve.py", "tls.tls-only", 1),
        ("src/serve.py", "tls.tls-only", 6),
        ("src/main.rs", "implements tls", 12),
    ] {
        let response = session
            .request("textDocument/hover", session.at(path, needle, delta))
            .await;
        shown.push(format!(
            "## {path}: {needle} +{delta}\n{}",
            hover_text(&session, &response)
        ));
    }
    assert_snapshot!("tag_hovers", shown.join("\n\n"));

    // The control in the policy; nothing in a string literal.
    let definition = session
        .request(
            "textDocument/definition",
            session.at("src/main.rs", "implements tls", 12),
        )
        .await;
    assert_snapshot!("tag_definition", session.show(&definition["result"]));
    let in_string = session
        .request(
            "textDocument/hover",
            session.at("src/main.rs", "implements nothing", 12),
        )
        .await;
    assert!(in_string["result"].is_null());

    let diagnostics = session.diagnostics("src/serve.py", Some(1)).await;
    assert_snapshot!("tag_diagnostics", session.show(&diagnostics));
    // The did-you-mean is a quick fix in the source file.
    let actions = session
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": session.uri("src/serve.py")},
                "range": diagnostics[0]["range"].clone(),
                "context": {"diagnostics": []}
            }),
        )
        .await;
    let edit = &actions["result"][0]["edit"];
    assert_eq!(actions["result"][0]["title"], "Replace with `tls`");
    assert_snapshot!("tag_fix", session.show(edit));

    // Control names after `polic: tests backups, `, required ones first; words after `polic:`.
    let completion = session
        .request(
            "textDocument/completion",
            session.at("src/serve.py", "backups, ", 9),
        )
        .await;
    assert_eq!(labels(&completion), ["backups", "tls"]);
    let completion = session
        .request(
            "textDocument/completion",
            session.at("src/serve.py", "# polic: tests", 9),
        )
        .await;
    assert_eq!(
        labels(&completion),
        ["implements", "tests", "begin", "file", "end"]
    );
    session.shutdown().await;
}

const UNOPENED: &str = "# polic: implements tls\ndef serve():\n    pass\n\n# polic: tests tsl\n";

#[tokio::test(flavor = "multi_thread")]
async fn tags_in_unopened_files_are_reported_referenced_renamed_and_watched() {
    let mut files = FILES.to_vec();
    files.extend([
        ("src/unopened.py", UNOPENED),
        ("polic.toml", "sources = [\"shop=src\"]\n"),
    ]);
    let mut session = Session::start_outside("unopened", &files, options()).await;
    // Scanned at startup: the misspelt tag reaches the Problems panel unopened.
    let diagnostics = session.diagnostics("src/unopened.py", None).await;
    assert_snapshot!("unopened_tag_diagnostics", session.show(&diagnostics));

    // References from the control's definition list the tag; rename edits it.
    session.open("controls.polic").await;
    let references = session
        .request(
            "textDocument/references",
            json!({
                "textDocument": {"uri": session.uri("controls.polic")},
                "position": session.position("controls.polic", "control tls", 9),
                "context": {"includeDeclaration": false}
            }),
        )
        .await;
    let uris: Vec<String> = references["result"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| session.show(&l["uri"]))
        .collect();
    assert!(
        uris.contains(&"\"file:///$ROOT/src/unopened.py\"".to_string()),
        "{uris:?}"
    );
    let mut params = session.at("controls.polic", "control tls", 9);
    params["newName"] = json!("tls-everywhere");
    let rename = session.request("textDocument/rename", params).await;
    let edited: Vec<&Value> = rename["result"]["documentChanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|change| {
            change["textDocument"]["uri"]
                .as_str()
                .is_some_and(|uri| uri.ends_with("src/unopened.py"))
        })
        .collect();
    assert_snapshot!("rename_in_unopened_tag", session.show(&json!(edited)));

    // The lens's command shows the apps, as editor.action.showReferences takes them.
    let lenses = session
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": session.uri("controls.polic")}}),
        )
        .await;
    assert_snapshot!("lens_commands", session.show(&lenses["result"][0]));

    // Highlights: the definition is a write, uses are reads; selection ranges nest.
    let highlights = session
        .request(
            "textDocument/documentHighlight",
            session.at("controls.polic", "control tls", 9),
        )
        .await;
    assert_snapshot!("document_highlights", session.show(&highlights["result"]));
    let selection = session
        .request(
            "textDocument/selectionRange",
            json!({
                "textDocument": {"uri": session.uri("controls.polic")},
                "positions": [session.position("controls.polic", "control tls", 9)]
            }),
        )
        .await;
    let mut depth = 0;
    let mut range = &selection["result"][0];
    while range.is_object() {
        depth += 1;
        range = &range["parent"];
    }
    assert!(depth >= 3, "{selection}");

    // A fix on disk, reported by the watcher, clears the diagnostic.
    let path = session.root.join("src/unopened.py");
    std::fs::write(&path, UNOPENED.replace("tsl", "tls")).expect("write");
    session
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": session.uri("src/unopened.py"), "type": 2}]}),
        )
        .await;
    loop {
        let diagnostics = session.diagnostics("src/unopened.py", None).await;
        if diagnostics == json!([]) {
            break;
        }
    }
    session.shutdown().await;
}
