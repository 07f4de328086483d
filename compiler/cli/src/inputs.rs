//! What the commands that evaluate read: the policy (sources or a rule set), evidence,
//! SARIF logs and scanner reports (flags, else the `polic.toml` beside the policy) and the date. Defined once
//! for `eval`, `explain` and `export oscal`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use polic_diagnostics::{Code, Diagnostic, Severity};
use polic_project::app::Pin;
use polic_report::Summary;
use polic_ruleset::RuleSet;
use polic_ruleset::bundle::Bundle;
use polic_ruleset::evidence::{self, EvidenceSet, InputError, ScanRun};
use polic_ruleset::scanners;
use polic_syntax::ast::Date;
use polic_tags::settings::{ScanReport, app_file};

use crate::compile::{self, Compiled};
use crate::output::Color;
use crate::{exit, load, sources};

#[derive(clap::Args, Default)]
pub struct EvidenceArgs {
    /// Evidence as JSON lines (repeatable); replaces the `evidence` setting of a polic.toml
    /// beside the policy.
    #[arg(long, value_name = "FILE")]
    pub evidence: Vec<PathBuf>,
    /// A SARIF 2.1.0 log from a scanner run over one app, as APP=FILE (repeatable);
    /// replaces the `sarif` setting of a polic.toml beside the policy.
    #[arg(long, value_name = "APP=FILE")]
    pub sarif: Vec<String>,
    /// A scanner's JSON report over one app, as APP=FORMAT:FILE (`trivy`, `grype`, `osv-scanner`, `npm-audit`, `cyclonedx`;
    /// repeatable); replaces the `scan` setting of a polic.toml beside the policy.
    #[arg(long, value_name = "APP=FORMAT:FILE")]
    pub scan: Vec<String>,
    /// The date to evaluate at and to judge waivers against (YYYY-MM-DD); default today (UTC).
    #[arg(long, visible_alias = "today", value_parser = compile::parse_date)]
    pub at: Option<Date>,
}

/// Evidence read for an evaluation.
pub struct Evidence {
    pub set: EvidenceSet,
    pub scans: Vec<ScanRun>,
    /// Whether any evidence file or log was named: without, every status is what the
    /// policy alone decides.
    pub named: bool,
    /// Each file read and the digest of its bytes, for the snapshot.
    pub files: Vec<polic_history::snapshot::Input>,
}

impl EvidenceArgs {
    pub fn at(&self) -> Date {
        self.at.unwrap_or_else(compile::today)
    }

    /// Reads the evidence: each flag replaces its setting in the `polic.toml` beside the
    /// policy, whose paths are relative to it. Malformed input is reported and nothing is
    /// returned.
    pub fn read(&self, policy_paths: &[PathBuf]) -> Result<Evidence, u8> {
        let settings = polic_tags::settings::read_evidence(&sources::settings_dir(policy_paths))
            .map_err(|message| {
                eprintln!("error: {message}");
                eprintln!(
                    "  help: polic.toml takes `evidence = [\"FILE\", ...]`, `sarif = [\"APP=FILE\", ...]` and `scan = [\"APP=FORMAT:FILE\", ...]`"
                );
                exit::USAGE
            })?;
        // Files named by the workspace's own polic.toml are untrusted input like its
        // imports: they stay inside the root. Flags are the user's own choice.
        let root = polic_project::Root::of(policy_paths, load::options().allow_outside_root).ok();
        if let Some(root) = &root {
            let named = (self.evidence.is_empty())
                .then_some(settings.evidence.iter())
                .into_iter()
                .flatten()
                .chain(
                    (self.sarif.is_empty())
                        .then_some(settings.sarif.iter().map(|(_, path)| path))
                        .into_iter()
                        .flatten(),
                )
                .chain(
                    (self.scan.is_empty())
                        .then_some(settings.scan.iter().map(|scan| &scan.path))
                        .into_iter()
                        .flatten(),
                );
            for path in named {
                if let Err(polic_project::root::Refused::Outside(canonical)) = root.confine(path) {
                    eprintln!(
                        "error[{}]: evidence file `{}` in {} is outside the workspace (`{}`)",
                        Code::OutsideWorkspace.as_str(),
                        path.display(),
                        polic_tags::settings::SETTINGS_FILE,
                        root.display(&canonical)
                    );
                    eprintln!("  help: {}", polic_project::load::OUTSIDE_HELP);
                    return Err(exit::USAGE);
                }
            }
        }
        let evidence = if self.evidence.is_empty() {
            settings.evidence
        } else {
            self.evidence.clone()
        };
        let sarif = if self.sarif.is_empty() {
            settings.sarif
        } else {
            let mut parsed = Vec::new();
            for spec in &self.sarif {
                let Some(sarif) = app_file(spec, Path::new(".")) else {
                    eprintln!("error: `--sarif {spec}` needs the form APP=FILE");
                    return Err(exit::USAGE);
                };
                parsed.push(sarif);
            }
            parsed
        };
        let scan = if self.scan.is_empty() {
            settings.scan
        } else {
            let mut parsed = Vec::new();
            for spec in &self.scan {
                let Some(scan) = ScanReport::parse(spec, Path::new(".")) else {
                    eprintln!("error: `--scan {spec}` needs the form APP=FORMAT:FILE");
                    eprintln!("  help: for example `--scan checkout-web=trivy:reports/trivy.json`");
                    return Err(exit::USAGE);
                };
                parsed.push(scan);
            }
            parsed
        };
        let named = !evidence.is_empty() || !sarif.is_empty() || !scan.is_empty();
        // Named as every other path of the output: from the repository holding the
        // workspace, so that a snapshot names the same files in every checkout.
        let shown = |path: &Path| match (&root, std::fs::canonicalize(path)) {
            (Some(root), Ok(canonical)) => root.display(&canonical),
            _ => path.display().to_string(),
        };
        let (set, scans, files) = read_evidence(&evidence, &sarif, &scan, self.at(), &shown)?;
        Ok(Evidence {
            set,
            scans,
            named,
            files,
        })
    }
}

