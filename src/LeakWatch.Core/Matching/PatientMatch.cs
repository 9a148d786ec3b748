using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>One patient of the base found in one document.</summary>
/// <param name="Patient">The opaque reference (keyed hash of the lab's identifier).</param>
/// <param name="Rules">Rule names that fired, e.g. "nir+name", "identity", "email", "phone+name".</param>
/// <param name="Locations">The first few records where the patient was found.</param>
internal sealed record PatientMatch(
    Fingerprint Patient,
    Confidence Confidence,
    IReadOnlyList<string> Rules,
    MatchedFields Fields,
    IReadOnlyList<MatchLocation> Locations);
