//! The edge where byte offsets meet editor positions, and paths meet URIs. Positions count
//! UTF-8 bytes or UTF-16 code units within a line, as negotiated at initialize; both go
//! through the file's [`LineIndex`], never by counting `chars()` from the start.

use polic_diagnostics::{LineCol, LineIndex, Span};
use tower_lsp_server::gen_lsp_types::{Position, Range};

/// How a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The text of line `line`, without its line break.
fn line_text<'t>(text: &'t str, index: &LineIndex, line: u32) -> (u32, &'t str) {
    let start = index.line_start(line).unwrap_or(text.len() as u32);
    let end = index
        .line_start(line + 1)
        .map_or(text.len() as u32, |next| next - 1);
    let line = &text[start as usize..end.max(start) as usize];
    (start, line.strip_suffix('\r').unwrap_or(line))
}

pub fn position(text: &str, index: &LineIndex, offset: u32, encoding: Encoding) -> Position {
    let LineCol { line, col } = index.line_col(offset.min(text.len() as u32));
    let (_, line_text) = line_text(text, index, line);
    // An offset past the line's content (on a `\r`) counts as its end.
    let col = (col as usize).min(line_text.len());
    let before = &line_text[..floor_char_boundary(line_text, col)];
    let character = match encoding {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.encode_utf16().count(),
    };
    Position {
        line,
        character: character as u32,
    }
}

/// The byte offset of a position, clamped to its line; a line past the end means the end.
pub fn offset(text: &str, index: &LineIndex, position: Position, encoding: Encoding) -> u32 {
    if position.line as usize >= index.line_count() {
        return text.len() as u32;
    }
    let (start, line_text) = line_text(text, index, position.line);
    let wanted = position.character as usize;
    let col = match encoding {
        Encoding::Utf8 => floor_char_boundary(line_text, wanted.min(line_text.len())),
        Encoding::Utf16 => {
            let mut units = 0;
            let mut col = line_text.len();
            for (i, c) in line_text.char_indices() {
                // A position inside a surrogate pair means the character it splits.
                if units + c.len_utf16() > wanted {
                    col = i;
                    break;
                }
                units += c.len_utf16();
            }
            col
        }
    };
    start + col as u32
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

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
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
    fn positions_round_trip_on_non_ascii_text() {
        let text = "a\r\nété 𝄞x\n";
        let index = LineIndex::new(text);
        // `x` is after `é t é space 𝄞`: 7 bytes + 4 bytes in UTF-8, 4 + 2 units in UTF-16.
        let x = text.find('x').unwrap_or_default() as u32;
        let utf16 = position(text, &index, x, Encoding::Utf16);
        assert_eq!((utf16.line, utf16.character), (1, 6));
        let utf8 = position(text, &index, x, Encoding::Utf8);
        assert_eq!((utf8.line, utf8.character), (1, 10));
        assert_eq!(offset(text, &index, utf16, Encoding::Utf16), x);
        assert_eq!(offset(text, &index, utf8, Encoding::Utf8), x);
        // Inside the surrogate pair of 𝄞, and past the end of a CRLF line.
        let inside = Position {
            line: 1,
            character: 5,
        };
        assert_eq!(offset(text, &index, inside, Encoding::Utf16), x - 4);
        let past = Position {
            line: 0,
            character: 9,
        };
        assert_eq!(offset(text, &index, past, Encoding::Utf16), 1);
        assert_eq!(
            position(text, &index, 2, Encoding::Utf16),
            Position {
                line: 0,
                character: 1
            }
        );
    }

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
