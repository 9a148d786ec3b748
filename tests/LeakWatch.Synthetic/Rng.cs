namespace LeakWatch.Synthetic;

/// <summary>
/// SplitMix64: tiny, fast, and seeded per patient, so patient N is the same whatever else is generated and
/// patients can be made in parallel.
/// </summary>
internal struct Rng
{
    private ulong _state;

    public Rng(int seed, long index) => _state = ((ulong)(uint)seed << 32) ^ (ulong)index * 0x9E3779B97F4A7C15UL ^ 0xD1B54A32D192ED03UL;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>0 &lt;= value &lt; <paramref name="max"/>.</summary>
    public int Below(int max) => (int)((Next() >> 33) % (ulong)max);

    /// <summary><paramref name="min"/> &lt;= value &lt;= <paramref name="max"/>.</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => Unit() < p;
}

/// <summary>Picks items with weights that fall with rank (1 / (rank + flattening)): a few names are common, most are rare.</summary>
internal sealed class WeightedList
{
    private readonly string[] _items;
    private readonly double[] _cumulative;

    public WeightedList(IEnumerable<string> itemsByFrequency, double flattening)
    {
        _items = itemsByFrequency.Distinct(StringComparer.Ordinal).ToArray();
        _cumulative = new double[_items.Length];
        var total = 0.0;
        for (var i = 0; i < _items.Length; i++)
        {
            total += 1.0 / (i + flattening);
            _cumulative[i] = total;
        }
        for (var i = 0; i < _cumulative.Length; i++) _cumulative[i] /= total;
    }

    public int Count => _items.Length;

    public IReadOnlyList<string> Items => _items;

    public string Pick(ref Rng rng) => _items[PickIndex(ref rng)];

    public int PickIndex(ref Rng rng)
    {
        var index = Array.BinarySearch(_cumulative, rng.Unit());
        if (index < 0) index = ~index;
        return Math.Min(index, _items.Length - 1);
    }
}
