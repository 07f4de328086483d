//! The layout engine: a flat stream of commands with groups, after Wadler's "prettier
//! printer". A group is written on one line when it fits in the line width and holds no
//! forced break (a line comment, a comment on a line of its own); otherwise each of its
//! `Line`s becomes a newline, and its inner groups decide again for themselves. The stream
//! is flat (groups are start and end markers) so that a 100,000-line workspace costs a few
//! vectors, not a tree of boxes.

use std::borrow::Cow;

#[derive(Debug)]
pub(crate) enum Cmd<'a> {
    /// A token's text, never containing a newline.
    Text(Cow<'a, str>),
    /// One space, dropped at the start of a line.
    Space,
    /// A space in a flat group, a newline in a broken one.
    Line,
    /// Nothing in a flat group, a newline in a broken one.
    SoftLine,
    /// Always a newline.
    HardLine,
    Indent,
    Dedent,
    /// Opens a group; `end` is the index of its `GroupEnd`.
    Group {
        end: usize,
    },
    GroupEnd,
    /// A member or an item begins here: a newline forced by a comment before it keeps the
    /// current indentation instead of adding a continuation indent.
    Start,
    /// The author left a blank line before what comes next: kept, unless it would follow
    /// an opening brace or start the file.
    Blank,
    Comment(Comment<'a>),
}

#[derive(Debug)]
pub(crate) struct Comment<'a> {
    pub text: &'a str,
    /// Started a line in the source: it gets a line of its own.
    pub own_line: bool,
    /// A blank line came before it in the source.
    pub blank_before: bool,
    /// What follows it goes on the next line: a `//` comment, or a block comment that
    /// ended its line in the source.
    pub newline_after: bool,
}

impl Comment<'_> {
    /// Whether the comment breaks every group around it.
    fn forces_break(&self) -> bool {
        self.own_line || self.newline_after || self.text.contains('\n')
    }
}

/// Width of text in columns: characters, as an editor counts them for most scripts.
fn width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

impl Cmd<'_> {
    /// Columns the command takes in a flat group.
    fn flat_width(&self) -> usize {
        match self {
            Cmd::Text(text) => width(text),
            Cmd::Space | Cmd::Line => 1,
            Cmd::Comment(comment) if !comment.forces_break() => width(comment.text) + 2,
            _ => 0,
        }
    }

    fn forces_break(&self) -> bool {
        match self {
            Cmd::HardLine => true,
            Cmd::Comment(comment) => comment.forces_break(),
            _ => false,
        }
    }
}

