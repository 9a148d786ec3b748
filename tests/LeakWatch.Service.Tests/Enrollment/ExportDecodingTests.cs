using System.Text;
using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Enrollment;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Enrollment;

/// <summary>
/// Enrollment and detection read text with the one decoder of Core: the same bytes give the same encoding, so a name
/// enrolled from an export is the name a scan of that export reads.
/// </summary>
public sealed class ExportDecodingTests
{
    private static readonly string Text = LabExportWriter.Header + "\r\n" +
        "1;LEFÈVRE;;Hélène;F;12/03/1965;75056;;;;;75011;Paris\r\n2;ŒDIPE;;Zoé;F;01/01/1970;75056;;;;;75011;Paris\r\n";

    public static TheoryData<string> Inputs => ["utf-8", "utf-8-bom", "utf-8-broken", "windows-1252", "utf-16le-bom"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Open_SameBytesAsAScan_ChoosesTheSameEncoding(string input)
    {
        var bytes = Bytes(input);

        using var export = ExportReader.Open(new MemoryStream(bytes), new ExportFormat(), h => ColumnNames.Classify(h));
        var patients = export.ReadPatients().ToList();
        var scanned = RecordExtraction.Extract(new MemoryStream(bytes), "export.csv", NoRecords(), CancellationToken.None);

        Assert.Equal(scanned.Encoding, export.EncodingName);
        Assert.Equal(input.StartsWith("utf-16", StringComparison.Ordinal) ? "utf-16le" : input.StartsWith("utf-8", StringComparison.Ordinal) ? "utf-8" : "windows-1252", export.EncodingName);
        Assert.Equal(["Hélène", "Zoé"], patients.Select(p => p.FirstNames));
    }

    [Fact]
    public void Open_Utf8WithABrokenByte_CountsItOnItsLine()
    {
        using var export = ExportReader.Open(new MemoryStream(Bytes("utf-8-broken")), new ExportFormat(), h => ColumnNames.Classify(h));
        _ = export.ReadPatients().ToList();

        Assert.Equal(1, export.Problems.InvalidSequences);
        Assert.Equal([3L], export.Problems.InvalidLineNumbers);
    }

    [Fact]
    public void Open_EncodingNoDecoderReads_IsAConfigurationError()
    {
        var error = Assert.Throws<LeakWatchException>(() =>
            ExportReader.Open(new MemoryStream(Bytes("utf-8")), new ExportFormat(EncodingName: "koi8-r"), h => ColumnNames.Classify(h)));

        Assert.Equal(ExitCodes.BadConfiguration, error.ExitCode);
        Assert.Contains("--encoding: 'koi8-r'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DeclaredWindows1252_WinsOverValidUtf8()
    {
        using var export = ExportReader.Open(new MemoryStream(Bytes("utf-8")), new ExportFormat(EncodingName: "windows-1252"), h => ColumnNames.Classify(h));

        Assert.Equal("windows-1252", export.EncodingName);
        Assert.Equal("HÃ©lÃ¨ne", export.ReadPatients().First().FirstNames);
    }

    private static byte[] Bytes(string input) => input switch
    {
        "utf-8" => Encoding.UTF8.GetBytes(Text),
        "utf-8-bom" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Text)],
        // A corrupted byte at the start of line 3, right after the first accents.
        "utf-8-broken" => [.. Encoding.UTF8.GetBytes(Text[..Text.IndexOf("2;", StringComparison.Ordinal)]), 0xFF, .. Encoding.UTF8.GetBytes(Text[Text.IndexOf("2;", StringComparison.Ordinal)..])],
        "windows-1252" => LabExportWriter.Windows1252.GetBytes(Text),
        _ => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Text)],
    };

    private static RecordWriter NoRecords() => new(() => new RecordBatch(), batch => batch.Clear());
}
