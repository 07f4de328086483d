//! Scanning a source tree: every file under a directory, through the workspace's walk
//! (polic-project: parallel, respecting `.gitignore` and `.ignore`, hidden directories
//! skipped), binary and huge files left out.

use std::path::Path;

use polic_project::read::io_reason;
use polic_project::walk::Entry;
use polic_project::{ReadError, Root, read_bytes};

use crate::scan::{FileTags, mentions_tags, scan};

/// Files larger than this are skipped (generated code, data dumps, minified bundles).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A file that holds tags or tag problems.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// The path as shown in output: relative to the workspace root.
    pub path: String,
    pub text: String,
    pub tags: FileTags,
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What scanning a directory found: files with tags, sorted by path.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: Vec<Scanned>,
    /// How many files were read.
    pub scanned: usize,
    /// How many lines those files hold.
    pub lines: usize,
    /// Files too large to scan or unreadable, links leading outside the workspace and
    /// directories that cannot be read, sorted by path. Binary files are skipped without
    /// a word: they hold no comments.
    pub skipped: Vec<Skipped>,
}

/// Scans every file under `dir`, as the workspace root (paths shown as [`Root::display`]).
pub fn walk(dir: &Path) -> Tree {
    match Root::at(dir, false) {
        Ok(root) => walk_in(dir, &root),
        Err(error) => Tree {
            skipped: vec![Skipped {
                path: polic_project::root::escape_controls(&dir.to_string_lossy()),
                reason: format!("cannot read it: {}", io_reason(&error)),
            }],
            ..Tree::default()
        },
    }
}

/// Scans every file under `dir` (inside `root`, through the workspace's walk: symbolic
/// links kept inside the root, each directory once), paths as `root` shows them.
/// `.polic` files are policy, not code, and are left out.
pub fn walk_in(dir: &Path, root: &Root) -> Tree {
    let walked = polic_project::walk::walk(dir, root, |entry| Some(read(entry)));
    let mut tree = Tree::default();
    for outcome in walked.found {
        match outcome {
            Outcome::Scanned { lines, file } => {
                tree.scanned += 1;
                tree.lines += lines;
                tree.files.extend(file);
            }
            Outcome::Skipped(skipped) => tree.skipped.push(skipped),
            Outcome::Ignored => {}
        }
    }
    tree.skipped
        .extend(walked.problems.into_iter().map(|p| Skipped {
            path: p.shown,
            reason: p.reason,
        }));
    tree.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    tree
}

enum Outcome {
    Scanned { lines: usize, file: Option<Scanned> },
    Skipped(Skipped),
    Ignored,
}

fn read(entry: &Entry) -> Outcome {
    let shown = entry.shown.clone();
    if shown.ends_with(".polic") {
        return Outcome::Ignored;
    }
    let bytes = match read_bytes(&entry.canonical, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge { .. }) => {
            let size = std::fs::metadata(&entry.canonical).map_or(0, |m| m.len());
            return Outcome::Skipped(Skipped {
                path: shown,
                reason: format!(
                    "larger than {} MiB ({size} bytes)",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            });
        }
        Err(error) => {
            return Outcome::Skipped(Skipped {
                path: shown,
                reason: format!("cannot read it: {}", error.reason()),
            });
        }
    };
    // As git decides: a NUL byte near the start means binary.
    if memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some() {
        return Outcome::Ignored;
    }
    let lines = memchr::memchr_iter(b'\n', &bytes).count();
    if !mentions_tags(&bytes) {
        return Outcome::Scanned { lines, file: None };
    }
    // A file in another encoding still has ASCII tags: read it with replacement characters.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    let tags = scan(&shown, &text);
    let file = (!tags.is_empty()).then_some(Scanned {
        path: shown,
        text,
        tags,
    });
    Outcome::Scanned { lines, file }
}
