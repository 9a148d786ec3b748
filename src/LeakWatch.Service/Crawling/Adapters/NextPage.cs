using AngleSharp.Dom;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>Following a listing's or a thread's pagination.</summary>
internal static class NextPage
{
    /// <summary>The first link matched by <paramref name="selector"/> on the same host that was not visited yet.</summary>
    public static Uri? Find(IParentNode document, string? selector, Uri page, ISet<string> visited)
    {
        if (string.IsNullOrEmpty(selector)) return null;
        foreach (var element in document.QuerySelectorAll(selector))
        {
            var next = Hrefs.Of(page, element);
            if (next is null || !string.Equals(next.IdnHost, page.IdnHost, StringComparison.OrdinalIgnoreCase)) continue;
            if (!visited.Contains(UrlCanonical.Normalize(next))) return next;
        }
        return null;
    }
}
