//! `polic fmt` end to end: rewriting in place, `--check`, `--stdin`, and files with syntax
//! errors, in scratch directories.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MESSY: &str = "app shop \"Shop\" { owner \"team\"; data = {pii} }   // the shop\n";
const FORMATTED: &str = "app shop \"Shop\" {\n  owner \"team\"\n  data = {pii}\n} // the shop\n";
const BROKEN: &str = "app broken \"Broken\" { owner }\n";

/// A fresh directory holding `files`.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    // A checkout of its own: shown paths start at it, not at the repository holding `target`.
    std::fs::create_dir(dir.join(".git")).expect("create .git");
    for (path, text) in files {
        std::fs::write(dir.join(path), text).expect("write file");
    }
    dir
}

fn polic(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("polic runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("polic finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[test]
fn rewrites_files_in_place_and_leaves_the_rest_alone() {
    let dir = scratch(
        "rewrite",
        &[
            ("messy.polic", MESSY),
            ("formatted.polic", FORMATTED),
            ("broken.polic", BROKEN),
        ],
    );
    let untouched = std::fs::metadata(dir.join("formatted.polic"))
        .and_then(|m| m.modified())
        .expect("mtime");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let executable = std::fs::Permissions::from_mode(0o750);
        std::fs::set_permissions(dir.join("messy.polic"), executable).expect("chmod");
    }
    let output = polic(&dir, &["fmt", "."], "");
    // The file with a syntax error is reported as `polic check` shows it, and exits 2; the
    // others are formatted all the same.
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("unexpected `}`"), "{stderr}");
    assert!(stderr.contains("broken.polic:1:"), "{stderr}");
    assert!(
        stderr.ends_with("formatted 1 of 3 files, 1 with syntax errors left as they are\n"),
        "{stderr}"
    );
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("readable");
    assert_eq!(read("messy.polic"), FORMATTED);
    assert_eq!(read("broken.polic"), BROKEN);
    assert_eq!(read("formatted.polic"), FORMATTED);
    let modified = std::fs::metadata(dir.join("formatted.polic"))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(modified, untouched, "an unchanged file is not rewritten");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("messy.polic"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o750, "permissions are kept");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("listable")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("polic-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");

    let again = polic(&dir, &["fmt", "messy.polic", "formatted.polic"], "");
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(text(&again.stderr), "formatted 0 of 2 files\n");
}

#[test]
fn check_prints_a_diff_and_writes_nothing() {
    let dir = scratch("check", &[("messy.polic", MESSY), ("ok.polic", FORMATTED)]);
    let output = polic(&dir, &["fmt", "--check", "."], "");
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("fmt-check-diff", text(&output.stdout));
    assert_eq!(text(&output.stderr), "checked 2 files: 1 not formatted\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.polic")).expect("readable"),
        MESSY
    );
    let clean = polic(&dir, &["fmt", "--check", "ok.polic"], "");
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(text(&clean.stdout), "");
}

#[test]
fn stdin_goes_to_stdout() {
    let dir = scratch("stdin", &[]);
    let output = polic(&dir, &["fmt", "--stdin"], MESSY);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stdout), FORMATTED);

    let narrow = polic(
        &dir,
        &["fmt", "--stdin", "--line-width", "16"],
        "control c \"C\" { satisfies a#1, a#2 }\n",
    );
    assert_eq!(
        text(&narrow.stdout),
        "control c \"C\" {\n  satisfies\n    a#1,\n    a#2\n}\n"
    );

    // A syntax error: nothing on stdout, the error on stderr under the given name.
    let refused = polic(
        &dir,
        &["fmt", "--stdin", "--stdin-path", "apps/shop.polic"],
        BROKEN,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(text(&refused.stdout), "");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("apps/shop.polic:1:"), "{stderr}");

    let check = polic(&dir, &["fmt", "--stdin", "--check"], MESSY);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).starts_with("--- <stdin>\n+++ <stdin>\n"));
}

#[test]
fn missing_paths_are_usage_errors() {
    let dir = scratch("missing", &[]);
    let output = polic(&dir, &["fmt", "nowhere.polic"], "");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: no such file or directory: nowhere.polic\n"
    );
}
