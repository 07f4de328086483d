//! `polic test`: runs the policy's `test` blocks.

use std::io::Write;
use std::path::PathBuf;

use polic_ruleset::testing;

use crate::compile;
use crate::exit;
use crate::output::Color;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    Human,
    Junit,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// Policy sources (files or directories).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    format: TestFormat,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

pub fn run(args: TestArgs) -> u8 {
    let compiled = match compile::compile_clean(&args.paths, compile::today(), args.color, &[]) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let rules = polic_sema::build::rule_set(&compiled.db, compiled.workspace);
    let outcomes = match testing::run_tests(rules) {
        Ok(outcomes) => outcomes,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::USAGE;
        }
    };
    let rendered = match args.format {
        TestFormat::Human => polic_report::test::human(&outcomes),
        TestFormat::Junit => polic_report::test::junit(&outcomes),
    };
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    if outcomes.iter().all(|o| o.failures.is_empty()) {
        exit::CLEAN
    } else {
        exit::FAILED
    }
}
