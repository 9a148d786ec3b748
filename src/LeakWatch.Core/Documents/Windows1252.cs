using System.Text;

namespace LeakWatch.Core.Documents;

/// <summary>
/// Fast Windows-1252 decoding: it is Latin-1 except for 32 bytes (0x80-0x9F: €, Œ, curly quotes...), so a vectorized
/// Latin-1 widening plus a fix-up of those rare chars runs several times faster than the code page decoder.
/// </summary>
internal static class Windows1252
{
    /// <summary>The chars of bytes 0x80-0x9F, taken from the code page itself so both decoders agree.</summary>
    private static readonly char[] High = TextDecoding.Windows1252.GetChars([.. Enumerable.Range(0x80, 32).Select(b => (byte)b)]);

    /// <summary>Decodes <paramref name="bytes"/> into <paramref name="chars"/> (as long): one char per byte.</summary>
    public static void Decode(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var written = Encoding.Latin1.GetChars(bytes, chars);
        var rest = chars[..written];
        while (true)
        {
            var i = rest.IndexOfAnyInRange('\u0080', '\u009F');
            if (i < 0) return;
            rest[i] = High[rest[i] - 0x80];
            rest = rest[(i + 1)..];
        }
    }
}
