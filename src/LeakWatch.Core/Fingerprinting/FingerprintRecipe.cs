namespace LeakWatch.Core.Fingerprinting;

/// <summary>Receives the fingerprints of one patient.</summary>
public interface IFingerprintSink
{
    /// <summary>A fingerprint that points at this patient.</summary>
    void Linked(FingerprintKind kind, Fingerprint fingerprint);

    /// <summary>A member of an unlinked set (no patient, no count): a cheap filter before combinations are hashed.</summary>
    void SetMember(FingerprintKind kind, Fingerprint fingerprint);
}

/// <summary>
/// What is fingerprinted for a patient, and how each combination is written. Enrollment and detection both
/// go through these methods, so the two sides cannot drift apart.
/// </summary>
public static class FingerprintRecipe
{
    public static Fingerprint PatientRef(Fingerprinter fp, ReadOnlySpan<char> localId) => fp.Compute(FingerprintKind.PatientRef, localId);

    public static Fingerprint Nir(Fingerprinter fp, ReadOnlySpan<char> nirBody) => fp.Compute(FingerprintKind.Nir, nirBody);

    public static Fingerprint NirName(Fingerprinter fp, ReadOnlySpan<char> nirBody, ReadOnlySpan<char> lastName) =>
        fp.Compute(FingerprintKind.NirName, nirBody, lastName);

    public static Fingerprint NirBirthDate(Fingerprinter fp, ReadOnlySpan<char> nirBody, ReadOnlySpan<char> birthDate) =>
        fp.Compute(FingerprintKind.NirBirthDate, nirBody, birthDate);

    public static Fingerprint Email(Fingerprinter fp, ReadOnlySpan<char> email) => fp.Compute(FingerprintKind.Email, email);

    public static Fingerprint EmailName(Fingerprinter fp, ReadOnlySpan<char> email, ReadOnlySpan<char> lastName) =>
        fp.Compute(FingerprintKind.EmailName, email, lastName);

    public static Fingerprint Phone(Fingerprinter fp, ReadOnlySpan<char> e164) => fp.Compute(FingerprintKind.Phone, e164);

    public static Fingerprint PhoneName(Fingerprinter fp, ReadOnlySpan<char> e164, ReadOnlySpan<char> lastName) =>
        fp.Compute(FingerprintKind.PhoneName, e164, lastName);

    public static Fingerprint Identity(Fingerprinter fp, ReadOnlySpan<char> lastName, ReadOnlySpan<char> firstName, ReadOnlySpan<char> birthDate) =>
        fp.Compute(FingerprintKind.Identity, lastName, firstName, birthDate);

    public static Fingerprint IdentityPart(Fingerprinter fp, ReadOnlySpan<char> lastNamePart, ReadOnlySpan<char> firstName, ReadOnlySpan<char> birthDate) =>
        fp.Compute(FingerprintKind.IdentityPart, lastNamePart, firstName, birthDate);

    public static Fingerprint LastNameMember(Fingerprinter fp, ReadOnlySpan<char> lastName) => fp.Compute(FingerprintKind.LastNameSet, lastName);

    public static Fingerprint FirstNameMember(Fingerprinter fp, ReadOnlySpan<char> firstName) => fp.Compute(FingerprintKind.FirstNameSet, firstName);

    public static Fingerprint NamePairMember(Fingerprinter fp, ReadOnlySpan<char> lastName, ReadOnlySpan<char> firstName) =>
        fp.Compute(FingerprintKind.NamePairSet, lastName, firstName);

    // The index keys of the same fingerprints, for scans (Fingerprinter.Key: the low 64 bits, one finalization less).
    // Each mirrors the method above of the same name; a test checks every pair on random values.

    public static ulong NirKey(Fingerprinter fp, ReadOnlySpan<char> nirBody) => fp.Key(FingerprintKind.Nir, nirBody);

    public static ulong NirNameKey(Fingerprinter fp, ReadOnlySpan<char> nirBody, ReadOnlySpan<char> lastName) =>
        fp.Key(FingerprintKind.NirName, nirBody, lastName);

    public static ulong NirBirthDateKey(Fingerprinter fp, ReadOnlySpan<char> nirBody, ReadOnlySpan<char> birthDate) =>
        fp.Key(FingerprintKind.NirBirthDate, nirBody, birthDate);

