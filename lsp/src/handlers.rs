//! Request handlers: each takes a snapshot and the request's parameters and returns the
//! response, converting between editor positions and byte offsets at the edges. They run on
//! blocking threads (see `server::Backend::run`), so they may take their time and may be
//! cancelled by salsa at any query.

use std::collections::HashMap;

use polic_ide::{CompletionKind, HighlightKind, Symbol};
use polic_sema::File;
use polic_sema::hir::Kind;
use serde_json::json;
use tower_lsp_server::gen_lsp_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionResponse, CodeLens, Command,
    CompletionItemKind, CompletionList, CompletionResponse, DocumentChange, DocumentSymbol,
    DocumentSymbolResponse, Edit, FoldingRange, FoldingRangeKind, Hover, InlayHint, Location,
    MarkupContent, MarkupKind, OptionalVersionedTextDocumentIdentifier, Position,
    PrepareRenamePlaceholder, PrepareRenameResult, SemanticToken, SemanticTokenModifiers,
    SemanticTokenTypes, SemanticTokens, SemanticTokensLegend, SymbolKind, TextDocumentEdit,
    TextDocumentIdentifier, TextEdit, Uri, WorkspaceEdit, WorkspaceSymbol, WorkspaceSymbolResponse,
};
use tower_lsp_server::jsonrpc::{Error, Result};

use crate::convert;
use crate::state::Snapshot;

/// At most this many completion items per response: a screenful many times over; the
/// client asks again as the user types (the list says it is incomplete).
const COMPLETION_LIMIT: usize = 100;

/// The client command a code lens runs to show its locations, with the document's URI, the
/// lens's position and the locations (as `editor.action.showReferences` takes them).
pub const SHOW_REFERENCES: &str = "polic.showReferences";

/// At most this many workspace symbols per search.
const SYMBOL_LIMIT: usize = 200;

impl Snapshot {
    fn offset(&self, file: File, position: Position) -> u32 {
        convert::offset(
            file.text(&self.db),
            polic_sema::build::line_index(&self.db, file),
            position,
            self.encoding,
        )
    }

    fn position(&self, file: File, offset: u32) -> Position {
        convert::position(
            file.text(&self.db),
            polic_sema::build::line_index(&self.db, file),
            offset,
            self.encoding,
        )
    }

    pub(crate) fn range(&self, file: File, span: polic_diagnostics::Span) -> lsp::Range {
        convert::range(
            file.text(&self.db),
            polic_sema::build::line_index(&self.db, file),
            span,
            self.encoding,
        )
    }

    fn location(&self, file: File, span: polic_diagnostics::Span) -> Location {
        Location {
            uri: self.uri(file),
            range: self.range(file, span),
        }
    }

    /// The source file (not policy) and byte offset of a text document position.
    fn source_at(&self, params: &lsp::TextDocumentPositionParams) -> Option<(File, u32)> {
        let file = self.source(&params.text_document.uri)?;
        Some((file, self.offset(file, params.position)))
    }

    /// The source files read for their tags: open ones and those scanned from disk.
    fn source_files(&self) -> Vec<File> {
        self.files.sources.values().map(|doc| doc.file).collect()
    }

    /// A link to a definition for hover Markdown: its URI with the line (`#L12`), which
    /// editors open at that line.
    fn link(&self, file: File, span: polic_diagnostics::Span) -> Option<String> {
        let line = self.range(file, span).start.line + 1;
        Some(format!("{}#L{line}", self.uri(file).0.as_str()))
    }

    /// The symbol at a position of a policy file or of a tag in a source file, with the
    /// span of its name there.
    fn symbol_at(
        &self,
        params: &lsp::TextDocumentPositionParams,
    ) -> Option<(File, Symbol, polic_diagnostics::Span)> {
        if let Some((file, offset)) = self.source_at(params) {
            let (symbol, span) = polic_ide::tag_symbol(&self.db, file, offset)?;
            return Some((file, symbol, span));
        }
        let (file, offset) = self.at(params)?;
        let occurrence = polic_ide::file_index(&self.db, self.workspace, file)
            .at(offset)?
            .clone();
        Some((file, occurrence.symbol, occurrence.span))
    }

    /// The file and byte offset of a text document position.
    fn at(&self, params: &lsp::TextDocumentPositionParams) -> Option<(File, u32)> {
        let file = self.file(&params.text_document.uri)?;
        Some((file, self.offset(file, params.position)))
    }

