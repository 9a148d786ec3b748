using System.Runtime.CompilerServices;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The filters in front of the index's keys (one for the linked keys, one for the set members): split block Bloom
/// filters (the Parquet and Impala design) whose bits come from the key itself, a keyed-PRF output uniform over 64 bits.
/// A key picks one 32-byte block (half a cache line, never split across two) by its top bits, and sets one bit in each
/// of the block's eight 32-bit words, at the positions its low 40 bits give (5 bits a word). A lookup reads one cache
/// line; a key that was added always passes; an absent key passes about one time in eighty at <see cref="BitsPerKey"/>
/// (design bound <see cref="DesignFalsePositiveRate"/>).
/// </summary>
/// <remarks>
/// The block comes from the top bits so that keys sorted in the index file fall in ascending blocks: the builder writes
/// a filter part by part, with a part's worth of memory whatever the base. The positions come from the low 40 bits,
/// which neither the block (up to 2^24 blocks, 430 M keys), the group tables (at most the top 22 bits) nor the
/// interpolation inside a group (the bits right below the group's) depend on much; beyond 2^24 blocks the block and
/// the last word's position share a bit or two and the rate rises a little.
/// </remarks>
internal static unsafe class KeyFilter
{
    public const int BlockBytes = 32;
    public const int BitsPerKey = 10;

    /// <summary>
    /// The expected rate at <see cref="BitsPerKey"/> for a split block filter of 8 words of 32 bits (blocks loaded
    /// Poisson-wise): 1.26 %; the bound rounds it up.
    /// </summary>
    public const double DesignFalsePositiveRate = 0.015;

    public static long BlocksFor(long keys) => Math.Max(1, (keys * BitsPerKey + BlockBytes * 8 - 1) / (BlockBytes * 8));

    public static long BlockOf(ulong key, long blocks) => (long)Math.BigMul(key, (ulong)blocks, out _);

    public static void Add(Span<uint> block, ulong key)
    {
        for (var word = 0; word < 8; word++) block[word] |= 1u << (int)(key >> (5 * word));
    }

    /// <summary>False when <paramref name="key"/> was never added to <paramref name="filter"/> (whole blocks).</summary>
    public static bool MayContain(ReadOnlySpan<uint> filter, ulong key)
    {
        fixed (uint* words = filter) return MayContain((byte*)words, filter.Length / (BlockBytes / sizeof(uint)), key);
    }

    /// <summary>False when <paramref name="key"/> was never added to the filter at <paramref name="filter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool MayContain(byte* filter, long blocks, ulong key)
    {
        var block = (uint*)(filter + BlockOf(key, blocks) * BlockBytes);
        // All eight words at once, without a branch each (most keys are absent, and which word says so is random): the
        // words share a cache line, and a uint shift takes its count's low 5 bits, each word its own 5 bits of the key.
        var all = block[0] >> (int)key
            & block[1] >> (int)(key >> 5)
            & block[2] >> (int)(key >> 10)
            & block[3] >> (int)(key >> 15)
            & block[4] >> (int)(key >> 20)
            & block[5] >> (int)(key >> 25)
            & block[6] >> (int)(key >> 30)
            & block[7] >> (int)(key >> 35);
        return (all & 1) != 0;
    }
}
