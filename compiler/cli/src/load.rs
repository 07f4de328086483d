//! Finding and reading policy files: the only place `polic check` touches the file system.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polic_diagnostics::{Code, Diagnostic, Located, Span};
use polic_syntax::lexer::{self, Token};
use polic_syntax::literal;

/// The files to check, keyed by the path shown in diagnostics.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: BTreeMap<String, String>,
    /// Files that exist but could not be used (unreadable, not UTF-8).
    pub problems: Vec<Diagnostic>,
    /// Texts to show for files in `problems` (a lossy decoding of non-UTF-8 files).
    pub problem_texts: BTreeMap<String, String>,
    /// Whether any file could not be read at all: an I/O error, exit code 2.
    pub io_error: bool,
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

/// Reads every `*.polic` file under `paths` (directories recursively, hidden directories
/// and `target`/`node_modules` skipped), then any file those import, in sorted order.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, LoadError> {
    let mut found: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = found.len();
            walk(path, &mut found);
            if found.len() == before {
                return Err(LoadError::NoPolicyFiles(path.clone()));
            }
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(LoadError::Missing(path.clone()));
        }
    }
    found.sort();
    found.dedup();
    let mut loaded = Loaded::default();
    let discovered = found.len();
    let mut queue: Vec<PathBuf> = found;
    let mut next = 0;
    while next < queue.len() {
        let path = queue[next].clone();
        next += 1;
        let shown = display_path(&path);
        if loaded.files.contains_key(&shown) || loaded.problem_texts.contains_key(&shown) {
            continue;
        }
        // Files after the ones found under the paths were reached through an import.
        let imported = next > discovered;
        let Some(text) = read(&path, &shown, imported, &mut loaded) else {
            continue;
        };
        for import in file_imports(&text) {
            let target = polic_sema::resolve_import_path(&shown, &import);
            queue.push(PathBuf::from(target));
        }
        loaded.files.insert(shown, text);
    }
    Ok(loaded)
}

fn read(path: &Path, shown: &str, imported: bool, loaded: &mut Loaded) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            // A missing import target is reported by the checker, at the import.
            if !(imported && error.kind() == std::io::ErrorKind::NotFound) {
                loaded.io_error = true;
                unreadable(loaded, shown, &io_reason(&error));
            }
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) if text.len() < u32::MAX as usize => Some(text),
        Ok(_) => {
            unreadable(loaded, shown, "larger than 4 GiB");
            None
        }
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            loaded.problems.push(
                Diagnostic::new(
                    Code::InvalidUtf8,
                    "file is not valid UTF-8",
                    Located {
                        file: shown.to_string(),
                        span: Span::new(at, at + 1),
                    },
                )
                .with_label("this byte does not start a UTF-8 character")
                .with_help("save the file as UTF-8"),
            );
            loaded.problem_texts.insert(shown.to_string(), text);
            None
        }
    }
}

/// Records a file that exists but cannot be used.
fn unreadable(loaded: &mut Loaded, shown: &str, reason: &str) {
    loaded.problems.push(Diagnostic::new(
        Code::UnreadableFile,
        format!("cannot read `{shown}`: {reason}"),
        Located {
            file: shown.to_string(),
            span: Span::default(),
        },
    ));
    loaded
        .problem_texts
        .insert(shown.to_string(), String::new());
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => error.to_string().to_lowercase(),
    }
}

pub(crate) fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, found);
            }
        } else if name.ends_with(".polic") {
            found.push(path);
        }
    }
}

/// A path as diagnostics show it: with `/` separators and no leading `./`.
pub(crate) fn display_path(path: &Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown)
}

/// The `import "path"` targets of a file, found by the lexer alone: the checker parses
/// each file once, later, through the database.
fn file_imports(text: &str) -> Vec<String> {
    let tokens = lexer::lex(text);
    let tokens: Vec<&(Token, Span)> = tokens.iter().filter(|(tok, _)| !tok.is_trivia()).collect();
    tokens
        .windows(2)
        .filter_map(|pair| match pair {
            [(Token::Import, _), (Token::String, span)] => {
                Some(literal::unescape(&text[span.range()]))
            }
            _ => None,
        })
        .collect()
}
