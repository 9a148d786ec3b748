using LeakWatch.Core.Normalization;
using System.Buffers;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// SQL dumps (mysqldump, pg_dump, phpMyAdmin exports): one record per tuple of <c>INSERT ... VALUES (...), (...)</c>
/// (and <c>INSERT ... SET a=1, b=2</c>), one per line of a PostgreSQL <c>COPY ... FROM stdin</c> block. Hints come
/// from the column list, or from the <c>CREATE TABLE</c> of the table when the insert has none. NULL is an empty field,
/// so positions hold. Strings use MySQL backslash escapes unless the dump declares <c>standard_conforming_strings</c>.
/// The text streams: a 2 GB single-line INSERT is read a tuple at a time.
/// </summary>
internal sealed class SqlExtractor : IRecordExtractor
{
    /// <summary>A longer value (a blob, a document) is cut: identities are short.</summary>
    private const int MaxValueChars = 64 * 1024;

    private static readonly SearchValues<char> StringStops = SearchValues.Create("'\\");
    private static readonly SearchValues<char> DoubleQuoteStops = SearchValues.Create("\"\\");
    private static readonly HashSet<string> ConstraintWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE", "LIKE", "PERIOD",
    };

    private readonly Dictionary<string, FieldHint[]> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly ValueBuffer _value = new(MaxValueChars);
    private readonly ValueBuffer _word = new(512);
    private TextCursor _cursor = null!;
    private RecordWriter _writer = null!;
    private ExtractionContext _context = null!;
    private bool _backslashEscapes = true;

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        _cursor = new TextCursor(text, maxChars: 1024 * 1024, initialChars: 128 * 1024);
        _writer = writer;
        _context = context;
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            SkipSpaceAndComments();
            if (_cursor.Peek() < 0) break;
            var word = ReadWord();
            switch (word.ToUpperInvariant())
            {
                case "INSERT" or "REPLACE":
                    ParseInsert();
                    break;
                case "CREATE":
                    ParseCreate();
                    break;
                case "COPY":
                    ParseCopy();
                    break;
                case "SET":
                    ParseSet();
                    break;
                case "":
                    // An empty statement, or stray punctuation: step over it.
                    if (_cursor.Next() != ';') SkipStatement();
                    break;
                default:
                    SkipStatement();
                    break;
            }
        }
    }

    private void ParseInsert()
    {
        string table;
        while (true)
        {
            SkipSpaceAndComments();
            var word = PeekIsQuoteOrBracket() ? null : ReadWord();
            if (word is not null && word.ToUpperInvariant() is "INTO" or "IGNORE" or "LOW_PRIORITY" or "DELAYED" or "HIGH_PRIORITY")
                continue;
            table = word is null || word.Length == 0 ? ReadIdentifier() : ContinueIdentifier(word);
            break;
        }

        SkipSpaceAndComments();
        FieldHint[]? hints = null;
        if (_cursor.Peek() == '(')
        {
            var columns = ReadColumnList();
            if (columns is not null) hints = [.. columns.Select(c => ColumnNames.Classify(c))];
        }

        hints ??= _tables.GetValueOrDefault(TableKey(table));
        SkipSpaceAndComments();
        switch (ReadWord().ToUpperInvariant())
        {
            case "VALUES" or "VALUE":
                for (var tuples = 1; ; tuples++)
                {
                    SkipSpaceAndComments();
                    if (_cursor.Peek() != '(') break;
                    if ((tuples & 0x3FF) == 0) _context.CancellationToken.ThrowIfCancellationRequested();
                    ParseTuple(hints);
                    SkipSpaceAndComments();
                    if (_cursor.Peek() != ',') break;
                    _cursor.Next();
                }

                break;
            case "SET":
                ParseAssignments();
                break;
        }

        SkipStatement();
    }

    /// <summary>One tuple: a record, one field per value.</summary>
    private void ParseTuple(FieldHint[]? hints)
    {
        _context.BeginRecord(_writer, _cursor.Offset, _cursor.Line);
        _cursor.Next();
        var index = 0;
        while (true)
        {
            SkipSpaceAndComments();
            if (_cursor.Peek() == ')')
            {
                _cursor.Next();
                break;
            }

            if (!ReadValue()) break;
            _writer.AddField(_value.Span, hints is not null && index < hints.Length ? hints[index] : FieldHint.None);
            index++;
            SkipSpaceAndComments();
            var c = _cursor.Peek();
            if (c == ',')
            {
                _cursor.Next();
                continue;
            }

            if (c == ')') _cursor.Next();
            break;
        }

        _writer.EndRecord();
    }

    /// <summary>MySQL <c>INSERT INTO t SET a = 'x', b = 'y'</c>: one record, hinted by the names.</summary>
    private void ParseAssignments()
    {
        _context.BeginRecord(_writer, _cursor.Offset, _cursor.Line);
        while (true)
        {
            SkipSpaceAndComments();
            var column = ReadIdentifier();
            SkipSpaceAndComments();
            if (column.Length == 0 || _cursor.Peek() != '=') break;
            _cursor.Next();
            SkipSpaceAndComments();
            if (!ReadValue()) break;
            _writer.AddField(_value.Span, ColumnNames.Classify(column));
            SkipSpaceAndComments();
            if (_cursor.Peek() != ',') break;
            _cursor.Next();
        }

        _writer.EndRecord();
    }

    /// <summary>Remembers the column order of a table, for inserts that do not name their columns.</summary>
    private void ParseCreate()
    {
        SkipSpaceAndComments();
        var word = ReadWord();
        while (word.ToUpperInvariant() is "TEMPORARY" or "TEMP" or "UNLOGGED" or "GLOBAL" or "LOCAL" or "OR" or "REPLACE")
        {
            SkipSpaceAndComments();
            word = ReadWord();
        }

        if (!word.Equals("TABLE", StringComparison.OrdinalIgnoreCase))
        {
            // CREATE INDEX, CREATE VIEW...: not a table.
            SkipStatement();
            return;
        }

        SkipSpaceAndComments();
        string table;
        if (PeekIsQuoteOrBracket())
        {
            table = ReadIdentifier();
        }
        else
        {
            word = ReadWord();
            while (word.ToUpperInvariant() is "IF" or "NOT" or "EXISTS")
            {
                SkipSpaceAndComments();
                word = PeekIsQuoteOrBracket() ? "" : ReadWord();
            }

            table = word.Length == 0 ? ReadIdentifier() : ContinueIdentifier(word);
        }

        SkipSpaceAndComments();
        if (table.Length > 0 && _cursor.Peek() == '(')
        {
            _cursor.Next();
            var columns = new List<string>();
            while (true)
            {
                SkipSpaceAndComments();
                var c = _cursor.Peek();
                if (c is < 0 or ')') break;
                var name = PeekIsQuoteOrBracket() ? ReadIdentifier() : ReadWord();
                if (name.Length > 0 && !ConstraintWords.Contains(name)) columns.Add(name);
                if (!SkipToNextDefinition()) break;
            }

            _tables[TableKey(table)] = [.. columns.Select(c => ColumnNames.Classify(c))];
        }

        SkipStatement();
    }

    /// <summary>PostgreSQL <c>COPY t (a, b) FROM stdin;</c> then tab-separated lines up to <c>\.</c>.</summary>
    private void ParseCopy()
    {
        SkipSpaceAndComments();
        var table = ReadIdentifier();
        SkipSpaceAndComments();
        FieldHint[]? hints = null;
        if (_cursor.Peek() == '(')
        {
            var columns = ReadColumnList();
            if (columns is not null) hints = [.. columns.Select(c => ColumnNames.Classify(c))];
        }

        hints ??= _tables.GetValueOrDefault(TableKey(table));
        SkipSpaceAndComments();
        var from = ReadWord();
        SkipSpaceAndComments();
        var source = ReadWord();
        var fromStdin = from.Equals("FROM", StringComparison.OrdinalIgnoreCase) && source.Equals("stdin", StringComparison.OrdinalIgnoreCase);
        SkipStatement();
        if (!fromStdin) return;

        // The data starts on the line after the statement.
        _cursor.TryReadLine(out _, out _, out _);
        var rows = 0;
        while (_cursor.TryReadLine(out var line, out var offset, out var number))
        {
            if (line is "\\.") break;
            _context.BeginRecord(_writer, offset, number);
            var index = 0;
            foreach (var range in line.Split('\t'))
            {
                var value = line[range];
                if (value is "\\N") _value.Clear();
                else CopyUnescape(value);
                _writer.AddField(_value.Span, hints is not null && index < hints.Length ? hints[index] : FieldHint.None);
                index++;
            }

            _writer.EndRecord();
            if ((++rows & 0x3FF) == 0) _context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary><c>SET standard_conforming_strings = on</c> turns backslash escapes off (PostgreSQL's default since 9.1).</summary>
    private void ParseSet()
    {
        SkipSpaceAndComments();
        var name = ReadWord();
        if (name.Equals("standard_conforming_strings", StringComparison.OrdinalIgnoreCase))
        {
            SkipSpaceAndComments();
            if (_cursor.Peek() == '=') _cursor.Next();
            SkipSpaceAndComments();
            var value = ReadWord();
            if (value.Length == 0 && _cursor.Peek() == '\'' && ReadValue()) value = _value.Span.ToString();
            if (value.Equals("to", StringComparison.OrdinalIgnoreCase))
            {
                SkipSpaceAndComments();
                value = ReadWord();
            }

            _backslashEscapes = !value.Equals("on", StringComparison.OrdinalIgnoreCase);
        }

        SkipStatement();
    }

    /// <summary>Reads one value into <see cref="_value"/>: a string, a number, NULL, or an expression (its first string wins).</summary>
    private bool ReadValue()
    {
        _value.Clear();
        var c = _cursor.Peek();
        if (c < 0) return false;
        if (c is '\'' or '"')
        {
            // MySQL reads "..." as a string too; in PostgreSQL it would name a column, meaningless among values.
            ReadString(_backslashEscapes, (char)c);
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
            ReadString(_backslashEscapes || word.Equals("E", StringComparison.OrdinalIgnoreCase));
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
                    ReadString(_backslashEscapes);
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

    /// <summary>Reads a quoted string into <see cref="_value"/>, searching the buffer for the next quote or backslash.</summary>
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
        ReadString(_backslashEscapes);
        _value.Truncate(saved);
    }

    /// <summary>COPY text format: <c>\t \n \r \\</c> and octal escapes; other backslashes stand for the next char.</summary>
    private void CopyUnescape(ReadOnlySpan<char> value)
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

    private List<string>? ReadColumnList()
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
    private bool SkipToNextDefinition()
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
    private void SkipStatement()
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

    private void SkipSpaceAndComments()
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
    private string ReadWord()
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
    private string ReadIdentifier()
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

    private string ContinueIdentifier(string part)
    {
        while (_cursor.Peek() == '.')
        {
            _cursor.Next();
            part = ReadIdentifier();
        }

        return part;
    }

    private bool PeekIsQuoteOrBracket() => _cursor.Peek() is '`' or '"' or '[';

    private static string TableKey(string table) => table.Trim();

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
