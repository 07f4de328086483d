//! `polic fmt`: rewrites `.polic` files in the canonical layout (see polic-fmt), checks
//! that they are in it (`--check`), or formats standard input for an editor (`--stdin`).
//! A file with syntax errors is never rewritten.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use polic_diagnostics::{Renderer, render_terminal};
use polic_fmt::{Options, Refusal};
use polic_project::ReadError;

use crate::{exit, load};

#[derive(clap::Args)]
pub struct FmtArgs {
    /// Files or directories to format (directories are searched for *.polic).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Write nothing: print a unified diff of what would change, and exit 1 if anything
    /// would.
    #[arg(long)]
    check: bool,
    /// Format standard input and write the result to standard output.
    #[arg(long, conflicts_with = "paths")]
    stdin: bool,
    /// The path messages about standard input name it by.
    #[arg(long, value_name = "PATH", requires = "stdin")]
    stdin_path: Option<String>,
    /// The column that lists and conditions are kept within.
    #[arg(long, value_name = "N", default_value_t = Options::default().line_width)]
    line_width: usize,
    #[arg(long, value_enum, default_value_t = crate::output::Color::Auto)]
    color: crate::output::Color,
}

/// What became of the files.
#[derive(Default)]
struct Tally {
    files: usize,
    changed: usize,
    refused: usize,
    unreadable: usize,
}

pub fn run(args: FmtArgs) -> u8 {
    let options = Options {
        line_width: args.line_width,
    };
    if args.stdin {
        return stdin(&args, &options);
    }
    let discovered = match polic_project::discover(&args.paths, load::options()) {
        Ok(discovered) => discovered,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::USAGE;
        }
    };
    let mut tally = Tally::default();
    let color = args.color.choice(std::io::stderr().is_terminal());
    for problem in &discovered.problems {
        let sources = BTreeMap::from([(problem.primary.at.file.clone(), String::new())]);
        eprint!("{}", render_terminal(problem, &sources, color));
        tally.files += 1;
        tally.unreadable += 1;
    }
    for file in discovered.files {
        tally.files += 1;
        let shown = &file.shown;
        let source = match polic_project::read_source(&file.path) {
            Ok(source) => source,
            Err(ReadError::NotUtf8 { .. }) => {
                eprintln!("error: cannot format `{shown}`: it is not valid UTF-8");
                tally.unreadable += 1;
                continue;
            }
            Err(error) => {
                eprintln!("error: cannot read `{shown}`: {}", error.reason());
                tally.unreadable += 1;
                continue;
            }
        };
        let text = &source.text;
        match polic_fmt::format(text, &options) {
            Err(refusal) => {
                report(shown, text, refusal, args.color);
                tally.refused += 1;
            }
            // An unchanged file is not written: its modification time stays.
            Ok(formatted) if formatted == *text => {}
            Ok(formatted) if args.check => {
                print!("{}", diff(shown, text, &formatted));
                tally.changed += 1;
            }
            Ok(formatted) => {
                // A byte-order mark the file had stays, outside the formatted text.
                let bom = if source.bom {
                    polic_project::read::BOM
                } else {
                    b""
                };
                let bytes = [bom, formatted.as_bytes()].concat();
                // `file.path` is canonical: a symbolic link's target is written.
                match polic_project::write(&file.path, &bytes) {
                    Ok(()) => tally.changed += 1,
                    Err(error) => {
                        eprintln!(
                            "error: cannot write `{shown}`: {}",
                            polic_project::read::io_reason(&error)
                        );
                        tally.unreadable += 1;
                    }
                }
            }
        }
    }
    eprintln!("{}", tally.summary(args.check));
    if tally.refused > 0 || tally.unreadable > 0 {
        exit::USAGE
    } else if args.check && tally.changed > 0 {
        exit::FAILED
    } else {
        exit::CLEAN
    }
}

impl Tally {
    fn summary(&self, check: bool) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut line = if check {
            format!(
                "checked {} file{}: {} not formatted",
                self.files,
                plural(self.files),
                self.changed
            )
        } else {
            format!(
                "formatted {} of {} file{}",
                self.changed,
                self.files,
                plural(self.files)
            )
        };
        if self.refused > 0 {
            line += &format!(", {} with syntax errors left as they are", self.refused);
        }
        if self.unreadable > 0 {
            line += &format!(", {} unreadable or unwritable", self.unreadable);
        }
        line
    }
}

/// `--stdin`: the formatted text on standard output, or the errors and nothing on it.
fn stdin(args: &FmtArgs, options: &Options) -> u8 {
    let shown = args.stdin_path.as_deref().unwrap_or("<stdin>");
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {error}");
        return exit::USAGE;
    }
    match polic_fmt::format(&text, options) {
        Err(refusal) => {
            report(shown, &text, refusal, args.color);
            exit::USAGE
        }
        Ok(formatted) if args.check => {
            if formatted == text {
                exit::CLEAN
            } else {
                print!("{}", diff(shown, &text, &formatted));
                exit::FAILED
            }
        }
        Ok(formatted) => {
            let _ = std::io::stdout().write_all(formatted.as_bytes());
            exit::CLEAN
        }
    }
}

/// The syntax errors of a file that was not formatted, on stderr, as `polic check` shows
/// them.
fn report(shown: &str, text: &str, refusal: Refusal, color: crate::output::Color) {
    let color = color.choice(std::io::stderr().is_terminal());
    let sources = BTreeMap::from([(shown.to_string(), text.to_string())]);
    let mut out = String::new();
    // One renderer: the file's source is read once, however many errors it has.
    let mut renderer = Renderer::new(&sources, color);
    for error in refusal.errors {
        out.push_str(&renderer.render(&error.in_file(shown)));
    }
    out.push_str(&format!(
        "error: `{shown}` not formatted: fix its syntax errors first\n"
    ));
    eprint!("{out}");
}

/// What formatting would change, as a unified diff.
fn diff(shown: &str, text: &str, formatted: &str) -> String {
    similar::TextDiff::from_lines(text, formatted)
        .unified_diff()
        .context_radius(3)
        .header(shown, shown)
        .to_string()
}
