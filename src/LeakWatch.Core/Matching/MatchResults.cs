using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

internal enum Confidence : byte
{
    Low = 1,
    Medium = 2,
    High = 3,
}

/// <summary>Which kinds of patient field were matched: what an alert may say, never the values.</summary>
[Flags]
internal enum MatchedFields
{
    None = 0,
    Nir = 1,
    LastName = 2,
    FirstName = 4,
    BirthDate = 8,
    Phone = 16,
    Email = 32,
}

/// <summary>Where in the decoded document a matching record starts.</summary>
internal readonly record struct MatchLocation(long Offset, long Line);

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

/// <summary>The outcome of scanning one leaf document (a file, or an entry of an archive).</summary>
/// <param name="Document">Path or URL; <c>archive!entry</c> inside archives.</param>
/// <param name="ContentSha256">Hex SHA-256 of the leaf's bytes as read (after decompression).</param>
/// <param name="Skipped">Null when scanned whole; otherwise why the leaf was not, or only in part (bomb, too large, binary...).</param>
/// <param name="Signals">Canaries found and the dump's shape (early warning); null when nothing was counted.</param>
internal sealed record DocumentScanResult(
    string Document,
    string ContentSha256,
    long Bytes,
    long Records,
    IReadOnlyList<PatientMatch> Matches,
    string? Skipped = null,
    DocumentSignals? Signals = null)
{
    public IReadOnlyList<CanaryMatch> Canaries => Signals?.Canaries ?? [];
}

/// <summary>A canary identity found in a document: the system it was made for, and how it matched (no value).</summary>
internal sealed record CanaryMatch(string System, PatientMatch Match);

/// <summary>
/// What a document says beyond our patients: canaries found, and its shape (records holding a NIR with a valid key,
/// records shaped like identities: a last and first name and a birth date under headers that say so). Counts only.
/// </summary>
internal sealed record DocumentSignals(IReadOnlyList<CanaryMatch> Canaries, long ValidNirRecords, long IdentityRecords);
