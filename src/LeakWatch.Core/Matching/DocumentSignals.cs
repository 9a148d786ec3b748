namespace LeakWatch.Core.Matching;

/// <summary>A canary identity found in a document: the system it was made for, and how it matched (no value).</summary>
public sealed record CanaryMatch(string System, PatientMatch Match);

/// <summary>
/// What a document says beyond our patients: canaries found, and its shape (records holding a NIR with a valid key,
/// records shaped like identities: a last and first name and a birth date under headers that say so). Counts only.
/// </summary>
public sealed record DocumentSignals(IReadOnlyList<CanaryMatch> Canaries, long ValidNirRecords, long IdentityRecords);
