using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

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
