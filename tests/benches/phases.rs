//! The front end alone over generated workspaces: lexing and parsing every file, the part
//! of a cold check that does not depend on other files. Throughput in lines (items) per
//! second. `cargo bench -p polic-tests --bench phases`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "bodies/phases.rs"]
mod bodies;

use polic_tests::generate::{SIZES, line_count, workspace};

fn main() {
    divan::main();
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn lex(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench(|| bodies::lex(&files));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn parse(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench(|| bodies::parse(&files));
}
