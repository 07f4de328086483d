//! Scanning never panics and only reports what is there: on arbitrary text made of the
//! pieces that matter (comment and string delimiters, escapes, tag words, non-ASCII), in
//! every comment syntax.

use proptest::prelude::*;

const PIECES: &[&str] = &[
    "//",
    "/*",
    "*/",
    "#",
    "--",
    "<!--",
    "-->",
    "{-",
    "-}",
    "--[[",
    "]]",
    ";",
    "\"",
    "'",
    "`",
    "\"\"\"",
    "'''",
    "\\",
    "\n",
    "\r\n",
    " ",
    "\t",
    "polic:",
    " implements ",
    " tests ",
    "begin ",
    "end",
    "file ",
    "ctl",
    "ctl.ob",
    ",",
    ".",
    "é",
    "☕",
    "x",
    "{",
    "}",
    "@a",
];

const PATHS: &[&str] = &[
    "a.py",
    "a.rs",
    "a.go",
    "a.ts",
    "a.sql",
    "a.lua",
    "a.hs",
    "a.html",
    "a.css",
    "a.php",
    "a.ini",
    "a.tf",
    "notes.txt",
    "Makefile",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn scanning_any_text_is_total_and_faithful(text in text(), path in prop::sample::select(PATHS)) {
        let found = polic_tags::scan(path, &text);
        let lines = text.lines().count().max(1) as u32;
        for tag in &found.tags {
            prop_assert!(text[tag.span.range()].starts_with("polic:"));
            prop_assert!(tag.lines.0 >= 1 && tag.lines.0 <= tag.lines.1);
            prop_assert!(tag.lines.1 <= lines + 1);
            for target in &tag.targets {
                prop_assert_eq!(&text[target.control_span.range()], target.control.as_str());
            }
        }
        for problem in &found.problems {
            prop_assert!(problem.primary.at.end as usize <= text.len());
        }
        prop_assert_eq!(&polic_tags::scan(path, &text), &found);
    }
}
