using LeakWatch.Core.Matching;
using LeakWatch.Service.Incidents;

namespace LeakWatch.Service.Tests.Incidents;

public sealed class IncidentMergeTests
{
    private static readonly IncidentVersion Known = new(
        "forum-x", "https://forum.example/t/42", "aaaa", 1000, Revision: 3, LastGrowth: 7, MatchedRules.NirName, MatchedFields.Nir | MatchedFields.LastName);

    private static MatchedDocument Document(MatchedRules rules = MatchedRules.Identity, MatchedFields fields = MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate) =>
        new("paste-y", "https://paste.example/raw/1", "bbbb", 5000, rules, fields);

    [Fact]
    public void Decide_NoKnownIncident_CreatesRevisionOneWithTheDocumentAsLatestVersion()
    {
        var document = Document();

        var decision = IncidentMerge.Decide(known: null, document, newPatients: 12);

        Assert.Equal(IncidentChange.Created, decision.Change);
        Assert.True(decision.IsNews);
        Assert.Equal(new IncidentVersion(document.Source, document.Url, document.ContentHash, document.Bytes, 1, 12, document.Rules, document.Fields), decision.Next);
    }

    [Fact]
    public void Decide_KnownIncidentAndNewPatients_GrowsToTheNextRevisionWithTheDocumentAsLatestVersion()
    {
        var decision = IncidentMerge.Decide(Known, Document(), newPatients: 4);

        Assert.Equal(IncidentChange.Grew, decision.Change);
        Assert.True(decision.IsNews);
        Assert.Equal(("paste-y", "https://paste.example/raw/1", "bbbb", 5000L), (decision.Next.Source, decision.Next.Url, decision.Next.ContentHash, decision.Next.Bytes));
        Assert.Equal((4L, 4L), (decision.Next.Revision, decision.Next.LastGrowth));
    }

    [Fact]
    public void Decide_KnownIncidentAndNoNewPatient_KeepsVersionRevisionAndLastGrowth()
    {
        var decision = IncidentMerge.Decide(Known, Document(), newPatients: 0);

        Assert.Equal(IncidentChange.NothingNew, decision.Change);
        Assert.False(decision.IsNews);
        Assert.Equal(Known with { Rules = decision.Next.Rules, Fields = decision.Next.Fields }, decision.Next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Decide_KnownIncident_AddsTheDocumentsRulesAndFieldsToTheIncidents(long newPatients)
    {
        var decision = IncidentMerge.Decide(Known, Document(MatchedRules.Identity | MatchedRules.Email, MatchedFields.Email), newPatients);

        Assert.Equal(MatchedRules.NirName | MatchedRules.Identity | MatchedRules.Email, decision.Next.Rules);
        Assert.Equal(MatchedFields.Nir | MatchedFields.LastName | MatchedFields.Email, decision.Next.Fields);
    }
}
