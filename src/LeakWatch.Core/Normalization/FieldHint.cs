namespace LeakWatch.Core.Normalization;

/// <summary>What a field is said to hold by a header, a JSON key, a segment position; None when unknown.</summary>
public enum FieldHint : byte
{
    None = 0,
    LastName,
    BirthName,
    UsageName,
    FirstName,
    /// <summary>One field holding the full name ("DUPONT Marie", "Marie Dupont", "DUPONT^MARIE").</summary>
    FullName,
    BirthDate,
    Nir,
    Phone,
    Email,
    /// <summary>The source's own identifier of the person (IPP, id).</summary>
    Identifier,
    PostalCode,
    /// <summary>A known field that holds none of the above (city, exam, doctor): may be skipped as a name.</summary>
    Other,
}
