//! Traceability from code to policy: `polic:` tags in comments of any source file name the
//! controls (or obligations) the code around them implements or tests.
//!
//! - [`language`]: how each kind of file writes comments and strings;
//! - [`scan`]: the tags of one text (pure, no I/O);
//! - [`walk`]: a directory tree scanned in parallel, respecting `.gitignore`;
//! - [`resolve`]: tags checked against a rule set, and turned into evaluation evidence;
//! - [`settings`]: `--sources [APP=]DIR` and `polic.toml`.
//!
//! The syntax is documented in docs/traceability.md.

pub mod language;
pub mod resolve;
pub mod scan;
pub mod settings;
pub mod walk;

pub use resolve::{Policy, Resolved};
pub use scan::{FileTags, ScopeKind, Tag, Target, Verb, scan};
pub use walk::{Scanned, Skipped, Tree, walk};
