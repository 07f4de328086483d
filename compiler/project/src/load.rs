//! Which files are the policy, and reading them with the files they import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polic_diagnostics::{Code, Diagnostic, Located, Span};
use polic_syntax::lexer::{self, Token};
use polic_syntax::literal;

use crate::read::{ReadError, read_source};
use crate::root::{Refused, Root};
use crate::walk::walk;

/// What the user allowed beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `--allow-outside-root`: imports and source directories may leave the workspace.
    pub allow_outside_root: bool,
}

/// Why loading could not even start.
#[derive(Debug)]
pub enum LoadError {
    Missing(PathBuf),
    NoPolicyFiles(PathBuf),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Missing(path) => write!(f, "no such file or directory: {}", path.display()),
            LoadError::NoPolicyFiles(path) => {
                write!(
                    f,
                    "no .polic files under {}\n  help: point polic at a directory holding .polic files, or at a file",
                    path.display()
                )
            }
        }
    }
}

/// A policy file found under the paths given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// As output shows it, relative to the root.
    pub shown: String,
    /// Canonical: a symbolic link's target, which is what is read and written.
    pub path: PathBuf,
}

/// The policy files under the paths given, and what could not be listed.
#[derive(Debug)]
pub struct Discovered {
    pub root: Root,
    pub files: Vec<PolicyFile>,
    /// Each about a file (or directory) that may hold policy but cannot be used: exit 2.
    pub problems: Vec<Diagnostic>,
}

/// Lists the `*.polic` files under `paths` (directories recursively, see [`crate::walk`];
/// files as named), sorted and each once, however many links lead to it.
pub fn discover(paths: &[PathBuf], options: Options) -> Result<Discovered, LoadError> {
    for path in paths {
        if std::fs::metadata(path).is_err() {
            return Err(LoadError::Missing(path.clone()));
        }
    }
    let root = Root::of(paths, options.allow_outside_root).map_err(LoadError::Missing)?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walked = walk(path, &root, |entry| {
                is_policy_name(&entry.path).then(|| entry.clone())
            });
            let before = files.len() + problems.len();
            for problem in walked.problems {
                if problem.dir || problem.shown.ends_with(".polic") {
                    problems.push(unreadable(&problem.shown, &problem.reason));
                }
            }
            for entry in walked.found {
                if entry.utf8_name {
                    files.push(PolicyFile {
                        shown: entry.shown,
                        path: entry.canonical,
                    });
                } else {
                    problems.push(
                        unreadable(&entry.shown, "its name is not valid UTF-8")
                            .with_help("rename the file: names in output and imports are UTF-8"),
                    );
                }
            }
            if files.len() + problems.len() == before {
                return Err(LoadError::NoPolicyFiles(path.clone()));
            }
        } else {
            match root.confine(path) {
                Ok(canonical) => files.push(PolicyFile {
                    shown: root.display(&canonical),
                    path: canonical,
                }),
                Err(Refused::Outside(canonical)) => problems.push(
                    Diagnostic::new(
                        Code::OutsideWorkspace,
                        format!(
                            "`{}` is a symbolic link to `{}`, outside the workspace",
                            root.display(&std::path::absolute(path).unwrap_or(path.clone())),
                            root.display(&canonical)
                        ),
                        whole_file(&root.display(path)),
                    )
                    .with_help(OUTSIDE_HELP),
                ),
                Err(Refused::Io(error)) => problems.push(unreadable(
                    &root.display(path),
                    &crate::read::io_reason(&error),
                )),
            }
        }
    }
    files.sort_by(|a, b| a.shown.cmp(&b.shown));
    files.dedup_by(|a, b| a.path == b.path);
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Discovered {
        root,
        files,
        problems,
    })
}

/// How to read a path that is refused for being outside the workspace.
pub const OUTSIDE_HELP: &str = "polic reads only inside the workspace root (the directory of the paths given); move the file into it, or pass `--allow-outside-root` if you trust the workspace";

/// A name ending in `.polic`, judged on bytes so that a name that is not UTF-8 is found
/// (and reported) too.
fn is_policy_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.as_encoded_bytes().ends_with(b".polic"))
}

/// The files to check, keyed by the path shown in diagnostics.
#[derive(Debug)]
pub struct Loaded {
    pub root: Root,
    pub files: BTreeMap<String, String>,
    /// Files that exist but could not be used, and imports refused.
    pub problems: Vec<Diagnostic>,
    /// Texts to show for files in `problems`: empty, or a lossy decoding of a policy file
    /// that is not UTF-8. Never the text of anything else.
    pub problem_texts: BTreeMap<String, String>,
    /// Whether a file could not be read at all (exit code 2).
    pub io_error: bool,
}

