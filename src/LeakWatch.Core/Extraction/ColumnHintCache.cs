using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// Remembers the hints of the keys of one document: JSON repeats the same few keys millions of times, and classifying
/// a name allocates. Bounded, so a document of random keys cannot grow it without end.
/// </summary>
internal sealed class ColumnHintCache
{
    private const int MaxEntries = 4096;
    private readonly Dictionary<string, FieldHint> _hints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FieldHint>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public ColumnHintCache()
    {
        _lookup = _hints.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public FieldHint Classify(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out var hint)) return hint;
        hint = ColumnNames.Classify(name);
        if (_hints.Count < MaxEntries && name.Length <= 64) _lookup[name] = hint;
        return hint;
    }
}
