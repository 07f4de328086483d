//! Memory a cold check keeps, stage by stage: live heap bytes after each layer of queries
//! has run over a generated workspace (each stage's memos stay in the database, so the
//! growth is what that layer holds). `cargo run --release -p polic-tests --example census -- 100000`.

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Heap bytes live now, counted from the program's start.
fn live(region: &Region<'_, System>) -> isize {
    let change = region.change();
    // A reallocation is already counted in these two.
    change.bytes_allocated as isize - change.bytes_deallocated as isize
}

fn main() {
    let lines = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let files = polic_tests::generate::workspace(lines);
    let source: usize = files.iter().map(|(_, text)| text.len()).sum();
    let db = polic_sema::Database::default();
    let workspace = db.workspace(files, polic_tests::TODAY);
    let region = Region::new(GLOBAL);
    let mut last = 0;
    let mut stage = |name: &str| {
        let now = live(&region);
        let grown = now - last;
        println!(
            "{name:<28} {:>8.1} MB  {:>5.1} bytes per source byte",
            grown as f64 / 1e6,
            grown as f64 / source as f64
        );
        last = now;
    };
    stage("source text");
    use polic_sema::{index, item, lower, model};
    let scope = index::files_in_scope(&db, workspace).clone();
    for &file in &scope {
        polic_sema::parse(&db, file);
    }
    stage("parse");
    let (mut tokens, mut nodes, mut errors) = (0, 0, 0);
    for &file in &scope {
        let parse = polic_sema::parse(&db, file);
        tokens += parse.tokens.capacity();
        nodes += parse.source_map.len();
        errors += parse.errors.len();
    }
    println!(
        "  of which tokens {:.1} MB ({tokens}), source map {:.1} MB ({nodes} nodes), {errors} errors",
        (tokens * size_of::<(polic_syntax::lexer::Token, polic_diagnostics::Span)>()) as f64 / 1e6,
        (nodes * 8) as f64 / 1e6
    );
    let copies: Vec<Vec<polic_syntax::ast::Item>> = scope
        .iter()
        .map(|&file| {
            polic_sema::parse(&db, file)
                .tree
                .items
                .iter()
                .map(|item| polic_syntax::ast::Item::clone(item))
                .collect()
        })
        .collect();
    stage("  a deep copy of the trees");
    drop(copies);
    stage("  (dropped)");
    for &file in &scope {
        polic_sema::item_tree(&db, file);
        item::item_ids(&db, file);
    }
    stage("item_tree + layout");
    index::symbols(&db, workspace);
    stage("symbols");
    for &file in &scope {
        for &it in item::item_ids(&db, file) {
            item::item_body(&db, file, it);
        }
    }
    stage("item_body");
    for &file in &scope {
        for &it in item::item_ids(&db, file) {
            lower::lower_item(&db, workspace, it);
        }
    }
    stage("lower_item (+ lookups)");
    model::model_diagnostics(&db, workspace);
    stage("model_diagnostics");
    polic_sema::check(&db, workspace);
    stage("check (file_check)");
    println!(
        "total {:.1} MB for {:.1} MB of source",
        live(&region) as f64 / 1e6,
        source as f64 / 1e6
    );
}
