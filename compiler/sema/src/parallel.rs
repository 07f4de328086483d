//! A cold check on every core: each file's own queries (its tree, its symbols, its
//! lowering) computed on database handles in parallel, before the workspace-wide queries
//! (`symbols`, `model`) read them. Salsa memoizes what any handle computed, so the results
//! are the ones a sequential check would compute, found in the shared database.

use crate::db::{Database, File, Workspace, item_tree};
use crate::index::{file_symbols, files_in_scope, stdlib_module, symbols};
use crate::item::item_ids;
use crate::lower::lower_item;
use polic_syntax::ast::{Import, ItemKind};

/// Computes every file's own queries on `threads` handles (the calling thread is one).
pub fn prefetch(db: &Database, workspace: Workspace, threads: usize) {
    if threads < 2 {
        return;
    }
    let own = workspace.files(db).clone();
    on_threads(db, &own, threads, |db, file| {
        item_tree(db, file);
    });
    // The modules the workspace imports; `files_in_scope` follows their own imports.
    let mut imported: Vec<File> = Vec::new();
    for item in own.iter().flat_map(|&file| &item_tree(db, file).items) {
        if let ItemKind::Import(Import::Stdlib(path)) = &item.kind
            && let Some(module) = stdlib_module(db, workspace, path)
            && !imported.contains(&module)
        {
            imported.push(module);
        }
    }
    on_threads(db, &imported, threads, |db, file| {
        item_tree(db, file);
    });
    let scope = files_in_scope(db, workspace).clone();
    on_threads(db, &scope, threads, |db, file| {
        file_symbols(db, file);
    });
    symbols(db, workspace);
    on_threads(db, &scope, threads, |db, file| {
        for &item in item_ids(db, file) {
            lower_item(db, workspace, item);
        }
    });
}

/// Below this much text, starting a thread costs about what it saves.
const WORTH_A_THREAD: usize = 64 * 1024;

/// Runs `work` on every file, the files split between `threads` handles by size (the
/// largest first, each to the least loaded handle).
fn on_threads(
    db: &Database,
    files: &[File],
    threads: usize,
    work: impl Fn(&Database, File) + Sync,
) {
    let mut by_size: Vec<(usize, File)> = files.iter().map(|&f| (f.text(db).len(), f)).collect();
    let total: usize = by_size.iter().map(|&(size, _)| size).sum();
    let threads = threads.min(total.div_ceil(WORTH_A_THREAD)).max(1);
    by_size.sort_by_key(|&(size, _)| std::cmp::Reverse(size));
    let mut shares: Vec<(usize, Vec<File>)> = vec![(0, Vec::new()); threads.min(files.len())];
    for (size, file) in by_size {
        if let Some(share) = shares.iter_mut().min_by_key(|(load, _)| *load) {
            share.0 += size;
            share.1.push(file);
        }
    }
    let Some((_, mine)) = shares.pop() else {
        return;
    };
    let work = &work;
    std::thread::scope(|scope| {
        for (_, share) in shares {
            let db = db.clone();
            scope.spawn(move || {
                for file in share {
                    work(&db, file);
                }
            });
        }
        for file in mine {
            work(db, file);
        }
    });
}
