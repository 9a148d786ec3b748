using System.Text;
using AngleSharp.Dom;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// The text of an HTML node with its line structure: a dump pasted in a post is rows separated by &lt;br&gt;, cells of a
/// table, or a &lt;pre&gt; block, and detection reads rows. Scripts and styles are dropped. Iterative, so that a hostile
/// page nested a hundred thousand levels deep cannot overflow the stack.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "li", "tr", "table", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
        "dd", "dt", "dl", "section", "article", "header", "footer", "hr", "fieldset", "main", "nav", "form",
    };

    public static string Extract(INode? node)
    {
        if (node is null) return "";
        var builder = new StringBuilder();
        // (node, leaving, inPre): an element is visited once entering and once leaving.
        var stack = new Stack<(INode Node, bool Leaving, bool InPre)>();
        stack.Push((node, false, false));
        while (stack.Count > 0)
        {
            var (current, leaving, inPre) = stack.Pop();
            if (current is IText text)
            {
                AppendText(builder, text.Data, inPre);
                continue;
            }
            if (current is not IElement element)
            {
                PushChildren(stack, current, inPre);
                continue;
            }
            var name = element.LocalName;
            if (leaving)
            {
                if (name is "td" or "th") builder.Append('\t');
                else if (Blocks.Contains(name)) NewLine(builder);
                continue;
            }
            if (name is "script" or "style" or "template") continue;
            if (name == "br")
            {
                NewLine(builder);
                continue;
            }
            if (Blocks.Contains(name)) NewLine(builder);
            var pre = inPre || name is "pre" or "textarea" or "code";
            stack.Push((element, true, inPre));
            PushChildren(stack, element, pre);
        }
        return builder.ToString().Trim();
    }

    private static void PushChildren(Stack<(INode, bool, bool)> stack, INode node, bool inPre)
    {
        for (var i = node.ChildNodes.Length - 1; i >= 0; i--) stack.Push((node.ChildNodes[i], false, inPre));
    }

    private static void AppendText(StringBuilder builder, string value, bool inPre)
    {
        if (inPre)
        {
            builder.Append(value);
            return;
        }
        // Outside <pre>, runs of white space are one space, as a browser shows them.
        var collapsed = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var lead = value.Length > 0 && char.IsWhiteSpace(value[0]);
        if (lead && builder.Length > 0 && builder[^1] is not (' ' or '\n' or '\t')) builder.Append(' ');
        if (collapsed.Length == 0) return;
        builder.Append(collapsed);
        if (char.IsWhiteSpace(value[^1])) builder.Append(' ');
    }

    private static void NewLine(StringBuilder builder)
    {
        while (builder.Length > 0 && builder[^1] == ' ') builder.Length--;
        if (builder.Length > 0 && builder[^1] != '\n') builder.Append('\n');
    }
}
