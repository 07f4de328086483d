//! Source code scanned for `polic:` tags: `--sources [APP=]DIR` or the `sources` setting of
//! `polic.toml`, and which app each scanned file belongs to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polic_diagnostics::Diagnostic;
use polic_diagnostics::suggest::closest;
use polic_project::Root;
use polic_project::root::Refused;
use polic_report::{Texts, plural};
use polic_ruleset::RuleSet;
use polic_ruleset::evidence::CodeTag;
use polic_tags::settings::{SETTINGS_FILE, Spec};
use polic_tags::{Policy, Skipped};

use crate::output::{self, Color};
use crate::{exit, load};

/// The flag every command reading code takes.
#[derive(clap::Args, Default)]
pub struct SourcesArgs {
    /// Source code to scan for `polic:` tags, as DIR or APP=DIR (repeatable); replaces the
    /// `sources` setting of a polic.toml beside the policy.
    #[arg(long = "sources", value_name = "[APP=]DIR")]
    pub specs: Vec<String>,
}

/// The directories to scan, where they were named, and the workspace root their files
/// are shown relative to.
#[derive(Default)]
pub struct Specs {
    list: Vec<Spec>,
    /// Named by `--sources` flags, rather than by a `polic.toml`.
    from_flag: bool,
    root: Option<Root>,
}

impl Specs {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The directories to scan: the flags if any, else the `polic.toml` beside the policy. A
/// directory of `polic.toml` outside the workspace root is refused (unless
/// `--allow-outside-root`): the workspace wrote it. The command line is the user's, and
/// its directories are read wherever they are.
pub fn specs(args: &SourcesArgs, policy_paths: &[PathBuf]) -> Result<Specs, u8> {
    // A policy path that does not exist is reported when loading the policy.
    let root = polic_project::Root::of(policy_paths, load::options().allow_outside_root).ok();
    let from_flag = !args.specs.is_empty();
    let list = if from_flag {
        args.specs
            .iter()
            .map(|s| Spec::parse(s, Path::new(".")))
            .collect()
    } else {
        polic_tags::settings::read(&settings_dir(policy_paths)).map_err(|message| {
            eprintln!("error: {message}");
            eprintln!("  help: polic.toml takes `sources = [\"DIR\", \"APP=DIR\"]`");
            exit::USAGE
        })?
    };
    let root = match root {
        Some(root) if from_flag => Some(root.trusting()),
        Some(root) => {
            for spec in &list {
                confine(spec, &root)?;
            }
            Some(root)
        }
        None => None,
    };
    Ok(Specs {
        list,
        from_flag,
        root,
    })
}

/// Refuses a source directory outside the root: scanning it would read (and show in
/// diagnostics) files the workspace does not hold.
fn confine(spec: &Spec, root: &Root) -> Result<(), u8> {
    match root.confine(&spec.dir) {
        Err(Refused::Outside(canonical)) => {
            eprintln!(
                "error[{}]: source directory `{}` in {SETTINGS_FILE} is outside the workspace (`{}`)",
                polic_diagnostics::Code::OutsideWorkspace.as_str(),
                shown_dir(&spec.dir),
                root.display(&canonical)
            );
            eprintln!("  help: {}", polic_project::load::OUTSIDE_HELP);
            Err(exit::USAGE)
        }
        // A directory that does not exist is reported when walking.
        _ => Ok(()),
    }
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
        output::report_to_stderr(&self.diagnostics, &texts, color, &self.summary());
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

pub fn walk(specs: &Specs) -> Walked {
    Walked(
        specs
            .list
            .iter()
            .map(|spec| {
                let root = specs.root.as_ref()?;
                spec.dir
                    .is_dir()
                    .then(|| polic_tags::walk::walk_in(&spec.dir, root))
            })
            .collect(),
    )
}

/// Runs `work` (compiling the policy) while another thread walks the source directories:
/// the two share nothing until tags are resolved.
pub fn walk_while<T>(specs: &Specs, work: impl FnOnce() -> T) -> (T, Walked) {
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
pub fn scan(specs: &Specs, rules: &RuleSet) -> Result<Code, u8> {
    resolve(specs, walk(specs), rules)
}

/// Resolves the tags found against the policy. A file whose app cannot be told, or an
/// unknown `APP=`, is a usage error: the tags would otherwise count for nobody.
pub fn resolve(specs: &Specs, walked: Walked, rules: &RuleSet) -> Result<Code, u8> {
    let policy = Policy::new(rules);
    let mut code = Code::default();
    for (spec, tree) in specs.list.iter().zip(walked.0) {
        let Some(tree) = tree else {
            eprintln!("error: no such source directory: {}", shown_dir(&spec.dir));
            return Err(exit::USAGE);
        };
        if let Some(app) = &spec.app
            && !policy.has_app(app)
        {
            if specs.from_flag {
                eprintln!("error: no app `{app}` in the policy (from `--sources {app}=...`)");
            } else {
                eprintln!(
                    "error: no app `{app}` in the policy (from `{app}=...` in {SETTINGS_FILE})"
                );
            }
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
                    shown_dir(&spec.dir)
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

/// A source directory as the user wrote it, for messages about the flag or setting.
fn shown_dir(dir: &Path) -> String {
    let shown = polic_project::root::escape_controls(&dir.to_string_lossy()).replace('\\', "/");
    shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown)
}
