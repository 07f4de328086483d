//! The language server on the generated 100,000-line workspace, measured as a client sees
//! it: requests and notifications over the in-process pipe, JSON both ways.
//! `cargo bench -p polic-lsp --bench server`. Prints the time to open the workspace and the
//! resident memory after it, then benchmarks:
//! - `edit_to_diagnostics`: a one-line edit (a control's title) until the diagnostics for
//!   that document's new version arrive (the debounce set to 0: this is the work); the
//!   document's own diagnostics come first, before the whole workspace is checked;
//! - `edit_to_workspace_diagnostics`: a one-line edit whose diagnostic only the whole
//!   workspace shows (a control renamed to a duplicate, and back) until it is published;
//! - `hover`: hover on a control;
//! - `completion`: clause ids after `bench#B-1` (5,000 clauses in the standard).

// The session tests' client; the benchmark uses only part of it.
#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use serde_json::Value;
use support::Session;

const FILE: &str = "unit00000.polic";

struct Bench {
    runtime: tokio::runtime::Runtime,
    session: Session,
    /// Whether the edited title currently has its extra character.
    toggled: bool,
    /// Whether control `c0` is currently renamed to the duplicate `c1`.
    duplicated: bool,
}

fn bench() -> &'static Mutex<Bench> {
    static BENCH: OnceLock<Mutex<Bench>> = OnceLock::new();
    BENCH.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        // Under `cargo test` (no `--bench`), once on a small workspace: a smoke run.
        let size = if std::env::args().any(|a| a == "--bench") {
            100_000
        } else {
            2_000
        };
        let files = polic_tests::generate::workspace(size);
        let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let started = Instant::now();
        let session = runtime.block_on(async {
            let mut session = Session::start("bench", &borrowed, false, support::options()).await;
            // Opened: every file checked and its (empty) diagnostics published.
            session.diagnostics(FILE, None).await;
            session.open(FILE).await;
            session.diagnostics(FILE, Some(1)).await;
            session
        });
        eprintln!(
            "opened {} files, {lines} lines, in {:?}; resident memory {} MB",
            files.len(),
            started.elapsed(),
            resident_mb()
        );
        Mutex::new(Bench {
            runtime,
            session,
            toggled: false,
            duplicated: false,
        })
    })
}

/// VmRSS of this process, which holds the server and the benchmark's client.
fn resident_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn main() {
    bench();
    divan::main();
}

#[divan::bench(sample_count = 100)]
fn edit_to_diagnostics(bencher: divan::Bencher) {
    let mut bench = bench().lock().expect("bench");
    let bench = &mut *bench;
    bencher.bench_local(|| {
        let (old, new) = if bench.toggled {
            ("\"Control 0!\"", "\"Control 0\"")
        } else {
            ("\"Control 0\"", "\"Control 0!\"")
        };
        bench.toggled = !bench.toggled;
        bench.runtime.block_on(async {
            let version = bench.session.edit(FILE, old, new).await;
            bench.session.diagnostics(FILE, Some(version)).await
        })
    });
}

#[divan::bench(sample_count = 40)]
fn edit_to_workspace_diagnostics(bencher: divan::Bencher) {
    let mut bench = bench().lock().expect("bench");
    let bench = &mut *bench;
    bencher.bench_local(|| {
        let (old, new) = if bench.duplicated {
            ("control c1 \"Control 0", "control c0 \"Control 0")
        } else {
            ("control c0 \"Control 0", "control c1 \"Control 0")
        };
        bench.duplicated = !bench.duplicated;
        let expect_duplicate = bench.duplicated;
        bench.runtime.block_on(async {
            let version = bench.session.edit(FILE, old, new).await;
            let uri = bench.session.uri(FILE);
            bench
                .session
                .notification("textDocument/publishDiagnostics", |p| {
                    p["uri"] == uri.as_str()
                        && p["version"] == version
                        && p["diagnostics"]
                            .as_array()
                            .is_some_and(|d| d.is_empty() != expect_duplicate)
                })
                .await
        })
    });
}

fn request(bench: &mut Bench, method: &str, params: Value) -> Value {
    bench
        .runtime
        .block_on(bench.session.request(method, params))
}

#[divan::bench(sample_count = 200)]
fn hover(bencher: divan::Bencher) {
    let mut bench = bench().lock().expect("bench");
    let params = bench.session.at(FILE, "control c3 ", 9);
    bencher.bench_local(|| {
        let response = request(&mut bench, "textDocument/hover", params.clone());
        assert!(response["result"]["contents"]["value"].is_string());
        response
    });
}

#[divan::bench(sample_count = 200)]
fn completion(bencher: divan::Bencher) {
    let mut bench = bench().lock().expect("bench");
    let params = bench.session.at(FILE, "bench#B-1\n", 9);
    bencher.bench_local(|| {
        let response = request(&mut bench, "textDocument/completion", params.clone());
        assert!(
            response["result"]["items"]
                .as_array()
                .is_some_and(|i| !i.is_empty())
        );
        response
    });
}
