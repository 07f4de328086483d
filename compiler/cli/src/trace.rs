//! `polic explain KIND NAME [PATHS]`: the trace of a definition, down to each app's
//! evidence and status at a date. A policy with errors elsewhere is still traced, from
//! what could be read.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use polic_diagnostics::Code;
use polic_ruleset::RuleSet;
use polic_ruleset::eval::{self, Options};
use polic_ruleset::explain::{self, Context, Exclusion, Kind};
use polic_sema::hir::{ClauseKey, Loc, Selector};
use polic_syntax::ast::{ItemKind, Selection};

use crate::compile::Compiled;
use crate::exit;
use crate::inputs::{self, EvidenceArgs};
use crate::output::Color;
use crate::sources::{self, SourcesArgs};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A code (P0102) or lint name; or a kind, a name and the policy's paths.
    #[arg(required = true, num_args = 1.., value_name = "CODE | KIND NAME [PATHS]")]
    pub args: Vec<String>,
    /// How a trace is written: json has the shape docs/traceability.md documents; markdown
    /// is for an audit pack.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    format: TraceFormat,
    #[command(flatten)]
    inputs: EvidenceArgs,
    #[command(flatten)]
    sources: SourcesArgs,
    /// List the policy's warnings on stderr, not only their count.
    #[arg(long)]
    verbose: bool,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// For an app: what it would be asked for, or no longer, with these facts instead
    /// (`--with exposure=internet --with data={pii,payment}`).
    #[arg(long, value_name = "FACT=VALUE")]
    with: Vec<String>,
}

pub fn run(kind: &str, name: &str, paths: &[String], args: &ExplainArgs) -> u8 {
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
    let at = args.inputs.at();
    // An expired waiver is a status in the trace, not an error.
    let compiled = match inputs::compile_policy(
        &paths,
        at,
        args.color,
        args.verbose,
        &[Code::ExpiredWaiver],
    ) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    if compiled.errors() > 0 {
        eprintln!(
            "note: traced from what could be read; what the errors leave unresolved is missing"
        );
    }
    if !args.with.is_empty() {
        if kind != Kind::App {
            eprintln!("error: `--with` applies to `polic explain app` only");
            return exit::USAGE;
        }
        let model = polic_sema::model::model(&compiled.db, compiled.workspace);
        return match crate::whatif::what_if(model, name, &args.with) {
            Ok(report) => {
                let _ = std::io::stdout().write_all(report.as_bytes());
                exit::CLEAN
            }
            Err(message) => {
                eprintln!("error: {message}");
                exit::USAGE
            }
        };
    }
    let rules = polic_sema::build::rule_set(&compiled.db, compiled.workspace);
    let specs = match sources::specs(&args.sources, &paths) {
        Ok(specs) if kind == Kind::App => specs,
        Ok(_) if !args.sources.specs.is_empty() => {
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
                code.report_to_stderr(args.color);
                Some(code)
            }
            Err(code) => return code,
        }
    };
    let evidence = match args.inputs.read(&paths) {
        Ok(evidence) => evidence,
        Err(code) => return code,
    };
    let options = Options {
        at,
        fail_above: None,
    };
    let report = match eval::evaluate(rules, &evidence.set, &evidence.scans, &options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: cannot evaluate this rule set: {error}");
            return exit::USAGE;
        }
    };
    let exclusions = if kind == Kind::Clause {
        exclusions(&compiled, rules, name)
    } else {
        Vec::new()
    };
    let context = Context {
        report: &report,
        evidence: &evidence.set,
        scans: &evidence.scans,
        evidence_named: evidence.named,
        code: code.as_ref().map(|c| c.tags.as_slice()),
        exclusions: &exclusions,
    };
    match explain::explain(&context, kind, name) {
        Ok(trace) => {
            let rendered = match args.format {
                TraceFormat::Text => trace.text(),
                TraceFormat::Json => trace.json(),
                TraceFormat::Markdown => trace.markdown(),
            };
            let _ = std::io::stdout().write_all(rendered.as_bytes());
            if compiled.errors() > 0 {
                exit::FAILED
            } else {
                exit::CLEAN
            }
        }
        Err(not_found) => {
            eprintln!("error: {}", not_found.message);
            if let Some(help) = &not_found.help {
                eprintln!("  help: {help}");
            }
            if let Some(s) = &not_found.suggestion {
                eprintln!("  help: did you mean `{s}`?");
            }
            exit::USAGE
        }
    }
}

/// The profiles' excludes that remove a clause the policy does not adopt, with the reason
/// written at each: read from the sources, since a rule set keeps no profiles.
fn exclusions(compiled: &Compiled, rules: &RuleSet, reference: &str) -> Vec<Exclusion> {
    let Some(clause) = explain::find_clause(rules, reference).filter(|c| c.adopted.is_none())
    else {
        return Vec::new();
    };
    let db = &compiled.db;
    let model = polic_sema::model::model(db, compiled.workspace);
    let key = ClauseKey {
        standard: clause.standard.clone(),
        key: polic_sema::clause_id::normalize(&clause.id),
    };
    // As profiles select: withdrawn clauses only when named one by one.
    let selects = |selector: &Selector| match selector {
        Selector::Clause(named) => *named == key,
        Selector::Group { standard, path } => {
            *standard == key.standard && !clause.withdrawn && clause.group.starts_with(path)
        }
        Selector::Standard(standard) => *standard == key.standard && !clause.withdrawn,
        Selector::Profile(name) => model
            .adoption
            .profile_clauses
            .get(name)
            .is_some_and(|selected| selected.contains(&key)),
    };
    let profile_of = |selector: &Selector| match selector {
        Selector::Profile(name) => Some(name.clone()),
        _ => None,
    };
    // The profiles the policy adopts, and those they include.
    let mut adopted = BTreeSet::new();
    let mut pending: Vec<String> = model
        .adoption
        .policy
        .iter()
        .flat_map(|p| &p.adopts)
        .filter_map(|a| profile_of(&a.selector))
        .collect();
    while let Some(name) = pending.pop() {
        if let Some(profile) = model.adoption.profiles.get(&name)
            && adopted.insert(name)
        {
            pending.extend(profile.includes.iter().filter_map(|(s, _)| profile_of(s)));
        }
    }
    let mut found = Vec::new();
    for (name, profile) in &model.adoption.profiles {
        if !profile.includes.iter().any(|(s, _)| selects(s)) {
            continue;
        }
        for (_, loc) in profile.excludes.iter().filter(|(s, _)| selects(s)) {
            found.push(Exclusion {
                clause: clause.reference(),
                profile: name.clone(),
                reason: reason_at(compiled, *loc),
                source: polic_sema::build::source(db, *loc),
                adopted: adopted.contains(name),
            });
        }
    }
    found
}

/// The `reason` of the `exclude` one of whose targets is at `loc`.
fn reason_at(compiled: &Compiled, loc: Loc) -> Option<String> {
    let tree = polic_sema::item_tree(&compiled.db, loc.file());
    let node = polic_sema::item::node(&compiled.db, loc);
    tree.items.iter().find_map(|item| {
        let ItemKind::Profile(profile) = &item.kind else {
            return None;
        };
        profile.members.iter().find_map(|member| match member {
            Selection::Exclude {
                targets, reason, ..
            } if targets.iter().any(|t| t.id() == node) => {
                Some(reason.as_ref().map(|r| r.value.clone()))
            }
            _ => None,
        })
    })?
}
