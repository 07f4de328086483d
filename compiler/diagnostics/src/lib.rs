//! The one diagnostic type of polic, its stable codes with their documentation, and its
//! terminal rendering. Positions are byte offsets; [`LineIndex`] turns them into lines and
//! columns for the outputs that need them.

mod codes;
mod diagnostic;
mod line_index;
mod render;
mod span;
pub mod suggest;
pub mod uri;

pub use codes::{Code, Lint};
pub use diagnostic::{Diagnostic, Label, Located, Severity, Suggestion};
pub use line_index::{Encoding, LineCol, LineIndex};
pub use render::{ColorChoice, Renderer, Sources, render_terminal};
pub use span::Span;
