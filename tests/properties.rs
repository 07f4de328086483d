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

/// A random condition over the schema of `ENGINE_POLICY`.
fn condition() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec!["internal", "partner", "internet"])
            .prop_map(|v| format!("exposure == {v}")),
        prop::sample::select(vec!["internal", "partner", "internet"])
            .prop_map(|v| format!("exposure != {v}")),
        prop::sample::select(vec!["low", "medium", "high"])
            .prop_map(|v| format!("criticality >= {v}")),
        prop::sample::select(vec!["low", "medium", "high"])
            .prop_map(|v| format!("criticality < {v}")),
        prop::sample::select(vec!["public", "pii", "payment"]).prop_map(|v| format!("{v} in data")),
        prop::sample::select(vec!["public", "pii", "payment"])
            .prop_map(|v| format!("{v} not in data")),
        Just("exposure in {partner, internet}".to_string()),
        Just("regulated".to_string()),
        Just("regulated == false".to_string()),
        (0i64..100).prop_map(|n| format!("users > {n}")),
        Just("team == \"core\"".to_string()),
    ];
    atom.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

const ENGINE_POLICY: &str = r#"
facts {
  exposure: internal | partner | internet = internal
  data: set of public | pii | payment
  criticality: low | medium | high = medium
  regulated: bool
  users: int
  team: string
}
archetype service "Service" { }
archetype web "Web" extends service { exposure = internet }
archetype batch "Batch" { }
"#;

