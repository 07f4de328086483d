//! The language server on tower-lsp-server. Its handlers run concurrently and lose their
//! order at every `.await`, so:
//! - notifications that change state take the lock and set salsa inputs before any `.await`;
//! - requests clone the database under the lock, release it, and run on a blocking thread
//!   inside `salsa::Cancelled::catch`; cancellation becomes ContentModified (-32801), and a
//!   request dropped by `$/cancelRequest` cancels its salsa work;
//! - no database clone lives across an `.await` (a write waits for every clone to drop);
//! - diagnostics are published debounced, with the document's version, only while current;
//! - the server never awaits its own requests to the client inline;
//! - a panic in a handler is caught and logged, and the request fails; the server goes on.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::json;
use tower_lsp_server::gen_lsp_types::{
    self as lsp, ChangeNotifications, CodeActionKind, CodeActionOptions, CodeActionProvider,
    CodeLensOptions, CompletionOptions, InitializeParams, InitializeResult, MessageType,
    PositionEncodingKind, Registration, RenameOptions, SemanticTokensOptions, ServerCapabilities,
    ServerInfo, TextDocumentContentOptions, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
    WorkspaceFoldersServerCapabilities, WorkspaceOptions,
};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, Encoding};
use crate::handlers;
use crate::state::{self, Config, Snapshot, State};

/// How long diagnostics wait after a change unless configured: long enough to coalesce a
/// burst of keystrokes, short enough to feel immediate.
const DEFAULT_DIAGNOSTICS_DELAY: Duration = Duration::from_millis(25);

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    publisher: Arc<Publisher>,
}

/// What diagnostics were last published, and which round of changes is current.
#[derive(Default)]
struct Publisher {
    generation: AtomicU64,
    /// By URI: the document version and diagnostics last sent. Held while publishing, so
    /// that rounds publish one after the other.
    published: tokio::sync::Mutex<Published>,
    /// The files the workspace model reported diagnostics in, at the last whole check
    /// (`None` before the first).
    model_paths: Mutex<Option<BTreeSet<String>>>,
}

type Published = BTreeMap<String, (Option<i32>, Vec<lsp::Diagnostic>)>;

/// A workspace folder as read from disk.
struct Root {
    path: PathBuf,
    files: state::Scanned,
    source_apps: Vec<polic_tags::settings::Spec>,
    /// The files with tags under `source_apps`' directories.
    sources: Vec<(PathBuf, String)>,
}

/// Publishes a document's diagnostics unless exactly these were sent for its version.
async fn publish(
    client: &Client,
    published: &mut Published,
    uri: Uri,
    version: Option<i32>,
    diagnostics: Vec<lsp::Diagnostic>,
) {
    let entry = (version, diagnostics);
    if published.get(&uri.0) == Some(&entry) {
        return;
    }
    client
        .publish_diagnostics(uri.clone(), entry.1.clone(), version)
        .await;
    published.insert(uri.0, entry);
}

