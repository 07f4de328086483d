//! Scanning a source tree for tags: `cargo bench -p polic-tags`. The tree is generated once
//! into the target directory (10,000 files, 100 lines each: 1,000,000 lines in nine
//! languages, one file in ten tagged) and kept, so that whole-process runs can reuse it:
//!
//! ```text
//! polic check target/tmp/polic-tags-bench/policy --sources target/tmp/polic-tags-bench/tree
//! ```
//!
//! Under `cargo test` (no `--bench` flag) it runs once on a 100-file tree, as a smoke test.

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LINES_PER_FILE: usize = 100;

/// (extension, line comment, a line of code)
const LANGUAGES: &[(&str, &str, &str)] = &[
    ("py", "#", "    value = compute(\"# not a tag\", index)"),
    (
        "rs",
        "//",
        "    let value = compute(\"// not a tag\", index);",
    ),
    (
        "ts",
        "//",
        "  const value = compute(\"// not a tag\", index);",
    ),
    ("go", "//", "\tvalue := compute(\"// not a tag\", index)"),
    (
        "java",
        "//",
        "        int value = compute(\"// not a tag\", index);",
    ),
    ("rb", "#", "  value = compute(\"# not a tag\", index)"),
    ("sql", "--", "  SELECT compute('-- not a tag', idx) FROM t;"),
    ("sh", "#", "  value=$(compute \"# not a tag\" \"$index\")"),
    ("yaml", "#", "  value: \"# not a tag\""),
];

fn main() {
    divan::main();
}

fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn file_counts() -> Vec<usize> {
    if benchmarking() {
        vec![10_000]
    } else {
        vec![100]
    }
}

/// Writes the tree (unless already there) and its policy; returns the tree's root.
fn generate(files: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("polic-tags-bench-{files}"));
    let tree = root.join("tree");
    let done = root.join(".complete");
    if done.exists() {
        return tree;
    }
    let _ = std::fs::remove_dir_all(&root);
    let mut policy = String::from(
        "standard bench \"Bench\" { group g \"G\" { clause #c-1 \"C\" } }\npolicy bench { adopt bench }\narchetype service \"Service\" {}\napp svc \"Service\" { archetype service }\n",
    );
    for c in 0..20 {
        let _ = writeln!(
            policy,
            "control control-{c} \"Control {c}\" {{\n  satisfies bench#c-1\n  applies-to service\n  obligation duty \"Duty\" {{ verify test \"unit\" }}\n}}"
        );
    }
    write(&root.join("policy/policy.polic"), &policy);
    for f in 0..files {
        let (extension, comment, code) = LANGUAGES[f % LANGUAGES.len()];
        let mut text = String::with_capacity(LINES_PER_FILE * 48);
        for line in 0..LINES_PER_FILE {
            if f % 10 == 0 && line == 10 {
                let _ = writeln!(text, "{comment} polic: implements control-{}", f % 20);
            } else if line % 10 == 0 {
                let _ = writeln!(text, "{comment} helper {line} of file {f}");
            } else {
                text.push_str(code);
                text.push('\n');
            }
        }
        let path = tree.join(format!(
            "d{}/m{}/file{f}.{extension}",
            f / 1000,
            f / 100 % 10
        ));
        write(&path, &text);
    }
    write(&done, "");
    tree
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directory");
    std::fs::write(path, text).expect("write");
}

#[divan::bench(args = file_counts(), sample_count = 20)]
fn scan_tree(bencher: divan::Bencher, files: usize) {
    let tree = generate(files);
    bencher
        .counter(divan::counter::ItemsCount::new(files * LINES_PER_FILE))
        .bench(|| {
            let found = polic_tags::walk(&tree);
            assert_eq!(found.scanned, files);
            assert_eq!(found.files.len(), files.div_ceil(10));
            found
        });
}
