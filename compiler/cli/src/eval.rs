//! `polic eval`: what each app must do and whether it does, from policy (sources or a rule
//! set), evidence and a date.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use polic_ruleset::eval::{self, Options};
use polic_ruleset::evidence::Subject;

use crate::compile::Color;
use crate::exit;
use crate::inputs::{self, EvidenceArgs};
use crate::sources::{self, SourcesArgs};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    Table,
    Json,
    Markdown,
    Junit,
    Sarif,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Policy sources (files or directories); ignored with `--rules`.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// A rule set written by `polic build`, instead of sources.
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    inputs: EvidenceArgs,
    /// Only these apps (repeatable); default all.
    #[arg(long, value_name = "NAME")]
    app: Vec<String>,
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    /// Also fail when an obligation not met (and not waived) has a priority above this.
    #[arg(long, value_name = "PRIORITY")]
    fail_above: Option<u32>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(flatten)]
    sources: SourcesArgs,
}

pub fn run(args: EvalArgs) -> u8 {
    let at = args.inputs.at();
    let mut rules = match inputs::load_rules(&args.paths, args.rules.as_ref(), at, args.color) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    // Tags are assigned to apps before `--app` narrows the rule set: which app a file
    // belongs to must not depend on which apps are shown.
    let code = match sources::specs(&args.sources, &args.paths) {
        Ok(specs) if specs.is_empty() => None,
        Ok(specs) => match sources::scan(&specs, &rules) {
            Ok(code) => Some(code),
            Err(code) => return code,
        },
        Err(code) => return code,
    };
    if !args.app.is_empty() {
        let unknown: Vec<&String> = args
            .app
            .iter()
            .filter(|a| !rules.apps.iter().any(|r| r.name == **a))
            .collect();
        if !unknown.is_empty() {
            let names: Vec<&str> = rules.apps.iter().map(|a| a.name.as_str()).collect();
            for name in unknown {
                eprintln!("error: no app `{name}` in the policy");
                if let Some(s) = polic_diagnostics::suggest::closest(name, names.iter().copied()) {
                    eprintln!("  help: did you mean `{s}`?");
                }
            }
            return exit::USAGE;
        }
    }
    let left_out: BTreeSet<String> = rules
        .apps
        .iter()
        .filter(|a| !args.app.is_empty() && !args.app.contains(&a.name))
        .map(|a| a.name.clone())
        .collect();
    rules.apps.retain(|a| !left_out.contains(&a.name));
    let (mut evidence, mut scans) = match args.inputs.read(&args.paths) {
        Ok(read) => (read.set, read.scans),
        Err(code) => return code,
    };
    if let Some(code) = code {
        // Bad tags are shown, and, as evidence that matches nothing, listed in the report.
        code.report_to_stderr(args.color);
        evidence.code = code.tags;
    }
    // Evidence about the apps `--app` leaves out is out of scope, not unmatched.
    let shown = |app: &str| !left_out.contains(app);
    evidence.evidence.retain(|e| match &e.subject {
        Subject::App(app) => shown(app),
        Subject::Archetype(_) => true,
    });
    evidence.findings.retain(|f| shown(&f.app));
    evidence.code.retain(|t| shown(&t.app));
    scans.retain(|s| shown(&s.app));
    let options = Options {
        at,
        fail_above: args.fail_above,
    };
    let report = match eval::evaluate(&rules, &evidence, &scans, &options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: cannot evaluate this rule set: {error}");
            return exit::USAGE;
        }
    };
    let rendered = match args.format {
        EvalFormat::Table => polic_ruleset::report::table(&report),
        EvalFormat::Markdown => polic_ruleset::report::markdown(&report),
        EvalFormat::Junit => polic_ruleset::report::junit(&report),
        EvalFormat::Json => polic_ruleset::report::json(&report),
        EvalFormat::Sarif => {
            serde_json::to_string_pretty(&polic_ruleset::report::sarif(&report)).unwrap_or_default()
                + "\n"
        }
    };
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    if report.gate.pass {
        exit::CLEAN
    } else {
        exit::FAILED
    }
}
