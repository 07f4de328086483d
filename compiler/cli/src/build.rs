//! `polic build`: the rule set, as JSON, for `polic eval` and other tools.

use std::io::Write;
use std::path::PathBuf;

use polic_syntax::ast::Date;

use crate::compile;
use crate::output::Color;
use crate::{exit, inputs};

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Files or directories of policy sources.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Where to write the rule set; `-` or absent: standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The date waivers are judged against when checking (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_parser = compile::parse_date)]
    today: Option<Date>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// List the policy's warnings on stderr, not only their count.
    #[arg(long)]
    verbose: bool,
    /// Write the bundle app repositories pin (`[policy] bundle = FILE` in their
    /// polic.toml): the rule set and the policy's sources, with their digest.
    #[arg(long)]
    bundle: bool,
}

pub fn run(args: BuildArgs) -> u8 {
    let compiled = match inputs::compile_policy(
        &args.paths,
        args.today.unwrap_or_else(compile::today),
        args.color,
        args.verbose,
        &[],
    ) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    if let Err(code) = compile::refuse_errors(&compiled) {
        return code;
    }
    let rules = polic_sema::build::rule_set(&compiled.db, compiled.workspace);
    let json = if args.bundle {
        if compiled.app.is_some() {
            eprintln!(
                "error: this is an app repository (its polic.toml names a `[policy]`): a bundle is built in the policy's repository"
            );
            return exit::USAGE;
        }
        bundle(&compiled, rules)
    } else {
        match serde_json::to_string_pretty(rules) {
            Ok(json) => json + "\n",
            Err(error) => {
                eprintln!("error: cannot serialise the rule set: {error}");
                return exit::USAGE;
            }
        }
    };
    match args.output.as_deref() {
        None => {
            let _ = std::io::stdout().write_all(json.as_bytes());
        }
        Some(path) if path.as_os_str() == "-" => {
            let _ = std::io::stdout().write_all(json.as_bytes());
        }
        Some(path) => {
            if let Err(error) = compile::write_atomically(path, json.as_bytes()) {
                eprintln!("error: cannot write {}: {error}", path.display());
                return exit::USAGE;
            }
            eprintln!(
                "wrote {} ({} controls, {} apps, {} adopted clauses)",
                path.display(),
                rules.controls.len(),
                rules.apps.len(),
                rules.clauses.iter().filter(|c| c.adopted.is_some()).count()
            );
        }
    }
    // The process ends here; the exit frees the database faster than dropping it does.
    std::mem::forget(compiled);
    exit::CLEAN
}

/// The published policy: its files by their path relative to the directory built, the
/// rule set and the commit checked out there.
fn bundle(compiled: &compile::Compiled, rules: &polic_ruleset::RuleSet) -> String {
    let sources = compiled
        .workspace
        .files(&compiled.db)
        .iter()
        .map(|file| {
            let shown = file.path(&compiled.db);
            let relative = compiled
                .root
                .relative(shown)
                .map_or_else(|| shown.clone(), |p| p.to_string_lossy().replace('\\', "/"));
            (relative, file.text(&compiled.db).to_string())
        })
        .collect();
    let revision = polic_project::git::revision(compiled.root.dir());
    polic_ruleset::bundle::Bundle::new(sources, rules.clone(), revision).to_json()
}
