//! OSCAL interoperability. Import: OSCAL catalogs, profiles and component definitions
//! (JSON, OSCAL 1.0 to 1.2) become polic source. Export: a rule set's archetypes become
//! component definitions, and an evaluation becomes assessment results (OSCAL 1.1.2), with
//! identifiers derived from names so that the same inputs give byte-identical files.
//! No I/O: callers read and write the files.

pub mod catalog;
pub mod export;
pub mod import;
pub mod json;
mod source;

pub use import::{Imported, Options, import, read_catalog};
pub use json::Problem;
