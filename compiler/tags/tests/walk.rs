//! Scanning a directory: ignored, hidden, binary and huge files, and policy files, are not
//! read for tags; huge ones are named so that nothing is skipped silently.

use std::path::Path;

fn write(root: &Path, path: &str, contents: &[u8]) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("a parent")).expect("create directory");
    std::fs::write(full, contents).expect("write");
}

#[test]
fn the_walk_reads_only_what_a_repository_tracks() {
    let root = std::env::temp_dir().join(format!("polic-tags-walk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let tag = b"# polic: implements audit-logging\nx = 1\n";
    write(&root, "src/app.py", tag);
    write(&root, "src/lib.rs", b"fn main() {}\n");
    write(&root, ".gitignore", b"build/\n*.log\n");
    write(&root, "build/gen.py", tag);
    write(&root, "run.log", tag);
    write(&root, ".hidden/tool.py", tag);
    write(
        &root,
        "policy.polic",
        b"// polic: implements audit-logging\n",
    );
    let mut binary = tag.to_vec();
    binary.push(0);
    write(&root, "src/blob.bin", &binary);
    let mut huge = tag.to_vec();
    huge.resize(polic_tags::walk::MAX_FILE_BYTES as usize + 1, b'\n');
    write(&root, "src/huge.py", &huge);

    let tree = polic_tags::walk(&root);
    let shown = |path: &str| path.to_string();
    let files: Vec<&str> = tree.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files, [shown("src/app.py")]);
    assert_eq!(tree.files[0].tags.tags.len(), 1);
    assert_eq!(tree.scanned, 2, "app.py and lib.rs");
    assert_eq!(tree.lines, 3);
    let skipped: Vec<(&str, &str)> = tree
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, shown("src/huge.py"));
    assert!(
        skipped[0].1.starts_with("larger than 4 MiB"),
        "{}",
        skipped[0].1
    );
    let _ = std::fs::remove_dir_all(&root);
}
