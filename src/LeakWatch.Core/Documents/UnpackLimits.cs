namespace LeakWatch.Core.Documents;

/// <summary>
/// What an archive may cost before it is refused. Every limit is enforced while the bytes stream, so a bomb is stopped
/// after reading a few megabytes, not after filling memory. Defaults fit a 2 GB dump packed in a zip.
/// </summary>
public sealed record UnpackLimits
{
    public static UnpackLimits Default { get; } = new();

    /// <summary>Decompressed size of one entry (or of one gzip/bzip2/xz layer).</summary>
    public long MaxEntryBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Decompressed bytes over all layers and entries of one top-level document.</summary>
    public long MaxTotalBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Decompressed bytes per compressed byte, once past <see cref="RatioGraceBytes"/>. Text zips to 5-20:1.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Output below this size is never refused for its ratio: a small file of repeated lines is no bomb.</summary>
    public long RatioGraceBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Archive and compression layers opened one inside the other (a .tar.gz is two).</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Entries over all archives of one top-level document, directories included.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>A 7z archive needs random access: a non-seekable one is copied into memory up to this size, else skipped.</summary>
    public long MaxBufferedArchiveBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Throws when a limit makes no sense: a misconfiguration is a bug, not bad input.</summary>
    public void Validate()
    {
        if (MaxEntryBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxEntryBytes), MaxEntryBytes, "Must be positive.");
        if (MaxTotalBytes < MaxEntryBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxTotalBytes), MaxTotalBytes, "Must be at least MaxEntryBytes.");
        if (double.IsNaN(MaxCompressionRatio) || MaxCompressionRatio < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxCompressionRatio), MaxCompressionRatio, "Must be at least 1.");
        if (RatioGraceBytes < 0) throw new ArgumentOutOfRangeException(nameof(RatioGraceBytes), RatioGraceBytes, "Must not be negative.");
        if (MaxDepth is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "Must be between 1 and 32.");
        if (MaxEntries < 1) throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, "Must be positive.");
        if (MaxBufferedArchiveBytes is < 0 or > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(MaxBufferedArchiveBytes), MaxBufferedArchiveBytes, "Must be between 0 and 2 GiB.");
    }
}
