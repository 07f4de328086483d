//! The rule set and its evaluation. A rule set is what `polic build` writes: everything
//! about a policy that evaluation needs, with no sources. This crate reads it, reads
//! evidence, and answers what each app must do and whether it does. No salsa, no I/O.

pub mod bundle;
pub mod clause_id;
pub mod diff;
pub mod engine;
pub mod eval;
pub mod evidence;
pub mod explain;
pub mod json;
pub mod metrics;
pub mod report;
pub mod scanners;
pub mod schema;
pub mod testing;

pub use schema::RuleSet;
