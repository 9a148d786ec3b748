using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

public delegate void PatientChunk(ReadOnlySpan<Fingerprint> references);

public delegate void LinkedChunk(ReadOnlySpan<ulong> keys, ReadOnlySpan<int> ordinals);

public delegate void KeyChunk(ReadOnlySpan<ulong> keys);

/// <summary>
/// One enrollment's fingerprints as a stream of chunks, readable more than once with the same content (the store
/// reads them inside one read transaction): what <see cref="FingerprintIndexBuilder"/> builds an index file from.
/// </summary>
public interface IFingerprintSource
{
    int Patients { get; }

    long Linked { get; }

    long Members { get; }

    void ReadPatients(PatientChunk onChunk);

    /// <summary>Linked keys with the ordinal of their patient (before duplicate references are merged).</summary>
    void ReadLinked(LinkedChunk onChunk);

    void ReadMembers(KeyChunk onChunk);
}

/// <summary>
/// Writes an index file (<see cref="FingerprintIndexFormat"/>) from a source, with memory bounded whatever the base
/// size except for the patient references (16 bytes and 16 more while merging, per patient).
/// </summary>
/// <remarks>
/// Linked keys and members each go in three steps: count the keys of each group (the group table: a prefix sum), then
/// scatter every key to its part of the file (parts are contiguous runs of groups, each written through a small buffer
/// at its own cursor), then load one part at a time (at most <see cref="PartEntries"/> keys or so, whatever the base),
/// order it by group and sort each group. The source is read twice; nothing is sorted as a whole.
/// </remarks>
public static class FingerprintIndexBuilder
{
    /// <summary>About this many keys a part: 4 Mi keys and their ordinals are 48 MiB, twice that while grouping.</summary>
    public const long PartEntries = 1 << 22;

    private const int BufferEntries = 4096;

    /// <summary>Builds the index of <paramref name="source"/> into <paramref name="target"/>; returns its layout.</summary>
    /// <param name="partEntries">Keys a part holds at most, about (tests lower it to cross parts with few keys).</param>
    public static FingerprintIndexFormat Build(IFingerprintSource source, long enrollmentId, byte[] macKey, IIndexTarget target, long partEntries = PartEntries)
    {
        var patients = new Fingerprint[source.Patients];
        var read = 0;
        source.ReadPatients(chunk =>
        {
            if (read + chunk.Length > patients.Length) throw Incomplete("more patient references than counted");
            chunk.CopyTo(patients.AsSpan(read));
            read += chunk.Length;
        });
        if (read != patients.Length) throw Incomplete("fewer patient references than counted");
        var sourcePatients = patients.Length;
        var remap = PatientOrdinals.Remap(patients, out var distinct);

        var format = FingerprintIndexFormat.For(distinct.Length, source.Linked, source.Members);
        target.SetLength(format.Length);
        for (var at = 0; at < distinct.Length; at += 65_536)
        {
            var slice = distinct.AsSpan(at, Math.Min(65_536, distinct.Length - at));
            target.Write(FingerprintIndexFormat.PatientsAt + (long)at * Fingerprint.Size, MemoryMarshal.AsBytes(slice));
        }
        distinct = [];
        patients = [];

        var linkedTable = CountGroups(onKeys => source.ReadLinked((keys, _) => onKeys(keys)), format.LinkedBits, format.Linked, "linked fingerprints");
        target.Write(format.LinkedTableAt, MemoryMarshal.AsBytes(linkedTable.AsSpan()));
        var linkedFilter = new FilterWriter(target, format.LinkedFilterAt, format.LinkedFilterBlocks);
        Place(target, linkedTable, format.LinkedBits, format.LinkedKeysAt, format.LinkedPatientsAt, linkedFilter.Add, partEntries, scatter =>
            source.ReadLinked((keys, ordinals) =>
            {
                for (var i = 0; i < keys.Length; i++)
                {
                    var ordinal = ordinals[i];
                    if ((uint)ordinal >= (uint)sourcePatients) throw Incomplete("a linked fingerprint names no patient");
                    scatter(keys[i], remap is null ? ordinal : remap[ordinal]);
                }
            }));

        var memberTable = CountGroups(onKeys => source.ReadMembers(keys => onKeys(keys)), format.MemberBits, format.Members, "set members");
        target.Write(format.MemberTableAt, MemoryMarshal.AsBytes(memberTable.AsSpan()));
        var memberFilter = new FilterWriter(target, format.MemberFilterAt, format.MemberFilterBlocks);
        Place(target, memberTable, format.MemberBits, format.MembersAt, -1, memberFilter.Add, partEntries, scatter =>
            source.ReadMembers(keys =>
            {
                foreach (var key in keys) scatter(key, 0);
            }));

        Span<byte> bodyMac = stackalloc byte[FingerprintIndexFormat.MacSize];
        IndexBodyMac.Compute(macKey, format.Length - FingerprintIndexFormat.HeaderSize, (offset, span) => target.Read(FingerprintIndexFormat.HeaderSize + offset, span), bodyMac);
        var header = new byte[FingerprintIndexFormat.HeaderSize];
        format.WriteHeader(header, enrollmentId, bodyMac, macKey);
        target.Write(0, header);
        return format;
    }

