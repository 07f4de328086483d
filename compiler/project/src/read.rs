//! Reading one file of an untrusted workspace: only regular files, never more than a cap,
//! never blocking on a FIFO or a device.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The largest policy source read: far above any hand-written policy, far below what
/// would exhaust a CI runner's memory.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    Directory,
    /// A FIFO, socket or device: reading one could block or never end.
    NotRegular(&'static str),
    TooLarge {
        limit: u64,
    },
    Io(std::io::Error),
    /// The text is not UTF-8; `lossy` is its decoding with replacement characters and
    /// `at` the offset of the first bad byte.
    NotUtf8 {
        lossy: String,
        at: usize,
    },
}

impl ReadError {
    /// The reason, as a message ends with it: `cannot read `x`: REASON`.
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotFound => "no such file".to_string(),
            ReadError::Directory => "it is a directory".to_string(),
            ReadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge { limit } => {
                format!("it is larger than {} MiB", limit / (1024 * 1024))
            }
            ReadError::Io(error) => io_reason(error),
            ReadError::NotUtf8 { .. } => "it is not valid UTF-8".to_string(),
        }
    }
}

/// An operating-system error as a lowercase reason.
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => {
            let text = error.to_string();
            // "Too many levels of symbolic links (os error 40)" → without the number.
            let text = text.split(" (os error").next().unwrap_or(&text);
            text.to_lowercase()
        }
    }
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Metadata first: opening a FIFO for reading blocks until a writer comes.
    let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(error),
    })?;
    check_kind(&metadata, limit)?;
    // Non-blocking, and checked again once open: the path may have been swapped for a
    // FIFO in between.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY).bits() as i32)
        .open(path)
        .map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    check_kind(&metadata, limit)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // One byte over the limit tells a file that grew since `metadata` from one that fits.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

fn check_kind(metadata: &std::fs::Metadata, limit: u64) -> Result<(), ReadError> {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_dir() {
        return Err(ReadError::Directory);
    }
    if !kind.is_file() {
        let what = if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else {
            "a special file"
        };
        return Err(ReadError::NotRegular(what));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// A policy source's text. A UTF-8 byte-order mark is dropped: editors on Windows write
/// one, and it is no character of the text.
pub fn read_source(path: &Path) -> Result<Source, ReadError> {
    let bytes = read_bytes(path, MAX_SOURCE_BYTES)?;
    let (bom, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (true, rest.to_vec()),
        None => (false, bytes),
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { text, bom }),
        Err(error) => Err(ReadError::NotUtf8 {
            at: error.utf8_error().valid_up_to(),
            lossy: String::from_utf8_lossy(error.as_bytes()).into_owned(),
        }),
    }
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A source file's text, and whether a byte-order mark preceded it (`polic fmt` keeps it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub text: String,
    pub bom: bool,
}
