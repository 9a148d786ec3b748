using LeakWatch.Core.Normalization;

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
    private static readonly HashSet<string> ConstraintWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE", "LIKE", "PERIOD",
    };

    private readonly Dictionary<string, FieldHint[]> _tables = new(StringComparer.OrdinalIgnoreCase);
    private SqlTokenizer _sql = null!;
    private TextCursor _cursor = null!;
    private RecordWriter _writer = null!;
    private ExtractionContext _context = null!;

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        _cursor = new TextCursor(text, maxChars: 1024 * 1024, initialChars: 128 * 1024);
        _sql = new SqlTokenizer(_cursor);
        _writer = writer;
        _context = context;
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            _sql.SkipSpaceAndComments();
            if (_cursor.Peek() < 0) break;
            var word = _sql.ReadWord();
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
                    if (_cursor.Next() != ';') _sql.SkipStatement();
                    break;
                default:
                    _sql.SkipStatement();
                    break;
            }
        }
    }

    private void ParseInsert()
    {
        string table;
        while (true)
        {
            _sql.SkipSpaceAndComments();
            var word = _sql.PeekIsQuoteOrBracket() ? null : _sql.ReadWord();
            if (word is not null && word.ToUpperInvariant() is "INTO" or "IGNORE" or "LOW_PRIORITY" or "DELAYED" or "HIGH_PRIORITY")
                continue;
            table = word is null || word.Length == 0 ? _sql.ReadIdentifier() : _sql.ContinueIdentifier(word);
            break;
        }

        var hints = ReadHints(table);
        _sql.SkipSpaceAndComments();
        switch (_sql.ReadWord().ToUpperInvariant())
        {
            case "VALUES" or "VALUE":
                for (var tuples = 1; ; tuples++)
                {
                    _sql.SkipSpaceAndComments();
                    if (_cursor.Peek() != '(') break;
                    if ((tuples & 0x3FF) == 0) _context.CancellationToken.ThrowIfCancellationRequested();
                    ParseTuple(hints);
                    _sql.SkipSpaceAndComments();
                    if (_cursor.Peek() != ',') break;
                    _cursor.Next();
                }

                break;
            case "SET":
                ParseAssignments();
                break;
        }

        _sql.SkipStatement();
    }

    /// <summary>One tuple: a record, one field per value.</summary>
    private void ParseTuple(FieldHint[]? hints)
    {
        _context.BeginRecord(_writer, _cursor.Offset, _cursor.Line);
        _cursor.Next();
        var index = 0;
        while (true)
        {
            _sql.SkipSpaceAndComments();
            if (_cursor.Peek() == ')')
            {
                _cursor.Next();
                break;
            }

            if (!_sql.ReadValue()) break;
            _writer.AddField(_sql.Value, Hint(hints, index));
            index++;
            _sql.SkipSpaceAndComments();
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
            _sql.SkipSpaceAndComments();
            var column = _sql.ReadIdentifier();
            _sql.SkipSpaceAndComments();
            if (column.Length == 0 || _cursor.Peek() != '=') break;
            _cursor.Next();
            _sql.SkipSpaceAndComments();
            if (!_sql.ReadValue()) break;
            _writer.AddField(_sql.Value, ColumnNames.Classify(column));
            _sql.SkipSpaceAndComments();
            if (_cursor.Peek() != ',') break;
            _cursor.Next();
        }

        _writer.EndRecord();
    }

    /// <summary>Remembers the column order of a table, for inserts that do not name their columns.</summary>
    private void ParseCreate()
    {
        _sql.SkipSpaceAndComments();
        var word = _sql.ReadWord();
        while (word.ToUpperInvariant() is "TEMPORARY" or "TEMP" or "UNLOGGED" or "GLOBAL" or "LOCAL" or "OR" or "REPLACE")
        {
            _sql.SkipSpaceAndComments();
            word = _sql.ReadWord();
        }

        if (!word.Equals("TABLE", StringComparison.OrdinalIgnoreCase))
        {
            // CREATE INDEX, CREATE VIEW...: not a table.
            _sql.SkipStatement();
            return;
        }

        _sql.SkipSpaceAndComments();
        string table;
        if (_sql.PeekIsQuoteOrBracket())
        {
            table = _sql.ReadIdentifier();
        }
        else
        {
            word = _sql.ReadWord();
            while (word.ToUpperInvariant() is "IF" or "NOT" or "EXISTS")
            {
                _sql.SkipSpaceAndComments();
                word = _sql.PeekIsQuoteOrBracket() ? "" : _sql.ReadWord();
            }

            table = word.Length == 0 ? _sql.ReadIdentifier() : _sql.ContinueIdentifier(word);
        }

        _sql.SkipSpaceAndComments();
        if (table.Length > 0 && _cursor.Peek() == '(')
        {
            _cursor.Next();
            var columns = new List<string>();
            while (true)
            {
                _sql.SkipSpaceAndComments();
                var c = _cursor.Peek();
                if (c is < 0 or ')') break;
                var name = _sql.PeekIsQuoteOrBracket() ? _sql.ReadIdentifier() : _sql.ReadWord();
                if (name.Length > 0 && !ConstraintWords.Contains(name)) columns.Add(name);
                if (!_sql.SkipToNextDefinition()) break;
            }

            _tables[TableKey(table)] = Classify(columns);
        }

        _sql.SkipStatement();
    }

    /// <summary>PostgreSQL <c>COPY t (a, b) FROM stdin;</c> then tab-separated lines up to <c>\.</c>.</summary>
    private void ParseCopy()
    {
        _sql.SkipSpaceAndComments();
        var table = _sql.ReadIdentifier();
        var hints = ReadHints(table);
        _sql.SkipSpaceAndComments();
        var from = _sql.ReadWord();
        _sql.SkipSpaceAndComments();
        var source = _sql.ReadWord();
        var fromStdin = from.Equals("FROM", StringComparison.OrdinalIgnoreCase) && source.Equals("stdin", StringComparison.OrdinalIgnoreCase);
        _sql.SkipStatement();
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
                if (value is "\\N") _sql.ClearValue();
                else _sql.CopyUnescape(value);
                _writer.AddField(_sql.Value, Hint(hints, index));
                index++;
            }

            _writer.EndRecord();
            if ((++rows & 0x3FF) == 0) _context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary><c>SET standard_conforming_strings = on</c> turns backslash escapes off (PostgreSQL's default since 9.1).</summary>
    private void ParseSet()
    {
        _sql.SkipSpaceAndComments();
        var name = _sql.ReadWord();
        if (name.Equals("standard_conforming_strings", StringComparison.OrdinalIgnoreCase))
        {
            _sql.SkipSpaceAndComments();
            if (_cursor.Peek() == '=') _cursor.Next();
            _sql.SkipSpaceAndComments();
            var value = _sql.ReadWord();
            if (value.Length == 0 && _cursor.Peek() == '\'' && _sql.ReadValue()) value = _sql.Value.ToString();
            if (value.Equals("to", StringComparison.OrdinalIgnoreCase))
            {
                _sql.SkipSpaceAndComments();
                value = _sql.ReadWord();
            }

            _sql.BackslashEscapes = !value.Equals("on", StringComparison.OrdinalIgnoreCase);
        }

        _sql.SkipStatement();
    }

    private static string TableKey(string table) => table.Trim();

    /// <summary>
    /// The hints of a statement's values: from its column list when it has one, else from the table's CREATE TABLE,
    /// else none.
    /// </summary>
    private FieldHint[]? ReadHints(string table)
    {
        _sql.SkipSpaceAndComments();
        var columns = _cursor.Peek() == '(' ? _sql.ReadColumnList() : null;
        return columns is not null ? Classify(columns) : _tables.GetValueOrDefault(TableKey(table));
    }

    private static FieldHint[] Classify(List<string> columns) => [.. columns.Select(c => ColumnNames.Classify(c))];

    private static FieldHint Hint(FieldHint[]? hints, int index) => hints is not null && index < hints.Length ? hints[index] : FieldHint.None;
}
