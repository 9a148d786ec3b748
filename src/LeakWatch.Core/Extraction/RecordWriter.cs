using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// Where extractors write. It hands each full batch to the pipeline (which may block: that is the back-pressure
/// that keeps memory flat on a 2 GB dump) and continues on a fresh one.
/// </summary>
public sealed class RecordWriter
{
    private readonly Func<RecordBatch> _rent;
    private readonly Action<RecordBatch> _flush;
    private RecordBatch _current;

    internal RecordWriter(Func<RecordBatch> rent, Action<RecordBatch> flush)
    {
        _rent = rent;
        _flush = flush;
        _current = rent();
    }

    public long RecordsWritten { get; private set; }

    internal void BeginRecord(long offset, long line, RecordShape shape = RecordShape.Fields) => _current.BeginRecord(offset, line, shape);

    internal void AddField(ReadOnlySpan<char> value, FieldHint hint = FieldHint.None) => _current.AddField(value, hint);

    /// <inheritdoc cref="RecordBatch.AddFields"/>
    internal void AddFields(ReadOnlySpan<char> row, ReadOnlySpan<CellSlice> cells, ReadOnlySpan<FieldHint> hints) =>
        _current.AddFields(row, cells, hints);

    internal void EndRecord()
    {
        var before = _current.Count;
        _current.EndRecord();
        if (_current.Count > before) RecordsWritten++;
        if (_current.IsFull) Flush();
    }

    /// <summary>Hands over what is pending; extractors need not call it, the pipeline does at the end.</summary>
    internal void Flush()
    {
        if (_current.Count == 0) return;
        _flush(_current);
        _current = _rent();
    }
}
