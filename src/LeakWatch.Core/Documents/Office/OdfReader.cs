using System.Globalization;
using System.Text;
using System.Xml;

namespace LeakWatch.Core.Documents.Office;

/// <summary>
/// OpenDocument (.ods, .odt) content.xml. A spreadsheet's tables are sheets (one leaf each); a text document's are
/// tables among paragraphs. Repeated rows and cells (number-rows-repeated, number-columns-repeated) are expanded only
/// when they hold something, within a budget: an empty row repeated a million times is the usual end of a sheet,
/// a full one is a bomb.
/// </summary>
internal static class OdfReader
{
    public const string TableNs = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    public const string TextNs = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
    public const string OfficeNs = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    private const int MaxColumns = 16_384;

    /// <summary>Cells made by repetition over a whole document, beyond which the rest is reported as not read.</summary>
    public const int MaxRepeatedCells = 1_000_000;

    public static void ReadSpreadsheet(OfficePackage package, Action<TextLeafStream> emit)
    {
        using var stream = package.Open("content.xml");
        if (stream is null) return;
        using var reader = XmlReader.Create(stream, OfficePackage.XmlSettings);
        var budget = new RepeatBudget();
        var number = 0;
        while (reader.Read())
        {
            if (package.Session.Exhausted) return;
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "table" || reader.NamespaceURI != TableNs || reader.IsEmptyElement) continue;
            number++;
            var name = reader.GetAttribute("name", TableNs) ?? "sheet" + number.ToString(CultureInfo.InvariantCulture);
            using var sheet = new SheetText(package, package.Name + "!" + XlsxReader.LeafName(name), reader, budget);
            if (sheet.HasText()) emit(sheet);
            sheet.Drain();
        }

