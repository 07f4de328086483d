//! Writes a generated benchmark workspace to a directory, to time whole commands on it
//! (e.g. `hyperfine 'polic check DIR'` or `/usr/bin/time -v polic check DIR`):
//! `cargo run --release -p polic-tests --example generate -- 100000 /tmp/ws-100k`, or a
//! portfolio of many apps (50 controls) for the posture report:
//! `cargo run --release -p polic-tests --example generate -- --apps 10000 /tmp/apps-10k`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let apps = args.first().is_some_and(|a| a == "--apps");
    if apps {
        args.remove(0);
    }
    let (Some(size), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: generate LINES DIR | generate --apps APPS DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let files = if apps {
        polic_tests::generate::portfolio(size, 50)
    } else {
        polic_tests::generate::workspace(size)
    };
    for (path, text) in files {
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
