//! `polic update`: pins an app repository's policy as it is now in `polic.lock`.

use std::io::IsTerminal;
use std::path::PathBuf;

use polic_diagnostics::Code;
use polic_project::app::{self, LOCK_FILE};

use crate::compile;
use crate::exit;
use crate::output::Color;

#[derive(clap::Args)]
pub struct UpdateArgs {
    /// The app repository: the directory of the polic.toml whose `[policy]` is pinned.
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

pub fn run(args: UpdateArgs) -> u8 {
    let root = match polic_project::Root::of(std::slice::from_ref(&args.dir), false) {
        Ok(root) => root,
        Err(path) => {
            eprintln!("error: no such directory: {}", path.display());
            return exit::USAGE;
        }
    };
    let Some(repo) = app::open(&args.dir, &root) else {
        eprintln!(
            "error: {} names no `[policy]`: `polic update` pins an app repository's policy",
            args.dir.join("polic.toml").display()
        );
        eprintln!("  help: write `[policy]` with `path = \"../policy\"` or `bundle = \"FILE\"`");
        return exit::USAGE;
    };
    // What the lock is about to replace, said before it is gone; the other problems
    // (no lock yet, a lock that cannot be read) are what updating fixes.
    let (Some(pin), Some(lock)) = (&repo.pin, repo.lock_text()) else {
        let texts = polic_report::Texts::new(repo.texts.clone());
        let color = args.color.choice(std::io::stderr().is_terminal());
        let mut renderer = polic_diagnostics::Renderer::new(&texts, color);
        for problem in &repo.problems {
            eprint!("{}", renderer.render(problem));
        }
        return exit::USAGE;
    };
    for problem in repo
        .problems
        .iter()
        .filter(|p| p.code == Code::PolicyChanged)
    {
        eprintln!("{}", problem.message);
        for note in &problem.notes {
            eprintln!("  {note}");
        }
    }
    let path = args.dir.join(LOCK_FILE);
    if let Err(error) = compile::write_atomically(&path, lock.as_bytes()) {
        eprintln!("error: cannot write {}: {error}", path.display());
        return exit::USAGE;
    }
    eprintln!("{LOCK_FILE}: {}", pin.describe());
    exit::CLEAN
}
