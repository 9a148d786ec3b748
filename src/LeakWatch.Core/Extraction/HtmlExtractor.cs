using LeakWatch.Core.Normalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// Pages (forum threads, pastes rendered as HTML) and XML documents, parsed by AngleSharp. Code blocks
/// (<c>pre</c>, <c>code</c>, <c>textarea</c>) are texts of their own and go through format detection again (a CSV
/// pasted in a post becomes rows); data tables become one record per row, hinted by their <c>th</c> cells; the rest
/// of the visible text is gathered with line breaks at block boundaries and detected again (usually free text).
/// Scripts, styles and attributes are ignored. XML is not built into a tree: its tags are stripped, each element is a
/// line, and <c>value</c> attributes are kept (FHIR XML holds its data there).
/// The walk is iterative; a page nested deeper than 1,000 elements (which makes HTML tree building quadratic) is read
/// by a linear tag stripper instead, and pages over 32 Mi chars are skipped.
/// </summary>
public sealed class HtmlExtractor(bool xml) : IRecordExtractor
{
    public const int MaxChars = 32 * 1024 * 1024;

    /// <summary>Deeper than this, AngleSharp's tree building slows down quadratically: 20,000 levels take seconds.</summary>
    public const int MaxNesting = 1000;

    /// <summary>A cell longer than this makes the table a layout table (a post laid out in a cell), not data.</summary>
    private const int MaxDataCellChars = 300;

    private static readonly HashSet<string> Invisible = new(StringComparer.Ordinal)
    {
        "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "embed", "canvas", "select", "button",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    };

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        var (source, length) = ReadCapped(text);
        if (source is null)
        {
            context.ReportProblem($"{(xml ? "XML" : "HTML")} larger than {MaxChars} chars: not parsed");
            return;
        }

        var lines = new LineIndex(source, length);
        if (xml)
        {
            // XML needs no HTML tree: each value is a line, each resource a paragraph read as one window.
            var values = HtmlNesting.Strip(source.AsSpan(0, length), xml: true);
            new FreeTextExtractor(paragraphLines: 64, paragraphChars: 4000).Extract(new StringReader(values.ToString()), writer, Positions(values, lines, context));
            return;
        }

        if (HtmlNesting.Exceeds(source.AsSpan(0, length), MaxNesting))
        {
            context.ReportProblem($"markup nested deeper than {MaxNesting} elements: read as plain text");
            ExtractFlow(HtmlNesting.Strip(source.AsSpan(0, length), xml: false), lines, writer, context);
            return;
        }

        var parser = new HtmlParser(new HtmlParserOptions { IsKeepingSourceReferences = true, IsScripting = false, SkipComments = true });
        var document = parser.ParseDocument(source, length);
        var flow = new Flow();
        var root = (INode?)document.Body ?? document.DocumentElement;
        if (root is not null) Walk(root, flow, lines, writer, context);
        ExtractFlow(flow, lines, writer, context);
    }

    /// <summary>The gathered visible text is detected again: usually prose, sometimes a CSV pasted without a code block.</summary>
    private static void ExtractFlow(Flow flow, LineIndex lines, RecordWriter writer, ExtractionContext context)
    {
        if (flow.Length == 0) return;
        RecordExtraction.ExtractText(new StringReader(flow.ToString()), name: null, writer, Positions(flow, lines, context));
    }

    private static ExtractionContext Positions(Flow flow, LineIndex lines, ExtractionContext context) => context.Nested((offset, _) =>
    {
        var at = flow.SourceOffset(offset);
        return (at, lines.LineOf(at));
    });

