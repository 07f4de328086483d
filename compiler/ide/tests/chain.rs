//! The audit chain in the editor and code tags in navigation, on inline fixtures: files
//! after `//- PATH` lines, the cursor at `$0`. Files whose path does not end in `.polic`
//! are source files, read for their `polic:` tags only.

use std::fmt::Write;

use insta::assert_snapshot;
use polic_diagnostics::Span;
use polic_ide::*;
use polic_sema::{Database, File, Origin, Workspace};

const POLICY: &str = r#"
//- standards.polic
standard acme "Acme rules" {
  clause #OPS-1 "Patch within a month"
  clause #OPS-2 "Encrypt in transit"
}
standard iso "ISO-like" {
  clause #T.1 "Vulnerability management"
}
map acme#OPS-1 = iso#T.1
policy p "P" {
  adopt acme
  adopt iso
}
//- platform.polic
archetype service "Any service" { }
archetype paved "Paved road" extends service { provides patching }
//- controls.polic
control patching "Patch dependencies" {
  satisfies acme#OPS-1
  applies-to service
  obligation cves "Fix known CVEs" { verify scan "trivy" }
}
control tls "TLS" {
  satisfies iso#T.1
  applies-to paved
}
//- apps.polic
app shop "Shop" { archetype service }
app wallet "Wallet" { archetype paved }
"#;

struct Fixture {
    db: Database,
    workspace: Workspace,
    sources: Vec<File>,
    /// The file and offset of `$0`.
    cursor: Option<(File, u32)>,
}

impl Fixture {
    fn new(text: &str) -> Fixture {
        let mut policy = Vec::new();
        let mut sources = Vec::new();
        let mut cursor_in = None;
        for chunk in text.split("//- ").skip(1) {
            let (path, body) = chunk.split_once('\n').expect("a path line");
            let (body, cursor) = match body.find("$0") {
                Some(at) => (body.replacen("$0", "", 1), Some(at)),
                None => (body.to_string(), None),
            };
            if let Some(at) = cursor {
                cursor_in = Some((path.to_string(), at as u32));
            }
            if path.ends_with(".polic") {
                policy.push((path.to_string(), body));
            } else {
                sources.push((path.to_string(), body));
            }
        }
        let db = Database::default();
        let workspace = db.workspace(policy, polic_tests::TODAY);
        let sources: Vec<File> = sources
            .into_iter()
            .map(|(path, text)| File::new(&db, path, text.into(), Origin::Workspace))
            .collect();
        let mut f = Fixture {
            db,
            workspace,
            sources,
            cursor: None,
        };
        f.cursor = cursor_in.map(|(path, at)| (f.file(&path), at));
        f
    }

    fn file(&self, path: &str) -> File {
        self.workspace
            .files(&self.db)
            .iter()
            .chain(&self.sources)
            .copied()
            .find(|f| f.path(&self.db) == path)
            .unwrap_or_else(|| panic!("no file {path}"))
    }

    fn cursor(&self) -> (File, u32) {
        self.cursor.expect("a $0 in the fixture")
    }

    /// `path:line:column `text``.
    fn show(&self, file: File, span: Span) -> String {
        let text = file.text(&self.db);
        let (line, column) = polic_sema::build::line_index(&self.db, file).human(text, span.start);
        format!(
            "{}:{line}:{column} `{}`",
            file.path(&self.db),
            &text[span.range()]
        )
    }

    /// Links as `path:line`, as the language server makes them URI#Lline.
    fn link(&self, file: File, span: Span) -> Option<String> {
        let line = polic_sema::build::line_index(&self.db, file)
            .line_col(span.start)
            .line
            + 1;
        Some(format!("{}:{line}", file.path(&self.db)))
    }
}

/// The policy with `$0` put after the first `needle` plus `delta` bytes in `path`.
fn with_cursor(path: &str, needle: &str, delta: usize) -> String {
    let header = format!("//- {path}\n");
    let start = POLICY.find(&header).expect("the file") + header.len();
    let at = start + POLICY[start..].find(needle).expect("the needle") + delta;
    format!("{}$0{}", &POLICY[..at], &POLICY[at..])
}