        if (budget.Exceeded) package.Session.Skip(package.Name, $"more than {MaxRepeatedCells} repeated cells: the rest of the repetitions were not read", partial: true);
    }

    internal sealed class RepeatBudget
    {
        public long Used { get; set; }

        public bool Exceeded { get; set; }

        /// <summary>How many of <paramref name="wanted"/> copies of <paramref name="cells"/> cells may be made.</summary>
        public int Take(int wanted, int cells)
        {
            if (wanted <= 1) return wanted;
            var allowed = (int)Math.Min(wanted, 1 + ((MaxRepeatedCells - Used) / Math.Max(1, cells)));
            if (allowed < wanted) Exceeded = true;
            allowed = Math.Max(1, allowed);
            Used += (long)(allowed - 1) * cells;
            return allowed;
        }
    }

    internal static int Repeat(XmlReader reader, string attribute)
    {
        var value = reader.GetAttribute(attribute, TableNs);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
    }

    /// <summary>
    /// Reads one table row (the reader on its start element) into <paramref name="cells"/> and returns how many times
    /// it repeats. Values: dates from office:date-value, numbers from office:value, the rest from the text.
    /// </summary>
    internal static int ReadRow(XmlReader reader, List<string?> cells, RepeatBudget budget, StringBuilder scratch)
    {
        cells.Clear();
        var rowRepeat = Repeat(reader, "number-rows-repeated");
        if (reader.IsEmptyElement) return rowRepeat;
        var depth = reader.Depth;
        var gap = 0;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth) break;
            if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != TableNs) continue;
            if (reader.LocalName is not ("table-cell" or "covered-table-cell")) continue;
            var repeat = Repeat(reader, "number-columns-repeated");
            var value = CellValue(reader, scratch);
            if (string.IsNullOrWhiteSpace(value))
            {
                gap = (int)Math.Min(MaxColumns, (long)gap + repeat);
                continue;
            }

            for (; gap > 0 && cells.Count < MaxColumns; gap--) cells.Add(null);
            gap = 0;
            var copies = budget.Take(repeat, 1);
            for (var i = 0; i < copies && cells.Count < MaxColumns; i++) cells.Add(value);
        }

        return rowRepeat;
    }

    /// <summary>The value of the cell the reader is on; leaves the reader on the cell's end.</summary>
    private static string? CellValue(XmlReader reader, StringBuilder text)
    {
        var type = reader.GetAttribute("value-type", OfficeNs);
        string? typed = type switch
        {
            "date" => reader.GetAttribute("date-value", OfficeNs) is { } d
                && DateTime.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date) ? TableText.Date(date) : null,
            "float" or "percentage" or "currency" => reader.GetAttribute("value", OfficeNs) is { } v
                && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? TableText.Number(number) : null,
            _ => null,
        };
        text.Clear();
        if (!reader.IsEmptyElement) ReadText(reader, text, separator: ' ');
        return typed ?? (text.Length > 0 ? text.ToString() : null);
    }

    /// <summary>The text inside the element the reader is on (paragraphs joined by <paramref name="separator"/>), to its end.</summary>
    internal static void ReadText(XmlReader reader, StringBuilder text, char separator)
    {
        var depth = reader.Depth;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth) return;
            if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == TextNs)
            {
                switch (reader.LocalName)
                {
                    case "p" or "h" when text.Length > 0:
                        text.Append(separator);
                        break;
                    case "s":
                        var count = int.TryParse(reader.GetAttribute("c", TextNs), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? Math.Min(c, 100) : 1;
                        text.Append(' ', count);
                        break;
                    case "tab":
                        text.Append(' ');
                        break;
                    case "line-break":
                        text.Append(separator);
                        break;
                }
            }
            else if (XmlText.IsText(reader) && text.Length < XmlText.MaxChars)
            {
                XmlText.Append(reader, text);
            }
        }
    }

    private sealed class SheetText(OfficePackage package, string name, XmlReader reader, RepeatBudget budget) : TextLeafStream(package.Session, name)
    {
        private readonly int _depth = reader.Depth;
        private readonly List<string?> _cells = [];
        private readonly StringBuilder _scratch = new();
        private bool _ended;
        private int _width;

        protected override bool Produce(StringBuilder text)
        {
            while (!_ended && reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == _depth)
                {
                    _ended = true;
                    break;
                }

                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "table-row" || reader.NamespaceURI != TableNs) continue;
                var repeat = ReadRow(reader, _cells, budget, _scratch);
                if (TableText.IsEmpty(_cells)) continue;
                if (_width == 0) _width = _cells.Count;
                var copies = budget.Take(repeat, _cells.Count);
                for (var i = 0; i < copies; i++) TableText.AppendRow(text, _cells, _width);
                return true;
            }

            _ended = true;
            return false;
        }
    }
}

/// <summary>The body of an .odt: paragraphs and headings, lists, and rows of its top-level tables, in order.</summary>
internal sealed class OdtFlowReader : IFlowReader
{
    private readonly GuardedStream _stream;
    private readonly XmlReader _reader;
    private readonly StringBuilder _text = new();
    private readonly OdfReader.RepeatBudget _budget = new();
    private int _table;

    public OdtFlowReader(OfficePackage package)
    {
        _stream = package.Open("content.xml") ?? throw new InvalidDataException("missing content.xml");
        _reader = XmlReader.Create(_stream, OfficePackage.XmlSettings);
    }

    public bool Next(out FlowItem item)
    {
        while (_reader.Read())
        {
            if (_reader.NodeType != XmlNodeType.Element || _reader.IsEmptyElement) continue;
            if (_reader.NamespaceURI == OdfReader.TextNs && _reader.LocalName is "p" or "h")
            {
                _text.Clear();
                OdfReader.ReadText(_reader, _text, separator: '\n');
                item = new FlowItem(_text.ToString(), null, 0);
                return true;
            }

            if (_reader.NamespaceURI != OdfReader.TableNs) continue;
            if (_reader.LocalName == "table")
            {
                _table++;
            }
            else if (_reader.LocalName == "table-row")
            {
                var cells = new List<string?>();
                OdfReader.ReadRow(_reader, cells, _budget, _text);
                item = new FlowItem(null, cells, _table);
                return true;
            }
        }

        item = default;
        return false;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
