using System.Text;
using LeakWatch.Core.Documents;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// Stands between the decoded export and Sep, and hands Sep only rows that are whole. Sep parses cells well, but a
/// reader cannot be rewound: after one unbalanced quote it reads every following line into the open cell, up to the
/// next quote or the end of the file, and the rows in between are gone without a word. This framer finds row
/// boundaries with the same quote rule as Sep (every quote toggles quoting), lets a quoted cell run over several lines
/// only when the row it makes has the header's number of cells, and otherwise skips the first line alone, counting it
/// with its reason and line number, and frames again from the next line. Sep then splits, unquotes and trims the rows
/// it receives. Nothing of a row's content is kept once it is handed on; skipped rows leave only their line numbers.
/// </summary>
internal sealed class RowFramer : TextReader
{
    /// <summary>The longest row (its line breaks included) an export may have: the cell limit of scan's own reader.</summary>
    public const int MaxRowChars = 64 * 1024;

    public const string UnbalancedQuote = "unbalanced-quote";
    public const string TooManyCells = "too-many-cells";
    public const string RowTooLong = "row-too-long";

    private readonly DecodedTextReader _source;
    private readonly char[] _buffer = new char[1 << 16];
    // Lines a candidate row took and gave back: framed again, in order, before reading on.
    private readonly Stack<(string Text, long Line)> _requeued = new();
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _row = new();
    private int _bufferStart;
    private int _bufferEnd;
    private bool _sourceDone;
    private long _lineNumber;
    private int _headerCells = -1;
    private string _out = "";
    private int _outAt;

    public RowFramer(DecodedTextReader source) => _source = source;

    public char Delimiter { get; private set; }

    /// <summary>Data rows skipped here, by reason, with their line numbers (the first few).</summary>
    public ReadProblems Problems { get; } = new();

    /// <summary>Data rows handed to Sep.</summary>
    public long RowsFramed { get; private set; }

    /// <summary>
    /// Reads the header line and settles the delimiter (the given one, else the most frequent of ; , tab | outside
    /// quotes, as Sep guesses). Returns false when the export has no header line.
    /// </summary>
    public bool ReadHeader(char? delimiter)
    {
        while (NextLine() is { } header)
        {
            if (header.Text.Length > MaxRowChars)
            {
                throw new LeakWatchException($"The export's header line (line {header.Line}) is longer than {MaxRowChars} characters; check the file is the patient export and enroll again.");
            }
            if (string.IsNullOrWhiteSpace(header.Text)) continue;
            Delimiter = delimiter ?? Guess(header.Text);
            var (cells, open) = Scan(header.Text, Delimiter, inQuotes: false);
            if (open) throw new LeakWatchException("The export's header line has an unbalanced quote; correct the header (column names only) and enroll again.");
            _headerCells = cells;
            _out = header.Text + "\n";
            return true;
        }
        return false;
    }

