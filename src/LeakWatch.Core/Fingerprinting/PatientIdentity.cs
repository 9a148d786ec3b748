namespace LeakWatch.Core.Fingerprinting;

/// <summary>
/// One patient's identifying fields after normalization: the only shape in which patient values reach the
/// fingerprinting code. It lives in memory for the time it takes to hash it and never prints its values.
/// </summary>
/// <param name="LocalId">The lab's identifier (IPP), trimmed.</param>
/// <param name="LastNames">Compact last names (letters only): the birth name first, then usage names; distinct.</param>
/// <param name="FirstNames">Compact first names: the whole list compacted, then each given name; distinct.</param>
/// <param name="BirthDate">yyyyMMdd, or null.</param>
/// <param name="NirBody">The 13-character NIR body (2A/2B kept), or null.</param>
/// <param name="Phone">E.164, or null.</param>
/// <param name="Email">Trimmed lower-case email, or null.</param>
/// <param name="LastNameParts">The parts of compound last names (DUPONT and MARTIN of DUPONT-MARTIN), particles left out,
/// none equal to a whole last name; distinct. A leak may show only one of them.</param>
public sealed record PatientIdentity(
    string LocalId,
    IReadOnlyList<string> LastNames,
    IReadOnlyList<string> FirstNames,
    string? BirthDate,
    string? NirBody,
    string? Phone,
    string? Email,
    IReadOnlyList<string> LastNameParts)
{
    /// <summary>Says which fields are present, never what they hold.</summary>
    public override string ToString() =>
        $"PatientIdentity(lastNames={LastNames.Count}, lastNameParts={LastNameParts.Count}, firstNames={FirstNames.Count}, birthDate={BirthDate is not null}, " +
        $"nir={NirBody is not null}, phone={Phone is not null}, email={Email is not null})";
}
