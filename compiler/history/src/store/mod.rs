//! The history store: snapshots kept in SQLite (one file, the default) or PostgreSQL (one
//! database for many pipelines), same schema and queries.
//!
//! A snapshot is stored as parts ([`crate::parts`]): each part's body once, by digest
//! (`blobs`), and for each part key an interval of the snapshots it is valid for (`parts`:
//! `since <= id < until`, per scope). Recording a snapshot closes the intervals of parts
//! that changed and opens new ones; an unchanged part costs nothing.

mod backend;

use std::collections::BTreeMap;
use std::path::Path;

use backend::{Backend, Postgres, Sqlite, Val};

use crate::diff;
use crate::parts::{self, Piece};
use crate::snapshot::Snapshot;
use crate::trend::{Point, Trend};

/// The schema this polic writes; a store at a newer one is refused, an older one migrated.
pub const SCHEMA_VERSION: i64 = 2;

/// Each migration takes the store from the version before it to its own.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE polic_schema (version BIGINT NOT NULL);
         CREATE TABLE snapshots (
             id BIGINT PRIMARY KEY,
             digest TEXT NOT NULL UNIQUE,
             at TEXT NOT NULL,
             scope TEXT NOT NULL,
             policy TEXT,
             revision TEXT,
             rules TEXT NOT NULL,
             score DOUBLE PRECISION NOT NULL,
             recorded TEXT NOT NULL
         );
         CREATE TABLE blobs (digest TEXT PRIMARY KEY, body TEXT NOT NULL);
         CREATE TABLE parts (
             scope TEXT NOT NULL,
             key TEXT NOT NULL,
             blob TEXT NOT NULL,
             since BIGINT NOT NULL,
             until BIGINT
         );
         CREATE INDEX parts_by_scope ON parts (scope, since);
         INSERT INTO polic_schema (version) VALUES (0);",
    ),
    (
        2,
        // Regressions against the previous snapshot of the scope, counted when recorded,
        // so that listing the history needs no diff; the open intervals found by key.
        "ALTER TABLE snapshots ADD COLUMN regressions BIGINT;
         CREATE INDEX parts_open ON parts (scope, until, key);",
    ),
];

#[derive(Debug)]
pub struct StoreError {
    /// The store as shown: a path, or a URL with its password hidden.
    pub store: String,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "history store `{}`: {}", self.store, self.message)
    }
}

/// An item part's status, read without the rest.
#[derive(serde::Deserialize)]
struct StatusOnly {
    status: polic_ruleset::eval::Status,
}

/// A row of the history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub scope: String,
    pub policy: Option<String>,
    pub revision: Option<String>,
    pub score: f64,
    /// Against the previous snapshot of the scope; `None` for the first.
    pub regressions: Option<i64>,
    pub digest: String,
}

/// What recording did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    /// False when the same snapshot was already there (it is kept once).
    pub new: bool,
}

pub struct Store {
    backend: Box<dyn Backend>,
    shown: String,
}