    /// Edits as a workspace edit: ordered document changes when the client takes them
    /// (deterministic), else the map of changes.
    fn workspace_edit(&self, edits: Vec<(File, polic_diagnostics::Span, String)>) -> WorkspaceEdit {
        let mut by_file: Vec<(File, Vec<TextEdit>)> = Vec::new();
        for (file, span, new_text) in edits {
            let edit = TextEdit {
                range: self.range(file, span),
                new_text,
            };
            match by_file.iter_mut().find(|(f, _)| *f == file) {
                Some((_, list)) => list.push(edit),
                None => by_file.push((file, vec![edit])),
            }
        }
        if self.document_changes {
            let changes = by_file
                .into_iter()
                .map(|(file, edits)| {
                    DocumentChange::TextDocumentEdit(TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            version: {
                                let path = file.path(&self.db).as_str();
                                let files = &self.files;
                                files
                                    .docs
                                    .get(path)
                                    .or_else(|| files.sources.get(path))
                                    .and_then(|d| d.version)
                            },
                            text_document_identifier: TextDocumentIdentifier {
                                uri: self.uri(file),
                            },
                        },
                        edits: edits.into_iter().map(Edit::TextEdit).collect(),
                    })
                })
                .collect();
            WorkspaceEdit {
                changes: None,
                document_changes: Some(changes),
                change_annotations: None,
            }
        } else {
            let changes: HashMap<Uri, Vec<TextEdit>> = by_file
                .into_iter()
                .map(|(file, edits)| (self.uri(file), edits))
                .collect();
            WorkspaceEdit {
                changes: Some(changes),
                document_changes: None,
                change_annotations: None,
            }
        }
    }
}

pub fn hover(s: &Snapshot, params: lsp::HoverParams) -> Option<Hover> {
    let position = &params.text_document_position_params;
    let link = |file, span| s.link(file, span);
    let (file, hover) = match s.source_at(position) {
        Some((file, offset)) => (
            file,
            polic_ide::tag_hover(&s.db, s.workspace, file, offset, s.source_app(file), &link)?,
        ),
        None => {
            let (file, offset) = s.at(position)?;
            (
                file,
                polic_ide::hover(&s.db, s.workspace, file, offset, &link)?,
            )
        }
    };
    Some(Hover {
        contents: lsp::Contents::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(s.range(file, hover.span)),
    })
}

pub fn definition(s: &Snapshot, params: lsp::DefinitionParams) -> Option<lsp::DefinitionResponse> {
    let position = &params.text_document_position_params;
    let target = match s.source_at(position) {
        Some((file, offset)) => polic_ide::tag_definition(&s.db, s.workspace, file, offset)?,
        None => {
            let (file, offset) = s.at(position)?;
            polic_ide::goto_definition(&s.db, s.workspace, file, offset)?
        }
    };
    Some(lsp::DefinitionResponse::Definition(
        s.location(target.file, target.name).into(),
    ))
}

/// References in the policy and in the tags of source files, from either.
pub fn references(s: &Snapshot, params: lsp::ReferenceParams) -> Option<Vec<Location>> {
    let (_, symbol, _) = s.symbol_at(&params.text_document_position_params)?;
    let found = polic_ide::symbol_references(
        &s.db,
        s.workspace,
        &symbol,
        params.context.include_declaration,
        &s.source_files(),
    );
    Some(
        found
            .into_iter()
            .map(|r| s.location(r.file, r.span))
            .collect(),
    )
}

