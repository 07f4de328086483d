//! polic diagnostics as LSP diagnostics: code, severity, a message with its label, notes,
//! help and did-you-mean, related information from secondary labels, the code's explanation
//! in `data`, and a `codeDescription` link to the code's doc (where the client configured
//! the docs to be, else the repository's docs/diagnostics.md).

use polic_diagnostics::{Code, Severity};
use serde_json::json;
use tower_lsp_server::gen_lsp_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, Uri,
};

use crate::convert;
use crate::state::Snapshot;

/// Every workspace file's diagnostics (empty lists included, so that fixed files are
/// cleared), with the version of the document they were computed for.
pub fn compute(s: &Snapshot) -> Vec<(Uri, Option<i32>, Vec<lsp::Diagnostic>)> {
    let mut by_path = polic_ide::diagnostics_by_path(&s.db, s.workspace);
    // Files that could not be read: their documents are empty, their problem is this.
    for problem in &s.files.problems {
        by_path
            .entry(problem.primary.at.file.clone())
            .or_default()
            .push(problem.clone());
    }
    let mut out = Vec::new();
    for (path, doc) in &s.files.docs {
        let diagnostics = by_path.remove(path).unwrap_or_default();
        out.push((
            Uri(doc.uri.clone()),
            doc.version,
            convert_all(s, &diagnostics),
        ));
    }
    // What is left points into the standard library.
    for (path, diagnostics) in by_path {
        out.push((s.uri_of_path(&path), None, convert_all(s, &diagnostics)));
    }
    for doc in s.files.sources.values() {
        let diagnostics =
            polic_ide::tag_diagnostics(&s.db, s.workspace, doc.file, s.source_app(doc.file));
        out.push((
            Uri(doc.uri.clone()),
            doc.version,
            convert_all(s, &diagnostics),
        ));
    }
    out
}

/// One file's own diagnostics (see [`polic_ide::file_diagnostics`]), ready before the
/// workspace model after an edit.
pub fn compute_file(s: &Snapshot, file: polic_sema::File) -> Vec<lsp::Diagnostic> {
    convert_all(s, &polic_ide::file_diagnostics(&s.db, s.workspace, file))
}

fn convert_all(
    s: &Snapshot,
    diagnostics: &[polic_diagnostics::Diagnostic],
) -> Vec<lsp::Diagnostic> {
    diagnostics.iter().filter_map(|d| to_lsp(s, d)).collect()
}

/// The range of a located span, in its own file's text.
fn located_range(s: &Snapshot, at: &polic_diagnostics::Located) -> Option<lsp::Range> {
    let file = s.file_of_path(&at.file)?;
    let text = file.text(&s.db);
    Some(convert::range(
        text,
        polic_sema::build::line_index(&s.db, file),
        at.span,
        s.encoding,
    ))
}

/// Where diagnostic codes link without `diagnosticsBaseUrl`: docs/diagnostics.md in the
/// source tree polic was built from, while it is there (a binary copied elsewhere links
/// nowhere, and `data.explanation` still carries the text).
fn default_docs_url() -> &'static Option<String> {
    static URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()?
            .join("docs")
            .join("diagnostics.md");
        let docs = docs.canonicalize().ok()?;
        Some(convert::path_to_uri(&docs.to_string_lossy()))
    })
}

pub fn to_lsp(s: &Snapshot, d: &polic_diagnostics::Diagnostic) -> Option<lsp::Diagnostic> {
    let range = located_range(s, &d.primary.at)?;
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: s.uri_of_path(&label.at.file),
                    range: located_range(s, &label.at)?,
                },
                message: label.message.clone(),
            })
        })
        .collect();
    let tags = match d.code {
        Code::Unused => Some(vec![DiagnosticTag::Unnecessary]),
        Code::WithdrawnClause => Some(vec![DiagnosticTag::Deprecated]),
        _ => None,
    };
    let code_description = s
        .config
        .diagnostics_base_url
        .as_deref()
        .or_else(|| default_docs_url().as_deref())
        .map(|base| CodeDescription {
            href: Uri(format!("{base}#{}", d.code.as_str().to_lowercase())),
        });
    Some(lsp::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::Error,
            Severity::Warning => DiagnosticSeverity::Warning,
            Severity::Hint => DiagnosticSeverity::Hint,
        }),
        code: Some(lsp::Code::String(d.code.as_str().to_string())),
        code_description,
        source: Some("polic".to_string()),
        message: lsp::Message::String(d.plain_text()),
        tags,
        related_information: (!related.is_empty()).then_some(related),
        data: Some(json!({
            "name": d.code.name(),
            "explanation": d.code.doc(),
        })),
    })
}
