//! Cold check of generated workspaces: a fresh database, every file parsed, resolved and
//! checked. `cargo bench -p polic-tests --bench check`; sizes in lines.

/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use polic_sema::Database;

fn main() {
    divan::main();
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 20)]
fn cold_check(bencher: divan::Bencher, lines: usize) {
    let files = polic_tests::generate::workspace(lines);
    bencher
        .counter(divan::counter::ItemsCount::new(lines))
        .bench(|| {
            let db = Database::default();
            let workspace = db.workspace(files.clone(), polic_tests::TODAY);
            let diagnostics = polic_sema::check(&db, workspace);
            assert!(diagnostics.is_empty());
            // Returned so that divan drops it after timing: `polic check` never frees it.
            db
        });
}