/// Cancels the salsa work of a request whose future is dropped (`$/cancelRequest`), so that
/// its database clone is released and writes are not held up.
struct CancelOnDrop(salsa::CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

use polic_project::today;

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::new(today()))),
            publisher: Arc::default(),
        }
    }

    /// The state, even after a panic while it was held: every change to it is a whole salsa
    /// write or map update, so it is consistent.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs a request on a snapshot on a blocking thread.
    async fn run<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&Snapshot) -> T + Send + 'static,
    ) -> Result<T> {
        let snapshot = self.lock().snapshot();
        let _cancel = CancelOnDrop(salsa::Database::cancellation_token(&snapshot.db));
        let task = tokio::task::spawn_blocking(move || {
            salsa::Cancelled::catch(AssertUnwindSafe(|| f(&snapshot)))
        });
        match task.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_cancelled)) => Err(Error::content_modified()),
            Err(join) => {
                let message = match join.try_into_panic() {
                    Ok(payload) => panic_message(payload.as_ref()),
                    Err(_) => "the task was aborted".to_string(),
                };
                self.log_error(format!("polic: {what} failed: {message}"));
                Err(Error {
                    code: ErrorCode::InternalError,
                    message: format!("{what} failed: {message}").into(),
                    data: None,
                })
            }
        }
    }

    /// A workspace folder's policy files and the `sources` of its `polic.toml` (a broken
    /// one is logged, and read as none).
    fn read_root(&self, path: PathBuf) -> Root {
        let files = state::scan(&path);
        let mut source_apps = polic_tags::settings::read(&path).unwrap_or_else(|message| {
            self.log_error(format!("polic: {message}"));
            Vec::new()
        });
        // The workspace is untrusted: its polic.toml may not send the scan outside it.
        if let Ok(root) = polic_project::Root::at(&path, false) {
            source_apps.retain(|spec| match root.confine(&spec.dir) {
                Err(polic_project::root::Refused::Outside(canonical)) => {
                    self.log_error(format!(
                        "polic: source directory `{}` in polic.toml is outside the workspace (`{}`); it is not scanned",
                        spec.dir.display(),
                        root.display(&canonical)
                    ));
                    false
                }
                _ => true,
            });
        }
        let sources = state::scan_sources(&source_apps);
        Root {
            path,
            files,
            source_apps,
            sources,
        }
    }

    /// Logs to the client without waiting: a handler never waits on the client.
    fn log_error(&self, message: String) {
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(MessageType::Error, message).await });
    }

    /// Changes the state (synchronously: no `.await` may come between a notification and
    /// its effect), then schedules diagnostics. A panic is logged and leaves the state as
    /// salsa left it.
    fn update(&self, what: &'static str, f: impl FnOnce(&mut State)) {
        let outcome = {
            let mut state = self.lock();
            state.set_today(today());
            std::panic::catch_unwind(AssertUnwindSafe(|| f(&mut state)))
        };
        if let Err(payload) = outcome {
            let message = panic_message(payload.as_ref());
            self.log_error(format!("polic: {what} failed: {message}"));
        }
        self.schedule_diagnostics();
    }

    /// Checks the workspace after the configured delay and publishes what changed, unless a
    /// newer change came in meanwhile. In two tiers: first the own diagnostics of each edited
    /// document (syntax and resolution, ready in a few milliseconds), where the workspace
    /// model reported nothing last time, so that they are complete as far as known; then
    /// every file's, once the whole workspace is checked.
    fn schedule_diagnostics(&self) {
        let generation = self.publisher.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (client, state, publisher) = (
            self.client.clone(),
            self.state.clone(),
            self.publisher.clone(),
        );
        tokio::spawn(async move {
            let delay = {
                let state = state.lock().unwrap_or_else(PoisonError::into_inner);
                state
                    .config
                    .diagnostics_delay_ms
                    .map_or(DEFAULT_DIAGNOSTICS_DELAY, Duration::from_millis)
            };
            tokio::time::sleep(delay).await;
            if publisher.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let mut published = publisher.published.lock().await;
            let snapshot = state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .snapshot();
            let model_paths = publisher
                .model_paths
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            // Open documents with a version not published yet, whose diagnostics all come
            // from the file itself.
            let edited: Vec<(Uri, i32, polic_sema::File)> = snapshot
                .files
                .docs
                .iter()
                .filter_map(|(path, doc)| {
                    let version = doc.version?;
                    let fresh = published
                        .get(&doc.uri)
                        .is_none_or(|(v, _)| *v != Some(version));
                    let own_only = model_paths
                        .as_ref()
                        .is_some_and(|paths| !paths.contains(path));
                    (fresh && own_only).then(|| (Uri(doc.uri.clone()), version, doc.file))
                })
                .collect();
            let (early_tx, mut early_rx) = tokio::sync::mpsc::unbounded_channel();
            let task = tokio::task::spawn_blocking(move || {
                salsa::Cancelled::catch(AssertUnwindSafe(|| {
                    for (uri, version, file) in edited {
                        let diagnostics = crate::diagnostics::compute_file(&snapshot, file);
                        let _ = early_tx.send((uri, Some(version), diagnostics));
                    }
                    drop(early_tx);
                    let all = crate::diagnostics::compute(&snapshot);
                    let model_paths =
                        polic_ide::model_diagnostic_paths(&snapshot.db, snapshot.workspace);
                    (all, model_paths)
                }))
            });
            let current = || publisher.generation.load(Ordering::SeqCst) == generation;
            while let Some((uri, version, diagnostics)) = early_rx.recv().await {
                if !current() {
                    return;
                }
                publish(&client, &mut published, uri, version, diagnostics).await;
            }
            let (computed, model_paths) = match task.await {
                Ok(Ok(computed)) => computed,
                // A newer change cancelled this round; its own round publishes.
                Ok(Err(_cancelled)) => return,
                Err(join) => {
                    let message = join
                        .try_into_panic()
                        .map_or_else(|_| "aborted".to_string(), |p| panic_message(p.as_ref()));
                    client
                        .log_message(
                            MessageType::Error,
                            format!("polic: checking failed: {message}"),
                        )
                        .await;
                    return;
                }
            };
            *publisher
                .model_paths
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(model_paths);
            // Documents with a new version first: the file being edited is what the user
            // waits for.
            let (mut ordered, rest): (Vec<_>, Vec<_>) =
                computed.into_iter().partition(|(uri, version, _)| {
                    version.is_some() && published.get(&uri.0).is_none_or(|(v, _)| v != version)
                });
            ordered.extend(rest);
            let mut seen: BTreeSet<String> = BTreeSet::new();
            for (uri, version, diagnostics) in ordered {
                if !current() {
                    return;
                }
                seen.insert(uri.0.clone());
                publish(&client, &mut published, uri, version, diagnostics).await;
            }
            // Files that left the workspace: clear what was shown for them.
            let gone: Vec<String> = published
                .keys()
                .filter(|uri| !seen.contains(*uri))
                .cloned()
                .collect();
            for uri in gone {
                if !current() {
                    return;
                }
                client
                    .publish_diagnostics(Uri(uri.clone()), Vec::new(), None)
                    .await;
                published.remove(&uri);
            }
        });
    }

    /// A message the transport could not accept: answered with its JSON-RPC error.
    pub async fn malformed(&self, params: crate::transport::Malformed) -> Result<()> {
        Err(params.into_error())
    }

    /// `polic/stdlib`: the text of a standard-library document, for clients that open
    /// `polic-stdlib:` URIs (go to definition into the standard library).
    pub async fn stdlib(&self, params: lsp::TextDocumentIdentifier) -> Result<Option<String>> {
        self.run("polic/stdlib", move |s| {
            handlers::stdlib_text(s, &params.uri)
        })
        .await
    }
}

