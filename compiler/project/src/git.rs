//! The commit a checkout is at, read from `.git` without running git: a snapshot names
//! the source revision it was judged on, and a missing or odd repository is no error.

use std::path::{Path, PathBuf};

/// The source revision: `POLIC_REVISION` when set (a CI's own, e.g. `$GITHUB_SHA` for a
/// checkout without `.git`), else the commit checked out in the repository holding `dir`.
pub fn revision(dir: &Path) -> Option<String> {
    match std::env::var("POLIC_REVISION") {
        Ok(given) if !given.trim().is_empty() => Some(given.trim().to_string()),
        _ => checked_out(dir),
    }
}

/// The commit checked out in the repository holding `dir`, if it is one.
pub fn checked_out(dir: &Path) -> Option<String> {
    let top = repository(dir)?;
    let git_dir = git_dir(&top.join(".git"))?;
    let head = read(&git_dir.join("HEAD"))?;
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return commit(&head);
    };
    // Branches live in the common directory of a worktree's repository.
    let common = read(&git_dir.join("commondir")).map_or(git_dir.clone(), |c| git_dir.join(c));
    [&git_dir, &common]
        .iter()
        .find_map(|d| read(&d.join(reference)).and_then(|c| commit(&c)))
        .or_else(|| {
            text(&common.join("packed-refs"))?.lines().find_map(|line| {
                let (hash, name) = line.split_once(' ')?;
                (name == reference).then(|| commit(hash)).flatten()
            })
        })
}

/// The top of the repository holding `dir` (the nearest ancestor with a `.git`), if any.
pub fn repository(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    dir.ancestors()
        .find(|a| std::fs::symlink_metadata(a.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// `.git` itself, or the directory a worktree's or submodule's `.git` file names.
fn git_dir(dot_git: &Path) -> Option<PathBuf> {
    if dot_git.is_dir() {
        return Some(dot_git.to_path_buf());
    }
    let text = read(dot_git)?;
    let target = text.strip_prefix("gitdir:")?.trim();
    Some(dot_git.parent()?.join(target))
}

/// A small file's first line; refs and HEAD are a line each.
fn read(path: &Path) -> Option<String> {
    Some(text(path)?.lines().next()?.trim().to_string())
}

/// A file of git's own, text, of at most 16 MiB (packed refs of a large repository).
fn text(path: &Path) -> Option<String> {
    String::from_utf8(crate::read_bytes(path, 16 * 1024 * 1024).ok()?).ok()
}

fn commit(text: &str) -> Option<String> {
    let text = text.trim();
    (matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches_detached_heads_and_packed_refs_are_read() {
        let dir = std::env::temp_dir().join(format!("polic-git-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let git = dir.join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).expect("mkdir");
        let hash = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").expect("write");
        assert_eq!(checked_out(&dir), None, "an unborn branch has no commit");
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs\n{hash} refs/heads/main\n"),
        )
        .expect("write");
        assert_eq!(checked_out(&dir).as_deref(), Some(hash));
        let newer = "fedcba9876543210fedcba9876543210fedcba98";
        std::fs::write(git.join("refs/heads/main"), format!("{newer}\n")).expect("write");
        assert_eq!(
            checked_out(&dir).as_deref(),
            Some(newer),
            "a loose ref wins"
        );
        std::fs::write(git.join("HEAD"), format!("{hash}\n")).expect("write");
        assert_eq!(checked_out(&dir).as_deref(), Some(hash), "a detached head");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
