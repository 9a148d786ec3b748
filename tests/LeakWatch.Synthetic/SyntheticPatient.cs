namespace LeakWatch.Synthetic;

/// <summary>A made-up person. Every value is generated from a seed; none belongs to anybody.</summary>
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
    string City);
