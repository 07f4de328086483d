//! The IDE analyses on the example organisation and on small sources: hover, navigation,
//! rename, completion, highlighting, folding, lenses, hints and fixes, as snapshots.

use std::fmt::Write;
use std::path::Path;

use insta::assert_snapshot;
use polic_diagnostics::Span;
use polic_ide::*;
use polic_sema::{Database, File, Workspace};

struct Fixture {
    db: Database,
    workspace: Workspace,
}

impl Fixture {
    fn acme() -> Fixture {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme");
        Fixture::new(polic_tests::read_fixture(&root).into_iter().collect())
    }

    fn new(files: Vec<(String, String)>) -> Fixture {
        let db = Database::default();
        let workspace = db.workspace(files, polic_tests::TODAY);
        Fixture { db, workspace }
    }

    fn file(&self, path: &str) -> File {
        self.workspace
            .files(&self.db)
            .iter()
            .chain(self.workspace.stdlib(&self.db).iter().map(|(_, f)| f))
            .copied()
            .find(|f| f.path(&self.db) == path)
            .unwrap_or_else(|| panic!("no file {path}"))
    }

    /// The file and offset of `needle` plus `delta` bytes.
    fn at(&self, path: &str, needle: &str, delta: usize) -> (File, u32) {
        let file = self.file(path);
        let start = file
            .text(&self.db)
            .find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in {path}"));
        (file, (start + delta) as u32)
    }

    /// `path:line:column `text`` for a span.
    fn show(&self, file: File, span: Span) -> String {
        let text = file.text(&self.db);
        let (line, column) = polic_sema::build::line_index(&self.db, file).human(text, span.start);
        format!(
            "{}:{line}:{column} `{}`",
            file.path(&self.db),
            &text[span.range()]
        )
    }
}

#[test]
fn hover_describes_every_kind_of_name() {
    let f = Fixture::acme();
    let mut out = String::new();
    for (path, needle, delta) in [
        ("controls/data.polic", "control crypto-standards", 8),
        ("mappings.polic", "nist80053#sc-13", 10),
        ("apps/payments.polic", "archetype k8s-web-service", 10),
        ("archetypes.polic", "archetype mobile-app", 10),
        ("facts.polic", "exposure:", 0),
        ("controls/appsec.polic", "exposure == partner", 12),
        ("risk.polic", "iso27001.technological", 9),
        ("risk.polic", "= critical", 2),
        ("policy.polic", "adopt acme-baseline", 6),
        ("policy.polic", "policy acme", 7),
        ("policy.polic", "risk acme-risk", 5),
        ("waivers.polic", "waiver bank", 7),
        ("waivers.polic", "on encryption-at-rest", 3),
        ("controls/appsec.polic", "obligation sbom", 11),
        ("policy.polic", "std.asvs5", 4),
        ("mappings.polic", "iso27001#A.8.8", 0),
    ] {
        let (file, offset) = f.at(path, needle, delta);
        let hover = hover(&f.db, f.workspace, file, offset, &|_, _| None)
            .unwrap_or_else(|| panic!("no hover at {needle:?}"));
        let _ = writeln!(
            out,
            "## {}\n\n{}\n",
            f.show(file, hover.span),
            hover.markdown
        );
    }
    assert_snapshot!(out);
}

#[test]
fn definitions_references_and_rename() {
    let f = Fixture::acme();
    let mut out = String::new();
    for (path, needle, delta) in [
        ("apps/payments.polic", "archetype k8s-web-service", 10),
        ("controls/appsec.polic", "nist80053#si-10", 10),
        ("controls/appsec.polic", "nist80053#si-10", 3),
        ("waivers.polic", "on encryption-at-rest", 3),
        ("risk.polic", "asvs5.v6", 7),
        ("policy.polic", "std.nist80053", 4),
        ("controls/appsec.polic", "exposure == partner", 12),
    ] {
        let (file, offset) = f.at(path, needle, delta);
        let target = goto_definition(&f.db, f.workspace, file, offset).expect("a definition");
        let references = references(&f.db, f.workspace, file, offset, false, &[]);
        let _ = writeln!(
            out,
            "{needle} -> {} ({} references, first {})",
            f.show(target.file, target.name),
            references.len(),
            references
                .first()
                .map_or("none".to_string(), |r| f.show(r.file, r.span))
        );
    }
    let (file, offset) = f.at("archetypes.polic", "archetype batch-job", 10);
    let (span, placeholder) = prepare_rename(&f.db, f.workspace, file, offset).expect("renamable");
    let _ = writeln!(out, "\nrename {placeholder} at {}:", f.show(file, span));
    for (file, span, text) in
        rename(&f.db, f.workspace, file, offset, "batch", &[]).expect("renamed")
    {
        let _ = writeln!(out, "  {} -> {text}", f.show(file, span));
    }
    for (path, needle, delta, new_name) in [
        ("controls/appsec.polic", "nist80053#si-10", 10, "si-11"),
        ("policy.polic", "std.nist80053", 4, "nist"),
        ("archetypes.polic", "archetype batch-job", 10, "mobile-app"),
        ("archetypes.polic", "archetype batch-job", 10, "control"),
    ] {
        let (file, offset) = f.at(path, needle, delta);
        let refused = rename(&f.db, f.workspace, file, offset, new_name, &[]).expect_err("refused");
        let _ = writeln!(out, "rename {needle} to {new_name}: {}", refused.0);
    }
    assert_snapshot!(out);
}

