using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// One enrollment in memory, as the store loads it whole (tests, small bases): <see cref="FingerprintIndex"/> builds an
/// index of it in memory. Linked keys and set members are the low 64 bits of their fingerprints (<see cref="Key"/>): with ten million of them, a chance collision is about one in a million
/// scans, and half the bytes keep a million patients under 200 bytes each on disk.
/// </summary>
public sealed class FingerprintSnapshot : IFingerprintSource
{
    /// <summary>Opaque patient references (full 128 bits); a patient's ordinal is its index here.</summary>
    public required Fingerprint[] Patients { get; init; }

    /// <summary>Keys of the linked fingerprints; <see cref="LinkedPatients"/> holds the ordinal of each one's patient.</summary>
    public required ulong[] LinkedKeys { get; init; }

    public required int[] LinkedPatients { get; init; }

    /// <summary>Keys of the members of the unlinked sets (last names, first names, name pairs), distinct.</summary>
    public required ulong[] SetMembers { get; init; }

    public static ulong Key(Fingerprint fingerprint) => (ulong)fingerprint.Value;

    int IFingerprintSource.Patients => Patients.Length;

    long IFingerprintSource.Linked => LinkedKeys.Length;

    long IFingerprintSource.Members => SetMembers.Length;

    void IFingerprintSource.ReadPatients(PatientChunk onChunk) => onChunk(Patients);

    void IFingerprintSource.ReadLinked(LinkedChunk onChunk) => onChunk(LinkedKeys, LinkedPatients);

    void IFingerprintSource.ReadMembers(KeyChunk onChunk) => onChunk(SetMembers);
}
