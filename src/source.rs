//! Loaded files and positions in them.
//!
//! Every value a rule can point at carries a [`Span`]: a byte range in one
//! loaded file. Line and column are computed only when a finding is rendered,
//! and only here ([`SourceMap::position`]), so every output format agrees on
//! them: lines are 1-based, columns are 1-based and count Unicode scalar
//! values (SARIF's `unicodeCodePoints`).

use std::path::{Path, PathBuf};

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(pub u32);

/// A byte range `start..end` in one loaded file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file the range is in.
    pub source: SourceId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(source: SourceId, start: usize, end: usize) -> Self {
        Span {
            source,
            start: clamp_u32(start),
            end: clamp_u32(end),
        }
    }

    /// The empty span at the start of a file: for findings about a whole file.
    pub fn file_start(source: SourceId) -> Self {
        Span {
            source,
            start: 0,
            end: 0,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True for an empty range.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The smallest span covering both (same file assumed).
    pub fn cover(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pair a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in Unicode scalar values.
    pub column: u32,
}

/// Where the lines of a text start, for offset → line lookups: kept per
/// block of [`LineIndex::BLOCK`] bytes, not per line. A lookup counts the
/// line breaks inside one block (SIMD, a few dozen nanoseconds); building
/// the index counts them in the whole text, which is five times faster than
/// recording every line start (an export has a line per 40 bytes, and
/// recording them was a fifth of reading it) and takes a hundredth of the
/// memory.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// For block k: the `\n`s in `text[..k * BLOCK]`.
    breaks: Vec<u32>,
    /// For block k: where the line holding byte `k * BLOCK` starts.
    starts: Vec<u32>,
    /// The `\n`s in the whole text.
    total: u32,
    /// Whether the text is all ASCII: a column is then a byte count, not a
    /// count of characters from the line's start (a minified policy is one
    /// line, and counting its characters for every finding's positions
    /// was half of printing a thousand findings on it).
    ascii: bool,
}

impl LineIndex {
    /// Bytes per block.
    pub const BLOCK: usize = 1024;

    /// Index the line starts of `text` (a `\n` ends a line; `\r\n` too).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Per block: its line breaks and where the last one is. A large
        // export's blocks are counted on all cores.
        let block = |b: &[u8]| {
            (
                clamp_u32(memchr::memchr_iter(b'\n', b).count()),
                memchr::memrchr(b'\n', b),
                b.is_ascii(),
            )
        };
        let counted: Vec<(u32, Option<usize>, bool)> = if bytes.len() < (2 << 20) {
            bytes.chunks(Self::BLOCK).map(block).collect()
        } else {
            use rayon::prelude::*;
            crate::threads::wide(|| bytes.par_chunks(Self::BLOCK).map(block).collect())
        };
        // One entry more than there are blocks: an offset at the very end
        // of a text whose length is a multiple of the block size.
        let mut breaks = Vec::with_capacity(counted.len() + 1);
        let mut starts = Vec::with_capacity(counted.len() + 1);
        let (mut total, mut start, mut ascii) = (0u32, 0u32, true);
        for (k, (count, last, plain)) in counted.into_iter().enumerate() {
            ascii &= plain;
            breaks.push(total);
            starts.push(start);
            total = total.saturating_add(count);
            if let Some(i) = last {
                start = clamp_u32(k * Self::BLOCK + i + 1);
            }
        }
        breaks.push(total);
        starts.push(start);
        LineIndex {
            breaks,
            starts,
            total,
            ascii,
        }
    }

    /// The 0-based line containing byte `offset` of `text` (the text this
    /// index was built from), and that line's start.
    pub fn line_of(&self, text: &str, offset: u32) -> (usize, u32) {
        let bytes = text.as_bytes();
        let offset = (offset as usize).min(bytes.len());
        let k = (offset / Self::BLOCK).min(self.breaks.len().saturating_sub(1));
        let base = (k * Self::BLOCK).min(offset);
        // A block without a line break, as every block of a minified
        // policy is, needs no scan: its bytes are on the line its first
        // byte is on (scanning half a block per position was a third of
        // printing the findings on the AWS managed policies).
        if let (Some(&before), Some(&after)) = (self.breaks.get(k), self.breaks.get(k + 1))
            && before == after
        {
            return (before as usize, self.starts.get(k).copied().unwrap_or(0));
        }
        let inside = &bytes[base..offset];
        let line = self.breaks.get(k).copied().unwrap_or(0) as usize
            + memchr::memchr_iter(b'\n', inside).count();
        let start = match memchr::memrchr(b'\n', inside) {
            Some(i) => clamp_u32(base + i + 1),
            None => self.starts.get(k).copied().unwrap_or(0),
        };
        (line, start)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.total as usize + 1
    }

    /// Where 0-based line `line` of `text` starts; `None` past the last.
    fn line_start(&self, text: &str, line: usize) -> Option<usize> {
        if line == 0 {
            return Some(0);
        }
        if line > self.total as usize {
            return None;
        }
        // The block holding the `line`-th line break: the last one with
        // fewer breaks before it.
        let k = self
            .breaks
            .partition_point(|&b| (b as usize) < line)
            .saturating_sub(1);
        let base = k * Self::BLOCK;
        let before = self.breaks.get(k).copied().unwrap_or(0) as usize;
        let i = memchr::memchr_iter(b'\n', text.as_bytes().get(base..)?).nth(line - before - 1)?;
        Some(base + i + 1)
    }

    /// Byte range of 0-based line `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.line_start(text, line).unwrap_or(0);
        let mut end = self
            .line_start(text, line + 1)
            .map(|s| s - 1)
            .unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start.min(text.len()), end.min(text.len()))
    }
}

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it (relative to the working directory where possible).
    pub path: PathBuf,
    /// The text. Invalid UTF-8 was replaced (and reported) when the file was read.
    pub text: String,
    lines: LineIndex,
}

