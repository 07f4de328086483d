//! Properties over arbitrary and mutated inputs: the parser and the checker never panic,
//! every diagnostic points inside its file, and checking is deterministic.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;

fn example_files() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/acme");
    polic_tests::read_fixture(&root).into_values().collect()
}

/// Checks one file and asserts what must hold for any input.
fn check_any(text: &str) {
    let files = BTreeMap::from([("input.polic".to_string(), text.to_string())]);
    let first = polic_tests::check(&files);
    for d in &first {
        let len = if d.primary.at.file == "input.polic" {
            text.len()
        } else {
            polic_stdlib::MODULES
                .iter()
                .find(|m| m.path() == d.primary.at.file)
                .map_or(0, |m| m.text.len())
        };
        assert!(
            d.primary.at.span.start <= d.primary.at.span.end,
            "inverted span in {d:?}"
        );
        assert!(
            d.primary.at.span.end as usize <= len,
            "span past the end in {d:?}"
        );
        assert!(
            text.is_char_boundary(d.primary.at.span.start as usize)
                || d.primary.at.file != "input.polic"
        );
    }
    assert_eq!(
        first,
        polic_tests::check(&files),
        "checking twice gives the same diagnostics"
    );
}

/// Words and symbols of the language, so random inputs reach deep into the grammar.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "standard",
            "group",
            "clause",
            "profile",
            "policy",
            "risk",
            "facts",
            "archetype",
            "control",
            "obligation",
            "map",
            "app",
            "waiver",
            "test",
            "import",
            "std.nist80053",
            "and",
            "or",
            "not",
            "in",
            "satisfies",
            "applies-to",
            "when",
            "phase",
            "due",
            "verify",
            "scan",
            "include",
            "exclude",
            "adopt",
            "levels",
            "weight",
            "default",
            "extends",
            "provides",
            "given",
            "expect",
            "required",
            "reason",
            "approved-by",
            "requested-by",
            "expires",
            "for",
            "on",
            "set",
            "of",
            "bool",
            "int",
            "string",
            "{",
            "}",
            "(",
            ")",
            ",",
            ";",
            ":",
            "=",
            "==",
            "!=",
            "<",
            ">=",
            "|",
            ".",
            "#A.8.24",
            "nist80053#ac-2",
            "\"text\"",
            "\"unterminated",
            "42",
            "30d",
            "3m",
            "2027-02-30",
            "2026-01-01",
            "@",
            "/// doc",
            "// c\n",
            "/* b */",
            "\n",
            " ",
            "é",
            "x",
            "service",
            "exposure",
            "internet",
            "{pii, payment}",
        ])
        .prop_map(str::to_string),
        "[a-z#.(){}=|,-]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_token_soup_never_panics(parts in prop::collection::vec(fragment(), 0..60)) {
        check_any(&parts.join(" "));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_any(&text);
    }

    #[test]
    fn mutated_examples_never_panic(
        file in 0usize..64,
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), fragment()), 1..4),
    ) {
        let files = example_files();
        let mut text = files[file % files.len()].clone();
        for (at, len, insert) in cuts {
            let start = at.index(text.len() + 1);
            let end = (start + len.index(40)).min(text.len());
            let (start, end) = (floor_boundary(&text, start), floor_boundary(&text, end));
            text.replace_range(start..end, &insert);
        }
        check_any(&text);
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
