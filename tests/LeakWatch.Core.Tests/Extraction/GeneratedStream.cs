namespace LeakWatch.Core.Tests.Extraction;

/// <summary>A read-only stream made row by row as it is read: large documents without holding them anywhere.</summary>
internal sealed class GeneratedStream(long rows, Func<long, byte[]> row) : Stream
{
    private long _next;
    private byte[] _current = [];
    private int _pos;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_pos == _current.Length)
            {
                if (_next == rows) break;
                _current = row(_next++);
                _pos = 0;
            }

            var n = Math.Min(buffer.Length - written, _current.Length - _pos);
            _current.AsSpan(_pos, n).CopyTo(buffer[written..]);
            _pos += n;
            written += n;
        }

        _position += written;
        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
