using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// What a column name, a JSON key or an SQL column says its values are: the normalization's vocabulary
/// (<see cref="ColumnNames"/>), plus the bare "first"/"last" keys of JSON name objects.
/// </summary>
internal static class ColumnHints
{
    public static FieldHint Classify(ReadOnlySpan<char> name)
    {
        var hint = ColumnNames.Classify(name);
        if (hint != FieldHint.None) return hint;
        var trimmed = name.Trim();
        if (trimmed.Equals("first", StringComparison.OrdinalIgnoreCase)) return FieldHint.FirstName;
        if (trimmed.Equals("last", StringComparison.OrdinalIgnoreCase)) return FieldHint.LastName;
        return FieldHint.None;
    }
}

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
        hint = ColumnHints.Classify(name);
        if (_hints.Count < MaxEntries && name.Length <= 64) _lookup[name] = hint;
        return hint;
    }
}
