using System.Globalization;
using LeakWatch.Core.Normalization;
using LeakWatch.Synthetic;

namespace LeakWatch.Core.Tests.Normalization;

/// <summary>
/// The promise of the product: the lab's export and a leak that writes the same people differently normalize to
/// the same values. Each synthetic patient is rewritten the way dumps write identities (upper case, hyphens as
/// spaces, apostrophes dropped, other date, phone and NIR layouts) and both sides must agree.
/// </summary>
public sealed class SyntheticAgreementTests
{
    private static readonly string[] FrenchMonths =
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

    [Fact]
    public void Normalize_SyntheticExport_EveryPatientKeepsItsIdentifyingFields()
    {
        var issues = 0;
        foreach (var patient in SyntheticPopulation.Generate(5000, seed: 7))
        {
            var outcome = IdentityNormalizer.Normalize(ToRaw(patient));
            var identity = Assert.IsType<LeakWatch.Core.Fingerprinting.PatientIdentity>(outcome.Identity);
            Assert.NotNull(identity.NirBody);
            Assert.Equal(patient.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), identity.BirthDate);
            Assert.NotEmpty(identity.LastNames);
            Assert.NotEmpty(identity.FirstNames);
            Assert.Equal(patient.Phone.Length > 0, identity.Phone is not null);
            Assert.Equal(patient.Email.Length > 0, identity.Email is not null);
            if (outcome.Issues != NormalizationIssues.None) issues++;
        }
        Assert.Equal(0, issues);
    }

    [Fact]
    public void Normalize_LeakSpellings_AgreeWithTheExport()
    {
        Span<int> dates = stackalloc int[2];
        Span<char> buffer = stackalloc char[128];
        var index = 0;
        foreach (var patient in SyntheticPopulation.Generate(5000, seed: 11))
        {
            var identity = IdentityNormalizer.Normalize(ToRaw(patient)).Identity!;
            var style = index++;

            var leakedName = LeakSpelling(patient.BirthName, style);
            Assert.Equal(identity.LastNames[0], NameNormalizer.Compact(leakedName));
            var length = NameNormalizer.CompactInto(leakedName, buffer);
            Assert.Equal(identity.LastNames[0], new string(buffer[..length]));

            var leakedFirst = LeakSpelling(patient.FirstNames.Split(' ')[0], style + 1);
            Assert.Contains(NameNormalizer.Compact(leakedFirst), identity.FirstNames);

            var leakedDate = LeakDate(patient.BirthDate, style);
            var count = BirthDateNormalizer.Normalize(leakedDate, dates);
            Assert.True(count > 0, $"date style {style % 8} not read");
            Assert.Equal(identity.BirthDate, BirthDateNormalizer.ToText(dates[0]));

            Assert.Equal(identity.NirBody, NirNormalizer.Body(LeakNir(patient.Nir, style)));
            if (identity.Phone is not null)
            {
                Assert.Equal(identity.Phone, PhoneNormalizer.ToE164(LeakPhone(identity.Phone, style)));
            }
            if (identity.Email is not null)
            {
                Assert.Equal(identity.Email, EmailNormalizer.Normalize(style % 2 == 0 ? patient.Email.ToUpperInvariant() : " mailto:" + patient.Email));
            }
        }
    }

    private static RawPatient ToRaw(SyntheticPatient p) => new(
        p.Ipp, p.BirthName, p.UsageName, p.FirstNames, p.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), p.Nir, p.Phone, p.Email);

    private static string LeakSpelling(string name, int style) => (style % 5) switch
    {
        0 => name.ToUpperInvariant(),
        1 => name.Replace('-', ' ').Replace('\'', ' '),
        2 => name.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal),
        3 => "  " + name.ToLowerInvariant().Replace('\'', '’') + " ",
        _ => name.Replace(' ', '-'),
    };

    private static string LeakDate(DateOnly date, int style)
    {
        var invariant = CultureInfo.InvariantCulture;
        return (style % 8) switch
        {
            0 => date.ToString("yyyy-MM-dd", invariant),
            1 => date.ToString("yyyyMMdd", invariant),
            2 => date.ToString("dd.MM.yyyy", invariant),
            3 => date.ToString("d/M/yyyy", invariant),
            4 => string.Create(invariant, $"{date.Day} {FrenchMonths[date.Month - 1]} {date.Year}"),
            5 => date.ToString("yyyy-MM-dd", invariant) + "T00:00:00",
            6 => date.ToString("dd MMM yyyy", invariant), // English abbreviations: "12 Mar 1965"
            _ => date.ToString("yyyyMMdd", invariant) + "0000",
        };
    }

    private static string LeakNir(string nir, int style) => (style % 3) switch
    {
        0 => $"{nir[0]} {nir[1..3]} {nir[3..5]} {nir[5..7]} {nir[7..10]} {nir[10..13]} {nir[13..]}",
        1 => nir[..13],
        _ => $"{nir[0]}.{nir[1..3]}.{nir[3..5]}.{nir[5..7]}.{nir[7..10]}.{nir[10..13]}-{nir[13..]}".ToLowerInvariant(),
    };

    private static string LeakPhone(string e164, int style)
    {
        if (!e164.StartsWith("+33", StringComparison.Ordinal)) return e164;
        var nine = e164[3..];
        return (style % 4) switch
        {
            0 => "0033" + nine,
            1 => $"+33 (0){nine[0]} {nine[1..3]} {nine[3..5]} {nine[5..7]} {nine[7..]}",
            2 => $"0{nine[0]}-{nine[1..3]}-{nine[3..5]}-{nine[5..7]}-{nine[7..]}",
            _ => "33" + nine,
        };
    }
}
