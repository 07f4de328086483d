//! Evaluation of generated portfolios of N apps × M controls: applicability decisions
//! (throughput in decisions, as items, per second) and everything `polic eval` computes.
//! `cargo bench -p polic-tests --bench eval`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "bodies/eval.rs"]
mod bodies;

fn main() {
    divan::main();
}

/// (apps, controls): 10⁴ to 10⁷ decisions.
const PORTFOLIOS: [(usize, usize); 4] = [(100, 100), (1_000, 100), (1_000, 1_000), (10_000, 1_000)];

#[divan::bench(args = PORTFOLIOS, sample_count = 10)]
fn decisions(bencher: divan::Bencher, (apps, controls): (usize, usize)) {
    let portfolio = bodies::Portfolio::new(apps, controls);
    bencher
        .counter(divan::counter::ItemsCount::new(apps * controls))
        .bench(|| portfolio.decisions());
}

#[divan::bench(args = PORTFOLIOS, sample_count = 5)]
fn full_statuses(bencher: divan::Bencher, (apps, controls): (usize, usize)) {
    let portfolio = bodies::Portfolio::new(apps, controls);
    bencher
        .counter(divan::counter::ItemsCount::new(apps * controls))
        .bench(|| portfolio.statuses());
}
