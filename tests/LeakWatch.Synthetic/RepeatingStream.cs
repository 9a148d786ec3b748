namespace LeakWatch.Synthetic;

/// <summary>A head, then one block repeated up to a total size: gigabytes of text at the speed of a memory copy.</summary>
public sealed class RepeatingStream(byte[] head, byte[] block, long totalBytes) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => totalBytes;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < totalBytes)
        {
            ReadOnlySpan<byte> source;
            if (_position < head.Length)
            {
                source = head.AsSpan((int)_position);
            }
            else
            {
                var inBlock = (int)((_position - head.Length) % block.Length);
                source = block.AsSpan(inBlock);
            }

            var n = (int)Math.Min(Math.Min(buffer.Length - written, source.Length), totalBytes - _position);
            source[..n].CopyTo(buffer[written..]);
            written += n;
            _position += n;
        }

        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
