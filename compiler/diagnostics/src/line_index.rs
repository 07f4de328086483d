/// Zero-based line and column. What the column counts depends on where it came from:
/// [`LineIndex::line_col`] counts bytes, [`LineIndex::position`] the units it is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// How a column counts within its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes (LSP `positionEncoding` `utf-8`).
    Utf8,
    /// UTF-16 code units (the LSP's default).
    Utf16,
    /// Unicode scalar values: what people, CI annotations and SARIF's
    /// `unicodeCodePoints` count.
    Chars,
}

/// The one line index of polic: offsets of line starts in one text, to convert byte
/// offsets to lines and columns in any [`Encoding`] and back without rescanning the text.
/// Conversions read only the line they are on, never the text from its start. Methods
/// taking `text` expect the text the index was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// The offset in characters of each line start, for outputs that count characters
    /// from the start of the file (SARIF's `charOffset`, ariadne's spans).
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

    /// The line of an offset and its column in bytes.
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
            Some(&start) => (start + at.col).min(self.line_end(at.line)),
            None => self.len,
        }
    }

    /// The byte offset where a line's newline is (the text's end for the last line).
    fn line_end(&self, line: u32) -> u32 {
        self.line_starts
            .get(line as usize + 1)
            .map_or(self.len, |next| next - 1)
    }

    /// A line's text without its line break (`\n` or `\r\n`), and its start offset.
    fn line_text<'t>(&self, text: &'t str, line: u32) -> (u32, &'t str) {
        let start = self
            .line_start(line)
            .unwrap_or(self.len)
            .min(text.len() as u32);
        let end = self.line_end(line).clamp(start, text.len() as u32);
        let line = &text[start as usize..floor_char_boundary(text, end as usize)];
        (start, line.strip_suffix('\r').unwrap_or(line))
    }

    /// The line of an offset and its column in `encoding`. An offset past the line's
    /// content (on a `\r`) is its end; one inside a character (a stale span, say) counts as
    /// that character's start, never a panic.
    pub fn position(&self, text: &str, offset: u32, encoding: Encoding) -> LineCol {
        let LineCol { line, col } = self.line_col(offset.min(text.len() as u32));
        let (_, line_text) = self.line_text(text, line);
        let before = &line_text[..floor_char_boundary(line_text, col as usize)];
        LineCol {
            line,
            col: width(before, encoding),
        }
    }

    /// The byte offset of a line and a column in `encoding`, clamped to the line; a line
    /// past the end means the text's end. A column inside a character (between UTF-16
    /// surrogates, inside a UTF-8 sequence) means that character.
    pub fn offset_of(&self, text: &str, at: LineCol, encoding: Encoding) -> u32 {
        if at.line as usize >= self.line_count() {
            return text.len() as u32;
        }
        let (start, line_text) = self.line_text(text, at.line);
        let wanted = at.col as usize;
        let col = match encoding {
            Encoding::Utf8 => floor_char_boundary(line_text, wanted),
            Encoding::Utf16 | Encoding::Chars => {
                let mut units = 0;
                line_text
                    .char_indices()
                    .find(|&(_, c)| {
                        units += width_of(c, encoding);
                        units > wanted
                    })
                    .map_or(line_text.len(), |(i, _)| i)
            }
        };
        start + col as u32
    }

    /// The offset in characters of a byte offset from the start of the text (rounded down
    /// inside a character).
    pub fn char_offset(&self, text: &str, offset: u32) -> u32 {
        let LineCol { line, col } = self.position(text, offset, Encoding::Chars);
        self.char_starts[line as usize] + col
    }

    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// One-based line and column (in characters) of an offset, as people, editors' status
    /// bars and CI annotations count them.
    pub fn human(&self, text: &str, offset: u32) -> (u32, u32) {
        let LineCol { line, col } = self.position(text, offset, Encoding::Chars);
        (line + 1, col + 1)
    }
}

fn width_of(c: char, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Utf16 => c.len_utf16(),
        Encoding::Chars => 1,
    }
}

fn width(text: &str, encoding: Encoding) -> u32 {
    (match encoding {
        Encoding::Utf8 => text.len(),
        Encoding::Utf16 => text.encode_utf16().count(),
        Encoding::Chars => text.chars().count(),
    }) as u32
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
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
        assert_eq!(index.human(text, 7), (2, 4));
    }

    #[test]
    fn columns_in_every_encoding_round_trip_on_non_ascii_text() {
        let text = "a\r\nété 𝄞x\n";
        let index = LineIndex::new(text);
        // `x` is after `é t é space 𝄞`: 6 + 4 bytes in UTF-8, 4 + 2 units in UTF-16, 5
        // characters.
        let x = text.find('x').unwrap_or_default() as u32;
        for (encoding, col) in [
            (Encoding::Utf8, 10),
            (Encoding::Utf16, 6),
            (Encoding::Chars, 5),
        ] {
            let at = index.position(text, x, encoding);
            assert_eq!(at, LineCol { line: 1, col }, "{encoding:?}");
            assert_eq!(index.offset_of(text, at, encoding), x, "{encoding:?}");
        }
        // Inside the surrogate pair of 𝄞, inside `é`'s bytes, past the end of a CRLF line
        // and past the last line.
        let inside = LineCol { line: 1, col: 5 };
        assert_eq!(index.offset_of(text, inside, Encoding::Utf16), x - 4);
        assert_eq!(
            index.offset_of(text, LineCol { line: 1, col: 1 }, Encoding::Utf8),
            3
        );
        let past = LineCol { line: 0, col: 9 };
        assert_eq!(index.offset_of(text, past, Encoding::Utf16), 1);
        assert_eq!(
            index.offset_of(text, LineCol { line: 7, col: 0 }, Encoding::Chars),
            text.len() as u32
        );
        assert_eq!(
            index.position(text, 2, Encoding::Utf16),
            LineCol { line: 0, col: 1 }
        );
        assert_eq!(index.char_offset(text, x), 8);
    }
}
