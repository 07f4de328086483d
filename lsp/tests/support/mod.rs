//! A scripted LSP client for in-process sessions: the server runs on one end of a duplex
//! pipe, this client on the other. Responses are matched to requests by id, notifications
//! are queued by method, and requests from the server (registrations) are accepted.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tokio::sync::Notify;

/// How long a test waits for a message before failing.
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Inbox {
    responses: BTreeMap<i64, Value>,
    notifications: BTreeMap<String, VecDeque<Value>>,
    /// Responses with a null id: errors for messages that could not be read.
    unidentified: VecDeque<Value>,
}

type Writer = Arc<tokio::sync::Mutex<WriteHalf<DuplexStream>>>;

pub struct Session {
    writer: Writer,
    inbox: Arc<Mutex<Inbox>>,
    arrived: Arc<Notify>,
    next_id: i64,
    /// The workspace folder, shown as `$ROOT` in snapshots.
    pub root: PathBuf,
    pub utf8: bool,
    /// The text of each document as the client has it, by path below the root.
    texts: BTreeMap<String, String>,
    versions: BTreeMap<String, i32>,
    pub initialize_result: Value,
}

async fn send(writer: &Writer, message: &Value) {
    let body = message.to_string();
    let mut writer = writer.lock().await;
    writer
        .write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
        .await
        .expect("server reads");
}

async fn read_message(reader: &mut BufReader<ReadHalf<DuplexStream>>) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URI of docs/diagnostics.md in this checkout, where diagnostics link by
/// default; shown as `$DOCS` in snapshots.
pub fn docs_uri() -> String {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/diagnostics.md")
        .canonicalize()
        .expect("docs/diagnostics.md");
    format!("file://{}", docs.display())
}

/// The options sessions start with: no debounce, so tests wait only for the work.
pub fn options() -> Value {
    json!({ "diagnosticsDelayMs": 0 })
}

impl Session {
    /// Starts a server and a client on a workspace folder holding `files` (written to a
    /// fresh directory), and initializes.
    pub async fn start(name: &str, files: &[(&str, &str)], utf8: bool, options: Value) -> Session {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lsp-{name}"));
        Session::start_at(root, name, files, utf8, options).await
    }

    /// As [`Session::start`], in a folder of the system's temporary directory: source
    /// scans respect `.gitignore` files above the folder, and the target directory is
    /// ignored.
    pub async fn start_outside(name: &str, files: &[(&str, &str)], options: Value) -> Session {
        let root = std::env::temp_dir().join(format!("polic-lsp-{name}-{}", std::process::id()));
        Session::start_at(root, name, files, false, options).await
    }