impl SourceFile {
    /// The file's line index.
    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The first character of `span` (all of it when it is empty or out of
    /// range): where to point when a finding is about a whole node that
    /// has no better place — a JSON object's `{`, but in YAML a key's first
    /// letter, which may take several bytes.
    pub fn first_char(&self, span: Span) -> Span {
        let len = self
            .text
            .get(span.start as usize..span.end as usize)
            .and_then(|s| s.chars().next())
            .map_or(span.len(), char::len_utf8);
        Span {
            end: span.start.saturating_add(clamp_u32(len)),
            ..span
        }
    }

    /// Line and column of a byte offset. An offset inside a multi-byte
    /// character counts as that character.
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(clamp_u32(self.text.len()));
        let (line, start) = self.lines.line_of(&self.text, offset);
        let prefix = self
            .text
            .get(start as usize..offset as usize)
            .map(|s| {
                if self.lines.ascii {
                    s.len()
                } else {
                    s.chars().count()
                }
            })
            .unwrap_or_else(|| {
                // Offset inside a character: count the characters that start before it.
                self.text.as_bytes()[start as usize..offset as usize]
                    .iter()
                    .filter(|b| (**b & 0xC0) != 0x80)
                    .count()
            });
        Position {
            line: clamp_u32(line + 1),
            column: clamp_u32(prefix + 1),
        }
    }
}

