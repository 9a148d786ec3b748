using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace LeakWatch.Service.Crawling;

/// <summary>Parses crawled HTML. Scripting is off, so &lt;noscript&gt; content (Flarum's crawler view) is markup.</summary>
internal static class HtmlDocuments
{
    private static readonly HtmlParserOptions Options = new() { IsScripting = false, IsNotConsumingCharacterReferences = false };

    public static IHtmlDocument Parse(string html) => new HtmlParser(Options).ParseDocument(html);

    /// <summary>
    /// The words of a node, white space collapsed, scripts and styles left out: for recognizing a page (an error message,
    /// a row's reply count), never for detection, which reads the page itself through Core's HTML extractor.
    /// </summary>
    public static string Words(INode? node)
    {
        if (node is null) return "";
        var words = new List<string>();
        foreach (var text in node.GetDescendants().OfType<IText>())
        {
            if (text.ParentElement?.LocalName is "script" or "style" or "template") continue;
            words.AddRange(text.Data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
        return string.Join(' ', words);
    }
}
