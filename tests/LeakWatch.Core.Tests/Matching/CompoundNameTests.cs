using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Matching;

/// <summary>A compound last name shown in part: DUPONT or MARTIN alone for DUPONT-MARTIN.</summary>
public sealed class CompoundNameTests : IDisposable
{
    // Synthetic identities; the NIR carries a valid key (97 - body mod 97).
    private static readonly RawPatient Marie = new("IPP010", "Dupont-Martin", null, "Marie", "12/03/1965", "265037511212481", null, null);
    private static readonly RawPatient Claire = new("IPP011", "Bernard", "Lefebvre Morel", "Claire", "1971-05-20", null, null, null);
    private static readonly RawPatient Jean = new("IPP012", "De La Fontaine", null, "Jean", "01/01/1970", null, null, null);
    private readonly MatcherFixture _fixture = new MatcherFixture().Add(Marie).Add(Claire).Add(Jean);

    [Theory]
    [InlineData("DUPONT")]
    [InlineData("MARTIN")]
    [InlineData("Martin")]
    public void Scan_OnePartOfACompoundBirthName_MatchesAtMedium(string part)
    {
        var match = Assert.Single(_fixture.ScanRows(["17", part, "MARIE", "12/03/1965", "NEGATIF"]));

        Assert.Equal(_fixture.RefsById["IPP010"], match.Patient);
        Assert.Equal(Confidence.Medium, match.Confidence);
        Assert.Equal(["identity-part"], match.Rules.Names());
        Assert.Equal(MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate, match.Fields);
    }

    [Fact]
    public void Scan_OnePartOfACompoundUsageName_UnderHeaders_MatchesAtMedium()
    {
        var match = Assert.Single(_fixture.ScanFields([("MOREL", FieldHint.LastName), ("CLAIRE", FieldHint.FirstName), ("20/05/1971", FieldHint.BirthDate)]));

        Assert.Equal(_fixture.RefsById["IPP011"], match.Patient);
        Assert.Equal(Confidence.Medium, match.Confidence);
        Assert.Equal(["identity-part"], match.Rules.Names());
    }

    [Theory]
    [InlineData("DUPONT MARTIN")]
    [InlineData("DUPONT-MARTIN")]
    [InlineData("DUPONTMARTIN")]
    public void Scan_TheWholeNameWithOrWithoutHyphen_IsAWholeIdentity(string name)
    {
        var match = Assert.Single(_fixture.ScanRows([name, "MARIE", "12/03/1965"]));

        Assert.Equal(_fixture.RefsById["IPP010"], match.Patient);
        Assert.Equal(["identity"], match.Rules.Names());
        Assert.Equal(Confidence.Medium, match.Confidence);
    }

    [Fact]
    public void Scan_PartWithAnotherBirthDate_IsNoMatch()
    {
        Assert.Empty(_fixture.ScanRows(["DUPONT", "MARIE", "13/03/1965"]));
        Assert.Empty(_fixture.ScanRows(["DUPONT", "MARINE", "12/03/1965"]));
    }

    [Fact]
    public void Scan_PartBesideThePatientsNir_IsHighAndNotContradicted()
    {
        var match = Assert.Single(_fixture.ScanRows(["MARTIN", "265037511212481"]));

        Assert.Equal(Confidence.High, match.Confidence);
        Assert.Equal(["nir+name"], match.Rules.Names());
    }

    [Fact]
    public void Scan_PartIdentityInARowWhoseNirIsSomeoneElses_IsOnlyLow()
    {
        var match = Assert.Single(_fixture.ScanRows(["DUPONT", "MARIE", "12/03/1965", "265037511299979"]));

        Assert.Equal(Confidence.Low, match.Confidence);
    }

    [Fact]
    public void Scan_ParticleAlone_IsNotAPart()
    {
        Assert.Empty(_fixture.ScanRows(["DE", "JEAN", "01/01/1970"]));
        Assert.Empty(_fixture.ScanRows(["LA", "JEAN", "01/01/1970"]));
        Assert.Equal(["identity-part"], Assert.Single(_fixture.ScanRows(["FONTAINE", "JEAN", "01/01/1970"])).Rules.Names());
    }

    [Theory]
    [InlineData("Dupont-Martin", new[] { "DUPONT", "MARTIN" })]
    [InlineData("DUPONT MARTIN", new[] { "DUPONT", "MARTIN" })]
    [InlineData("de la Fontaine", new[] { "FONTAINE" })]
    [InlineData("D'Almeida", new[] { "ALMEIDA" })]
    [InlineData("Le Gall", new[] { "GALL" })]
    [InlineData("Saint-Exupéry", new[] { "EXUPERY" })]
    [InlineData("MARTIN", new string[0])]
    [InlineData("LEGALL", new string[0])]
    public void CompoundParts_LastName_GivesItsPartsWithoutParticles(string raw, string[] expected)
    {
        Assert.Equal(expected, NameNormalizer.CompoundParts(raw));
    }

    [Fact]
    public void Normalize_CompoundUsageName_KeepsWholeNamesAndAddsParts()
    {
        var identity = IdentityNormalizer.Normalize(new RawPatient("IPP1", "Martin", "Dupont-Martin", "Marie", "12/03/1965", null, null, null)).Identity!;

        Assert.Equal(["MARTIN", "DUPONTMARTIN"], identity.LastNames);
        Assert.Equal(["DUPONT"], identity.LastNameParts); // MARTIN is a whole last name already
    }

    public void Dispose() => _fixture.Dispose();
}
