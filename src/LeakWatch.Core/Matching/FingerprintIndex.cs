using System.Numerics;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The in-memory form of a snapshot: linked keys with their patient ordinals (a key may point at several patients:
/// twins, a shared phone), and the unlinked set members, each grouped by the top bits of the key, with a directory of
/// where each group starts. Built in place in the snapshot's own arrays, which the index takes over: no second copy,
/// so loading a million patients needs about 13 bytes per linked fingerprint and 8 per member, not twice that.
/// Read by every worker without locks.
/// </summary>
/// <remarks>
/// Keys are keyed-PRF output, uniform over 64 bits: their top bits spread them evenly over the groups (about sixteen
/// keys a group), so a lookup reads one directory entry and two or three cache lines of keys. Grouping is one counting
/// pass and one in-place permutation (American flag sort, one level): linear time, a few hundred milliseconds for ten
/// million keys, where a hash table would take twice the memory and a full sort three times the time.
/// </remarks>
public sealed class FingerprintIndex
{
    private readonly ulong[] _linkedKeys;
    private readonly int[] _linkedPatients;
    private readonly int[] _linkedStarts;
    private readonly int _linkedShift;
    private readonly ulong[] _members;
    private readonly int[] _memberStarts;
    private readonly int _memberShift;
    private readonly ulong[] _memberFilter;
    private readonly int _memberFilterMask;

    public FingerprintIndex(FingerprintSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.LinkedKeys.Length != snapshot.LinkedPatients.Length)
        {
            throw new ArgumentException("Linked keys and patients differ in length.", nameof(snapshot));
        }
        Patients = snapshot.Patients;
        _linkedKeys = snapshot.LinkedKeys;
        _linkedPatients = snapshot.LinkedPatients;
        _members = snapshot.SetMembers;

        // The two groupings touch different arrays: on two cores they run side by side.
        var linkedShift = 0;
        int[]? linkedStarts = null;
        var linked = Task.Run(() => linkedStarts = Group(_linkedKeys, _linkedPatients, out linkedShift));
        _memberStarts = Group(_members, null, out _memberShift);
        (_memberFilter, _memberFilterMask) = Filter(_members);
        linked.GetAwaiter().GetResult();
        _linkedStarts = linkedStarts!;
        _linkedShift = linkedShift;
        ReleaseLoadGarbage(_linkedKeys.Length * 12L + _members.Length * 8L);
    }

    /// <summary>Above this many bytes of keys, the load's garbage is worth a collection of its own.</summary>
    internal const long CollectAfterLoadBytes = 64L << 20;

    /// <summary>
    /// Loading and grouping a large base leaves as much garbage as a third of the index (the store's read buffers
    /// and duplicate merge, the grouping's part buffers, large objects all), which the collector would otherwise
    /// keep committed through the first scan and count in its peak. One blocking, compacting collection that
    /// returns the freed memory to the OS, once per index load (a few tens of ms against a load of a second or
    /// more); small indexes (tests, small labs) skip it.
    /// </summary>
    private static void ReleaseLoadGarbage(long indexBytes)
    {
        if (indexBytes < CollectAfterLoadBytes) return;
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    public IReadOnlyList<Core.Fingerprinting.Fingerprint> Patients { get; }

    /// <summary>Adds to <paramref name="patients"/> every patient the key points at; returns how many.</summary>
    public int Lookup(ulong key, List<int> patients)
    {
        var group = (int)(key >> _linkedShift);
        var found = 0;
        for (int i = _linkedStarts[group], end = _linkedStarts[group + 1]; i < end; i++)
        {
            if (_linkedKeys[i] != key) continue;
            patients.Add(_linkedPatients[i]);
            found++;
        }
        return found;
    }

    public bool ContainsMember(ulong key)
    {
        // Most words of a document are no name of the base: the filter, small enough to stay in cache, says so
        // without touching the members, which would cost two cache misses.
        var bit = (int)key & _memberFilterMask;
        if ((_memberFilter[bit >> 6] & (1UL << bit)) == 0) return false;
        var group = (int)(key >> _memberShift);
        return _members.AsSpan(_memberStarts[group], _memberStarts[group + 1] - _memberStarts[group]).Contains(key);
    }

    /// <summary>
    /// One bit per member, addressed by the key's low bits (the groups use its top bits), about sixteen bits a member:
    /// a key that is no member finds its bit clear nineteen times in twenty. 4 to 8 MB for two or three million members.
    /// </summary>
    private static (ulong[] Bits, int Mask) Filter(ulong[] members)
    {
        var bits = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, members.Length * 16));
        var filter = new ulong[bits / 64];
        var mask = bits - 1;
        foreach (var member in members)
        {
            var bit = (int)member & mask;
            filter[bit >> 6] |= 1UL << bit;
        }
        return (filter, mask);
    }

    /// <summary>
    /// Reorders <paramref name="keys"/> (and <paramref name="values"/> alongside) so that keys sharing their top bits
    /// are contiguous, in order of those bits; returns where each group starts (one more entry: the end).
    /// </summary>
    /// <remarks>
    /// Two passes of a radix sort on the top bits. First in place into 16 parts (American flag sort: with so few
    /// destinations, every write cursor streams through memory), then each part through a buffer of its own size into
    /// its groups: independent scattered writes that the processor overlaps, where moving keys in place one after the
    /// other would wait on every cache miss. Parts are done on two threads. Extra memory: two parts, not the index.
    /// </remarks>
    private static int[] Group(ulong[] keys, int[]? values, out int shift)
    {
        // About sixteen keys a group (two cache lines to scan); at least 16 groups, so the first pass has its 16 parts.
        var bits = Math.Max(PartBits, BitOperations.Log2((uint)Math.Max(1, keys.Length)) - 4);
        shift = 64 - bits;
        var groups = 1 << bits;
        var starts = new int[groups + 1];
        foreach (var key in keys) starts[(int)(key >> (64 - bits)) + 1]++;
        for (var g = 0; g < groups; g++) starts[g + 1] += starts[g];

        const int parts = 1 << PartBits;
        var groupsPerPart = groups / parts;
        Span<int> next = stackalloc int[parts];
        for (var p = 0; p < parts; p++) next[p] = starts[p * groupsPerPart];
        for (var p = 0; p < parts; p++)
        {
            var end = starts[(p + 1) * groupsPerPart];
            while (next[p] < end)
            {
                var at = next[p];
                var key = keys[at];
                var target = (int)(key >> (64 - PartBits));
                if (target == p)
                {
                    next[p]++;
                    continue;
                }
                var value = values is null ? 0 : values[at];
                do
                {
                    var slot = next[target]++;
                    (key, keys[slot]) = (keys[slot], key);
                    if (values is not null) (value, values[slot]) = (values[slot], value);
                    target = (int)(key >> (64 - PartBits));
                }
                while (target != p);
                keys[at] = key;
                if (values is not null) values[at] = value;
                next[p]++;
            }
        }

        var groupShift = shift;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = 2 }, () => (Array.Empty<ulong>(), Array.Empty<int>()), (p, _, buffers) =>
        {
            var from = starts[p * groupsPerPart];
            var length = starts[(p + 1) * groupsPerPart] - from;
            if (buffers.Item1.Length < length) buffers = (new ulong[length], values is null ? [] : new int[length]);
            var cursors = new int[groupsPerPart];
            for (var g = 0; g < groupsPerPart; g++) cursors[g] = starts[p * groupsPerPart + g] - from;
            var firstGroup = p * groupsPerPart;
            for (var i = from; i < from + length; i++)
            {
                var slot = cursors[(int)(keys[i] >> groupShift) - firstGroup]++;
                buffers.Item1[slot] = keys[i];
                if (values is not null) buffers.Item2[slot] = values[i];
            }
            buffers.Item1.AsSpan(0, length).CopyTo(keys.AsSpan(from));
            if (values is not null) buffers.Item2.AsSpan(0, length).CopyTo(values.AsSpan(from));
            return buffers;
        }, _ => { });
        return starts;
    }

    private const int PartBits = 4;
}
