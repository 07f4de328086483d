//! docs/snapshot.schema.json is the snapshot type's own schema, generated from it: the
//! documentation cannot drift from what `polic eval --format json` writes.
//! `POLIC_UPDATE_SCHEMA=1 cargo test -p polic-history --test schema` rewrites it.

use std::path::Path;

#[test]
fn the_documented_schema_is_the_snapshot_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/snapshot.schema.json");
    let generated = polic_history::snapshot::json_schema();
    if std::env::var_os("POLIC_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write the schema");
    }
    let documented = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        documented == generated,
        "docs/snapshot.schema.json is out of date: run \
         `POLIC_UPDATE_SCHEMA=1 cargo test -p polic-history --test schema`"
    );
}
