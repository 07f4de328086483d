//! The `polic` command line.

mod build;
mod compile;
mod diff;
mod eval;
mod fmt;
mod history;
mod inputs;
mod load;
mod oscal;
mod output;
mod report;
mod sources;
mod test;
mod trace;
mod update;
mod whatif;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use polic_diagnostics::{Code, Severity};
use polic_syntax::ast::Date;

/// mimalloc: cold checks free hundreds of thousands of small syntax and analysis values,
/// where the system allocator spends a third of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, documented in the README: stable for CI.
mod exit {
    pub const CLEAN: u8 = 0;
    /// Errors in the policy (or warnings under `--deny warnings`).
    pub const FAILED: u8 = 1;
    /// Bad usage, or files that could not be read.
    pub const USAGE: u8 = 2;
}

#[derive(Parser)]
#[command(
    name = "polic",
    version,
    about = "Check security policy written in polic",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Let imports and source directories reach outside the workspace root (the directory
    /// of the paths given); only for workspaces you trust (docs/security.md).
    #[arg(long, global = true)]
    allow_outside_root: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files and report problems.
    Check(CheckArgs),
    /// Compile policy into a rule set (JSON) that `polic eval` reads.
    Build(build::BuildArgs),
    /// Evaluate apps against the policy, evidence and a date.
    Eval(eval::EvalArgs),
    /// The posture report: one self-contained HTML file (`-o report.html`) or Markdown
    /// (`--format markdown`), from what `eval` reads and the history store's snapshots.
    Report(report::ReportArgs),
    /// Run the policy's `test` blocks.
    Test(test::TestArgs),
    /// Rewrite .polic files in the canonical layout (`--check` only reports).
    Fmt(fmt::FmtArgs),
    /// Compare two policies (rule sets or sources): obligations per app, weights, waivers;
    /// or two evaluations (snapshot files, or snapshots in the history store): what
    /// regressed, improved, is new or gone, waivers and findings.
    Diff(diff::DiffArgs),
    /// Append a snapshot (`polic eval --format json`) to the history store.
    Record(history::RecordArgs),
    /// The snapshots in the history store; `--at DATE` the posture as recorded that day;
    /// `trend` the scores over time.
    History(history::HistoryArgs),
    /// Explain a diagnostic code (`polic explain P0102`), or trace a definition:
    /// `polic explain control|clause|archetype|app NAME [PATHS]`, down to each app's
    /// evidence, findings, waivers and status at `--at`; for an app, `--sources` adds where
    /// its code implements and tests each required control; for an app, `--with
    /// fact=value ...` shows what would be required, or no longer, if its facts changed.
    Explain(trace::ExplainArgs),
    /// List the standard-library modules, or print one.
    Stdlib {
        /// A module name, as in `import std.NAME`.
        name: Option<String>,
    },
    /// Pin an app repository's policy (`[policy]` in its polic.toml) in polic.lock.
    Update(update::UpdateArgs),
    /// Run the language server over stdio.
    Lsp,
    /// `polic import oscal` and `polic export oscal`.
    #[command(flatten)]
    Oscal(oscal::Command),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check (directories are searched for *.polic).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = output::Format::Human)]
    format: output::Format,
    /// Fail on warnings too.
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    deny: Option<String>,
    /// The date waivers are judged against (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_parser = compile::parse_date)]
    today: Option<Date>,
    #[arg(long, value_enum, default_value_t = crate::output::Color::Auto)]
    color: crate::output::Color,
    #[command(flatten)]
    sources: sources::SourcesArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    load::set_options(polic_project::Options {
        allow_outside_root: cli.allow_outside_root,
    });
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => build::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Report(args) => report::run(args),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Record(args) => history::run_record(args),
        Command::History(args) => history::run_history(args),
        Command::Explain(args) => match args.args.as_slice() {
            [code] => explain(code),
            [kind, name, paths @ ..] => trace::run(kind, name, paths, &args),
            [] => exit::USAGE,
        },
        Command::Stdlib { name } => stdlib(name.as_deref()),
        Command::Oscal(command) => oscal::run(command),
        Command::Update(args) => update::run(args),
        Command::Lsp => match polic_lsp::run_stdio() {
            Ok(true) => exit::CLEAN,
            Ok(false) => exit::FAILED,
            Err(error) => {
                eprintln!("error: cannot start the language server: {error}");
                exit::USAGE
            }
        },
    };
    ExitCode::from(code)
}

fn check(args: CheckArgs) -> u8 {
    let specs = match sources::specs(&args.sources, &args.paths) {
        Ok(specs) => specs,
        Err(code) => return code,
    };
    let (compiled, walked) = sources::walk_while(&specs, || {
        compile::compile(&args.paths, args.today.unwrap_or_else(compile::today))
    });
    let mut compiled = match compiled {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    if !specs.is_empty() {
        let rules = polic_sema::build::rule_set_for_code(&compiled.db, compiled.workspace);
        match sources::resolve(&specs, walked, rules) {
            Ok(code) => compiled.add_code(code),
            Err(code) => return code,
        }
    }
    let color = args.color.choice(std::io::stdout().is_terminal());
    let rendered = output::write(
        args.format,
        &compiled.diagnostics,
        &compiled.texts,
        color,
        &compiled.checked(),
    );
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    if let Some(code) = &compiled.code {
        code.report_skipped();
    }
    let summary = polic_report::Summary::of(&compiled.diagnostics);
    let code = if compiled.io_error {
        exit::USAGE
    } else if summary.errors > 0 || (args.deny.is_some() && summary.warnings > 0) {
        exit::FAILED
    } else {
        exit::CLEAN
    };
    // The process ends here: freeing every parsed and analysed value one by one would
    // cost a quarter of a large workspace's check, for memory the exit returns anyway.
    std::mem::forget(compiled);
    code
}

fn explain(code: &str) -> u8 {
    match Code::lookup(code) {
        Some(code) => {
            let severity = match code.default_severity() {
                Severity::Error => "error",
                Severity::Warning => {
                    "warning (a lint: `lint NAME = LEVEL` in the policy changes it)"
                }
                Severity::Hint => "hint (a lint: `lint NAME = LEVEL` in the policy changes it)",
            };
            println!(
                "{}\n\nname: {}\nlevel: {severity}",
                code.doc().trim_end(),
                code.name()
            );
            exit::CLEAN
        }
        None => {
            eprintln!("error: unknown diagnostic code `{code}`");
            let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            if let Some(suggestion) =
                polic_diagnostics::suggest::closest(code, names.iter().copied())
            {
                eprintln!("  help: did you mean `{suggestion}`?");
            } else {
                eprintln!(
                    "  help: codes run from {} to {}",
                    Code::ALL[0].as_str(),
                    Code::ALL[Code::ALL.len() - 1].as_str()
                );
            }
            exit::USAGE
        }
    }
}

fn stdlib(name: Option<&str>) -> u8 {
    match name {
        None => {
            for module in polic_stdlib::MODULES {
                let first_line = module
                    .text
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches('/')
                    .trim();
                println!("std.{:<12} {first_line}", module.name);
            }
            exit::CLEAN
        }
        Some(name) => {
            let name = name.strip_prefix("std.").unwrap_or(name);
            match polic_stdlib::module(name) {
                Some(module) => {
                    print!("{}", module.text);
                    exit::CLEAN
                }
                None => {
                    eprintln!("error: no standard-library module `{name}`");
                    eprintln!("  help: `polic stdlib` lists the modules");
                    exit::USAGE
                }
            }
        }
    }
}
