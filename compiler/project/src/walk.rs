//! Walking a directory of the workspace: in parallel, respecting `.gitignore` and
//! `.ignore`, hidden files and directories and `target`/`node_modules` skipped (an
//! editor's `.#name.polic` lock link is no policy), symbolic links
//! followed only inside the root and each directory walked once (so link loops end).
//! Used for policy discovery and by the tag scanner alike.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::FileType;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::read::io_reason;
use crate::root::Root;

/// A file (or FIFO, device, ...) the walk reached.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path as walked (through any symbolic link).
    pub path: PathBuf,
    /// Without symbolic links: what is read, and what names it.
    pub canonical: PathBuf,
    /// As output shows it: [`Root::display`] of `canonical`.
    pub shown: String,
    /// The type of what the path leads to.
    pub kind: FileType,
    /// Whether the file's own name is UTF-8 (`shown` has replacement characters if not).
    pub utf8_name: bool,
}

/// Something under the directory that could not be walked: it must be reported, since
/// what it holds is unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub shown: String,
    pub reason: String,
    /// Whether it is (or may be) a directory, whose files are then unknown; otherwise a
    /// file, which matters only if its name says it is policy.
    pub dir: bool,
}

/// What a walk found: what `visit` kept, sorted by shown path, and the problems, sorted.
#[derive(Debug)]
pub struct Walked<T> {
    pub found: Vec<T>,
    pub problems: Vec<Problem>,
}

/// Directories never walked: build output and installed packages.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// Walks `dir` (which must be inside `root`, or allowed by it). `visit` sees every
/// non-directory entry once, from several threads, and keeps what it returns.
pub fn walk<T: Send>(
    dir: &Path,
    root: &Root,
    visit: impl Fn(&Entry) -> Option<T> + Sync,
) -> Walked<T> {
    let canonical_dir = match std::fs::canonicalize(dir) {
        Ok(canonical) => canonical,
        Err(error) => {
            return Walked {
                found: Vec::new(),
                problems: vec![Problem {
                    shown: root.display(dir),
                    reason: io_reason(&error),
                    dir: true,
                }],
            };
        }
    };
    let state = Arc::new(Shared {
        root: root.clone(),
        dirs: Mutex::new(BTreeMap::from([(dir.to_path_buf(), canonical_dir.clone())])),
        visited: Mutex::new(BTreeSet::from([canonical_dir])),
        problems: Mutex::new(Vec::new()),
    });
    let filter_state = state.clone();
    let walker = ignore::WalkBuilder::new(dir)
        // A repository's `.gitignore` applies whether or not `.git` is there (a CI
        // checkout of a subdirectory, an exported tarball).
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| filter_state.admit(entry))
        .build_parallel();
    let found = Mutex::new(Vec::new());
    walker.run(|| {
        let (state, found, visit) = (&state, &found, &visit);
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    if entry.depth() > 0
                        && let Some(kind) = entry.file_type().filter(|t| !t.is_dir())
                        && let Some(entry) = state.entry(&entry, kind)
                        && let Some(kept) = visit(&entry)
                    {
                        lock(found).push((entry.shown, kept));
                    }
                }
                Err(error) => state.failed(&error),
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut problems = std::mem::take(&mut *lock(&state.problems));
    problems.sort();
    problems.dedup();
    Walked {
        found: found.into_iter().map(|(_, kept)| kept).collect(),
        problems,
    }
}

struct Shared {
    root: Root,
    /// Each directory walked, by its path as walked, to its canonical path: a file's
    /// canonical path is its directory's and its name, with no system call.
    dirs: Mutex<BTreeMap<PathBuf, PathBuf>>,
    /// Canonical directories entered: a second way into one is not taken.
    visited: Mutex<BTreeSet<PathBuf>>,
    problems: Mutex<Vec<Problem>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Whether the walk goes into (or yields) an entry.
    fn admit(&self, entry: &ignore::DirEntry) -> bool {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir {
            let name = entry.file_name().to_string_lossy();
            if SKIPPED_DIRS.contains(&name.as_ref()) {
                return false;
            }
        }
        if !is_dir && !entry.path_is_symlink() {
            return true;
        }
        let Some(canonical) = self.canonical(entry) else {
            return false;
        };
        if !self.root.contains(&canonical) {
            self.problem(
                entry.path(),
                format!(
                    "it is a symbolic link to `{}`, outside the workspace",
                    self.root.display(&canonical)
                ),
                is_dir,
            );
            return false;
        }
        if is_dir {
            if !lock(&self.visited).insert(canonical.clone()) {
                return false;
            }
            lock(&self.dirs).insert(entry.path().to_path_buf(), canonical);
        }
        true
    }

    /// An entry's canonical path: its directory's and its name, or the resolved link.
    fn canonical(&self, entry: &ignore::DirEntry) -> Option<PathBuf> {
        if !entry.path_is_symlink()
            && let Some(parent) = entry.path().parent()
            && let Some(dir) = lock(&self.dirs).get(parent)
        {
            return Some(dir.join(entry.file_name()));
        }
        match std::fs::canonicalize(entry.path()) {
            Ok(canonical) => Some(canonical),
            Err(error) => {
                self.problem(entry.path(), io_reason(&error), false);
                None
            }
        }
    }

    fn entry(&self, entry: &ignore::DirEntry, kind: FileType) -> Option<Entry> {
        let canonical = self.canonical(entry)?;
        Some(Entry {
            path: entry.path().to_path_buf(),
            shown: self.root.display(&canonical),
            canonical,
            kind,
            utf8_name: entry.file_name().to_str().is_some(),
        })
    }

    fn failed(&self, error: &ignore::Error) {
        // A loop is a directory reached a second time: nothing is left out.
        if is_loop(error) {
            return;
        }
        // Only reading a directory fails in the walk; a dangling link is "not found".
        let dir = error
            .io_error()
            .is_none_or(|e| e.kind() != std::io::ErrorKind::NotFound);
        let (path, reason) = describe(error);
        match path {
            Some(path) => self.problem(&path, reason, dir),
            None => lock(&self.problems).push(Problem {
                shown: ".".to_string(),
                reason,
                dir,
            }),
        }
    }

    fn problem(&self, path: &Path, reason: String, dir: bool) {
        // The path as walked, made absolute the way the walk's own paths are.
        let shown = match std::fs::canonicalize(path.parent().unwrap_or(Path::new("."))) {
            Ok(dir) => self
                .root
                .display(&dir.join(path.file_name().unwrap_or_default())),
            Err(_) => self.root.display(path),
        };
        lock(&self.problems).push(Problem { shown, reason, dir });
    }
}

fn is_loop(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

/// The path an error is about, and why.
fn describe(error: &ignore::Error) -> (Option<PathBuf>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(err)
        }
        ignore::Error::Io(error) if error.kind() == std::io::ErrorKind::NotFound => {
            (None, "it is a broken symbolic link".to_string())
        }
        ignore::Error::Io(error) => (None, io_reason(error)),
        // A malformed `.gitignore` line: what it would exclude is unknown.
        other => (None, other.to_string().to_lowercase()),
    }
}
