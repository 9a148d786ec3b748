namespace LeakWatch.Core.Documents;

/// <summary>The counters and the skip list of one <see cref="DocumentUnpacker.Unpack"/> call, shared by all its layers.</summary>
internal sealed class UnpackSession(UnpackLimits limits, CancellationToken cancellationToken)
{
    private readonly List<SkippedDocument> _skipped = [];
    private byte[]? _scratch;

    public UnpackLimits Limits { get; } = limits;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public long BytesDecompressed { get; set; }

    public int Entries { get; set; }

    public int Leaves { get; set; }

    /// <summary>Bytes of 7z archives currently copied into memory.</summary>
    public long BufferedBytes { get; set; }

    /// <summary>A total limit was reached: every layer stops.</summary>
    public bool Exhausted { get; set; }

    public IReadOnlyList<SkippedDocument> Skipped => _skipped;

    public byte[] Scratch => _scratch ??= new byte[64 * 1024];

    public void Skip(string name, string reason, bool partial = false) => _skipped.Add(new SkippedDocument(name, reason, partial));
}
