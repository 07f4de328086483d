//! `polic eval`: what each app must do and whether it does, from policy (sources or a rule
//! set), evidence and a date.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use polic_ruleset::eval::{self, Options};
use polic_ruleset::evidence::Subject;

use crate::exit;
use crate::inputs::{self, EvidenceArgs};
use crate::output::Color;
use crate::sources::{self, SourcesArgs};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    Table,
    Json,
    Markdown,
    Junit,
    Sarif,
    /// GitHub Actions workflow annotations at each open obligation, and the Markdown
    /// report appended to `$GITHUB_STEP_SUMMARY` when it is set.
    Github,
}

/// What an evaluation reads: the policy, evidence, date, apps and source tags. Shared by
/// `eval` and `report`.
#[derive(clap::Args)]
pub struct EvalInputs {
    /// Policy sources (files or directories); ignored with `--rules`.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// A rule set written by `polic build`, instead of sources.
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    pub inputs: EvidenceArgs,
    /// Only these apps (repeatable); default all.
    #[arg(long, value_name = "NAME")]
    pub app: Vec<String>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// List the policy's warnings on stderr, not only their count.
    #[arg(long)]
    verbose: bool,
    #[command(flatten)]
    sources: SourcesArgs,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    #[command(flatten)]
    eval: EvalInputs,
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    /// Also fail when an obligation not met (and not waived) has a priority above this.
    #[arg(long, value_name = "PRIORITY")]
    fail_above: Option<u32>,
    /// Also append this evaluation's snapshot to the history store (`--store`).
    #[arg(long)]
    record: bool,
    #[command(flatten)]
    store: crate::history::StoreArgs,
}

/// What an evaluation is made from, read and narrowed to the apps asked for: the report
/// borrows it.
pub struct Prepared {
    pub rules: polic_ruleset::RuleSet,
    pub evidence: polic_ruleset::evidence::EvidenceSet,
    pub scans: Vec<polic_ruleset::evidence::ScanRun>,
    pub files: Vec<polic_history::snapshot::Input>,
    /// The published policy an app repository is judged against.
    pub pin: Option<polic_project::app::Pin>,
}

impl EvalInputs {
    /// Reads the policy, tags and evidence; bad input is reported and its exit code returned.
    pub fn prepare(&self) -> Result<Prepared, u8> {
        let at = self.inputs.at();
        let (mut rules, pin) = inputs::load_rules(
            &self.paths,
            self.rules.as_ref(),
            at,
            self.color,
            self.verbose,
        )?;
        // Tags are assigned to apps before `--app` narrows the rule set: which app a file
        // belongs to must not depend on which apps are shown.
        let specs = sources::specs(&self.sources, &self.paths)?;
        let code = if specs.is_empty() {
            None
        } else {
            Some(sources::scan(&specs, &rules)?)
        };
        if !self.app.is_empty() {
            let unknown: Vec<&String> = self
                .app
                .iter()
                .filter(|a| !rules.apps.iter().any(|r| r.name == **a))
                .collect();
            if !unknown.is_empty() {
                let names: Vec<&str> = rules.apps.iter().map(|a| a.name.as_str()).collect();
                for name in unknown {
                    eprintln!("error: no app `{name}` in the policy");
                    if let Some(s) =
                        polic_diagnostics::suggest::closest(name, names.iter().copied())
                    {
                        eprintln!("  help: did you mean `{s}`?");
                    }
                }
                return Err(exit::USAGE);
            }
        }
        // An app repository evaluates its own apps, never the policy's.
        let left_out: BTreeSet<String> = rules
            .apps
            .iter()
            .filter(|a| {
                (!self.app.is_empty() && !self.app.contains(&a.name))
                    || (pin.is_some() && polic_project::app::is_policy_file(&a.source))
            })
            .map(|a| a.name.clone())
            .collect();
        rules.apps.retain(|a| !left_out.contains(&a.name));
        let read = self.inputs.read(&self.paths)?;
        let (mut evidence, mut scans, files) = (read.set, read.scans, read.files);
        if let Some(code) = code {
            // Bad tags are shown, and, as evidence that matches nothing, listed in the report.
            code.report_to_stderr(self.color);
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
        Ok(Prepared {
            rules,
            pin,
            evidence,
            scans,
            files,
        })
    }

    /// The apps the evaluation is narrowed to, sorted: the snapshot's scope.
    pub fn scope(&self) -> Option<Vec<String>> {
        let mut scope = self.app.clone();
        scope.sort();
        scope.dedup();
        (!scope.is_empty()).then_some(scope)
    }
}

impl Prepared {
    pub fn evaluate(&self, options: &Options) -> Result<eval::Report<'_>, u8> {
        eval::evaluate(&self.rules, &self.evidence, &self.scans, options).map_err(|error| {
            eprintln!("error: cannot evaluate this rule set: {error}");
            exit::USAGE
        })
    }
}

pub fn run(args: EvalArgs) -> u8 {
    let prepared = match args.eval.prepare() {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let options = Options {
        at: args.eval.inputs.at(),
        fail_above: args.fail_above,
    };
    let report = match prepared.evaluate(&options) {
        Ok(report) => report,
        Err(code) => return code,
    };
    let dir = sources::settings_dir(&args.eval.paths);
    let snapshot = (args.format == EvalFormat::Json || args.record).then(|| {
        polic_history::Snapshot::of(
            &report,
            polic_history::snapshot::Context {
                evidence: prepared.files.clone(),
                revision: polic_project::git::revision(&dir),
                scope: args.eval.scope(),
            },
        )
    });
    let rendered = match args.format {
        // Built above for this format.
        EvalFormat::Json => snapshot
            .as_ref()
            .map_or_else(String::new, polic_history::Snapshot::to_json),
        EvalFormat::Table => polic_report::eval::table(&report),
        EvalFormat::Markdown => polic_report::eval::markdown(&report),
        EvalFormat::Junit => polic_report::eval::junit(&report),
        EvalFormat::Sarif => polic_report::eval::sarif(&report).to_json(),
        EvalFormat::Github => {
            if let Err(code) = step_summary(&report) {
                return code;
            }
            polic_report::eval::github(&report)
        }
    };
    if let Some(pin) = &prepared.pin {
        // What the app was judged against, in the report a reader sees first.
        if args.format == EvalFormat::Table {
            println!("{}\n", pin.describe());
        } else {
            eprintln!("{}", pin.describe());
        }
    }
    let _ = std::io::stdout().write_all(rendered.as_bytes());
    // The evaluation's output is written whether or not the store takes the snapshot.
    if let Some(snapshot) = snapshot.filter(|_| args.record)
        && let Err(code) = crate::history::record(&snapshot, &args.store, &dir)
    {
        return code;
    }
    // The table ends with the gate; other formats go to files or tools, so what a CI log
    // shows of a failing gate is on stderr.
    if args.format != EvalFormat::Table && !report.gate.pass {
        eprintln!("gate: FAIL ({} obligations)", report.gate.reasons.len());
        for reason in &report.gate.reasons {
            eprintln!("  {reason}");
        }
    }
    if report.gate.pass {
        exit::CLEAN
    } else {
        exit::FAILED
    }
}

/// Appends the Markdown report to the job summary GitHub Actions names in
/// `GITHUB_STEP_SUMMARY`, when it is set.
fn step_summary(report: &eval::Report) -> Result<(), u8> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(polic_report::eval::markdown(report).as_bytes()));
    written.map_err(|e| {
        eprintln!(
            "error: cannot append the job summary to {} (`GITHUB_STEP_SUMMARY`): {e}",
            std::path::Path::new(&path).display()
        );
        exit::USAGE
    })
}
