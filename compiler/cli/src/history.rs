//! The history store from the command line: `eval --record`, `polic record`, `polic
//! history` (list, `--at`, `trend`) and the snapshot side of `polic diff`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use polic_history::Snapshot;
use polic_history::store::{Store, StoreError};

use crate::exit;

/// Where snapshots are kept.
#[derive(clap::Args, Default, Clone)]
pub struct StoreArgs {
    /// The history store: a SQLite file, or a `postgres://` URL; default
    /// `.polic/history.sqlite` beside the workspace's polic.toml.
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "POLIC_STORE",
        hide_env_values = true
    )]
    pub store: Option<String>,
}

impl StoreArgs {
    /// The store named, else the default for the workspace holding `dir`.
    pub fn spec(&self, dir: &Path) -> String {
        match &self.store {
            Some(spec) => spec.clone(),
            None => default_store(dir).display().to_string(),
        }
    }

    pub fn open(&self, dir: &Path) -> Result<Store, u8> {
        Store::open(&self.spec(dir)).map_err(|e| report(&e))
    }

    /// The trend of `scope` in the store named, or in the default store when it exists:
    /// a workspace that never recorded a snapshot has no history, and none is created.
    pub fn trend_if_recorded(
        &self,
        dir: &Path,
        scope: &str,
    ) -> Result<Option<polic_history::trend::Trend>, u8> {
        if self.store.is_none() && !default_store(dir).is_file() {
            return Ok(None);
        }
        let mut store = self.open(dir)?;
        store.trend(scope).map(Some).map_err(|e| report(&e))
    }
}

/// `.polic/history.sqlite` in the nearest directory at or above `dir` holding a
/// polic.toml, else in `dir`.
fn default_store(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let home = absolute
        .ancestors()
        .find(|a| a.join(polic_tags::settings::SETTINGS_FILE).is_file())
        .unwrap_or(&absolute);
    let relative = pathdiff(home);
    relative.join(".polic").join("history.sqlite")
}

/// `home` relative to the current directory when it is inside it, so that messages show
/// short paths.
fn pathdiff(home: &Path) -> PathBuf {
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| home.strip_prefix(cwd).ok().map(Path::to_path_buf))
    {
        Some(inside) => inside,
        None => home.to_path_buf(),
    }
}

pub fn report(error: &StoreError) -> u8 {
    eprintln!("error: {error}");
    if let Some(help) = &error.help {
        eprintln!("  help: {help}");
    }
    exit::USAGE
}

/// Now, as the store records when a snapshot arrived (not part of the snapshot).
fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Records `snapshot` and says so on stderr.
pub fn record(snapshot: &Snapshot, store: &StoreArgs, dir: &Path) -> Result<(), u8> {
    let mut opened = store.open(dir)?;
    let spec = store.spec(dir);
    let shown = polic_history::store::redact(&spec);
    match opened.record(snapshot, &now()) {
        Ok(recorded) if recorded.new => {
            eprintln!(
                "recorded snapshot #{} ({}) in {shown}",
                recorded.id, snapshot.at
            );
            Ok(())
        }
        Ok(recorded) => {
            eprintln!(
                "snapshot already recorded as #{} in {shown}; kept once",
                recorded.id
            );
            Ok(())
        }
        Err(error) => Err(report(&error)),
    }
}

/// Reads a snapshot file, saying why it is not one.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, u8> {
    let text = read_text(path).map_err(|reason| {
        eprintln!("error: cannot read {}: {reason}", path.display());
        exit::USAGE
    })?;
    Snapshot::from_json(&text).map_err(|reason| {
        eprintln!(
            "error: {} is not a snapshot: {}",
            path.display(),
            reason.message
        );
        eprintln!("  help: {}", reason.help);
        exit::USAGE
    })
}

/// A snapshot file's text, read as evidence is: a regular file only (a FIFO never
/// blocks), within the evidence size cap.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = polic_project::read::read_bytes(path, crate::inputs::MAX_EVIDENCE_BYTES)
        .map_err(|error| error.reason())?;
    String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())
}

/// Whether a file holds a snapshot (rather than a rule set): by its `format` field.
pub fn is_snapshot(path: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<String>,
    }
    read_text(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Header>(&text).ok())
        .and_then(|h| h.format)
        .is_some_and(|f| f == polic_history::snapshot::FORMAT)
}

