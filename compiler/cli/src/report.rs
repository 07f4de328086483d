//! `polic report`: the posture report (one self-contained HTML file, or Markdown for a
//! pull request) from what `polic eval` reads, plus the history store when it holds
//! snapshots.

use std::io::Write;
use std::path::PathBuf;

use polic_ruleset::eval::Options;

use crate::eval::EvalInputs;
use crate::{compile, exit, sources};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    eval: EvalInputs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Apps given a section of their own and a heatmap row, worst first (every app stays
    /// in the index).
    #[arg(long, value_name = "N", default_value_t = polic_posture::Limits::default().apps)]
    app_sections: usize,
    #[command(flatten)]
    store: crate::history::StoreArgs,
}

pub fn run(args: ReportArgs) -> u8 {
    let prepared = match args.eval.prepare() {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let options = Options {
        at: args.eval.inputs.at(),
        fail_above: None,
    };
    let report = match prepared.evaluate(&options) {
        Ok(report) => report,
        Err(code) => return code,
    };
    // The history of the same scope as this evaluation (`*`: the whole portfolio).
    let scope = args
        .eval
        .scope()
        .map_or_else(|| "*".to_string(), |s| s.join(","));
    let dir = sources::settings_dir(&args.eval.paths);
    let trend = match args.store.trend_if_recorded(&dir, &scope) {
        Ok(trend) => trend,
        Err(code) => return code,
    };
    let limits = polic_posture::Limits {
        apps: args.app_sections,
        ..polic_posture::Limits::default()
    };
    let posture = polic_posture::Posture::new(&report, trend.as_ref(), limits);
    let rendered = match args.format {
        ReportFormat::Html => polic_posture::html(&posture),
        ReportFormat::Markdown => polic_posture::markdown(&posture),
    };
    match &args.output {
        Some(path) => {
            if let Err(error) = compile::write_atomically(path, rendered.as_bytes()) {
                eprintln!("error: cannot write {}: {error}", path.display());
                return exit::USAGE;
            }
        }
        None => {
            let _ = std::io::stdout().write_all(rendered.as_bytes());
        }
    }
    exit::CLEAN
}
