using System.Text;
using ExcelDataReader;

namespace LeakWatch.Core.Documents.Office;

/// <summary>
/// A legacy .xls workbook (BIFF in an OLE2 compound file) read with ExcelDataReader: each sheet a table like an .xlsx
/// sheet. ExcelDataReader gives dates as dates (it knows the cell styles) and needs the code-page encodings.
/// </summary>
internal static class XlsReader
{
    static XlsReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads the workbook in <paramref name="workbook"/> (seekable); why not, when it is no workbook (a .doc, a .msg) or is encrypted.</summary>
    public static string? Read(UnpackSession session, string name, Stream workbook, Action<TextLeafStream> emit)
    {
        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateBinaryReader(workbook, new ExcelReaderConfiguration { LeaveOpen = true, FallbackEncoding = Encoding.GetEncoding(1252) });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex.GetType().Name.Contains("Password", StringComparison.Ordinal) || ex.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase)
                ? "encrypted workbook (no password): not read"
                : $"OLE2 document that is no Excel workbook (a .doc, a .msg?) or a corrupt one ({ex.GetType().Name}): not read";
        }

        using (reader)
        {
            var number = 0;
            do
            {
                if (session.Exhausted) return null;
                number++;
                var sheetName = string.IsNullOrWhiteSpace(reader.Name) ? "sheet" + number.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.Name;
                using var sheet = new SheetText(session, name + "!" + XlsxReader.LeafName(sheetName), reader);
                if (sheet.HasText()) emit(sheet);
                sheet.Drain();
            }
            while (NextSheet(reader, session, name));
        }

        return null;
    }

    private static bool NextSheet(IExcelDataReader reader, UnpackSession session, string name)
    {
        try
        {
            return reader.NextResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            session.Skip(name, $"corrupt or unsupported workbook ({ex.GetType().Name}): the rest was not read", partial: true);
            return false;
        }
    }

    private sealed class SheetText(UnpackSession session, string name, IExcelDataReader reader) : TextLeafStream(session, name)
    {
        private readonly List<string?> _cells = [];
        private int _width;

        protected override bool Produce(StringBuilder text)
        {
            while (reader.Read())
            {
                _cells.Clear();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    _cells.Add(reader.GetValue(i) switch
                    {
                        null => null,
                        DateTime date => TableText.Date(date),
                        double number => TableText.Number(number),
                        string s => s.Length <= Office.XmlText.MaxChars ? s : s[..Office.XmlText.MaxChars],
                        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
                    });
                }

                if (TableText.IsEmpty(_cells)) continue;
                while (_cells.Count > 0 && string.IsNullOrWhiteSpace(_cells[^1])) _cells.RemoveAt(_cells.Count - 1);
                if (_width == 0) _width = _cells.Count;
                TableText.AppendRow(text, _cells, _width);
                return true;
            }

            return false;
        }
    }
}
