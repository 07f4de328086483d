//! A guard in front of tower-lsp-server's reader. Its decoder answers the first malformed
//! message with an error and then ends the input stream (tokio-util's framed reader stops
//! after a decoding error), which stops the server. So every message is framed and checked
//! here first; a malformed one is replaced by a request for `$/polic/malformed`, which the
//! server answers with the JSON-RPC error, and the session goes on.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{self, Error, ErrorCode};

/// The method a malformed message is turned into.
pub const MALFORMED: &str = "$/polic/malformed";

/// The largest message body accepted: far above any real document, and a bound on what a
/// bogus `Content-Length` can make the server allocate or wait for.
pub const MAX_MESSAGE: usize = 64 << 20;

/// The longest header line accepted; real headers are a few dozen bytes.
const MAX_HEADER_LINE: u64 = 8 << 10;

/// How the session went, as seen on the wire: the spec has the server exit with 1 when
/// `exit` comes without `shutdown` before it, and a stream that cannot be framed any more
/// is no clean end either.
#[derive(Debug, Default)]
pub struct Lifecycle {
    shutdown: AtomicBool,
    unclean: AtomicBool,
}

impl Lifecycle {
    /// Whether the session ended as the protocol says it should.
    pub fn clean(&self) -> bool {
        !self.unclean.load(Ordering::SeqCst)
    }

    fn saw(&self, message: &Value) {
        match message.get("method").and_then(Value::as_str) {
            Some("shutdown") => self.shutdown.store(true, Ordering::SeqCst),
            Some("exit") if !self.shutdown.load(Ordering::SeqCst) => self.end_unclean(),
            _ => {}
        }
    }

    fn end_unclean(&self) {
        self.unclean.store(true, Ordering::SeqCst);
    }
}

/// Why a message was rejected, sent as the parameters of [`MALFORMED`].
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub struct Malformed {
    /// A JSON-RPC error code: parse error or invalid request.
    pub code: i64,
    pub message: String,
}

impl Malformed {
    pub fn into_error(self) -> Error {
        Error {
            code: ErrorCode::from(self.code),
            message: self.message.into(),
            data: None,
        }
    }
}

/// What to forward for one message body: itself when it is a JSON-RPC message, else a
/// request that makes the server report the problem (to the message's id when it has one).
fn check(body: &[u8], lifecycle: &Lifecycle) -> Vec<u8> {
    let (code, message, id) = match serde_json::from_slice::<Value>(body) {
        Err(error) => (
            -32700,
            format!("the message is not JSON: {error}"),
            Value::Null,
        ),
        Ok(value) => {
            let is_message = serde_json::from_value::<jsonrpc::Response>(value.clone()).is_ok()
                || serde_json::from_value::<jsonrpc::Request>(value.clone())
                    .is_ok_and(|r| !r.method().is_empty());
            if is_message {
                lifecycle.saw(&value);
                return body.to_vec();
            }
            let id = match value.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            (
                -32600,
                "the message is not a JSON-RPC 2.0 request, notification or response".to_string(),
                id,
            )
        }
    };
    let params = Malformed { code, message };
    json!({"jsonrpc": "2.0", "id": id, "method": MALFORMED, "params": params})
        .to_string()
        .into_bytes()
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

/// Copies framed messages from `input` to `output`, checking each. Returns at the end of
/// the input, when the server stops reading, or when the stream cannot be framed safely any
/// more (a header line or a body over its limit): then it says so on standard error and
/// marks the session unclean, since what follows cannot be told apart from the body.
pub async fn filter<I, O>(input: I, mut output: O, lifecycle: &Lifecycle)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let mut length: Option<Option<usize>> = None;
        let mut seen_header = false;
        loop {
            let mut line = String::new();
            match (&mut input)
                .take(MAX_HEADER_LINE)
                .read_line(&mut line)
                .await
            {
                Ok(0) | Err(_) => return,
                Ok(_) if !line.ends_with('\n') && line.len() as u64 >= MAX_HEADER_LINE => {
                    eprintln!(
                        "polic lsp: a header line is longer than {MAX_HEADER_LINE} bytes; ending the session"
                    );
                    lifecycle.end_unclean();
                    return;
                }
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if seen_header {
                    break;
                }
                // Blank lines between messages.
                continue;
            }
            seen_header = true;
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = Some(value.trim().parse().ok());
            }
        }
        let forwarded = match length {
            Some(Some(length)) if length > MAX_MESSAGE => {
                eprintln!(
                    "polic lsp: a message of {length} bytes is over the limit of {} MiB; ending the session",
                    MAX_MESSAGE >> 20
                );
                lifecycle.end_unclean();
                return;
            }
            Some(Some(length)) => {
                let mut body = vec![0; length];
                if input.read_exact(&mut body).await.is_err() {
                    return;
                }
                check(&body, lifecycle)
            }
            _ => {
                let params = Malformed {
                    code: -32700,
                    message: "the message has no valid `Content-Length` header".to_string(),
                };
                json!({"jsonrpc": "2.0", "id": null, "method": MALFORMED, "params": params})
                    .to_string()
                    .into_bytes()
            }
        };
        if output.write_all(&frame(&forwarded)).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_pass_and_garbage_becomes_a_malformed_request() {
        let lifecycle = Lifecycle::default();
        let check = |body: &[u8]| check(body, &lifecycle);
        let request = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        assert_eq!(check(request), request.to_vec());
        let response = br#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        assert_eq!(check(response), response.to_vec());
        let garbage: Value = serde_json::from_slice(&check(b"{nope")).unwrap_or_default();
        assert_eq!(garbage["method"], MALFORMED);
        assert_eq!(garbage["params"]["code"], -32700);
        assert_eq!(garbage["id"], Value::Null);
        let wrong: Value =
            serde_json::from_slice(&check(br#"{"id":7,"jsonrpc":"1.0"}"#)).unwrap_or_default();
        assert_eq!(
            (wrong["id"].clone(), wrong["params"]["code"].clone()),
            (json!(7), json!(-32600))
        );
    }

    async fn filtered(input: &[u8]) -> (Vec<u8>, bool) {
        let lifecycle = Lifecycle::default();
        let mut out = Vec::new();
        filter(input, &mut out, &lifecycle).await;
        (out, lifecycle.clean())
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(future)
    }

    #[test]
    fn an_oversized_length_ends_the_session_without_allocating() {
        for length in [
            "18446744073709551615",
            "67108865",
            "99999999999999999999999",
        ] {
            let input = format!("Content-Length: {length}\r\n\r\n{{}}");
            let (out, clean) = block_on(filtered(input.as_bytes()));
            // An unparsable length is a malformed message, not the end.
            if length.len() > 20 {
                assert!(
                    String::from_utf8_lossy(&out).contains(MALFORMED),
                    "{length}"
                );
            } else {
                assert!(out.is_empty() && !clean, "{length}");
            }
        }
    }

    #[test]
    fn an_endless_header_line_ends_the_session() {
        let input = vec![b'x'; 1 << 20];
        let (out, clean) = block_on(filtered(&input));
        assert!(out.is_empty() && !clean);
    }

    #[test]
    fn exit_without_shutdown_is_unclean() {
        let message = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let exit = message(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let shutdown = message(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        assert!(!block_on(filtered(exit.as_bytes())).1);
        assert!(block_on(filtered((shutdown + &exit).as_bytes())).1);
    }
}
