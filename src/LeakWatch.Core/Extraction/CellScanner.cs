using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// Cuts a line without quotes into cells by comparing 16 chars at a time with the delimiter and walking the bits of
/// the match mask: a few nanoseconds per cell, where a search call per cell costs tens.
/// </summary>
internal static class CellScanner
{
    /// <summary>Writes one slice per cell of <paramref name="line"/> into <paramref name="cells"/>, which holds at least line.Length + 1.</summary>
    public static int Cut(ReadOnlySpan<char> line, char delimiter, Span<CellSlice> cells)
    {
        var count = 0;
        var start = 0;
        var i = 0;
        ref var first = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(line));
        if (Vector256.IsHardwareAccelerated)
        {
            var target = Vector256.Create((ushort)delimiter);
            for (; i + Vector256<ushort>.Count <= line.Length; i += Vector256<ushort>.Count)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)i), target).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(mask);
                    cells[count++] = new CellSlice(start, at - start);
                    start = at + 1;
                    mask &= mask - 1;
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var target = Vector128.Create((ushort)delimiter);
            for (; i + Vector128<ushort>.Count <= line.Length; i += Vector128<ushort>.Count)
            {
                var mask = Vector128.Equals(Vector128.LoadUnsafe(ref first, (nuint)i), target).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(mask);
                    cells[count++] = new CellSlice(start, at - start);
                    start = at + 1;
                    mask &= mask - 1;
                }
            }
        }

        for (; i < line.Length; i++)
        {
            if (line[i] != delimiter) continue;
            cells[count++] = new CellSlice(start, i - start);
            start = i + 1;
        }

        cells[count++] = new CellSlice(start, line.Length - start);
        return count;
    }
}
