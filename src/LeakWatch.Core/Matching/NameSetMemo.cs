namespace LeakWatch.Core.Matching;

/// <summary>What the unlinked name sets say of one compact word or run of words.</summary>
[Flags]
internal enum NameRoles : byte
{
    None = 0,
    Last = 1,
    First = 2,
}

/// <summary>
/// The name sets' answers for compact words and runs, remembered per worker: a word of prose or a name that recurs
/// ("GLYCEMIE", "MARTIN", "LE GALL") costs one in-process hash and a compare instead of two keyed hashes and two probes
/// of the member filter, which at a million patients is megabytes and misses the core's cache on every probe.
/// </summary>
/// <remarks>
/// Direct-mapped and allocation-free: each slot owns <see cref="MaxLength"/> characters of one array, and a new word
/// overwrites its slot's old one, so the memo is about 450 KB whatever the document (it stays in the core's L2 cache)
/// and a dump of unique codes only evicts, never grows it. Slots come from
/// <see cref="string.GetHashCode(ReadOnlySpan{char})"/>, randomized per process; the full text is compared, so a
/// bucket collision costs a recomputation, never a wrong answer. Nothing of it leaves the process.
/// </remarks>
internal sealed class NameSetMemo
{
    public const int MaxLength = 24;
    private const int SlotBits = 13;
    private const int Empty = 0;

    private readonly char[] _text = new char[(1 << SlotBits) * MaxLength];
    private readonly int[] _hashes = new int[1 << SlotBits];
    // Per slot: length + 1 (0 is an empty slot) in the low byte, the roles in the next.
    private readonly ushort[] _entries = new ushort[1 << SlotBits];

    public bool TryGet(ReadOnlySpan<char> word, int hash, out NameRoles roles)
    {
        var slot = hash & ((1 << SlotBits) - 1);
        var entry = _entries[slot];
        if (entry != Empty && _hashes[slot] == hash && (entry & 0xFF) - 1 == word.Length
            && word.SequenceEqual(_text.AsSpan(slot * MaxLength, word.Length)))
        {
            roles = (NameRoles)(entry >> 8);
            return true;
        }
        roles = NameRoles.None;
        return false;
    }

    public void Set(ReadOnlySpan<char> word, int hash, NameRoles roles)
    {
        if (word.Length > MaxLength) return;
        var slot = hash & ((1 << SlotBits) - 1);
        word.CopyTo(_text.AsSpan(slot * MaxLength));
        _hashes[slot] = hash;
        _entries[slot] = (ushort)((int)roles << 8 | (word.Length + 1));
    }
}
