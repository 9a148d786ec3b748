using AngleSharp.Dom;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>The files and pages a post points at that the crawl scans too.</summary>
internal static class PostLinks
{
    /// <summary>
    /// What a post links to that should be fetched: attachments (by selector, on the source's hosts) and links to the
    /// hosts the source lists. Duplicates removed, in page order.
    /// </summary>
    public static IReadOnlyList<Uri> ToFetch(CrawlSession session, Uri page, IElement post, string? attachmentSelector)
    {
        var found = new List<Uri>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (attachmentSelector is { Length: > 0 })
        {
            foreach (var element in post.QuerySelectorAll(attachmentSelector))
            {
                if (Hrefs.Of(page, element) is { } uri && session.MayFollow(uri) && seen.Add(UrlCanonical.Normalize(uri))) found.Add(uri);
            }
        }
        foreach (var anchor in post.QuerySelectorAll("a[href]"))
        {
            if (Hrefs.Of(page, anchor) is not { } uri || session.IsOwnHost(uri)) continue;
            if (session.MayFollow(uri) && seen.Add(UrlCanonical.Normalize(uri))) found.Add(uri);
        }
        return found;
    }
}
