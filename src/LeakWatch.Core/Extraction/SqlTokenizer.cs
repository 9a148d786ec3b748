using System.Buffers;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// The lexical layer of <see cref="SqlExtractor"/>: words, identifiers, quoted strings with MySQL or standard escapes,
/// values, comments and statement ends, read from a <see cref="TextCursor"/>. The parsers above it only decide what a
/// statement means.
/// </summary>
internal sealed class SqlTokenizer
{
    /// <summary>A longer value (a blob, a document) is cut: identities are short.</summary>
    private const int MaxValueChars = 64 * 1024;

    private static readonly SearchValues<char> StringStops = SearchValues.Create("'\\");
    private static readonly SearchValues<char> DoubleQuoteStops = SearchValues.Create("\"\\");

    private readonly TextCursor _cursor;
    private readonly ValueBuffer _value = new(MaxValueChars);
    private readonly ValueBuffer _word = new(512);

    public SqlTokenizer(TextCursor cursor) => _cursor = cursor;

    /// <summary>The last value read by <see cref="ReadValue"/> or <see cref="CopyUnescape"/>.</summary>
    public ReadOnlySpan<char> Value => _value.Span;

    /// <summary>MySQL's backslash escapes in strings; off once a dump declares <c>standard_conforming_strings</c>.</summary>
    public bool BackslashEscapes { get; set; } = true;

    public void ClearValue() => _value.Clear();

