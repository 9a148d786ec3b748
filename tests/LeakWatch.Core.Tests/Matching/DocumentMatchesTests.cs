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
}
