using System.Text;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// Decoded text encoded back to UTF-8 for <see cref="System.Text.Json.Utf8JsonReader"/>, a window at a time, keeping
/// the bytes the reader has not consumed. It also maps byte positions to character offsets and lines, counted
/// incrementally, so records point into the decoded text like every other format.
/// </summary>
internal sealed class Utf8Window(TextReader text, int maxBytes)
{
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetEncoder();
    private readonly char[] _chars = new char[16 * 1024];
    private byte[] _bytes = new byte[64 * 1024];
    private int _start;
    private int _length;
    private long _bufferStart;
    private bool _textEnded;
    private long _trackedByte;
    private long _trackedChar;
    private long _trackedLine = 1;

    /// <summary>No more bytes will come: what is unconsumed is all there is.</summary>
    public bool IsFinal { get; private set; }

    public ReadOnlySpan<byte> Unconsumed => _bytes.AsSpan(_start, _length - _start);

    /// <summary>Absolute byte offset of <see cref="Unconsumed"/>[0].</summary>
    public long UnconsumedStart => _bufferStart + _start;

    public void Consume(int bytes)
    {
        TrackTo(UnconsumedStart + bytes);
        _start += bytes;
    }

    /// <summary>Moves unconsumed bytes to the front and encodes more text behind them. False when nothing was added.</summary>
    public bool Fill()
    {
        if (IsFinal) return false;
        if (_start > 0)
        {
            _bytes.AsSpan(_start, _length - _start).CopyTo(_bytes);
            _bufferStart += _start;
            _length -= _start;
            _start = 0;
        }

        if (_bytes.Length - _length < 4 * 1024)
        {
            if (_bytes.Length >= maxBytes) return false;
            Array.Resize(ref _bytes, Math.Min(maxBytes, _bytes.Length * 2));
        }

        var before = _length;
        while (!IsFinal)
        {
            // A char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars).
            var room = (_bytes.Length - _length) / 3;
            if (room < 16) break;
            var read = _textEnded ? 0 : text.Read(_chars.AsSpan(0, Math.Min(room, _chars.Length)));
            if (read == 0) _textEnded = true;
            _encoder.Convert(_chars.AsSpan(0, read), _bytes.AsSpan(_length), flush: _textEnded, out _, out var written, out _);
            _length += written;
            if (_textEnded) IsFinal = true;
            if (read > 0 && _length - before >= 32 * 1024) break;
        }

        return _length > before || IsFinal;
    }

    /// <summary>The character offset and line of an absolute byte position not yet discarded (at a token start).</summary>
    public (long Offset, long Line) PositionOf(long absoluteByte)
    {
        TrackTo(absoluteByte);
        return (_trackedChar, _trackedLine);
    }

    private void TrackTo(long absoluteByte)
    {
        if (absoluteByte <= _trackedByte) return;
        var span = _bytes.AsSpan((int)(_trackedByte - _bufferStart), (int)(absoluteByte - _trackedByte));
        _trackedChar += Encoding.UTF8.GetCharCount(span);
        _trackedLine += span.Count((byte)'\n');
        _trackedByte = absoluteByte;
    }
}