    async fn start_at(
        root: PathBuf,
        name: &str,
        files: &[(&str, &str)],
        utf8: bool,
        options: Value,
    ) -> Session {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create root");
        let mut texts = BTreeMap::new();
        for (path, text) in files {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().expect("files have a parent"))
                .expect("create fixture directory");
            std::fs::write(&full, text).expect("write fixture");
            texts.insert(path.to_string(), text.to_string());
        }
        let (client, server) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server);
        tokio::spawn(polic_lsp::serve(server_read, server_write));
        let (reader, writer) = tokio::io::split(client);
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(writer));
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let arrived = Arc::new(Notify::new());
        {
            let (inbox, arrived, writer) = (inbox.clone(), arrived.clone(), writer.clone());
            tokio::spawn(async move {
                let mut reader = BufReader::new(reader);
                while let Some(message) = read_message(&mut reader).await {
                    match (message.get("id"), message.get("method")) {
                        (Some(id), Some(_)) => {
                            send(
                                &writer,
                                &json!({"jsonrpc": "2.0", "id": id, "result": null}),
                            )
                            .await;
                        }
                        (Some(Value::Number(id)), None) => {
                            let id = id.as_i64().unwrap_or_default();
                            inbox.lock().expect("inbox").responses.insert(id, message);
                        }
                        (Some(Value::Null), None) => {
                            inbox.lock().expect("inbox").unidentified.push_back(message);
                        }
                        (_, Some(method)) => {
                            let method = method.as_str().unwrap_or_default().to_string();
                            inbox
                                .lock()
                                .expect("inbox")
                                .notifications
                                .entry(method)
                                .or_default()
                                .push_back(message["params"].clone());
                        }
                        _ => {}
                    }
                    arrived.notify_waiters();
                }
            });
        }
        let mut session = Session {
            writer,
            inbox,
            arrived,
            next_id: 0,
            root,
            utf8,
            texts,
            versions: BTreeMap::new(),
            initialize_result: Value::Null,
        };
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let root_uri = session.root_uri();
        let result = session
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "capabilities": {
                        "general": { "positionEncodings": encodings },
                        "workspace": {
                            "workspaceEdit": { "documentChanges": true },
                            "didChangeWatchedFiles": { "dynamicRegistration": true }
                        }
                    },
                    "initializationOptions": options,
                    "workspaceFolders": [{ "uri": root_uri, "name": name }]
                }),
            )
            .await;
        session.initialize_result = result["result"].clone();
        session.notify("initialized", json!({})).await;
        session
    }

    pub fn root_uri(&self) -> String {
        format!("file://{}", self.root.display())
    }

    /// The URI of a file below the root.
    pub fn uri(&self, path: &str) -> String {
        format!("{}/{path}", self.root_uri())
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        send(
            &self.writer,
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        )
        .await;
    }

    /// Sends raw bytes, for malformed-message tests.
    pub async fn send_raw(&mut self, body: &str) {
        let mut writer = self.writer.lock().await;
        writer
            .write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
            .await
            .expect("server reads");
    }

    pub fn next_request_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Sends a request without waiting for its response.
    pub async fn send_request(&mut self, id: i64, method: &str, params: Value) {
        send(
            &self.writer,
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        )
        .await;
    }

    /// A request's whole response (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_request_id();
        self.send_request(id, method, params).await;
        self.response(id).await
    }

    pub async fn response(&mut self, id: i64) -> Value {
        self.wait(|inbox| inbox.responses.remove(&id)).await
    }

    /// The first error sent for a message without an id.
    pub async fn unidentified(&mut self) -> Value {
        self.wait(|inbox| inbox.unidentified.pop_front()).await
    }

    /// The next notification of a method whose parameters satisfy `accept`; earlier ones
    /// that do not are dropped.
    pub async fn notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        self.wait(|inbox| {
            let queue = inbox.notifications.entry(method.to_string()).or_default();
            while let Some(params) = queue.pop_front() {
                if accept(&params) {
                    return Some(params);
                }
            }
            None
        })
        .await
    }

    /// The diagnostics published for a file, at a document version (`None`: not open).
    pub async fn diagnostics(&mut self, path: &str, version: Option<i32>) -> Value {
        let uri = self.uri(path);
        let version = version.map_or(Value::Null, Value::from);
        let params = self
            .notification("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri.as_str()
                    && p.get("version").cloned().unwrap_or(Value::Null) == version
            })
            .await;
        params["diagnostics"].clone()
    }

    async fn wait<T>(&self, mut take: impl FnMut(&mut Inbox) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let arrived = self.arrived.notified();
            if let Some(found) = take(&mut self.inbox.lock().expect("inbox")) {
                return found;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("timed out waiting for a message from the server");
            }
        }
    }

    pub async fn open(&mut self, path: &str) {
        self.open_as(path, "polic").await;
    }

    /// Opens a document with the editor's language id (`python` for a source file).
    pub async fn open_as(&mut self, path: &str, language: &str) {
        let text = self.texts[path].clone();
        self.versions.insert(path.to_string(), 1);
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await;
    }

    /// Replaces the first occurrence of `old` in an open document with `new`, as an
    /// incremental change; returns the new version.
    pub async fn edit(&mut self, path: &str, old: &str, new: &str) -> i32 {
        let text = self.texts[path].clone();
        let start = text
            .find(old)
            .unwrap_or_else(|| panic!("no {old:?} in {path}"));
        let range = json!({
            "start": self.position_at(&text, start),
            "end": self.position_at(&text, start + old.len()),
        });
        let version = self.versions[path] + 1;
        self.versions.insert(path.to_string(), version);
        let mut updated = text.clone();
        updated.replace_range(start..start + old.len(), new);
        self.texts.insert(path.to_string(), updated);
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": range, "text": new}]
            }),
        )
        .await;
        version
    }

    fn position_at(&self, text: &str, offset: usize) -> Value {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count();
        let before = &text[line_start..offset];
        let character = if self.utf8 {
            before.len()
        } else {
            before.encode_utf16().count()
        };
        json!({"line": line, "character": character})
    }

    /// The position of `needle` (plus `delta` bytes) in a document, in the session's
    /// encoding.
    pub fn position(&self, path: &str, needle: &str, delta: usize) -> Value {
        let text = &self.texts[path];
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in {path}"));
        self.position_at(text, at + delta)
    }

    /// `textDocument` and `position` parameters for `needle` in a document.
    pub fn at(&self, path: &str, needle: &str, delta: usize) -> Value {
        json!({
            "textDocument": {"uri": self.uri(path)},
            "position": self.position(path, needle, delta),
        })
    }

    /// A value as pretty JSON with the root directory written `$ROOT`, for snapshots.
    pub fn show(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value)
            .expect("JSON")
            .replace(&docs_uri(), "$DOCS")
            .replace(&self.root_uri(), "file:///$ROOT")
    }

    pub async fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null).await;
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null).await;
    }
}