/// Reads the policy files under `paths`, then every file they import, in sorted order.
pub fn load(paths: &[PathBuf], options: Options) -> Result<Loaded, LoadError> {
    let discovered = discover(paths, options)?;
    let mut loaded = Loaded {
        io_error: !discovered.problems.is_empty(),
        problem_texts: discovered
            .problems
            .iter()
            .map(|p| (p.primary.at.file.clone(), String::new()))
            .collect(),
        root: discovered.root,
        files: BTreeMap::new(),
        problems: discovered.problems,
    };
    let mut seen: BTreeSet<String> = discovered.files.iter().map(|f| f.shown.clone()).collect();
    let mut queue: Vec<(PolicyFile, Option<Located>)> =
        discovered.files.into_iter().map(|f| (f, None)).collect();
    let mut next = 0;
    while next < queue.len() {
        let (file, site) = queue[next].clone();
        next += 1;
        let text = match read_source(&file.path) {
            Ok(source) => source.text,
            Err(error) => {
                loaded.refuse(&file.shown, site, error);
                continue;
            }
        };
        for (import, span) in file_imports(&text) {
            let site = Located {
                file: file.shown.clone(),
                span,
            };
            let shown = polic_sema::resolve_import_path(&file.shown, &import);
            if !seen.insert(shown.clone()) {
                continue;
            }
            if let Some(target) = loaded.import(&file.path, &import, shown, site.clone()) {
                queue.push((target, Some(site)));
            }
        }
        loaded.files.insert(file.shown, text);
    }
    loaded
        .problems
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(loaded)
}

impl Loaded {
    /// The file `import` (written in the file at `from`) names, if it may be read. A
    /// missing one is left to the checker, which reports it at the import.
    fn import(
        &mut self,
        from: &Path,
        import: &str,
        shown: String,
        site: Located,
    ) -> Option<PolicyFile> {
        let written = Path::new(import);
        let path = if written.is_absolute() {
            written.to_path_buf()
        } else {
            from.parent().unwrap_or(Path::new("/")).join(written)
        };
        std::fs::symlink_metadata(&path).ok()?;
        let canonical = match self.root.confine(&path) {
            Ok(canonical) => canonical,
            Err(Refused::Outside(_)) => {
                self.problems.push(
                    Diagnostic::new(
                        Code::OutsideWorkspace,
                        format!("import `{import}` is outside the workspace"),
                        site,
                    )
                    .with_label("nothing outside the workspace root is read")
                    .with_help(OUTSIDE_HELP),
                );
                return None;
            }
            // A dangling link: as missing.
            Err(Refused::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                return None;
            }
            Err(Refused::Io(error)) => {
                self.refuse(&shown, Some(site), ReadError::Io(error));
                return None;
            }
        };
        if canonical.is_dir() {
            self.refuse(&shown, Some(site), ReadError::Directory);
            return None;
        }
        if !is_policy_name(&canonical) {
            self.io_error = true;
            self.problems.push(
                Diagnostic::new(
                    Code::UnreadableFile,
                    format!("cannot import `{import}`: it is not a `.polic` file"),
                    site,
                )
                .with_label("only policy files are imported, and this one was not read")
                .with_help("import a `.polic` file"),
            );
            return None;
        }
        Some(PolicyFile {
            shown,
            path: canonical,
        })
    }

    /// Records a file that could not be read: at the import that named it, if any, so
    /// that the checker's "cannot find" at the same place is not said twice.
    fn refuse(&mut self, shown: &str, site: Option<Located>, error: ReadError) {
        let diagnostic = match (error, site) {
            (ReadError::NotUtf8 { lossy, at }, _) => {
                // A `.polic` file, so its text is policy and may be shown.
                let at = Located {
                    file: shown.to_string(),
                    span: Span::new(at, at + 1),
                };
                self.problem_texts.insert(shown.to_string(), lossy);
                Diagnostic::new(Code::InvalidUtf8, "file is not valid UTF-8", at)
                    .with_label("this byte does not start a UTF-8 character")
                    .with_help("save the file as UTF-8")
            }
            (error, site) => {
                self.io_error = true;
                let help = match error {
                    ReadError::Directory => "import the `.polic` files it holds, one by one",
                    ReadError::NotRegular(_) => "only regular files are read",
                    ReadError::TooLarge { .. } => "split the policy into several files",
                    _ => "make sure the file exists and the user running polic may read it",
                };
                let diagnostic = match site {
                    Some(site) => Diagnostic::new(
                        Code::UnreadableFile,
                        format!("cannot import `{shown}`: {}", error.reason()),
                        site,
                    ),
                    None => {
                        self.problem_texts.insert(shown.to_string(), String::new());
                        unreadable(shown, &error.reason())
                    }
                };
                diagnostic.with_help(help)
            }
        };
        self.problems.push(diagnostic);
    }
}

fn whole_file(shown: &str) -> Located {
    Located {
        file: shown.to_string(),
        span: Span::default(),
    }
}

/// A file that exists but cannot be used.
fn unreadable(shown: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnreadableFile,
        format!("cannot read `{shown}`: {reason}"),
        whole_file(shown),
    )
}

/// The loader's problems and the checker's diagnostics, sorted: an import the loader
/// refused is not also reported by the checker as a file it cannot find.
pub fn merge(problems: &[Diagnostic], checked: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let refused: BTreeSet<&Located> = problems.iter().map(|p| &p.primary.at).collect();
    let mut all = problems.to_vec();
    all.extend(
        checked
            .into_iter()
            .filter(|d| !(d.code == Code::UnknownImport && refused.contains(&d.primary.at))),
    );
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}

/// The `import "path"` targets of a file with the spans of their strings, found by the
/// lexer alone: the checker parses each file once, later, through the database.
fn file_imports(text: &str) -> Vec<(String, Span)> {
    let tokens = lexer::lex(text);
    let tokens: Vec<&(Token, Span)> = tokens.iter().filter(|(tok, _)| !tok.is_trivia()).collect();
    tokens
        .windows(2)
        .filter_map(|pair| match pair {
            [(Token::Import, _), (Token::String, span)] => {
                Some((literal::unescape(&text[span.range()]), *span))
            }
            _ => None,
        })
        .collect()
}
