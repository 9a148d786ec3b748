using System.Text;
using System.Text.RegularExpressions;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// Bytes of a page to text, the way browsers do it: byte order mark, then the Content-Type charset, then a
/// <c>&lt;meta charset&gt;</c> in the first kilobytes, then a sniff (valid UTF-8, else Windows-1252, which is what an old
/// French forum without any declaration almost always is). ISO-8859-1 is read as Windows-1252, as WHATWG says.
/// </summary>
internal static partial class TextDecoding
{
    // The code-page provider must be registered before any lookup of windows-1252; this initializer runs first.
    public static Encoding Windows1252 { get; } = RegisterCodePages();

    private static Encoding RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    public static string Decode(ReadOnlySpan<byte> bytes, string? declaredCharset)
    {
        var encoding = Detect(bytes, declaredCharset, out var bomLength);
        return encoding.GetString(bytes[bomLength..]);
    }

    public static Encoding Detect(ReadOnlySpan<byte> bytes, string? declaredCharset, out int bomLength)
    {
        bomLength = 0;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) { bomLength = 3; return new UTF8Encoding(false); }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) { bomLength = 2; return Encoding.Unicode; }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) { bomLength = 2; return Encoding.BigEndianUnicode; }
        if (GetEncoding(declaredCharset) is { } declared) return declared;
        if (GetEncoding(MetaCharset(bytes)) is { } meta) return meta;
        return System.Text.Unicode.Utf8.IsValid(bytes) ? new UTF8Encoding(false) : Windows1252;
    }

    private static string? MetaCharset(ReadOnlySpan<byte> bytes)
    {
        // The charset declaration must be within the first 1024 bytes (HTML); a little more does no harm.
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 2048)]);
        var match = MetaCharsetPattern().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    internal static Encoding? GetEncoding(string? label)
    {
        if (string.IsNullOrWhiteSpace(label)) return null;
        label = label.Trim().Trim('"', '\'').ToLowerInvariant();
        label = label switch
        {
            "iso-8859-1" or "iso8859-1" or "latin1" or "l1" or "us-ascii" or "ascii" or "cp1252" or "x-cp1252" => "windows-1252",
            "utf8" => "utf-8",
            _ => label,
        };
        try
        {
            _ = Windows1252; // the provider is registered
            var encoding = Encoding.GetEncoding(label);
            return encoding.CodePage == Encoding.UTF8.CodePage ? new UTF8Encoding(false) : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharsetPattern();
}
