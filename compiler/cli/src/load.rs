//! The loading options every command shares: `--allow-outside-root`. polic-project does
//! the finding and reading.

use std::sync::OnceLock;

use polic_project::Options;

/// Set once from the command line before any command runs, and only read after: a
/// process-wide setting that every command's loading honours, wherever it loads from.
static OPTIONS: OnceLock<Options> = OnceLock::new();

pub fn set_options(options: Options) {
    // A second call would come from a second parse of the command line: keep the first.
    let _ = OPTIONS.set(options);
}

pub fn options() -> Options {
    OPTIONS.get().copied().unwrap_or_default()
}