/// Every file loaded in one run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: String) -> SourceId {
        let lines = LineIndex::new(&text);
        self.add_indexed(path, text, lines)
    }

    /// Room for `more` files to be added without growing.
    pub fn reserve(&mut self, more: usize) {
        self.files.reserve(more);
    }

    /// Add a file whose lines were indexed already (`LineIndex::new(&text)`,
    /// on the thread that read it), and return its id.
    pub fn add_indexed(
        &mut self,
        path: impl Into<PathBuf>,
        text: String,
        lines: LineIndex,
    ) -> SourceId {
        let id = SourceId(clamp_u32(self.files.len()));
        self.files.push(SourceFile {
            path: path.into(),
            text,
            lines,
        });
        id
    }

    /// The file with this id.
    ///
    /// Ids come only from [`SourceMap::add`] on this map, so a missing id is a bug.
    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Look a file up by id without panicking.
    pub fn try_get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (SourceId(clamp_u32(i)), f))
    }

    /// Start and end position of a span.
    pub fn range(&self, span: Span) -> (Position, Position) {
        let file = self.get(span.source);
        (file.position(span.start), file.position(span.end))
    }

    /// The path of a span's file.
    pub fn path(&self, id: SourceId) -> &Path {
        &self.get(id).path
    }

    /// Show paths relative to `base` where they are below it (for output
    /// that does not depend on where the tree was checked out).
    pub fn relativize(&mut self, base: &Path) {
        for f in &mut self.files {
            if let Ok(rel) = f.path.strip_prefix(base) {
                f.path = rel.to_path_buf();
            }
        }
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line start, the slow way: what the block index must answer.
    fn dense(text: &str) -> Vec<usize> {
        std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect()
    }

    /// Every offset of `text` and every line, against [`dense`].
    fn check_against_dense(text: &str) {
        let index = LineIndex::new(text);
        let starts = dense(text);
        assert_eq!(index.line_count(), starts.len());
        for offset in 0..=text.len() + 2 {
            let clamped = offset.min(text.len());
            let line = starts.partition_point(|&s| s <= clamped) - 1;
            assert_eq!(
                index.line_of(text, offset as u32),
                (line, starts[line] as u32),
                "offset {offset}"
            );
        }
        for line in 0..starts.len() + 2 {
            let start = starts.get(line).copied().unwrap_or(0);
            let mut end = starts.get(line + 1).map_or(text.len(), |s| s - 1);
            if end > start && text.as_bytes()[end - 1] == b'\r' {
                end -= 1;
            }
            assert_eq!(index.line_range(text, line), (start, end), "line {line}");
        }
    }

    #[test]
    fn the_block_index_answers_like_a_list_of_every_line_start() {
        let block = LineIndex::BLOCK;
        check_against_dense("");
        check_against_dense("\n");
        check_against_dense("a\r\nb\n\nc");
        // One long line, then breaks right before, at and after block ends.
        let mut text = "x".repeat(3 * block + 5);
        text.replace_range(block - 1..block, "\n");
        text.replace_range(2 * block..2 * block + 1, "\n");
        text.replace_range(2 * block + 1..2 * block + 2, "\n");
        check_against_dense(&text);
        // Blocks without a break (a minified policy), answered without a
        // scan: the whole text one line, then one break in the last block
        // and one in the first.
        check_against_dense(&"m".repeat(4 * block + 3));
        check_against_dense(&format!("{}\n{}", "m".repeat(3 * block + 9), "n".repeat(7)));
        check_against_dense(&format!("{}\n{}", "m".repeat(9), "n".repeat(3 * block)));
        // Exactly a whole number of blocks, ending in a break.
        let mut text = "y".repeat(2 * block - 1);
        text.push('\n');
        check_against_dense(&text);
        // Lines of every length from 0 to past a block, multi-byte text.
        let mut text = String::new();
        for k in 0..(block + 40) {
            text.push_str(&"é".repeat(k % 7));
            text.push_str(&"z".repeat(k));
            text.push_str(if k % 3 == 0 { "\r\n" } else { "\n" });
            if text.len() > 5 * block {
                break;
            }
        }
        check_against_dense(&text);
    }

    #[test]
    fn a_large_text_is_indexed_on_all_cores_like_in_one_go() {
        // Over the size counted in parallel, with lines of varied lengths.
        let mut text = String::new();
        let mut k = 0usize;
        while text.len() < 3 << 20 {
            text.push_str(&"x".repeat(k % 97));
            text.push('\n');
            k += 1;
        }
        let index = LineIndex::new(&text);
        let starts = dense(&text);
        assert_eq!(index.line_count(), starts.len());
        for (line, &start) in starts.iter().enumerate().step_by(101) {
            assert_eq!(index.line_of(&text, start as u32), (line, start as u32));
            assert_eq!(index.line_range(&text, line).0, start);
        }
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let mut map = SourceMap::new();
        let id = map.add("a.json", "{\n  \"é\": \"x\"\r\n}".to_string());
        let file = map.get(id);
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
        assert_eq!(file.position(2), Position { line: 2, column: 1 });
        // after `  "é"` the byte offset is 2+2+1+2+1 = 8 but the column counts é once
        assert_eq!(file.position(8), Position { line: 2, column: 6 });
        assert_eq!(file.position(15), Position { line: 3, column: 1 });
    }

    #[test]
    fn columns_are_the_same_whether_or_not_the_text_is_ascii() {
        // One long line, as a minified policy is: the column of every
        // offset is its character count from the start, with a non-ASCII
        // character beyond the first block or without one.
        let plain = format!("{{\"a\":\"{}\"}}", "x".repeat(3000));
        let wide = format!("{}é{}", &plain[..2500], &plain[2500..]);
        let mut map = SourceMap::new();
        for text in [plain, wide] {
            let id = map.add("a.json", text.clone());
            let file = map.get(id);
            assert_eq!(file.lines().ascii, text.is_ascii());
            for offset in (0..=text.len()).step_by(97).chain([2501]) {
                // The characters that start before the offset.
                let column = text.as_bytes()[..offset]
                    .iter()
                    .filter(|b| (**b & 0xC0) != 0x80)
                    .count()
                    + 1;
                assert_eq!(
                    file.position(offset as u32),
                    Position {
                        line: 1,
                        column: column as u32
                    },
                    "offset {offset}"
                );
            }
        }
    }

    #[test]
    fn line_range_drops_crlf() {
        let text = "ab\r\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_range(text, 0), (0, 2));
        assert_eq!(idx.line_range(text, 1), (4, 6));
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let mut map = SourceMap::new();
        let id = map.add("a", "ab".to_string());
        assert_eq!(map.get(id).position(99), Position { line: 1, column: 3 });
    }
}
