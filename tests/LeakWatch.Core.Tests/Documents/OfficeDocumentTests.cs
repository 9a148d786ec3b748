using System.IO.Compression;
using System.Text;
using LeakWatch.Core.Documents;
using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;
using LeakWatch.Core.Tests.Extraction;
using LeakWatch.Synthetic.Documents;

namespace LeakWatch.Core.Tests.Documents;

/// <summary>Office documents, PDFs and mails become text leaves of the unpacker, sniffed by content, within the limits.</summary>
public sealed class OfficeDocumentTests
{
    private static readonly Table Patients = new(
        "Patients",
        ["NOM", "PRENOM", "DATE_NAISSANCE", "NIR", "TELEPHONE"],
        [
            ["DUPONT", "Marie", TableCell.Of(new DateOnly(1965, 3, 12)), "265037512345618", "06 12 34 56 78"],
            ["LE GALL", "Jean \"Jo\"", TableCell.Of(new DateOnly(1901, 1, 1)), TableCell.Of(185031234567890), ""],
        ]);

    [Fact]
    public void Unpack_Xlsx_EachSheetATableWithItsHeaderFirstAndDatesAsDates()
    {
        var xlsx = OfficeWriters.Xlsx([new Table("Codes", ["CODE"], [["B123456"]]), Patients]);

        var (result, leaves) = Unpack(xlsx, "export.xlsx");

        Assert.Equal(["export.xlsx!Codes", "export.xlsx!Patients"], leaves.Select(l => l.Name));
        var lines = leaves[1].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"NOM\"\t\"PRENOM\"\t\"DATE_NAISSANCE\"\t\"NIR\"\t\"TELEPHONE\"", lines[0]);
        Assert.Equal("\"DUPONT\"\t\"Marie\"\t\"12/03/1965\"\t\"265037512345618\"\t\"06 12 34 56 78\"", lines[1]);
        // A NIR stored as a number keeps its digits; a quote in a cell is doubled.
        Assert.Equal("\"LE GALL\"\t\"Jean \"\"Jo\"\"\"\t\"01/01/1901\"\t\"185031234567890\"\t", lines[2]);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_Xls_EachSheetATableWithDatesAsDates()
    {
        var xls = XlsWriter.Write([new Table("Codes", ["CODE"], [["B123456"]]), Patients]);

        var (result, leaves) = Unpack(xls, "ancien.xls");

        Assert.Equal(["ancien.xls!Codes", "ancien.xls!Patients"], leaves.Select(l => l.Name));
        var lines = leaves[1].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"NOM\"\t\"PRENOM\"\t\"DATE_NAISSANCE\"\t\"NIR\"\t\"TELEPHONE\"", lines[0]);
        Assert.Equal("\"DUPONT\"\t\"Marie\"\t\"12/03/1965\"\t\"265037512345618\"\t\"06 12 34 56 78\"", lines[1]);
        Assert.StartsWith("\"LE GALL\"\t\"Jean \"\"Jo\"\"\"\t\"01/01/1901\"\t\"185031234567890\"", lines[2], StringComparison.Ordinal);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_Ole2ThatIsNoWorkbook_SkippedWithAReason()
    {
        var notXls = (byte[])[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[1024]];

        var (result, leaves) = Unpack(notXls, "lettre.doc");

        Assert.Empty(leaves);
        Assert.Contains("no Excel workbook", Assert.Single(result.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_XlsmIn1904System_DatesShiftedRight()
    {
        var xlsm = OfficeWriters.Xlsx([Patients], date1904: true, macroEnabled: true);

        var leaf = Assert.Single(Unpack(xlsm, "macro.xlsm").Leaves);

        Assert.Contains("\"12/03/1965\"", leaf.Text, StringComparison.Ordinal);
        // 1901 comes before the 1904 system's day 0: no date, and no made-up one either.
        Assert.DoesNotContain("1901", leaf.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_XlsxRenamed_IsSniffedByContent()
    {
        var (_, leaves) = Unpack(OfficeWriters.Xlsx([Patients]), "download.bin");

        Assert.Equal("download.bin!Patients", Assert.Single(leaves).Name);
    }

    [Fact]
    public void Extract_XlsxSheet_HeaderRowGivesColumnHints()
    {
        var leaf = Assert.Single(Unpack(OfficeWriters.Xlsx([Patients]), "export.xlsx").Leaves);

        var (summary, records) = ExtractionHarness.Extract(Encoding.UTF8.GetBytes(leaf.Text), leaf.Name);

        Assert.Equal(DocumentFormat.Delimited, summary.Format);
        var marie = records.Single(r => r.Values.Contains("Marie"));
        Assert.Equal("DUPONT", marie.ValueOf(FieldHint.LastName) ?? marie.ValueOf(FieldHint.BirthName));
        Assert.Equal("Marie", marie.ValueOf(FieldHint.FirstName));
        Assert.Equal("12/03/1965", marie.ValueOf(FieldHint.BirthDate));
        Assert.Equal("265037512345618", marie.ValueOf(FieldHint.Nir));
    }

    [Fact]
    public void Unpack_Docx_TablesWithHeaderThenParagraphs()
    {
        var docx = OfficeWriters.Docx(["Extrait :"], [Patients, new Table("t2", ["A", "B"], [["x", "y"]])], ["Mme Marie DUPONT, née le 12/03/1965."]);

        var (result, leaves) = Unpack(docx, "rapport.docx");

        Assert.Equal(["rapport.docx!table1", "rapport.docx!table2", "rapport.docx!text"], leaves.Select(l => l.Name));
        Assert.StartsWith("\"NOM\"\t\"PRENOM\"", leaves[0].Text, StringComparison.Ordinal);
        Assert.Contains("\"DUPONT\"\t\"Marie\"\t\"12/03/1965\"", leaves[0].Text, StringComparison.Ordinal);
        // The writer leaves an empty paragraph after each table.
        // A sentence stands alone (a blank line after it), a short line does not.
        Assert.Equal("Extrait :\n\n\nMme Marie DUPONT, née le 12/03/1965.\n\n", leaves[2].Text);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_Ods_SheetsWithTypedDatesAndRepeatedEmptyRowsNotExpanded()
    {
        var ods = OfficeWriters.Ods([Patients]);

        var (result, leaves) = Unpack(ods, "classeur.ods");

        var leaf = Assert.Single(leaves);
        Assert.Equal("classeur.ods!Patients", leaf.Name);
        var lines = leaf.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("\"DUPONT\"\t\"Marie\"\t\"12/03/1965\"\t\"265037512345618\"\t\"06 12 34 56 78\"", lines[1]);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_Odt_TableAndParagraphs()
    {
        var odt = OfficeWriters.Odt(["Liste :"], [Patients], ["Fin."]);

        var (_, leaves) = Unpack(odt, "liste.odt");

        Assert.Equal(["liste.odt!table1", "liste.odt!text"], leaves.Select(l => l.Name));
        Assert.Contains("\"DUPONT\"\t\"Marie\"\t\"12/03/1965\"", leaves[0].Text, StringComparison.Ordinal);
        Assert.Equal("Liste :\nFin.\n\n", leaves[1].Text);
    }

    [Fact]
    public void Unpack_ZipWhoseFirstEntryLooksOfficeButIsNot_ReadAsZip()
    {
        var zip = ArchiveBuilder.Zip(("xl/export.csv", Encoding.UTF8.GetBytes("nom;prenom\nDUPONT;Marie\n")));

        var (_, leaves) = Unpack(zip, "x.zip");

        Assert.Equal("x.zip!xl/export.csv", Assert.Single(leaves).Name);
    }

    [Fact]
    public void Unpack_Pdf_TextLayerPageByPageTableRowsAsLines()
    {
        var pdf = PdfAndMailWriters.Pdf("Extraction", Patients, rowsPerPage: 1);

        var (result, leaves) = Unpack(pdf, "rapport.pdf");

        var leaf = Assert.Single(leaves);
        Assert.Equal("rapport.pdf", leaf.Name);
        Assert.Contains("DUPONT Marie 12/03/1965 265037512345618 06 12 34 56 78", leaf.Text, StringComparison.Ordinal);
        Assert.Contains("LE GALL", leaf.Text, StringComparison.Ordinal);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_ScannedPdf_ReportedAsNoTextLayerNeverClean()
    {
        var (result, leaves) = Unpack(PdfAndMailWriters.ScannedPdf(pages: 3), "scan.pdf");

        Assert.Empty(leaves);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("scan.pdf", skipped.Name);
        Assert.StartsWith("no text layer: 3 of 3 pages", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_PdfOfBlankPages_ListedEmptyNotDropped()
    {
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);

        var (result, leaves) = Unpack(builder.Build(), "vide.pdf");

        Assert.Equal(("vide.pdf", ""), Assert.Single(leaves));
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_PdfWithSomeScannedPages_TextReadAndPartialReported()
    {
        var (result, leaves) = Unpack(PdfAndMailWriters.Pdf("Extraction", Patients, scannedPages: 2), "mixte.pdf");

        Assert.Contains("DUPONT", Assert.Single(leaves).Text, StringComparison.Ordinal);
        var skipped = Assert.Single(result.Skipped);
        Assert.True(skipped.Partial);
        Assert.StartsWith("no text layer: 2 of 3 pages", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_XlsxWhoseSharedStringsAreMissing_SaysTheCellsWereNotRead()
    {
        using var buffer = new MemoryStream();
        buffer.Write(OfficeWriters.Xlsx([Patients]));
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            var strings = zip.Entries.Single(e => e.FullName.Contains("sharedStrings", StringComparison.OrdinalIgnoreCase));
            var path = strings.FullName;
            strings.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(path).Open());
            writer.Write("<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>");
        }

        var (result, _) = Unpack(buffer.ToArray(), "book.xlsx");

        Assert.Contains(result.Skipped, s => s.Partial && s.Reason == "cells refer to shared strings that were not read");
    }

    [Fact]
    public void Unpack_EmlWithACustomHeader_ItsValueIsReadButNotTheMimeStructure()
    {
        var eml = Encoding.UTF8.GetBytes(
            "From: someone@example.org\r\nTo: other@example.org\r\nSubject: fiche\r\nMessage-ID: <1@example.org>\r\n" +
            "X-Patient: DUPONT Marie 12/03/1965\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nvoir en-tete\r\n");

        var (_, leaves) = Unpack(eml, "fiche.eml");

        var headers = leaves.Single(l => l.Name == "fiche.eml!headers").Text;
        Assert.Contains("X-Patient: DUPONT Marie 12/03/1965", headers, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type", headers, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_EmlWithZippedAttachment_HeadersBodyAndAttachmentUnpacked()
    {
        var zip = ArchiveBuilder.Zip(("dump.csv", Encoding.UTF8.GetBytes("nom;prenom\nDUPONT;Marie\n")));
        var eml = PdfAndMailWriters.Eml(PdfAndMailWriters.Mail("Marie DUPONT", "marie.dupont@example.org", "Résultats", "Bonjour,\nci-joint.\n", ("base.zip", zip)));

        var (result, leaves) = Unpack(eml, "message.txt");

        Assert.Equal(["message.txt!headers", "message.txt!body1.txt", "message.txt!base.zip!dump.csv"], leaves.Select(l => l.Name));
        Assert.Contains("From: Marie DUPONT <marie.dupont@example.org>", leaves[0].Text, StringComparison.Ordinal);
        Assert.Contains("Subject: Résultats", leaves[0].Text, StringComparison.Ordinal);
        Assert.Contains("ci-joint.", leaves[1].Text, StringComparison.Ordinal);
        Assert.Equal("nom;prenom\nDUPONT;Marie\n", leaves[2].Text);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_Mbox_EveryMessageAndItsAttachments()
    {
        var mbox = PdfAndMailWriters.Mbox([
            PdfAndMailWriters.Mail("A", "a@example.org", "Un", "From the lab: DUPONT Marie\n"),
            PdfAndMailWriters.Mail("B", "b@example.org", "Deux", "Classeur.", ("p.xlsx", OfficeWriters.Xlsx([Patients]))),
        ]);

        var (result, leaves) = Unpack(mbox, "box.mbox");

        Assert.Equal(["box.mbox!1!headers", "box.mbox!1!body1.txt", "box.mbox!2!headers", "box.mbox!2!body1.txt", "box.mbox!2!p.xlsx!Patients"], leaves.Select(l => l.Name));
        Assert.Contains("From the lab: DUPONT Marie", leaves[1].Text, StringComparison.Ordinal);
        Assert.Contains("\"DUPONT\"\t\"Marie\"", leaves[4].Text, StringComparison.Ordinal);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_TextStartingLikeProseWithAColon_StaysText()
    {
        var text = Encoding.UTF8.GetBytes("Note: ceci n'est pas un mail\nAutre: ligne\nEncore: une\n");

        var leaf = Assert.Single(Unpack(text, "note.txt").Leaves);

        Assert.Equal("note.txt", leaf.Name);
    }

    internal static (UnpackResult Result, List<(string Name, string Text)> Leaves) Unpack(byte[] content, string name, UnpackLimits? limits = null)
    {
        var leaves = new List<(string, string)>();
        var result = DocumentUnpacker.Unpack(new MemoryStream(content), name, limits ?? UnpackLimits.Default, (leafName, leaf) =>
        {
            leaves.Add((leafName, new UTF8Encoding(false).GetString(DocumentUnpackerTests.ReadAll(leaf)).TrimStart('\uFEFF')));
        }, CancellationToken.None);
        return (result, leaves);
    }
}