/// The largest evidence file read: a year of a large organisation's records fits, a
/// runaway file or a device does not exhaust the runner's memory.
pub const MAX_EVIDENCE_BYTES: u64 = 1024 * 1024 * 1024;

type Read = (
    EvidenceSet,
    Vec<ScanRun>,
    Vec<polic_history::snapshot::Input>,
);

/// Reads JSON-lines evidence, SARIF logs and scanner reports (each with its app);
/// malformed input is reported and nothing is returned.
fn read_evidence(
    evidence: &[PathBuf],
    sarif: &[(String, PathBuf)],
    scan: &[ScanReport],
    at: Date,
    shown: &dyn Fn(&Path) -> String,
) -> Result<Read, u8> {
    let mut set = EvidenceSet::default();
    let mut scans = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    let mut files = Vec::new();
    let mut read = |path: &Path| -> Result<(String, String), u8> {
        let name = shown(path);
        let failed = |reason: String| {
            eprintln!("error: cannot read {name}: {reason}");
            exit::USAGE
        };
        let bytes = polic_project::read::read_bytes(path, MAX_EVIDENCE_BYTES)
            .map_err(|error| failed(error.reason()))?;
        files.push(polic_history::snapshot::Input {
            path: name.clone(),
            digest: polic_history::snapshot::digest(&bytes),
        });
        let text =
            String::from_utf8(bytes).map_err(|_| failed("it is not valid UTF-8".to_string()))?;
        Ok((name, text))
    };
    for path in evidence {
        let (name, text) = read(path)?;
        errors.extend(evidence::read_json_lines(&name, &text, &mut set));
    }
    for (app, path) in sarif {
        let (name, text) = read(path)?;
        errors.extend(evidence::read_sarif(&name, app, &text, at, &mut scans));
    }
    for report in scan {
        let (name, text) = read(&report.path)?;
        match scanners::read(&report.format, &name, &text, &report.app, at) {
            Ok(findings) => set.findings.extend(findings),
            Err(problems) => errors.extend(problems),
        }
    }
    if errors.is_empty() {
        return Ok((set, scans, files));
    }
    for error in &errors {
        match error.code {
            Some(code) => eprintln!("error[{}]: {error}", code.as_str()),
            None => eprintln!("error: {error}"),
        }
        if let Some(help) = &error.help {
            eprintln!("  help: {help}");
        }
    }
    eprintln!(
        "error: {} malformed evidence record(s); nothing was evaluated",
        errors.len()
    );
    Err(exit::USAGE)
}

