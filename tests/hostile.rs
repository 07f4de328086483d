//! Hostile and unlucky inputs (issue 23): nothing recursive depends on the input's size, and
//! nothing is quadratic in it. Each test runs on a thread with the stack polic's worker
//! threads get (2 MiB: std's and tokio's default, where the language server and the
//! parallel check run; the CLI's main thread has 8 MiB), and in a debug build, whose frames
//! are several times larger than the release binary's.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use polic_diagnostics::{Code, ColorChoice, Renderer};

const STACK: usize = 2 << 20;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn a test thread")
        .join()
        .expect("the test thread does not panic or overflow")
}

fn control(condition: &str) -> String {
    format!(
        "import std.iso27001\nfacts {{ f0: bool, f1: bool }}\narchetype service \"S\" {{}}\n\
         control c \"C\" {{\n  satisfies iso27001#A.8.24\n  applies-to service when {condition}\n  \
         phase build\n  obligation o \"O\"\n}}\n"
    )
}

fn files(text: String) -> BTreeMap<String, String> {
    BTreeMap::from([("hostile.polic".to_string(), text)])
}

/// The codes of the errors (the facts a dropped condition used are unused: hints).
fn codes(text: String) -> Vec<Code> {
    polic_tests::check(&files(text))
        .into_iter()
        .filter(|d| d.severity == polic_diagnostics::Severity::Error)
        .map(|d| d.code)
        .collect()
}

/// Checks and builds the rule set, as `polic check` and `polic build` do.
fn check_and_build(text: String) -> (Vec<Code>, usize) {
    let db = polic_sema::Database::default();
    let workspace = db.workspace(
        vec![("hostile.polic".to_string(), text)],
        polic_tests::TODAY,
    );
    let codes = polic_sema::check(&db, workspace)
        .into_iter()
        .map(|d| d.code)
        .collect();
    let rules = polic_sema::build::rule_set(&db, workspace);
    (codes, rules.controls.len())
}

#[test]
fn long_flat_chains_check_build_and_format() {
    for op in [" or ", " and "] {
        let operands: Vec<&str> = (0..100_000)
            .map(|i| if i % 2 == 0 { "f0" } else { "not f1" })
            .collect();
        let text = control(&operands.join(op));
        let (codes, controls) = on_small_stack({
            let text = text.clone();
            move || check_and_build(text)
        });
        assert!(codes.is_empty(), "{op}: {codes:?}");
        assert_eq!(controls, 1);
        let formatted = on_small_stack(move || {
            polic_fmt::format(&text, &polic_fmt::Options::default()).expect("formats")
        });
        // One operand per line, each after the first led by its operator.
        assert_eq!(formatted.matches(op.trim_start()).count(), 99_999, "{op}");
    }
}

#[test]
fn deep_nesting_is_one_diagnostic() {
    let parens = control(&format!("{}f0{}", "(".repeat(10_000), ")".repeat(10_000)));
    let nots = control(&format!("{}f0", "not ".repeat(10_000)));
    let mixed = control(&format!(
        "{}f0{}",
        "not (".repeat(10_000),
        ")".repeat(10_000)
    ));
    for text in [parens, nots, mixed] {
        let codes = on_small_stack(move || codes(text));
        assert_eq!(codes, vec![Code::NestingTooDeep]);
    }
    // The bound is the documented one: 64 levels are fine.
    let at_bound = control(&format!("{}f0{}", "(".repeat(64), ")".repeat(64)));
    assert_eq!(on_small_stack(move || codes(at_bound)), vec![]);
}

#[test]
fn formatting_a_deeply_nested_file_is_refused_not_a_crash() {
    let text = control(&format!("{}f0{}", "(".repeat(10_000), ")".repeat(10_000)));
    let refusal = on_small_stack(move || {
        polic_fmt::format(&text, &polic_fmt::Options::default()).expect_err("refused")
    });
    assert_eq!(refusal.errors.len(), 1);
    assert_eq!(refusal.errors[0].code, Code::NestingTooDeep);
}

/// Runs `f` on inputs of size n and 4n and asserts it takes less than 8 times longer on
/// the larger: linear (or n log n) passes, quadratic (16 times) fails.
fn assert_near_linear(what: &str, n: usize, f: impl Fn(usize) + Send + Copy + 'static) {
    let time = |n: usize| {
        on_small_stack(move || {
            let start = Instant::now();
            f(n);
            start.elapsed()
        })
    };
    time(n / 4); // warm up
    let (small, large) = (time(n), time(4 * n));
    assert!(
        large < small * 8 + Duration::from_millis(50),
        "{what}: {small:?} for {n}, {large:?} for {}",
        4 * n
    );
}

#[test]
fn unclosed_braces_parse_in_linear_time() {
    assert_near_linear("unclosed `{`", 2_000, |n| {
        let text = format!("app a \"A\" {{\n{}", "{\n".repeat(n));
        let parse = polic_syntax::parse(&text);
        assert!(!parse.errors.is_empty());
    });
}

#[test]
fn rendering_many_diagnostics_reads_the_file_once() {
    assert_near_linear("rendering", 1_000, |n| {
        // Each control lacks `satisfies`: one warning each.
        let text: String = (0..n)
            .map(|i| format!("control c{i} {{\n  applies-to service\n  obligation o\n}}\n"))
            .collect();
        let files = files(text);
        let diagnostics = polic_tests::check(&files);
        assert!(diagnostics.len() >= n);
        let mut renderer = Renderer::new(&files, ColorChoice::Never);
        for diagnostic in &diagnostics {
            renderer.render(diagnostic);
        }
    });
}

#[test]
fn formatting_a_long_chain_is_near_linear() {
    assert_near_linear("fmt", 5_000, |n| {
        let text = control(&vec!["f0"; n].join(" or "));
        polic_fmt::format(&text, &polic_fmt::Options::default()).expect("formats");
    });
}

#[test]
fn a_long_run_of_invalid_characters_is_quoted_short() {
    let text = "@".repeat(1 << 20);
    let diagnostics = polic_syntax::parse(&text).errors;
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, Code::InvalidCharacter);
    assert_eq!(diagnostics[0].primary.at.end, 1 << 20);
    assert_eq!(
        diagnostics[0].message,
        format!("invalid character `{}…`", "@".repeat(40))
    );
}
