//! `polic:` tags in source files of any language, in the editor: hover traces the tagged
//! control to its clauses, go to definition opens it in the policy, diagnostics report
//! unknown or unrequired controls, and completion offers control names after
//! `polic: implements `. A source file is a database [`File`] that is not a workspace
//! member, so positions convert as for policy files; it is never parsed as policy.

use std::fmt::Write;

use polic_diagnostics::{Diagnostic, Span};
use polic_sema::hir::Kind;
use polic_sema::{Db, File, Workspace};
use polic_tags::{Policy, Tag, Target as TagTarget};

use crate::completion::{CompletionItem, CompletionKind, Completions};
use crate::hover::{Hover, Linker, describe_symbol};
use crate::index::Symbol;
use crate::nav::{FileSpan, Target, definition};

/// The tag target under the cursor and the symbol it names there: the obligation when
/// the cursor is on `.obligation`, else the control.
fn symbol_at(db: &dyn Db, file: File, offset: u32) -> Option<(TagTarget, Symbol, Span)> {
    let tags = polic_tags::scan(file.path(db), file.text(db));
    let target = tags
        .tags
        .into_iter()
        .flat_map(|tag| tag.targets.into_iter().chain(tag.closing))
        .find(|target| target.span().contains(offset))?;
    let (symbol, span) = match &target.obligation {
        Some((name, span)) if span.contains(offset) => (
            Symbol::Obligation {
                control: target.control.clone(),
                name: name.clone(),
            },
            *span,
        ),
        _ => (
            Symbol::Item(Kind::Control, target.control.clone()),
            target.control_span,
        ),
    };
    Some((target, symbol, span))
}

/// The control or obligation a tag names at an offset of a source file, and the name's
/// span there: navigation, references and rename start from it.
pub fn tag_symbol(db: &dyn Db, file: File, offset: u32) -> Option<(Symbol, Span)> {
    symbol_at(db, file, offset).map(|(_, symbol, span)| (symbol, span))
}

/// Where the tags of `sources` name a symbol: a control's name (alone or before
/// `.obligation`), or an obligation's name after its control. Other symbols are never
/// tagged.
pub fn tag_occurrences(db: &dyn Db, sources: &[File], symbol: &Symbol) -> Vec<FileSpan> {
    let mut out = Vec::new();
    for &file in sources {
        let tags = polic_tags::scan(file.path(db), file.text(db));
        for target in tags.tags.iter().flat_map(Tag::named) {
            let span = match symbol {
                Symbol::Item(Kind::Control, name) if target.control == *name => {
                    Some(target.control_span)
                }
                Symbol::Obligation { control, name } if target.control == *control => target
                    .obligation
                    .as_ref()
                    .filter(|(obligation, _)| obligation == name)
                    .map(|(_, span)| *span),
                _ => None,
            };
            out.extend(span.map(|span| FileSpan { file, span }));
        }
    }
    out
}

/// The trace of the tagged control (or obligation), and whether the file's app must meet it.
/// `app` is the app the settings name for the file (`polic.toml`), if any.
pub fn tag_hover(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
    app: Option<&str>,
    link: Linker,
) -> Option<Hover> {
    let (target, symbol, span) = symbol_at(db, file, offset)?;
    let mut markdown = describe_symbol(db, workspace, &symbol, link)?;
    let rules = polic_sema::build::rule_set_for_code(db, workspace);
    let policy = Policy::new(rules);
    if let Some(app) = app.or_else(|| policy.app_of(file.path(db))) {
        let required = policy.requires(app, &target.control) == Some(true);
        let _ = write!(
            markdown,
            "\n---\nThis file belongs to app `{app}`, which {} `{}`.\n",
            if required {
                "must meet"
            } else {
                "does not require"
            },
            target.control
        );
    }
    Some(Hover { span, markdown })
}

/// The definition of the tagged control or obligation in the policy.
pub fn tag_definition(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
) -> Option<Target> {
    let (_, symbol, _) = symbol_at(db, file, offset)?;
    definition(db, workspace, &symbol)
}

/// A source file's tag problems, unknown names and controls its app does not require,
/// under the policy's lint levels.
pub fn tag_diagnostics(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    app: Option<&str>,
) -> Vec<Diagnostic> {
    let path = file.path(db);
    let tags = polic_tags::scan(path, file.text(db));
    if tags.is_empty() {
        return Vec::new();
    }
    let rules = polic_sema::build::rule_set_for_code(db, workspace);
    let policy = Policy::new(rules);
    let resolved = policy.resolve(app.or_else(|| policy.app_of(path)), path, &tags);
    polic_sema::finish(resolved.diagnostics, polic_sema::lints(db, workspace))
}

