namespace LeakWatch.Core.Matching;

/// <summary>
/// A fixed-size memo of cell readings, bounded in entries and bytes whatever the document: one slot per hash bucket
/// (direct-mapped), texts of at most <see cref="MaxTextLength"/> characters. A text is stored only the second time its
/// bucket sees it in a row (a "doorkeeper" tag): a dump of unique barcodes or comments costs no allocation and evicts
/// nothing, while "NEGATIF" or "MARTIN", which recur, are read once and then found.
/// </summary>
/// <remarks>
/// Buckets come from <see cref="string.GetHashCode(ReadOnlySpan{char})"/>, randomized per process (Marvin with a
/// random seed), held in memory for the scan only: nothing of it is stored or compared outside this process.
/// </remarks>
internal sealed class CellMemo
{
    public const int MaxTextLength = 48;

    private readonly string?[] _texts;
    private readonly CellReading?[] _readings;
    private readonly int[] _doorkeeper;
    private readonly int _mask;

    /// <param name="slots">A power of two.</param>
    public CellMemo(int slots)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(slots), "A power of two.");
        _texts = new string?[slots];
        _readings = new CellReading?[slots];
        _doorkeeper = new int[slots];
        _mask = slots - 1;
    }

    public bool TryGet(ReadOnlySpan<char> text, int hash, out CellReading reading)
    {
        var slot = hash & _mask;
        if (_texts[slot] is { } known && text.SequenceEqual(known))
        {
            reading = _readings[slot]!;
            return true;
        }
        reading = CellReading.Empty;
        return false;
    }

    /// <summary>Remembers <paramref name="reading"/> if this bucket saw the same hash last time; else only notes the hash.</summary>
    public void Offer(ReadOnlySpan<char> text, int hash, CellReading reading)
    {
        if (text.Length > MaxTextLength) return;
        var slot = hash & _mask;
        if (_doorkeeper[slot] != hash)
        {
            _doorkeeper[slot] = hash;
            return;
        }
        _texts[slot] = text.ToString();
        _readings[slot] = reading;
    }
}
