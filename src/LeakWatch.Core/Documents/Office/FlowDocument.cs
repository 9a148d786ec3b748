using System.Text;

namespace LeakWatch.Core.Documents.Office;

/// <summary>A paragraph outside tables, or a row of a top-level table (nested tables are folded into their cell).</summary>
internal readonly record struct FlowItem(string? Paragraph, List<string?>? Row, int Table);

/// <summary>A word-processing document read in order, one paragraph or table row at a time.</summary>
internal interface IFlowReader : IDisposable
{
    bool Next(out FlowItem item);
}

/// <summary>
/// A .docx or .odt as leaves: its tables as tab-separated tables whose first row names the columns (consecutive tables
/// of the same width make one leaf, a form repeated per patient is one table), then its paragraphs as text. Two passes
/// over the document part, each streaming.
/// </summary>
internal static class FlowDocument
{
    public static void Emit(UnpackSession session, string name, Func<IFlowReader> open, Action<TextLeafStream> emit)
    {
        using (var reader = open())
        {
            FlowItem? pending = null;
            var number = 0;
            do
            {
                if (session.Exhausted) return;
                using var tables = new TablesText(session, name + "!table" + (++number).ToString(System.Globalization.CultureInfo.InvariantCulture), reader, pending);
                if (tables.HasText()) emit(tables);
                tables.Drain();
                pending = tables.Pending;
            }
            while (pending is not null);
        }

        if (session.Exhausted) return;
        using (var reader = open())
        using (var text = new ParagraphsText(session, name + "!text", reader))
        {
            if (text.HasText()) emit(text);
        }
    }

    private sealed class TablesText(UnpackSession session, string name, IFlowReader reader, FlowItem? first) : TextLeafStream(session, name)
    {
        private FlowItem? _first = first;
        private int _table = -1;
        private int _width;

        /// <summary>The first row of a table of another width, which starts the next leaf.</summary>
        public FlowItem? Pending { get; private set; }

        protected override bool Produce(StringBuilder text)
        {
            while (true)
            {
                FlowItem item;
                if (_first is { } f)
                {
                    item = f;
                    _first = null;
                }
                else if (!reader.Next(out item))
                {
                    return false;
                }

                if (item.Row is not { } row || TableText.IsEmpty(row)) continue;
                if (item.Table != _table)
                {
                    if (_table >= 0 && row.Count != _width)
                    {
                        Pending = item;
                        return false;
                    }

                    if (_table < 0) _width = row.Count;
                    _table = item.Table;
                }

                TableText.AppendRow(text, row, _width);
                return true;
            }
        }
    }

    /// <summary>
    /// A sentence or a long paragraph is a window of its own (one person per paragraph is how reports and leaks are
    /// written); short lines without a full stop (a form's "Nom : DUPONT", "Né le : ...") stay together with the next.
    /// </summary>
    internal static bool StandsAlone(ReadOnlySpan<char> paragraph)
    {
        var trimmed = paragraph.TrimEnd();
        return trimmed.Length >= 50 || (trimmed.Length > 0 && trimmed[^1] is '.' or '!' or '?');
    }

    private sealed class ParagraphsText(UnpackSession session, string name, IFlowReader reader) : TextLeafStream(session, name)
    {
        protected override bool Produce(StringBuilder text)
        {
            while (reader.Next(out var item))
            {
                if (item.Paragraph is not { } paragraph) continue;
                foreach (var c in paragraph) text.Append(c == '\n' || !char.IsControl(c) ? c : ' ');
                text.Append('\n');
                if (StandsAlone(paragraph)) text.Append('\n');
                return true;
            }

            return false;
        }
    }
}
