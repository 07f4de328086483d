//! `polic explain KIND NAME [PATHS]`: the trace of a definition.

use std::path::PathBuf;

use polic_ruleset::explain::{self, Kind};

use crate::compile::{self, Color};
use crate::exit;
use crate::sources::{self, SourcesArgs};

pub fn run(kind: &str, name: &str, paths: &[String], sources: &SourcesArgs) -> u8 {
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
    let specs = match sources::specs(sources, &paths) {
        Ok(specs) if kind == Kind::App => specs,
        Ok(_) if !sources.specs.is_empty() => {
            eprintln!("error: `--sources` applies to `polic explain app` only");
            return exit::USAGE;
        }
        Ok(_) => sources::Specs::default(),
        Err(code) => return code,
    };
    let code = if specs.is_empty() {
        None
    } else {
        match sources::scan(&specs, rules) {
            Ok(code) => {
                code.report_to_stderr(Color::Auto);
                Some(code)
            }
            Err(code) => return code,
        }
    };
    match explain::explain(rules, kind, name, code.as_ref().map(|c| c.tags.as_slice())) {
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