/// The rule set from `--rules` or from compiling the sources, with the policy pinned when
/// the sources are an app repository's.
pub fn load_rules(
    paths: &[PathBuf],
    rules: Option<&PathBuf>,
    today: Date,
    color: Color,
    verbose: bool,
) -> Result<(RuleSet, Option<Pin>), u8> {
    match rules {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                eprintln!("error: cannot read {}: {e}", path.display());
                exit::USAGE
            })?;
            let rules: RuleSet = if is_bundle(&text) {
                // A published policy holds its rule set.
                Bundle::parse(&text)
                    .map_err(|e| {
                        eprintln!("error: {} cannot be read: {e}", path.display());
                        exit::USAGE
                    })?
                    .rules
            } else {
                serde_json::from_str(&text).map_err(|e| {
                    eprintln!("error: {} is not a polic rule set: {e}", path.display());
                    exit::USAGE
                })?
            };
            if rules.schema != polic_ruleset::schema::SCHEMA_NAME
                || rules.version != polic_ruleset::schema::SCHEMA_VERSION
            {
                eprintln!(
                    "error: {} is rule set schema `{}` version {}; this polic reads version {}\n  help: rebuild it with this polic: `polic build -o {}`",
                    path.display(),
                    rules.schema,
                    rules.version,
                    polic_ruleset::schema::SCHEMA_VERSION,
                    path.display()
                );
                return Err(exit::USAGE);
            }
            // A rule set from a file is input like any other: what evaluation relies on is
            // checked before anything is evaluated.
            if let Err(problems) = rules.validate() {
                for problem in &problems {
                    eprintln!("error: {}: {problem}", path.display());
                    if let Some(help) = &problem.help {
                        eprintln!("  help: {help}");
                    }
                }
                eprintln!(
                    "error: {} is not a usable rule set ({} problem(s)); nothing was evaluated",
                    path.display(),
                    problems.len()
                );
                return Err(exit::USAGE);
            }
            Ok((rules, None))
        }
        None => {
            // An expired waiver is a result of evaluation (`waiver-expired`), not an error.
            // The evaluation is the product: warnings are counted, not listed.
            let compiled = compile_policy(paths, today, color, verbose, &[Code::ExpiredWaiver])?;
            compile::refuse_errors(&compiled)?;
            let rules = polic_sema::build::rule_set(&compiled.db, compiled.workspace).clone();
            Ok((rules, compiled.app.and_then(|app| app.pin)))
        }
    }
}

/// In an app repository (the current directory), a bundle's policy as the app sees it:
/// the app's own apps, checked against that bundle's sources. `None` elsewhere, or for a
/// file that is no bundle.
pub fn app_rules(bundle: &Path, today: Date) -> Result<Option<RuleSet>, u8> {
    let here = [PathBuf::from(".")];
    let root = polic_project::Root::of(&here, false).map_err(|_| exit::USAGE)?;
    if polic_project::app::open(Path::new("."), &root).is_none() {
        return Ok(None);
    }
    let Ok(text) = std::fs::read_to_string(bundle) else {
        return Ok(None);
    };
    if !is_bundle(&text) {
        return Ok(None);
    }
    let sources = Bundle::parse(&text)
        .map_err(|e| {
            eprintln!("error: {} cannot be read: {e}", bundle.display());
            exit::USAGE
        })?
        .sources;
    let compiled = compile::compile_with(&here, today, Some(sources))?;
    compiled.report_to_stderr(Color::Auto);
    compile::refuse_errors(&compiled)?;
    let mut rules = polic_sema::build::rule_set(&compiled.db, compiled.workspace).clone();
    rules
        .apps
        .retain(|a| !polic_project::app::is_policy_file(&a.source));
    Ok(Some(rules))
}

/// Whether a JSON document says it is a bundle (`polic build --bundle`), not a rule set.
fn is_bundle(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Header {
        schema: Option<String>,
    }
    serde_json::from_str::<Header>(text)
        .is_ok_and(|h| h.schema.as_deref() == Some(polic_ruleset::bundle::BUNDLE_SCHEMA_NAME))
}

/// For commands whose stdout is their product: errors in full on stderr, warnings only
/// when `verbose` (`polic check` lists them), then one line of counts.
fn report_briefly(compiled: &Compiled, color: Color, verbose: bool) {
    let shown: Vec<&Diagnostic> = compiled
        .diagnostics
        .iter()
        .filter(|d| match d.severity {
            Severity::Error => true,
            Severity::Warning => verbose,
            Severity::Hint => false,
        })
        .collect();
    let color = color.choice(std::io::stderr().is_terminal());
    // One renderer for them all: it reads each file's source once, however many
    // diagnostics point into it.
    let mut renderer = polic_diagnostics::Renderer::new(&compiled.texts, color);
    for diagnostic in &shown {
        eprint!("{}", renderer.render(diagnostic));
    }
    let summary = Summary::of(&compiled.diagnostics);
    if summary.errors + summary.warnings == 0 {
        return;
    }
    let hidden = if summary.warnings > 0 && !verbose {
        "; `--verbose` or `polic check` lists the warnings"
    } else {
        ""
    };
    eprintln!("{}{hidden}", summary.line(&compiled.checked()));
}

/// Compiles the policy for a command whose stdout is its product, dropping the diagnostics
/// of the `evaluated` codes (the command reports those as results) and reporting the rest
/// briefly. `Err` when files could not be read; errors in the policy are the caller's to
/// weigh.
pub fn compile_policy(
    paths: &[PathBuf],
    today: Date,
    color: Color,
    verbose: bool,
    evaluated: &[Code],
) -> Result<Compiled, u8> {
    let mut compiled = compile::compile(paths, today)?;
    compiled
        .diagnostics
        .retain(|d| !evaluated.contains(&d.code));
    report_briefly(&compiled, color, verbose);
    if compiled.io_error {
        return Err(exit::USAGE);
    }
    Ok(compiled)
}
