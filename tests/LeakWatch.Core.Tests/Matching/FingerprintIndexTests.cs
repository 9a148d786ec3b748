using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;

namespace LeakWatch.Core.Tests.Matching;

public sealed class FingerprintIndexTests
{
    [Theory]
    [InlineData(0, 0, FingerprintIndexBuilder.PartEntries)]
    [InlineData(1, 1, FingerprintIndexBuilder.PartEntries)]
    [InlineData(1000, 300, FingerprintIndexBuilder.PartEntries)]
    [InlineData(200_000, 50_000, FingerprintIndexBuilder.PartEntries)]
    // Built in many parts (the bounded build of a large base), and a table of few groups (large runs, binary search).
    [InlineData(200_000, 50_000, 5_000)]
    // Both filters read in place from the index's bytes, as a base beyond the copy cap has them.
    [InlineData(200_000, 50_000, FingerprintIndexBuilder.PartEntries, 0)]
    public void Lookup_EveryStoredKey_FindsAllItsPatientsAndNothingElse(int linked, int members, long partEntries, long maxCopiedFilterBytes = FingerprintIndexFormat.MaxCopiedFilterBytes)
    {
        var random = new Random(12);
        var keys = new ulong[linked];
        var patients = new int[linked];
        for (var i = 0; i < linked; i++)
        {
            // One key in ten is shared with the previous patient (twins, a shared phone).
            keys[i] = i > 0 && random.Next(10) == 0 ? keys[i - 1] : (ulong)random.NextInt64() << 1 | (uint)random.Next(2);
            patients[i] = i;
        }
        var setMembers = Enumerable.Range(0, members).Select(_ => (ulong)random.NextInt64() * 3).Distinct().ToArray();
        var expected = keys.Zip(patients).ToLookup(p => p.First, p => p.Second);
        var memberSet = setMembers.ToHashSet();

        var index = new FingerprintIndex(new FingerprintSnapshot
        {
            Patients = [.. Enumerable.Range(0, Math.Max(1, linked)).Select(i => new Fingerprint((UInt128)i + 1))],
            LinkedKeys = (ulong[])keys.Clone(),
            LinkedPatients = (int[])patients.Clone(),
            SetMembers = (ulong[])setMembers.Clone(),
        }, partEntries, maxCopiedFilterBytes);
        // The process holds the tables, and the filters unless they are read in place (a copy has 63 bytes of slack to
        // start on a cache line).
        var format = FingerprintIndexFormat.For(index.Patients.Count, linked, setMembers.Length);
        var (linkedFilter, memberFilter) = index.FilterBytes;
        var tables = FingerprintIndexFormat.TableBytes(format.LinkedBits) + FingerprintIndexFormat.TableBytes(format.MemberBits);
        Assert.Equal((format.LinkedFilterBytes, format.MemberFilterBytes), (linkedFilter, memberFilter));
        Assert.Equal(maxCopiedFilterBytes == 0 ? tables : tables + linkedFilter + memberFilter + 2 * 63, index.ResidentBytes);

        var found = new List<int>();
        foreach (var group in expected)
        {
            found.Clear();
            Assert.Equal(group.Count(), index.Lookup(group.Key, found));
            Assert.Equal(group.Order(), found.Order());
        }
        foreach (var member in setMembers) Assert.True(index.ContainsMember(member));
        for (var i = 0; i < 1000; i++)
        {
            var absent = (ulong)random.NextInt64() * 5 + 1;
            found.Clear();
            if (!expected.Contains(absent)) Assert.Equal(0, index.Lookup(absent, found));
            if (!memberSet.Contains(absent)) Assert.False(index.ContainsMember(absent));
        }
        Assert.False(index.ContainsMember(0));
        Assert.False(index.ContainsMember(ulong.MaxValue) && !memberSet.Contains(ulong.MaxValue));
    }

    private static ulong NextKey(Random random) => (ulong)random.NextInt64() << 1 | (uint)random.Next(2);

    [Fact]
    public void KeyFilter_TwoMillionKeys_EveryKeyPassesAndAbsentKeysPassAtTheDesignRate()
    {
        var random = new Random(2021);
        var keys = new ulong[2_000_000];
        for (var i = 0; i < keys.Length; i++) keys[i] = NextKey(random);
        var blocks = KeyFilter.BlocksFor(keys.Length);
        var filter = new uint[blocks * KeyFilter.BlockBytes / sizeof(uint)];
        foreach (var key in keys) KeyFilter.Add(filter.AsSpan((int)KeyFilter.BlockOf(key, blocks) * 8, 8), key);
        var present = keys.ToHashSet();

        int passed = 0, absent = 0;
        foreach (var key in keys) Assert.True(KeyFilter.MayContain(filter, key));
        for (var i = 0; i < 1_000_000; i++)
        {
            var key = NextKey(random);
            if (present.Contains(key)) continue;
            absent++;
            if (KeyFilter.MayContain(filter, key)) passed++;
        }

        // 10 bits a key: 1.26 % expected, and one million samples put the measure within 0.05 % of it; under 1 % would
        // mean the filter is larger than sized (or the positions do not depend on the key), over 1.5 % that it leaks.
        var rate = (double)passed / absent;
        Assert.Equal(2_000_000 * KeyFilter.BitsPerKey / 8, blocks * KeyFilter.BlockBytes);
        Assert.InRange(rate, 0.010, KeyFilter.DesignFalsePositiveRate);
    }

