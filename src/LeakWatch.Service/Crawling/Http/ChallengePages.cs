using System.Text.RegularExpressions;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// A 200 answer that is a challenge page (Cloudflare, DDoS-Guard) in place of the content. Counted as a failure of the
/// fetch, never scanned as content nor remembered as seen.
/// </summary>
internal static partial class ChallengePages
{
    /// <summary>A Cloudflare (or similar) challenge page in place of the content, or null.</summary>
    public static string? Reason(FetchResult result)
    {
        if (!result.IsHtml || result.Body.Length > 512 * 1024) return null;
        var title = Title(result.Text);
        if (title is null) return null;
        if (title.StartsWith("Just a moment", StringComparison.OrdinalIgnoreCase) ||
            title.StartsWith("Attention Required!", StringComparison.OrdinalIgnoreCase) ||
            title.Contains("DDoS-Guard", StringComparison.OrdinalIgnoreCase) ||
            title.StartsWith("Un instant", StringComparison.OrdinalIgnoreCase))
        {
            return $"challenge page (title \"{title}\") instead of the content";
        }
        return null;
    }

    private static string? Title(string html)
    {
        var match = TitlePattern().Match(html);
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    [GeneratedRegex("<title[^>]*>([^<]{0,200})</title>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();
}
