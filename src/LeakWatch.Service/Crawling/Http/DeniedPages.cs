using System.Text.RegularExpressions;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// A 200 answer that is not the content: a challenge page, a "no permission" page, a login form. Counted as a failure
/// of the fetch, never scanned as content nor remembered as seen.
/// </summary>
internal static partial class ErrorPages
{
    /// <summary>
    /// Messages of the forum software's own error pages (default language packs, English and French). Apostrophes are
    /// compared folded (' and ’ alike).
    /// </summary>
    private static readonly string[] Phrases =
    [
        // phpBB 3.3
        "You are not authorised to read this forum",
        "Vous n'êtes pas autorisé à lire ce forum",
        "Vous n'êtes pas autorisé",
        "The board requires you to be registered and logged in to view this forum",
        "Vous devez être inscrit et connecté afin de consulter ce forum",
        // MyBB 1.8
        "You do not have permission to access this page",
        "Vous n'avez pas la permission d'accéder à cette page",
        // XenForo 2
        "You do not have permission to view this page or perform this action",
        "You must be logged-in to do that",
        "Vous devez être connecté pour faire cela",
        // vBulletin
        "You are not logged in or you do not have permission to access this page",
        // SMF
        "The topic or board you are looking for appears to be either missing or off limits to you",
        "You are not allowed to access this section",
        // Discourse, Flarum and generic
        "You are not permitted to view the requested resource",
        "Access denied",
        "Accès refusé",
    ];

    /// <summary>A Cloudflare (or similar) challenge page in place of the content, or null.</summary>
    public static string? Challenge(FetchResult result)
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

    /// <summary>
    /// The software's "no permission" message found in a page that has none of the expected content, or null. Only
    /// asked when selectors found nothing: a post quoting such a message is still content.
    /// </summary>
    public static string? Denied(string pageText, IEnumerable<string> extraPhrases)
    {
        var folded = Fold(pageText);
        foreach (var phrase in Phrases.Concat(extraPhrases))
        {
            if (folded.Contains(Fold(phrase), StringComparison.OrdinalIgnoreCase)) return $"access denied page (\"{phrase}\")";
        }
        return null;
    }

    public static string? Title(string html)
    {
        var match = TitlePattern().Match(html);
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    private static string Fold(string text) => text.Replace('’', '\'').Replace('\u00A0', ' ');

    [GeneratedRegex("<title[^>]*>([^<]{0,200})</title>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();
}
