namespace LeakWatch.Core.Documents;

/// <summary>
/// Counts the bytes read through it. Seeking passes through, so a seekable input stays seekable (7z needs it); then
/// the count is how far into the stream reading went, so bytes read again after a rewind are not counted twice.
/// </summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    private readonly long _start = inner.CanSeek ? inner.Position : 0;
    private long _sum;
    private long _furthest;

    public long BytesRead => inner.CanSeek ? _furthest : _sum;

    /// <summary>A read came back empty: the input is exhausted, so a decoder that fails now was cut short.</summary>
    public bool ReachedEnd { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (n == 0 && !buffer.IsEmpty) ReachedEnd = true;
        _sum += n;
        if (inner.CanSeek) _furthest = Math.Max(_furthest, inner.Position - _start);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
