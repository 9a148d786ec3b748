using System.Buffers;
using System.Text;

namespace LeakWatch.Core.Documents;

/// <summary>
/// The one way LeakWatch turns bytes into text, for a lab export being enrolled as for a document being scanned, so that
/// both read the same bytes as the same characters: a byte order mark wins, then a declared charset (an HTTP
/// <c>Content-Type</c>, a <c>&lt;meta charset&gt;</c>, <c>--encoding</c>), then UTF-16 without a mark (every other byte
/// NUL), then UTF-8 or Windows-1252 (what French exports from Excel and old lab software are written in), chosen at the
/// first non-ASCII byte by <see cref="ChooseUtf8OrWindows1252"/>. Nothing is read twice: the sniffed head is decoded in
/// place, and the choice looks at most <see cref="DecisionBytes"/> ahead.
/// </summary>
public static class TextDecoding
{
    /// <summary>How much of the head is examined for byte order marks, NUL patterns and binary content.</summary>
    public const int SniffBytes = 64 * 1024;

    /// <summary>How many bytes, from the first non-ASCII one, decide between UTF-8 and Windows-1252.</summary>
    public const int DecisionBytes = 32 * 1024;

    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();

    /// <summary>Opens a decoding reader over <paramref name="stream"/>; check <see cref="DecodedTextReader.IsBinary"/> first.</summary>
    /// <param name="declaredCharset">
    /// The charset the document came with (an HTTP <c>Content-Type</c>, a <c>&lt;meta charset&gt;</c>): it wins over sniffing,
    /// a byte order mark wins over it (as browsers do). Labels this reader has no decoder for are ignored.
    /// </param>
    public static DecodedTextReader Open(Stream stream, bool leaveOpen = false, string? declaredCharset = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new byte[DecodedTextReader.ByteBufferSize];
        var read = stream.ReadAtLeast(bytes.AsSpan(0, SniffBytes), SniffBytes, throwOnEndOfStream: false);
        var head = bytes.AsSpan(0, read);

        var (kind, skip) = DetectByteOrderMark(head);
        var binary = false;
        if (skip == 0)
        {
            if (FromLabel(declaredCharset) is { } declared)
            {
                kind = declared;
                binary = declared is not (TextEncodingKind.Utf16LittleEndian or TextEncodingKind.Utf16BigEndian) && LooksBinary(head);
            }
            else if (LooksLikeUtf16(head, out var bigEndian))
            {
                kind = bigEndian ? TextEncodingKind.Utf16BigEndian : TextEncodingKind.Utf16LittleEndian;
            }
            else
            {
                binary = LooksBinary(head);
                kind = TextEncodingKind.Ascii;
            }
        }

        return new DecodedTextReader(stream, leaveOpen, bytes, skip, read, endOfStream: read < SniffBytes, kind, binary);
    }

    /// <summary>
    /// The encoding a charset label names (WHATWG spelling; ISO-8859-1 and ASCII read as Windows-1252, as browsers do), or
    /// null for a label this reader has no decoder for.
    /// </summary>
    public static TextEncodingKind? FromLabel(string? label) => label?.Trim().Trim('"', '\'').ToLowerInvariant() switch
    {
        "utf-8" or "utf8" or "unicode-1-1-utf-8" => TextEncodingKind.Utf8,
        "utf-16" or "utf-16le" => TextEncodingKind.Utf16LittleEndian,
        "utf-16be" => TextEncodingKind.Utf16BigEndian,
        "windows-1252" or "cp1252" or "x-cp1252" or "iso-8859-1" or "iso8859-1" or "iso_8859-1" or "latin1" or "l1" or "us-ascii" or "ascii" =>
            TextEncodingKind.Windows1252,
        _ => null,
    };

    internal static (TextEncodingKind Kind, int Length) DetectByteOrderMark(ReadOnlySpan<byte> head)
    {
        // UTF-32 LE starts like UTF-16 LE: test the longer mark first.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return (TextEncodingKind.Utf32LittleEndian, 4);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) return (TextEncodingKind.Utf32BigEndian, 4);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (TextEncodingKind.Utf8, 3);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (TextEncodingKind.Utf16LittleEndian, 2);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (TextEncodingKind.Utf16BigEndian, 2);
        return (TextEncodingKind.Ascii, 0);
    }

