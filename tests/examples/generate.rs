//! Writes a generated benchmark workspace to a directory, to time whole commands on it
//! (e.g. `hyperfine 'polic check DIR'` or `/usr/bin/time -v polic check DIR`):
//! `cargo run --release -p polic-tests --example generate -- 100000 /tmp/ws-100k`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(lines), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: generate LINES DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    for (path, text) in polic_tests::generate::workspace(lines) {
        let path = dir.join(path);
        if let Err(error) = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text))
        {
            eprintln!("cannot write `{}`: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
