//! `polic explain KIND NAME [PATHS]`: the trace of a definition.

use std::path::PathBuf;

use polic_ruleset::explain::{self, Kind};

use crate::compile::{self, Color};
use crate::exit;

pub fn run(kind: &str, name: &str, paths: &[String]) -> u8 {
    let Some(kind) = Kind::parse(kind) else {
        eprintln!(
            "error: cannot explain `{kind}`: give a diagnostic code, or one of control, clause, archetype, app"
        );
        if let Some(s) =
            polic_diagnostics::suggest::closest(kind, ["app", "archetype", "clause", "control"])
        {
            eprintln!("  help: did you mean `{s}`?");
        }
        return exit::USAGE;
    };
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    let compiled = match compile::compile_clean(&paths, compile::today(), Color::Auto, &[]) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let rules = polic_sema::build::rule_set(&compiled.db, compiled.workspace);
    match explain::explain(rules, kind, name) {
        Ok(trace) => {
            print!("{trace}");
            exit::CLEAN
        }
        Err(not_found) => {
            eprintln!("error: {}", not_found.message);
            if let Some(s) = polic_diagnostics::suggest::closest(
                name,
                not_found.candidates.iter().map(String::as_str),
            ) {
                eprintln!("  help: did you mean `{s}`?");
            }
            exit::USAGE
        }
    }
}
