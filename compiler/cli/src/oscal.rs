//! `polic import oscal` and `polic export oscal`: OSCAL catalogs, profiles and component
//! definitions in; component definitions and assessment results out.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use polic_oscal::{Options, Problem};
use polic_ruleset::eval::{self, Options as EvalOptions};

use crate::compile;
use crate::exit;
use crate::output::Color;

#[derive(Subcommand)]
pub enum Command {
    /// Turn documents in other formats into polic source.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Write the policy, or an evaluation of it, in other formats.
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
}

#[derive(Subcommand)]
pub enum ImportFormat {
    /// An OSCAL catalog (a standard), profile or component definition (profiles), in JSON,
    /// OSCAL 1.0 to 1.2.
    Oscal(ImportArgs),
}

#[derive(Subcommand)]
pub enum ExportFormat {
    /// Component definitions per archetype, or assessment results per app (OSCAL 1.1.2).
    Oscal(ExportArgs),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The OSCAL JSON file.
    file: PathBuf,
    /// Keep each control's statement as its clause's `text`.
    #[arg(long)]
    with_text: bool,
    /// For a profile: the catalog it selects from, to expand `matching` patterns and
    /// `with-child-controls` and to check every id.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// The name of the standard or profile written; default: made from the file name.
    #[arg(long)]
    name: Option<String>,
    /// Its title; default: the document's title.
    #[arg(long)]
    title: Option<String>,
    /// For a profile or component definition: the standard it selects from; default: the
    /// name the catalog would get, else made from the document's reference to it.
    #[arg(long)]
    standard: Option<String>,
    /// Where to write the polic source; `-` or absent: standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("document").required(true).args(["component_definition", "assessment_results"]))]
pub struct ExportArgs {
    /// Policy sources (files or directories); ignored with `--rules`.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// A rule set written by `polic build`, instead of sources.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// A component definition per archetype: its controls, as implemented requirements.
    #[arg(long)]
    component_definition: bool,
    /// Assessment results per app, from an evaluation of the evidence.
    #[arg(long)]
    assessment_results: bool,
    /// Evidence, SARIF logs and the date of the evaluation and of the documents.
    #[command(flatten)]
    inputs: crate::inputs::EvidenceArgs,
    /// The directory to write the documents into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// List the policy's warnings on stderr, not only their count.
    #[arg(long)]
    verbose: bool,
}

pub fn run(command: Command) -> u8 {
    match command {
        Command::Import {
            format: ImportFormat::Oscal(args),
        } => import(args),
        Command::Export {
            format: ExportFormat::Oscal(args),
        } => export(args),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, u8> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        exit::USAGE
    })?;
    serde_json::from_str(&text).map_err(|e| {
        eprintln!("error: {} is not JSON: {e}", path.display());
        exit::USAGE
    })
}

/// Problems shown at most, so that a wrong file does not flood the terminal.
const SHOWN: usize = 50;

fn report(path: &Path, problems: &[Problem]) -> u8 {
    for problem in problems.iter().take(SHOWN) {
        eprintln!("error: {}: {problem}", path.display());
    }
    if problems.len() > SHOWN {
        eprintln!("error: ... and {} more", problems.len() - SHOWN);
    }
    eprintln!(
        "error: {} is not OSCAL polic can import ({} problem{}); nothing was written",
        path.display(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    exit::USAGE
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn import(args: ImportArgs) -> u8 {
    let catalog = match &args.catalog {
        None => None,
        Some(path) => {
            let json = match read_json(path) {
                Ok(json) => json,
                Err(code) => return code,
            };
            match polic_oscal::read_catalog(&json) {
                Ok(catalog) => Some((path, catalog)),
                Err(problems) => return report(path, &problems),
            }
        }
    };
    let json = match read_json(&args.file) {
        Ok(json) => json,
        Err(code) => return code,
    };
    let options = Options {
        with_text: args.with_text,
        name: args.name,
        title: args.title,
        standard: args.standard.clone(),
        catalog: catalog.as_ref().map(|(path, catalog)| {
            let name = args
                .standard
                .clone()
                .unwrap_or_else(|| polic_oscal::import::name_from_reference(&file_name(path)));
            (name, catalog)
        }),
    };
    let imported = match polic_oscal::import(&json, &file_name(&args.file), &options) {
        Ok(imported) => imported,
        Err(problems) => return report(&args.file, &problems),
    };
    match args.output.as_deref() {
        None => {
            let _ = std::io::stdout().write_all(imported.text.as_bytes());
        }
        Some(path) if path.as_os_str() == "-" => {
            let _ = std::io::stdout().write_all(imported.text.as_bytes());
        }
        Some(path) => {
            if let Err(error) = compile::write_atomically(path, imported.text.as_bytes()) {
                eprintln!("error: cannot write {}: {error}", path.display());
                return exit::USAGE;
            }
            eprintln!("wrote {}: {}", path.display(), imported.summary);
        }
    }
    exit::CLEAN
}

fn export(args: ExportArgs) -> u8 {
    let at = args.inputs.at();
    let rules = match crate::inputs::load_rules(
        &args.paths,
        args.rules.as_ref(),
        at,
        args.color,
        args.verbose,
    ) {
        Ok((rules, _)) => rules,
        Err(code) => return code,
    };
    let documents = if args.component_definition {
        polic_oscal::export::component_definitions(&rules, at)
    } else {
        let (evidence, scans) = match args.inputs.read(&args.paths) {
            Ok(read) => (read.set, read.scans),
            Err(code) => return code,
        };
        let options = EvalOptions {
            at,
            fail_above: None,
        };
        let report = match eval::evaluate(&rules, &evidence, &scans, &options) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("error: cannot evaluate this rule set: {error}");
                return exit::USAGE;
            }
        };
        polic_oscal::export::assessment_results(&report, &evidence, &scans)
    };
    let documents = match documents {
        Ok(documents) => documents,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("  help: declare the clause with an id that starts with a letter");
            return exit::USAGE;
        }
    };
    if documents.is_empty() {
        eprintln!(
            "error: nothing to export: {}",
            if args.component_definition {
                "no control applies to any archetype"
            } else {
                "the policy has no apps"
            }
        );
        return exit::USAGE;
    }
    if let Err(error) = std::fs::create_dir_all(&args.output) {
        eprintln!("error: cannot create {}: {error}", args.output.display());
        return exit::USAGE;
    }
    for document in &documents {
        let path = args.output.join(&document.file);
        if let Err(error) = compile::write_atomically(&path, document.text().as_bytes()) {
            eprintln!("error: cannot write {}: {error}", path.display());
            return exit::USAGE;
        }
    }
    eprintln!(
        "wrote {} OSCAL {} document{} to {}",
        documents.len(),
        if args.component_definition {
            "component definition"
        } else {
            "assessment results"
        },
        if documents.len() == 1 { "" } else { "s" },
        args.output.display()
    );
    exit::CLEAN
}
