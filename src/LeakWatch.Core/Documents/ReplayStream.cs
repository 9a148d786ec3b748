namespace LeakWatch.Core.Documents;

/// <summary>Serves bytes already read from a forward-only stream (to sniff its magic) before the rest of it.</summary>
internal sealed class ReplayStream : ReadOnlyForwardStream
{
    private readonly byte[] _head;
    private readonly int _headLength;
    private readonly Stream _rest;
    private int _headPos;

    private ReplayStream(byte[] head, int headLength, Stream rest)
    {
        _head = head;
        _headLength = headLength;
        _rest = rest;
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of <paramref name="stream"/> into <paramref name="head"/> and returns a
    /// stream that yields the whole content again. A seekable stream is rewound instead of wrapped.
    /// </summary>
    public static Stream Peek(Stream stream, int count, out ReadOnlyMemory<byte> head)
    {
        var buffer = new byte[count];
        if (stream.CanSeek)
        {
            var start = stream.Position;
            var n = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
            stream.Position = start;
            head = buffer.AsMemory(0, n);
            return stream;
        }

        var read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        head = buffer.AsMemory(0, read);
        return new ReplayStream(buffer, read, stream);
    }

    public override int Read(Span<byte> buffer)
    {
        if (_headPos < _headLength)
        {
            var n = Math.Min(buffer.Length, _headLength - _headPos);
            _head.AsSpan(_headPos, n).CopyTo(buffer);
            _headPos += n;
            return n;
        }

        return _rest.Read(buffer);
    }
}
