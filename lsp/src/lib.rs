//! The polic language server, started by `polic lsp`. The only crate that names LSP types:
//! analyses live in `polic-ide` and speak byte offsets; this crate converts positions
//! (UTF-8 or UTF-16, as negotiated), URIs and results, and keeps the salsa database in step
//! with the editor and the disk. See `server.rs` for the concurrency rules it follows.
//!
//! `initializationOptions` (all optional):
//! - `diagnosticsBaseUrl`: where docs/diagnostics.md is published; diagnostics then link
//!   their code to `BASE#p0102`. Without it they link to docs/diagnostics.md of the source
//!   tree the server was built from, while it exists; they always carry the explanation in
//!   `data.explanation`.
//! - `diagnosticsDelayMs`: how long to wait after a change before checking (default 25).
//!
//! Code lenses run the client command `polic.showReferences` (URI, position, locations),
//! which clients map to their references peek.
//!
//! Beyond the standard requests: `polic/stdlib` (`{ "uri": "polic-stdlib:///NAME.polic" }`)
//! returns a standard-library module's text, for go to definition into it; clients on LSP
//! 3.18 can use `workspace/textDocumentContent` instead.

mod convert;
mod diagnostics;
mod handlers;
mod server;
mod state;
mod transport;

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// How many requests and notifications may be in progress at once. Requests wait on
/// blocking threads, so a few slow ones must not hold up the notifications behind them.
const CONCURRENCY: usize = 32;

/// Serves the protocol over a pair of streams until the client sends `exit` or closes its
/// end. False when the session did not end as the protocol says (`exit` without
/// `shutdown`, or a stream that could not be framed): the process then exits with 1.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method("polic/stdlib", server::Backend::stdlib)
        .custom_method(transport::MALFORMED, server::Backend::malformed)
        .finish();
    // Messages are checked before tower-lsp-server reads them (see transport.rs).
    let (checked, to_server) = tokio::io::duplex(1 << 16);
    let lifecycle = std::sync::Arc::new(transport::Lifecycle::default());
    let guard = tokio::spawn({
        let lifecycle = lifecycle.clone();
        async move { transport::filter(input, to_server, &lifecycle).await }
    });
    Server::new(checked, output, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service)
        .await;
    guard.abort();
    lifecycle.clean()
}

/// Serves the protocol over standard input and output; whether the session ended cleanly
/// (see [`serve`]). Errors only if the runtime cannot start.
pub fn run_stdio() -> std::io::Result<bool> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // A check still running on a blocking thread must not keep the process alive.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(clean)
}