pub fn prepare_rename(
    s: &Snapshot,
    params: lsp::TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResult>> {
    let Some((file, symbol, span)) = s.symbol_at(&params) else {
        return Err(Error::invalid_params("there is no name here to rename"));
    };
    polic_ide::check_renamable(&s.db, s.workspace, &symbol)
        .map_err(|error| Error::invalid_params(error.0))?;
    Ok(Some(PrepareRenameResult::PrepareRenamePlaceholder(
        PrepareRenamePlaceholder {
            range: s.range(file, span),
            placeholder: file.text(&s.db)[span.range()].to_string(),
        },
    )))
}

pub fn rename(s: &Snapshot, params: lsp::RenameParams) -> Result<Option<WorkspaceEdit>> {
    let Some((_, symbol, _)) = s.symbol_at(&params.text_document_position_params) else {
        return Err(Error::invalid_params("there is no name here to rename"));
    };
    let edits = polic_ide::rename_symbol(
        &s.db,
        s.workspace,
        &symbol,
        &params.new_name,
        &s.source_files(),
    )
    .map_err(|error| Error::invalid_params(error.0))?;
    Ok(Some(s.workspace_edit(edits)))
}

/// `textDocument/documentHighlight`: the symbol's occurrences in this file, its
/// definition as a write and its uses as reads.
pub fn document_highlights(
    s: &Snapshot,
    params: lsp::DocumentHighlightParams,
) -> Option<Vec<lsp::DocumentHighlight>> {
    let (file, offset) = s.at(&params.text_document_position_params)?;
    Some(
        polic_ide::document_highlights(&s.db, s.workspace, file, offset)
            .into_iter()
            .map(|(span, def)| lsp::DocumentHighlight {
                range: s.range(file, span),
                kind: Some(if def {
                    lsp::DocumentHighlightKind::Write
                } else {
                    lsp::DocumentHighlightKind::Read
                }),
            })
            .collect(),
    )
}

/// `textDocument/selectionRange`: for each position, the syntax nodes around it, innermost
/// first, as a chain of parents.
pub fn selection_ranges(
    s: &Snapshot,
    params: lsp::SelectionRangeParams,
) -> Option<Vec<lsp::SelectionRange>> {
    let file = s.file(&params.text_document.uri)?;
    Some(
        params
            .positions
            .into_iter()
            .map(|position| {
                let offset = s.offset(file, position);
                let spans = polic_ide::selection_ranges(&s.db, file, offset);
                let mut chain: Option<lsp::SelectionRange> = None;
                for span in spans.into_iter().rev() {
                    chain = Some(lsp::SelectionRange {
                        range: s.range(file, span),
                        parent: chain.map(Box::new),
                    });
                }
                chain.unwrap_or(lsp::SelectionRange {
                    range: lsp::Range {
                        start: position,
                        end: position,
                    },
                    parent: None,
                })
            })
            .collect(),
    )
}

fn symbol_kind(symbol: &Symbol) -> SymbolKind {
    match symbol {
        Symbol::Item(kind, _) => match kind {
            Kind::Standard => SymbolKind::Package,
            Kind::Profile => SymbolKind::Interface,
            Kind::Policy => SymbolKind::Object,
            Kind::Risk => SymbolKind::Enum,
            Kind::Fact => SymbolKind::Property,
            Kind::Archetype => SymbolKind::Class,
            Kind::Control => SymbolKind::Function,
            Kind::App => SymbolKind::Struct,
            Kind::Waiver => SymbolKind::Event,
            Kind::Test => SymbolKind::Key,
        },
        Symbol::Group { .. } => SymbolKind::Namespace,
        Symbol::Clause(_) => SymbolKind::Constant,
        Symbol::Obligation { .. } => SymbolKind::Method,
        Symbol::EnumValue { .. } | Symbol::Level { .. } => SymbolKind::EnumMember,
        Symbol::Module(_) => SymbolKind::Module,
    }
}

pub fn document_symbols(
    s: &Snapshot,
    params: lsp::DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let file = s.file(&params.text_document.uri)?;
    let text = file.text(&s.db);
    fn convert_all(
        s: &Snapshot,
        file: File,
        text: &str,
        defs: &[polic_ide::Definition],
    ) -> Vec<DocumentSymbol> {
        defs.iter()
            .map(|def| {
                let name = match &def.symbol {
                    Symbol::Item(Kind::Test, name) => name.clone(),
                    Symbol::Clause(_) => format!("#{}", &text[def.name.range()]),
                    _ => text[def.name.range()].to_string(),
                };
                let children = convert_all(s, file, text, &def.children);
                // `deprecated` has no default and must be named; polic symbols are never
                // deprecated (withdrawn clauses stay current in their standard's outline).
                #[allow(deprecated)]
                DocumentSymbol {
                    name,
                    detail: def.title.clone(),
                    kind: symbol_kind(&def.symbol),
                    tags: None,
                    deprecated: None,
                    range: s.range(file, def.full),
                    selection_range: s.range(file, def.name),
                    children: (!children.is_empty()).then_some(children),
                }
            })
            .collect()
    }
    let defs = polic_ide::document_symbols(&s.db, s.workspace, file);
    Some(DocumentSymbolResponse::DocumentSymbolList(convert_all(
        s, file, text, &defs,
    )))
}

pub fn workspace_symbols(
    s: &Snapshot,
    params: lsp::WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let found = polic_ide::workspace_symbols(&s.db, s.workspace, &params.query, SYMBOL_LIMIT);
    Some(WorkspaceSymbolResponse::WorkspaceSymbolList(
        found
            .into_iter()
            .map(|symbol| WorkspaceSymbol {
                location: lsp::WorkspaceSymbolLocation::Location(
                    s.location(symbol.at.file, symbol.at.span),
                ),
                data: None,
                base_symbol_information: lsp::BaseSymbolInformation {
                    name: symbol.name,
                    kind: symbol_kind(&symbol.symbol),
                    tags: None,
                    // Clients show the container beside the name: for a clause, its title.
                    container_name: symbol.detail,
                },
            })
            .collect(),
    ))
}

fn completion_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::Keyword,
        CompletionKind::Standard => CompletionItemKind::Module,
        CompletionKind::Group => CompletionItemKind::Folder,
        CompletionKind::Clause => CompletionItemKind::Constant,
        CompletionKind::Profile => CompletionItemKind::Interface,
        CompletionKind::Risk => CompletionItemKind::Enum,
        CompletionKind::Level | CompletionKind::EnumValue => CompletionItemKind::EnumMember,
        CompletionKind::Fact => CompletionItemKind::Property,
        CompletionKind::Archetype => CompletionItemKind::Class,
        CompletionKind::Control => CompletionItemKind::Function,
        CompletionKind::Obligation => CompletionItemKind::Method,
        CompletionKind::App => CompletionItemKind::Struct,
        CompletionKind::Module => CompletionItemKind::Module,
        CompletionKind::Word => CompletionItemKind::Value,
    }
}

