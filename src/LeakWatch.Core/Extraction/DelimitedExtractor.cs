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

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        var cursor = new TextCursor(text, MaxRowChars);
        var parser = new RowParser(dialect.Delimiter);
        var scratch = new char[256];
        var cells = new CellSlice[1024];
        FieldHint[]? hints = null;
        var headerPending = dialect.HasHeader;
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

            // Fast path: a whole line without quotes, cut with one vector scan and copied into the batch in one go.
            var end = span.IndexOfAny('\r', '\n');
            if (end >= 0 && (end + 1 < span.Length || span[end] == '\n' || cursor.EndOfText))
            {
                var line = span[..end];
                if (line.IndexOf('"') < 0)
                {
                    var consumed = end + (span[end] == '\r' && end + 1 < span.Length && span[end + 1] == '\n' ? 2 : 1);
                    if (cells.Length <= line.Length) cells = new CellSlice[line.Length + 1];
                    var count = CellScanner.Cut(line, dialect.Delimiter, cells);
                    if (line.IndexOfAnyExcept(dialect.Delimiter, ' ', '\t') >= 0)
                    {
                        if (headerPending)
                        {
                            headerPending = false;
                            hints = HeaderHints(line, cells.AsSpan(0, count));
                            if (hints is not null)
                            {
                                cursor.Advance(consumed, 1);
                                continue;
                            }
                        }

                        context.BeginRecord(writer, cursor.Offset, cursor.Line);
                        writer.AddFields(line, cells.AsSpan(0, count), hints is not null && hints.Length == count ? hints : default);
                        writer.EndRecord();
                    }

                    cursor.Advance(consumed, 1);
                    continue;
                }
            }

            if (!parser.Parse(span, cursor.EndOfText, out var rowLength))
            {
                if (cursor.Fill()) continue;

                // The end of the text, or a row longer than the buffer: take what there is.
                span = cursor.Buffered;
                parser.Parse(span, final: true, out rowLength);
            }

            var breaks = parser.LineBreaks(span, rowLength);
            if (parser.HasContent)
            {
                if (headerPending)
                {
                    headerPending = false;
                    hints = HeaderHints(parser, span, ref scratch);
                }

                if (hints is null || !parser.IsHeaderRow)
                {
                    context.BeginRecord(writer, cursor.Offset, cursor.Line);
                    var useHints = hints is not null && hints.Length == parser.Count;
                    for (var i = 0; i < parser.Count; i++)
                    {
                        var value = parser.Value(span, i, ref scratch);
                        writer.AddField(value, useHints ? hints![i] : FieldHint.None);
                    }

                    writer.EndRecord();
                }

                parser.IsHeaderRow = false;
            }

            cursor.Advance(rowLength, breaks);
        }
    }

    /// <summary>Hints for a header line without quotes; null (and the line is data) when no cell is a known column name.</summary>
    private static FieldHint[]? HeaderHints(ReadOnlySpan<char> line, ReadOnlySpan<CellSlice> cells)
    {
        var hints = new FieldHint[cells.Length];
        var known = false;
        for (var i = 0; i < cells.Length; i++)
        {
            hints[i] = ColumnHints.Classify(line.Slice(cells[i].Start, cells[i].Length));
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
            hints[i] = ColumnHints.Classify(parser.Value(span, i, ref scratch));
            known |= hints[i] != FieldHint.None;
        }

        if (!known) return null;
        parser.IsHeaderRow = true;
        return hints;
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

        public bool IsHeaderRow { get; set; }

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