    /// <summary>Latin text in UTF-16 has a NUL in every other byte; which half tells the byte order.</summary>
    internal static bool LooksLikeUtf16(ReadOnlySpan<byte> head, out bool bigEndian)
    {
        bigEndian = false;
        var sample = head[..(Math.Min(head.Length, 4096) & ~1)];
        var pairs = sample.Length / 2;
        if (pairs < 2) return false;
        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i < sample.Length; i += 2)
        {
            if (sample[i] == 0) evenZeros++;
            if (sample[i + 1] == 0) oddZeros++;
        }

        if (oddZeros * 10 >= pairs * 3 && evenZeros * 50 <= pairs) return true;
        if (evenZeros * 10 >= pairs * 3 && oddZeros * 50 <= pairs)
        {
            bigEndian = true;
            return true;
        }

        return false;
    }

    /// <summary>
    /// A PDF header, NUL bytes (more than a few: some exports pad text with NULs) or many control characters:
    /// not a text document.
    /// </summary>
    internal static bool LooksBinary(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Pdf)) return true;
        if (head.Count((byte)0) * 100 > head.Length) return true;
        var controls = 0;
        foreach (var b in head)
        {
            // Tab, line breaks, form feed, MLLP framing (0x0B, 0x1C) and the DOS end-of-file mark are text.
            if (b < 0x20 && b is not (0x00 or 0x09 or 0x0A or 0x0B or 0x0C or 0x0D or 0x1A or 0x1B or 0x1C)) controls++;
        }

        return controls * 20 > head.Length;
    }

    /// <summary>
    /// UTF-8 or Windows-1252 for text whose first non-ASCII byte starts <paramref name="window"/>: UTF-8 when its
    /// well-formed multi-byte sequences outnumber the byte sequences that are not UTF-8. A UTF-8 export with a few broken
    /// bytes stays UTF-8 (they read as U+FFFD, and enrollment reports their lines); Windows-1252 text, whose accented
    /// letters are lone bytes above 0x7F, almost never forms a well-formed sequence.
    /// </summary>
    /// <param name="isFinalBlock">The window ends the text: a sequence cut by its end is invalid, not pending.</param>
    internal static TextEncodingKind ChooseUtf8OrWindows1252(ReadOnlySpan<byte> window, bool isFinalBlock)
    {
        int wellFormed = 0, invalid = 0;
        while (true)
        {
            var next = window.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (next < 0) break;
            window = window[next..];
            var status = Rune.DecodeFromUtf8(window, out _, out var consumed);
            if (status == OperationStatus.NeedMoreData && !isFinalBlock) break;
            if (status == OperationStatus.Done) wellFormed++;
            else invalid++;
            window = window[Math.Max(consumed, 1)..];
        }

        return wellFormed > invalid ? TextEncodingKind.Utf8 : TextEncodingKind.Windows1252;
    }

    internal static Encoding EncodingFor(TextEncodingKind kind) => kind switch
    {
        TextEncodingKind.Utf16LittleEndian => new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: false),
        TextEncodingKind.Utf16BigEndian => new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: false),
        TextEncodingKind.Utf32LittleEndian => new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: false),
        TextEncodingKind.Utf32BigEndian => new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: false),
        TextEncodingKind.Windows1252 => Windows1252,
        _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false),
    };

    /// <summary>Taken from the provider directly rather than registered globally: Core has no process-wide side effects.</summary>
    internal static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252)
        ?? throw new InvalidOperationException("Code page 1252 is not available.");

    internal static string NameOf(TextEncodingKind kind) => kind switch
    {
        TextEncodingKind.Utf8 => "utf-8",
        TextEncodingKind.Utf16LittleEndian => "utf-16le",
        TextEncodingKind.Utf16BigEndian => "utf-16be",
        TextEncodingKind.Utf32LittleEndian => "utf-32le",
        TextEncodingKind.Utf32BigEndian => "utf-32be",
        TextEncodingKind.Windows1252 => "windows-1252",
        _ => "us-ascii",
    };
}
