//! The workspace root: where reads may go, and the base every shown path is relative to.

use std::path::{Component, Path, PathBuf};

/// The directory a run reads from, and the one its paths are shown from: the repository
/// holding it (the nearest ancestor with a `.git`), else the root itself. Shown paths are
/// then what GitHub annotations and SARIF's `%SRCROOT%` expect, and the same whatever the
/// checkout's location or the current directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Canonical: no symbolic links, no `.` or `..`.
    dir: PathBuf,
    /// `--allow-outside-root`: reads may leave the root (paths outside are shown with `..`).
    allow_outside: bool,
    /// Canonical; `dir` or an ancestor of it.
    shown_from: PathBuf,
}

/// Why a path may not be read.
#[derive(Debug)]
pub enum Refused {
    /// It resolves (after symbolic links) to a place outside the root.
    Outside(PathBuf),
    Io(std::io::Error),
}

impl Root {
    /// The root of a run on `paths` (directories, or files whose directory counts): the
    /// deepest directory holding them all. A path that does not exist is returned as the
    /// error.
    pub fn of(paths: &[PathBuf], allow_outside: bool) -> Result<Root, PathBuf> {
        let mut dir: Option<PathBuf> = None;
        for path in paths {
            let canonical = std::fs::canonicalize(path).map_err(|_| path.clone())?;
            let base = if canonical.is_dir() {
                canonical
            } else {
                // A file given by name stands for its directory, whose other files it
                // may import; `canonical` of a symbolic link is its target's, so use the
                // directory the link is in.
                let parent = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                std::fs::canonicalize(parent).map_err(|_| path.clone())?
            };
            dir = Some(match dir {
                None => base,
                Some(dir) => common_ancestor(&dir, &base),
            });
        }
        let dir = match dir {
            Some(dir) => dir,
            None => std::fs::canonicalize(".").map_err(|_| PathBuf::from("."))?,
        };
        Ok(Root::new(dir, allow_outside))
    }

    fn new(dir: PathBuf, allow_outside: bool) -> Root {
        // Only metadata is read: a `.git` directory, or the file a worktree or submodule has.
        let shown_from = dir
            .ancestors()
            .find(|ancestor| std::fs::symlink_metadata(ancestor.join(".git")).is_ok())
            .unwrap_or(&dir)
            .to_path_buf();
        Root {
            dir,
            allow_outside,
            shown_from,
        }
    }

    /// A root at an already canonical directory (a language-server workspace folder).
    pub fn at(dir: &Path, allow_outside: bool) -> std::io::Result<Root> {
        Ok(Root::new(std::fs::canonicalize(dir)?, allow_outside))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The same root for display, reads allowed anywhere: for directories the user named
    /// on the command line, which the workspace cannot choose.
    pub fn trusting(&self) -> Root {
        Root {
            allow_outside: true,
            ..self.clone()
        }
    }

    pub fn allows_outside(&self) -> bool {
        self.allow_outside
    }

    /// Whether a canonical path may be read.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.allow_outside || canonical.starts_with(&self.dir)
    }

    /// Resolves `path` (following every symbolic link) and checks that it may be read.
    /// Resolving reads only metadata: nothing outside the root is opened.
    pub fn confine(&self, path: &Path) -> Result<PathBuf, Refused> {
        let canonical = std::fs::canonicalize(path).map_err(Refused::Io)?;
        if self.contains(&canonical) {
            Ok(canonical)
        } else {
            Err(Refused::Outside(canonical))
        }
    }

    /// A canonical path as output shows it: relative to the root with `/` separators
    /// (`..` first for a path outside it), control characters escaped so that a file
    /// name cannot break a line of output.
    pub fn display(&self, canonical: &Path) -> String {
        let absolute = std::path::absolute(canonical);
        let relative = relative_to(absolute.as_deref().unwrap_or(canonical), &self.shown_from);
        let text = relative.to_string_lossy().replace('\\', "/");
        let shown = if text.is_empty() {
            ".".to_string()
        } else {
            text
        };
        escape_controls(&shown)
    }

    /// Where a path [`Root::display`] showed is, relative to the root's directory (`None`
    /// when it is not under it): to find it again under the directory as a client named it.
    pub fn relative(&self, shown: &str) -> Option<PathBuf> {
        let prefix = self.dir.strip_prefix(&self.shown_from).ok()?;
        Path::new(shown)
            .strip_prefix(prefix)
            .ok()
            .map(Path::to_path_buf)
    }
}

/// `\n`, `\t` and other control characters written as escapes.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn common_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// `path` relative to `base`, both canonical.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    if let Ok(inside) = path.strip_prefix(base) {
        return inside.to_path_buf();
    }
    let common = common_ancestor(path, base);
    let ups = base
        .strip_prefix(&common)
        .map_or(0, |rest| rest.components().count());
    let mut relative: PathBuf = std::iter::repeat_n(Component::ParentDir, ups).collect();
    if let Ok(rest) = path.strip_prefix(&common)
        && !rest.as_os_str().is_empty()
    {
        relative.push(rest);
    }
    relative
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_are_shown_from_the_root() {
        assert_eq!(
            relative_to(Path::new("/a/b/c.polic"), Path::new("/a/d/e")),
            PathBuf::from("../../b/c.polic")
        );
        assert_eq!(
            relative_to(Path::new("/a"), Path::new("/a/d/e")),
            PathBuf::from("../..")
        );
        assert_eq!(
            relative_to(Path::new("/a/d/e/f.polic"), Path::new("/a/d/e")),
            PathBuf::from("f.polic")
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\nb.polic"), "a\\nb.polic");
        assert_eq!(escape_controls("plain.polic"), "plain.polic");
    }
}
