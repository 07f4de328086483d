//! Evaluation: applicability of every control to every app (decisions), full statuses for
//! a portfolio, and building the rule set of a large workspace.
//! `cargo bench -p polic-tests --bench eval`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use polic_ruleset::eval::{self, Options};
use polic_ruleset::evidence::EvidenceSet;
use polic_sema::Database;

fn main() {
    divan::main();
}

/// app × control applicability decisions.
#[divan::bench(args = [(1_000, 100), (10_000, 1_000)], sample_count = 10)]
fn decisions(bencher: divan::Bencher, (apps, controls): (usize, usize)) {
    let rules = polic_tests::generate::portfolio_rules(apps, controls);
    let candidates = eval::candidates(&rules);
    bencher
        .counter(divan::counter::ItemsCount::new(apps * controls))
        .bench(|| eval::applicability(&rules, &candidates).expect("evaluates"));
}

/// Everything `polic eval` computes, for the whole portfolio.
#[divan::bench(args = [(10_000, 1_000)], sample_count = 5)]
fn full_statuses(bencher: divan::Bencher, (apps, controls): (usize, usize)) {
    let rules = polic_tests::generate::portfolio_rules(apps, controls);
    let options = Options {
        at: polic_tests::TODAY,
        fail_above: None,
    };
    let evidence = EvidenceSet::default();
    bencher.bench(|| {
        eval::evaluate(&rules, &evidence, &[], &options)
            .expect("evaluates")
            .queue
            .len()
    });
}

/// Cold build of the rule set: parse, check and write out a generated workspace.
#[divan::bench(args = [100_000], sample_count = 10)]
fn build_rule_set(bencher: divan::Bencher, lines: usize) {
    let files = polic_tests::generate::workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(lines))
        .bench(|| {
            let db = Database::default();
            let workspace = db.workspace(files.clone(), polic_tests::TODAY);
            let controls = polic_sema::build::rule_set(&db, workspace).controls.len();
            // Dropped after timing, as `polic build` never frees it.
            (db, controls)
        });
}
