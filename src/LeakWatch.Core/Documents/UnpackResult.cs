namespace LeakWatch.Core.Documents;

/// <summary>A document that was not handed over whole, and why (limits, encryption, corruption). The reason holds no content.</summary>
/// <param name="Name">Leaf or archive name, <c>archive!entry</c> inside archives.</param>
/// <param name="Partial">True when part of the document had already been handed to the callback before it was stopped.</param>
public sealed record SkippedDocument(string Name, string Reason, bool Partial = false);

/// <summary>What one call to <see cref="DocumentUnpacker.Unpack"/> did.</summary>
/// <param name="Leaves">Documents handed to the callback.</param>
/// <param name="BytesRead">Bytes read from the top-level stream.</param>
/// <param name="BytesDecompressed">Bytes produced by all decompression layers together.</param>
public sealed record UnpackResult(int Leaves, int Entries, long BytesRead, long BytesDecompressed, IReadOnlyList<SkippedDocument> Skipped);
