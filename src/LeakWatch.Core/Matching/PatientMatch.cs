using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>One patient of the base found in one document.</summary>
/// <param name="Patient">The opaque reference (keyed hash of the lab's identifier).</param>
/// <param name="Rules">The rules that fired (named "nir+name", "identity", "email"... at the edges).</param>
/// <param name="Locations">The first few records where the patient was found.</param>
public sealed record PatientMatch(
    Fingerprint Patient,
    Confidence Confidence,
    MatchedRules Rules,
    MatchedFields Fields,
    IReadOnlyList<MatchLocation> Locations);
