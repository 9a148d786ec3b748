using AngleSharp.Dom;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>Reading links out of crawled markup, which is hostile: anything that is not an http(s) URL is dropped.</summary>
internal static class Hrefs
{
    public static Uri? Resolve(Uri page, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.Length > 4096) return null;
        if (!Uri.TryCreate(page, href.Trim(), out var uri)) return null;
        return uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps ? uri : null;
    }

    /// <summary>The href of an anchor, or of the anchor around an element (a next-page icon inside its link).</summary>
    public static Uri? Of(Uri page, IElement element)
    {
        var anchor = element.LocalName == "a" ? element : element.Closest("a");
        return anchor is null ? null : Resolve(page, anchor.GetAttribute("href"));
    }
}