#[derive(clap::Args)]
pub struct RecordArgs {
    /// A snapshot written by `polic eval --format json`.
    snapshot: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run_record(args: RecordArgs) -> u8 {
    let snapshot = match read_snapshot(&args.snapshot) {
        Ok(snapshot) => snapshot,
        Err(code) => return code,
    };
    match record(&snapshot, &args.store, Path::new(".")) {
        Ok(()) => exit::CLEAN,
        Err(code) => code,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct HistoryArgs {
    /// `trend`: scores and status counts over time, per app, unit and the portfolio, and
    /// per clause the share of apps meeting it.
    #[arg(value_parser = ["trend"])]
    view: Option<String>,
    /// The posture as recorded on this day (the latest snapshot judged on or before it).
    #[arg(long, value_parser = crate::compile::parse_date)]
    at: Option<polic_syntax::ast::Date>,
    /// Only snapshots of this scope: `*` (the whole portfolio, the default) or the apps an
    /// evaluation was narrowed to (`shop,ledger`).
    #[arg(long, default_value = "*")]
    scope: String,
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    format: HistoryFormat,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run_history(args: HistoryArgs) -> u8 {
    let mut store = match args.store.open(Path::new(".")) {
        Ok(store) => store,
        Err(code) => return code,
    };
    let result = match (args.view.as_deref(), args.at) {
        (Some(_), _) => trend(&mut store, &args),
        (None, Some(at)) => posture_at(&mut store, &args, &at.to_string()),
        (None, None) => list(&mut store, &args),
    };
    match result {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            exit::CLEAN
        }
        Err(code) => code,
    }
}

fn list(store: &mut Store, args: &HistoryArgs) -> Result<String, u8> {
    let entries = store.list(Some(&args.scope)).map_err(|e| report(&e))?;
    Ok(match args.format {
        HistoryFormat::Json => serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n",
        HistoryFormat::Csv => {
            let mut out = "id,at,scope,revision,score,regressions\n".to_string();
            for e in &entries {
                out.push_str(&format!(
                    "{},{},{},{},{:.2},{}\n",
                    e.id,
                    e.at,
                    polic_history::trend::csv_field(&e.scope),
                    e.revision.as_deref().unwrap_or(""),
                    e.score,
                    e.regressions.map_or(String::new(), |r| r.to_string())
                ));
            }
            out
        }
        HistoryFormat::Table => {
            if entries.is_empty() {
                let mut out = format!(
                    "no snapshots of scope `{}` recorded yet (`polic eval --record` records one)\n",
                    args.scope
                );
                // Snapshots of evaluations narrowed with `--app` are kept per scope.
                let mut others: BTreeMap<String, usize> = BTreeMap::new();
                for entry in store.list(None).map_err(|e| report(&e))? {
                    *others.entry(entry.scope).or_default() += 1;
                }
                if !others.is_empty() {
                    let listed: Vec<String> = others
                        .iter()
                        .map(|(scope, n)| format!("`{scope}` ({n})"))
                        .collect();
                    out.push_str(&format!(
                        "  help: the store has snapshots of other scopes: {}; name one with `--scope`\n",
                        listed.join(", ")
                    ));
                }
                return Ok(out);
            }
            let mut out = format!(
                "{:>5}  {:<10}  {:<12}  {:>6}  {}\n",
                "id", "at", "revision", "score", "regressions"
            );
            for e in &entries {
                let revision = e.revision.as_deref().map_or("-", |r| &r[..r.len().min(12)]);
                out.push_str(&format!(
                    "{:>5}  {:<10}  {:<12}  {:>6.1}  {}\n",
                    format!("#{}", e.id),
                    e.at,
                    revision,
                    e.score,
                    e.regressions.map_or("-".to_string(), |r| r.to_string())
                ));
            }
            out
        }
    })
}

fn posture_at(store: &mut Store, args: &HistoryArgs, at: &str) -> Result<String, u8> {
    let id = store.resolve(at, &args.scope).map_err(|e| report(&e))?;
    let snapshot = store.get(id).map_err(|e| report(&e))?;
    Ok(match args.format {
        HistoryFormat::Json => snapshot.to_json(),
        HistoryFormat::Table | HistoryFormat::Csv => {
            let trend =
                polic_history::trend::Trend::of(&[(id, snapshot.clone())]).map_err(|e| {
                    eprintln!("error: snapshot #{id}: {e}");
                    exit::USAGE
                })?;
            let mut out = format!(
                "as recorded on {at}: snapshot #{id}, judged at {}{}\n\n",
                snapshot.at,
                snapshot
                    .revision
                    .as_deref()
                    .map_or(String::new(), |r| format!(" (revision {r})"))
            );
            out.push_str(&if args.format == HistoryFormat::Csv {
                trend.csv()
            } else {
                trend.table()
            });
            out
        }
    })
}

fn trend(store: &mut Store, args: &HistoryArgs) -> Result<String, u8> {
    let trend = store.trend(&args.scope).map_err(|e| report(&e))?;
    Ok(match args.format {
        HistoryFormat::Table => trend.table(),
        HistoryFormat::Json => serde_json::to_string_pretty(&trend).unwrap_or_default() + "\n",
        HistoryFormat::Csv => trend.csv(),
    })
}
