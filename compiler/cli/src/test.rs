//! `polic test`: runs the policy's `test` blocks.

use std::io::Write;
use std::path::PathBuf;

use polic_ruleset::report::xml;
use polic_ruleset::testing::{self, TestOutcome};

use crate::compile::{self, Color};
use crate::exit;

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
        TestFormat::Human => human(&outcomes),
        TestFormat::Junit => junit(&outcomes),
    };
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    if outcomes.iter().all(|o| o.failures.is_empty()) {
        exit::CLEAN
    } else {
        exit::FAILED
    }
}

fn required(yes: bool) -> &'static str {
    if yes { "required" } else { "not required" }
}

fn human(outcomes: &[TestOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        if outcome.failures.is_empty() {
            out += &format!("test {} ... ok\n", outcome.name);
            continue;
        }
        out += &format!("test {} ... FAILED ({})\n", outcome.name, outcome.source);
        for failure in &outcome.failures {
            out += &format!("  {}: `{}`\n", failure.source, failure.control);
            out += &format!("    - expected: {}\n", required(failure.expected_required));
            out += &format!("    + actual:   {}\n", required(!failure.expected_required));
            out += &format!("    the app: {}\n", failure.app);
            for line in &failure.applies {
                out += &format!("    the control: {line}\n");
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    out += &format!(
        "\n{} tests: {} passed, {failed} failed\n",
        outcomes.len(),
        outcomes.len() - failed
    );
    out
}

fn junit(outcomes: &[TestOutcome]) -> String {
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out += &format!(
        "<testsuites name=\"polic test\" tests=\"{}\" failures=\"{failed}\">\n",
        outcomes.len()
    );
    out += &format!(
        "  <testsuite name=\"polic test\" tests=\"{}\" failures=\"{failed}\">\n",
        outcomes.len()
    );
    for outcome in outcomes {
        out += &format!(
            "    <testcase classname=\"polic\" name=\"{}\"",
            xml(&outcome.name)
        );
        if outcome.failures.is_empty() {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        for failure in &outcome.failures {
            out += &format!(
                "      <failure message=\"{}: expected `{}` {}, but it is {}\">{}</failure>\n",
                xml(&failure.source),
                xml(&failure.control),
                required(failure.expected_required),
                required(!failure.expected_required),
                xml(&failure.applies.join("\n"))
            );
        }
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    out
}
