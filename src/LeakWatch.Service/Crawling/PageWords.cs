using AngleSharp.Dom;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// The words of a node, white space collapsed, scripts and styles left out: for recognizing a page (an error message,
/// a row's reply count), never for detection, which reads the page itself through Core's HTML extractor.
/// </summary>
internal static class PageWords
{
    public static string Of(INode? node)
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
