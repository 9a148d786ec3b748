namespace LeakWatch.Synthetic;

/// <summary>A made-up person. Every value is generated from a seed; none belongs to anybody.</summary>
/// <param name="UsageName">The married name some women use, or null.</param>
/// <param name="FirstNames">The list of first names as an export writes it ("Marie-Claire Anne").</param>
/// <param name="Sex">'F' or 'M'.</param>
/// <param name="Nir">15 characters: 13-character body (2A/2B for Corsica) and a valid key, consistent with sex, birth year, month and place.</param>
/// <param name="Phone">As the export writes it ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78"...), or empty.</param>
/// <param name="Email">Lower-case, or empty.</param>
public sealed record SyntheticPatient(
    string Ipp,
    string BirthName,
    string? UsageName,
    string FirstNames,
    char Sex,
    DateOnly BirthDate,
    string Nir,
    string Phone,
    string Email,
    string Address,
    string PostalCode,
    string City)
{
    /// <summary>Town (or country, for people born abroad) of birth, as the export's LIEU_NAISSANCE.</summary>
    public string BirthPlace { get; init; } = "";
}
