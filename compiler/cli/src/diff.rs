//! `polic diff OLD NEW`: what changes between two policies, each a rule set file or sources.

use std::io::Write;
use std::path::PathBuf;

use polic_ruleset::RuleSet;
use polic_syntax::ast::Date;

use crate::compile::{self, Color};
use crate::exit;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The old policy: a rule set (.json) or a source file or directory.
    old: PathBuf,
    /// The new policy, likewise.
    new: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// The date waivers in sources are judged against (YYYY-MM-DD); default today (UTC).
    #[arg(long, visible_alias = "at", value_parser = compile::parse_date)]
    today: Option<Date>,
}

fn load(path: &PathBuf, today: Date) -> Result<RuleSet, u8> {
    let is_rule_set = path.extension().is_some_and(|e| e == "json");
    let rules = if is_rule_set { Some(path) } else { None };
    crate::inputs::load_rules(std::slice::from_ref(path), rules, today, Color::Auto)
}

pub fn run(args: DiffArgs) -> u8 {
    let today = args.today.unwrap_or_else(compile::today);
    let (old, new) = match (load(&args.old, today), load(&args.new, today)) {
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
        DiffFormat::Human => polic_ruleset::diff::render(&diff),
        DiffFormat::Json => serde_json::to_string_pretty(&diff).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    exit::CLEAN
}
