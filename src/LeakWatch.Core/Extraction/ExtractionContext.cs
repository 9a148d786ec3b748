namespace LeakWatch.Core.Extraction;

/// <summary>Maps a position in an embedded text (a code block of a page) to the position in the document.</summary>
internal delegate (long Offset, long Line) PositionMap(long offset, long line);

/// <summary>The state one extraction shares with its extractors: cancellation, nesting, where positions point, problems.</summary>
public sealed class ExtractionContext
{
    private readonly ExtractionContext? _parent;
    private readonly PositionMap? _map;
    private string? _problem;

    public ExtractionContext(CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
    }

    private ExtractionContext(ExtractionContext parent, PositionMap map)
    {
        _parent = parent;
        _map = map;
        CancellationToken = parent.CancellationToken;
        Depth = parent.Depth + 1;
    }

    public CancellationToken CancellationToken { get; }

    /// <summary>0 for a document, 1 for text embedded in it (a table or a code block of a page), and so on.</summary>
    public int Depth { get; }

    /// <summary>The first reason the document was read only in part; it names lines, never content.</summary>
    public string? Problem => _parent is null ? _problem : _parent.Problem;

    public void ReportProblem(string problem)
    {
        if (_parent is not null) _parent.ReportProblem(problem);
        else _problem ??= problem;
    }

    internal void BeginRecord(RecordWriter writer, long offset, long line, RecordShape shape = RecordShape.Fields)
    {
        (offset, line) = Map(offset, line);
        writer.BeginRecord(offset, line, shape);
    }

    /// <summary>The document position of a position in this (possibly embedded) text.</summary>
    internal (long Offset, long Line) Map(long offset, long line)
    {
        if (_map is null) return (offset, line);
        var (o, l) = _map(offset, line);
        return _parent!.Map(o, l);
    }

    /// <summary>A context for text embedded in this one; <paramref name="map"/> turns its positions into ours.</summary>
    internal ExtractionContext Nested(PositionMap map) => new(this, map);
}
