using System.Text.Json;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Documents;
using Xunit.Abstractions;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// The quality bar of <see cref="DetectionQualityTests"/> for leaks that are not text: spreadsheets (.xlsx, .xlsm in the
/// 1904 system, .xls, .ods), reports (.docx, .odt, .pdf) and mails (.eml with an attachment, .mbox), end to end through the
/// built executable: 150 planted patients among strangers and namesakes, recall at least 99 %, precision at least 99.9 %.
/// </summary>
public sealed class DocumentQualityTests(ITestOutputHelper output) : IDisposable
{
    private const int BaseSize = 6_000;
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _base = SyntheticPopulation.GenerateArray(BaseSize, seed: 20210223);

    [Fact]
    public async Task Scan_EveryDocumentFormat_FindsPlantedPatientsAndOnlyThem()
    {
        var export = ExportFiles.Write(_cli.Root, _base);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", export);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        var documents = DocumentCorpus.Build(_base, plantedPerKind: 150, strangersPerKind: 150, namesakesPerKind: 100, seed: 13);
        var folder = Path.Combine(_cli.Root, "suspect");
        Directory.CreateDirectory(folder);
        foreach (var document in documents) File.WriteAllBytes(Path.Combine(folder, document.Name), document.Content);

        var scan = await _cli.RunAsync("scan", "--json", "--show-entry-names", folder); // per-document recall needs the names
        Assert.True(scan.ExitCode == 1, scan.ToString());
        _cli.StandardInput = scan.Out;
        var resolve = await _cli.RunAsync("resolve", export);
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        var ids = resolve.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .GroupBy(e => e.GetProperty("patient").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("id").GetString());
        var found = scan.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (Document: e.GetProperty("document").GetString()!, Id: ids[e.GetProperty("patient").GetString()!] ?? "?"))
            .ToList();

        var failures = new List<string>();
        foreach (var document in documents)
        {
            // Sheets, tables, bodies and attachments are reported as document!part: count them under the document.
            var path = Path.Combine(folder, document.Name);
            var reported = found.Where(f => f.Document == path || f.Document.StartsWith(path + "!", StringComparison.Ordinal)).Select(f => f.Id).ToHashSet();
            var planted = document.PlantedIpps.ToHashSet();
            var right = reported.Count(planted.Contains);
            var recall = (double)right / planted.Count;
            var precision = reported.Count == 0 ? 1 : (double)right / reported.Count;
            output.WriteLine($"{document.Name}: planted {planted.Count}, reported {reported.Count}, right {right}");
            if (recall < 0.99 || precision < 0.999)
                failures.Add($"{document.Name}: planted {planted.Count}, reported {reported.Count}, right {right} (recall {recall:P1}, precision {precision:P2})");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Scan_ScannedPdf_ReportedAsNotReadNeverClean()
    {
        var export = ExportFiles.Write(_cli.Root, _base.Take(50));
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("enroll", export)).ExitCode);
        var pdf = Path.Combine(_cli.Root, "scan.pdf");
        File.WriteAllBytes(pdf, PdfAndMailWriters.ScannedPdf(pages: 2));

        var scan = await _cli.RunAsync("scan", pdf);

        Assert.True(scan.ExitCode == ExitCodes.Partial, scan.ToString());
        Assert.Contains("no text layer", scan.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("no patient found", scan.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
