//! Loading sources and checking them: the first step of every command that reads policy.

use std::path::PathBuf;

use polic_diagnostics::{Code, Diagnostic, Severity};
use polic_report::{Texts, plural};
use polic_sema::{Database, Workspace};
use polic_syntax::ast::Date;

use crate::output;
use crate::{exit, load, sources};

// Commands take `--color` beside the policy they compile.
use crate::output::Color;

pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

pub use polic_project::today;

/// Checked sources: the database, the workspace, what was reported, and the texts to show it.
pub struct Compiled {
    pub db: Database,
    pub workspace: Workspace,
    pub diagnostics: Vec<Diagnostic>,
    pub texts: Texts,
    pub files: usize,
    pub io_error: bool,
    /// Source code scanned for tags, when asked for.
    pub code: Option<sources::Code>,
    /// The policy an app repository is checked against, when the paths are one.
    pub app: Option<polic_project::app::AppRepository>,
    /// Where the files were read from: what a bundle's paths are relative to.
    pub root: polic_project::Root,
}

impl Compiled {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn report_to_stderr(&self, color: Color) {
        output::report_to_stderr(&self.diagnostics, &self.texts, color, &self.checked());
    }

    /// What was checked, for the summary line.
    pub fn checked(&self) -> String {
        let files = plural(self.files, "file");
        match &self.code {
            Some(code) => format!("{files} and {}", code.summary()),
            None => files,
        }
    }

    /// Adds what scanning source code found: its diagnostics, under the policy's lint
    /// levels, and the texts they point into.
    pub fn add_code(&mut self, mut code: sources::Code) {
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        diagnostics.append(&mut code.diagnostics);
        self.diagnostics =
            polic_sema::finish(diagnostics, polic_sema::lints(&self.db, self.workspace));
        self.texts.extend(std::mem::take(&mut code.texts));
        self.code = Some(code);
    }
}

/// Reads and checks the `.polic` files under `paths`. `Err` carries the exit code after
/// the problem was reported (a path that does not exist, no policy files).
pub fn compile(paths: &[PathBuf], today: Date) -> Result<Compiled, u8> {
    compile_with(paths, today, None)
}

/// As [`compile`], an app repository checked against `policy` (a bundle's sources)
/// instead of the policy it pins: what `polic diff` compares for the app.
pub fn compile_with(
    paths: &[PathBuf],
    today: Date,
    policy: Option<std::collections::BTreeMap<String, String>>,
) -> Result<Compiled, u8> {
    let mut loaded = polic_project::load(paths, load::options()).map_err(|error| {
        eprintln!("error: {error}");
        exit::USAGE
    })?;
    let mut app = polic_project::app::open(&sources::settings_dir(paths), &loaded.root);
    if let (Some(app), Some(policy)) = (&mut app, policy) {
        // The pin's problems are about the pinned policy, not this one.
        app.sources = policy;
        app.problems.clear();
    }
    let file_count = loaded.files.len() + loaded.problem_texts.len();
    if let Some(app) = &app {
        loaded.files.extend(app.policy_files());
    }
    use_small_pages_below(loaded.files.values().map(String::len).sum());
    let db = Database::default();
    let files: Vec<(String, String)> = loaded
        .files
        .iter()
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    let workspace = db.workspace(files, today);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    polic_sema::parallel::prefetch(&db, workspace, threads);
    let mut diagnostics = polic_project::merge(&loaded.problems, polic_sema::check(&db, workspace));
    if let Some(app) = &app {
        diagnostics = app_diagnostics(app, diagnostics);
    }
    let mut texts = Texts::new(std::mem::take(&mut loaded.files));
    texts.extend(std::mem::take(&mut loaded.problem_texts));
    if let Some(app) = &app {
        texts.extend(app.texts.clone());
    }
    // Only the modules the workspace imports were checked: JUnit lists each text as a case.
    for &file in polic_sema::index::files_in_scope(&db, workspace) {
        let module = file
            .path(&db)
            .strip_prefix("<stdlib>/")
            .and_then(|name| name.strip_suffix(".polic"))
            .and_then(polic_stdlib::module);
        if let Some(module) = module {
            texts.insert(module.path(), std::borrow::Cow::Borrowed(module.text));
        }
    }
    Ok(Compiled {
        db,
        workspace,
        diagnostics,
        texts,
        files: file_count,
        io_error: loaded.io_error,
        code: None,
        app,
        root: loaded.root,
    })
}

/// What an app repository is told: its own files' diagnostics and its pin's problems.
/// The policy's own diagnostics are its owners' to fix: one error counts them, at
/// `[policy]`, so that they are never silently dropped. Without a policy only the
/// problems are told: every name the app uses would be unknown for that one reason.
fn app_diagnostics(
    app: &polic_project::app::AppRepository,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if app.pin.is_none() {
        return app.problems.clone();
    }
    let (policy, mut own): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .into_iter()
        .partition(|d| polic_project::app::is_policy_file(&d.primary.at.file));
    let errors = policy
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if let Some(pin) = app.pin.as_ref().filter(|_| errors > 0) {
        own.push(
            Diagnostic::new(
                Code::PolicyHasErrors,
                format!(
                    "the policy `{}` has {} of its own",
                    pin.source,
                    plural(errors, "error")
                ),
                app.at_policy().clone(),
            )
            .with_help(format!(
                "`polic check {}` lists them; they are for the policy's owners to fix",
                pin.source
            )),
        );
    }
    own.extend(app.problems.iter().cloned());
    own.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    own
}

/// Policy text below which a check runs without transparent huge pages.
const SMALL_POLICY: usize = 128 * 1024;

/// Huge pages pay for themselves only on large heaps. A small policy's check touches a
/// few MiB, and the kernel zeroing a whole 2 MiB page for each region first touched costs
/// more than the 4 KiB page faults it saves (1-2 ms of `polic check examples/acme`); from
/// about ten thousand lines of policy it is the other way round (docs/performance.md).
fn use_small_pages_below(policy_bytes: usize) {
    #[cfg(target_os = "linux")]
    if policy_bytes < SMALL_POLICY {
        // A hint only: if refused, pages stay as the system decides.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
}

/// Compiles, and refuses to go on when the sources have errors (they are shown), except
/// errors of the `evaluated` codes: those the command itself reports as results.
pub fn compile_clean(
    paths: &[PathBuf],
    today: Date,
    color: Color,
    evaluated: &[Code],
) -> Result<Compiled, u8> {
    let mut compiled = compile(paths, today)?;
    compiled
        .diagnostics
        .retain(|d| !evaluated.contains(&d.code));
    compiled.report_to_stderr(color);
    if compiled.io_error {
        return Err(exit::USAGE);
    }
    refuse_errors(&compiled)?;
    Ok(compiled)
}

/// For commands that cannot go on from a policy with errors (they were shown already).
pub fn refuse_errors(compiled: &Compiled) -> Result<(), u8> {
    if compiled.errors() > 0 {
        eprintln!("error: the policy has errors; fix them first (`polic check` lists them)");
        return Err(exit::FAILED);
    }
    Ok(())
}

/// Writes a file without ever leaving it half-written, through a symbolic link, keeping
/// its mode, owner and hard links (see `polic_project::write`).
pub fn write_atomically(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    polic_project::write(path, contents)
}
