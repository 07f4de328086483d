//! The edge where byte offsets meet editor positions, and paths meet URIs. Positions count
//! UTF-8 bytes or UTF-16 code units within a line, as negotiated at initialize; both go
//! through the file's [`LineIndex`], which owns every column encoding.

pub use polic_diagnostics::Encoding;
use polic_diagnostics::{LineCol, LineIndex, Span};
use tower_lsp_server::gen_lsp_types::{Position, Range};

pub fn position(text: &str, index: &LineIndex, offset: u32, encoding: Encoding) -> Position {
    let LineCol { line, col } = index.position(text, offset, encoding);
    Position {
        line,
        character: col,
    }
}

/// The byte offset of a position, clamped to its line; a line past the end means the end.
pub fn offset(text: &str, index: &LineIndex, position: Position, encoding: Encoding) -> u32 {
    let at = LineCol {
        line: position.line,
        col: position.character,
    };
    index.offset_of(text, at, encoding)
}

pub fn range(text: &str, index: &LineIndex, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(text, index, span.start, encoding),
        end: position(text, index, span.end, encoding),
    }
}

pub fn span(text: &str, index: &LineIndex, range: Range, encoding: Encoding) -> Span {
    let start = offset(text, index, range.start, encoding);
    let end = offset(text, index, range.end, encoding);
    Span {
        start: start.min(end),
        end: start.max(end),
    }
}

/// The scheme of the read-only standard-library documents.
pub const STDLIB_SCHEME: &str = "polic-stdlib";

/// `polic-stdlib:///NAME.polic` for a standard-library module.
pub fn stdlib_uri(module: &str) -> String {
    format!("{STDLIB_SCHEME}:///{module}.polic")
}

/// The module a standard-library URI names.
pub fn stdlib_module(uri: &str) -> Option<&str> {
    uri.strip_prefix(STDLIB_SCHEME)?
        .strip_prefix(":///")?
        .strip_suffix(".polic")
}

/// The file-system path of a `file:` URI, percent-decoded.
pub fn uri_to_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("file://")?;
    // An authority, if any, is `localhost` or empty for local files.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let decoded = (raw[i] == b'%')
            .then(|| std::str::from_utf8(raw.get(i + 1..i + 3)?).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                bytes.push(byte);
                i += 3;
            }
            None => {
                bytes.push(raw[i]);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` is `C:/x` on Windows.
    let windows_drive =
        path.len() > 2 && path.as_bytes()[2] == b':' && path.as_bytes()[1].is_ascii_alphabetic();
    Some(if windows_drive {
        path[1..].to_string()
    } else {
        path
    })
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &str) -> String {
    polic_diagnostics::uri::file_uri(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let path = "/home/a b/pölicy#1.polic";
        let uri = path_to_uri(path);
        assert_eq!(uri, "file:///home/a%20b/p%C3%B6licy%231.polic");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        assert_eq!(
            uri_to_path("file:///c%3A/x.polic").as_deref(),
            Some("c:/x.polic")
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(stdlib_module(&stdlib_uri("nist80053")), Some("nist80053"));
    }
}
