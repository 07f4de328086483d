//! Writing the posture report of large portfolios (apps, with 50 controls and a year of
//! weekly snapshots): the HTML, whose size the report's limits keep usable in a browser.

use polic_posture::{Limits, Posture};
use polic_ruleset::eval::{self, Options};
use polic_ruleset::evidence::EvidenceSet;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn html(bencher: divan::Bencher, apps: usize) {
    let rules = polic_tests::posture::rules(apps, 50, 20);
    let options = Options {
        at: polic_tests::TODAY,
        fail_above: None,
    };
    let evidence = EvidenceSet::default();
    let report = eval::evaluate(&rules, &evidence, &[], &options).expect("evaluates");
    let trend = polic_tests::posture::history(&report, 52);
    bencher.bench(|| {
        let posture = Posture::new(&report, Some(&trend), Limits::default());
        polic_posture::html(&posture).len()
    });
}
