using LeakWatch.Core.Normalization;
using System.Buffers;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// One record per row, one field per cell, hints from the header when there is one and the row has as many cells.
/// Cells are copied from the decoded buffer straight into the batch: no string per cell. A quote opens a quoted cell
/// only at the start of a cell (a stray quote inside a name is a letter), <c>""</c> escapes a quote, and quoted cells may
/// hold delimiters and line breaks; a quote not closed within 64 Ki chars is taken as a letter, so one stray quote
/// cannot swallow the rest of a dump.
/// </summary>
internal sealed class DelimitedExtractor(DelimitedDialect dialect) : IRecordExtractor
{
    /// <summary>A row longer than this is cut where the buffer ends.</summary>
    private const int MaxRowChars = 4 * 1024 * 1024;

    private const int MaxQuotedChars = 64 * 1024;

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context) =>
        new Run(dialect, writer, context).Extract(new TextCursor(text, MaxRowChars));

    /// <summary>The state of one extraction: the header's hints and the buffers.</summary>
    private sealed class Run(DelimitedDialect dialect, RecordWriter writer, ExtractionContext context)
    {
        private readonly char _delimiter = dialect.Delimiter;
        private readonly QuotedRowScanner _quoted = new(dialect.Delimiter, MaxQuotedChars);
        private readonly RowParser _parser = new(dialect.Delimiter);
        private char[] _scratch = new char[256];
        private CellSlice[] _cells = new CellSlice[1024];
        private FieldHint[]? _hints;
        private bool _headerPending = dialect.HasHeader;

        public void Extract(TextCursor cursor)
        {
            var rows = 0;
            while (true)
            {
                if ((++rows & 0x3FF) == 0) context.CancellationToken.ThrowIfCancellationRequested();
                var span = cursor.Buffered;
                if (span.IsEmpty)
                {
                    if (cursor.Fill()) continue;
                    break;
                }

                // Fast path: a whole line without quotes, cut with one vector scan.
                var end = span.IndexOfAny('\r', '\n');
                var lineComplete = end >= 0 && (end + 1 < span.Length || span[end] == '\n' || cursor.EndOfText);
                if (lineComplete && span[..end].IndexOf('"') < 0)
                {
                    var line = span[..end];
                    if (_cells.Length <= line.Length) _cells = new CellSlice[line.Length + 1];
                    var count = CellScanner.Cut(line, _delimiter, _cells);
                    Emit(cursor, line, _cells.AsSpan(0, count), doubledQuotes: false);
                    cursor.Advance(end + (span[end] == '\r' && end + 1 < span.Length && span[end + 1] == '\n' ? 2 : 1), 1);
                    continue;
                }

                // Regular quoting: one search per cell.
                var result = _quoted.Cut(span, cursor.EndOfText, _cells, out var cells, out var consumed, out var length, out var doubled, out var breaksInside);
                if (result == QuotedRow.NeedMore)
                {
                    if (cursor.Fill()) continue;
                    span = cursor.Buffered;
                    result = _quoted.Cut(span, final: true, _cells, out cells, out consumed, out length, out doubled, out breaksInside);
                }

                if (result == QuotedRow.Row)
                {
                    var content = span[..length];
                    Emit(cursor, content, _cells.AsSpan(0, cells), doubled);
                    cursor.Advance(consumed, (consumed > length ? 1 : 0) + (breaksInside ? Breaks(content) : 0));
                    continue;
                }

                // Stray quotes: char by char.
                if (!_parser.Parse(span, cursor.EndOfText, out var rowLength))
                {
                    if (cursor.Fill()) continue;

                    // The end of the text, or a row longer than the buffer: take what there is.
                    span = cursor.Buffered;
                    _parser.Parse(span, final: true, out rowLength);
                }

                var breaks = _parser.LineBreaks(span, rowLength);
                if (_parser.HasContent) EmitParsed(cursor, span);
                cursor.Advance(rowLength, breaks);
            }
        }

        /// <summary>A row cut into slices of <paramref name="row"/>: the header, or a record copied in one go.</summary>
        private void Emit(TextCursor cursor, ReadOnlySpan<char> row, ReadOnlySpan<CellSlice> cells, bool doubledQuotes)
        {
            if (row.IndexOfAnyExcept(_delimiter, ' ', '\t') < 0) return;
            if (_headerPending)
            {
                _headerPending = false;
                _hints = HeaderHints(row, cells);
                if (_hints is not null) return;
            }

            context.BeginRecord(writer, cursor.Offset, cursor.Line);
            ReadOnlySpan<FieldHint> hints = _hints is not null && _hints.Length == cells.Length ? _hints : default;
            if (!doubledQuotes)
            {
                writer.AddFields(row, cells, hints);
            }
            else
            {
                for (var i = 0; i < cells.Length; i++)
                {
                    writer.AddField(Undouble(row.Slice(cells[i].Start, cells[i].Length)), hints.IsEmpty ? FieldHint.None : hints[i]);
                }
            }

            writer.EndRecord();
        }

        private void EmitParsed(TextCursor cursor, ReadOnlySpan<char> span)
        {
            if (_headerPending)
            {
                _headerPending = false;
                _hints = HeaderHints(_parser, span, ref _scratch);
                if (_hints is not null) return;
            }

            context.BeginRecord(writer, cursor.Offset, cursor.Line);
            var useHints = _hints is not null && _hints.Length == _parser.Count;
            for (var i = 0; i < _parser.Count; i++)
            {
                writer.AddField(_parser.Value(span, i, ref _scratch), useHints ? _hints![i] : FieldHint.None);
            }

            writer.EndRecord();
        }

        /// <summary>The content of a quoted cell with its doubled quotes made single.</summary>
        private ReadOnlySpan<char> Undouble(ReadOnlySpan<char> cell)
        {
            if (cell.IndexOf('"') < 0) return cell;
            if (_scratch.Length < cell.Length) _scratch = new char[cell.Length * 2];
            var w = 0;
            for (var i = 0; i < cell.Length; i++)
            {
                _scratch[w++] = cell[i];
                if (cell[i] == '"' && i + 1 < cell.Length && cell[i + 1] == '"') i++;
            }

            return _scratch.AsSpan(0, w);
        }

        private static int Breaks(ReadOnlySpan<char> content)
        {
            var breaks = content.Count('\n');
            for (var i = content.IndexOf('\r'); i >= 0; i = content.IndexOf('\r'))
            {
                if (i + 1 >= content.Length || content[i + 1] != '\n') breaks++;
                content = content[(i + 1)..];
            }

            return breaks;
        }
    }

    /// <summary>Hints for a header row; null (and the row is data) when no cell is a known column name.</summary>
    private static FieldHint[]? HeaderHints(ReadOnlySpan<char> line, ReadOnlySpan<CellSlice> cells)
    {
        var hints = new FieldHint[cells.Length];
        var known = false;
        for (var i = 0; i < cells.Length; i++)
        {
            hints[i] = ColumnNames.Classify(line.Slice(cells[i].Start, cells[i].Length));
            known |= hints[i] != FieldHint.None;
        }

        return known ? hints : null;
    }

    /// <summary>Hints for the header row; null (and the row is data) when no cell is a known column name.</summary>
    private static FieldHint[]? HeaderHints(RowParser parser, ReadOnlySpan<char> span, ref char[] scratch)
    {
        var hints = new FieldHint[parser.Count];
        var known = false;
        for (var i = 0; i < parser.Count; i++)
        {
            hints[i] = ColumnNames.Classify(parser.Value(span, i, ref scratch));
            known |= hints[i] != FieldHint.None;
        }

        return known ? hints : null;
    }

    /// <summary>Cuts one row off the front of a span: where its cells start and end, and how long it is.</summary>
    private sealed class RowParser(char delimiter)
    {
        private readonly SearchValues<char> _stops = SearchValues.Create([delimiter, '\r', '\n']);
        private Cell[] _cells = new Cell[64];
        private int _contentLength;
        private bool _quotedBreaks;

        public int Count { get; private set; }

        public bool HasContent { get; private set; }

        /// <summary>False when the row does not end within <paramref name="span"/> and more text may come.</summary>
        public bool Parse(ReadOnlySpan<char> span, bool final, out int consumed)
        {
            Count = 0;
            HasContent = false;
            _quotedBreaks = false;
            consumed = 0;
            var pos = 0;
            while (true)
            {
                var start = pos;
                var quoted = false;
                if (pos < span.Length && span[pos] == '"')
                {
                    var close = ClosingQuote(span, pos + 1, final);
                    if (close == NeedMore)
                    {
                        if (!final && span.Length - start <= MaxQuotedChars) return false;
                    }
                    else if (close >= 0)
                    {
                        quoted = true;
                        pos = close + 1;
                    }
                }

                var k = span[pos..].IndexOfAny(_stops);
                if (k < 0)
                {
                    if (!final) return false;
                    AddCell(span, start, span.Length - start, quoted);
                    _contentLength = span.Length;
                    consumed = span.Length;
                    return true;
                }

                var end = pos + k;
                AddCell(span, start, end - start, quoted);
                if (span[end] == delimiter)
                {
                    pos = end + 1;
                    continue;
                }

                if (span[end] == '\r')
                {
                    if (end + 1 < span.Length) consumed = end + (span[end + 1] == '\n' ? 2 : 1);
                    else if (!final) return false;
                    else consumed = end + 1;
                }
                else
                {
                    consumed = end + 1;
                }

                _contentLength = end;
                return true;
            }
        }

        /// <summary>The line breaks a parsed row spans: its own, and those inside quoted cells.</summary>
        public int LineBreaks(ReadOnlySpan<char> span, int consumed)
        {
            var breaks = consumed > _contentLength ? 1 : 0;
            if (!_quotedBreaks) return breaks;
            var content = span[.._contentLength];
            breaks += content.Count('\n');
            for (var i = content.IndexOf('\r'); i >= 0; i = content.IndexOf('\r'))
            {
                if (i + 1 >= content.Length || content[i + 1] != '\n') breaks++;
                content = content[(i + 1)..];
            }

            return breaks;
        }

        /// <summary>The text of a cell; quoted cells are unquoted into <paramref name="scratch"/>.</summary>
        public ReadOnlySpan<char> Value(ReadOnlySpan<char> span, int index, ref char[] scratch)
        {
            var cell = _cells[index];
            var raw = span.Slice(cell.Start, cell.Length);
            if (!cell.Quoted) return raw;
            if (scratch.Length < raw.Length) scratch = new char[Math.Max(raw.Length, scratch.Length * 2)];

            // "a""b"c -> a"bc: pairs are quotes, a single quote closes, what follows it is kept.
            var written = 0;
            var rest = raw[1..];
            while (true)
            {
                var q = rest.IndexOf('"');
                if (q < 0)
                {
                    rest.CopyTo(scratch.AsSpan(written));
                    written += rest.Length;
                    break;
                }

                rest[..q].CopyTo(scratch.AsSpan(written));
                written += q;
                if (q + 1 < rest.Length && rest[q + 1] == '"')
                {
                    scratch[written++] = '"';
                    rest = rest[(q + 2)..];
                    continue;
                }

                var tail = rest[(q + 1)..];
                tail.CopyTo(scratch.AsSpan(written));
                written += tail.Length;
                break;
            }

            return scratch.AsSpan(0, written);
        }

        private const int NeedMore = -2;

        /// <summary>Index of the quote closing a cell opened before <paramref name="from"/>, -1 if none, NeedMore if unsure.</summary>
        private static int ClosingQuote(ReadOnlySpan<char> span, int from, bool final)
        {
            while (true)
            {
                var q = span[from..].IndexOf('"');
                if (q < 0) return final ? -1 : NeedMore;
                var i = from + q;
                if (i + 1 < span.Length)
                {
                    if (span[i + 1] != '"') return i;
                    from = i + 2;
                    continue;
                }

                return final ? i : NeedMore;
            }
        }

        private void AddCell(ReadOnlySpan<char> span, int start, int length, bool quoted)
        {
            if (Count == _cells.Length) Array.Resize(ref _cells, _cells.Length * 2);
            _cells[Count++] = new Cell(start, length, quoted);
            if (!HasContent && span.Slice(start, length).IndexOfAnyExcept(" \t\"") >= 0) HasContent = true;
            if (quoted && span.Slice(start, length).IndexOfAny('\r', '\n') >= 0) _quotedBreaks = true;
        }

        private readonly record struct Cell(int Start, int Length, bool Quoted);
    }
}
