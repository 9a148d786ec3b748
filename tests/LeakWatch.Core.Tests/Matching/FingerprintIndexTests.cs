using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;

namespace LeakWatch.Core.Tests.Matching;

public sealed class FingerprintIndexTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(1000, 300)]
    [InlineData(200_000, 50_000)]
    public void Lookup_EveryStoredKey_FindsAllItsPatientsAndNothingElse(int linked, int members)
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
            Patients = [new Fingerprint(1)],
            LinkedKeys = (ulong[])keys.Clone(),
            LinkedPatients = (int[])patients.Clone(),
            SetMembers = (ulong[])setMembers.Clone(),
        });

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
}
