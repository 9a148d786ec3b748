namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// A 200 answer that is not the content but the forum's "no permission" page or a login form. Counted as a failure of
/// the fetch, never scanned as content nor remembered as seen.
/// </summary>
internal static class DeniedPages
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

    /// <summary>
    /// The software's "no permission" message found in a page that has none of the expected content, or null. Only
    /// asked when selectors found nothing: a post quoting such a message is still content.
    /// </summary>
    public static string? Reason(string pageText, IEnumerable<string> extraPhrases)
    {
        var folded = Fold(pageText);
        foreach (var phrase in Phrases.Concat(extraPhrases))
        {
            if (folded.Contains(Fold(phrase), StringComparison.OrdinalIgnoreCase)) return $"access denied page (\"{phrase}\")";
        }
        return null;
    }

    private static string Fold(string text) => text.Replace('’', '\'').Replace('\u00A0', ' ');
}
