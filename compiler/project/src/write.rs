//! Writing a file of the workspace back (`polic fmt`, output files) without ever leaving it
//! half-written or changing what it is: through a symbolic link to its target, with its
//! mode and owner, its hard links kept, a read-only file refused.

use std::io::{Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Writes `contents` to `path`. A new file, or one with a single link, is replaced
/// atomically: written to a temporary file beside it, given the old one's mode and
/// owner, then renamed over it. A file with several hard links, or whose owner this user
/// cannot give a new file, is rewritten in place (a rename would detach the other links,
/// or change the owner), its old text written back if that fails.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => path.to_path_buf(),
        Err(error) => return Err(error),
    };
    let existing = match std::fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    if let Some(metadata) = &existing {
        if !metadata.is_file() {
            return Err(refusal("it is not a regular file"));
        }
        // Checked here because root's writes would succeed: read-only means "leave it".
        if metadata.permissions().readonly() {
            return Err(refusal("it is read-only"));
        }
        if metadata.nlink() > 1 {
            return write_in_place(&target, contents);
        }
    }
    let temporary = temporary_beside(&target);
    match write_replacement(&temporary, contents, existing.as_ref()) {
        Ok(()) => std::fs::rename(&temporary, &target).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        }),
        Err(Replacement::OwnerNotKept) => {
            let _ = std::fs::remove_file(&temporary);
            write_in_place(&target, contents)
        }
        Err(Replacement::Failed(error)) => {
            let _ = std::fs::remove_file(&temporary);
            Err(error)
        }
    }
}

fn refusal(reason: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, reason.to_string())
}

fn temporary_beside(target: &Path) -> PathBuf {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.polic-tmp-{}", std::process::id()))
}

enum Replacement {
    /// The new file cannot be given the old one's owner (not root, someone else's file).
    OwnerNotKept,
    Failed(std::io::Error),
}

fn write_replacement(
    temporary: &Path,
    contents: &[u8],
    existing: Option<&std::fs::Metadata>,
) -> Result<(), Replacement> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)
        .map_err(Replacement::Failed)?;
    file.write_all(contents).map_err(Replacement::Failed)?;
    if let Some(old) = existing {
        let new = file.metadata().map_err(Replacement::Failed)?;
        if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
            rustix::fs::fchown(
                &file,
                Some(rustix::fs::Uid::from_raw(old.uid())),
                Some(rustix::fs::Gid::from_raw(old.gid())),
            )
            .map_err(|_| Replacement::OwnerNotKept)?;
        }
        // After the owner: changing it clears set-id bits.
        file.set_permissions(old.permissions())
            .map_err(Replacement::Failed)?;
    }
    file.sync_all().map_err(Replacement::Failed)
}

/// Overwrites the file itself, which keeps its inode: links, owner and mode.
fn write_in_place(target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let old = std::fs::read(target)?;
    let mut file = std::fs::OpenOptions::new().write(true).open(target)?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.set_len(contents.len() as u64))
        .and_then(|()| file.sync_all());
    if let Err(error) = written {
        // Disk full half-way: the old text, which fitted, goes back.
        let _ = file
            .rewind()
            .and_then(|()| file.write_all(&old))
            .and_then(|()| file.set_len(old.len() as u64));
        return Err(error);
    }
    Ok(())
}
