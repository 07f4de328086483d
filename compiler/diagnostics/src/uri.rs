//! File paths as URIs, for the outputs that name files by URI (SARIF, the language server).

/// A path as a URI reference: everything but unreserved characters and `/` percent-encoded,
/// so a relative path stays relative and resolves against a base URI.
pub fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The `file:` URI of an absolute path (`C:/x` on Windows becomes `file:///C:/x`).
pub fn file_uri(path: &str) -> String {
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", encode_path(path))
}

/// Whether a path is absolute on the platforms polic runs on: a leading `/`, or a Windows
/// drive (`C:/`), so outputs decide the same way whatever machine wrote them.
pub fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() > 2
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && bytes[2] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        assert_eq!(encode_path("policy/a b.polic"), "policy/a%20b.polic");
        assert_eq!(encode_path("é#?.polic"), "%C3%A9%23%3F.polic");
        assert_eq!(file_uri("/work/x y/p.polic"), "file:///work/x%20y/p.polic");
        assert_eq!(file_uri("C:/p.polic"), "file:///C%3A/p.polic");
        assert!(
            is_absolute("/a") && is_absolute("C:/a") && !is_absolute("a/b") && !is_absolute("C:")
        );
    }
}
