//! The formatter on fixtures: each `tests/fmt/NAME.polic` is messy input, and its formatted
//! text is the snapshot `tests/fmt/snapshots/fmt__NAME.snap`. Also: the standard library
//! and the example are in canonical form, and a file with syntax errors is refused.

use std::path::{Path, PathBuf};

use polic_fmt::{Options, format};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn polic_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("directory is readable") {
        let path = entry.expect("entry is readable").path();
        if path.is_dir() {
            polic_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "polic") {
            out.push(path);
        }
    }
}

fn formatted(text: &str, path: &Path) -> String {
    format(text, &Options::default())
        .unwrap_or_else(|refusal| panic!("{}: {refusal}: {:#?}", path.display(), refusal.errors))
}

#[test]
fn fixtures_format_as_in_their_snapshots() {
    let dir = repository().join("tests/fmt");
    let mut fixtures = Vec::new();
    polic_files(&dir, &mut fixtures);
    fixtures.sort();
    assert!(
        fixtures.len() >= 8,
        "fixtures not found under {}",
        dir.display()
    );
    for path in fixtures {
        let input = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        let output = formatted(&input, &path);
        assert_eq!(
            formatted(&output, &path),
            output,
            "{} is not idempotent",
            path.display()
        );
        let name = path
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        insta::with_settings!({
            snapshot_path => dir.join("snapshots"),
            input_file => &path,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, output);
        });
    }
}

/// `polic fmt` changes nothing in the standard library or the example: they show the
/// canonical layout (regenerate them with `polic fmt stdlib examples` after a change to
/// the layout).
#[test]
fn the_standard_library_and_the_example_are_canonical() {
    for module in polic_stdlib::MODULES {
        let path = PathBuf::from(module.path());
        assert!(
            formatted(module.text, &path) == module.text,
            "{} is not formatted: run `polic fmt stdlib`",
            module.name
        );
    }
    let mut examples = Vec::new();
    polic_files(&repository().join("examples"), &mut examples);
    assert!(!examples.is_empty());
    for path in examples {
        let text = std::fs::read_to_string(&path).expect("example is UTF-8");
        assert!(
            formatted(&text, &path) == text,
            "{} is not formatted: run `polic fmt examples`",
            path.display()
        );
    }
}

#[test]
fn syntax_errors_are_refused_not_formatted() {
    let refusal = format("app a \"A\" { owner }\napp b {}\n", &Options::default())
        .expect_err("a syntax error");
    assert_eq!(refusal.errors.len(), 1);
    assert_eq!(
        refusal.to_string(),
        "not formatted: 1 syntax error (the first: unexpected `}`)"
    );
}

#[test]
fn the_line_width_decides_where_lists_break() {
    let text = "control c \"C\" { satisfies a#1, a#2, a#3 }\n";
    let wide = format(text, &Options { line_width: 100 }).expect("formats");
    assert_eq!(wide, "control c \"C\" {\n  satisfies a#1, a#2, a#3\n}\n");
    let narrow = format(text, &Options { line_width: 20 }).expect("formats");
    assert_eq!(
        narrow,
        "control c \"C\" {\n  satisfies\n    a#1,\n    a#2,\n    a#3\n}\n"
    );
}

#[test]
fn a_range_formats_the_items_it_touches() {
    let text = "app a \"A\" {owner \"x\"}\n\n// b\napp b \"B\" {owner \"y\"} // end\napp c {}\n";
    let at = text.find("owner \"y\"").expect("b's owner") as u32;
    let (span, replacement) = polic_fmt::format_range(
        text,
        polic_diagnostics::Span { start: at, end: at },
        &Options::default(),
    )
    .expect("formats")
    .expect("touches an item");
    assert_eq!(
        &text[span.range()],
        "// b\napp b \"B\" {owner \"y\"} // end"
    );
    assert_eq!(replacement, "// b\napp b \"B\" {\n  owner \"y\"\n} // end");
}

#[test]
fn crlf_files_keep_their_line_endings() {
    let text = "/// The shop.\r\napp shop \"Shop\" { owner \"x\" // who\r\n data = {pii} }\r\n";
    let output = format(text, &Options::default()).expect("formats");
    assert_eq!(
        output,
        "/// The shop.\r\napp shop \"Shop\" {\r\n  owner \"x\" // who\r\n  data = {pii}\r\n}\r\n"
    );
    assert_eq!(
        format(&output, &Options::default()).expect("formats"),
        output
    );
    let at = text.find("data").expect("data") as u32;
    let (_, replacement) = polic_fmt::format_range(
        text,
        polic_diagnostics::Span { start: at, end: at },
        &Options::default(),
    )
    .expect("formats")
    .expect("touches the app");
    assert_eq!(replacement, output.trim_end());
}