/// A URL with its password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_string(),
    };
    // `password=` in the query string too.
    let tail = tail.map(|t| {
        t.split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.ends_with("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match tail {
        Some(t) => format!("{scheme}://{authority}/{t}"),
        None => format!("{scheme}://{authority}"),
    }
}

fn is_postgres(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

/// The scope of a snapshot as the store keys it: `*` for the whole portfolio, else the
/// apps it was narrowed to.
pub fn scope_of(snapshot: &Snapshot) -> String {
    snapshot
        .scope
        .as_ref()
        .map_or("*".to_string(), |apps| apps.join(","))
}

impl Store {
    /// Opens (creating or migrating) the store at `spec`: a `postgres://` URL, else a
    /// SQLite file path (its directory created).
    pub fn open(spec: &str) -> Result<Store, StoreError> {
        let shown = if is_postgres(spec) {
            redact(spec)
        } else {
            spec.to_string()
        };
        let fail = |message: String, help: Option<&str>| StoreError {
            store: shown.clone(),
            message,
            help: help.map(str::to_string),
        };
        let backend: Box<dyn Backend> = if is_postgres(spec) {
            let client = postgres::Client::connect(spec, postgres::NoTls).map_err(|e| {
                fail(
                    format!("cannot connect: {}", backend_error(&e)),
                    Some("check the host, port, database, user and password in the URL, and that the server accepts connections"),
                )
            })?;
            Box::new(Postgres(client))
        } else {
            if let Some(dir) = Path::new(spec)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create its directory: {e}"), None))?;
            }
            let connection = rusqlite::Connection::open(spec)
                .map_err(|e| fail(format!("cannot open: {e}"), None))?;
            // Other recorders wait for the write lock rather than fail; WAL lets readers
            // read while one writes.
            connection
                .busy_timeout(BUSY_TIMEOUT)
                .and_then(|_| wal(&connection))
                .map_err(|e| {
                    fail(
                        format!("cannot open: {e}"),
                        Some("is it a SQLite database polic wrote?"),
                    )
                })?;
            Box::new(Sqlite(connection))
        };
        let mut store = Store { backend, shown };
        store.migrate()?;
        Ok(store)
    }

    fn fail(&self, message: impl Into<String>) -> StoreError {
        StoreError {
            store: self.shown.clone(),
            message: message.into(),
            help: None,
        }
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<backend::Rows, StoreError> {
        self.backend.query(sql, params).map_err(|e| self.fail(e))
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        self.backend.execute(sql, params).map_err(|e| self.fail(e))
    }

    fn in_write<T>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.backend.begin_write().map_err(|e| self.fail(e))?;
        match work(self) {
            Ok(value) => {
                self.backend.batch("COMMIT").map_err(|e| self.fail(e))?;
                Ok(value)
            }
            Err(error) => {
                let _ = self.backend.batch("ROLLBACK");
                Err(error)
            }
        }
    }

    /// The schema version, 0 when the store is new (no polic tables).
    fn version(&mut self) -> Result<i64, StoreError> {
        if !self
            .backend
            .has_table("polic_schema")
            .map_err(|e| self.fail(e))?
        {
            return Ok(0);
        }
        let rows = self.query("SELECT version FROM polic_schema", &[])?;
        Ok(rows.first().and_then(|r| r[0].int()).unwrap_or(0))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let current = self.version()?;
        if current > SCHEMA_VERSION {
            return Err(StoreError {
                store: self.shown.clone(),
                message: format!(
                    "the store has schema version {current}, newer than this polic reads ({SCHEMA_VERSION})"
                ),
                help: Some(
                    "upgrade polic to the version that wrote it; the store was left as it is"
                        .to_string(),
                ),
            });
        }
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        self.in_write(|store| {
            // Another process may have migrated while this one waited for the lock.
            let current = store.version()?;
            for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
                store.backend.batch(sql).map_err(|e| {
                    store.fail(format!("cannot migrate to schema version {version}: {e}"))
                })?;
                store.execute(
                    "UPDATE polic_schema SET version = $1",
                    &[Val::Int(*version)],
                )?;
            }
            Ok(())
        })
    }

    /// Appends a snapshot (once: the same snapshot recorded again is found by digest).
    /// All of it is written in one transaction, or nothing is.
    pub fn record(&mut self, snapshot: &Snapshot, recorded: &str) -> Result<Recorded, StoreError> {
        let scope = scope_of(snapshot);
        let split = parts::split(snapshot);
        let blobs = parts::blobs(&split);
        let snapshot_digest = parts::digest(&blobs);
        self.in_write(|store| {
            if let Some(row) = store
                .query("SELECT id FROM snapshots WHERE digest = $1", &[snapshot_digest.as_str().into()])?
                .first()
            {
                return Ok(Recorded {
                    id: row[0].int().unwrap_or(0),
                    new: false,
                });
            }
            let id = store
                .query("SELECT COALESCE(MAX(id), 0) + 1 FROM snapshots", &[])?
                .first()
                .and_then(|r| r[0].int())
                .unwrap_or(1);
            let open: BTreeMap<String, String> = store
                .query(
                    "SELECT key, blob FROM parts WHERE scope = $1 AND until IS NULL",
                    &[scope.as_str().into()],
                )?
                .into_iter()
                .map(|r| {
                    (
                        r[0].text().unwrap_or_default().to_string(),
                        r[1].text().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let regressions = store.regressions(snapshot, &scope, id, &open, &split, &blobs)?;
            store.execute(
                "INSERT INTO snapshots (id, digest, at, scope, policy, revision, rules, score, recorded, regressions)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    Val::Int(id),
                    snapshot_digest.as_str().into(),
                    snapshot.at.as_str().into(),
                    scope.as_str().into(),
                    snapshot.policy.clone().into(),
                    snapshot.revision.clone().into(),
                    snapshot.rules.digest.as_str().into(),
                    Val::Real(snapshot.portfolio.score),
                    recorded.into(),
                    regressions.map_or(Val::Null, Val::Int),
                ],
            )?;
            let mut new_blobs = Vec::new();
            let mut opened = Vec::new();
            let mut closed = Vec::new();
            for (key, body) in &split {
                let blob = &blobs[key.as_str()];
                match open.get(key) {
                    Some(current) if current == blob => {}
                    current => {
                        if current.is_some() {
                            closed.push(key.clone());
                        }
                        new_blobs.push(vec![Val::Text(blob.clone()), Val::Text(body.clone())]);
                        opened.push(vec![
                            Val::Text(scope.clone()),
                            Val::Text(key.clone()),
                            Val::Text(blob.clone()),
                            Val::Int(id),
                        ]);
                    }
                }
            }
            // Recorded out of order: the snapshot judged next now follows this one.
            if let Some(next) = store.next(&scope, &snapshot.at, id)? {
                let after = store.get(next)?;
                let regressed = diff::diff(snapshot, &after, 0).counts.regressed as i64;
                store.execute(
                    "UPDATE snapshots SET regressions = $1 WHERE id = $2",
                    &[Val::Int(regressed), Val::Int(next)],
                )?;
            }
            closed.extend(open.keys().filter(|k| !split.contains_key(*k)).cloned());
            for key in &closed {
                store.execute(
                    "UPDATE parts SET until = $1 WHERE scope = $2 AND key = $3 AND until IS NULL",
                    &[Val::Int(id), scope.as_str().into(), key.as_str().into()],
                )?;
            }
            fault_point();
            store
                .backend
                .insert_many("blobs", &["digest", "body"], &new_blobs, true)
                .map_err(|e| store.fail(e))?;
            store
                .backend
                .insert_many("parts", &["scope", "key", "blob", "since"], &opened, false)
                .map_err(|e| store.fail(e))?;
            Ok(Recorded { id, new: true })
        })
    }

    /// How many obligations regressed against the previous snapshot of the scope (`None`
    /// for the first). When that is the latest recorded, whose parts are the open ones,
    /// only the items whose parts changed are read; else the previous is read whole.
    fn regressions(
        &mut self,
        snapshot: &Snapshot,
        scope: &str,
        id: i64,
        open: &BTreeMap<String, String>,
        split: &BTreeMap<String, String>,
        blobs: &BTreeMap<&str, String>,
    ) -> Result<Option<i64>, StoreError> {
        let Some(previous) = self.previous(scope, &snapshot.at, id)? else {
            return Ok(None);
        };
        let latest = self
            .query(
                "SELECT MAX(id) FROM snapshots WHERE scope = $1",
                &[scope.into()],
            )?
            .first()
            .and_then(|r| r[0].int());
        if latest != Some(previous) {
            let before = self.get(previous)?;
            return Ok(Some(
                diff::diff(&before, snapshot, 0).counts.regressed as i64,
            ));
        }
        let changed: Vec<(&String, &String)> = split
            .keys()
            .filter(|key| parts::is_item(key))
            .filter_map(|key| {
                let old = open.get(key)?;
                (*old != blobs[key.as_str()]).then_some((key, old))
            })
            .collect();
        let old_bodies = self.bodies(changed.iter().map(|(_, blob)| blob.as_str()))?;
        let mut regressed = 0;
        for (key, old_blob) in changed {
            let status = |body: &str| {
                serde_json::from_str::<StatusOnly>(body)
                    .map(|s| diff::rank(s.status))
                    .map_err(|e| format!("stored part is corrupt: {e}"))
            };
            let old = old_bodies
                .get(old_blob.as_str())
                .ok_or_else(|| self.fail(format!("blob {old_blob} is missing")))?;
            if status(&split[key]).map_err(|e| self.fail(e))?
                > status(old).map_err(|e| self.fail(e))?
            {
                regressed += 1;
            }
        }
        Ok(Some(regressed))
    }

    /// The bodies of blobs, by digest, read in batches.
    fn bodies<'a>(
        &mut self,
        digests: impl Iterator<Item = &'a str>,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let digests: Vec<&str> = digests
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut out = BTreeMap::new();
        for batch in digests.chunks(500) {
            let placeholders: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT digest, body FROM blobs WHERE digest IN ({})",
                placeholders.join(", ")
            );
            let params: Vec<Val> = batch.iter().map(|d| (*d).into()).collect();
            for row in self.query(&sql, &params)? {
                out.insert(
                    row[0].text().unwrap_or_default().to_string(),
                    row[1].text().unwrap_or_default().to_string(),
                );
            }
        }
        Ok(out)
    }

    /// The latest snapshot of `scope` judged before `at` (or on it, recorded before `id`).
    fn previous(&mut self, scope: &str, at: &str, id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .query(
                "SELECT id FROM snapshots WHERE scope = $1 AND (at < $2 OR (at = $2 AND id < $3))
                 ORDER BY at DESC, id DESC LIMIT 1",
                &[scope.into(), at.into(), Val::Int(id)],
            )?
            .first()
            .and_then(|r| r[0].int()))
    }

    /// The earliest snapshot of `scope` judged after `at` (other than `id`).
    fn next(&mut self, scope: &str, at: &str, id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .query(
                "SELECT id FROM snapshots WHERE scope = $1 AND at > $2 AND id <> $3
                 ORDER BY at, id LIMIT 1",
                &[scope.into(), at.into(), Val::Int(id)],
            )?
            .first()
            .and_then(|r| r[0].int()))
    }

    /// The snapshot recorded as `id`, rebuilt from its parts.
    pub fn get(&mut self, id: i64) -> Result<Snapshot, StoreError> {
        let scope = self
            .query("SELECT scope FROM snapshots WHERE id = $1", &[Val::Int(id)])?
            .first()
            .and_then(|r| r[0].text().map(str::to_string))
            .ok_or_else(|| self.fail(format!("no snapshot #{id}")))?;
        let rows = self.query(
            "SELECT p.key, b.body FROM parts p JOIN blobs b ON b.digest = p.blob
             WHERE p.scope = $1 AND p.since <= $2 AND (p.until IS NULL OR p.until > $2)",
            &[scope.as_str().into(), Val::Int(id)],
        )?;
        let found: BTreeMap<String, String> = rows
            .into_iter()
            .map(|r| {
                (
                    r[0].text().unwrap_or_default().to_string(),
                    r[1].text().unwrap_or_default().to_string(),
                )
            })
            .collect();
        parts::join(&found, parts::Items::All)
            .map_err(|e| self.fail(format!("snapshot #{id}: {e}")))
    }

    /// Two snapshots read for their diff: whole but for the items both share unchanged,
    /// which a diff would pass over (so reading costs what changed, not the portfolio).
    pub fn pair(&mut self, a: i64, b: i64) -> Result<(Snapshot, Snapshot), StoreError> {
        let scope = |store: &mut Store, id: i64| -> Result<String, StoreError> {
            store
                .query("SELECT scope FROM snapshots WHERE id = $1", &[Val::Int(id)])?
                .first()
                .and_then(|r| r[0].text().map(str::to_string))
                .ok_or_else(|| store.fail(format!("no snapshot #{id}")))
        };
        let (scope_a, scope_b) = (scope(self, a)?, scope(self, b)?);
        if scope_a != scope_b {
            return Ok((self.get(a)?, self.get(b)?));
        }
        // Items valid at exactly one of the two (changed, new or gone), and every other
        // part in between: an item both share is never read, nor sent by the server.
        let not_item = format!("{}%", parts::ITEM_PREFIX);
        let rows = self.query(
            "SELECT key, blob, since, until FROM parts
             WHERE scope = $1 AND (
               (since <= $2 AND (until IS NULL OR until > $2))
                 <> (since <= $3 AND (until IS NULL OR until > $3))
               OR (key NOT LIKE $4 AND since <= $5 AND (until IS NULL OR until > $6)))",
            &[
                scope_a.as_str().into(),
                Val::Int(a),
                Val::Int(b),
                not_item.as_str().into(),
                Val::Int(a.max(b)),
                Val::Int(a.min(b)),
            ],
        )?;
        let valid_at = |id: i64| -> BTreeMap<String, String> {
            rows.iter()
                .filter(|r| {
                    r[2].int().is_some_and(|since| since <= id)
                        && r[3].int().is_none_or(|until| until > id)
                })
                .map(|r| {
                    (
                        r[0].text().unwrap_or_default().to_string(),
                        r[1].text().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        };
        let (mut at_a, mut at_b) = (valid_at(a), valid_at(b));
        let shared: Vec<String> = at_a
            .iter()
            .filter(|(key, blob)| parts::is_item(key) && at_b.get(*key) == Some(blob))
            .map(|(key, _)| key.clone())
            .collect();
        for key in &shared {
            at_a.remove(key);
            at_b.remove(key);
        }
        let bodies = self.bodies(at_a.values().chain(at_b.values()).map(String::as_str))?;
        let read = |id: i64, blobs: BTreeMap<String, String>| -> Result<Snapshot, StoreError> {
            let mut found = BTreeMap::new();
            for (key, blob) in blobs {
                let body = bodies
                    .get(&blob)
                    .ok_or_else(|| self.fail(format!("snapshot #{id}: blob {blob} is missing")))?;
                found.insert(key, body.clone());
            }
            parts::join(&found, parts::Items::Changed)
                .map_err(|e| self.fail(format!("snapshot #{id}: {e}")))
        };
        Ok((read(a, at_a)?, read(b, at_b)?))
    }

    /// Scores and counts of every snapshot of `scope` over time. Each stored part is read
    /// and parsed once, however many snapshots share it; items are not read.
    pub fn trend(&mut self, scope: &str) -> Result<Trend, StoreError> {
        let entries = self.list(Some(scope))?;
        let not_items = format!("{}%", parts::ITEM_PREFIX);
        let rows = self.query(
            "SELECT p.key, p.since, p.until, b.body FROM parts p JOIN blobs b ON b.digest = p.blob
             WHERE p.scope = $1 AND p.key NOT LIKE $2",
            &[scope.into(), not_items.as_str().into()],
        )?;
        // Per key, its intervals of validity in order: disjoint, so the one holding a
        // snapshot is found by binary search.
        let mut by_key: BTreeMap<String, Vec<(i64, Option<i64>, Piece)>> = BTreeMap::new();
        for row in rows {
            let key = row[0].text().unwrap_or_default().to_string();
            let piece =
                Piece::parse(&key, row[3].text().unwrap_or_default()).map_err(|e| self.fail(e))?;
            // Parts a trend does not read are not looked up for every snapshot.
            if matches!(piece, Piece::Other) {
                continue;
            }
            by_key
                .entry(key)
                .or_default()
                .push((row[1].int().unwrap_or(0), row[2].int(), piece));
        }
        for intervals in by_key.values_mut() {
            intervals.sort_by_key(|(since, _, _)| *since);
        }
        let mut points = Vec::with_capacity(entries.len());
        for entry in &entries {
            let valid = by_key.values().filter_map(|intervals| {
                let after = intervals.partition_point(|(since, _, _)| *since <= entry.id);
                let (_, until, piece) = intervals.get(after.checked_sub(1)?)?;
                until.is_none_or(|until| until > entry.id).then_some(piece)
            });
            points.push(Point::of(entry.id, valid).map_err(|e| self.fail(e))?);
        }
        Ok(Trend::new(points))
    }

    /// Every snapshot, oldest judged first (`scope` narrows to one).
    pub fn list(&mut self, scope: Option<&str>) -> Result<Vec<Entry>, StoreError> {
        let rows = self.query(
            "SELECT id, at, scope, policy, revision, score, regressions, digest FROM snapshots
             WHERE $1 = '' OR scope = $1 ORDER BY at, id",
            &[scope.unwrap_or("").into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| Entry {
                id: r[0].int().unwrap_or(0),
                at: r[1].text().unwrap_or_default().to_string(),
                scope: r[2].text().unwrap_or_default().to_string(),
                policy: r[3].text().map(str::to_string),
                revision: r[4].text().map(str::to_string),
                score: r[5].real().unwrap_or(0.0),
                regressions: r[6].int(),
                digest: r[7].text().unwrap_or_default().to_string(),
            })
            .collect())
    }

    /// The id a selector names, among the snapshots of `scope`: `#N` or `N` (an id),
    /// `latest`, `previous` (the one before the latest), or a date `YYYY-MM-DD` (the latest
    /// judged on or before it).
    pub fn resolve(&mut self, selector: &str, scope: &str) -> Result<i64, StoreError> {
        let entries = self.list(Some(scope))?;
        let number = selector.strip_prefix('#').unwrap_or(selector);
        let found = if let Ok(id) = number.parse::<i64>() {
            entries.iter().find(|e| e.id == id)
        } else {
            match selector {
                "latest" => entries.last(),
                "previous" => entries.iter().rev().nth(1),
                date if jiff::civil::Date::strptime("%Y-%m-%d", date).is_ok() => {
                    entries.iter().rev().find(|e| e.at.as_str() <= date)
                }
                _ => {
                    return Err(StoreError {
                        store: self.shown.clone(),
                        message: format!("`{selector}` names no snapshot"),
                        help: Some(
                            "name a snapshot by id (`#3`), date (`2026-03-01`), `latest` or `previous`"
                                .to_string(),
                        ),
                    });
                }
            }
        };
        found.map(|e| e.id).ok_or_else(|| StoreError {
            store: self.shown.clone(),
            message: match selector {
                "previous" => format!(
                    "no snapshot before the latest for scope `{scope}` ({} recorded)",
                    entries.len()
                ),
                _ => format!("no snapshot `{selector}` for scope `{scope}`"),
            },
            help: Some("`polic history` lists the snapshots recorded".to_string()),
        })
    }
}

/// Dies here, mid-write, when `POLIC_FAULT=record` is set: how the tests show that a
/// recorder killed in the middle leaves the store as it was.
fn fault_point() {
    if std::env::var_os("POLIC_FAULT").is_some_and(|v| v == "record") {
        std::process::abort();
    }
}

/// How long a writer waits for another to finish.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Puts a SQLite store in WAL mode. Switching needs the database to itself, and SQLite
/// does not wait for that (another process opening the new store at the same moment
/// gets "database is locked" at once): retried until the busy timeout.
fn wal(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    let started = std::time::Instant::now();
    loop {
        match connection.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

fn backend_error(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let text = error.to_string();
            match std::error::Error::source(error) {
                Some(source) => format!("{text}: {source}"),
                None => text,
            }
        }
    }
}
