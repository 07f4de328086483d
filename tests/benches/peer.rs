//! polic against the peer, side by side: the same obligations for the same apps, decided by
//! polic's evaluator (conditions over fact columns as bitsets) and by regorus evaluating
//! the equivalent Rego in its two shapes (see `polic_tests::rego`). Throughput is app ×
//! control decisions per second. tests/peer.rs asserts that all three agree.
//! `cargo bench -p polic-tests --bench peer`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use polic_tests::rego::{self, Shape};

fn main() {
    divan::main();
}

const APPS: usize = 1_000;
const CONTROLS: usize = 100;

#[divan::bench(args = [(APPS, CONTROLS), (10_000, 1_000)], sample_count = 10)]
fn polic(bencher: divan::Bencher, (apps, controls): (usize, usize)) {
    let rules = polic_tests::generate::portfolio_rules(apps, controls);
    let candidates = polic_ruleset::eval::candidates(&rules);
    bencher
        .counter(divan::counter::ItemsCount::new(apps * controls))
        .bench(|| {
            polic_ruleset::eval::applicability(&rules, &candidates)
                .expect("evaluates")
                .required
                .len()
        });
}

/// All apps in one query.
#[divan::bench(sample_count = 5)]
fn rego_batch(bencher: divan::Bencher) {
    let rules = polic_tests::generate::portfolio_rules(APPS, CONTROLS);
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("batch.rego".into(), rego::policy(&rules, Shape::Batch))
        .expect("valid Rego");
    engine
        .set_input_json(&rego::batch_input(&rules))
        .expect("input");
    bencher
        .counter(divan::counter::ItemsCount::new(APPS * CONTROLS))
        .bench_local(|| {
            engine
                .eval_rule("data.polic.required".into())
                .expect("evaluates")
        });
}

/// One query per app, inputs prepared beforehand.
#[divan::bench(sample_count = 5)]
fn rego_per_app(bencher: divan::Bencher) {
    let rules = polic_tests::generate::portfolio_rules(APPS, CONTROLS);
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("per_app.rego".into(), rego::policy(&rules, Shape::PerApp))
        .expect("valid Rego");
    let inputs: Vec<regorus::Value> = (0..rules.apps.len())
        .map(|a| {
            regorus::Value::from_json_str(
                &serde_json::json!({ "app": rego::app_input(&rules, a) }).to_string(),
            )
            .expect("input")
        })
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(APPS * CONTROLS))
        .bench_local(|| {
            let mut required = 0;
            for input in &inputs {
                engine.set_input(input.clone());
                if let regorus::Value::Set(set) = engine
                    .eval_rule("data.polic.required".into())
                    .expect("evaluates")
                {
                    required += set.len();
                }
            }
            required
        });
}
