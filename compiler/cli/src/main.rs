//! The `polic` command line.

mod load;
mod output;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use polic_diagnostics::{Code, ColorChoice, Severity};
use polic_sema::Database;
use polic_syntax::ast::Date;

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
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files and report problems.
    Check(CheckArgs),
    /// Explain a diagnostic code, e.g. `polic explain P0102`.
    Explain {
        /// A code (P0102) or its name (unknown-clause).
        code: String,
    },
    /// List the standard-library modules, or print one.
    Stdlib {
        /// A module name, as in `import std.NAME`.
        name: Option<String>,
    },
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
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

fn today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_days_since_epoch(seconds.div_euclid(86_400))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { code } => explain(&code),
        Command::Stdlib { name } => stdlib(name.as_deref()),
    };
    ExitCode::from(code)
}

fn check(args: CheckArgs) -> u8 {
    let loaded = match load::load(&args.paths) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::USAGE;
        }
    };
    let db = Database::default();
    let files: Vec<(String, String)> = loaded
        .files
        .iter()
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    let file_count = files.len() + loaded.problem_texts.len();
    let workspace = db.workspace(files, args.today.unwrap_or_else(today));
    let mut diagnostics = loaded.problems.clone();
    diagnostics.extend(polic_sema::check(&db, workspace));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let mut texts = loaded.files;
    texts.extend(loaded.problem_texts);
    for module in polic_stdlib::MODULES {
        texts.insert(module.path(), module.text.to_string());
    }
    let color = match args.color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
            ColorChoice::Never
        }
        Color::Auto if std::io::stdout().is_terminal() => ColorChoice::Always,
        Color::Auto => ColorChoice::Never,
    };
    let rendered = output::write(
        args.format,
        &diagnostics,
        &output::Texts::new(texts),
        color,
        file_count,
    );
    let _ = std::io::stdout().write_all(rendered.as_bytes());

    let summary = output::Summary::of(&diagnostics);
    if loaded.io_error {
        exit::USAGE
    } else if summary.errors > 0 || (args.deny.is_some() && summary.warnings > 0) {
        exit::FAILED
    } else {
        exit::CLEAN
    }
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
            if let Some(suggestion) = polic_sema::suggest::closest(code, names.iter().copied()) {
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
