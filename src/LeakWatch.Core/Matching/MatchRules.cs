namespace LeakWatch.Core.Matching;

/// <summary>The rules that can fire for a patient in one record.</summary>
[Flags]
internal enum RuleHits : ushort
{
    None = 0,
    Nir = 1,
    NirName = 2,
    NirBirthDate = 4,
    Identity = 8,
    /// <summary>An email alone: low confidence (addresses made of names recur between namesakes).</summary>
    Email = 16,
    /// <summary>A phone alone: low confidence (families share one).</summary>
    Phone = 32,
    PhoneName = 64,
    EmailName = 128,
    /// <summary>Not a rule: the record with the NIR names somebody else, so the NIR alone is only corroboration.</summary>
    NirContradicted = 256,
    /// <summary>Not a rule: the record with the name and birth date carries a NIR that is not this patient's.</summary>
    IdentityContradicted = 512,
    /// <summary>One part of a compound last name + first name + birth date: medium alone, like a whole identity.</summary>
    IdentityPart = 1024,
}

/// <summary>How rule hits become a confidence, the rules reported and the kinds of field matched.</summary>
internal static class MatchRules
{
    private static readonly (RuleHits Hit, MatchedRules Rule, MatchedFields Fields)[] Table =
    [
        (RuleHits.NirName, MatchedRules.NirName, MatchedFields.Nir | MatchedFields.LastName),
        (RuleHits.NirBirthDate, MatchedRules.NirBirthDate, MatchedFields.Nir | MatchedFields.BirthDate),
        (RuleHits.Nir, MatchedRules.Nir, MatchedFields.Nir),
        (RuleHits.Identity, MatchedRules.Identity, MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate),
        (RuleHits.IdentityPart, MatchedRules.IdentityPart, MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate),
        (RuleHits.EmailName, MatchedRules.EmailName, MatchedFields.Email | MatchedFields.LastName),
        (RuleHits.Email, MatchedRules.Email, MatchedFields.Email),
        (RuleHits.PhoneName, MatchedRules.PhoneName, MatchedFields.Phone | MatchedFields.LastName),
        (RuleHits.Phone, MatchedRules.Phone, MatchedFields.Phone),
    ];

    /// <summary>
    /// Null when nothing fired. A NIR corroborated by a name or a birth date is high; so is any two independent kinds
    /// of evidence agreeing (NIR, identity, phone with a name), or one of them with an email. One alone is medium.
    /// An email, even with the name, or a bare phone is low on its own: addresses are made of names, so namesakes
    /// share them, and families share phones.
    /// </summary>
    public static Confidence? Evaluate(RuleHits hits)
    {
        if ((hits & (RuleHits.NirName | RuleHits.NirBirthDate)) != 0) return Confidence.High;
        var evidence = 0;
        var contradicted = (hits & RuleHits.NirContradicted) != 0;
        if ((hits & RuleHits.Nir) != 0 && !contradicted) evidence++;
        var identityContradicted = (hits & RuleHits.IdentityContradicted) != 0;
        // A whole name and a part of it in one record are one piece of evidence, not two.
        var identity = (hits & (RuleHits.Identity | RuleHits.IdentityPart)) != 0;
        if (identity && !identityContradicted) evidence++;
        if ((hits & RuleHits.PhoneName) != 0) evidence++;
        var email = (hits & (RuleHits.Email | RuleHits.EmailName)) != 0;
        var corroboration = email || ((hits & RuleHits.Phone) != 0 && (hits & RuleHits.PhoneName) == 0) || ((hits & RuleHits.Nir) != 0 && contradicted) || (identity && identityContradicted);
        return evidence switch
        {
            0 => corroboration ? Confidence.Low : null,
            1 => corroboration ? Confidence.High : Confidence.Medium,
            _ => Confidence.High,
        };
    }

    /// <summary>The rules to report, the weaker ones left out where a stronger one says the same ("nir" under "nir+name").</summary>
    public static MatchedRules Reported(RuleHits hits)
    {
        if ((hits & (RuleHits.NirName | RuleHits.NirBirthDate)) != 0) hits &= ~RuleHits.Nir;
        if ((hits & RuleHits.PhoneName) != 0) hits &= ~RuleHits.Phone;
        if ((hits & RuleHits.EmailName) != 0) hits &= ~RuleHits.Email;
        if ((hits & RuleHits.Identity) != 0) hits &= ~RuleHits.IdentityPart;
        var rules = MatchedRules.None;
        foreach (var (hit, rule, _) in Table)
        {
            if ((hits & hit) != 0) rules |= rule;
        }
        return rules;
    }

    public static MatchedFields Fields(RuleHits hits)
    {
        var fields = MatchedFields.None;
        foreach (var (hit, _, matched) in Table)
        {
            if ((hits & hit) != 0) fields |= matched;
        }
        return fields;
    }
}
