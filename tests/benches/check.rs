//! The compiler over generated workspaces of 1,000 to 1,000,000 lines: cold check, the
//! analysis's share of it, cold build of the rule set, re-check after each kind of one-line
//! edit, hover. Throughput in lines (items) per second.
//! `cargo bench -p polic-tests --bench check`.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "bodies/check.rs"]
mod bodies;

use polic_tests::generate::{SIZES, line_count, workspace};

fn main() {
    divan::main();
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn cold_check(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench(|| bodies::cold_check(&files, 1));
}

/// The same on two threads, as `polic check` runs on a two-core machine.
#[divan::bench(args = SIZES, sample_count = 10)]
fn cold_check_two_threads(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench(|| bodies::cold_check(&files, 2));
}

/// The analysis's checks alone, after everything else a cold check computes: compare with
/// `cold_check` at the same size for the share the analysis adds.
#[divan::bench(args = SIZES, sample_count = 10)]
fn analysis_in_cold_check(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .with_inputs(|| bodies::checked_but_analysis(&files))
        .bench_local_values(|(db, workspace)| {
            bodies::analysis(&db, workspace);
            db
        });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn build_rule_set(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench(|| bodies::build_rule_set(&files));
}

/// Edit → every file's diagnostics again, what the language server publishes.
#[divan::bench(args = SIZES, sample_count = 20)]
fn edit_title(bencher: divan::Bencher, lines: usize) {
    edit_and_check(bencher, lines, bodies::EditKind::Title);
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn edit_condition_term(bencher: divan::Bencher, lines: usize) {
    edit_and_check(bencher, lines, bodies::EditKind::ConditionTerm);
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn edit_clause_reference(bencher: divan::Bencher, lines: usize) {
    edit_and_check(bencher, lines, bodies::EditKind::ClauseReference);
}

/// Edit → a hover on a control of the edited file and the file's code lenses, as the
/// editor asks with a keystroke.
#[divan::bench(args = SIZES, sample_count = 20)]
fn edit_and_hover(bencher: divan::Bencher, lines: usize) {
    let files = workspace(lines);
    let mut edit = bodies::Edit::new(&files, bodies::EditKind::Title);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench_local(|| edit.edit_and_hover());
}

fn edit_and_check(bencher: divan::Bencher, lines: usize, kind: bodies::EditKind) {
    let files = workspace(lines);
    let mut edit = bodies::Edit::new(&files, kind);
    bencher
        .counter(divan::counter::ItemsCount::new(line_count(&files)))
        .bench_local(|| edit.edit_and_check());
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn hover(bencher: divan::Bencher, lines: usize) {
    let hover = bodies::Hover::new(&workspace(lines));
    bencher.bench_local(|| hover.hover());
}
