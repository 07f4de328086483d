//! The workspace on disk, the one place that finds and reads its files: the root reads
//! stay inside ([`root`]), the walk that lists files ([`walk`], also the tag scanner's),
//! reading one file safely ([`read`]), an app repository's pinned policy ([`app`]), the policy files and their imports ([`load`]),
//! writing one back ([`write`]), the checkout's commit ([`git`]), and the clock. The rules are in docs/security.md: a workspace may be written by anyone.

pub mod app;
pub mod git;
pub mod load;
pub mod read;
pub mod root;
pub mod walk;
pub mod write;

pub use load::{Discovered, LoadError, Loaded, Options, PolicyFile, discover, load, merge};
pub use read::{MAX_SOURCE_BYTES, ReadError, Source, read_bytes, read_source};
pub use root::Root;
pub use write::write;

use polic_syntax::ast::Date;

/// Today's date in UTC: what waivers are judged against unless a date is given.
pub fn today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_days_since_epoch(seconds.div_euclid(86_400))
}
