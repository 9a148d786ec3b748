namespace LeakWatch.Core.Normalization;

/// <summary>One row of the lab's export as read, before normalization. Lives in memory only.</summary>
/// <param name="LocalId">The lab's own identifier (IPP).</param>
/// <param name="FirstNames">The first-name list as written ("Marie Claire", "Jean-Pierre").</param>
public sealed record RawPatient(
    string LocalId,
    string? BirthName,
    string? UsageName,
    string? FirstNames,
    string? BirthDate,
    string? Nir,
    string? Phone,
    string? Email)
{
    /// <summary>Says which fields are filled, never what they hold.</summary>
    public override string ToString() =>
        $"RawPatient(birthName={Filled(BirthName)}, usageName={Filled(UsageName)}, firstNames={Filled(FirstNames)}, " +
        $"birthDate={Filled(BirthDate)}, nir={Filled(Nir)}, phone={Filled(Phone)}, email={Filled(Email)})";

    private static bool Filled(string? value) => !string.IsNullOrWhiteSpace(value);
}