    /// <summary>Builds in memory (tests, small bases): an index that needs no file.</summary>
    public static (byte[] Bytes, byte[] MacKey) BuildInMemory(IFingerprintSource source, long enrollmentId, long partEntries = PartEntries)
    {
        var macKey = RandomNumberGenerator.GetBytes(32);
        var target = new ArrayIndexTarget();
        Build(source, enrollmentId, macKey, target, partEntries);
        return (target.Bytes, macKey);
    }

    private static InvalidDataException Incomplete(string what) =>
        new($"The enrollment's fingerprints are inconsistent ({what}); enroll again.");

    /// <summary>Counts the keys of each group; returns where each group starts (one more entry: the end).</summary>
    private static uint[] CountGroups(Action<KeyChunk> read, int bits, long expected, string what)
    {
        var table = new uint[(1 << bits) + 1];
        long count = 0;
        read(keys =>
        {
            foreach (var key in keys) table[(int)(key >> (64 - bits)) + 1]++;
            count += keys.Length;
        });
        if (count != expected) throw Incomplete($"{count} {what} where {expected} were counted");
        for (var g = 0; g < table.Length - 1; g++) table[g + 1] += table[g];
        return table;
    }

    /// <summary>
    /// Scatters every key (and its value, unless <paramref name="valuesAt"/> is -1) to its part, then orders each part
    /// by group and sorts each group; hands each part's sorted keys, parts in ascending order, to <paramref name="onSortedPart"/>.
    /// </summary>
    private static void Place(IIndexTarget target, uint[] table, int bits, long keysAt, long valuesAt,
        FilterChunk onSortedPart, long partEntries, Action<Action<ulong, int>> read)
    {
        var total = (long)table[^1];
        var groups = 1 << bits;
        var partBits = 0;
        while (partBits < bits && total >> partBits > partEntries) partBits++;
        var parts = 1 << partBits;
        var groupsPerPart = groups >> partBits;
        var withValues = valuesAt >= 0;

        // 1. Scatter: each part's keys to its region of the file, through a buffer of its own.
        var cursors = new long[parts];
        for (var p = 0; p < parts; p++) cursors[p] = table[p * groupsPerPart];
        var keyBuffers = new ulong[parts][];
        var valueBuffers = new int[parts][];
        var fill = new int[parts];
        void Flush(int p)
        {
            if (fill[p] == 0) return;
            target.Write(keysAt + cursors[p] * sizeof(ulong), MemoryMarshal.AsBytes(keyBuffers[p].AsSpan(0, fill[p])));
            if (withValues) target.Write(valuesAt + cursors[p] * sizeof(int), MemoryMarshal.AsBytes(valueBuffers[p].AsSpan(0, fill[p])));
            cursors[p] += fill[p];
            fill[p] = 0;
        }
        read((key, value) =>
        {
            var p = partBits == 0 ? 0 : (int)(key >> (64 - partBits));
            var buffer = keyBuffers[p] ??= new ulong[BufferEntries];
            if (withValues) (valueBuffers[p] ??= new int[BufferEntries])[fill[p]] = value;
            buffer[fill[p]++] = key;
            if (fill[p] == BufferEntries) Flush(p);
        });
        for (var p = 0; p < parts; p++)
        {
            Flush(p);
            if (cursors[p] != table[(p + 1) * groupsPerPart]) throw Incomplete("the keys changed while the index was built");
        }
        keyBuffers = [];
        valueBuffers = [];

        // 2. Each part in memory: by group, then each group sorted.
        var largest = 0;
        for (var p = 0; p < parts; p++) largest = Math.Max(largest, (int)(table[(p + 1) * groupsPerPart] - table[p * groupsPerPart]));
        var keys = new ulong[largest];
        var values = withValues ? new int[largest] : [];
        var groupedKeys = new ulong[largest];
        var groupedValues = withValues ? new int[largest] : [];
        var groupCursors = new int[groupsPerPart];
        var shift = 64 - bits;
        for (var p = 0; p < parts; p++)
        {
            var from = (long)table[p * groupsPerPart];
            var length = (int)(table[(p + 1) * groupsPerPart] - from);
            if (length == 0) continue;
            target.Read(keysAt + from * sizeof(ulong), MemoryMarshal.AsBytes(keys.AsSpan(0, length)));
            if (withValues) target.Read(valuesAt + from * sizeof(int), MemoryMarshal.AsBytes(values.AsSpan(0, length)));
            var firstGroup = p * groupsPerPart;
            for (var g = 0; g < groupsPerPart; g++) groupCursors[g] = (int)(table[firstGroup + g] - from);
            for (var i = 0; i < length; i++)
            {
                var slot = groupCursors[(int)(keys[i] >> shift) - firstGroup]++;
                groupedKeys[slot] = keys[i];
                if (withValues) groupedValues[slot] = values[i];
            }
            for (var g = 0; g < groupsPerPart; g++)
            {
                var start = (int)(table[firstGroup + g] - from);
                var count = (int)(table[firstGroup + g + 1] - from) - start;
                if (count < 2) continue;
                if (withValues) groupedKeys.AsSpan(start, count).Sort(groupedValues.AsSpan(start, count));
                else groupedKeys.AsSpan(start, count).Sort();
            }
            target.Write(keysAt + from * sizeof(ulong), MemoryMarshal.AsBytes(groupedKeys.AsSpan(0, length)));
            if (withValues) target.Write(valuesAt + from * sizeof(int), MemoryMarshal.AsBytes(groupedValues.AsSpan(0, length)));
            onSortedPart(groupedKeys.AsSpan(0, length));
        }
    }