/// The workspace folders' paths from initialize parameters.
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders = match &params.workspace_folders_initialize_params.workspace_folders {
        Some(lsp::WorkspaceFolders::WorkspaceFolderList(folders)) => folders
            .iter()
            .map(|f| f.uri.0.as_str().to_string())
            .collect(),
        // Older clients send only `rootUri`.
        #[allow(deprecated)]
        _ => params
            .root_uri
            .iter()
            .map(|uri| uri.0.as_str().to_string())
            .collect::<Vec<_>>(),
    };
    folders
        .iter()
        .filter_map(|uri| convert::uri_to_path(uri))
        .map(PathBuf::from)
        .collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let capabilities = &params.capabilities;
        let utf8 = capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
        let encoding = if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let document_changes = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        let watch_files = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let config: Config = match params.initialization_options.clone() {
            Some(options) => serde_json::from_value(options)
                .map_err(|e| Error::invalid_params(format!("initializationOptions: {e}")))?,
            None => Config::default(),
        };
        let scanned: Vec<Root> = roots(&params)
            .into_iter()
            .map(|root| self.read_root(root))
            .collect();
        {
            let mut state = self.lock();
            state.encoding = encoding;
            state.document_changes = document_changes;
            state.watch_files = watch_files;
            state.config = Arc::new(config);
            for root in scanned {
                state.add_root(root.path, root.files, root.source_apps, root.sources);
            }
        }
        let capabilities = ServerCapabilities {
            position_encoding: Some(if utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(lsp::TextDocumentSync::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::Incremental),
                will_save: None,
                will_save_wait_until: None,
                save: None,
            })),
            hover_provider: Some(true.into()),
            document_formatting_provider: Some(true.into()),
            document_range_formatting_provider: Some(true.into()),
            definition_provider: Some(true.into()),
            references_provider: Some(true.into()),
            document_highlight_provider: Some(true.into()),
            selection_range_provider: Some(lsp::SelectionRangeProvider::Bool(true)),
            document_symbol_provider: Some(true.into()),
            workspace_symbol_provider: Some(true.into()),
            rename_provider: Some(lsp::RenameProvider::RenameOptions(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            completion_provider: Some(CompletionOptions {
                // A space: after `polic: implements ` in a source file's comment.
                trigger_characters: Some(vec!["#".to_string(), ".".to_string(), " ".to_string()]),
                ..Default::default()
            }),
            semantic_tokens_provider: Some(lsp::SemanticTokensProvider::SemanticTokensOptions(
                SemanticTokensOptions {
                    legend: handlers::legend(),
                    range: None,
                    full: Some(lsp::Full::Bool(true)),
                    work_done_progress_options: Default::default(),
                },
            )),
            folding_range_provider: Some(lsp::FoldingRangeProvider::Bool(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            inlay_hint_provider: Some(lsp::InlayHintProvider::Bool(true)),
            code_action_provider: Some(CodeActionProvider::CodeActionOptions(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QuickFix]),
                ..Default::default()
            })),
            workspace: Some(WorkspaceOptions {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(ChangeNotifications::Bool(true)),
                }),
                file_operations: None,
                text_document_content: Some(lsp::TextDocumentContent::Options(
                    TextDocumentContentOptions {
                        schemes: vec![convert::STDLIB_SCHEME.to_string()],
                    },
                )),
            }),
            ..Default::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "polic".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let (watch_files, source_dirs) = {
            let state = self.lock();
            let dirs: BTreeSet<String> = state
                .files
                .source_apps
                .iter()
                .map(|spec| spec.dir.to_string_lossy().into_owned())
                .collect();
            (state.watch_files, dirs)
        };
        if watch_files {
            let client = self.client.clone();
            // Policy files anywhere, and every file under the configured sources (for their
            // tags), as absolute globs.
            let mut watchers = vec![json!({ "globPattern": "**/*.polic" })];
            watchers.extend(source_dirs.iter().map(
                |dir| json!({ "globPattern": format!("{}/**/*", dir.trim_end_matches('/')) }),
            ));
            // A request to the client: awaited in its own task, never inline.
            tokio::spawn(async move {
                let watch = Registration {
                    id: "polic-watch".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: Some(json!({ "watchers": watchers })),
                };
                if let Err(error) = client.register_capability(vec![watch]).await {
                    client
                        .log_message(
                            MessageType::Warning,
                            format!("polic: cannot watch files: {}", error.message),
                        )
                        .await;
                }
            });
        }
        self.schedule_diagnostics();
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        // The standard library is read-only and already loaded.
        if convert::stdlib_module(doc.uri.0.as_str()).is_some() {
            return;
        }
        self.update("didOpen", |state| {
            state.open(&doc.uri, doc.language_id.as_str(), doc.text, doc.version)
        });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.text_document_identifier.uri;
        self.update("didChange", |state| {
            state.change(&uri, doc.version, params.content_changes)
        });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if convert::stdlib_module(uri.0.as_str()).is_some() {
            return;
        }
        let on_disk =
            convert::uri_to_path(uri.0.as_str()).and_then(|path| state::read(path.as_ref()));
        self.update("didClose", |state| state.close(&uri, on_disk));
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let paths: Vec<(PathBuf, bool)> = params
            .changes
            .iter()
            .filter_map(|event| {
                let path = PathBuf::from(convert::uri_to_path(event.uri.0.as_str())?);
                Some((path, event.kind == lsp::FileChangeType::Deleted))
            })
            .collect();
        let (policy, other): (Vec<_>, Vec<_>) = paths
            .into_iter()
            .partition(|(path, _)| path.extension().is_some_and(|e| e == "polic"));
        let changes: Vec<(PathBuf, Option<String>)> = policy
            .into_iter()
            .map(|(path, deleted)| {
                let text = if deleted { None } else { state::read(&path) };
                (path, text)
            })
            .collect();
        // Other files matter for their tags, under the configured sources only: their
        // directories are walked again (as `check --sources` would), before the lock.
        let other: Vec<PathBuf> = other.into_iter().map(|(path, _)| path).collect();
        let specs = self.lock().source_specs_of(&other);
        let rescanned = state::scan_sources(&specs);
        self.update("didChangeWatchedFiles", |state| {
            state.disk_changed(changes);
            state.sources_rescanned(&specs, rescanned);
        });
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let path = |folder: &lsp::WorkspaceFolder| {
            convert::uri_to_path(folder.uri.0.as_str()).map(PathBuf::from)
        };
        let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(path).collect();
        let added: Vec<Root> = params
            .event
            .added
            .iter()
            .filter_map(path)
            .map(|root| self.read_root(root))
            .collect();
        self.update("didChangeWorkspaceFolders", |state| {
            for root in &removed {
                state.remove_root(root);
            }
            for root in added {
                state.add_root(root.path, root.files, root.source_apps, root.sources);
            }
        });
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        self.run("hover", move |s| handlers::hover(s, params)).await
    }

    async fn goto_definition(
        &self,
        params: lsp::DefinitionParams,
    ) -> Result<Option<lsp::DefinitionResponse>> {
        self.run("definition", move |s| handlers::definition(s, params))
            .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.run("references", move |s| handlers::references(s, params))
            .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResult>> {
        self.run("prepareRename", move |s| {
            handlers::prepare_rename(s, params)
        })
        .await?
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        self.run("rename", move |s| handlers::rename(s, params))
            .await?
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        self.run("documentHighlight", move |s| {
            handlers::document_highlights(s, params)
        })
        .await
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> Result<Option<Vec<lsp::SelectionRange>>> {
        self.run("selectionRange", move |s| {
            handlers::selection_ranges(s, params)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.run("documentSymbol", move |s| {
            handlers::document_symbols(s, params)
        })
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.run("workspaceSymbol", move |s| {
            handlers::workspace_symbols(s, params)
        })
        .await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        self.run("completion", move |s| handlers::completion(s, params))
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokens>> {
        self.run("semanticTokens", move |s| {
            handlers::semantic_tokens(s, params)
        })
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.run("foldingRange", move |s| handlers::folding_ranges(s, params))
            .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        self.run("codeLens", move |s| handlers::code_lenses(s, params))
            .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        self.run("inlayHint", move |s| handlers::inlay_hints(s, params))
            .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<Vec<lsp::CodeActionResponse>>> {
        self.run("codeAction", move |s| handlers::code_actions(s, params))
            .await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        self.run("formatting", move |s| handlers::formatting(s, params))
            .await?
    }

    async fn range_formatting(
        &self,
        params: lsp::DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        self.run("rangeFormatting", move |s| {
            handlers::range_formatting(s, params)
        })
        .await?
    }

    async fn text_document_content(
        &self,
        params: lsp::TextDocumentContentParams,
    ) -> Result<lsp::TextDocumentContentResult> {
        let uri = params.uri;
        let text = self
            .run("textDocumentContent", move |s| {
                handlers::stdlib_text(s, &uri)
            })
            .await?;
        text.map(|text| lsp::TextDocumentContentResult { text })
            .ok_or_else(|| Error::invalid_params("not a polic standard-library document"))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use tower_lsp_server::LspService;

    use super::*;

    /// A long analysis: it polls for cancellation like a query would, and says when it
    /// starts and when it stops.
    fn slow(s: &Snapshot, started: tokio::sync::oneshot::Sender<()>, stopped: mpsc::Sender<()>) {
        struct Stopped(mpsc::Sender<()>);
        impl Drop for Stopped {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let _stopped = Stopped(stopped);
        let _ = started.send(());
        for _ in 0..10_000 {
            salsa::Database::unwind_if_revision_cancelled(&s.db);
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn uri() -> Uri {
        Uri("file:///tmp/a.polic".to_string())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_panic_in_a_handler_fails_that_request_only() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = service.inner();
        let error = backend
            .run("hover", |_| -> usize { panic!("boom") })
            .await
            .expect_err("the request fails");
        assert_eq!(error.code, ErrorCode::InternalError);
        assert_eq!(error.message, "hover failed: boom");
        backend.update("didOpen", |_| panic!("boom again"));
        let modules = backend.run("stdlib", |s| s.files.stdlib.len()).await;
        assert_eq!(modules, Ok(polic_stdlib::MODULES.len()));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn an_edit_during_a_request_answers_it_with_content_modified() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = service.inner();
        backend.update("didOpen", |state| {
            state.open(&uri(), "polic", "app a \"A\" { }".to_string(), 1)
        });
        let (started, started_rx) = tokio::sync::oneshot::channel();
        let (stopped, stopped_rx) = mpsc::channel();
        let request = backend.run("hover", move |s| slow(s, started, stopped));
        let edit = async {
            let _ = started_rx.await;
            // The write cancels the request's snapshot and waits for it to be dropped.
            backend.update("didChange", |state| {
                state.open(&uri(), "polic", "app b \"B\" { }".to_string(), 2)
            });
        };
        let (response, ()) = tokio::join!(request, edit);
        assert_eq!(
            response.expect_err("cancelled").code,
            ErrorCode::ContentModified
        );
        assert!(stopped_rx.recv_timeout(Duration::from_secs(5)).is_ok());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_dropped_request_stops_its_work() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = service.inner();
        let (started, started_rx) = tokio::sync::oneshot::channel();
        let (stopped, stopped_rx) = mpsc::channel();
        let request = backend.run("hover", move |s| slow(s, started, stopped));
        // `$/cancelRequest` drops the request's future, as this timeout does.
        let waited = tokio::time::timeout(Duration::from_millis(50), async {
            tokio::join!(request, started_rx).0
        })
        .await;
        assert!(
            waited.is_err(),
            "the slow request was dropped before finishing"
        );
        assert!(stopped_rx.recv_timeout(Duration::from_secs(5)).is_ok());
    }
}
