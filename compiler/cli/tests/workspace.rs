//! The workspace is untrusted (docs/security.md): nothing outside its root is read, no
//! special file hangs a run, link loops end, nothing is skipped silently, `fmt` keeps what
//! a file is, and outputs do not depend on where the checkout is.

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const POLICY: &str = "app shop \"Shop\" { owner \"team\"; data = {pii} }\n";
const FORMATTED: &str = "app shop \"Shop\" {\n  owner \"team\"\n  data = {pii}\n}\n";

fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("workspace-{name}"));
    if dir.exists() {
        let _ = Command::new("chmod").args(["-R", "u+w"]).arg(&dir).status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    // A checkout of its own: shown paths start at it, not at the repository holding `target`.
    std::fs::create_dir(dir.join(".git")).expect("create .git");
    for (path, bytes) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("create directory");
        std::fs::write(full, bytes).expect("write file");
    }
    dir
}

/// Runs polic in `dir`, failing the test if it takes more than 30 seconds: a run that
/// reads a FIFO or a device would never end.
fn polic(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_polic"))
        .args(args)
        .current_dir(dir)
        .env("POLIC_TEST_SECRET", "hunter2-in-the-environment")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("polic runs");
    let id = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    // Output is read while waiting, so that a full pipe does not stall polic.
    std::thread::spawn(move || done.send(child.wait_with_output().expect("output")));
    match finished.recv_timeout(Duration::from_secs(30)) {
        Ok(output) => output,
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("polic {args:?} did not finish in 30 s");
        }
    }
}

