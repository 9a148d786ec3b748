namespace LeakWatch.Core.Matching;

/// <summary>The outcome of scanning one leaf document (a file, or an entry of an archive).</summary>
/// <param name="Document">Path or URL; <c>archive!entry</c> inside archives.</param>
/// <param name="ContentHash">The leaf's keyed content hash (hex HMAC-SHA256, see the service's ContentHashes), of its bytes as read (after decompression).</param>
/// <param name="Skipped">Null when scanned whole; otherwise why the leaf was not, or only in part (bomb, too large, binary...).</param>
/// <param name="Signals">Canaries found and the dump's shape (early warning); null when nothing was counted.</param>
public sealed record DocumentScanResult(
    string Document,
    string ContentHash,
    long Bytes,
    long Records,
    IReadOnlyList<PatientMatch> Matches,
    string? Skipped = null,
    DocumentSignals? Signals = null)
{
    public IReadOnlyList<CanaryMatch> Canaries => Signals?.Canaries ?? [];
}
