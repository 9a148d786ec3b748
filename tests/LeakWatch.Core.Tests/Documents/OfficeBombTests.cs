using System.IO.Compression;
using System.Text;
using LeakWatch.Core.Documents;
using LeakWatch.Synthetic.Documents;
using static LeakWatch.Core.Tests.Documents.OfficeDocumentTests;

namespace LeakWatch.Core.Tests.Documents;

/// <summary>Office documents, PDFs and mails are containers: the archive limits hold for them, and their own bombs are refused.</summary>
public sealed class OfficeBombTests
{
    private static readonly Table Patients = new("Patients", ["NOM", "PRENOM"], [["DUPONT", "Marie"]]);

    [Fact]
    public void Unpack_XlsxWithOneGigabyteSharedStrings_RefusedWithinTheMemoryBudget()
    {
        // 1 GB of shared strings at about 130:1, under the ratio limit: the memory budget is what stops it.
        var header = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
        var bomb = BombBuilder.Deflate(header, Encoding.UTF8.GetBytes("<si><t>AAAAAAAAAAAA</t></si>"), 1L << 30, Encoding.UTF8.GetBytes("</sst>"));
        var xlsx = BombBuilder.Replace(OfficeWriters.Xlsx([Patients]), SharedStringsPart(OfficeWriters.Xlsx([Patients])), bomb, 1L << 30);
        var limits = UnpackLimits.Default with { MaxBufferedArchiveBytes = 16 << 20 };

        var (result, _) = Unpack(xlsx, "bomb.xlsx", limits);

        Assert.Contains(result.Skipped, s => s.Reason.StartsWith("shared strings larger than 16777216 bytes", StringComparison.Ordinal));
        Assert.InRange(result.BytesDecompressed, 1, 64L << 20);
    }

    [Fact]
    public void Unpack_XlsxWhoseSharedStringsCompressAboveTheRatio_Refused()
    {
        var xml = new MemoryStream();
        using (var deflate = new DeflateStream(xml, CompressionLevel.Optimal, leaveOpen: true))
        {
            // One 64 MB string: runs of one letter compress about 1000:1.
            deflate.Write(Encoding.UTF8.GetBytes("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>"));
            var unit = new byte[1 << 20];
            unit.AsSpan().Fill((byte)'A');
            for (var i = 0; i < 64; i++) deflate.Write(unit);
        }

        var clean = OfficeWriters.Xlsx([Patients]);
        var xlsx = BombBuilder.Replace(clean, SharedStringsPart(clean), xml.ToArray(), 64L << 20);

        var (result, leaves) = Unpack(xlsx, "ratio.xlsx");

        Assert.Contains(result.Skipped, s => s.Reason.StartsWith("compression ratio above 200:1", StringComparison.Ordinal));
        Assert.Empty(leaves);
        Assert.InRange(result.BytesDecompressed, 1, 16L << 20);
    }

    [Fact]
    public void Unpack_OfficeDocumentWithTooManyEntries_RefusedByTheEntryLimit()
    {
        var (result, leaves) = Unpack(OfficeWriters.Xlsx([Patients]), "x.xlsx", UnpackLimits.Default with { MaxEntries = 3 });

        Assert.Empty(leaves);
        Assert.Contains(result.Skipped, s => s.Reason.StartsWith("more than 3 entries", StringComparison.Ordinal));
    }

