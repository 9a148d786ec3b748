namespace LeakWatch.Core.Extraction;

/// <summary>Serves the chars already read to detect the format, then the rest of the text.</summary>
internal sealed class HeadReplayReader(char[] head, int headLength, TextReader rest) : TextReader
{
    private int _pos;

    public override int Peek() => _pos < headLength ? head[_pos] : rest.Peek();

    public override int Read() => _pos < headLength ? head[_pos++] : rest.Read();

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (_pos >= headLength) return rest.Read(buffer);
        var n = Math.Min(buffer.Length, headLength - _pos);
        head.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }
}
