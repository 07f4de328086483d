//! Scanning a source tree: every file under a directory, in parallel, respecting
//! `.gitignore` (and `.ignore`) files and skipping hidden, binary and huge files.

use std::path::Path;
use std::sync::Mutex;

use crate::scan::{FileTags, mentions_tags, scan};

/// Files larger than this are skipped (generated code, data dumps, minified bundles).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A file that holds tags or tag problems.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// The path as shown in output: the directory as given, then the relative path.
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
    /// Files too large to scan or unreadable, sorted by path. Binary files are skipped
    /// without a word: they hold no comments.
    pub skipped: Vec<Skipped>,
}

/// Scans every file under `root`. `.polic` files are policy, not code, and are left out.
pub fn walk(root: &Path) -> Tree {
    let found = Mutex::new(Tree::default());
    let walker = ignore::WalkBuilder::new(root)
        // A repository's `.gitignore` applies whether or not `.git` is there (a CI
        // checkout of a subdirectory, an exported tarball).
        .require_git(false)
        .build_parallel();
    walker.run(|| {
        let found = &found;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            if entry.file_type().is_some_and(|t| t.is_file()) {
                let outcome = read(entry.path());
                let mut tree = found.lock().unwrap_or_else(|e| e.into_inner());
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
            ignore::WalkState::Continue
        })
    });
    let mut tree = found.into_inner().unwrap_or_else(|e| e.into_inner());
    tree.files.sort_by(|a, b| a.path.cmp(&b.path));
    tree.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    tree
}

enum Outcome {
    Scanned { lines: usize, file: Option<Scanned> },
    Skipped(Skipped),
    Ignored,
}

fn read(path: &Path) -> Outcome {
    let shown = shown_path(path);
    if shown.ends_with(".polic") {
        return Outcome::Ignored;
    }
    let skipped = |reason: String| {
        Outcome::Skipped(Skipped {
            path: shown.clone(),
            reason,
        })
    };
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
            return skipped(format!(
                "larger than {} MiB ({} bytes)",
                MAX_FILE_BYTES / (1024 * 1024),
                metadata.len()
            ));
        }
        Ok(_) => {}
        Err(error) => return skipped(format!("cannot read it: {error}")),
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return skipped(format!("cannot read it: {error}")),
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

/// The path as diagnostics show it (the walk yields it under the root as given), with
/// `/` separators and no leading `./`.
fn shown_path(path: &Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown)
}
