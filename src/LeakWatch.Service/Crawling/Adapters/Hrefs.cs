using AngleSharp.Dom;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>Reading links out of crawled markup, which is hostile: anything that is not an http(s) URL is dropped.</summary>
internal static class Links
{
    public static Uri? Resolve(Uri page, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.Length > 4096) return null;
        if (!Uri.TryCreate(page, href.Trim(), out var uri)) return null;
        return uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps ? uri : null;
    }

    /// <summary>The href of an anchor, or of the anchor around an element (a next-page icon inside its link).</summary>
    public static Uri? Href(Uri page, IElement element)
    {
        var anchor = element.LocalName == "a" ? element : element.Closest("a");
        return anchor is null ? null : Resolve(page, anchor.GetAttribute("href"));
    }

    /// <summary>The first link matched by <paramref name="selector"/> on the same host that was not visited yet.</summary>
    public static Uri? Next(IParentNode document, string? selector, Uri page, ISet<string> visited)
    {
        if (string.IsNullOrEmpty(selector)) return null;
        foreach (var element in document.QuerySelectorAll(selector))
        {
            var next = Href(page, element);
            if (next is null || !string.Equals(next.IdnHost, page.IdnHost, StringComparison.OrdinalIgnoreCase)) continue;
            if (!visited.Contains(UrlCanonical.Normalize(next))) return next;
        }
        return null;
    }

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
                if (Href(page, element) is { } uri && session.MayFollow(uri) && seen.Add(UrlCanonical.Normalize(uri))) found.Add(uri);
            }
        }
        foreach (var anchor in post.QuerySelectorAll("a[href]"))
        {
            if (Href(page, anchor) is not { } uri || session.IsOwnHost(uri)) continue;
            if (session.MayFollow(uri) && seen.Add(UrlCanonical.Normalize(uri))) found.Add(uri);
        }
        return found;
    }
}
