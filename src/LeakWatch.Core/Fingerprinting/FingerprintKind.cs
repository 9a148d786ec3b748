namespace LeakWatch.Core.Fingerprinting;

/// <summary>
/// Each kind has its own HKDF sub-key, so a fingerprint of one kind can never be compared with another kind.
/// The numeric values are stored in the database: never renumber.
/// </summary>
public enum FingerprintKind : byte
{
    /// <summary>Opaque patient reference: keyed hash of the lab's own identifier (IPP).</summary>
    PatientRef = 1,

    // Linked to a patient: values that identify on their own or in combination.
    /// <summary>NIR body (13 characters, key checked but not hashed).</summary>
    Nir = 10,
    /// <summary>NIR body + compact last name (birth or usage): a NIR corroborated by a name.</summary>
    NirName = 11,
    /// <summary>NIR body + date of birth yyyyMMdd: a NIR corroborated by a date.</summary>
    NirBirthDate = 12,
    /// <summary>Lower-case trimmed email alone. Weak on its own: addresses made of a name recur between namesakes.</summary>
    Email = 13,
    /// <summary>Phone number in E.164 + compact last name: a phone corroborated by a name.</summary>
    PhoneName = 14,
    /// <summary>Compact last name (birth or usage) + compact first name + yyyyMMdd.</summary>
    Identity = 15,
    /// <summary>Phone in E.164 alone. Corroboration only: families share phones.</summary>
    Phone = 16,
    /// <summary>Email + compact last name: an email corroborated by a name.</summary>
    EmailName = 17,
    /// <summary>
    /// One part of a compound last name (DUPONT of DUPONT-MARTIN) + compact first name + yyyyMMdd: an identity shown
    /// in part, weaker than <see cref="Identity"/> because a part is a commoner name than the whole.
    /// </summary>
    IdentityPart = 18,

    // Unlinked sets: no patient, no count. Cheap first filters before combinations are hashed.
    /// <summary>Compact last name (birth or usage) or a part of a compound one, as a member of a set.</summary>
    LastNameSet = 30,
    /// <summary>Compact first name, as a member of a set.</summary>
    FirstNameSet = 31,
    /// <summary>Compact last name (or a part of a compound one) + compact first name, as a member of a set.</summary>
    NamePairSet = 32,

    /// <summary>Derives the identifier of the key recorded in the database.</summary>
    KeyId = 100,
}