/// A random app: an archetype and any subset of facts.
fn app() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["service", "web", "batch"]),
        prop::option::of(prop::sample::select(vec![
            "internal", "partner", "internet",
        ])),
        prop::option::of(prop::sample::subsequence(
            vec!["public", "pii", "payment"],
            0..=3,
        )),
        prop::option::of(prop::sample::select(vec!["low", "medium", "high"])),
        prop::option::of(any::<bool>()),
        prop::option::of(0i64..100),
        prop::option::of(prop::sample::select(vec!["core", "edge"])),
    )
        .prop_map(
            |(archetype, exposure, data, criticality, regulated, users, team)| {
                let mut lines = vec![format!("archetype {archetype}")];
                // A web app's exposure is fixed by its archetype.
                if archetype != "web" {
                    lines.extend(exposure.map(|e| format!("exposure = {e}")));
                }
                lines.extend(data.map(|d| format!("data = {{{}}}", d.join(", "))));
                lines.extend(criticality.map(|c| format!("criticality = {c}")));
                lines.extend(regulated.map(|r| format!("regulated = {r}")));
                lines.extend(users.map(|u| format!("users = {u}")));
                lines.extend(team.map(|t| format!("team = \"{t}\"")));
                lines.join("; ")
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The evaluator (columns of facts, conditions as bitsets over all apps, from the rule
    /// set alone) agrees with the naive reading of the source (each condition evaluated per
    /// app over the syntax-derived model).
    #[test]
    fn evaluator_agrees_with_the_naive_model(
        conditions in prop::collection::vec((prop::sample::select(vec!["service", "web", "batch"]), condition()), 1..6),
        apps in prop::collection::vec(app(), 1..12),
    ) {
        let mut text = ENGINE_POLICY.to_string();
        for (i, (archetype, when)) in conditions.iter().enumerate() {
            text += &format!(
                "control c{i} \"C\" {{ applies-to {archetype} when {when}\n obligation o \"O\" {{ verify test \"t\" }} }}\n"
            );
        }
        for (i, body) in apps.iter().enumerate() {
            text += &format!("app a{i} \"A\" {{ {body} }}\n");
        }
        let db = polic_sema::Database::default();
        let workspace = db.workspace(vec![("p.polic".into(), text.clone())], polic_tests::TODAY);
        let errors: Vec<_> = polic_sema::check(&db, workspace)
            .into_iter()
            .filter(|d| d.severity == polic_diagnostics::Severity::Error)
            .collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{text}");
        let model = polic_sema::model::model(&db, workspace);
        let rules = polic_sema::build::rule_set(&db, workspace);
        let candidates = polic_ruleset::eval::candidates(rules);
        let engine = polic_ruleset::eval::applicability(rules, &candidates).expect("evaluates");
        for (c, control) in rules.controls.iter().enumerate() {
            for (a, app) in rules.apps.iter().enumerate() {
                let naive = model.app_requirement(&model.apps[&app.name], &model.controls[&control.name]).is_some();
                prop_assert_eq!(engine.required[c].get(a), naive, "{} for {}\n{}", control.name, app.name, text);
            }
        }
    }
}

/// The sources the formatter's properties run over, each a workspace: the example, every
/// standard-library module on its own, and a generated workspace of `lines` lines.
fn formatter_workspace(source: usize, lines: usize) -> Vec<(String, String)> {
    let modules = polic_stdlib::MODULES;
    match source {
        0 => {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/acme");
            polic_tests::read_fixture(&root).into_iter().collect()
        }
        n if n <= modules.len() => {
            let module = &modules[n - 1];
            vec![(format!("{}.polic", module.name), module.text.to_string())]
        }
        _ => polic_tests::generate::workspace(lines),
    }
}

/// `text` laid out anew at random between its tokens: the gap as it was, a space, line
/// breaks, blank lines, or a new line or block comment. Never inside a token, never a
/// comment between a doc comment and what it documents (that would detach it), and always
/// a line break after a line comment. One time in four, with CRLF line endings.
fn relayout(text: &str, choices: &[u8], salt: usize) -> String {
    use polic_syntax::lexer::Token;
    let tokens = polic_syntax::lexer::lex(text);
    let mut out = String::with_capacity(text.len() * 2);
    let mut end = 0;
    for (i, &(_, span)) in tokens.iter().enumerate() {
        let gap = &text[end..span.start as usize];
        let previous = i.checked_sub(1).map(|p| tokens[p].0);
        let after_line_comment = matches!(previous, Some(Token::LineComment | Token::DocComment));
        let after_doc = previous == Some(Token::DocComment);
        let choice = choices[(i + salt) % choices.len()];
        let n = i + salt * 100_000;
        let newline = if after_line_comment { "\n" } else { "" };
        match choice {
            _ if i == 0 => out.push_str(gap),
            0..=139 => out.push_str(gap),
            140..=159 => out.push_str(if after_line_comment { "\n" } else { " " }),
            160..=179 => out.push('\n'),
            180..=189 => out.push_str("\n\n\n"),
            190..=209 if !after_doc => out.push_str(&format!("{newline} /* c{n} */ ")),
            210..=229 if !after_doc => out.push_str(&format!("{newline} // c{n}\n")),
            230..=255 if !after_doc => out.push_str(&format!("{newline}\n\n  // c{n}\n\n")),
            _ => out.push_str(gap),
        }
        out.push_str(&text[span.range()]);
        end = span.end as usize;
    }
    out.push_str(&text[end..]);
    if choices.len().is_multiple_of(4) {
        out = out.replace('\n', "\r\n");
    }
    out
}

/// Every comment's text, in order.
fn comment_texts(text: &str) -> Vec<&str> {
    polic_syntax::lexer::lex(text)
        .into_iter()
        .filter(|(tok, _)| tok.is_trivia())
        .map(|(_, span)| &text[span.range()])
        .collect()
}

/// The rule set of a workspace as JSON, every `source` location blanked: what the policy
/// means, not where it is written.
fn meaning(files: &[(String, String)]) -> serde_json::Value {
    fn blank_sources(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if key == "source" {
                        *inner = serde_json::Value::Null;
                    } else {
                        blank_sources(inner);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(blank_sources),
            _ => {}
        }
    }
    let db = polic_sema::Database::default();
    let workspace = db.workspace(files.to_vec(), polic_tests::TODAY);
    let rules = polic_sema::build::rule_set(&db, workspace);
    let mut json = serde_json::to_value(rules).expect("a rule set is JSON");
    blank_sources(&mut json);
    json
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Formatting the example, the standard library and generated workspaces, each laid
    /// out anew at random first: idempotent, every comment kept in order, the same syntax
    /// tree for every file and the same rule set for the workspace.
    #[test]
    fn formatting_is_idempotent_and_keeps_comments_and_meaning(
        source in 0usize..=polic_stdlib::MODULES.len() + 1,
        lines in 200usize..2_000,
        choices in prop::collection::vec(any::<u8>(), 1..64),
        line_width in prop::sample::select(vec![40usize, 60, 100, 120]),
    ) {
        let options = polic_fmt::Options { line_width };
        let original = formatter_workspace(source, lines);
        let messy: Vec<(String, String)> = original
            .iter()
            .enumerate()
            .map(|(salt, (path, text))| (path.clone(), relayout(text, &choices, salt)))
            .collect();
        let mut formatted = Vec::new();
        for (path, text) in &messy {
            let parse = polic_syntax::parse(text);
            prop_assert!(parse.errors.is_empty(), "{path} was laid out into errors:\n{text}");
            let once = polic_fmt::format(text, &options).expect("no syntax errors");
            let twice = polic_fmt::format(&once, &options).expect("formatted text parses");
            prop_assert_eq!(&twice, &once, "{} is not idempotent", path);
            prop_assert_eq!(comment_texts(&once), comment_texts(text), "{} lost comments", path);
            prop_assert!(
                polic_syntax::parse(&once).tree == parse.tree,
                "{path} changed meaning:\n{text}\n---\n{once}"
            );
            formatted.push((path.clone(), once));
        }
        prop_assert_eq!(meaning(&formatted), meaning(&messy));
    }
}
