using System.Net;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// A linear look at markup without building a tree: how deep its elements nest (hostile pages nest tens of
/// thousands deep to make parsers quadratic), and its text with tags stripped, for the pages too deep to parse.
/// </summary>
internal static class HtmlNesting
{
    /// <summary>Elements that hold nothing, or whose end tag is implied by the next one: they add no depth.</summary>
    private static readonly HashSet<string> Flat = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        "p", "li", "td", "th", "tr", "option", "dt", "dd", "html", "head", "body", "tbody", "thead", "tfoot",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "template" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    };

    private static readonly HashSet<string> Records = new(StringComparer.OrdinalIgnoreCase)
    {
        "patient", "patientRole", "recordTarget", "person", "record", "row", "entry", "item", "client", "user", "contact",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RecordLookup = Records.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FlatLookup = Flat.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RawTextLookup = RawText.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> BlockLookup = Blocks.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True when start tags without their end tags pile up deeper than <paramref name="limit"/>.</summary>
    public static bool Exceeds(ReadOnlySpan<char> html, int limit)
    {
        var depth = 0;
        foreach (var tag in new Tags(html))
        {
            if (tag.IsEnd) depth = Math.Max(0, depth - 1);
            else if (!tag.SelfClosing && !FlatLookup.Contains(tag.Name) && ++depth > limit) return true;
        }

        return false;
    }

    /// <summary>
    /// The text between tags, entities decoded, line breaks at block tags (at every tag in XML, where value attributes
    /// are kept as text), scripts and styles left out.
    /// </summary>
    public static HtmlExtractor.Flow Strip(ReadOnlySpan<char> html, bool xml)
    {
        var flow = new HtmlExtractor.Flow();
        var textStart = 0;
        foreach (var tag in new Tags(html))
        {
            AppendText(flow, html, textStart, tag.Start);
            if (xml && IsRecordElement(tag.Name)) flow.Paragraph();
            else if (xml || BlockLookup.Contains(tag.Name)) flow.Break();
            else flow.AppendCollapsed(" ");
            if (xml && !tag.IsEnd && ValueAttribute(html[tag.Start..tag.End], out var at, out var length))
            {
                AppendText(flow, html, tag.Start + at, tag.Start + at + length);
                flow.Break();
            }

            textStart = tag.End;
        }

        AppendText(flow, html, textStart, html.Length);
        return flow;
    }

    /// <summary>
    /// XML elements that hold one person: FHIR resources (capitalized: Patient, Person, RelatedPerson...) and the
    /// usual record elements of CDA and ad hoc exports. Their values form one paragraph.
    /// </summary>
    private static bool IsRecordElement(ReadOnlySpan<char> name)
    {
        var local = name[(name.IndexOf(':') + 1)..];
        return (local.Length > 0 && char.IsAsciiLetterUpper(local[0])) || RecordLookup.Contains(local);
    }

    /// <summary>Where the value of a <c>value="..."</c> attribute sits in a tag.</summary>
    private static bool ValueAttribute(ReadOnlySpan<char> tag, out int start, out int length)
    {
        start = length = 0;
        var at = tag.IndexOf(" value=", StringComparison.Ordinal);
        if (at < 0 || at + 8 >= tag.Length || tag[at + 7] is not ('"' or '\'')) return false;
        var quote = tag[at + 7];
        start = at + 8;
        var end = tag[start..].IndexOf(quote);
        if (end < 0) return false;
        length = end;
        return true;
    }

    private static void AppendText(HtmlExtractor.Flow flow, ReadOnlySpan<char> html, int start, int end)
    {
        if (end <= start) return;
        var text = html[start..end];
        if (text.IsWhiteSpace()) return;
        flow.Anchor(start);
        flow.AppendCollapsed(text.Contains('&') ? WebUtility.HtmlDecode(text.ToString()) : text.ToString());
    }

    private readonly ref struct Tag(ReadOnlySpan<char> name, int start, int end, bool isEnd, bool selfClosing)
    {
        public ReadOnlySpan<char> Name { get; } = name;

        public int Start { get; } = start;

        /// <summary>Just after the tag (after the end tag of a script or style, whose content is skipped).</summary>
        public int End { get; } = end;

        public bool IsEnd { get; } = isEnd;

        public bool SelfClosing { get; } = selfClosing;
    }

    /// <summary>Start and end tags in order; comments, doctypes and the content of scripts and styles are stepped over.</summary>
    private ref struct Tags(ReadOnlySpan<char> html)
    {
        private readonly ReadOnlySpan<char> _html = html;
        private int _pos;

        public Tag Current { get; private set; }

        public readonly Tags GetEnumerator() => this;

        public bool MoveNext()
        {
            while (true)
            {
                var open = _html[_pos..].IndexOf('<');
                if (open < 0) return false;
                var start = _pos + open;
                var rest = _html[start..];
                if (rest.StartsWith("<!--"))
                {
                    // A comment: a nameless, self-closed tag, so its text is not taken as content.
                    var close = rest.IndexOf("-->");
                    _pos = close < 0 ? _html.Length : start + close + 3;
                    Current = new Tag(default, start, _pos, isEnd: false, selfClosing: true);
                    return true;
                }

                var isEnd = rest.Length > 1 && rest[1] == '/';
                var nameStart = isEnd ? 2 : 1;
                var nameLength = 0;
                while (nameStart + nameLength < rest.Length && char.IsAsciiLetterOrDigit(rest[nameStart + nameLength])) nameLength++;
                if (nameLength == 0 || !char.IsAsciiLetter(rest[nameStart]))
                {
                    var skip = rest[1..].IndexOf('>');
                    if (rest.Length > 1 && rest[1] is '!' or '?' && skip >= 0)
                    {
                        // "<!DOCTYPE", "<?xml", "<![CDATA[": declarations, no content.
                        _pos = start + skip + 2;
                        Current = new Tag(default, start, _pos, isEnd: false, selfClosing: true);
                        return true;
                    }

                    // A "<" in text.
                    _pos = start + 1;
                    continue;
                }

                var name = rest.Slice(nameStart, nameLength);
                var gt = rest.IndexOf('>');
                var end = gt < 0 ? _html.Length : start + gt + 1;
                var selfClosing = gt > 0 && rest[gt - 1] == '/';
                if (!isEnd && !selfClosing && RawTextLookup.Contains(name))
                {
                    // Skip the content up to the matching end tag.
                    var closing = _html[end..].IndexOf("</" + name.ToString(), StringComparison.OrdinalIgnoreCase);
                    var after = closing < 0 ? _html.Length : end + closing;
                    var closeGt = _html[after..].IndexOf('>');
                    end = closeGt < 0 ? _html.Length : after + closeGt + 1;
                    Current = new Tag(name, start, end, isEnd: false, selfClosing: true);
                }
                else
                {
                    Current = new Tag(name, start, end, isEnd, selfClosing);
                }

                _pos = end;
                return true;
            }
        }
    }
}
