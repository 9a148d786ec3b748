namespace LeakWatch.Core.Matching;

/// <summary>
/// The rules that fired for a patient: what a match, an incident, an alert and the console report. The values are
/// stable ids, stored in the database as a bit set: never renumber one; a new rule takes the next free bit and its
/// name in <see cref="MatchedRuleNames"/>. The ids were given in the names' alphabetical order, the order in which
/// incidents have always listed them.
/// </summary>
[Flags]
public enum MatchedRules : long // stored as a SQLite integer: Dapper maps it into records as is
{
    None = 0,
    /// <summary>"email": an email alone (low: addresses made of names recur between namesakes).</summary>
    Email = 1 << 0,
    /// <summary>"email+name".</summary>
    EmailName = 1 << 1,
    /// <summary>"identity": last name, first name and birth date.</summary>
    Identity = 1 << 2,
    /// <summary>"identity-part": one part of a compound last name, first name and birth date.</summary>
    IdentityPart = 1 << 3,
    /// <summary>"nir": the NIR alone.</summary>
    Nir = 1 << 4,
    /// <summary>"nir+birthdate".</summary>
    NirBirthDate = 1 << 5,
    /// <summary>"nir+name".</summary>
    NirName = 1 << 6,
    /// <summary>"phone": a phone alone (low: families share one).</summary>
    Phone = 1 << 7,
    /// <summary>"phone+name".</summary>
    PhoneName = 1 << 8,
}

/// <summary>
/// The one conversion between <see cref="MatchedRules"/> and the names people and programs read ("nir+name"): scan
/// JSON, command-line summaries, alerts and the console all show these, in ascending id order.
/// </summary>
public static class MatchedRuleNames
{
    private static readonly (MatchedRules Rule, string Name)[] Table =
    [
        (MatchedRules.Email, "email"),
        (MatchedRules.EmailName, "email+name"),
        (MatchedRules.Identity, "identity"),
        (MatchedRules.IdentityPart, "identity-part"),
        (MatchedRules.Nir, "nir"),
        (MatchedRules.NirBirthDate, "nir+birthdate"),
        (MatchedRules.NirName, "nir+name"),
        (MatchedRules.Phone, "phone"),
        (MatchedRules.PhoneName, "phone+name"),
    ];

    /// <summary>Every rule, in id order.</summary>
    public static IEnumerable<MatchedRules> All => Table.Select(r => r.Rule);

    /// <summary>The names of the rules in the set, in id order; bits that name no rule are left out.</summary>
    public static IReadOnlyList<string> Names(this MatchedRules rules)
    {
        var names = new List<string>(2);
        foreach (var (rule, name) in Table)
        {
            if ((rules & rule) != 0) names.Add(name);
        }
        return names;
    }

    /// <summary>The name of one rule.</summary>
    public static string Name(this MatchedRules rule) =>
        Table.FirstOrDefault(r => r.Rule == rule).Name ?? throw new ArgumentOutOfRangeException(nameof(rule), rule, "Not a single rule.");
}
