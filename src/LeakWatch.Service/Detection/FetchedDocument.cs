using System.Text;
using System.Text.RegularExpressions;
using LeakWatch.Core.Documents;

namespace LeakWatch.Service.Detection;

/// <summary>
/// A document fetched by the crawler, in memory: its bytes and what the server declared about them. It is decoded at
/// most once (the crawler reads its links from <see cref="Text"/>, detection scans the same string) and hashed at most
/// once (<see cref="ContentHash"/>, keyed, is both the "seen before" key and the incident's content hash).
/// </summary>
internal sealed partial class FetchedDocument(byte[] body, string? mediaType, string? charset)
{
    private string? _text;
    private string? _contentHash;

    public byte[] Body { get; } = body;

    public string? MediaType { get; } = mediaType;

    /// <summary>The charset of the Content-Type header, else (HTML) of a <c>&lt;meta charset&gt;</c> in its head.</summary>
    public string? DeclaredCharset { get; } = string.IsNullOrWhiteSpace(charset) ? MetaCharset(body) : charset;

    public bool IsHtml => MediaType is null
        ? Head(Body).IndexOf("<html"u8) >= 0 || Head(Body).IndexOf("<!DOCTYPE"u8) >= 0 || Head(Body).IndexOf("<!doctype"u8) >= 0
        : MediaType.Contains("html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The keyed content hash of the body (<see cref="ContentHashes.Content"/>), computed once.</summary>
    public string ContentHash(ContentHashes hashes) => _contentHash ??= hashes.Content(Body);

    /// <summary>The body as text: byte order mark, then the declared charset, then a sniff (UTF-8, else Windows-1252).</summary>
    public string Text => _text ??= Decode();

    /// <summary>Text that arrived inside another document (a post's HTML in a JSON answer): already decoded.</summary>
    public static FetchedDocument FromText(string text, string mediaType)
    {
        var document = new FetchedDocument(System.Text.Encoding.UTF8.GetBytes(text), mediaType, "utf-8");
        document._text = text;
        return document;
    }

    private string Decode()
    {
        using var reader = TextDecoding.Open(new MemoryStream(Body, writable: false), leaveOpen: false, DeclaredCharset);
        return reader.ReadToEnd();
    }

    private static ReadOnlySpan<byte> Head(byte[] body) => body.AsSpan(0, Math.Min(body.Length, 512));

    private static string? MetaCharset(byte[] body)
    {
        // The declaration must be within the first 1024 bytes (HTML); a little more does no harm. Labels are ASCII.
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 2048));
        var match = MetaCharsetPattern().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharsetPattern();
}
