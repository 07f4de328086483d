use crate::Span;

/// Zero-based line and column; the column counts bytes from the start of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Offsets of line starts in one text, to convert byte offsets to lines and columns (and,
/// at the LSP edge, to UTF-16 columns) without rescanning the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// The offset in characters of each line start, for outputs that count characters.
    char_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        let mut char_starts = vec![0];
        let mut chars = 0;
        for (i, b) in text.bytes().enumerate() {
            // Every byte but a UTF-8 continuation byte starts a character.
            chars += u32::from(b & 0xC0 != 0x80);
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
                char_starts.push(chars);
            }
        }
        LineIndex {
            line_starts,
            char_starts,
            len: text.len() as u32,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        LineCol {
            line: line as u32,
            col: offset - self.line_starts[line],
        }
    }

    /// The byte offset of a line and byte column, clamped to the line (before its newline).
    pub fn offset(&self, at: LineCol) -> u32 {
        match self.line_starts.get(at.line as usize) {
            Some(&start) => {
                let end = self
                    .line_starts
                    .get(at.line as usize + 1)
                    .map_or(self.len, |next| next - 1);
                (start + at.col).min(end)
            }
            None => self.len,
        }
    }

    /// The offset in characters of a byte offset into `text` (the text this index is of):
    /// counted from the start of its line only. An offset off a character boundary (a stale
    /// span, say) is rounded down, never a panic.
    pub fn char_offset(&self, text: &str, offset: u32) -> usize {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_col(offset as u32).line as usize;
        let start = self.line_starts[line] as usize;
        self.char_starts[line] as usize + text[start..offset].chars().count()
    }

    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// One-based line and column of the span's start, as editors and CI annotations show them.
    pub fn human(&self, span: Span) -> (u32, u32) {
        let LineCol { line, col } = self.line_col(span.start);
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_to_lines_and_back() {
        let text = "ab\ncdé\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(0), LineCol { line: 0, col: 0 });
        assert_eq!(index.line_col(3), LineCol { line: 1, col: 0 });
        assert_eq!(index.line_col(7), LineCol { line: 1, col: 4 });
        assert_eq!(index.line_col(9), LineCol { line: 3, col: 0 });
        assert_eq!(index.line_col(99), LineCol { line: 3, col: 1 });
        assert_eq!(index.offset(LineCol { line: 1, col: 2 }), 5);
        assert_eq!(index.offset(LineCol { line: 2, col: 5 }), 8);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.char_offset(text, 7), 6);
        assert_eq!(index.char_offset(text, 9), 8);
        // Inside `é`: rounded down to its start.
        assert_eq!(index.char_offset(text, 6), 5);
        assert_eq!(index.char_offset(text, 99), 9);
    }
}
