//! Bodies of the history benchmarks (benches/history.rs), shared with
//! tests/benches_smoke.rs: snapshots of generated portfolios recorded in a store, diffed
//! and trended.

use std::path::PathBuf;

use polic_history::Snapshot;
use polic_history::snapshot::Context;
use polic_history::store::Store;
use polic_ruleset::RuleSet;
use polic_ruleset::eval::{self, Options};
use polic_ruleset::evidence::{self, EvidenceSet};
use polic_syntax::ast::Date;

/// A generated portfolio evaluated on successive days with more of its obligations met
/// each day: what a year of daily `polic eval --record` sees.
pub struct Portfolio {
    rules: RuleSet,
    /// Every required (app, control), in a fixed order: the first `met` have passing
    /// evidence on a given day.
    required: Vec<(String, String)>,
}

impl Portfolio {
    pub fn new(apps: usize, controls: usize) -> Portfolio {
        let rules = polic_tests::generate::portfolio_rules(apps, controls);
        let candidates = eval::candidates(&rules);
        let applicable = eval::applicability(&rules, &candidates).expect("evaluates");
        let mut required = Vec::new();
        for (c, control) in rules.controls.iter().enumerate() {
            for a in applicable.required[c].iter() {
                required.push((rules.apps[a].name.clone(), control.name.clone()));
            }
        }
        // Interleaved, so that each day's improvements touch many apps.
        required.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Portfolio { rules, required }
    }

    /// The number of statuses a snapshot holds.
    pub fn statuses(&self) -> usize {
        self.required.len()
    }

    /// The evaluation at `day` days after the first, with the first `met` obligations
    /// passing.
    pub fn snapshot(&self, day: i64, met: usize) -> Snapshot {
        let at = Date::from_days_since_epoch(polic_tests::TODAY.days_since_epoch() + day);
        let mut lines = String::new();
        for (app, control) in self.required.iter().take(met) {
            lines += &format!(
                "{{\"app\":\"{app}\",\"control\":\"{control}\",\"status\":\"pass\",\"tool\":\"t\",\"collected\":\"{}\"}}\n",
                polic_tests::TODAY
            );
        }
        let mut set = EvidenceSet::default();
        let errors = evidence::read_json_lines("evidence.jsonl", &lines, &mut set);
        assert!(errors.is_empty(), "{errors:?}");
        let options = Options {
            at,
            fail_above: None,
        };
        let report = eval::evaluate(&self.rules, &set, &[], &options).expect("evaluates");
        Snapshot::of(
            &report,
            Context {
                evidence: Vec::new(),
                revision: None,
                scope: None,
            },
        )
    }
}

/// Where a benchmark's store lives: a SQLite file in a fresh directory, or a fresh
/// PostgreSQL database on the server `POLIC_TEST_POSTGRES` names (tests/postgres/start.sh
/// prints it).
pub fn fresh_store(backend: &str, name: &str) -> String {
    match backend {
        "sqlite" => {
            let dir =
                std::env::temp_dir().join(format!("polic-bench-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create the store's directory");
            path(dir.join("history.sqlite"))
        }
        "postgres" => {
            let server = std::env::var("POLIC_TEST_POSTGRES")
                .expect("POLIC_TEST_POSTGRES names a server: `export POLIC_TEST_POSTGRES=$(tests/postgres/start.sh)`");
            let database = format!("polic_bench_{name}");
            let mut admin =
                postgres::Client::connect(&server, postgres::NoTls).expect("connect to the server");
            for statement in [
                format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
                format!("CREATE DATABASE {database}"),
            ] {
                admin
                    .batch_execute(&statement)
                    .expect("create the database");
            }
            let (base, _) = server.rsplit_once('/').expect("a URL with a database");
            format!("{base}/{database}")
        }
        other => panic!("no store backend `{other}`"),
    }
}

fn path(path: PathBuf) -> String {
    path.to_str().expect("a UTF-8 path").to_string()
}

pub fn open(spec: &str) -> Store {
    Store::open(spec).expect("the store opens")
}

pub fn record(store: &mut Store, snapshot: &Snapshot) -> i64 {
    let recorded = store
        .record(snapshot, "2026-01-01T00:00:00Z")
        .expect("records");
    assert!(recorded.new);
    recorded.id
}

/// The diff of two recorded snapshots as `polic diff --store` computes it: both read back
/// (what they share left out), then compared. Returns the regressions and improvements.
pub fn diff(store: &mut Store, before: i64, after: i64) -> usize {
    let (before, after) = store.pair(before, after).expect("reads");
    let diff = polic_history::diff::diff(&before, &after, 30);
    diff.counts.regressed + diff.counts.improved
}

/// `polic history trend`: every snapshot's scores and counts.
pub fn trend(store: &mut Store) -> usize {
    store.trend("*").expect("reads").points.len()
}

/// Rows and bytes in the store's tables, for the footprint per snapshot.
pub fn footprint(spec: &str) -> (i64, i64) {
    let sql = "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM blobs";
    let parts = "SELECT COUNT(*) FROM parts";
    if spec.starts_with("postgres://") {
        let mut client = postgres::Client::connect(spec, postgres::NoTls).expect("connect");
        let row = client.query_one(sql, &[]).expect("query");
        let parts: i64 = client.query_one(parts, &[]).expect("query").get(0);
        let bytes: i64 = row.get::<_, Option<i64>>(1).unwrap_or(0);
        (parts, bytes)
    } else {
        let connection = rusqlite::Connection::open(spec).expect("open");
        let bytes: i64 = connection
            .query_row(sql, [], |row| row.get(1))
            .expect("query");
        let parts: i64 = connection
            .query_row(parts, [], |row| row.get(0))
            .expect("query");
        (parts, bytes)
    }
}
