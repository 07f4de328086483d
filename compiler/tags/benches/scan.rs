//! Scanning a generated source tree for tags: `cargo bench -p polic-tags`.
fn main() {}