    private static (char[]? Source, int Length) ReadCapped(TextReader text)
    {
        var buffer = new char[64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                // One char past the cap tells a page that is too large; the buffer never grows beyond that.
                if (buffer.Length > MaxChars) return (null, 0);
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxChars + 1));
            }

            var read = text.Read(buffer.AsSpan(length));
            if (read == 0) return length > MaxChars ? (null, 0) : (buffer, length);
            length += read;
        }
    }

    private static void Walk(INode root, Flow flow, LineIndex lines, RecordWriter writer, ExtractionContext context)
    {
        var stack = new Stack<(INode Node, bool Closing)>();
        stack.Push((root, false));
        var visited = 0;
        while (stack.Count > 0)
        {
            if ((++visited & 0x3FF) == 0) context.CancellationToken.ThrowIfCancellationRequested();
            var (node, closing) = stack.Pop();
            if (node is IText textNode)
            {
                flow.AppendCollapsed(textNode.Data);
                continue;
            }

            if (node is not IElement element) continue;
            var name = element.LocalName;
            if (closing)
            {
                if (IsBlock(name)) flow.Break();
                continue;
            }

            if (Invisible.Contains(name)) continue;
            var at = element.SourceReference?.Position.Index ?? -1;
            if (IsBlock(name)) flow.Break();
            if (at >= 0) flow.Anchor(at);

            if (name is "pre" or "code" or "textarea")
            {
                EmbeddedText(element, Math.Max(0, at), lines, writer, context);
                flow.Break();
                continue;
            }

            if (name == "table" && TryDataTable(element, lines, writer, context))
            {
                flow.Break();
                continue;
            }

            stack.Push((element, true));
            var children = element.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--) stack.Push((children[i], false));
        }
    }

    private static bool IsBlock(string name) => Blocks.Contains(name);

    /// <summary>A code block is a text of its own: a CSV, JSON or SQL pasted in a post is read as such.</summary>
    private static void EmbeddedText(IElement element, long at, LineIndex lines, RecordWriter writer, ExtractionContext context)
    {
        var text = GatherText(element, collapse: false);
        if (string.IsNullOrWhiteSpace(text)) return;
        var baseLine = lines.LineOf(at);
        var nested = context.Nested((offset, line) => (at + offset, baseLine + line - 1));
        RecordExtraction.ExtractText(new StringReader(text), name: null, writer, nested);
    }

    /// <summary>A table without nested tables or long cells: a record per row, hinted by a header row of th cells.</summary>
    private static bool TryDataTable(IElement table, LineIndex lines, RecordWriter writer, ExtractionContext context)
    {
        var rows = new List<(IElement Row, List<string> Cells, bool Header)>();
        var stack = new Stack<IElement>();
        stack.Push(table);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            var children = element.Children;
            for (var i = children.Length - 1; i >= 0; i--)
            {
                var child = children[i];
                switch (child.LocalName)
                {
                    case "table":
                        return false;
                    case "tr":
                        var cells = new List<string>();
                        var header = true;
                        foreach (var cell in child.Children)
                        {
                            if (cell.LocalName is not ("td" or "th")) continue;
                            if (!HasNoTable(cell)) return false;
                            var text = GatherText(cell, collapse: true).Trim();
                            if (text.Length > MaxDataCellChars) return false;
                            cells.Add(text);
                            header &= cell.LocalName == "th";
                        }

                        rows.Add((child, cells, header && cells.Count > 0));
                        break;
                    default:
                        stack.Push(child);
                        break;
                }
            }
        }

        // The stack walks children last to first; rows were found in reverse document order per level.
        rows.Sort((a, b) => (a.Row.SourceReference?.Position.Index ?? 0).CompareTo(b.Row.SourceReference?.Position.Index ?? 0));
        FieldHint[]? hints = null;
        foreach (var (row, cells, header) in rows)
        {
            if (header && hints is null)
            {
                hints = [.. cells.Select(c => ColumnNames.Classify(c))];
                continue;
            }

            if (cells.TrueForAll(string.IsNullOrEmpty)) continue;
            var at = Math.Max(0, row.SourceReference?.Position.Index ?? 0);
            context.BeginRecord(writer, at, lines.LineOf(at));
            var useHints = hints is not null && hints.Length == cells.Count;
            for (var i = 0; i < cells.Count; i++) writer.AddField(cells[i], useHints ? hints![i] : FieldHint.None);
            writer.EndRecord();
        }

        return true;
    }

    private static bool HasNoTable(IElement cell)
    {
        var stack = new Stack<IElement>();
        stack.Push(cell);
        while (stack.Count > 0)
        {
            foreach (var child in stack.Pop().Children)
            {
                if (child.LocalName == "table") return false;
                stack.Push(child);
            }
        }

        return true;
    }

    /// <summary>The text of an element, without recursion (hostile pages nest deep); line breaks at br and blocks.</summary>
    private static string GatherText(IElement element, bool collapse)
    {
        var text = new StringBuilder();
        var stack = new Stack<INode>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText t)
            {
                if (collapse) AppendCollapsed(text, t.Data);
                else text.Append(t.Data);
                continue;
            }

            if (node is not IElement e || (e != element && Invisible.Contains(e.LocalName))) continue;
            if (e.LocalName == "br") text.Append('\n');
            var children = e.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--) stack.Push(children[i]);
        }

        return text.ToString();
    }

    private static void AppendCollapsed(StringBuilder text, string data)
    {
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ' && text[^1] != '\n') text.Append(' ');
            }
            else
            {
                text.Append(c);
            }
        }
    }

    /// <summary>The visible text of the page, and where in the source each part of it comes from.</summary>
    internal sealed class Flow
    {
        private readonly StringBuilder _text = new();
        private readonly List<(int FlowOffset, int SourceOffset)> _anchors = [];

        public int Length => _text.Length;

        public void Anchor(int sourceOffset)
        {
            if (_anchors.Count > 0 && _anchors[^1].FlowOffset == _text.Length) _anchors[^1] = (_text.Length, sourceOffset);
            else _anchors.Add((_text.Length, sourceOffset));
        }

        /// <summary>Ends the paragraph: a blank line, which free-text windows do not cross.</summary>
        public void Paragraph()
        {
            Break();
            if (_text.Length > 1 && _text[^2] != '\n') _text.Append('\n');
        }

        public void Break()
        {
            if (_text.Length > 0 && _text[^1] != '\n')
            {
                if (_text[^1] == ' ') _text.Length--;
                _text.Append('\n');
            }
        }

        public void AppendCollapsed(string data) => HtmlExtractor.AppendCollapsed(_text, data);

        public long SourceOffset(long flowOffset)
        {
            var lo = 0;
            var hi = _anchors.Count - 1;
            var found = 0;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (_anchors[mid].FlowOffset <= flowOffset)
                {
                    found = _anchors[mid].SourceOffset;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return found;
        }

        public override string ToString() => _text.ToString();
    }

    /// <summary>Line numbers of source offsets, from the positions of the line feeds.</summary>
    internal sealed class LineIndex
    {
        private readonly List<int> _newlines = [];

        public LineIndex(char[] source, int length)
        {
            var span = source.AsSpan(0, length);
            var offset = 0;
            while (true)
            {
                var i = span[offset..].IndexOf('\n');
                if (i < 0) break;
                _newlines.Add(offset + i);
                offset += i + 1;
            }
        }

        public long LineOf(long offset)
        {
            var index = _newlines.BinarySearch((int)Math.Min(offset, int.MaxValue));
            return (index < 0 ? ~index : index) + 1;
        }
    }
}