pub fn completion(s: &Snapshot, params: lsp::CompletionParams) -> Option<CompletionResponse> {
    let position = &params.text_document_position_params;
    let (file, completions) = match s.source_at(position) {
        Some((file, offset)) => (
            file,
            polic_ide::tag_completions(&s.db, s.workspace, file, offset, s.source_app(file))?,
        ),
        None => {
            // A space triggers completion for tags in source files only.
            let by_space = params
                .context
                .as_ref()
                .and_then(|c| c.trigger_character.as_deref())
                == Some(" ");
            let (file, offset) = s.at(position)?;
            let completions =
                polic_ide::completions(&s.db, s.workspace, file, offset, COMPLETION_LIMIT);
            // A space triggers completion for tags in source files, and in a policy only
            // for a clause title being typed (`nist80053#account manag`).
            let in_title = file.text(&s.db)[completions.replace.range()].contains(' ');
            if by_space && !in_title {
                return None;
            }
            (file, completions)
        }
    };
    let range = s.range(file, completions.replace);
    let items = completions
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| lsp::CompletionItem {
            filter_text: item
                .detail
                .as_ref()
                .filter(|_| item.kind == CompletionKind::Clause)
                .map(|title| format!("{} {title}", item.label)),
            kind: Some(completion_kind(item.kind)),
            detail: item.detail,
            tags: item
                .deprecated
                .then(|| vec![lsp::CompletionItemTag::Deprecated]),
            // The server's order (best match first, clauses in the standard's order).
            sort_text: Some(format!("{i:04}")),
            // Clauses match by title too: the client filters on both.
            text_edit: Some(lsp::CompletionItemTextEdit::TextEdit(TextEdit {
                range,
                new_text: item.insert,
            })),
            label: item.label,
            ..Default::default()
        })
        .collect();
    Some(CompletionResponse::CompletionList(CompletionList {
        is_incomplete: completions.incomplete,
        item_defaults: None,
        apply_kind: None,
        items,
    }))
}

/// The token types and modifiers semantic tokens index into.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.iter().map(|t| t.clone().into()).collect(),
        token_modifiers: vec![
            SemanticTokenModifiers::Declaration.into(),
            SemanticTokenModifiers::Documentation.into(),
            SemanticTokenModifiers::DefaultLibrary.into(),
        ],
    }
}

const TOKEN_TYPES: &[SemanticTokenTypes] = &[
    SemanticTokenTypes::Keyword,
    SemanticTokenTypes::Comment,
    SemanticTokenTypes::String,
    SemanticTokenTypes::Number,
    SemanticTokenTypes::Operator,
    SemanticTokenTypes::Macro,
    SemanticTokenTypes::Namespace,
    SemanticTokenTypes::Type,
    SemanticTokenTypes::Class,
    SemanticTokenTypes::Function,
    SemanticTokenTypes::Method,
    SemanticTokenTypes::Struct,
    SemanticTokenTypes::Event,
    SemanticTokenTypes::Property,
    SemanticTokenTypes::EnumMember,
];