/// What the text before the cursor on its line asks for inside a tag.
enum Context {
    /// After `polic:`: the words that start a tag.
    Word,
    /// After `implements ` or `, `: a control.
    Control,
    /// After `control.`: one of its obligations.
    Obligation(String),
}

fn context(before: &str) -> Option<(Context, usize)> {
    let marker = before.rfind(polic_tags::scan::MARKER)?;
    let after = &before[marker + polic_tags::scan::MARKER.len()..];
    let typed = after
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or(0, |i| i + 1);
    let word_start = before.len() - (after.len() - typed);
    let head = &after[..typed];
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(control) = head.strip_suffix('.') {
        let control = control
            .rsplit(|c: char| c.is_whitespace() || c == ',')
            .next()
            .unwrap_or_default();
        return Some((Context::Obligation(control.to_string()), word_start));
    }
    let verb = words
        .iter()
        .position(|w| *w == "implements" || *w == "tests");
    match verb {
        None if words.iter().all(|w| matches!(*w, "begin" | "file" | "end")) => {
            Some((Context::Word, word_start))
        }
        // A name after the verb, then `,` before the cursor: another control.
        Some(_) if head.trim_end().ends_with(',') || head.ends_with(char::is_whitespace) => {
            let last = words.last().copied().unwrap_or_default();
            let after_verb = matches!(last, "implements" | "tests");
            (after_verb || head.trim_end().ends_with(',')).then_some((Context::Control, word_start))
        }
        _ => None,
    }
}

/// Completion inside a tag: its words, control names (those the file's app must meet
/// first), or a control's obligations.
pub fn tag_completions(
    db: &dyn Db,
    workspace: Workspace,
    file: File,
    offset: u32,
    app: Option<&str>,
) -> Option<Completions> {
    let text = file.text(db);
    let offset = (offset as usize).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (context, word_start) = context(&text[line_start..offset])?;
    let replace = Span::new(line_start + word_start, offset);
    let rules = polic_sema::build::rule_set_for_code(db, workspace);
    let policy = Policy::new(rules);
    let items = match context {
        Context::Word => ["implements", "tests", "begin", "file", "end"]
            .iter()
            .map(|word| CompletionItem {
                label: word.to_string(),
                kind: CompletionKind::Word,
                detail: None,
                insert: format!("{word} "),
                deprecated: false,
            })
            .collect(),
        Context::Control => {
            let app = app.or_else(|| policy.app_of(file.path(db)));
            policy
                .controls_for(app)
                .into_iter()
                .map(|(control, required)| CompletionItem {
                    label: control.name.clone(),
                    kind: CompletionKind::Control,
                    detail: Some(match (app, required) {
                        (Some(app), true) => format!("required of {app}"),
                        (Some(app), false) => format!("not required of {app}"),
                        (None, _) => control.title.clone().unwrap_or_default(),
                    }),
                    insert: control.name.clone(),
                    deprecated: false,
                })
                .collect()
        }
        Context::Obligation(control) => policy
            .control(&control)?
            .obligations
            .iter()
            .map(|obligation| CompletionItem {
                label: obligation.name.clone(),
                kind: CompletionKind::Obligation,
                detail: obligation.title.clone(),
                insert: obligation.name.clone(),
                deprecated: false,
            })
            .collect(),
    };
    Some(Completions {
        replace,
        items,
        incomplete: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(before: &str) -> Option<String> {
        context(before).map(|(context, start)| {
            let what = match context {
                Context::Word => "word".to_string(),
                Context::Control => "control".to_string(),
                Context::Obligation(c) => format!("obligation of {c}"),
            };
            format!("{what} from {start}")
        })
    }

    #[test]
    fn the_text_before_the_cursor_says_what_to_complete() {
        assert_eq!(describe("# polic: "), Some("word from 9".into()));
        assert_eq!(describe("# polic: imp"), Some("word from 9".into()));
        assert_eq!(
            describe("// polic: implements "),
            Some("control from 21".into())
        );
        assert_eq!(
            describe("// polic: implements inp"),
            Some("control from 21".into())
        );
        assert_eq!(
            describe("// polic: begin tests a, b"),
            Some("control from 25".into())
        );
        assert_eq!(
            describe("// polic: implements a.se"),
            Some("obligation of a from 23".into())
        );
        assert_eq!(describe("// polic: implements a because"), None);
        assert_eq!(describe("// nothing here"), None);
    }
}