    private delegate void FilterChunk(ReadOnlySpan<ulong> sortedKeys);

    /// <summary>
    /// Writes a filter (<see cref="KeyFilter"/>) one part at a time: a part's keys are sorted and its blocks follow from
    /// its keys' top bits, so it touches one run of blocks, read, filled and written back (a run's first block may be the
    /// previous part's last). Holds a part's share of the filter, about 1.25 bytes a key of the part.
    /// </summary>
    private sealed class FilterWriter(IIndexTarget target, long filterAt, long blocks)
    {
        private uint[] _run = [];

        public void Add(ReadOnlySpan<ulong> sortedKeys)
        {
            if (sortedKeys.IsEmpty) return;
            var first = KeyFilter.BlockOf(sortedKeys[0], blocks);
            var count = checked((int)(KeyFilter.BlockOf(sortedKeys[^1], blocks) - first + 1));
            const int words = KeyFilter.BlockBytes / sizeof(uint);
            if (_run.Length < count * words) _run = new uint[count * words];
            var run = _run.AsSpan(0, count * words);
            var bytes = MemoryMarshal.AsBytes(run);
            var at = filterAt + first * KeyFilter.BlockBytes;
            target.Read(at, bytes);
            foreach (var key in sortedKeys)
            {
                KeyFilter.Add(run.Slice((int)(KeyFilter.BlockOf(key, blocks) - first) * words, words), key);
            }
            target.Write(at, bytes);
        }
    }
}
