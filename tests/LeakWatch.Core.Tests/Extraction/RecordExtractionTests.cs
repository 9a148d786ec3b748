using LeakWatch.Core.Normalization;
using LeakWatch.Synthetic;
using System.Text;
using LeakWatch.Core.Documents;
using LeakWatch.Core.Extraction;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class RecordExtractionTests
{
    [Theory]
    [InlineData("nom;prenom\nDUPONT;Marie\nMARTIN;Paul\n", "x.txt", "Delimited")]
    [InlineData("INSERT INTO t VALUES (1);", "x.txt", "Sql")]
    [InlineData("-- dump\n\nCREATE TABLE t (a int);", "x.dat", "Sql")]
    [InlineData("  [{\"a\": 1}]", "x.csv", "Json")]
    [InlineData("{\"a\": 1}\n{\"a\": 2}\n", "x.txt", "JsonLines")]
    [InlineData("{\n  \"a\": 1\n}\n", "x.txt", "Json")]
    [InlineData("MSH|^~\\&|A|B\rPID|1", "x.txt", "Hl7")]
    [InlineData("H|~^\\&|X\nP|1|", "x.txt", "Hprim")]
    [InlineData("<!DOCTYPE html><html><body>x</body></html>", "x.txt", "Html")]
    [InlineData("<?xml version=\"1.0\"?><Patient/>", "x.txt", "Xml")]
    [InlineData("Bonjour, je vends une base de patients.", "x.txt", "FreeText")]
    [InlineData("no idea", "dump.sql.gz", "Sql")]
    [InlineData("{pseudo} a dit : DUPONT Marie, 12/03/1965", "x.txt", "FreeText")]
    [InlineData("[2024-01-01 12:00] login DUPONT", "x.log", "FreeText")]
    public void Detect_ContentFirstThenExtension(string head, string name, string expected)
    {
        Assert.Equal(Enum.Parse<DocumentFormat>(expected), FormatDetector.Detect(head, name, headIsComplete: true).Format);
    }

    [Theory]
    [InlineData("a.zip!dump.CSV.gz", ".csv")]
    [InlineData("archive.tgz", ".tar")]
    [InlineData("dir/file", "")]
    [InlineData(null, "")]
    public void Extension_IgnoresCompressionSuffixesAndArchivePath(string? name, string expected)
    {
        Assert.Equal(expected, FormatDetector.Extension(name));
    }

    [Fact]
    public void Extract_Windows1252Csv_IsDecodedAndSaysSo()
    {
        var bytes = TextDecoding.Windows1252.GetBytes("NOM;PRENOM;DDN\r\nDUPONT;Hélène;12/03/1965\r\nLEFÈVRE;Noël;01/01/1970\r\n");

        var (summary, records) = ExtractionHarness.Extract(bytes, "export.csv");

        Assert.Equal("windows-1252", summary.Encoding);
        Assert.Equal(2, summary.Records);
        Assert.Equal("Hélène", records[0].ValueOf(FieldHint.FirstName));
        Assert.Equal("LEFÈVRE", records[1].ValueOf(FieldHint.LastName));
        Assert.Equal(bytes.Length, summary.Chars);
    }

    [Fact]
    public void Extract_Utf16WithBom_IsDecoded()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("nom\tprenom\nDUPONT\tZoé\nMARTIN\tLéa\n")).ToArray();

        var (summary, records) = ExtractionHarness.Extract(bytes, "x.tsv");

        Assert.Equal("utf-16le", summary.Encoding);
        Assert.Equal("Zoé", records[0].ValueOf(FieldHint.FirstName));
        Assert.Equal(0, records.Count(r => r.Text.Contains('\uFEFF', StringComparison.Ordinal)));
    }

    [Fact]
    public void Extract_BinaryContent_IsSkippedWithAReason()
    {
        var bytes = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52 };

        var (summary, records) = ExtractionHarness.Extract(bytes, "image.png");

        Assert.Equal(DocumentFormat.Binary, summary.Format);
        Assert.Empty(records);
        Assert.NotNull(summary.Problem);
    }

    [Fact]
    public void Extract_Cancelled_Throws()
    {
        var stream = new RepeatingStream([], "a;b;c\n"u8.ToArray(), 50_000_000);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            RecordExtraction.Extract(stream, "x.csv", new RecordCollector().Writer, cancelled.Token));
    }

    /// <summary>
    /// A quarter of a gigabyte made as it is read: nothing of it may stay in memory. The 2 GiB run (too slow for a Debug
    /// test run on a busy machine) is the "extract" benchmark of LeakWatch.Benchmarks.
    /// </summary>
    [Fact]
    public void Extract_QuarterGigabyteOfDelimitedText_StreamsInBoundedMemory()
    {
        const long size = 256L * 1024 * 1024;
        var header = Encoding.ASCII.GetBytes("IPP;NOM;PRENOM;DATE_NAISSANCE;NIR;TELEPHONE;VILLE;EXAMEN;RESULTAT;COMMENTAIRE\r\n");
        var block = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            block.Append(i).Append(";DUPONT;Marie;12/03/1965;265037511212382;0612345678;RENNES;NFS;NORMAL;RAS\r\n");
        }

        var blockBytes = Encoding.ASCII.GetBytes(block.ToString());
        var blocks = size / blockBytes.Length;
        var stream = new RepeatingStream(header, blockBytes, header.Length + (blocks * blockBytes.Length));

        var pool = new Stack<RecordBatch>();
        long records = 0;
        var writer = new RecordWriter(() => pool.Count > 0 ? pool.Pop() : new RecordBatch(), batch =>
        {
            records += batch.Count;
            batch.Clear();
            pool.Push(batch);
        });
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var summary = RecordExtraction.Extract(stream, "dump.csv", writer, CancellationToken.None);
        writer.Flush();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(DocumentFormat.Delimited, summary.Format);
        Assert.Equal(blocks * 1000, records);
        Assert.Equal(stream.Length, stream.Position);
        Assert.True(allocated < 16L * 1024 * 1024, $"extraction allocated {allocated / (1024 * 1024)} MiB for 256 MiB of text");
    }
}
