using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Normalization;

public sealed class IdentityNormalizerTests
{
    private static RawPatient Full() => new(
        LocalId: " IPP000123 ",
        BirthName: "Le-Gall",
        UsageName: "D'Almeida",
        FirstNames: "Marie Claire",
        BirthDate: "12/03/1965",
        Nir: "2 65 03 75 112 123 82",
        Phone: "06 12 34 56 78",
        Email: " Marie.LeGall@Example.fr ");

    [Fact]
    public void Normalize_CompleteRow_GivesEveryField()
    {
        var outcome = IdentityNormalizer.Normalize(Full());

        Assert.Null(outcome.Skipped);
        Assert.Equal(NormalizationIssues.None, outcome.Issues);
        var identity = Assert.IsType<PatientIdentity>(outcome.Identity);
        Assert.Equal("IPP000123", identity.LocalId);
        Assert.Equal(["LEGALL", "DALMEIDA"], identity.LastNames);
        Assert.Equal(["MARIECLAIRE", "MARIE", "CLAIRE"], identity.FirstNames);
        Assert.Equal("19650312", identity.BirthDate);
        Assert.Equal("2650375112123", identity.NirBody);
        Assert.Equal("+33612345678", identity.Phone);
        Assert.Equal("marie.legall@example.fr", identity.Email);
    }

    [Fact]
    public void Normalize_SameUsageAndBirthName_KeepsOne()
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { UsageName = "LE GALL" });
        Assert.Equal(["LEGALL"], outcome.Identity!.LastNames);
    }

    [Fact]
    public void Normalize_UsageNameOnly_IsTheLastName()
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { BirthName = null });
        Assert.Equal(["DALMEIDA"], outcome.Identity!.LastNames);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Normalize_NoLocalId_IsSkipped(string? localId)
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { LocalId = localId! });
        Assert.Null(outcome.Identity);
        Assert.Equal(SkipReason.NoIdentifier, outcome.Skipped);
    }

    [Fact]
    public void Normalize_NothingIdentifying_IsSkipped()
    {
        var raw = new RawPatient("IPP1", "DUPONT", null, "Marie", null, null, null, null);
        var outcome = IdentityNormalizer.Normalize(raw);
        Assert.Null(outcome.Identity);
        Assert.Equal(SkipReason.NoIdentifyingField, outcome.Skipped);
    }

    [Fact]
    public void Normalize_OnlyInvalidFields_IsSkippedWithEveryReason()
    {
        var raw = new RawPatient("IPP1", "DUPONT2", null, "", "32/13/1965", "165037511212336", "12345", "not-an-email");
        var outcome = IdentityNormalizer.Normalize(raw);
        Assert.Equal(SkipReason.NoIdentifyingField, outcome.Skipped);
        Assert.True(outcome.Has(NormalizationIssues.InvalidNir));
        Assert.True(outcome.Has(NormalizationIssues.InvalidBirthDate));
        Assert.True(outcome.Has(NormalizationIssues.InvalidPhone));
        Assert.True(outcome.Has(NormalizationIssues.InvalidEmail));
        Assert.True(outcome.Has(NormalizationIssues.NoName));
    }

    [Theory]
    [InlineData("165037511212335", null, null)]
    [InlineData(null, "0612345678", null)]
    [InlineData(null, null, "a@example.fr")]
    public void Normalize_OneStrongField_IsEnough(string? nir, string? phone, string? email)
    {
        var raw = new RawPatient("IPP1", null, null, null, null, nir, phone, email);
        var outcome = IdentityNormalizer.Normalize(raw);
        Assert.NotNull(outcome.Identity);
        Assert.Null(outcome.Skipped);
        Assert.True(outcome.Has(NormalizationIssues.NoName));
    }

    [Fact]
    public void Normalize_NameFirstNameAndDate_IsEnough()
    {
        var raw = new RawPatient("IPP1", "Dupont", null, "Marie", "1965-03-12", null, null, null);
        var outcome = IdentityNormalizer.Normalize(raw);
        Assert.NotNull(outcome.Identity);
        Assert.Equal(NormalizationIssues.None, outcome.Issues);
    }

    [Fact]
    public void Normalize_InvalidNirButValidRest_KeepsPatientAndFlagsNir()
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { Nir = "2 65 03 75 112 123 83" });
        Assert.NotNull(outcome.Identity);
        Assert.Null(outcome.Identity.NirBody);
        Assert.Equal(NormalizationIssues.InvalidNir, outcome.Issues);
    }

    [Fact]
    public void Normalize_PhoneWithLostLeadingZero_IsStillThePhone()
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { Phone = "612345678" });
        Assert.Equal("+33612345678", outcome.Identity!.Phone);
    }

    [Fact]
    public void Normalize_TwoDigitYear_DropsTheDateAndSaysWhy()
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { BirthDate = "12/03/65" });
        Assert.NotNull(outcome.Identity);
        Assert.Null(outcome.Identity.BirthDate);
        Assert.Equal(NormalizationIssues.AmbiguousBirthDate, outcome.Issues);
    }

    [Fact]
    public void Normalize_ImpossibleRegistryDate_IsKept()
    {
        var outcome = IdentityNormalizer.Normalize(Full() with { BirthDate = "00/00/1965" });
        Assert.Equal("19650000", outcome.Identity!.BirthDate);
    }

    [Fact]
    public void Normalize_EmptyStrings_AreAbsentNotInvalid()
    {
        var raw = new RawPatient("IPP1", "Dupont", " ", "Marie", "12/03/1965", "", " ", "");
        var outcome = IdentityNormalizer.Normalize(raw);
        Assert.Equal(NormalizationIssues.None, outcome.Issues);
    }

    [Fact]
    public void ToString_RawPatientAndIdentity_NeverShowAValue()
    {
        var raw = Full();
        var outcome = IdentityNormalizer.Normalize(raw);
        var printed = string.Join("\n", raw.ToString(), outcome.Identity!.ToString(), outcome.ToString());
        string[] values =
        [
            "IPP000123", "Gall", "GALL", "Almeida", "ALMEIDA", "Marie", "MARIE", "1965", "650375", "0612", "612345678", "example",
        ];
        foreach (var value in values) Assert.DoesNotContain(value, printed, StringComparison.Ordinal);
    }
}
