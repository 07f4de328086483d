//! polic against the peer, side by side: the same obligations for the same apps, decided by
//! polic's evaluator (conditions over fact columns as bitsets) and by regorus evaluating
//! the equivalent Rego in its three shapes (see `polic_tests::rego`). Throughput is app ×
//! control decisions (items) per second. tests/peer.rs asserts that all of them agree.
//! `cargo bench -p polic-tests --bench peer`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(
    dead_code,
    reason = "the peer decides applicability only, not statuses"
)]
#[path = "bodies/eval.rs"]
mod bodies;

use polic_tests::rego::{Peer, Shape};

fn main() {
    divan::main();
}

/// (apps, controls) for every side; the smaller keeps the smoke test quick.
const PORTFOLIOS: [(usize, usize); 2] = [(100, 100), (1_000, 100)];

#[divan::bench(args = PORTFOLIOS, sample_count = 10)]
fn polic(bencher: divan::Bencher, (apps, controls): (usize, usize)) {
    let portfolio = bodies::Portfolio::new(apps, controls);
    bencher
        .counter(divan::counter::ItemsCount::new(apps * controls))
        .bench(|| portfolio.decisions());
}

fn rego(bencher: divan::Bencher, (apps, controls): (usize, usize), shape: Shape) {
    let mut peer = Peer::new(
        &polic_tests::generate::portfolio_rules(apps, controls),
        shape,
    );
    bencher
        .counter(divan::counter::ItemsCount::new(apps * controls))
        .bench_local(|| peer.evaluate());
}

/// All apps in one query, a rule per control.
#[divan::bench(args = PORTFOLIOS, sample_count = 5)]
fn rego_batch(bencher: divan::Bencher, portfolio: (usize, usize)) {
    rego(bencher, portfolio, Shape::Batch);
}

/// One query per app, inputs prepared beforehand.
#[divan::bench(args = PORTFOLIOS, sample_count = 5)]
fn rego_per_app(bencher: divan::Bencher, portfolio: (usize, usize)) {
    rego(bencher, portfolio, Shape::PerApp);
}

/// All apps in one query, one generic rule over the controls as data.
#[divan::bench(args = PORTFOLIOS, sample_count = 5)]
fn rego_data(bencher: divan::Bencher, portfolio: (usize, usize)) {
    rego(bencher, portfolio, Shape::Data);
}