/// The index of a highlight kind's type in [`TOKEN_TYPES`].
fn token_type(kind: HighlightKind) -> u32 {
    match kind {
        HighlightKind::Keyword => 0,
        HighlightKind::Comment => 1,
        HighlightKind::String => 2,
        HighlightKind::Number | HighlightKind::Date | HighlightKind::Duration => 3,
        HighlightKind::Operator => 4,
        // Clause references are the language's own kind of name: a distinct colour.
        HighlightKind::Clause => 5,
        HighlightKind::Standard | HighlightKind::Group | HighlightKind::Module => 6,
        HighlightKind::Profile | HighlightKind::Policy | HighlightKind::Risk => 7,
        HighlightKind::Archetype => 8,
        HighlightKind::Control => 9,
        HighlightKind::Obligation => 10,
        HighlightKind::App => 11,
        HighlightKind::Waiver => 12,
        HighlightKind::Fact => 13,
        HighlightKind::EnumValue | HighlightKind::Level | HighlightKind::Word => 14,
    }
}

pub fn semantic_tokens(s: &Snapshot, params: lsp::SemanticTokensParams) -> Option<SemanticTokens> {
    let file = s.file(&params.text_document.uri)?;
    let text = file.text(&s.db);
    let index = polic_sema::build::line_index(&s.db, file);
    let mut data = Vec::new();
    let (mut last_line, mut last_start) = (0, 0);
    for highlight in polic_ide::highlights(&s.db, s.workspace, file) {
        let modifiers = u32::from(highlight.definition)
            | u32::from(highlight.documentation) << 1
            | u32::from(highlight.stdlib) << 2;
        // Tokens may not span lines: a block comment becomes one token per line.
        let mut start = highlight.span.start;
        while start < highlight.span.end {
            let line = index.line_col(start).line;
            let line_end = index
                .line_start(line + 1)
                .map_or(text.len() as u32, |next| next - 1)
                .min(highlight.span.end);
            let from = convert::position(text, index, start, s.encoding);
            let to = convert::position(text, index, line_end, s.encoding);
            if to.character > from.character {
                data.push(SemanticToken {
                    delta_line: from.line - last_line,
                    delta_start: if from.line == last_line {
                        from.character - last_start
                    } else {
                        from.character
                    },
                    length: to.character - from.character,
                    token_type: token_type(highlight.kind),
                    token_modifiers_bitset: modifiers,
                });
                (last_line, last_start) = (from.line, from.character);
            }
            start = line_end + 1;
        }
    }
    Some(SemanticTokens {
        result_id: None,
        data,
    })
}

pub fn folding_ranges(s: &Snapshot, params: lsp::FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let file = s.file(&params.text_document.uri)?;
    Some(
        polic_ide::folding_ranges(&s.db, file)
            .into_iter()
            .map(|fold| FoldingRange {
                start_line: s.position(file, fold.start).line,
                start_character: None,
                end_line: s.position(file, fold.end).line,
                end_character: None,
                kind: match fold.kind {
                    polic_ide::FoldKind::Region => Some(FoldingRangeKind::Region),
                    polic_ide::FoldKind::Comment => Some(FoldingRangeKind::Comment),
                    polic_ide::FoldKind::Imports => Some(FoldingRangeKind::Imports),
                },
                collapsed_text: None,
            })
            .collect(),
    )
}

pub fn code_lenses(s: &Snapshot, params: lsp::CodeLensParams) -> Option<Vec<CodeLens>> {
    let file = s.file(&params.text_document.uri)?;
    Some(
        polic_ide::code_lenses(&s.db, s.workspace, file)
            .into_iter()
            .map(|lens| {
                let range = s.range(file, lens.span);
                let locations: Vec<Location> = lens
                    .locations
                    .iter()
                    .map(|at| s.location(at.file, at.span))
                    .collect();
                // Clicking shows the locations in a peek, as `editor.action.showReferences`
                // takes them (a client command converts them for VS Code); a lens with
                // nothing to show stays informational.
                let command = if locations.is_empty() {
                    String::new()
                } else {
                    SHOW_REFERENCES.to_string()
                };
                let arguments = (!locations.is_empty())
                    .then(|| vec![json!(s.uri(file)), json!(range.start), json!(locations)]);
                CodeLens {
                    range,
                    command: Some(Command {
                        title: lens.title,
                        tooltip: None,
                        command,
                        arguments,
                    }),
                    data: None,
                }
            })
            .collect(),
    )
}

