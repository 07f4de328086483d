//! UI tests: every fixture under `tests/ui/` (a `.polic` file, or a directory of them) is
//! checked, and its diagnostics must be exactly the ones its comments announce:
//!
//! ```polic
//! satisfies nist80053#sa-9.99   //~ error[P0102]: unknown clause `sa-9.99`
//! ```
//!
//! An annotation `//~ SEVERITY[CODE]: TEXT` expects, on its own line, one diagnostic with
//! that severity and code whose message contains TEXT. `//~^` points at the line above
//! (for lines that cannot hold a comment). The rendered terminal output of each fixture is
//! snapshotted beside it in `tests/ui/snapshots/`.
//!
//! Review snapshot changes with `cargo insta review` (or `INSTA_UPDATE=always`).

use std::path::{Path, PathBuf};

use polic_diagnostics::{Diagnostic, LineIndex};

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Expected {
    file: String,
    line: u32,
    severity: String,
    code: String,
    text: String,
}

fn annotations(file: &str, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~") else { continue };
        let mut rest = &line[at + 3..];
        let mut target = number as u32 + 1;
        while let Some(r) = rest.strip_prefix('^') {
            target -= 1;
            rest = r;
        }
        let rest = rest.trim();
        let (head, text) = rest.split_once(':').unwrap_or((rest, ""));
        let (severity, code) = head
            .trim_end_matches(']')
            .split_once('[')
            .unwrap_or((head, ""));
        out.push(Expected {
            file: file.to_string(),
            line: target,
            severity: severity.trim().to_string(),
            code: code.to_string(),
            text: text.trim().to_string(),
        });
    }
    out
}

fn actual(files: &std::collections::BTreeMap<String, String>, d: &Diagnostic) -> Expected {
    let file = &d.primary.at.file;
    let line = files.get(file).map_or(0, |text| {
        LineIndex::new(text).line_col(d.primary.at.span.start).line + 1
    });
    Expected {
        file: file.clone(),
        line,
        severity: d.severity.as_str().to_string(),
        code: d.code.as_str().to_string(),
        text: d.message.clone(),
    }
}

fn run(fixture: &Path) -> Result<(), String> {
    let files = polic_tests::read_fixture(fixture);
    let diagnostics = polic_tests::check(&files);
    let mut expected: Vec<Expected> = files.iter().flat_map(|(f, t)| annotations(f, t)).collect();
    let actual: Vec<Expected> = diagnostics.iter().map(|d| actual(&files, d)).collect();
    let mut unexpected = Vec::new();
    for found in &actual {
        let matching = expected.iter().position(|e| {
            e.file == found.file
                && e.line == found.line
                && e.severity == found.severity
                && e.code == found.code
                && found.text.contains(&e.text)
        });
        match matching {
            Some(i) => {
                expected.remove(i);
            }
            None => unexpected.push(found.clone()),
        }
    }
    let rendered = polic_tests::render(&files, &diagnostics);
    let name = fixture
        .file_stem()
        .expect("fixture has a name")
        .to_string_lossy()
        .into_owned();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        fixture
            .parent()
            .expect("fixture is in a directory")
            .join("snapshots"),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let snapshot = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, rendered))
    }));
    let mut problems = String::new();
    for e in &expected {
        problems += &format!(
            "  missing   {}:{}: {}[{}]: {}\n",
            e.file, e.line, e.severity, e.code, e.text
        );
    }
    for u in &unexpected {
        problems += &format!(
            "  unexpected {}:{}: {}[{}]: {}\n",
            u.file, u.line, u.severity, u.code, u.text
        );
    }
    if snapshot.is_err() {
        problems += "  rendered output differs from its snapshot (cargo insta review)\n";
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui");
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/ui exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "polic") || (p.is_dir() && !p.ends_with("snapshots"))
        })
        .filter(|p| {
            filter
                .as_ref()
                .is_none_or(|f| p.to_string_lossy().contains(f.as_str()))
        })
        .collect();
    fixtures.sort();
    let mut failed = 0;
    for fixture in &fixtures {
        let name = fixture
            .strip_prefix(&root)
            .unwrap_or(fixture)
            .display()
            .to_string();
        match run(fixture) {
            Ok(()) => println!("ui {name} ... ok"),
            Err(problems) => {
                failed += 1;
                println!("ui {name} ... FAILED\n{problems}");
            }
        }
    }
    println!("\nui: {} passed, {failed} failed", fixtures.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
