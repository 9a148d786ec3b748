using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace LeakWatch.Synthetic.Documents;

/// <summary>
/// Office documents as the tools that leak them write them: .xlsx through the Open XML SDK (shared strings, real date
/// cells in a date style, 1900 or 1904 system), .docx (paragraphs and tables), and .ods/.odt written by hand (a zip
/// with its mimetype first and a content.xml), the way LibreOffice lays them out.
/// </summary>
public static class OfficeWriters
{
    public static byte[] Xlsx(IReadOnlyList<Table> sheets, bool date1904 = false, bool macroEnabled = false)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, macroEnabled ? SpreadsheetDocumentType.MacroEnabledWorkbook : SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new WorkbookProperties { Date1904 = date1904 }, new Sheets());
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font()),
                new Fills(new Fill()),
                new Borders(new Border()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
            var sharedPart = workbook.AddNewPart<SharedStringTablePart>();
            var shared = new SharedStringTable();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            uint sheetId = 0;
            foreach (var table in sheets)
            {
                var sheetPart = workbook.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                uint rowIndex = 0;
                foreach (var row in new[] { table.Header.Select(h => (TableCell)h).ToList() }.Concat(table.Rows))
                {
                    var xmlRow = new Row { RowIndex = ++rowIndex };
                    for (var c = 0; c < row.Count; c++)
                    {
                        var reference = ColumnName(c) + rowIndex.ToString(CultureInfo.InvariantCulture);
                        var cell = row[c];
                        if (cell.Date is { } date)
                        {
                            var origin = date1904 ? new DateOnly(1904, 1, 1) : new DateOnly(1899, 12, 30);
                            xmlRow.Append(new Cell { CellReference = reference, StyleIndex = 1, CellValue = new CellValue((date.DayNumber - origin.DayNumber).ToString(CultureInfo.InvariantCulture)) });
                        }
                        else if (cell.Number is { } number)
                        {
                            xmlRow.Append(new Cell { CellReference = reference, CellValue = new CellValue(number.ToString("R", CultureInfo.InvariantCulture)) });
                        }
                        else if (!string.IsNullOrEmpty(cell.Text))
                        {
                            if (!index.TryGetValue(cell.Text, out var at))
                            {
                                at = index.Count;
                                index[cell.Text] = at;
                                shared.Append(new SharedStringItem(new Text(cell.Text) { Space = SpaceProcessingModeValues.Preserve }));
                            }

                            xmlRow.Append(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(at.ToString(CultureInfo.InvariantCulture)) });
                        }
                    }

                    data.Append(xmlRow);
                }

                sheetPart.Worksheet = new Worksheet(data);
                workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = ++sheetId, Name = table.Name });
            }

            shared.Count = (uint)index.Count;
            shared.UniqueCount = (uint)index.Count;
            sharedPart.SharedStringTable = shared;
        }

        return stream.ToArray();
    }

    /// <summary>A report: paragraphs before, the tables, paragraphs after.</summary>
    public static byte[] Docx(IReadOnlyList<string> before, IReadOnlyList<Table> tables, IReadOnlyList<string> after)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new W.Body();
            foreach (var text in before) body.Append(Paragraph(text));
            foreach (var table in tables)
            {
                var xml = new W.Table(new W.TableProperties(new W.TableStyle { Val = "TableGrid" }));
                xml.Append(Row(table.Header));
                foreach (var row in table.Rows) xml.Append(Row(row.Select(c => c.Display).ToList()));
                body.Append(xml);
                body.Append(Paragraph(""));
            }

            foreach (var text in after) body.Append(Paragraph(text));
            main.Document = new W.Document(body);
        }

        return stream.ToArray();

        static W.Paragraph Paragraph(string text) => new(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));

        static W.TableRow Row(IReadOnlyList<string> cells) => new(cells.Select(c => new W.TableCell(Paragraph(c))));
    }

    public static byte[] Ods(IReadOnlyList<Table> sheets)
    {
        var content = new StringBuilder();
        content.Append(OdfHeader).Append("<office:body><office:spreadsheet>");
        foreach (var table in sheets) AppendOdfTable(content, table, typed: true);
        content.Append("</office:spreadsheet></office:body></office:document-content>");
        return OdfZip("application/vnd.oasis.opendocument.spreadsheet", content.ToString());
    }

    public static byte[] Odt(IReadOnlyList<string> before, IReadOnlyList<Table> tables, IReadOnlyList<string> after)
    {
        var content = new StringBuilder();
        content.Append(OdfHeader).Append("<office:body><office:text>");
        foreach (var text in before) content.Append("<text:p text:style-name=\"Standard\">").Append(Xml(text)).Append("</text:p>");
        foreach (var table in tables) AppendOdfTable(content, table, typed: false);
        foreach (var text in after) content.Append("<text:p>").Append(Xml(text)).Append("</text:p>");
        content.Append("</office:text></office:body></office:document-content>");
        return OdfZip("application/vnd.oasis.opendocument.text", content.ToString());
    }

    private const string OdfHeader =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " +
        "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\">";

    private static void AppendOdfTable(StringBuilder content, Table table, bool typed)
    {
        content.Append("<table:table table:name=\"").Append(Xml(table.Name)).Append("\"><table:table-column table:number-columns-repeated=\"").Append(table.Header.Count).Append("\"/>");
        content.Append("<table:table-header-rows><table:table-row>");
        foreach (var h in table.Header) content.Append("<table:table-cell office:value-type=\"string\"><text:p>").Append(Xml(h)).Append("</text:p></table:table-cell>");
        content.Append("</table:table-row></table:table-header-rows>");
        foreach (var row in table.Rows)
        {
            content.Append("<table:table-row>");
            foreach (var cell in row)
            {
                if (typed && cell.Date is { } date)
                    content.Append("<table:table-cell office:value-type=\"date\" office:date-value=\"").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("\"><text:p>").Append(date.ToString("dd/MM/yy", CultureInfo.InvariantCulture)).Append("</text:p></table:table-cell>");
                else if (string.IsNullOrEmpty(cell.Display))
                    content.Append("<table:table-cell/>");
                else
                    content.Append("<table:table-cell office:value-type=\"string\"><text:p>").Append(Xml(cell.Display)).Append("</text:p></table:table-cell>");
            }

            // LibreOffice ends rows and sheets with huge repeated empty cells and rows.
            content.Append("<table:table-cell table:number-columns-repeated=\"1016\"/></table:table-row>");
        }

        content.Append("<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>");
        content.Append("</table:table>");
    }

    private static byte[] OdfZip(string mimeType, string content)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var entry = zip.CreateEntry("mimetype", CompressionLevel.NoCompression).Open()) entry.Write(Encoding.ASCII.GetBytes(mimeType));
            using (var entry = zip.CreateEntry("content.xml", CompressionLevel.Optimal).Open()) entry.Write(Encoding.UTF8.GetBytes(content));
            using (var entry = zip.CreateEntry("META-INF/manifest.xml", CompressionLevel.Optimal).Open())
            {
                entry.Write(Encoding.UTF8.GetBytes(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">" +
                    $"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"{mimeType}\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>"));
            }
        }

        return stream.ToArray();
    }

    private static string Xml(string text) => WebUtility.HtmlEncode(text);

    private static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + ((index - 1) % 26)) + name;
        return name;
    }
}
