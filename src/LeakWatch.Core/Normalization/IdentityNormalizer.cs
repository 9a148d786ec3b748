using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// Turns one row of the lab's export into the <see cref="PatientIdentity"/> that is fingerprinted, with the same
/// normalizers the scanner applies to leaked values.
/// </summary>
/// <remarks>
/// A two-digit year in the export is not guessed: 05/03/12 may be 1912 or 2012, and a wrong century makes every
/// name + date fingerprint of the patient silently useless. The date is dropped and flagged
/// <see cref="NormalizationIssues.AmbiguousBirthDate"/>, so the lab sees the count and fixes its export.
/// </remarks>
public static class IdentityNormalizer
{
    public static NormalizationOutcome Normalize(RawPatient raw)
    {
        var issues = NormalizationIssues.None;

        var nir = Present(raw.Nir) ? NirNormalizer.Body(raw.Nir) : null;
        if (nir is null && Present(raw.Nir)) issues |= NormalizationIssues.InvalidNir;

        var email = Present(raw.Email) ? EmailNormalizer.Normalize(raw.Email) : null;
        if (email is null && Present(raw.Email)) issues |= NormalizationIssues.InvalidEmail;

        var phone = Present(raw.Phone) ? PhoneNormalizer.ToE164(raw.Phone, phoneColumn: true) : null;
        if (phone is null && Present(raw.Phone)) issues |= NormalizationIssues.InvalidPhone;

        string? birthDate = null;
        if (Present(raw.BirthDate))
        {
            Span<int> candidates = stackalloc int[2];
            switch (BirthDateNormalizer.Normalize(raw.BirthDate, candidates))
            {
                case 1:
                    birthDate = BirthDateNormalizer.ToText(candidates[0]);
                    break;
                case 2:
                    issues |= NormalizationIssues.AmbiguousBirthDate;
                    break;
                default:
                    issues |= NormalizationIssues.InvalidBirthDate;
                    break;
            }
        }

        var lastNames = new List<string>(2);
        AddName(lastNames, raw.BirthName);
        AddName(lastNames, raw.UsageName);
        var firstNames = Present(raw.FirstNames) ? NameNormalizer.FirstNameVariants(raw.FirstNames) : [];
        if (lastNames.Count == 0 || firstNames.Count == 0) issues |= NormalizationIssues.NoName;

        var localId = raw.LocalId?.Trim();
        if (string.IsNullOrEmpty(localId)) return new NormalizationOutcome(null, SkipReason.NoIdentifier, issues);

        var hasIdentityTriple = lastNames.Count > 0 && firstNames.Count > 0 && birthDate is not null;
        if (nir is null && email is null && phone is null && !hasIdentityTriple)
        {
            return new NormalizationOutcome(null, SkipReason.NoIdentifyingField, issues);
        }
        var parts = new List<string>(2);
        AddParts(parts, raw.BirthName, lastNames);
        AddParts(parts, raw.UsageName, lastNames);
        var identity = new PatientIdentity(localId, lastNames, firstNames, birthDate, nir, phone, email, parts);
        return new NormalizationOutcome(identity, null, issues);
    }

    private static void AddName(List<string> names, string? raw)
    {
        if (!Present(raw)) return;
        var compact = NameNormalizer.Compact(raw);
        if (compact is not null && !names.Contains(compact)) names.Add(compact);
    }

    /// <summary>The parts of a compound last name, none equal to a whole last name of the patient (MARTIN, born MARTIN, now DUPONT-MARTIN).</summary>
    private static void AddParts(List<string> parts, string? raw, List<string> lastNames)
    {
        if (!Present(raw)) return;
        foreach (var part in NameNormalizer.CompoundParts(raw))
        {
            if (!lastNames.Contains(part) && !parts.Contains(part)) parts.Add(part);
        }
    }

    private static bool Present([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) => !string.IsNullOrWhiteSpace(value);
}
