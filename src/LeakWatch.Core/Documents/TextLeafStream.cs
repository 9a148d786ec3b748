using System.Text;

namespace LeakWatch.Core.Documents;

/// <summary>
/// The text of a document that is not text (a sheet, a PDF page, a mail body), made on demand as UTF-8 with a byte
/// order mark: the extractor pulls, the subclass parses a little more each time. Nothing is held whole. Hostile bytes
/// that make the parser throw end the text there, recorded as a partial read; a refused part (a bomb) ends it too.
/// </summary>
internal abstract class TextLeafStream : ReadOnlyForwardStream
{
    private const int ChunkChars = 32 * 1024;
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private readonly UnpackSession _session;
    private readonly StringBuilder _text = new();
    private byte[] _bytes = new byte[4 * ChunkChars];
    private int _position;
    private int _length;
    private bool _done;

    protected TextLeafStream(UnpackSession session, string name)
    {
        _session = session;
        Name = name;
        Bom.CopyTo(_bytes, 0);
        _length = Bom.Length;
    }

    public string Name { get; }

    /// <summary>Characters made so far.</summary>
    public long CharsProduced { get; private set; }

    /// <summary>Appends the next piece of text (a row, a paragraph, a page) to <paramref name="text"/>; false at the end.</summary>
    protected abstract bool Produce(StringBuilder text);

    /// <summary>Reads the first piece ahead: false when the document has no text at all (then it need not be handed over).</summary>
    public bool HasText()
    {
        if (_length > Bom.Length) return true;
        Fill();
        return _length - _position > 0 && CharsProduced > 0;
    }

    /// <summary>Reads what the consumer left, so a parser shared with the next leaf is past this one.</summary>
    public void Drain()
    {
        Span<byte> scratch = stackalloc byte[4096];
        while (Read(scratch) > 0)
        {
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (_position == _length)
        {
            if (_done) return 0;
            _position = 0;
            _length = 0;
            Fill();
        }

        var n = Math.Min(buffer.Length, _length - _position);
        _bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    private void Fill()
    {
        _text.Clear();
        try
        {
            while (!_done && _text.Length < ChunkChars)
            {
                _session.CancellationToken.ThrowIfCancellationRequested();
                if (!Produce(_text)) _done = true;
            }
        }
        catch (TextLimitException ex)
        {
            // The text a small file would make is out of proportion (a cell repeated across a row, rows repeated):
            // what came before is kept, the rest is said, not read.
            _done = true;
            _text.Length = Math.Min(_text.Length, ex.KeepChars);
            _session.Skip(Name, ex.Message, partial: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _done = true;
            // A refusal was recorded by the guard that made it; anything else is a document broken on purpose or by accident.
            if (UnpackRefusedException.Find(ex) is null)
                _session.Skip(Name, $"corrupt or unsupported content ({ex.GetType().Name}): read up to there", partial: CharsProduced + _text.Length > 0);
        }

        CharsProduced += _text.Length;
        var needed = Encoding.UTF8.GetMaxByteCount(_text.Length) + _length;
        if (needed > _bytes.Length) Array.Resize(ref _bytes, needed);
        foreach (var chunk in _text.GetChunks()) _length += Encoding.UTF8.GetBytes(chunk.Span, _bytes.AsSpan(_length));
        _text.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        // The buffers held leaked text.
        _bytes.AsSpan().Clear();
        _text.Clear();
        base.Dispose(disposing);
    }
}

/// <summary>Writes table rows as tab-separated lines with every non-empty cell quoted, so they read as delimited text whose first row names the columns.</summary>
internal static class TableText
{
    /// <summary>The longest row written, as the delimited-text and enrollment readers allow.</summary>
    public const int MaxRowChars = 64 * 1024;

    /// <summary>The most text one piece (a row and its repetitions) may add before the reader hands it over.</summary>
    public const int MaxPieceChars = 4 * 1024 * 1024;

    public static void AppendRow(StringBuilder text, IReadOnlyList<string?> cells, int width = 0)
    {
        var start = text.Length;
        if (start > MaxPieceChars)
            throw new TextLimitException($"a table whose repeated rows make more than {MaxPieceChars} characters at once: the rest was not read", start);
        var count = Math.Max(cells.Count, width);
        for (var i = 0; i < count; i++)
        {
            if (text.Length - start > MaxRowChars)
                throw new TextLimitException($"a table row longer than {MaxRowChars} characters: the rest was not read", start);
            if (i > 0) text.Append('\t');
            var cell = i < cells.Count ? cells[i] : null;
            if (string.IsNullOrWhiteSpace(cell)) continue;
            text.Append('"');
            foreach (var c in cell.AsSpan().Trim())
            {
                if (c == '"') text.Append("\"\"");
                else text.Append(char.IsControl(c) ? ' ' : c);
            }

            text.Append('"');
        }

        text.Append('\n');
    }

    /// <summary>Whether a row has anything in it: empty rows are not written.</summary>
    public static bool IsEmpty(IReadOnlyList<string?> cells)
    {
        foreach (var cell in cells)
        {
            if (!string.IsNullOrWhiteSpace(cell)) return false;
        }

        return true;
    }

    /// <summary>A date as French files write it, which every reader of dates here understands.</summary>
    public static string Date(DateTime value) => value.TimeOfDay == TimeSpan.Zero
        ? value.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)
        : value.ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A number without exponent or grouping: a NIR or a phone stored as a number keeps its digits.</summary>
    public static string Number(double value) =>
        Math.Abs(value) < 1e17 && value == Math.Floor(value)
            ? ((decimal)value).ToString("0", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Thrown while making text when a document would make far more text than its bytes (a shared string used by every
/// cell of a row, a cell repeated across columns and rows). The message holds numbers only.
/// </summary>
internal sealed class TextLimitException(string message, int keepChars) : Exception(message)
{
    /// <summary>How much of the pending text is whole rows, kept for matching.</summary>
    public int KeepChars { get; } = keepChars;
}
