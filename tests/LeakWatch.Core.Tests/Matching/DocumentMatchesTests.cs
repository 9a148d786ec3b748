using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;

namespace LeakWatch.Core.Tests.Matching;

public sealed class DocumentMatchesTests
{
    /// <summary>Workers report rows out of order: a patient keeps its first locations in document order, ties as they came.</summary>
    [Fact]
    public void Add_LocationsOutOfOrder_KeepsTheFirstFiveInDocumentOrder()
    {
        var matches = new DocumentMatches();
        foreach (var (offset, line) in new[] { (50L, 1L), (10, 2), (30, 3), (10, 4), (70, 5), (5, 6), (90, 7), (30, 8) })
        {
            matches.Add(0, RuleHits.Nir | RuleHits.NirName, new MatchLocation(offset, line));
        }

        var match = Assert.Single(matches.ToMatches([new Fingerprint(42)]));
        Assert.Equal([new(5, 6), new(10, 2), new(10, 4), new(30, 3), new(30, 8)], match.Locations);
    }

    /// <summary>Two workers' matches over thousands of patients (several chunks of entries) merge patient by patient.</summary>
    [Fact]
    public void MergeFrom_ThousandsOfPatientsFromTwoWorkers_EachKeepsItsHitsAndFirstLocations()
    {
        var one = new DocumentMatches();
        var two = new DocumentMatches();
        for (var patient = 0; patient < 5_000; patient++)
        {
            one.Add(patient, RuleHits.Nir, new MatchLocation(patient * 10L + 7, 1));
            if (patient % 2 == 0) two.Add(patient, RuleHits.NirName, new MatchLocation(patient * 10L + 3, 2));
        }
        one.MergeFrom(two);

        Assert.Equal(5_000, one.Count);
        var references = Enumerable.Range(0, 5_000).Select(i => new Fingerprint((UInt128)i)).ToArray();
        var matches = one.ToMatches(references).ToDictionary(m => (int)m.Patient.Value);
        Assert.Equal(5_000, matches.Count);
        Assert.Equal([new(4_003, 2), new(4_007, 1)], matches[400].Locations);
        Assert.Equal([new(4_017, 1)], matches[401].Locations);
        Assert.NotEqual(matches[401].Rules, matches[400].Rules); // the NIR with the name, merged from the second worker
    }
}
