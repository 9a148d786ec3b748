using System.Text;

namespace LeakWatch.Core.Documents;

/// <summary>
/// A text reader over a byte stream whose encoding was sniffed by <see cref="TextDecoding"/>. While only ASCII has been
/// seen the choice between UTF-8 and Windows-1252 is left open, and it is made at the first other byte by looking at the
/// bytes ahead: a dump whose first accented name is on row 5,000 is still read right. Invalid bytes decode to U+FFFD.
/// </summary>
public sealed class DecodedTextReader : TextReader
{
    internal const int ByteBufferSize = 128 * 1024;
    private const int CharBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _bytes;
    private readonly char[] _chars = new char[CharBufferSize];
    private int _bytePos;
    private int _byteLen;
    private bool _endOfStream;
    private bool _flushed;
    private int _charPos;
    private int _charLen;
    private Decoder? _decoder;

    internal DecodedTextReader(
        Stream stream, bool leaveOpen, byte[] bytes, int start, int length, bool endOfStream, TextEncodingKind kind, bool binary)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _bytes = bytes;
        _bytePos = start;
        _byteLen = length;
        _endOfStream = endOfStream;
        Encoding = kind;
        IsBinary = binary;
        BytesRead = length;
        if (kind != TextEncodingKind.Ascii) _decoder = TextDecoding.EncodingFor(kind).GetDecoder();
    }

    /// <summary>The encoding in use; <see cref="TextEncodingKind.Ascii"/> until a non-ASCII byte has been read.</summary>
    public TextEncodingKind Encoding { get; private set; }

    public string EncodingName => TextDecoding.NameOf(Encoding);

    /// <summary>The head holds NUL bytes or control characters: not worth decoding.</summary>
    public bool IsBinary { get; }

    public long CharsRead { get; private set; }

    public long BytesRead { get; private set; }

    public override int Peek() => _charPos < _charLen || FillChars() ? _chars[_charPos] : -1;

    public override int Read() => _charPos < _charLen || FillChars() ? _chars[_charPos++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (_charPos == _charLen)
        {
            // Large reads decode straight into the caller's buffer; a surrogate pair needs room for two chars.
            if (buffer.Length >= 2)
            {
                var direct = Decode(buffer);
                CharsRead += direct;
                return direct;
            }

            if (!FillChars()) return 0;
        }

        var n = Math.Min(buffer.Length, _charLen - _charPos);
        _chars.AsSpan(_charPos, n).CopyTo(buffer);
        _charPos += n;
        return n;
    }

    public override int ReadBlock(Span<char> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }

        return total;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) _stream.Dispose();
        base.Dispose(disposing);
    }

    private bool FillChars()
    {
        _charPos = 0;
        _charLen = Decode(_chars);
        CharsRead += _charLen;
        return _charLen > 0;
    }

    /// <summary>Decodes at least one char into <paramref name="output"/> unless the stream is exhausted.</summary>
    private int Decode(Span<char> output)
    {
        while (true)
        {
            if (_bytePos == _byteLen)
            {
                if (_endOfStream) return FlushDecoder(output);
                Refill();
                continue;
            }

            if (_decoder is null)
            {
                var pending = _bytes.AsSpan(_bytePos, _byteLen - _bytePos);
                var nonAscii = pending.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                var run = Math.Min(nonAscii < 0 ? pending.Length : nonAscii, output.Length);
                if (run > 0)
                {
                    System.Text.Ascii.ToUtf16(pending[..run], output, out var written);
                    _bytePos += run;
                    return written;
                }

                TryChooseEncoding(_bytePos);
                continue;
            }

            if (Encoding == TextEncodingKind.Windows1252)
            {
                var n = Math.Min(_byteLen - _bytePos, output.Length);
                Windows1252.Decode(_bytes.AsSpan(_bytePos, n), output);
                _bytePos += n;
                return n;
            }

            _decoder.Convert(
                _bytes.AsSpan(_bytePos, _byteLen - _bytePos), output, flush: _endOfStream, out var used, out var chars, out _);
            _bytePos += used;
            if (chars > 0) return chars;
        }
    }

    private int FlushDecoder(Span<char> output)
    {
        if (_flushed || _decoder is null) return 0;
        _flushed = true;
        _decoder.Convert(ReadOnlySpan<byte>.Empty, output, flush: true, out _, out var chars, out _);
        return chars;
    }

    /// <summary>
    /// Makes the UTF-8/Windows-1252 choice now when a non-ASCII byte is among the bytes already read and enough bytes
    /// follow it: the choice reading on would make, since it depends only on the bytes from that one on. Otherwise
    /// <see cref="Encoding"/> stays <see cref="TextEncodingKind.Ascii"/> until reading reaches such a byte.
    /// </summary>
    public TextEncodingKind Settle()
    {
        if (_decoder is not null) return Encoding;
        var nonAscii = _bytes.AsSpan(_bytePos, _byteLen - _bytePos).IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
        if (nonAscii >= 0) TryChooseEncoding(_bytePos + nonAscii);
        return Encoding;
    }

    /// <summary>
    /// Chooses from the <see cref="TextDecoding.DecisionBytes"/> bytes that start at <paramref name="at"/>, the first
    /// non-ASCII one; false, choosing nothing, when the buffer cannot hold them yet. From the read position it always
    /// chooses: the refill moves that byte to the front of the buffer.
    /// </summary>
    private bool TryChooseEncoding(int at)
    {
        if (_byteLen - at < TextDecoding.DecisionBytes && !_endOfStream)
        {
            at -= _bytePos;
            Refill();
            if (_byteLen - at < TextDecoding.DecisionBytes && !_endOfStream) return false;
        }

        var window = _bytes.AsSpan(at, Math.Min(_byteLen - at, TextDecoding.DecisionBytes));
        Encoding = TextDecoding.ChooseUtf8OrWindows1252(window, isFinalBlock: _endOfStream && at + window.Length == _byteLen);
        _decoder = TextDecoding.EncodingFor(Encoding).GetDecoder();
        return true;
    }

    /// <summary>Keeps the unread bytes, moves them to the front and fills the rest of the buffer.</summary>
    private void Refill()
    {
        var remaining = _byteLen - _bytePos;
        if (remaining > 0 && _bytePos > 0) _bytes.AsSpan(_bytePos, remaining).CopyTo(_bytes);
        _bytePos = 0;
        _byteLen = remaining;
        var free = _bytes.Length - _byteLen;
        var read = _stream.ReadAtLeast(_bytes.AsSpan(_byteLen, free), free, throwOnEndOfStream: false);
        _byteLen += read;
        BytesRead += read;
        if (read < free) _endOfStream = true;
    }
}
