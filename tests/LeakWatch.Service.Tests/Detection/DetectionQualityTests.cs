using System.Text.Json;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// End to end through the real verbs: enroll a synthetic base, scan leaked files of every kind (archives included),
/// resolve the references, and compare with what was planted. The quality bar of the product: at least 99% of the
/// planted patients found, at least 99.9% of the reported ones right, and namesakes never taken for patients.
/// </summary>
public sealed class DetectionQualityTests : IDisposable
{
    private const int BaseSize = 6_000;
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _base = SyntheticPopulation.GenerateArray(BaseSize, seed: 20210223);

    [Fact]
    public async Task Scan_EveryKindOfLeak_FindsPlantedPatientsAndOnlyThem()
    {
        var export = await EnrollAsync();
        var documents = QualityCorpus.Build(_base, plantedPerKind: 150, strangersPerKind: 150, namesakesPerKind: 100, seed: 7);
        var folder = WriteAll(documents);

        var scan = await _cli.RunAsync("scan", "--json", "--show-entry-names", folder); // per-document recall needs the names
        Assert.True(scan.ExitCode == 1, scan.ToString());
        var found = await ResolveAsync(export, scan.Out);

        var failures = new List<string>();
        foreach (var document in documents)
        {
            // Archive entries are reported as archive!entry: count them under the archive.
            var reported = found.Where(f => f.Document == Path.Combine(folder, document.Name) || f.Document.StartsWith(Path.Combine(folder, document.Name) + "!", StringComparison.Ordinal))
                .Select(f => f.Id).ToHashSet();
            var planted = document.PlantedIpps.ToHashSet();
            var right = reported.Count(planted.Contains);
            var recall = (double)right / planted.Count;
            var precision = reported.Count == 0 ? 1 : (double)right / reported.Count;
            if (recall < 0.99 || precision < 0.999)
            {
                failures.Add($"{document.Name}: planted {planted.Count}, reported {reported.Count}, right {right} (recall {recall:P1}, precision {precision:P2})");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Scan_StrangersWithPatientsNames_FindsNobody()
    {
        await EnrollAsync();
        var strangers = QualityCorpus.StrangersOnly(_base, count: 4_850, namesakes: 300, seed: 11);
        var folder = WriteAll([strangers]);

        var scan = await _cli.RunAsync("scan", "--json", "--show-entry-names", folder); // per-document recall needs the names

        Assert.True(scan.ExitCode == 0, scan.ToString());
        Assert.Equal("", scan.Out);
    }

    private async Task<string> EnrollAsync()
    {
        var export = ExportFiles.Write(_cli.Root, _base);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", export);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        return export;
    }

    private string WriteAll(IEnumerable<PlantedDocument> documents)
    {
        var folder = Path.Combine(_cli.Root, "suspect");
        Directory.CreateDirectory(folder);
        foreach (var document in documents) File.WriteAllBytes(Path.Combine(folder, document.Name), document.Content);
        return folder;
    }

    private async Task<List<(string Document, string Id)>> ResolveAsync(string export, string scanJson)
    {
        _cli.StandardInput = scanJson;
        var resolve = await _cli.RunAsync("resolve", export);
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        var ids = resolve.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .GroupBy(e => e.GetProperty("patient").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("id").GetString());
        return [.. scanJson.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (e.GetProperty("document").GetString()!, ids[e.GetProperty("patient").GetString()!] ?? "?"))];
    }

    public void Dispose() => _cli.Dispose();
}
