namespace LeakWatch.Core.Matching;

/// <summary>The rules that can fire for a patient in one record.</summary>
[Flags]
internal enum RuleHits : byte
{
    None = 0,
    Nir = 1,
    NirName = 2,
    NirBirthDate = 4,
    Identity = 8,
    Email = 16,
    /// <summary>Corroboration only: a phone alone is never reported (families share one).</summary>
    Phone = 32,
    PhoneName = 64,
}

/// <summary>How rules become a confidence, a list of rule names and the kinds of field matched.</summary>
internal static class MatchRules
{
    private static readonly (RuleHits Rule, string Name, MatchedFields Fields)[] Table =
    [
        (RuleHits.NirName, "nir+name", MatchedFields.Nir | MatchedFields.LastName),
        (RuleHits.NirBirthDate, "nir+birthdate", MatchedFields.Nir | MatchedFields.BirthDate),
        (RuleHits.Nir, "nir", MatchedFields.Nir),
        (RuleHits.Identity, "identity", MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate),
        (RuleHits.Email, "email", MatchedFields.Email),
        (RuleHits.PhoneName, "phone+name", MatchedFields.Phone | MatchedFields.LastName),
        (RuleHits.Phone, "phone", MatchedFields.Phone),
    ];

    /// <summary>
    /// Null when nothing reportable fired. A NIR corroborated by a name or a birth date is high; so is any two
    /// independent kinds of evidence agreeing (NIR, identity, email, phone with a name). One alone is medium.
    /// </summary>
    public static Confidence? Evaluate(RuleHits hits)
    {
        if ((hits & (RuleHits.NirName | RuleHits.NirBirthDate)) != 0) return Confidence.High;
        var evidence = 0;
        if ((hits & RuleHits.Nir) != 0) evidence++;
        if ((hits & RuleHits.Identity) != 0) evidence++;
        if ((hits & RuleHits.Email) != 0) evidence++;
        if ((hits & RuleHits.PhoneName) != 0) evidence++;
        else if ((hits & RuleHits.Phone) != 0 && evidence > 0) evidence++;
        return evidence switch
        {
            0 => null,
            1 => Confidence.Medium,
            _ => Confidence.High,
        };
    }

    /// <summary>Rule names, the weaker ones left out where a stronger one says the same ("nir" under "nir+name").</summary>
    public static IReadOnlyList<string> Names(RuleHits hits)
    {
        if ((hits & (RuleHits.NirName | RuleHits.NirBirthDate)) != 0) hits &= ~RuleHits.Nir;
        if ((hits & RuleHits.PhoneName) != 0) hits &= ~RuleHits.Phone;
        var names = new List<string>(3);
        foreach (var (rule, name, _) in Table)
        {
            if ((hits & rule) != 0) names.Add(name);
        }
        return names;
    }

    public static MatchedFields Fields(RuleHits hits)
    {
        var fields = MatchedFields.None;
        foreach (var (rule, _, matched) in Table)
        {
            if ((hits & rule) != 0) fields |= matched;
        }
        return fields;
    }
}
