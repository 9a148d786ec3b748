namespace LeakWatch.Core.Extraction;

/// <summary>What a field is said to hold by a header, a JSON key, a segment position; None when unknown.</summary>
internal enum FieldHint : byte
{
    None = 0,
    LastName,
    BirthName,
    UsageName,
    FirstName,
    /// <summary>One field holding the full name ("DUPONT Marie", "Marie Dupont", "DUPONT^MARIE").</summary>
    FullName,
    BirthDate,
    Nir,
    Phone,
    Email,
    /// <summary>The source's own identifier of the person (IPP, id).</summary>
    Identifier,
    PostalCode,
    /// <summary>A known field that holds none of the above (city, exam, doctor): may be skipped as a name.</summary>
    Other,
}

/// <summary>Fields: one value per field. FreeText: a window of prose, tokenized by the matcher.</summary>
internal enum RecordShape : byte
{
    Fields = 0,
    FreeText = 1,
}

internal readonly record struct FieldRef(int Start, int Length, FieldHint Hint);

/// <summary>A cell of a row passed to <see cref="RecordBatch.AddFields"/>: a slice of the row's text.</summary>
internal readonly record struct CellSlice(int Start, int Length);

/// <param name="Offset">Character offset of the record in the decoded document.</param>
/// <param name="Line">1-based line of the record in the decoded document.</param>
internal readonly record struct RecordRef(int FirstField, int FieldCount, long Offset, long Line, RecordShape Shape);

/// <summary>
/// A batch of candidate records, all their text in one buffer: extraction fills it, one matcher worker reads it,
/// and it is reused. Thousands of rows travel as three arrays instead of millions of strings.
/// </summary>
internal sealed class RecordBatch
{
    public const int DefaultRecordCapacity = 2048;
    private char[] _text = new char[256 * 1024];
    private FieldRef[] _fields = new FieldRef[DefaultRecordCapacity * 16];
    private RecordRef[] _records = new RecordRef[DefaultRecordCapacity];
    private int _textLength;
    private int _fieldCount;
    private int _openFirstField = -1;
    private long _openOffset;
    private long _openLine;
    private RecordShape _openShape;

    public int Count { get; private set; }

    /// <summary>True when the batch should be handed over before the next record.</summary>
    public bool IsFull => Count >= _records.Length || _textLength >= _text.Length * 3 / 4;

    public RecordRef this[int index] => _records[index];

    public FieldRef Field(int index) => _fields[index];

    public ReadOnlySpan<char> Text(FieldRef field) => _text.AsSpan(field.Start, field.Length);

    public void BeginRecord(long offset, long line, RecordShape shape = RecordShape.Fields)
    {
        _openFirstField = _fieldCount;
        _openOffset = offset;
        _openLine = line;
        _openShape = shape;
    }

    public void AddField(ReadOnlySpan<char> value, FieldHint hint = FieldHint.None)
    {
        if (_openFirstField < 0) throw new InvalidOperationException("AddField outside BeginRecord/EndRecord.");
        if (_textLength + value.Length > _text.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + value.Length));
        if (_fieldCount == _fields.Length) Array.Resize(ref _fields, _fields.Length * 2);
        value.CopyTo(_text.AsSpan(_textLength));
        _fields[_fieldCount++] = new FieldRef(_textLength, value.Length, hint);
        _textLength += value.Length;
    }

    /// <summary>
    /// Adds the cells of a row with one copy of the row's text (delimiters included): the cost of a delimited dump is
    /// per row, not per cell. <paramref name="hints"/> is empty or has one hint per cell.
    /// </summary>
    public void AddFields(ReadOnlySpan<char> row, ReadOnlySpan<CellSlice> cells, ReadOnlySpan<FieldHint> hints)
    {
        if (_openFirstField < 0) throw new InvalidOperationException("AddFields outside BeginRecord/EndRecord.");
        if (_textLength + row.Length > _text.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + row.Length));
        if (_fieldCount + cells.Length > _fields.Length) Array.Resize(ref _fields, Math.Max(_fields.Length * 2, _fieldCount + cells.Length));
        row.CopyTo(_text.AsSpan(_textLength));
        var useHints = hints.Length == cells.Length;
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i];
            if ((uint)cell.Start > (uint)row.Length || (uint)cell.Length > (uint)(row.Length - cell.Start))
                throw new ArgumentOutOfRangeException(nameof(cells));
            _fields[_fieldCount++] = new FieldRef(_textLength + cell.Start, cell.Length, useHints ? hints[i] : FieldHint.None);
        }

        _textLength += row.Length;
    }

    public void EndRecord()
    {
        if (_openFirstField < 0) throw new InvalidOperationException("EndRecord without BeginRecord.");
        if (_fieldCount > _openFirstField)
        {
            if (Count == _records.Length) Array.Resize(ref _records, _records.Length * 2);
            _records[Count++] = new RecordRef(_openFirstField, _fieldCount - _openFirstField, _openOffset, _openLine, _openShape);
        }
        _openFirstField = -1;
    }

    /// <summary>Drops the text too: a batch may have held leaked values, and it goes back to a pool.</summary>
    public void Clear()
    {
        _text.AsSpan(0, _textLength).Clear();
        _textLength = 0;
        _fieldCount = 0;
        Count = 0;
        _openFirstField = -1;
    }
}

/// <summary>
/// Where extractors write. It hands each full batch to the pipeline (which may block: that is the back-pressure
/// that keeps memory flat on a 2 GB dump) and continues on a fresh one.
/// </summary>
internal sealed class RecordWriter
{
    private readonly Func<RecordBatch> _rent;
    private readonly Action<RecordBatch> _flush;
    private RecordBatch _current;

    public RecordWriter(Func<RecordBatch> rent, Action<RecordBatch> flush)
    {
        _rent = rent;
        _flush = flush;
        _current = rent();
    }

    public long RecordsWritten { get; private set; }

    public void BeginRecord(long offset, long line, RecordShape shape = RecordShape.Fields) => _current.BeginRecord(offset, line, shape);

    public void AddField(ReadOnlySpan<char> value, FieldHint hint = FieldHint.None) => _current.AddField(value, hint);

    /// <inheritdoc cref="RecordBatch.AddFields"/>
    public void AddFields(ReadOnlySpan<char> row, ReadOnlySpan<CellSlice> cells, ReadOnlySpan<FieldHint> hints) =>
        _current.AddFields(row, cells, hints);

    public void EndRecord()
    {
        var before = _current.Count;
        _current.EndRecord();
        if (_current.Count > before) RecordsWritten++;
        if (_current.IsFull) Flush();
    }

    /// <summary>Hands over what is pending; extractors need not call it, the pipeline does at the end.</summary>
    public void Flush()
    {
        if (_current.Count == 0) return;
        _flush(_current);
        _current = _rent();
    }
}