/// Writes the commands out, breaking groups that do not fit in `line_width` columns.
pub(crate) fn print(cmds: &[Cmd<'_>], line_width: usize, capacity: usize) -> String {
    // Prefix sums: a group's flat width and whether it holds a forced break are then two
    // subtractions, whatever its size.
    let mut widths = Vec::with_capacity(cmds.len() + 1);
    let mut breaks = Vec::with_capacity(cmds.len() + 1);
    let (mut w, mut b) = (0usize, 0usize);
    widths.push(0);
    breaks.push(0);
    for cmd in cmds {
        w += cmd.flat_width();
        b += usize::from(cmd.forces_break());
        widths.push(w);
        breaks.push(b);
    }
    let mut out = Writer {
        out: String::with_capacity(capacity),
        at_line_start: true,
        ..Writer::default()
    };
    // The `GroupEnd` that ends the flat group being written, if any: groups inside a flat
    // group are flat too.
    let mut flat_until: Option<usize> = None;
    for (i, cmd) in cmds.iter().enumerate() {
        let flat = flat_until.is_some();
        match cmd {
            Cmd::Text(text) => out.text(text, widths[i + 1] - widths[i]),
            Cmd::Space => out.space = true,
            Cmd::Line if flat => out.soft_space(true),
            Cmd::SoftLine if flat => out.soft_space(false),
            Cmd::Line | Cmd::SoftLine | Cmd::HardLine => out.newline(),
            Cmd::Indent => out.indent += 1,
            Cmd::Dedent => out.indent -= 1,
            Cmd::Group { end } => {
                if !flat && breaks[*end] == breaks[i] {
                    let needed = widths[*end] - widths[i] + rest(cmds, *end);
                    if out.next_column() + needed <= line_width {
                        flat_until = Some(*end);
                    }
                }
            }
            Cmd::GroupEnd => {
                if flat_until == Some(i) {
                    flat_until = None;
                }
            }
            Cmd::Start => out.member_start = true,
            Cmd::Blank => out.blank = true,
            Cmd::Comment(comment) => out.comment(comment),
        }
    }
    if !out.out.is_empty() {
        out.out.push('\n');
    }
    out.out
}

/// Columns taken after a group up to the next possible line break: what must fit on the
/// group's last line besides the group.
fn rest(cmds: &[Cmd<'_>], end: usize) -> usize {
    let mut total = 0;
    for cmd in &cmds[end + 1..] {
        match cmd {
            Cmd::Text(_) | Cmd::Space => total += cmd.flat_width(),
            Cmd::Indent
            | Cmd::Dedent
            | Cmd::Group { .. }
            | Cmd::GroupEnd
            | Cmd::Start
            | Cmd::Blank => {}
            Cmd::Line | Cmd::SoftLine | Cmd::HardLine | Cmd::Comment(_) => break,
        }
    }
    total
}

/// The output with what is pending at its end: spaces and newlines are written only once
/// the text after them is known, so no line ends in a space and blank lines stay empty.
#[derive(Default)]
struct Writer {
    out: String,
    /// Columns written on the current line.
    column: usize,
    indent: usize,
    /// Nothing but indentation has been written on the current line.
    at_line_start: bool,
    space: bool,
    /// A comment ended its line: what follows goes on a new one, indented by this many
    /// columns.
    newline: Option<usize>,
    blank: bool,
    /// The last thing written is a `{`: no blank line may follow it.
    after_open: bool,
    /// Since the last `Start`, only comments were written.
    member_start: bool,
}

impl Writer {
    fn newline(&mut self) {
        if self.out.is_empty() {
            return;
        }
        self.out.push('\n');
        self.column = 0;
        self.at_line_start = true;
        self.space = false;
        self.newline = None;
    }

    /// A flat `Line` (a space) or `SoftLine` (nothing), unless a comment ended the line.
    fn soft_space(&mut self, space: bool) {
        if let Some(columns) = self.newline {
            self.newline();
            self.start_line(columns);
        } else if space {
            self.space = true;
        }
    }

    /// The indentation of a line that a comment breaks: the block's, or one level more in
    /// the middle of a member, so that the rest of the member reads as its continuation.
    fn break_indent(&self) -> usize {
        2 * (self.indent + usize::from(!self.member_start))
    }

    /// Starts the text of a line at `columns`, after a blank line if one is wanted and
    /// allowed.
    fn start_line(&mut self, columns: usize) {
        if self.blank && !self.out.is_empty() && !self.after_open {
            self.out.push('\n');
        }
        self.blank = false;
        self.out.extend(std::iter::repeat_n(' ', columns));
        self.column = columns;
        self.at_line_start = false;
    }

    fn text(&mut self, text: &str, width: usize) {
        if let Some(columns) = self.newline {
            self.newline();
            self.start_line(columns);
        } else if self.at_line_start {
            self.start_line(2 * self.indent);
        } else if self.space {
            self.out.push(' ');
            self.column += 1;
        }
        self.space = false;
        self.blank = false;
        self.member_start = false;
        self.after_open = text == "{";
        self.out.push_str(text);
        self.column += width;
    }

    fn comment(&mut self, comment: &Comment<'_>) {
        if self.at_line_start {
            self.blank |= comment.blank_before;
            self.start_line(2 * self.indent);
        } else if let Some(columns) = self.newline {
            self.newline();
            self.blank |= comment.blank_before;
            self.start_line(columns);
        } else if comment.own_line {
            let columns = self.break_indent();
            self.newline();
            self.blank |= comment.blank_before;
            self.start_line(columns);
        } else {
            self.out.push(' ');
            self.column += 1;
        }
        self.blank = false;
        self.after_open = false;
        let at = self.column;
        self.out.push_str(comment.text);
        match comment.text.rfind('\n') {
            Some(at) => self.column = width(&comment.text[at + 1..]),
            None => self.column += width(comment.text),
        }
        // After a comment on a line of its own, the next line lines up with it; after one
        // at the end of a line, it is indented as a line broken there.
        self.newline = comment.newline_after.then(|| {
            if comment.own_line {
                at
            } else {
                self.break_indent()
            }
        });
        // Whatever follows a block comment on its line is set apart from it.
        self.space = !comment.newline_after;
    }

    /// The column the next text starts at.
    fn next_column(&self) -> usize {
        match self.newline {
            Some(columns) => columns,
            None if self.at_line_start => 2 * self.indent,
            None => self.column + usize::from(self.space),
        }
    }
}
