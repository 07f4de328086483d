//! The language server in-process on a sequence of messages made from the input: documents
//! opened, replaced, edited by ranges (in range or not), closed; requests of every kind at
//! any position, some cancelled; message bodies that are not JSON-RPC. Whatever came
//! before, the server still answers `shutdown`. A panic anywhere, even in a handler that
//! would fail only its request, aborts the run (libFuzzer's panic hook).
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::{Mutex, mpsc};

/// Longer than any check of a fuzzed input takes; an answer later than this is a hang.
const PATIENCE: Duration = Duration::from_secs(20);

/// Documents by index: policy files at two depths and a source file with tags.
const DOCUMENTS: [(&str, &str); 4] = [
    ("policy.polic", "polic"),
    ("apps/app.polic", "polic"),
    ("controls.polic", "polic"),
    ("src/lib.rs", "rust"),
];

#[derive(Debug, Arbitrary)]
enum Request {
    Hover,
    Definition,
    References,
    Completion,
    Highlight,
    SemanticTokens,
    Folding,
    CodeLens,
    InlayHint,
    CodeAction,
    Formatting,
    RangeFormatting,
    PrepareRename,
    Rename,
    DocumentSymbol,
    SelectionRange,
    WorkspaceSymbol,
    Stdlib,
}

#[derive(Debug, Arbitrary)]
enum Op<'a> {
    Open {
        doc: u8,
        text: &'a str,
    },
    Replace {
        doc: u8,
        text: &'a str,
    },
    Edit {
        doc: u8,
        start: (u32, u32),
        end: (u32, u32),
        text: &'a str,
    },
    Close {
        doc: u8,
    },
    Request {
        request: Request,
        doc: u8,
        line: u32,
        character: u32,
        name: &'a str,
    },
    /// Cancels the request this many requests back.
    Cancel {
        back: u8,
    },
    /// A well-framed body that may be anything.
    Body(&'a [u8]),
}

/// The operations, then the documents' first texts separated by NUL characters (opened
/// before the operations run; seeds are policy files as they are, joined).
#[derive(Debug, Arbitrary)]
struct Input<'a> {
    utf8: bool,
    ops: Vec<Op<'a>>,
    documents: &'a str,
}

/// Whether a body ends the session: `exit` may come in any message the input makes up.
fn exits(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .is_ok_and(|message| message.get("method").and_then(Value::as_str) == Some("exit"))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

/// An empty workspace folder: documents exist only as the client sends them.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("polic-fuzz-lsp-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("create the workspace folder");
        root
    })
}

type Writer = Arc<Mutex<WriteHalf<DuplexStream>>>;

async fn send_body(writer: &Writer, body: &[u8]) {
    let mut writer = writer.lock().await;
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    writer
        .write_all(header.as_bytes())
        .await
        .expect("the server reads");
    writer.write_all(body).await.expect("the server reads");
}

async fn send(writer: &Writer, message: Value) {
    send_body(writer, message.to_string().as_bytes()).await;
}

/// Reads messages until the stream ends; answers the server's requests (registrations)
/// and passes on the ids of responses.
async fn read(
    reader: tokio::io::ReadHalf<DuplexStream>,
    writer: Writer,
    ids: mpsc::UnboundedSender<Value>,
) {
    let mut reader = BufReader::new(reader);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("the server sends Content-Length")];
        reader
            .read_exact(&mut body)
            .await
            .expect("the server sends whole messages");
        let message: Value = serde_json::from_slice(&body).expect("the server sends JSON");
        match (message.get("id"), message.get("method")) {
            (Some(id), Some(_)) => {
                send(&writer, json!({"jsonrpc": "2.0", "id": id, "result": null})).await;
            }
            (Some(id), None) => {
                let _ = ids.send(id.clone());
            }
            _ => {}
        }
    }
}

fn uri(doc: u8) -> (String, &'static str) {
    let (path, language) = DOCUMENTS[usize::from(doc) % DOCUMENTS.len()];
    (format!("file://{}/{path}", root().display()), language)
}