/// Completion labels at the `|` in `source`, in a workspace of that file and a schema.
fn complete(source: &str) -> String {
    let cursor = source.find('|').expect("a cursor");
    let text = source.replacen('|', "", 1);
    let schema = "import std.iso27001\n\
                  facts { exposure: internal | internet = internal\n data: set of pii | payment\n regulated: bool = false }\n\
                  archetype service \"Any\" { }\n\
                  control tls \"TLS\" { satisfies iso27001#A.8.24\n applies-to service\n obligation tls-only \"x\" { verify scan \"t\" } }\n\
                  app shop \"Shop\" { archetype service }\n";
    let f = Fixture::new(vec![
        ("schema.polic".into(), schema.into()),
        ("edit.polic".into(), text),
    ]);
    let completions = completions(&f.db, f.workspace, f.file("edit.polic"), cursor as u32, 12);
    let labels: Vec<String> = completions
        .items
        .iter()
        .map(|i| {
            if i.insert == i.label {
                i.label.clone()
            } else {
                format!("{} ({:?})", i.label, i.insert)
            }
        })
        .collect();
    format!(
        "{source:?}\n    -> {}{}",
        labels.join(", "),
        if completions.incomplete { ", ..." } else { "" }
    )
}

#[test]
fn completion_knows_its_context() {
    let cases = [
        "|",
        "con|",
        "control c \"C\" {\n  |\n}",
        "control c \"C\" {\n  applies-to |\n}",
        "control c \"C\" {\n  applies-to service, |\n}",
        "control c \"C\" {\n  applies-to service when |\n}",
        "control c \"C\" {\n  applies-to service when exposure != |\n}",
        "control c \"C\" {\n  applies-to service when exposure in {|}\n}",
        "control c \"C\" {\n  applies-to service when regulated and |\n}",
        "control c \"C\" {\n  satisfies |\n}",
        "control c \"C\" {\n  satisfies iso27001#A.5.1|\n}",
        "control c \"C\" {\n  phase |\n}",
        "control c \"C\" {\n  remediation { |\n}",
        "control c \"C\" {\n  obligation o \"O\" { verify | }\n}",
        "app a \"A\" {\n  |\n}",
        "app a \"A\" {\n  archetype |\n}",
        "app a \"A\" {\n  exposure = |\n}",
        "app a \"A\" {\n  data = {pii, |}\n}",
        "archetype a \"A\" |",
        "waiver w for |",
        "waiver w for shop on |",
        "waiver w for shop on tls.|",
        "import |",
        "import std.|",
        "profile p \"P\" { include iso27001.| }",
        "policy p \"P\" {\n  lint |\n}",
        "policy p \"P\" {\n  lint unused = |\n}",
        "policy p \"P\" {\n  risk |\n}",
        "risk r { levels { low = 1, high = 5 }\n  weight iso27001#A.8.24 = |\n}",
        "test \"t\" {\n  given app |\n}",
        "test \"t\" {\n  expect not |\n}",
        "// a comment |",
        "app a \"A |\" {}",
    ];
    let out: Vec<String> = cases.iter().map(|c| complete(c)).collect();
    assert_snapshot!(out.join("\n"));
}

/// A character of several bytes right before a standard's name, with a clause's title being
/// typed after the `#`: completion sliced inside the character and panicked (found by the
/// language server chaos test, tests/lsp/test_chaos.py).
#[test]
fn completion_of_a_title_after_a_character_of_several_bytes() {
    let labels = |source: &str| {
        let shown = complete(source);
        shown.split_once("->").map(|(_, labels)| labels.to_string())
    };
    assert_eq!(
        labels("control c \"C\" {\n  satisfies 😀iso27001#access con|\n}"),
        labels("control c \"C\" {\n  satisfies iso27001#access con|\n}"),
    );
    assert_eq!(
        labels("control c \"C\" {\n  satisfies é#access con|\n}"),
        Some(" ".to_string())
    );
}

#[test]
fn highlighting_and_folding() {
    let source = "import std.iso27001\nimport std.asvs5\n\n/// Docs\n/// more docs\nfacts { exposure: internal | internet = internal }\n\
                  /* a block\n   comment */\narchetype service \"Any\" { }\n\
                  control tls \"TLS\" {\n  satisfies iso27001#A.8.24\n  applies-to service when exposure == internet\n  due 30d\n  phase test\n  obligation o \"O\" {\n    verify test \"t\"\n  }\n}\n\
                  waiver w for a on tls { expires 2027-01-01 }\n";
    let f = Fixture::new(vec![("a.polic".into(), source.into())]);
    let file = f.file("a.polic");
    let mut out = String::new();
    for h in highlights(&f.db, f.workspace, file) {
        let mut flags = Vec::new();
        for (set, name) in [
            (h.definition, "def"),
            (h.documentation, "doc"),
            (h.stdlib, "std"),
        ] {
            if set {
                flags.push(name);
            }
        }
        let _ = writeln!(
            out,
            "{:?} {} {}",
            h.kind,
            flags.join(","),
            f.show(file, h.span).replace('\n', "\\n")
        );
    }
    out.push('\n');
    for fold in folding_ranges(&f.db, file) {
        let _ = writeln!(
            out,
            "{:?} {} .. {}",
            fold.kind,
            f.show(
                file,
                Span {
                    start: fold.start,
                    end: fold.start
                }
            ),
            f.show(
                file,
                Span {
                    start: fold.end,
                    end: fold.end
                }
            )
        );
    }
    assert_snapshot!(out);
}