pub fn inlay_hints(s: &Snapshot, params: lsp::InlayHintParams) -> Option<Vec<InlayHint>> {
    let file = s.file(&params.text_document.uri)?;
    let range = convert::span(
        file.text(&s.db),
        polic_sema::build::line_index(&s.db, file),
        params.range,
        s.encoding,
    );
    Some(
        polic_ide::inlay_hints(&s.db, s.workspace, file, range)
            .into_iter()
            .map(|hint| InlayHint {
                position: s.position(file, hint.offset),
                label: lsp::Label::String(hint.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}

pub fn code_actions(
    s: &Snapshot,
    params: lsp::CodeActionParams,
) -> Option<Vec<CodeActionResponse>> {
    let source = s.source(&params.text_document.uri);
    let file = source.or_else(|| s.file(&params.text_document.uri))?;
    let range = convert::span(
        file.text(&s.db),
        polic_sema::build::line_index(&s.db, file),
        params.range,
        s.encoding,
    );
    let fixes = match source {
        Some(_) => polic_ide::tag_code_actions(&s.db, s.workspace, file, range, s.source_app(file)),
        None => polic_ide::code_actions(&s.db, s.workspace, file, range),
    };
    Some(
        fixes
            .into_iter()
            .map(|fix| {
                CodeActionResponse::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QuickFix),
                    diagnostics: crate::diagnostics::to_lsp(s, &fix.diagnostic).map(|d| vec![d]),
                    is_preferred: fix.preferred.then_some(true),
                    disabled: None,
                    edit: Some(s.workspace_edit(fix.edits)),
                    command: None,
                    data: None,
                    tags: None,
                })
            })
            .collect(),
    )
}

/// The text of a standard-library document, by its URI.
pub fn stdlib_text(s: &Snapshot, uri: &Uri) -> Option<String> {
    let module = convert::stdlib_module(uri.0.as_str())?;
    let file = s.files.stdlib.get(module)?;
    Some(file.text(&s.db).to_string())
}

/// `textDocument/formatting`: the whole document in the canonical layout (polic-fmt), as
/// one edit over the stretch that changes. A document with syntax errors is refused with
/// an error response: formatting never guesses at what malformed text meant.
pub fn formatting(
    s: &Snapshot,
    params: lsp::DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(file) = s.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let text = file.text(&s.db);
    let formatted = polic_fmt::format(text, &polic_fmt::Options::default()).map_err(refused)?;
    let whole = polic_diagnostics::Span::new(0, text.len());
    Ok(Some(
        s.narrowed_edit(file, whole, &formatted)
            .into_iter()
            .collect(),
    ))
}

/// `textDocument/rangeFormatting`: the top-level items the range touches, laid out as
/// whole-document formatting lays them out.
pub fn range_formatting(
    s: &Snapshot,
    params: lsp::DocumentRangeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(file) = s.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let text = file.text(&s.db);
    let index = polic_sema::build::line_index(&s.db, file);
    let range = convert::span(text, index, params.range, s.encoding);
    let replaced =
        polic_fmt::format_range(text, range, &polic_fmt::Options::default()).map_err(refused)?;
    Ok(Some(
        replaced
            .and_then(|(span, formatted)| s.narrowed_edit(file, span, &formatted))
            .into_iter()
            .collect(),
    ))
}

/// LSP's RequestFailed: the request was valid, but the server cannot carry it out.
const REQUEST_FAILED: i64 = -32803;

fn refused(refusal: polic_fmt::Refusal) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(REQUEST_FAILED),
        message: refusal.to_string().into(),
        data: None,
    }
}

impl Snapshot {
    /// The edit that replaces `span` of the file with `new`, narrowed to the stretch that
    /// differs, so that the editor keeps the cursor, selections and folds outside it.
    /// `None` when nothing differs.
    fn narrowed_edit(
        &self,
        file: File,
        span: polic_diagnostics::Span,
        new: &str,
    ) -> Option<TextEdit> {
        let old = &file.text(&self.db)[span.range()];
        if old == new {
            return None;
        }
        let mut prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
        let mut suffix = old_rest
            .bytes()
            .rev()
            .zip(new_rest.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        while !old_rest.is_char_boundary(old_rest.len() - suffix)
            || !new_rest.is_char_boundary(new_rest.len() - suffix)
        {
            suffix -= 1;
        }
        let start = span.start as usize + prefix;
        let end = span.start as usize + old.len() - suffix;
        Some(TextEdit {
            range: self.range(file, polic_diagnostics::Span::new(start, end)),
            new_text: new_rest[..new_rest.len() - suffix].to_string(),
        })
    }
}