    [Fact]
    public void Lookup_AbsentKeys_FiltersTurnAwayAllButTheDesignRateAndFindNothing()
    {
        var random = new Random(7);
        var linked = Enumerable.Range(0, 400_000).Select(_ => NextKey(random)).ToArray();
        var members = Enumerable.Range(0, 200_000).Select(_ => NextKey(random)).Distinct().ToArray();
        var index = new FingerprintIndex(new FingerprintSnapshot
        {
            Patients = [.. Enumerable.Range(0, linked.Length).Select(i => new Fingerprint((UInt128)i + 1))],
            LinkedKeys = (ulong[])linked.Clone(),
            LinkedPatients = [.. Enumerable.Range(0, linked.Length)],
            SetMembers = (ulong[])members.Clone(),
        });
        var present = linked.Concat(members).ToHashSet();

        int absent = 0, linkedPassed = 0, membersPassed = 0;
        var found = new List<int>();
        for (var i = 0; i < 300_000; i++)
        {
            var key = NextKey(random);
            if (present.Contains(key)) continue;
            absent++;
            if (index.LinkedFilterPasses(key)) linkedPassed++;
            if (index.MemberFilterPasses(key)) membersPassed++;
            Assert.Equal(0, index.Lookup(key, found));
            Assert.False(index.ContainsMember(key));
        }

        Assert.All(linked, key => Assert.True(index.LinkedFilterPasses(key)));
        Assert.All(members, key => Assert.True(index.MemberFilterPasses(key)));
        Assert.InRange((double)linkedPassed / absent, 0.008, KeyFilter.DesignFalsePositiveRate);
        Assert.InRange((double)membersPassed / absent, 0.008, KeyFilter.DesignFalsePositiveRate);
        Assert.Empty(found);
    }

    [Fact]
    public void Build_InManySmallParts_WritesTheSameFileAsInOne()
    {
        // The filters are written part by part (a run of blocks each, the first shared with the previous part): the
        // bounded build must give the very bytes of a build in one part.
        var random = new Random(5);
        var snapshot = new FingerprintSnapshot
        {
            Patients = [.. Enumerable.Range(0, 60_000).Select(i => new Fingerprint((UInt128)i + 1))],
            LinkedKeys = [.. Enumerable.Range(0, 150_000).Select(_ => NextKey(random))],
            LinkedPatients = [.. Enumerable.Range(0, 150_000).Select(i => i % 60_000)],
            SetMembers = [.. Enumerable.Range(0, 40_000).Select(_ => NextKey(random)).Distinct()],
        };

        var (whole, _) = FingerprintIndexBuilder.BuildInMemory(snapshot, enrollmentId: 1);
        var (parts, _) = FingerprintIndexBuilder.BuildInMemory(snapshot, enrollmentId: 1, partEntries: 3_000);

        Assert.Equal(whole.Length, parts.Length);
        Assert.True(whole.AsSpan(FingerprintIndexFormat.HeaderSize).SequenceEqual(parts.AsSpan(FingerprintIndexFormat.HeaderSize)));
    }

    [Fact]
    public void Patients_DuplicateReferences_AreMergedAndLinksFollow()
    {
        var index = new FingerprintIndex(new FingerprintSnapshot
        {
            // Rows 0 and 2 are one patient enrolled twice.
            Patients = [new Fingerprint(10), new Fingerprint(20), new Fingerprint(10)],
            LinkedKeys = [100, 200, 300],
            LinkedPatients = [0, 1, 2],
            SetMembers = [],
        });

        Assert.Equal([new Fingerprint(10), new Fingerprint(20)], index.Patients);
        var found = new List<int>();
        index.Lookup(300, found);
        Assert.Equal([0], found);
        index.Lookup(200, found);
        Assert.Equal([0, 1], found);
    }

