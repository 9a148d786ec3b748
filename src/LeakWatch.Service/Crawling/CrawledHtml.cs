using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace LeakWatch.Service.Crawling;

/// <summary>Parses crawled HTML. Scripting is off, so &lt;noscript&gt; content (Flarum's crawler view) is markup.</summary>
internal static class CrawledHtml
{
    private static readonly HtmlParserOptions Options = new() { IsScripting = false, IsNotConsumingCharacterReferences = false };

    public static IHtmlDocument Parse(string html) => new HtmlParser(Options).ParseDocument(html);
}