    public static ulong EmailKey(Fingerprinter fp, ReadOnlySpan<char> email) => fp.Key(FingerprintKind.Email, email);

    public static ulong EmailNameKey(Fingerprinter fp, ReadOnlySpan<char> email, ReadOnlySpan<char> lastName) =>
        fp.Key(FingerprintKind.EmailName, email, lastName);

    public static ulong PhoneKey(Fingerprinter fp, ReadOnlySpan<char> e164) => fp.Key(FingerprintKind.Phone, e164);

    public static ulong PhoneNameKey(Fingerprinter fp, ReadOnlySpan<char> e164, ReadOnlySpan<char> lastName) =>
        fp.Key(FingerprintKind.PhoneName, e164, lastName);

    public static ulong IdentityKey(Fingerprinter fp, ReadOnlySpan<char> lastName, ReadOnlySpan<char> firstName, ReadOnlySpan<char> birthDate) =>
        fp.Key(FingerprintKind.Identity, lastName, firstName, birthDate);

    public static ulong IdentityPartKey(Fingerprinter fp, ReadOnlySpan<char> lastNamePart, ReadOnlySpan<char> firstName, ReadOnlySpan<char> birthDate) =>
        fp.Key(FingerprintKind.IdentityPart, lastNamePart, firstName, birthDate);

    /// <summary>A word's keys as a last-name member and as a first-name member, the word encoded once.</summary>
    public static (ulong Last, ulong First) NameMemberKeys(Fingerprinter fp, ReadOnlySpan<char> name) =>
        fp.Keys(FingerprintKind.LastNameSet, FingerprintKind.FirstNameSet, name);

    public static ulong NamePairMemberKey(Fingerprinter fp, ReadOnlySpan<char> lastName, ReadOnlySpan<char> firstName) =>
        fp.Key(FingerprintKind.NamePairSet, lastName, firstName);

    /// <summary>Emits every fingerprint of one patient.</summary>
    public static void Fingerprint(Fingerprinter fp, PatientIdentity patient, IFingerprintSink sink)
    {
        if (patient.NirBody is { } nir)
        {
            sink.Linked(FingerprintKind.Nir, Nir(fp, nir));
            foreach (var last in patient.LastNames) sink.Linked(FingerprintKind.NirName, NirName(fp, nir, last));
            // A NIR beside one part of the patient's compound name is corroborated, not contradicted.
            foreach (var part in patient.LastNameParts) sink.Linked(FingerprintKind.NirName, NirName(fp, nir, part));
            if (patient.BirthDate is { } dob) sink.Linked(FingerprintKind.NirBirthDate, NirBirthDate(fp, nir, dob));
        }
        if (patient.Email is { } email)
        {
            sink.Linked(FingerprintKind.Email, Email(fp, email));
            foreach (var last in patient.LastNames) sink.Linked(FingerprintKind.EmailName, EmailName(fp, email, last));
        }
        if (patient.Phone is { } phone)
        {
            sink.Linked(FingerprintKind.Phone, Phone(fp, phone));
            foreach (var last in patient.LastNames) sink.Linked(FingerprintKind.PhoneName, PhoneName(fp, phone, last));
        }
        foreach (var last in patient.LastNames)
        {
            sink.SetMember(FingerprintKind.LastNameSet, LastNameMember(fp, last));
            foreach (var first in patient.FirstNames)
            {
                sink.SetMember(FingerprintKind.NamePairSet, NamePairMember(fp, last, first));
                if (patient.BirthDate is { } dob) sink.Linked(FingerprintKind.Identity, Identity(fp, last, first, dob));
            }
        }
        foreach (var part in patient.LastNameParts)
        {
            sink.SetMember(FingerprintKind.LastNameSet, LastNameMember(fp, part));
            foreach (var first in patient.FirstNames)
            {
                sink.SetMember(FingerprintKind.NamePairSet, NamePairMember(fp, part, first));
                if (patient.BirthDate is { } dob) sink.Linked(FingerprintKind.IdentityPart, IdentityPart(fp, part, first, dob));
            }
        }
        foreach (var first in patient.FirstNames) sink.SetMember(FingerprintKind.FirstNameSet, FirstNameMember(fp, first));
    }
}
