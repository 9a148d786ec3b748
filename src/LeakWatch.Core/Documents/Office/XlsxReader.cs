using System.Globalization;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace LeakWatch.Core.Documents.Office;

/// <summary>
/// An .xlsx or .xlsm: each worksheet becomes a table (tab-separated, its first row naming the columns, like a CSV),
/// in the workbook's order, hidden sheets included. The workbook and styles are read with the Open XML SDK's SAX
/// reader; cells and shared strings with XmlReader in pieces, so no cell costs more than Excel's 32,767 characters.
/// Dates are serial numbers in a date style, in the 1900 or 1904 system.
/// </summary>
internal static class XlsxReader
{
    public static void Read(OfficePackage package, string workbookPart, Action<TextLeafStream> emit)
    {
        var folder = OfficePackage.Folder(workbookPart);
        var relationships = package.Relationships(folder, OfficePackage.RelsOf(workbookPart));
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, target, id) in relationships) targets.TryAdd(id, target);
        var sharedPart = relationships.FirstOrDefault(r => r.Type.EndsWith("/sharedStrings", StringComparison.Ordinal)).Target;
        var stylesPart = relationships.FirstOrDefault(r => r.Type.EndsWith("/styles", StringComparison.Ordinal)).Target;

        var (sheets, date1904) = ReadWorkbook(package, workbookPart);
        if (sheets.Count == 0)
        {
            // A strict-namespace or hand-made workbook the typed reader does not list: its worksheets, in relationship order.
            sheets = [.. relationships.Where(r => r.Type.EndsWith("/worksheet", StringComparison.Ordinal))
                .Select(r => (Path.GetFileNameWithoutExtension(r.Target), r.Id))];
        }

        var dateStyles = ReadDateStyles(package, stylesPart);
        var strings = SharedStrings.Read(package, sharedPart);
        try
        {
            foreach (var (sheetName, id) in sheets)
            {
                if (package.Session.Exhausted) return;
                if (!targets.TryGetValue(id, out var target) || !package.Contains(target))
                {
                    package.Session.Skip(package.Name + "!" + LeafName(sheetName), "a sheet listed by the workbook has no part in the file: not read", partial: true);
                    continue;
                }
                using var sheet = new SheetText(package, package.Name + "!" + LeafName(sheetName), target, strings, dateStyles, date1904);
                if (sheet.HasText()) emit(sheet);
            }
        }
        finally
        {
            strings.Clear();
        }
    }

    internal static string LeafName(string name)
    {
        var clean = new string(name.Select(c => char.IsControl(c) || c is '!' or '/' or '\\' ? '_' : c).ToArray()).Trim();
        return clean.Length == 0 ? "sheet" : clean.Length <= 100 ? clean : clean[..100];
    }

    private static (List<(string Name, string Id)> Sheets, bool Date1904) ReadWorkbook(OfficePackage package, string part)
    {
        var sheets = new List<(string, string)>();
        var date1904 = false;
        using var stream = package.Open(part);
        if (stream is null) return (sheets, false);
        using var reader = new SpreadsheetDocumentPartReader(stream, new OpenXmlPartReaderOptions { CloseStream = false });
        while (reader.Read())
        {
            if (!reader.IsStartElement) continue;
            if (reader.ElementType == typeof(Sheet))
            {
                string? name = null, id = null;
                foreach (var attribute in reader.Attributes)
                {
                    if (attribute.LocalName == "name") name = attribute.Value;
                    else if (attribute.LocalName == "id") id = attribute.Value;
                }

                if (id is not null) sheets.Add((name ?? "sheet" + (sheets.Count + 1).ToString(CultureInfo.InvariantCulture), id));
            }
            else if (reader.ElementType == typeof(WorkbookProperties))
            {
                date1904 = reader.Attributes.Any(a => a.LocalName == "date1904" && a.Value is "1" or "true");
            }
        }

        return (sheets, date1904);
    }

    /// <summary>For each cell style (the s attribute), whether it shows a number as a date.</summary>
    private static bool[] ReadDateStyles(OfficePackage package, string? part)
    {
        if (part is null) return [];
        using var stream = package.Open(part);
        if (stream is null) return [];
        var custom = new Dictionary<uint, string>();
        var styles = new List<bool>();
        var inCellFormats = false;
        using var reader = new SpreadsheetDocumentPartReader(stream, new OpenXmlPartReaderOptions { CloseStream = false });
        while (reader.Read())
        {
            if (reader.ElementType == typeof(CellFormats))
            {
                inCellFormats = reader.IsStartElement;
                continue;
            }

            if (!reader.IsStartElement) continue;
            if (reader.ElementType == typeof(NumberingFormat))
            {
                var id = reader.Attributes.FirstOrDefault(a => a.LocalName == "numFmtId").Value;
                var code = reader.Attributes.FirstOrDefault(a => a.LocalName == "formatCode").Value;
                if (uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && code is not null) custom[number] = code;
            }
            else if (inCellFormats && reader.ElementType == typeof(CellFormat))
            {
                var id = reader.Attributes.FirstOrDefault(a => a.LocalName == "numFmtId").Value;
                uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
                styles.Add(IsDateFormat(number, custom));
                if (styles.Count > 1_000_000) break;
            }
        }

        return [.. styles];
    }

    /// <summary>The built-in date and time formats, or a custom code with day, month-with-day or year fields outside quotes.</summary>
    internal static bool IsDateFormat(uint id, Dictionary<uint, string> custom)
    {
        if (id is >= 14 and <= 22 or >= 27 and <= 36 or >= 45 and <= 47 or >= 50 and <= 58) return true;
        if (!custom.TryGetValue(id, out var code)) return false;
        var inQuotes = false;
        var inBrackets = false;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '"') inQuotes = !inQuotes;
            else if (inQuotes) continue;
            else if (c == '\\' || c == '_' || c == '*') i++;
            else if (c == '[') inBrackets = true;
            else if (c == ']') inBrackets = false;
            else if (!inBrackets && c is 'd' or 'D' or 'y' or 'Y') return true;
        }

        return false;
    }

    /// <summary>A serial number as a date: 1900 system (with Excel's phantom 29 February 1900) or 1904 system.</summary>
    internal static DateTime? SerialToDate(double serial, bool date1904)
    {
        if (double.IsNaN(serial) || serial < 0 || serial >= 2_958_466) return null;
        var days = Math.Floor(serial);
        var time = TimeSpan.FromMinutes(Math.Round((serial - days) * 24 * 60));
        DateTime day;
        if (date1904) day = new DateTime(1904, 1, 1).AddDays(days);
        else if (days >= 61) day = new DateTime(1899, 12, 30).AddDays(days);
        else if (days is >= 1 and < 60) day = new DateTime(1899, 12, 31).AddDays(days);
        else return null; // 0 and 60 (29/02/1900) are no real dates
        return day + time;
    }

    /// <summary>A sheet's rows, produced as the extractor reads.</summary>
    private sealed class SheetText : TextLeafStream
    {
        private readonly XmlReader _reader;
        private readonly GuardedStream _stream;
        private readonly SharedStrings _strings;
        private readonly bool[] _dateStyles;
        private readonly bool _date1904;
        private readonly List<string?> _cells = [];
        private readonly StringBuilder _value = new();
        private readonly UnpackSession _session;
        private int _width;
        private bool _missingStrings;

        public SheetText(OfficePackage package, string name, string part, SharedStrings strings, bool[] dateStyles, bool date1904)
            : base(package.Session, name)
        {
            _session = package.Session;
            _stream = package.Open(part)!;
            _reader = XmlReader.Create(_stream, OfficePackage.XmlSettings);
            _strings = strings;
            _dateStyles = dateStyles;
            _date1904 = date1904;
        }

        protected override bool Produce(StringBuilder text)
        {
            while (_reader.Read())
            {
                if (_reader.NodeType == XmlNodeType.Element)
                {
                    if (_reader.LocalName == "c") ReadCell();
                    else if (_reader.LocalName == "row") _cells.Clear();
                }
                else if (_reader.NodeType == XmlNodeType.EndElement && _reader.LocalName == "row")
                {
                    WriteRow(text);
                    return true;
                }
            }

            if (_missingStrings) _session.Skip(Name, "cells refer to shared strings that were not read", partial: true);
            return false;
        }

        private void WriteRow(StringBuilder text)
        {
            if (TableText.IsEmpty(_cells)) return;
            if (_width == 0) _width = _cells.Count;
            TableText.AppendRow(text, _cells, _width);
        }

        /// <summary>On a c element: its value, placed at its column; leaves the reader on the cell's end (or on it, when empty).</summary>
        private void ReadCell()
        {
            var reference = _reader.GetAttribute("r");
            var type = _reader.GetAttribute("t");
            var style = _reader.GetAttribute("s");
            var column = reference is null ? _cells.Count : Column(reference);
            if (column < 0 || column >= 16_384) column = _cells.Count;
            _value.Clear();
            if (!_reader.IsEmptyElement)
            {
                var depth = _reader.Depth;
                var inValue = false;
                while (_reader.Read())
                {
                    if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth) break;
                    if (_reader.NodeType == XmlNodeType.Element) inValue = _reader.LocalName is "v" or "t";
                    else if (_reader.NodeType == XmlNodeType.EndElement) inValue = false;
                    else if (inValue && XmlText.IsText(_reader)) XmlText.Append(_reader, _value);
                }
            }

            if (_value.Length == 0) return;
            while (_cells.Count <= column) _cells.Add(null);
            _cells[column] = Render(type, style);
        }

        private string? Render(string? type, string? style)
        {
            var raw = _value.ToString();
            switch (type)
            {
                case "s":
                    if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && _strings.TryGet(index, out var shared))
                        return shared.ToString();
                    // Truncated strings, a missing or broken part, or an index past its end: the cell is not read, and that is said.
                    _missingStrings = true;
                    return null;
                case "d":
                    return DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var iso) ? TableText.Date(iso) : raw;
                case "inlineStr" or "str" or "e" or "b":
                    return raw;
            }

            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return raw;
            if (int.TryParse(style, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s < _dateStyles.Length && _dateStyles[s]
                && SerialToDate(number, _date1904) is { } date)
                return TableText.Date(date);
            return TableText.Number(number);
        }

        /// <summary>"AB12" is column 27 (0-based); -1 when the reference has no letters.</summary>
        internal static int Column(string reference)
        {
            var column = 0;
            var letters = 0;
            foreach (var c in reference)
            {
                if (!char.IsAsciiLetter(c)) break;
                column = (column * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
                if (++letters > 3) return -1;
            }

            return letters == 0 ? -1 : column - 1;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader.Dispose();
                _stream.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
