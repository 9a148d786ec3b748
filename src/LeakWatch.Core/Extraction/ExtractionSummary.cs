namespace LeakWatch.Core.Extraction;

/// <summary>What <see cref="RecordExtraction.Extract"/> did with one leaf document.</summary>
/// <param name="Encoding">The encoding the bytes were decoded with ("utf-8", "windows-1252", "us-ascii"...).</param>
/// <param name="Records">Candidate records written.</param>
/// <param name="Chars">Characters decoded.</param>
/// <param name="Problem">Why the document was skipped or read only in part; null when it was read whole. Holds no content.</param>
public sealed record ExtractionSummary(DocumentFormat Format, string Encoding, long Records, long Chars, string? Problem = null);
