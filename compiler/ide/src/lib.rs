//! IDE analyses over the polic database: hover, navigation, rename, completion, semantic
//! highlighting, folding, code lenses, inlay hints and quick fixes. Every function takes the
//! database, the workspace and byte offsets, and returns plain data with byte offsets; the
//! language server (`lsp/`) turns them into protocol types and editor positions.

pub mod completion;
pub mod fixes;
pub mod highlight;
pub mod hover;
pub mod index;
pub mod lens;
pub mod nav;
pub mod tags;

pub use completion::{CompletionItem, CompletionKind, Completions, completions};
pub use fixes::{
    Fix, code_actions, diagnostics_by_path, file_diagnostics, model_diagnostic_paths,
    tag_code_actions,
};
pub use highlight::{Fold, FoldKind, Highlight, HighlightKind, folding_ranges, highlights};
pub use hover::{Hover, Linker, hover};
pub use index::{Definition, Occurrence, Symbol, file_index};
pub use lens::{InlayHint, Lens, code_lenses, inlay_hints};
pub use nav::{
    FileSpan, RenameError, Target, WorkspaceSymbol, check_renamable, document_highlights,
    document_symbols, goto_definition, prepare_rename, references, rename, rename_symbol,
    selection_ranges, symbol_references, workspace_symbols,
};
pub use tags::{
    tag_completions, tag_definition, tag_diagnostics, tag_hover, tag_occurrences, tag_symbol,
};
