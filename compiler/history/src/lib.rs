//! Posture over time: snapshots of evaluations ([`snapshot`]), what changed between two
//! ([`diff`], rendered by [`render`]), and the store that keeps them ([`store`]: SQLite or
//! PostgreSQL). docs/history.md describes all three.

pub mod diff;
pub mod parts;
pub mod render;
pub mod snapshot;
pub mod store;
pub mod trend;

pub use snapshot::Snapshot;
