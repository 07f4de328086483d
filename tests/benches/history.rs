//! The history store on both backends, with snapshots of a generated portfolio of about
//! 300k statuses: recording one (the first, one unchanged but for its date, one with 1 % of
//! its statuses changed), the diff of two read back from the store, and a year of daily
//! snapshots trended. `POLIC_TEST_POSTGRES` names the PostgreSQL server
//! (`export POLIC_TEST_POSTGRES=$(tests/postgres/start.sh)`).
//! `cargo bench -p polic-tests --bench history`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "bodies/history.rs"]
mod bodies;

use std::sync::OnceLock;

use bodies::Portfolio;
use polic_history::Snapshot;

fn main() {
    let portfolio = large();
    eprintln!(
        "portfolio: {} apps, {} statuses per snapshot",
        APPS,
        portfolio.0.statuses()
    );
    footprint(&portfolio.1, &portfolio.2, &portfolio.3);
    divan::main();
}

/// Rows and bytes each kind of snapshot adds to a store (SQLite: what `LENGTH` counts).
fn footprint(first: &Snapshot, unchanged: &Snapshot, changed: &Snapshot) {
    let spec = bodies::fresh_store("sqlite", "footprint");
    let mut store = bodies::open(&spec);
    let mut last = (0, 0);
    for (name, snapshot) in [
        ("first", first),
        ("unchanged", unchanged),
        ("1 % changed", changed),
    ] {
        bodies::record(&mut store, snapshot);
        let now = bodies::footprint(&spec);
        eprintln!(
            "footprint of the {name} snapshot: {} part rows, {} bytes of new bodies",
            now.0 - last.0,
            now.1 - last.1
        );
        last = now;
    }
}

const BACKENDS: [&str; 2] = ["sqlite", "postgres"];
/// 1,000 apps × 1,000 controls: about 300k required (app, control) pairs.
const APPS: usize = 1_000;
const CONTROLS: usize = 1_000;

/// The portfolio, its first snapshot, the next day's unchanged one and one with 1 % of
/// the statuses met that were not: built once.
fn large() -> &'static (Portfolio, Snapshot, Snapshot, Snapshot) {
    static LARGE: OnceLock<(Portfolio, Snapshot, Snapshot, Snapshot)> = OnceLock::new();
    LARGE.get_or_init(|| {
        let portfolio = Portfolio::new(APPS, CONTROLS);
        let half = portfolio.statuses() / 2;
        let first = portfolio.snapshot(0, half);
        let unchanged = portfolio.snapshot(1, half);
        let changed = portfolio.snapshot(1, half + portfolio.statuses() / 100);
        (portfolio, first, unchanged, changed)
    })
}

#[divan::bench(args = BACKENDS, sample_count = 5)]
fn record_first(bencher: divan::Bencher, backend: &str) {
    let (_, first, _, _) = large();
    bencher
        .with_inputs(|| bodies::open(&bodies::fresh_store(backend, "first")))
        .bench_local_values(|mut store| bodies::record(&mut store, first));
}

#[divan::bench(args = BACKENDS, sample_count = 5)]
fn record_unchanged(bencher: divan::Bencher, backend: &str) {
    let (_, first, unchanged, _) = large();
    bencher
        .with_inputs(|| {
            let mut store = bodies::open(&bodies::fresh_store(backend, "unchanged"));
            bodies::record(&mut store, first);
            store
        })
        .bench_local_values(|mut store| bodies::record(&mut store, unchanged));
}

#[divan::bench(args = BACKENDS, sample_count = 5)]
fn record_one_percent_changed(bencher: divan::Bencher, backend: &str) {
    let (_, first, _, changed) = large();
    bencher
        .with_inputs(|| {
            let mut store = bodies::open(&bodies::fresh_store(backend, "changed"));
            bodies::record(&mut store, first);
            store
        })
        .bench_local_values(|mut store| bodies::record(&mut store, changed));
}

#[divan::bench(args = BACKENDS, sample_count = 5)]
fn diff_from_the_store(bencher: divan::Bencher, backend: &str) {
    let (_, first, _, changed) = large();
    let mut store = bodies::open(&bodies::fresh_store(backend, "diff"));
    let before = bodies::record(&mut store, first);
    let after = bodies::record(&mut store, changed);
    bencher.bench_local(|| bodies::diff(&mut store, before, after));
}

/// A year of daily snapshots of a smaller portfolio (its apps' and clauses' summaries are
/// what a trend reads; items are not), 0.1 % more met each day.
#[divan::bench(args = BACKENDS, sample_count = 5)]
fn trend_of_a_year(bencher: divan::Bencher, backend: &str) {
    let portfolio = Portfolio::new(APPS, 30);
    let mut store = bodies::open(&bodies::fresh_store(backend, "trend"));
    let step = (portfolio.statuses() / 1000).max(1);
    for day in 0..365 {
        bodies::record(&mut store, &portfolio.snapshot(day, day as usize * step));
    }
    bencher.bench_local(|| bodies::trend(&mut store));
}
