//! Every benchmark body once, at the smallest size its benchmark runs and without timing:
//! `cargo test` does not run benchmarks, and this keeps them from rotting. The Rego side of
//! the peer benchmark runs in tests/peer.rs.

#[path = "benches/bodies/check.rs"]
mod check;
#[path = "benches/bodies/eval.rs"]
mod eval;
#[path = "benches/bodies/history.rs"]
mod history;
#[path = "benches/bodies/phases.rs"]
mod phases;

use polic_tests::generate::{SIZES, workspace};

#[test]
fn compiler_bodies() {
    let files = workspace(SIZES[0]);
    check::cold_check(&files, 1);
    check::cold_check(&files, 2);
    let (db, workspace) = check::checked_but_analysis(&files);
    assert_eq!(check::analysis(&db, workspace), 0);
    assert!(check::build_rule_set(&files).1 > 0);
    for kind in [
        check::EditKind::Title,
        check::EditKind::ConditionTerm,
        check::EditKind::ClauseReference,
    ] {
        let mut edit = check::Edit::new(&files, kind);
        edit.edit_and_check();
        edit.edit_and_check();
        assert!(edit.edit_and_hover().0.markdown.contains("c3"));
    }
    assert!(check::Hover::new(&files).hover().markdown.contains("c3"));
    assert!(phases::lex(&files) > 0);
    assert_eq!(phases::parse(&files).len(), files.len());
}

#[test]
fn evaluation_bodies() {
    let portfolio = eval::Portfolio::new(100, 100);
    assert_eq!(portfolio.decisions().required.len(), 100);
    portfolio.statuses();
}

#[test]
fn history_bodies() {
    let portfolio = history::Portfolio::new(30, 30);
    let spec = history::fresh_store("sqlite", "smoke");
    let mut store = history::open(&spec);
    let half = portfolio.statuses() / 2;
    let first = history::record(&mut store, &portfolio.snapshot(0, half));
    let (parts, bytes) = history::footprint(&spec);
    // The next day, unchanged: only the header (its date) is new.
    history::record(&mut store, &portfolio.snapshot(1, half));
    let (more_parts, more_bytes) = history::footprint(&spec);
    assert_eq!(more_parts, parts + 1);
    assert!(
        more_bytes - bytes < 2_000,
        "{bytes} then {more_bytes} bytes"
    );
    let changed = history::record(&mut store, &portfolio.snapshot(2, half + 3));
    assert_eq!(history::diff(&mut store, first, changed), 3);
    assert_eq!(history::trend(&mut store), 3);
}
