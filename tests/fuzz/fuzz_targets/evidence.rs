//! The evidence readers on any text: JSON lines, a SARIF log and a source file's `polic:`
//! tags (scanned, then resolved against the policy), all evaluated against the policy of
//! tests/eval/statuses. Every JSON-lines error names a line of the text; evaluating what was
//! read never fails, the rule set being valid.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use polic_ruleset::RuleSet;
use polic_ruleset::evidence::{self, EvidenceSet};
use polic_syntax::ast::Date;

const TODAY: Date = Date {
    year: 2026,
    month: 6,
    day: 1,
};

/// File names of languages with different comment syntax, and one the scanner reads as
/// plain text.
const SOURCES: [&str; 6] = [
    "src/main.rs",
    "app.py",
    "deploy/main.tf",
    "schema.sql",
    "style.scss",
    "notes.txt",
];

/// Names a SARIF log or a tagged file may be for: the policy's apps and one it lacks.
const APPS: [&str; 4] = ["shop", "ledger", "wiki", "nowhere"];

/// Which source file and apps, then the texts separated by NUL characters: JSON lines, a
/// SARIF log, a source file (so that seeds are the files as they are, joined).
#[derive(Debug, Arbitrary)]
struct Input<'a> {
    source: u8,
    sarif_app: u8,
    /// Past the apps: a file that belongs to no app.
    tag_app: u8,
    texts: &'a str,
}

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let db = polic_sema::Database::default();
        let text = include_str!("../../eval/statuses/policy.polic");
        let workspace = db.workspace(vec![("policy.polic".to_string(), text.to_string())], TODAY);
        polic_sema::build::rule_set(&db, workspace).clone()
    })
}

fuzz_target!(|input: Input<'_>| {
    let rules = rules();
    let mut texts = input.texts.splitn(3, '\0');
    let json_lines = texts.next().unwrap_or_default();
    let sarif = texts.next().unwrap_or_default();
    let source_text = texts.next().unwrap_or_default();
    let mut set = EvidenceSet::default();
    let lines = json_lines.lines().count();
    for error in evidence::read_json_lines("evidence.jsonl", json_lines, &mut set) {
        assert!(
            (1..=lines).contains(&error.line),
            "{error:?} names no line of {lines}"
        );
    }
    let mut scans = Vec::new();
    evidence::read_sarif(
        "scan.sarif",
        APPS[usize::from(input.sarif_app) % APPS.len()],
        sarif,
        TODAY,
        &mut scans,
    );
    let path = SOURCES[usize::from(input.source) % SOURCES.len()];
    let tags = polic_tags::scan::scan(path, source_text);
    for problem in &tags.problems {
        let span = problem.primary.at;
        assert!(
            (span.end as usize) <= source_text.len() && span.start <= span.end,
            "{problem:?} is outside the text"
        );
    }
    let resolved = polic_tags::resolve::Policy::new(rules).resolve(
        APPS.get(usize::from(input.tag_app)).copied(),
        path,
        &tags,
    );
    set.code.extend(resolved.code);
    let options = polic_ruleset::eval::Options {
        at: TODAY,
        fail_above: None,
    };
    if let Err(error) = polic_ruleset::eval::evaluate(rules, &set, &scans, &options) {
        panic!("evidence made a valid rule set fail to evaluate: {error}");
    }
});