#[test]
fn lenses_hints_symbols_and_outline() {
    let f = Fixture::acme();
    let mut out = String::new();
    let file = f.file("controls/data.polic");
    for lens in code_lenses(&f.db, f.workspace, file) {
        let _ = writeln!(out, "lens {}: {}", f.show(file, lens.span), lens.title);
    }
    let iso = f.file("<stdlib>/iso27001.polic");
    for lens in code_lenses(&f.db, f.workspace, iso).iter().take(6) {
        let _ = writeln!(out, "lens {}: {}", f.show(iso, lens.span), lens.title);
    }
    let risk = f.file("risk.polic");
    for hint in inlay_hints(&f.db, f.workspace, risk, Span::new(0, 10_000)) {
        let _ = writeln!(
            out,
            "hint {}: {}",
            f.show(
                risk,
                Span {
                    start: hint.offset,
                    end: hint.offset
                }
            ),
            hint.label
        );
    }
    for symbol in workspace_symbols(&f.db, f.workspace, "crypt", 8) {
        let _ = writeln!(
            out,
            "symbol {} ({}){}: {}",
            symbol.name,
            symbol.symbol.describe(),
            symbol.detail.map_or(String::new(), |c| format!(" — {c}")),
            f.show(symbol.at.file, symbol.at.span)
        );
    }
    fn outline(f: &Fixture, file: File, defs: &[Definition], depth: usize, out: &mut String) {
        for def in defs {
            let _ = writeln!(
                out,
                "{}{} {}",
                "  ".repeat(depth),
                def.symbol.describe(),
                f.show(file, def.name)
            );
            outline(f, file, &def.children, depth + 1, out);
        }
    }
    outline(
        &f,
        file,
        &document_symbols(&f.db, f.workspace, file),
        0,
        &mut out,
    );
    assert_snapshot!(out);
}

#[test]
fn quick_fixes() {
    let source = "archetype service \"Any\" { }\n\
                  control tls \"TLS\" {\n  applies-to servise\n}\n\
                  app a \"A\" { archetype service }\n\
                  waiver w for a on tls {\n  reason \"r\"\n  requested-by \"x\"\n  approved-by \"y\"\n  expires 2020-01-01\n}\n";
    let f = Fixture::new(vec![("a.polic".into(), source.into())]);
    let file = f.file("a.polic");
    let mut out = String::new();
    for fix in code_actions(&f.db, f.workspace, file, Span::new(0, source.len())) {
        let _ = writeln!(
            out,
            "{} [{}] preferred={}",
            fix.title,
            fix.diagnostic.code.as_str(),
            fix.preferred
        );
        for (file, span, text) in fix.edits {
            let _ = writeln!(out, "  at {}: {text:?}", f.show(file, span));
        }
    }
    assert_snapshot!(out);
}

#[test]
fn diagnostics_by_path_are_the_checkers_and_file_diagnostics_agree_where_the_model_is_silent() {
    // a.polic and b.polic: only what resolving each finds (a lint re-levelled by the policy
    // among it); c.polic: a duplicate, which only the workspace model sees.
    let files = vec![
        (
            "a.polic".to_string(),
            "control c \"C\" { applies-to nowhere }\n".to_string(),
        ),
        ("b.polic".to_string(), "app x \"X\" { }\n".to_string()),
        (
            "c.polic".to_string(),
            "policy q \"Q\" { lint control-satisfies-nothing = error }\ncontrol c \"C2\" { }\n"
                .to_string(),
        ),
    ];
    let f = Fixture::new(files);
    let all = polic_sema::check(&f.db, f.workspace);
    let by_path = diagnostics_by_path(&f.db, f.workspace);
    let grouped: Vec<_> = by_path.values().flatten().cloned().collect();
    assert_eq!(grouped, all);
    let model_paths = model_diagnostic_paths(&f.db, f.workspace);
    assert_eq!(model_paths.iter().collect::<Vec<_>>(), ["c.polic"]);
    for path in ["a.polic", "b.polic"] {
        let own = file_diagnostics(&f.db, f.workspace, f.file(path));
        assert_eq!(own, by_path[path], "{path}");
        assert!(!own.is_empty());
    }
    let relevelled = &by_path["a.polic"]
        .iter()
        .find(|d| d.code.as_str() == "P0403")
        .expect("P0403");
    assert_eq!(relevelled.severity, polic_diagnostics::Severity::Error);
}