fn all(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn system_files_are_not_imported_and_their_content_is_not_shown() {
    let dir = scratch(
        "system-imports",
        &[(
            "policy.polic",
            b"import \"/proc/self/environ\"\nimport \"/etc/passwd\"\nimport \"../../../../../../../../etc/passwd\"\n",
        )],
    );
    let output = polic(&dir, &["check", "."]);
    let text = all(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    assert!(
        !text.contains(passwd.lines().next().unwrap_or("root:x:0:0")),
        "{text}"
    );
    insta::assert_snapshot!("system-imports", text);
    // Allowed outside, a file that is not policy is still neither read nor shown.
    let output = polic(&dir, &["check", ".", "--allow-outside-root"]);
    let text = all(&output);
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(
        text.matches("error[P0006]: cannot import").count(),
        3,
        "{text}"
    );
}

#[test]
fn fifos_and_devices_do_not_hang_a_run() {
    let dir = scratch(
        "special-files",
        &[(
            "policy.polic",
            b"import \"pipe.polic\"\nimport \"/dev/zero\"\n",
        )],
    );
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe.polic"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let output = polic(&dir, &["check", ".", "--allow-outside-root"]);
    let text = all(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("cannot read `pipe.polic`: it is a FIFO, not a regular file"),
        "{text}"
    );
    assert!(
        text.contains("cannot import `/dev/zero`: it is not a `.polic` file"),
        "{text}"
    );
    let output = polic(&dir, &["fmt", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", all(&output));
}

#[test]
fn source_directories_of_polic_toml_stay_inside_the_workspace() {
    for sources in ["[\"/\"]", "[\"../../..\"]", "[\"shop=/etc\"]"] {
        let dir = scratch(
            "outside-sources",
            &[
                ("policy.polic", POLICY.as_bytes()),
                ("polic.toml", format!("sources = {sources}\n").as_bytes()),
            ],
        );
        let output = polic(&dir, &["check", "."]);
        let text = all(&output);
        assert_eq!(output.status.code(), Some(2), "{sources}: {text}");
        assert!(
            text.contains("error[P0007]: source directory")
                && text.contains("is outside the workspace"),
            "{text}"
        );
        assert!(
            text.contains("help: polic reads only inside the workspace root"),
            "{text}"
        );
    }
}

#[test]
fn an_unknown_app_in_polic_toml_is_not_blamed_on_a_flag() {
    let dir = scratch(
        "toml-app",
        &[
            ("policy.polic", POLICY.as_bytes()),
            ("code/x.py", b"# nothing\n"),
            ("polic.toml", b"sources = [\"shp=code\"]\n"),
        ],
    );
    let output = polic(&dir, &["check", "."]);
    let text = all(&output);
    assert!(
        text.contains("error: no app `shp` in the policy (from `shp=...` in polic.toml)"),
        "{text}"
    );
    assert!(!text.contains("--sources"), "{text}");
}

#[test]
fn link_loops_end_with_each_file_once() {
    let dir = scratch("loops", &[("policy.polic", POLICY.as_bytes())]);
    symlink(".", dir.join("x")).expect("symlink");
    symlink(".", dir.join("y")).expect("symlink");
    symlink("..", dir.join("up")).expect("symlink");
    let output = polic(&dir, &["check", "."]);
    let text = all(&output);
    assert_eq!(text.matches("error[P0801]").count(), 1, "{text}");
    let output = polic(&dir, &["fmt", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", all(&output));
    // `up` leads outside the workspace: said, not followed.
    assert!(
        all(&output)
            .contains("cannot read `up`: it is a symbolic link to `..`, outside the workspace"),
        "{}",
        all(&output)
    );
    assert!(
        all(&output).contains("formatted 1 of 2 files"),
        "{}",
        all(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("policy.polic")).expect("read"),
        FORMATTED
    );
}

#[test]
fn files_that_cannot_be_listed_are_reported() {
    // Fails for root too, unlike a directory without permissions.
    let dir = scratch(
        "unlisted",
        &[
            ("policy.polic", POLICY.as_bytes()),
            ("caf\u{e9}.polic", POLICY.as_bytes()),
        ],
    );
    let latin1 = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"caf\xe9.polic");
    std::fs::rename(dir.join("caf\u{e9}.polic"), dir.join(latin1)).expect("rename");
    symlink("nowhere.polic", dir.join("lost.polic")).expect("symlink");
    let output = polic(&dir, &["check", "."]);
    let text = all(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("cannot read `caf\u{fffd}.polic`: its name is not valid UTF-8"),
        "{text}"
    );
    assert!(
        text.contains("cannot read `lost.polic`: it is a broken symbolic link"),
        "{text}"
    );
}

#[test]
fn fmt_keeps_links_modes_and_read_only_files() {
    let dir = scratch(
        "fmt-kinds",
        &[
            ("real/linked.polic", POLICY.as_bytes()),
            ("hard.polic", POLICY.as_bytes()),
            ("mode.polic", POLICY.as_bytes()),
            ("locked.polic", POLICY.as_bytes()),
        ],
    );
    symlink("real/linked.polic", dir.join("link.polic")).expect("symlink");
    std::fs::hard_link(dir.join("hard.polic"), dir.join("real/other-name.txt")).expect("link");
    std::fs::set_permissions(dir.join("mode.polic"), PermissionsExt::from_mode(0o640))
        .expect("chmod");
    std::fs::set_permissions(dir.join("locked.polic"), PermissionsExt::from_mode(0o444))
        .expect("chmod");
    let inode = std::fs::metadata(dir.join("hard.polic"))
        .expect("stat")
        .ino();

    let output = polic(&dir, &["fmt", "."]);
    let text = all(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("cannot write `locked.polic`: it is read-only"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("locked.polic")).expect("read"),
        POLICY
    );
    // Through the link: the target is formatted, the link stays a link.
    assert!(
        std::fs::symlink_metadata(dir.join("link.polic"))
            .expect("lstat")
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real/linked.polic")).expect("read"),
        FORMATTED
    );
    // Hard links: one file, both names formatted.
    assert_eq!(
        std::fs::metadata(dir.join("hard.polic"))
            .expect("stat")
            .ino(),
        inode
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real/other-name.txt")).expect("read"),
        FORMATTED
    );
    let mode = std::fs::metadata(dir.join("mode.polic"))
        .expect("stat")
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(
        std::fs::read_to_string(dir.join("mode.polic")).expect("read"),
        FORMATTED
    );
    assert!(text.contains("formatted 3 of 4 files"), "{text}");
}

#[test]
fn a_byte_order_mark_is_accepted_and_kept() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(POLICY.as_bytes());
    let dir = scratch("bom", &[("policy.polic", &bytes)]);
    let output = polic(&dir, &["check", "."]);
    assert!(!all(&output).contains("P0003"), "{}", all(&output));
    let output = polic(&dir, &["fmt", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", all(&output));
    let mut expected = b"\xEF\xBB\xBF".to_vec();
    expected.extend_from_slice(FORMATTED.as_bytes());
    assert_eq!(
        std::fs::read(dir.join("policy.polic")).expect("read"),
        expected
    );
}

#[test]
fn importing_a_directory_is_one_diagnostic() {
    let dir = scratch(
        "import-dir",
        &[
            ("policy.polic", b"import \"lib\"\nimport \"shared.polic\"\n"),
            ("lib/x.polic", b"// x\n"),
            ("shared.polic/y.polic", b"// y\n"),
        ],
    );
    let output = polic(&dir, &["check", "policy.polic"]);
    let text = all(&output);
    assert_eq!(text.matches("error[").count(), 2, "{text}");
    assert!(
        text.contains("cannot import `lib`: it is a directory"),
        "{text}"
    );
    assert!(
        text.contains("cannot import `shared.polic`: it is a directory"),
        "{text}"
    );
}

#[test]
fn a_newline_in_a_file_name_does_not_break_the_header() {
    let dir = scratch("newline", &[("a\nb.polic", b"control x \"X\" { }\n")]);
    let output = polic(&dir, &["check", "."]);
    let text = all(&output);
    assert!(text.contains("[ a\\nb.polic:1:"), "{text}");
}

#[test]
fn outputs_do_not_depend_on_where_the_workspace_is() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme");
    let example = std::fs::canonicalize(example).expect("example");
    let elsewhere = scratch("elsewhere", &[]);
    let absolute = polic(
        &elsewhere,
        &[
            "build",
            example.to_str().expect("UTF-8 path"),
            "--today",
            "2026-11-22",
        ],
    );
    let relative = polic(
        example.parent().expect("examples"),
        &["build", "acme", "--today", "2026-11-22"],
    );
    assert_eq!(absolute.status.code(), Some(0), "{}", all(&absolute));
    assert!(!absolute.stdout.is_empty());
    assert_eq!(absolute.stdout, relative.stdout);
    let stdout = String::from_utf8_lossy(&absolute.stdout);
    assert!(
        !stdout.contains(example.to_str().expect("UTF-8")),
        "an absolute path"
    );
}