#[test]
fn hover_shows_the_chain_with_links() {
    let mut out = String::new();
    for (path, needle, delta) in [
        // A clause with a mapping to it: its controls, directly and through the map, and
        // the apps that need it.
        ("standards.polic", "#T.1", 1),
        ("standards.polic", "#OPS-1", 1),
        // A control: its clauses (mapped ones marked), archetypes and apps (provided for
        // one of them).
        ("controls.polic", "control patching", 8),
    ] {
        let f = Fixture::new(&with_cursor(path, needle, delta));
        let (file, offset) = f.cursor();
        let link = |file, span| f.link(file, span);
        let hover = hover(&f.db, f.workspace, file, offset, &link).expect("a hover");
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
fn lenses_carry_the_locations_they_count() {
    let f = Fixture::new(POLICY);
    let mut out = String::new();
    for path in ["controls.polic", "standards.polic"] {
        let file = f.file(path);
        for lens in code_lenses(&f.db, f.workspace, file) {
            let shown: Vec<String> = lens
                .locations
                .iter()
                .map(|at| f.show(at.file, at.span))
                .collect();
            let _ = writeln!(
                out,
                "{}: {} -> [{}]",
                f.show(file, lens.span),
                lens.title,
                shown.join(", ")
            );
        }
    }
    assert_snapshot!(out);
}

const TAGGED: &str = r#"
//- src/checkout.ts
// polic: implements patching
export function update() {}
// polic: tests patching.cves, tls
test("cves", () => {});
// polic: begin implements patching.cves
export function lock() {}
// polic: end implements patching.cves
//- src/notes.md
<!-- polic: implements tls -->
"#;

#[test]
fn references_and_rename_reach_the_tags_in_code() {
    let text = format!(
        "{}{TAGGED}",
        with_cursor("controls.polic", "control patching", 8)
    );
    let f = Fixture::new(&text);
    let (file, offset) = f.cursor();
    let mut out = String::new();
    for at in references(&f.db, f.workspace, file, offset, true, &f.sources) {
        let _ = writeln!(out, "reference {}", f.show(at.file, at.span));
    }
    for (file, span, new) in
        rename(&f.db, f.workspace, file, offset, "patch-deps", &f.sources).expect("renamed")
    {
        let _ = writeln!(out, "rename {} -> {new}", f.show(file, span));
    }
    // From a tag's obligation in code: the obligation, in the policy and in the tag.
    let ts = f.file("src/checkout.ts");
    let at = ts.text(&f.db).find("cves").expect("the tag") as u32 + 1;
    let (symbol, span) = tag_symbol(&f.db, ts, at).expect("a tag target");
    let _ = writeln!(out, "tag at {}: {}", f.show(ts, span), symbol.name());
    for (file, span, new) in
        rename_symbol(&f.db, f.workspace, &symbol, "patch-cves", &f.sources).expect("renamed")
    {
        let _ = writeln!(out, "rename {} -> {new}", f.show(file, span));
    }
    assert_snapshot!(out);
}

#[test]
fn clause_completion_matches_titles_ranked_after_ids() {
    let mut out = String::new();
    for source in [
        "control c \"C\" { satisfies iso27001#crypto$0 }",
        "control c \"C\" { satisfies nist80053#account manag$0 }",
        "control c \"C\" { satisfies iso27001#A.8.2$0 }",
    ] {
        let text = format!("//- a.polic\nimport std.iso27001\nimport std.nist80053\n{source}\n");
        let f = Fixture::new(&text);
        let (file, offset) = f.cursor();
        let completions = completions(&f.db, f.workspace, file, offset, 5);
        let items: Vec<String> = completions
            .items
            .iter()
            .map(|i| format!("{} ({})", i.label, i.detail.as_deref().unwrap_or("")))
            .collect();
        let _ = writeln!(
            out,
            "{source}\n  replaces `{}`{}\n  {}",
            &file.text(&f.db)[completions.replace.range()],
            if completions.incomplete {
                ", incomplete"
            } else {
                ""
            },
            items.join("\n  ")
        );
    }
    assert_snapshot!(out);
}

#[test]
fn highlights_mark_the_definition_as_a_write() {
    let text = POLICY.replace(
        "map acme#OPS-1 = iso#T.1",
        "map acme#OPS-1 = iso#T$0.1\nmap acme#OPS-2 = iso#T.1",
    );
    let f = Fixture::new(&text);
    let (file, offset) = f.cursor();
    let mut out = String::new();
    for (span, write) in document_highlights(&f.db, f.workspace, file, offset) {
        let kind = if write { "write" } else { "read" };
        let _ = writeln!(out, "{kind} {}", f.show(file, span));
    }
    assert_snapshot!(out);
}

#[test]
fn selection_ranges_follow_the_syntax_tree() {
    let f = Fixture::new(&with_cursor("controls.polic", "verify scan \"trivy\"", 2));
    let (file, offset) = f.cursor();
    let mut out = String::new();
    let spans = selection_ranges(&f.db, file, offset);
    for pair in spans.windows(2) {
        assert!(pair[1].start <= pair[0].start && pair[0].end <= pair[1].end);
    }
    for span in spans {
        let _ = writeln!(out, "{}", f.show(file, span).replace('\n', "\\n"));
    }
    assert_snapshot!(out);
}