    public override int Read(Span<char> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_outAt == _out.Length && !FrameNext()) break;
            var n = Math.Min(buffer.Length - written, _out.Length - _outAt);
            _out.AsSpan(_outAt, n).CopyTo(buffer[written..]);
            _outAt += n;
            written += n;
        }
        return written;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Peek() => _outAt < _out.Length || FrameNext() ? _out[_outAt] : -1;

    /// <summary>Frames the next whole data row into <see cref="_out"/>; false at the end of the text.</summary>
    private bool FrameNext()
    {
        while (NextLine() is { } first)
        {
            // Length first: an over-long line stands as a placeholder of spaces and must not pass for a blank line.
            if (first.Text.Length > MaxRowChars)
            {
                Problems.Add(RowTooLong, first.Line);
                continue;
            }
            if (IsBlank(first.Text)) continue;
            var (cells, open) = Scan(first.Text, Delimiter, inQuotes: false);
            if (!open)
            {
                if (cells > _headerCells)
                {
                    Problems.Add(TooManyCells, first.Line);
                    continue;
                }
                return Emit(first.Text);
            }

            // A quoted cell runs over the line break: take following lines until the quote closes, within the limit.
            var taken = new List<(string Text, long Line)> { first };
            var length = first.Text.Length;
            while (open && length <= MaxRowChars && NextLine() is { } next)
            {
                taken.Add(next);
                length += next.Text.Length + 1;
                int more;
                (more, open) = Scan(next.Text, Delimiter, inQuotes: true);
                cells += more - 1;
            }
            if (!open && length <= MaxRowChars && cells == _headerCells)
            {
                _row.Clear();
                foreach (var (text, _) in taken) _row.Append(text).Append('\n');
                _row.Length--;
                return Emit(_row.ToString());
            }

            // Not a row: the first line alone is skipped, the lines it would have swallowed are framed again.
            Problems.Add(UnbalancedQuote, first.Line);
            for (var i = taken.Count - 1; i >= 1; i--) _requeued.Push(taken[i]);
        }
        return false;
    }

    private bool Emit(string row)
    {
        RowsFramed++;
        _out = row + "\n";
        _outAt = 0;
        return true;
    }


    /// <summary>The next physical line without its break (CR LF, LF or CR), with its 1-based number.</summary>
    private (string Text, long Line)? NextLine()
    {
        if (_requeued.Count > 0) return _requeued.Pop();
        _line.Clear();
        var overLimit = false;
        while (true)
        {
            if (_bufferStart == _bufferEnd)
            {
                if (_sourceDone || (_bufferEnd = _source.Read(_buffer, 0, _buffer.Length)) == 0)
                {
                    _sourceDone = true;
                    _bufferStart = _bufferEnd = 0;
                    if (_line.Length == 0 && !overLimit) return null;
                    return Finish(overLimit);
                }
                _bufferStart = 0;
            }
            var span = _buffer.AsSpan(_bufferStart, _bufferEnd - _bufferStart);
            var end = span.IndexOfAny('\r', '\n');
            var take = end < 0 ? span.Length : end;
            if (!overLimit)
            {
                if (_line.Length + take > MaxRowChars) overLimit = true;
                else _line.Append(span[..take]);
            }
            _bufferStart += take;
            if (end < 0) continue;
            var breakChar = _buffer[_bufferStart++];
            if (breakChar == '\r')
            {
                // CR LF is one break; the LF may sit at the start of the next buffer.
                if (_bufferStart == _bufferEnd && !_sourceDone)
                {
                    _bufferEnd = _source.Read(_buffer, 0, _buffer.Length);
                    _bufferStart = 0;
                    if (_bufferEnd == 0) _sourceDone = true;
                }
                if (_bufferStart < _bufferEnd && _buffer[_bufferStart] == '\n') _bufferStart++;
            }
            return Finish(overLimit);
        }
    }

    private (string Text, long Line) Finish(bool overLimit)
    {
        _lineNumber++;
        if (overLimit)
        {
            _line.Clear();
            // Longer than any row may be: stands for the line without keeping it.
            return (new string(' ', MaxRowChars + 1), _lineNumber);
        }
        var text = _line.ToString();
        // Decoded as UTF-8 (the choice is made before the first non-ASCII byte is decoded): a U+FFFD marks an invalid sequence.
        if (text.Contains('\uFFFD', StringComparison.Ordinal) && _source.Encoding == TextEncodingKind.Utf8)
        {
            Problems.AddInvalidBytes(text.AsSpan().Count('\uFFFD'), _lineNumber);
        }
        return (text, _lineNumber);
    }

    /// <summary>Cells begun on this line (delimiters outside quotes + 1) and whether a quote is still open at its end.</summary>
    private static (int Cells, bool Open) Scan(string line, char delimiter, bool inQuotes)
    {
        var cells = 1;
        foreach (var c in line)
        {
            if (c == '"') inQuotes = !inQuotes;
            else if (c == delimiter && !inQuotes) cells++;
        }
        return (cells, inQuotes);
    }

    private bool IsBlank(string line) => line.AsSpan().IndexOfAnyExcept(Delimiter, ' ', '\t') < 0;

    private static char Guess(string header)
    {
        ReadOnlySpan<char> candidates = [';', ',', '\t', '|'];
        var best = ';';
        var bestCount = 0;
        foreach (var candidate in candidates)
        {
            var (cells, _) = Scan(header, candidate, inQuotes: false);
            if (cells - 1 > bestCount)
            {
                best = candidate;
                bestCount = cells - 1;
            }
        }
        return best;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _source.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>What could not be read of an export: skipped rows by reason and invalid bytes, with line numbers, never content.</summary>
internal sealed class ReadProblems
{
    /// <summary>Line numbers kept per reason, for the message; the counts go on past it.</summary>
    public const int LinesKept = 10;

    private readonly Dictionary<string, (long Count, List<long> Lines)> _skipped = new(StringComparer.Ordinal);
    private readonly List<long> _invalidLines = [];

    public IReadOnlyDictionary<string, (long Count, List<long> Lines)> Skipped => _skipped;

    public long SkippedRows => _skipped.Values.Sum(s => s.Count);

    /// <summary>Invalid byte sequences (each read as U+FFFD) and the lines that hold them.</summary>
    public long InvalidSequences { get; private set; }

    public long InvalidLines { get; private set; }

    public IReadOnlyList<long> InvalidLineNumbers => _invalidLines;

    public void Add(string reason, long line)
    {
        var (count, lines) = _skipped.TryGetValue(reason, out var entry) ? entry : (0, new List<long>());
        if (lines.Count < LinesKept) lines.Add(line);
        _skipped[reason] = (count + 1, lines);
    }

    public void AddInvalidBytes(int sequences, long line)
    {
        InvalidSequences += sequences;
        InvalidLines++;
        if (_invalidLines.Count < LinesKept) _invalidLines.Add(line);
    }
}
