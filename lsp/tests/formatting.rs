//! Formatting through the language server: a whole document, a range, and the refusal of
//! a document with syntax errors. Responses are snapshots; applied, the edits give what
//! `polic fmt` writes.

// Shared with the session tests, of which this file uses only a part.
#[allow(dead_code)]
mod support;

use insta::assert_snapshot;
use serde_json::{Value, json};
use support::{Session, options};

/// A messy file, with a non-ASCII title before the edits so that UTF-16 columns matter.
const MESSY: &str = "// Sécurité first.
app shop \"Boutique — en ligne\" { archetype web; owner \"team-shop\"   // who
  data = {pii,payment} }


control tls \"TLS\" { satisfies acme#OPS-1
  applies-to web when exposure == internet obligation tls-only \"TLS only\" { verify scan \"testssl\" } }
";

/// `text` with LSP edits applied (positions in UTF-16 code units).
fn apply(text: &str, edits: &Value) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (at, c) in text[start..].char_indices() {
            if units >= character {
                return start + at;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<&Value> = edits.as_array().expect("edits").iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for edit in edits {
        let (start, end) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        out.replace_range(start..end, edit["newText"].as_str().expect("newText"));
    }
    out
}

fn formatting_params(session: &Session) -> Value {
    json!({
        "textDocument": {"uri": session.uri("messy.polic")},
        "options": {"tabSize": 4, "insertSpaces": true}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn formats_documents_and_ranges_and_refuses_syntax_errors() {
    let mut session =
        Session::start("formatting", &[("messy.polic", MESSY)], false, options()).await;
    session.open("messy.polic").await;

    let response = session
        .request("textDocument/formatting", formatting_params(&session))
        .await;
    assert_snapshot!("document_formatting", session.show(&response["result"]));
    let canonical = polic_fmt::format(MESSY, &polic_fmt::Options::default()).expect("no errors");
    assert_eq!(apply(MESSY, &response["result"]), canonical);

    // A range inside the control formats the control alone; the app keeps its layout.
    let mut params = formatting_params(&session);
    params["range"] = json!({
        "start": session.position("messy.polic", "applies-to", 0),
        "end": session.position("messy.polic", "applies-to", 3),
    });
    let response = session
        .request("textDocument/rangeFormatting", params)
        .await;
    assert_snapshot!("range_formatting", session.show(&response["result"]));
    let ranged = apply(MESSY, &response["result"]);
    assert!(ranged.starts_with(&MESSY[..MESSY.find("control").expect("a control")]));
    assert!(ranged.ends_with(&canonical[canonical.find("control").expect("a control")..]));

    // With a syntax error the request fails, and nothing is edited.
    session
        .edit("messy.polic", "archetype web;", "archetype ;")
        .await;
    let response = session
        .request("textDocument/formatting", formatting_params(&session))
        .await;
    assert_eq!(response["error"]["code"], -32803, "{response}");
    assert!(response.get("result").is_none_or(Value::is_null));
    assert_snapshot!("formatting_refused", session.show(&response["error"]));
    session.shutdown().await;
}