fn request(
    request: &Request,
    doc: u8,
    line: u32,
    character: u32,
    name: &str,
) -> (&'static str, Value) {
    let (uri, _) = uri(doc);
    let document = json!({ "uri": uri });
    let position = json!({ "line": line, "character": character });
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": position });
    let at = json!({ "textDocument": document, "position": position });
    match request {
        Request::Hover => ("textDocument/hover", at),
        Request::Definition => ("textDocument/definition", at),
        Request::References => (
            "textDocument/references",
            json!({ "textDocument": document, "position": position, "context": { "includeDeclaration": true } }),
        ),
        Request::Completion => ("textDocument/completion", at),
        Request::Highlight => ("textDocument/documentHighlight", at),
        Request::SemanticTokens => (
            "textDocument/semanticTokens/full",
            json!({ "textDocument": document }),
        ),
        Request::Folding => (
            "textDocument/foldingRange",
            json!({ "textDocument": document }),
        ),
        Request::CodeLens => ("textDocument/codeLens", json!({ "textDocument": document })),
        Request::InlayHint => (
            "textDocument/inlayHint",
            json!({ "textDocument": document, "range": range }),
        ),
        Request::CodeAction => (
            "textDocument/codeAction",
            json!({ "textDocument": document, "range": range, "context": { "diagnostics": [] } }),
        ),
        Request::Formatting => (
            "textDocument/formatting",
            json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
        Request::RangeFormatting => (
            "textDocument/rangeFormatting",
            json!({ "textDocument": document, "range": range, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
        Request::PrepareRename => ("textDocument/prepareRename", at),
        Request::Rename => (
            "textDocument/rename",
            json!({ "textDocument": document, "position": position, "newName": name }),
        ),
        Request::DocumentSymbol => (
            "textDocument/documentSymbol",
            json!({ "textDocument": document }),
        ),
        Request::SelectionRange => (
            "textDocument/selectionRange",
            json!({ "textDocument": document, "positions": [position] }),
        ),
        Request::WorkspaceSymbol => ("workspace/symbol", json!({ "query": name })),
        Request::Stdlib => (
            "polic/stdlib",
            json!({ "uri": format!("polic-stdlib:///{name}.polic") }),
        ),
    }
}

async fn session(input: Input<'_>) {
    let (client, server) = tokio::io::duplex(1 << 22);
    let (server_read, server_write) = tokio::io::split(server);
    let served = tokio::spawn(polic_lsp::serve(server_read, server_write));
    let (reader, writer) = tokio::io::split(client);
    let writer: Writer = Arc::new(Mutex::new(writer));
    let (ids, mut answered) = mpsc::unbounded_channel();
    tokio::spawn(read(reader, writer.clone(), ids));
    let root_uri = format!("file://{}", root().display());
    let encodings = if input.utf8 {
        json!(["utf-8"])
    } else {
        json!(["utf-16"])
    };
    send(
        &writer,
        json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "processId": null,
            "rootUri": root_uri,
            "capabilities": { "general": { "positionEncodings": encodings } },
            "initializationOptions": { "diagnosticsDelayMs": 0 },
            "workspaceFolders": [{ "uri": root_uri, "name": "fuzz" }]
        }}),
    )
    .await;
    send(
        &writer,
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    )
    .await;
    let mut version = 0;
    for (doc, text) in (0..).zip(input.documents.split('\0').take(DOCUMENTS.len())) {
        let (uri, language) = uri(doc);
        send(&writer, json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": language, "version": version, "text": text }
        }}))
        .await;
    }
    let mut next_id = 1;
    for op in input.ops.iter().take(64) {
        version += 1;
        match op {
            Op::Open { doc, text } => {
                let (uri, language) = uri(*doc);
                send(&writer, json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                    "textDocument": { "uri": uri, "languageId": language, "version": version, "text": text }
                }}))
                .await;
            }
            Op::Replace { doc, text } => {
                let (uri, _) = uri(*doc);
                send(
                    &writer,
                    json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                        "textDocument": { "uri": uri, "version": version },
                        "contentChanges": [{ "text": text }]
                    }}),
                )
                .await;
            }
            Op::Edit {
                doc,
                start,
                end,
                text,
            } => {
                let (uri, _) = uri(*doc);
                send(
                    &writer,
                    json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                        "textDocument": { "uri": uri, "version": version },
                        "contentChanges": [{
                            "range": {
                                "start": { "line": start.0, "character": start.1 },
                                "end": { "line": end.0, "character": end.1 }
                            },
                            "text": text
                        }]
                    }}),
                )
                .await;
            }
            Op::Close { doc } => {
                let (uri, _) = uri(*doc);
                send(
                    &writer,
                    json!({ "jsonrpc": "2.0", "method": "textDocument/didClose", "params": {
                        "textDocument": { "uri": uri }
                    }}),
                )
                .await;
            }
            Op::Request {
                request: kind,
                doc,
                line,
                character,
                name,
            } => {
                let (method, params) = request(kind, *doc, *line, *character, name);
                send(
                    &writer,
                    json!({ "jsonrpc": "2.0", "id": next_id, "method": method, "params": params }),
                )
                .await;
                next_id += 1;
            }
            Op::Cancel { back } => {
                let id = next_id - 1 - i64::from(*back);
                send(&writer, json!({ "jsonrpc": "2.0", "method": "$/cancelRequest", "params": { "id": id } })).await;
            }
            Op::Body(body) if !exits(body) => send_body(&writer, body).await,
            Op::Body(_) => {}
        }
    }
    let shutdown = next_id + 1_000_000;
    send(
        &writer,
        json!({ "jsonrpc": "2.0", "id": shutdown, "method": "shutdown" }),
    )
    .await;
    let answer = tokio::time::timeout(PATIENCE, async {
        while let Some(id) = answered.recv().await {
            if id == json!(shutdown) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(answer, Ok(true), "the server did not answer `shutdown`");
    send(&writer, json!({ "jsonrpc": "2.0", "method": "exit" })).await;
    let clean = tokio::time::timeout(PATIENCE, served).await;
    assert!(
        matches!(clean, Ok(Ok(true))),
        "the server did not end cleanly after `shutdown` and `exit`: {clean:?}"
    );
}

fuzz_target!(|input: Input<'_>| {
    runtime().block_on(session(input));
});
