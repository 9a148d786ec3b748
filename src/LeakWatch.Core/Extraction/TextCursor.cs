namespace LeakWatch.Core.Extraction;

/// <summary>
/// A window over decoded text, refilled from a <see cref="TextReader"/>, that knows the absolute character offset and
/// the 1-based line of its read position. Spans it returns stay valid until the next call that reads or fills.
/// A line break is <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c> (HL7 separates segments with <c>\r</c>).
/// </summary>
internal sealed class TextCursor
{
    public const int DefaultBufferChars = 256 * 1024;

    private readonly TextReader _reader;
    private readonly int _maxChars;
    private char[] _buffer;
    private int _pos;
    private int _len;
    private long _bufferStart;
    private bool _endOfText;

    public TextCursor(TextReader reader, int maxChars = 4 * 1024 * 1024, int initialChars = DefaultBufferChars)
    {
        _reader = reader;
        _maxChars = Math.Max(maxChars, 1024);
        _buffer = new char[Math.Min(initialChars, _maxChars)];
        Line = 1;
    }

    /// <summary>Absolute character offset of the read position.</summary>
    public long Offset => _bufferStart + _pos;

    /// <summary>1-based line of the read position.</summary>
    public long Line { get; private set; }

    /// <summary>The unread text held in the buffer.</summary>
    public ReadOnlySpan<char> Buffered => _buffer.AsSpan(_pos, _len - _pos);

    /// <summary>The reader is exhausted: <see cref="Buffered"/> is all that is left.</summary>
    public bool EndOfText => _endOfText;

    /// <summary>Consumes <paramref name="chars"/> chars holding <paramref name="lineBreaks"/> line breaks.</summary>
    public void Advance(int chars, int lineBreaks)
    {
        _pos += chars;
        Line += lineBreaks;
    }

    /// <summary>Consumes <paramref name="chars"/> chars of <see cref="Buffered"/>, counting the line breaks among them.</summary>
    public void Consume(int chars)
    {
        var consumed = Buffered[..chars];
        var breaks = consumed.Count('\n');
        for (var i = consumed.IndexOf('\r'); i >= 0; i = consumed.IndexOf('\r'))
        {
            // A lone CR is a break; CR LF was counted at its LF (a pair cut by the buffer end may count twice).
            if (i + 1 >= consumed.Length ? PeekAfter(chars) != '\n' : consumed[i + 1] != '\n') breaks++;
            consumed = consumed[(i + 1)..];
        }

        Advance(chars, breaks);
    }

    private int PeekAfter(int chars) => _pos + chars < _len ? _buffer[_pos + chars] : -1;

    /// <summary>
    /// Moves the unread text to the front and reads more, growing the buffer when it is full (up to the maximum).
    /// False when nothing could be added: the end of the text, or a full buffer at its maximum size.
    /// </summary>
    public bool Fill()
    {
        if (_endOfText) return false;
        var remaining = _len - _pos;
        if (_pos > 0)
        {
            _buffer.AsSpan(_pos, remaining).CopyTo(_buffer);
            _bufferStart += _pos;
            _pos = 0;
            _len = remaining;
        }

        if (_len == _buffer.Length)
        {
            if (_buffer.Length >= _maxChars) return false;
            Array.Resize(ref _buffer, Math.Min(_maxChars, _buffer.Length * 2));
        }

        var read = _reader.Read(_buffer.AsSpan(_len));
        if (read == 0)
        {
            _endOfText = true;
            return false;
        }

        _len += read;
        return true;
    }

    /// <summary>
    /// Reads the next line without its break. A line longer than the maximum buffer comes back in pieces; the last line
    /// needs no break. False at the end of the text.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<char> line, out long offset, out long lineNumber)
    {
        while (true)
        {
            var span = Buffered;
            var i = span.IndexOfAny('\r', '\n');
            if (i >= 0 && !(span[i] == '\r' && i + 1 == span.Length && !_endOfText))
            {
                var breakLength = span[i] == '\r' && i + 1 < span.Length && span[i + 1] == '\n' ? 2 : 1;
                line = span[..i];
                offset = Offset;
                lineNumber = Line;
                Advance(i + breakLength, 1);
                return true;
            }

            if (Fill()) continue;
            span = Buffered;
            if (span.IsEmpty)
            {
                line = default;
                offset = Offset;
                lineNumber = Line;
                return false;
            }

            // The end of the text, or a line too long for the buffer: hand over what there is.
            var cut = span.Length;
            if (cut > 0 && span[cut - 1] == '\r' && !_endOfText) cut--;
            if (cut == 0) cut = span.Length;
            line = span[..cut];
            offset = Offset;
            lineNumber = Line;
            Advance(cut, 0);
            return true;
        }
    }

    /// <summary>The next char without consuming it, or -1 at the end.</summary>
    public int Peek() => _pos < _len || Fill() ? _buffer[_pos] : -1;

    /// <summary>The char <paramref name="ahead"/> positions after the read position, or -1.</summary>
    public int PeekAt(int ahead)
    {
        while (_pos + ahead >= _len)
        {
            if (!Fill()) return -1;
        }

        return _buffer[_pos + ahead];
    }

    /// <summary>Consumes one char, counting line breaks; -1 at the end.</summary>
    public int Next()
    {
        if (_pos >= _len && !Fill()) return -1;
        var c = _buffer[_pos++];
        if (c == '\n')
        {
            Line++;
        }
        else if (c == '\r' && Peek() != '\n')
        {
            Line++;
        }

        return c;
    }
}