    /// <summary>Reads one value into <see cref="Value"/>: a string, a number, NULL, or an expression (its first string wins).</summary>
    public bool ReadValue()
    {
        _value.Clear();
        var c = _cursor.Peek();
        if (c < 0) return false;
        if (c is '\'' or '"')
        {
            // MySQL reads "..." as a string too; in PostgreSQL it would name a column, meaningless among values.
            ReadString(BackslashEscapes, (char)c);
            return true;
        }

        if (c is '-' or '+' or '.' || char.IsAsciiDigit((char)c))
        {
            while (true)
            {
                c = _cursor.Peek();
                if (c < 0 || !(char.IsAsciiLetterOrDigit((char)c) || c is '.' or '-' or '+')) break;
                _value.Append((char)_cursor.Next());
            }

            return true;
        }

        var word = ReadWord();
        if (_cursor.Peek() == '\'' && word.Length <= 8)
        {
            // N'...', E'...' (backslash escapes), X'...', _utf8'...'
            ReadString(BackslashEscapes || word.Equals("E", StringComparison.OrdinalIgnoreCase));
            return true;
        }

        if (word.Equals("NULL", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var ch in word) _value.Append(ch);
        SkipSpaceAndComments();
        if (_cursor.Peek() == '(') ReadExpressionArguments();
        return word.Length > 0 || _value.Length > 0;
    }

    /// <summary>The arguments of a call like STR_TO_DATE('12/03/1965', '%d/%m/%Y'): the first string is kept as the value.</summary>
    private void ReadExpressionArguments()
    {
        var depth = 0;
        var keptString = false;
        while (true)
        {
            var c = _cursor.Peek();
            if (c < 0) return;
            if (c == '\'')
            {
                if (!keptString)
                {
                    _value.Clear();
                    ReadString(BackslashEscapes);
                    keptString = true;
                }
                else
                {
                    SkipString();
                }

                continue;
            }

            _cursor.Next();
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return;
        }
    }

    /// <summary>Reads a quoted string into <see cref="Value"/>, searching the buffer for the next quote or backslash.</summary>
    private void ReadString(bool backslashEscapes, char quote = '\'')
    {
        var stops = quote == '"' ? DoubleQuoteStops : StringStops;
        _cursor.Next();
        while (true)
        {
            var span = _cursor.Buffered;
            if (span.IsEmpty)
            {
                if (!_cursor.Fill()) return;
                continue;
            }

            var stop = backslashEscapes ? span.IndexOfAny(stops) : span.IndexOf(quote);
            if (stop < 0)
            {
                _value.Append(span);
                _cursor.Consume(span.Length);
                continue;
            }

            _value.Append(span[..stop]);
            var closing = span[stop] == quote;
            _cursor.Consume(stop);
            if (closing)
            {
                _cursor.Next();
                if (_cursor.Peek() != quote) return;
                _cursor.Next();
                _value.Append(quote);
                continue;
            }

            _cursor.Next();
            var escaped = _cursor.Next();
            if (escaped < 0) return;
            switch ((char)escaped)
            {
                case '0' or 'Z':
                    break;
                case 'n':
                    _value.Append('\n');
                    break;
                case 'r':
                    _value.Append('\r');
                    break;
                case 't':
                    _value.Append('\t');
                    break;
                case 'b':
                    break;
                case '%' or '_':
                    _value.Append('\\');
                    _value.Append((char)escaped);
                    break;
                default:
                    _value.Append((char)escaped);
                    break;
            }
        }
    }

    private void SkipString()
    {
        var saved = _value.Length;
        ReadString(BackslashEscapes);
        _value.Truncate(saved);
    }

    /// <summary>COPY text format: <c>\t \n \r \\</c> and octal escapes; other backslashes stand for the next char.</summary>
    public void CopyUnescape(ReadOnlySpan<char> value)
    {
        _value.Clear();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '\\' || i + 1 == value.Length)
            {
                _value.Append(c);
                continue;
            }

            var e = value[++i];
            _value.Append(e switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                'b' => '\b',
                'f' => '\f',
                'v' => '\v',
                _ => e,
            });
        }
    }

    public List<string>? ReadColumnList()
    {
        _cursor.Next();
        var columns = new List<string>();
        while (true)
        {
            SkipSpaceAndComments();
            var name = ReadIdentifier();
            if (name.Length == 0) return null;
            columns.Add(name);
            SkipSpaceAndComments();
            var c = _cursor.Next();
            if (c == ')') return columns;
            if (c != ',') return null;
        }
    }

    /// <summary>Skips the rest of a column definition up to the comma at depth 1; false at the closing parenthesis.</summary>
    public bool SkipToNextDefinition()
    {
        var depth = 0;
        while (true)
        {
            var c = _cursor.Peek();
            if (c < 0) return false;
            if (c == '\'')
            {
                SkipString();
                continue;
            }

            _cursor.Next();
            switch (c)
            {
                case '(':
                    depth++;
                    break;
                case ')' when depth == 0:
                    return false;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    return true;
            }
        }
    }

    /// <summary>Skips to the end of the statement: the next semicolon outside strings, comments and parentheses.</summary>
    public void SkipStatement()
    {
        var depth = 0;
        while (true)
        {
            var c = _cursor.Peek();
            if (c < 0) return;
            switch (c)
            {
                case '\'':
                    SkipString();
                    continue;
                case '"' or '`':
                    ReadIdentifier();
                    continue;
                case '-' when _cursor.PeekAt(1) == '-':
                case '/' when _cursor.PeekAt(1) == '*':
                    SkipSpaceAndComments();
                    continue;
            }

            _cursor.Next();
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            else if (c == ';' && depth == 0) return;
        }
    }

    public void SkipSpaceAndComments()
    {
        while (true)
        {
            var c = _cursor.Peek();
            if (c < 0) return;
            if (char.IsWhiteSpace((char)c))
            {
                _cursor.Next();
                continue;
            }

            if ((c == '-' && _cursor.PeekAt(1) == '-') || c == '#')
            {
                SkipLine();
                continue;
            }

            if (c == '/' && _cursor.PeekAt(1) == '*')
            {
                _cursor.Next();
                _cursor.Next();
                while (true)
                {
                    var d = _cursor.Next();
                    if (d < 0 || (d == '*' && _cursor.Peek() == '/'))
                    {
                        _cursor.Next();
                        break;
                    }
                }

                continue;
            }

            return;
        }
    }

    private void SkipLine()
    {
        while (true)
        {
            var c = _cursor.Next();
            if (c is < 0 or '\n' or '\r') return;
        }
    }

    /// <summary>A bare word (letters, digits, _ and $); empty when the next char starts none.</summary>
    public string ReadWord()
    {
        _word.Clear();
        while (true)
        {
            var c = _cursor.Peek();
            if (c < 0 || !(char.IsLetterOrDigit((char)c) || c is '_' or '$')) break;
            _word.Append((char)_cursor.Next());
            if (_word.Length > 256) break;
        }

        return _word.Span.ToString();
    }

    /// <summary>An identifier, quoted (`a`, "a", [a]) or bare, possibly qualified (schema.table): the last part.</summary>
    public string ReadIdentifier()
    {
        string part;
        var c = _cursor.Peek();
        if (c is '`' or '"' or '[')
        {
            var close = c == '[' ? ']' : (char)c;
            _cursor.Next();
            _word.Clear();
            while (true)
            {
                var d = _cursor.Next();
                if (d < 0 || d == close) break;
                if (_word.Length < 256) _word.Append((char)d);
            }

            part = _word.Span.ToString();
        }
        else
        {
            part = ReadWord();
        }

        return ContinueIdentifier(part);
    }

    public string ContinueIdentifier(string part)
    {
        while (_cursor.Peek() == '.')
        {
            _cursor.Next();
            part = ReadIdentifier();
        }

        return part;
    }

    public bool PeekIsQuoteOrBracket() => _cursor.Peek() is '`' or '"' or '[';

    /// <summary>A reusable char buffer that stops growing at its cap (the rest of a long value is dropped).</summary>
    private sealed class ValueBuffer(int cap)
    {
        private char[] _chars = new char[256];

        public int Length { get; private set; }

        public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

        public void Clear() => Length = 0;

        public void Truncate(int length) => Length = Math.Min(Length, length);

        public void Append(char c)
        {
            if (Length == _chars.Length && !Grow(1)) return;
            _chars[Length++] = c;
        }

        public void Append(ReadOnlySpan<char> text)
        {
            if (Length + text.Length > _chars.Length && !Grow(text.Length)) text = text[..Math.Max(0, _chars.Length - Length)];
            text.CopyTo(_chars.AsSpan(Length));
            Length += text.Length;
        }

        private bool Grow(int needed)
        {
            if (_chars.Length >= cap) return false;
            Array.Resize(ref _chars, Math.Min(cap, Math.Max(_chars.Length * 2, Length + needed)));
            return Length + Math.Min(needed, 1) <= _chars.Length;
        }
    }
}