    [Fact]
    public void TryOpen_FileOfAnotherEnrollmentKeyOrAlteredByte_IsRefusedWithItsReason()
    {
        var snapshot = new FingerprintSnapshot
        {
            Patients = [new Fingerprint(1), new Fingerprint(2)],
            LinkedKeys = [5, 6, 7],
            LinkedPatients = [0, 0, 1],
            SetMembers = [42, 43],
        };
        var (bytes, macKey) = FingerprintIndexBuilder.BuildInMemory(snapshot, enrollmentId: 7);

        using (var index = FingerprintIndex.TryOpen(IndexMemory.Pinned(bytes), 7, macKey, out var fine))
        {
            Assert.NotNull(index);
            Assert.Equal("", fine);
            Assert.True(index.ContainsMember(43));
        }
        Assert.Null(FingerprintIndex.TryOpen(IndexMemory.Pinned(bytes), 8, macKey, out var other));
        Assert.Contains("enrollment 7", other);
        Assert.Null(FingerprintIndex.TryOpen(IndexMemory.Pinned(bytes), 7, new byte[32], out var wrongKey));
        Assert.Contains("does not check under this key", wrongKey);

        var altered = (byte[])bytes.Clone();
        altered[FingerprintIndexFormat.HeaderSize + 3] ^= 1; // one bit of a patient reference
        Assert.Null(FingerprintIndex.TryOpen(IndexMemory.Pinned(altered), 7, macKey, out var damaged));
        Assert.Contains("content does not check", damaged);
        Assert.Null(FingerprintIndex.TryOpen(IndexMemory.Pinned(bytes[..^4096]), 7, macKey, out var cut));
        Assert.Contains("length", cut);

        // A file of format 1 (no linked filter) under the right key: refused for its version, not taken as damaged.
        var older = (byte[])bytes.Clone();
        FingerprintIndexFormat.For(2, 3, 2).WriteHeader(older, 7, older.AsSpan(64, FingerprintIndexFormat.MacSize).ToArray(), macKey, version: 1);
        Assert.Null(FingerprintIndex.TryOpen(IndexMemory.Pinned(older), 7, macKey, out var version));
        Assert.Contains("another version (format 1", version);
    }

    [Fact]
    public void Build_OneOfEach_KeysSitAtTheirSectionsOfTheDocumentedLayout()
    {
        var snapshot = new FingerprintSnapshot
        {
            Patients = [new Fingerprint(UInt128.MaxValue - 1)],
            LinkedKeys = [0x1122334455667788],
            LinkedPatients = [0],
            SetMembers = [0x0102030405060708],
        };
        var (bytes, _) = FingerprintIndexBuilder.BuildInMemory(snapshot, enrollmentId: 1);
        var format = FingerprintIndexFormat.For(1, 1, 1);
        Assert.Equal(format.Length, bytes.Length);
        Assert.Equal(0x1122334455667788UL, BitConverter.ToUInt64(bytes, (int)format.LinkedKeysAt));
        Assert.Equal(0x0102030405060708UL, BitConverter.ToUInt64(bytes, (int)format.MembersAt));
        // Each filter: one block of eight words, one bit in each, at the key's successive 5-bit fields from the bottom.
        Assert.Equal(1, format.LinkedFilterBlocks);
        Assert.Equal(FilterWords(0x1122334455667788), Words(bytes, format.LinkedFilterAt));
        Assert.Equal(FilterWords(0x0102030405060708), Words(bytes, format.MemberFilterAt));
    }

    private static uint[] FilterWords(ulong key) => [.. Enumerable.Range(0, 8).Select(w => 1u << (int)((key >> (5 * w)) & 31))];

    private static uint[] Words(byte[] bytes, long at) => [.. Enumerable.Range(0, 8).Select(w => BitConverter.ToUInt32(bytes, (int)at + 4 * w))];

    [Fact]
    public void Append_ExtraFingerprints_FoundWithOrdinalsAfterThePatients()
    {
        using var index = new FingerprintIndex(new FingerprintSnapshot
        {
            Patients = [new Fingerprint(10), new Fingerprint(20)],
            LinkedKeys = [100, 200],
            LinkedPatients = [0, 1],
            SetMembers = [7],
        });
        index.Append(new FingerprintSnapshot { Patients = [new Fingerprint(99)], LinkedKeys = [200, 300], LinkedPatients = [0, 0], SetMembers = [8] });

        var found = new List<int>();
        Assert.Equal(2, index.Lookup(200, found));
        Assert.Equal([1, 2], found.Order());
        found.Clear();
        Assert.Equal(1, index.Lookup(300, found));
        Assert.Equal(new Fingerprint(99), index.Patients[found[0]]);
        Assert.Equal(3, index.Patients.Count);
        Assert.True(index.ContainsMember(7) && index.ContainsMember(8));
        Assert.False(index.ContainsMember(9));
    }
}
