//! Source code scanned for `polic:` tags: `--sources [APP=]DIR` or the `sources` setting of
//! `polic.toml`, and which app each scanned file belongs to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polic_diagnostics::Diagnostic;
use polic_diagnostics::suggest::closest;
use polic_ruleset::RuleSet;
use polic_ruleset::evidence::CodeTag;
use polic_tags::settings::Spec;
use polic_tags::{Policy, Skipped};

use crate::compile::{self, Color};
use crate::exit;
use crate::load::display_path;
use crate::output::{Texts, plural};

/// The flag every command reading code takes.
#[derive(clap::Args, Default)]
pub struct SourcesArgs {
    /// Source code to scan for `polic:` tags, as DIR or APP=DIR (repeatable); replaces the
    /// `sources` setting of a polic.toml beside the policy.
    #[arg(long = "sources", value_name = "[APP=]DIR")]
    pub specs: Vec<String>,
}

/// The directories to scan: the flags if any, else the `polic.toml` beside the policy.
pub fn specs(args: &SourcesArgs, policy_paths: &[PathBuf]) -> Result<Vec<Spec>, u8> {
    if !args.specs.is_empty() {
        return Ok(args
            .specs
            .iter()
            .map(|s| Spec::parse(s, Path::new(".")))
            .collect());
    }
    polic_tags::settings::read(&settings_dir(policy_paths)).map_err(|message| {
        eprintln!("error: {message}");
        eprintln!("  help: polic.toml takes `sources = [\"DIR\", \"APP=DIR\"]`");
        exit::USAGE
    })
}

/// Where the `polic.toml` of a policy is looked for: its first directory, else here.
pub fn settings_dir(policy_paths: &[PathBuf]) -> PathBuf {
    policy_paths
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."))
}

/// What scanning found, resolved against the policy.
#[derive(Default)]
pub struct Code {
    pub diagnostics: Vec<Diagnostic>,
    /// Texts of the files that hold tags, for rendering diagnostics.
    pub texts: BTreeMap<String, String>,
    pub tags: Vec<CodeTag>,
    pub files: usize,
    pub lines: usize,
    pub skipped: Vec<Skipped>,
}

impl Code {
    /// `230 source files (12,345 lines, 14 tags)` for summaries.
    pub fn summary(&self) -> String {
        format!(
            "{} ({} lines, {})",
            plural(self.files, "source file"),
            self.lines,
            plural(self.tags.len(), "tag")
        )
    }

    /// For commands whose stdout is their product: tag problems and skipped files.
    pub fn report_to_stderr(&self, color: Color) {
        let texts = Texts::new(self.texts.clone());
        compile::report_to_stderr(&self.diagnostics, &texts, color, &self.summary());
        self.report_skipped();
    }

    /// Files left unscanned, named so that a tag in one is not silently ignored.
    pub fn report_skipped(&self) {
        for skipped in &self.skipped {
            eprintln!("note: skipped {}: {}", skipped.path, skipped.reason);
        }
    }
}

/// The source directories walked and their files scanned: everything about tags that needs
/// no policy. `None` for a directory that does not exist (reported when resolving).
pub struct Walked(Vec<Option<polic_tags::Tree>>);

pub fn walk(specs: &[Spec]) -> Walked {
    Walked(
        specs
            .iter()
            .map(|spec| spec.dir.is_dir().then(|| polic_tags::walk(&spec.dir)))
            .collect(),
    )
}

/// Runs `work` (compiling the policy) while another thread walks the source directories:
/// the two share nothing until tags are resolved.
pub fn walk_while<T>(specs: &[Spec], work: impl FnOnce() -> T) -> (T, Walked) {
    if specs.is_empty() {
        return (work(), Walked(Vec::new()));
    }
    std::thread::scope(|scope| {
        let walking = scope.spawn(|| walk(specs));
        let done = work();
        let walked = walking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (done, walked)
    })
}

/// Walks and resolves in one go, for commands that need the compiled rule set first.
pub fn scan(specs: &[Spec], rules: &RuleSet) -> Result<Code, u8> {
    resolve(specs, walk(specs), rules)
}

/// Resolves the tags found against the policy. A file whose app cannot be told, or an
/// unknown `APP=`, is a usage error: the tags would otherwise count for nobody.
pub fn resolve(specs: &[Spec], walked: Walked, rules: &RuleSet) -> Result<Code, u8> {
    let policy = Policy::new(rules);
    let mut code = Code::default();
    for (spec, tree) in specs.iter().zip(walked.0) {
        let Some(tree) = tree else {
            eprintln!(
                "error: no such source directory: {}",
                display_path(&spec.dir)
            );
            return Err(exit::USAGE);
        };
        if let Some(app) = &spec.app
            && !policy.has_app(app)
        {
            eprintln!("error: no app `{app}` in the policy (from `--sources {app}=...`)");
            if let Some(s) = closest(app, policy.app_names()) {
                eprintln!("  help: did you mean `{s}`?");
            }
            return Err(exit::USAGE);
        }
        code.files += tree.scanned;
        code.lines += tree.lines;
        code.skipped.extend(tree.skipped);
        for file in tree.files {
            let app = match &spec.app {
                Some(app) => Some(app.as_str()),
                None => policy.app_of(&file.path),
            };
            if app.is_none() && !file.tags.tags.is_empty() {
                eprintln!("error: cannot tell which app {} belongs to", file.path);
                eprintln!(
                    "  help: write `--sources APP={}`, or keep the app's .polic file beside its code",
                    display_path(&spec.dir)
                );
                return Err(exit::USAGE);
            }
            let resolved = policy.resolve(app, &file.path, &file.tags);
            code.diagnostics.extend(resolved.diagnostics);
            code.tags.extend(resolved.code);
            code.texts.insert(file.path, file.text);
        }
    }
    code.diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(code)
}
