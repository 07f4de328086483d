//! `polic diff OLD NEW`: what changes between two policies, each a rule set file or
//! sources; or between two evaluations, each a snapshot file or a snapshot in the history
//! store.

use std::io::Write;
use std::path::{Path, PathBuf};

use polic_history::Snapshot;
use polic_ruleset::RuleSet;
use polic_syntax::ast::Date;

use crate::compile;
use crate::exit;
use crate::history::{self, StoreArgs};
use crate::output::Color;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    /// Snapshots only: for a pull-request comment or a job summary.
    Markdown,
    /// Snapshots only: each regression a result at its obligation.
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any obligation got worse.
    Regression,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The old side: a rule set (.json), policy sources, a snapshot file, or with a store a
    /// snapshot id (`#3`), date (`2026-03-01`), `latest` or `previous`.
    old: Option<String>,
    /// The new side, likewise (with `--against`, the only one; default `latest`).
    new: Option<String>,
    /// Compare against this snapshot of the store (`previous`, a date or an id): `polic
    /// diff --against previous` after `polic eval --record` shows what the run changed.
    #[arg(long, value_name = "SNAPSHOT")]
    against: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Fail (exit 1) on regressions between two snapshots.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Waivers expiring within this many days of the newer snapshot are listed.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    within: i64,
    /// The scope of store snapshots: `*` (the whole portfolio) or the apps an evaluation
    /// was narrowed to.
    #[arg(long, default_value = "*")]
    scope: String,
    /// The date waivers in sources are judged against (YYYY-MM-DD); default today (UTC).
    #[arg(long, visible_alias = "at", value_parser = compile::parse_date)]
    today: Option<Date>,
    /// List the policies' warnings on stderr, not only their count.
    #[arg(long)]
    verbose: bool,
    #[command(flatten)]
    store: StoreArgs,
}

fn load(path: &Path, today: Date, verbose: bool) -> Result<RuleSet, u8> {
    let is_rule_set = path.extension().is_some_and(|e| e == "json");
    if is_rule_set && let Some(rules) = crate::inputs::app_rules(path, today)? {
        return Ok(rules);
    }
    let rules = if is_rule_set {
        Some(path.to_path_buf())
    } else {
        None
    };
    crate::inputs::load_rules(
        &[path.to_path_buf()],
        rules.as_ref(),
        today,
        Color::Auto,
        verbose,
    )
    .map(|(rules, _)| rules)
}

pub fn run(args: DiffArgs) -> u8 {
    let snapshots = args.against.is_some()
        || args.store.store.is_some()
        || [&args.old, &args.new]
            .into_iter()
            .flatten()
            .any(|side| history::is_snapshot(Path::new(side)) || !Path::new(side).exists());
    if snapshots {
        return snapshot_diff(&args);
    }
    let (Some(old), Some(new)) = (&args.old, &args.new) else {
        eprintln!("error: `polic diff` needs two policies or two snapshots");
        eprintln!(
            "  help: `polic diff OLD NEW`, or `polic diff --against previous` with a history store"
        );
        return exit::USAGE;
    };
    if matches!(args.format, DiffFormat::Markdown | DiffFormat::Sarif) || args.fail_on.is_some() {
        eprintln!(
            "error: `--format markdown|sarif` and `--fail-on` are for snapshots, not policies"
        );
        eprintln!("  help: `polic eval --format json` writes a snapshot");
        return exit::USAGE;
    }
    let today = args.today.unwrap_or_else(compile::today);
    let loaded = (
        load(Path::new(old), today, args.verbose),
        load(Path::new(new), today, args.verbose),
    );
    let (old, new) = match loaded {
        (Ok(old), Ok(new)) => (old, new),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let diff = match polic_ruleset::diff::diff(&old, &new) {
        Ok(diff) => diff,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::USAGE;
        }
    };
    let rendered = match args.format {
        DiffFormat::Json => serde_json::to_string_pretty(&diff).unwrap_or_default() + "\n",
        _ => polic_ruleset::diff::render(&diff),
    };
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    exit::CLEAN
}

/// A side of a snapshot diff: a file, or a snapshot of the store by id.
enum Side {
    File(Box<Snapshot>),
    Stored(i64),
}

/// A side: a snapshot file when one exists at that path, else a snapshot of the store.
fn side(
    name: &str,
    args: &DiffArgs,
    store: &mut Option<polic_history::store::Store>,
) -> Result<Side, u8> {
    let path = PathBuf::from(name);
    if path.is_file() {
        return history::read_snapshot(&path).map(|s| Side::File(Box::new(s)));
    }
    opened(args, store)?
        .resolve(name, &args.scope)
        .map(Side::Stored)
        .map_err(|e| history::report(&e))
}

/// The store, opened on first use.
fn opened<'s>(
    args: &DiffArgs,
    store: &'s mut Option<polic_history::store::Store>,
) -> Result<&'s mut polic_history::store::Store, u8> {
    if store.is_none() {
        *store = Some(args.store.open(Path::new("."))?);
    }
    store.as_mut().ok_or(exit::USAGE)
}

/// Both sides read: two of the store together, so that what they share is not read.
fn sides(
    old: Side,
    new: Side,
    args: &DiffArgs,
    store: &mut Option<polic_history::store::Store>,
) -> Result<(Snapshot, Snapshot), u8> {
    let read = |side: Side, store: &mut Option<polic_history::store::Store>| match side {
        Side::File(snapshot) => Ok(*snapshot),
        Side::Stored(id) => opened(args, store)?
            .get(id)
            .map_err(|e| history::report(&e)),
    };
    match (old, new) {
        (Side::Stored(a), Side::Stored(b)) => opened(args, store)?
            .pair(a, b)
            .map_err(|e| history::report(&e)),
        (old, new) => Ok((read(old, store)?, read(new, store)?)),
    }
}

fn snapshot_diff(args: &DiffArgs) -> u8 {
    let (old, new) = match (&args.against, &args.old, &args.new) {
        (Some(against), None, None) => (against.clone(), "latest".to_string()),
        (Some(against), Some(new), None) => (against.clone(), new.clone()),
        (None, Some(old), Some(new)) => (old.clone(), new.clone()),
        (None, _, _) => {
            eprintln!("error: `polic diff` needs two snapshots");
            eprintln!("  help: `polic diff OLD NEW`, or `polic diff --against previous`");
            return exit::USAGE;
        }
        (Some(_), _, Some(_)) => {
            eprintln!(
                "error: `--against` takes the place of the old snapshot; name only the new one"
            );
            return exit::USAGE;
        }
    };
    let mut store = None;
    let read = side(&old, args, &mut store)
        .and_then(|old| Ok((old, side(&new, args, &mut store)?)))
        .and_then(|(old, new)| sides(old, new, args, &mut store));
    let (before, after) = match read {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    let diff = polic_history::diff::diff(&before, &after, args.within);
    let rendered = match args.format {
        DiffFormat::Human => polic_history::render::table(&diff),
        DiffFormat::Json => polic_history::render::json(&diff),
        DiffFormat::Markdown => polic_history::render::markdown(&diff),
        DiffFormat::Sarif => {
            serde_json::to_string_pretty(&polic_history::render::sarif(&diff)).unwrap_or_default()
                + "\n"
        }
    };
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    if args.fail_on == Some(FailOn::Regression) && diff.regressed() {
        eprintln!(
            "diff: FAIL ({} obligation(s) regressed)",
            diff.counts.regressed
        );
        exit::FAILED
    } else {
        exit::CLEAN
    }
}