    [Fact]
    public void Unpack_PdfWithADecompressionBombStream_RefusedAndNeverClean()
    {
        // A page whose content stream inflates to 1 GB of spaces.
        var bomb = new byte[] { 0x78, 0x01 }.Concat(BombBuilder.Deflate([], " "u8.ToArray(), 1L << 30, [])).ToArray();
        var pdf = HandMadePdf(claimedPages: 1, content: bomb, filter: "/FlateDecode");

        var (result, leaves) = Unpack(pdf, "bomb.pdf");

        Assert.Empty(leaves);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("bomb.pdf", skipped.Name);
        Assert.StartsWith("a PDF stream expands to more than 268435456 bytes", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_PdfClaimingAMillionPages_ReadsTheRealPageAndReportsTheRest()
    {
        var pdf = HandMadePdf(claimedPages: 1_000_000, content: Encoding.ASCII.GetBytes("BT /F1 12 Tf 72 700 Td (DUPONT Marie 12/03/1965) Tj ET"), filter: null);

        var (result, leaves) = Unpack(pdf, "pages.pdf");

        Assert.True(leaves.Count == 1, string.Join("; ", result.Skipped));
        Assert.Contains("DUPONT Marie 12/03/1965", leaves[0].Text, StringComparison.Ordinal);
        // PdfPig counts the page tree rather than trusting /Count; were a page missing, the rest would be reported, not looped on.
        Assert.All(result.Skipped, s => Assert.True(s.Partial));
    }

    [Fact]
    public void Unpack_OdsWithAFullRowRepeatedAMillionTimes_RepetitionCapped()
    {
        var content = "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " +
            "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" +
            "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"1000000\">" +
            "<table:table-cell table:number-columns-repeated=\"1024\" office:value-type=\"string\"><text:p>DUPONT</text:p></table:table-cell>" +
            "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
        var ods = ArchiveBuilder.Zip(CompressionLevel.NoCompression, ("mimetype", Encoding.ASCII.GetBytes("application/vnd.oasis.opendocument.spreadsheet")), ("content.xml", Encoding.UTF8.GetBytes(content)));

        var (result, leaves) = Unpack(ods, "bomb.ods");

        var rows = Assert.Single(leaves).Text.Count(c => c == '\n');
        Assert.InRange(rows, 1, 1_000);
        Assert.Contains(result.Skipped, s => s.Reason.StartsWith("more than 1000000 repeated cells", StringComparison.Ordinal));
    }

    [Fact]
    public void Unpack_OdsWithALongCellRepeatedAcrossColumnsAndRows_CutAndSaidNotExpanded()
    {
        // 1 KB of XML that would make 32 G characters: a 32,000-character cell repeated 16,384 times across, 61 down.
        var content = "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " +
            "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" +
            "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"61\">" +
            "<table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>" + new string('A', 32_000) + "</text:p></table:table-cell>" +
            "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
        var ods = ArchiveBuilder.Zip(CompressionLevel.Optimal, ("mimetype", Encoding.ASCII.GetBytes("application/vnd.oasis.opendocument.spreadsheet")), ("content.xml", Encoding.UTF8.GetBytes(content)));

        var (result, leaves) = Unpack(ods, "wide.ods");

        Assert.InRange(leaves.Sum(l => (long)l.Text.Length), 0, 8L << 20);
        Assert.Contains(result.Skipped, s => s.Partial && s.Reason.StartsWith("a table row longer than 65536 characters", StringComparison.Ordinal));
    }

    [Fact]
    public void Unpack_OdsWhoseRepeatedRowsMakeTooMuchTextAtOnce_CutAfterWholeRows()
    {
        // Rows of 10,000 characters repeated 1,000 times (10,000 cells, within the repeat budget): 10 M characters at once.
        var content = "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " +
            "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" +
            "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"1000\">" +
            "<table:table-cell table:number-columns-repeated=\"10\" office:value-type=\"string\"><text:p>" + new string('B', 1_000) + "</text:p></table:table-cell>" +
            "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
        var ods = ArchiveBuilder.Zip(CompressionLevel.Optimal, ("mimetype", Encoding.ASCII.GetBytes("application/vnd.oasis.opendocument.spreadsheet")), ("content.xml", Encoding.UTF8.GetBytes(content)));

        var (result, leaves) = Unpack(ods, "tall.ods");

        var text = Assert.Single(leaves).Text;
        Assert.InRange(text.Length, 1, TableText.MaxPieceChars + TableText.MaxRowChars + 64);
        Assert.EndsWith("\n", text, StringComparison.Ordinal); // whole rows only
        Assert.Contains(result.Skipped, s => s.Partial && s.Reason.StartsWith("a table whose repeated rows make more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Unpack_MailWithAZipBombAttached_RefusedByTheSameLimits()
    {
        var zeros = new MemoryStream();
        using (var zip = new ZipArchive(zeros, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry("zeros.csv", CompressionLevel.Optimal).Open())
        {
            var block = new byte[1 << 20];
            for (var i = 0; i < 64; i++) entry.Write(block);
        }

        var eml = PdfAndMailWriters.Eml(PdfAndMailWriters.Mail("X", "x@example.org", "Base", "Voir pièce jointe.", ("base.zip", zeros.ToArray())));

        var (result, leaves) = Unpack(eml, "mail.eml");

        Assert.Contains(result.Skipped, s => s.Name == "mail.eml!base.zip!zeros.csv" && s.Reason.StartsWith("compression ratio above", StringComparison.Ordinal));
        Assert.InRange(result.BytesDecompressed, 1, 32L << 20);
        Assert.Equal(["mail.eml!headers", "mail.eml!body1.txt", "mail.eml!base.zip!zeros.csv"], leaves.Select(l => l.Name));
    }

    private static string SharedStringsPart(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx));
        return zip.Entries.Single(e => e.FullName.Contains("sharedStrings", StringComparison.OrdinalIgnoreCase)).FullName;
    }

    /// <summary>A one-page PDF written by hand, with a page count that may lie and a content stream that may be a bomb.</summary>
    private static byte[] HandMadePdf(int claimedPages, byte[] content, string? filter)
    {
        var output = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => output.Write(Encoding.ASCII.GetBytes(text));
        void Object(string body)
        {
            offsets.Add(output.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }

        Write("%PDF-1.4\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object($"<< /Type /Pages /Kids [3 0 R] /Count {claimedPages} >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>");
        offsets.Add(output.Position);
        Write($"4 0 obj\n<< /Length {content.Length}{(filter is null ? "" : " /Filter " + filter)} >>\nstream\n");
        output.Write(content);
        Write("\nendstream\nendobj\n");
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        var xref = output.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) Write($"{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }
}
