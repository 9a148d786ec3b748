namespace LeakWatch.Core.Documents;

/// <summary>
/// Wraps what one decompression layer or archive entry produces and stops it at the first limit crossed: entry size,
/// total size, compression ratio. A decompressor that throws on hostile bytes stops it too. Either way the reason is
/// recorded once, and every later read throws <see cref="UnpackRefusedException"/>.
/// </summary>
internal sealed class GuardedStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly UnpackSession _session;
    private readonly Func<long> _compressedBytes;
    private readonly CountingStream? _compressed;
    private readonly string? _format;

    /// <param name="format">The container's format ("gzip", "tar"...): a failure once <paramref name="compressed"/> is
    /// exhausted is reported as "truncated <c>format</c>" rather than as corrupt.</param>
    public GuardedStream(Stream inner, UnpackSession session, string name, CountingStream compressed, string? format = null)
    {
        _inner = inner;
        _session = session;
        Name = name;
        _compressed = compressed;
        _format = format;
        var start = compressed.BytesRead;
        _compressedBytes = () => compressed.BytesRead - start;
    }

    /// <summary>
    /// For a part read by random access (a zip entry of an office document, a PDF stream, a mail attachment): its
    /// compressed size is known, and the ratio is measured against it.
    /// </summary>
    public GuardedStream(Stream inner, UnpackSession session, string name, long compressedLength)
    {
        _inner = inner;
        _session = session;
        Name = name;
        _compressedBytes = () => compressedLength;
    }

    public string Name { get; }

    public long Produced { get; private set; }

    /// <summary>Why reading stopped; null while the stream is healthy.</summary>
    public string? StopReason { get; private set; }

    public bool IsAtEnd { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (StopReason is not null) throw new UnpackRefusedException(this, StopReason);
        _session.CancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty) return 0;

        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && UnpackRefusedException.Find(ex) is null)
        {
            throw Stop(_format is not null && _compressed?.ReachedEnd == true
                ? Truncated(_format, ex)
                : $"corrupt or unsupported compressed data ({ex.GetType().Name})");
        }

        if (n == 0)
        {
            IsAtEnd = true;
            return 0;
        }

        Produced += n;
        _session.BytesDecompressed += n;
        var limits = _session.Limits;
        if (Produced > limits.MaxEntryBytes)
            throw Stop($"larger than {limits.MaxEntryBytes} bytes once decompressed");
        if (_session.BytesDecompressed > limits.MaxTotalBytes)
        {
            _session.Exhausted = true;
            throw Stop($"the document expands to more than {limits.MaxTotalBytes} bytes in total");
        }

        if (Produced > limits.RatioGraceBytes)
        {
            var compressed = Math.Max(1, _compressedBytes());
            if (Produced > limits.MaxCompressionRatio * compressed)
                throw Stop($"compression ratio above {limits.MaxCompressionRatio}:1");
        }

        return n;
    }

    /// <summary>The reason given for a container whose input ended before its own end (no content, only the format and counts).</summary>
    public static string Truncated(string format, Exception? ex = null) =>
        $"truncated {format}: the input ends before the end of the {format} data, the rest was not read"
        + (ex is null ? "" : $" ({ex.GetType().Name})");

    /// <summary>Stops the stream with <paramref name="reason"/> (a check made by the layer that owns it); later reads throw.</summary>
    public void Refuse(string reason)
    {
        if (StopReason is null) _ = Stop(reason);
    }

    /// <summary>Reads what the consumer left, through the limits: an unread bomb must not be expanded by a skip.</summary>
    public void DrainToEnd()
    {
        if (IsAtEnd || StopReason is not null) return;
        var scratch = _session.Scratch;
        while (Read(scratch) > 0)
        {
        }
    }

    private UnpackRefusedException Stop(string reason)
    {
        StopReason = reason;
        _session.Skip(Name, reason, partial: Produced > 0);
        return new UnpackRefusedException(this, reason);
    }
}
