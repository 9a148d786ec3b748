using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Matching;

/// <summary>
/// A patient whose first name is also the last name (Bernard BERNARD, Nicolas NICOLAS): the word must appear twice in
/// the record to stand for both, and once is never enough.
/// </summary>
public sealed class SameFirstAndLastNameTests : IDisposable
{
    private static readonly RawPatient Bernard = new("IPP101", "Bernard", null, "Bernard", "27/12/1975", null, null, null);
    private static readonly RawPatient Nicolas = new("IPP102", "Nicolas", null, "Nicolas", "03/05/1982", null, null, null);
    private static readonly RawPatient Martin = new("IPP103", "Martin", null, "Bernard", "27/12/1975", null, null, null);
    private readonly MatcherFixture _fixture = new MatcherFixture().Add(Bernard).Add(Nicolas).Add(Martin);

    [Theory]
    [InlineData("Résultats transmis pour M. Bernard BERNARD, né(e) le 27/12/1975, au laboratoire.", "IPP101")]
    [InlineData("Patient : M. NICOLAS NICOLAS né le 03/05/1982, prélèvement du matin.", "IPP102")]
    [InlineData("BERNARD Bernard 27/12/1975", "IPP101")]
    public void ScanText_FirstNameEqualsLastNameWrittenTwice_MatchesIdentity(string text, string id)
    {
        var match = Assert.Single(_fixture.ScanText(text));

        Assert.Equal(_fixture.RefsById[id], match.Patient);
        Assert.Equal(Confidence.Medium, match.Confidence);
        Assert.Equal(["identity"], match.Rules.Names());
    }

    [Fact]
    public void ScanRows_FirstNameEqualsLastNameInTwoCells_MatchesIdentity()
    {
        var match = Assert.Single(_fixture.ScanRows(["BERNARD", "BERNARD", "27/12/1975"]));
        Assert.Equal(_fixture.RefsById["IPP101"], match.Patient);

        match = Assert.Single(_fixture.ScanFields([("Nicolas", FieldHint.LastName), ("Nicolas", FieldHint.FirstName), ("03/05/1982", FieldHint.BirthDate)]));
        Assert.Equal(_fixture.RefsById["IPP102"], match.Patient);
    }

    [Fact]
    public void ScanRows_FullNameCellWithTheWordTwice_MatchesIdentity()
    {
        var match = Assert.Single(_fixture.ScanRows(["BERNARD BERNARD", "27/12/1975"]));
        Assert.Equal(_fixture.RefsById["IPP101"], match.Patient);
    }

    [Theory]
    [InlineData("Vu par le Dr Bernard le 27/12/1975.")]
    [InlineData("M. BERNARD, 27/12/1975")]
    [InlineData("NICOLAS 03/05/1982")]
    public void ScanText_TheWordOnce_IsNoMatch(string text) => Assert.Empty(_fixture.ScanText(text));

    [Fact]
    public void ScanRows_TheWordOnce_IsNoMatch()
    {
        Assert.Empty(_fixture.ScanRows(["BERNARD", "27/12/1975"]));
        Assert.Empty(_fixture.ScanFields([("BERNARD", FieldHint.FullName), ("27/12/1975", FieldHint.BirthDate)]));
    }

    [Fact]
    public void ScanText_BernardMartinBesideBernardBernardsBirthDate_IsOnlyMartin()
    {
        // Bernard MARTIN shares the birth date; the word BERNARD once is his first name, not Bernard BERNARD.
        var match = Assert.Single(_fixture.ScanText("M. Bernard MARTIN, né le 27/12/1975"));
        Assert.Equal(_fixture.RefsById["IPP103"], match.Patient);
    }

    public void Dispose() => _fixture.Dispose();
}
