using System.Globalization;
using System.Text;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.EarlyWarning;

/// <summary>Documents shaped like French health data with none of our patients: counted by the real scan, said with counts only.</summary>
public sealed class SuspiciousDumpTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(50, seed: 31);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Scan_DumpOf10000ValidNirsNoneOurs_SaysSuspiciousWithCountsOnly()
    {
        await EnrollAsync();
        var nirs = Nirs(10_000);
        var dump = Write("nirs.csv", "nir;examen\n" + string.Concat(nirs.Select(n => n + ";NFS\n")));

        var scan = await _cli.RunAsync("scan", dump);
        var json = await _cli.RunAsync("scan", "--json", dump);

        Assert.True(scan.ExitCode == ExitCodes.Success, scan.ToString()); // none of ours: not "found"
        Assert.Contains("suspicious dump, none of our patients: 10000 records with a valid NIR", scan.Out, StringComparison.Ordinal);
        var line = Assert.Single(json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"suspicious\":{\"records\":10000,\"validNirRecords\":10000,\"identityRecords\":0}", line, StringComparison.Ordinal);
        var needles = new PlaintextScanner(nirs.Take(500).Concat(nirs.Take(500).Select(n => n[..13])));
        Assert.Empty(needles.Find(scan.ToString() + json.ToString()));
    }

    [Fact]
    public async Task Scan_NirBodiesWithoutKeyOrDumpWithOneOfOurs_IsNotSuspicious()
    {
        await EnrollAsync();
        var nirs = Nirs(2_000);
        var bodies = Write("bodies.csv", "nir\n" + string.Concat(nirs.Select(n => n[..13] + "\n")));
        var withOurs = Write("ours.csv", "nom;prenom;date_naissance;nir\n" + string.Concat(nirs.Select(n => "X;Y;01/01/1970;" + n + "\n"))
            + $"{_patients[3].BirthName};{_patients[3].FirstNames};{_patients[3].BirthDate:dd/MM/yyyy};{_patients[3].Nir}\n");

        var scanBodies = await _cli.RunAsync("scan", "--json", bodies);
        var scanOurs = await _cli.RunAsync("scan", "--json", withOurs);

        Assert.Equal(ExitCodes.Success, scanBodies.ExitCode);
        Assert.Empty(scanBodies.Out); // 13 digits carry no key to check: not counted as valid NIRs
        Assert.Equal(1, scanOurs.ExitCode);
        var line = Assert.Single(scanOurs.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"patient\":", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_IdentityRowsNoneOursAboveTheThreshold_SaysSuspicious()
    {
        await EnrollAsync();
        _cli.Settings["LeakWatch:EarlyWarning:SuspiciousDump:MinIdentityRows"] = "100";
        var strangers = SyntheticPopulation.GenerateArray(150, seed: 4040);
        var dump = Write("people.csv", "nom;prenom;date_naissance;ville\n" +
            string.Concat(strangers.Select(p => $"{p.BirthName};{p.FirstNames};{p.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)};{p.City}\n")));

        var json = await _cli.RunAsync("scan", "--json", dump);

        var line = Assert.Single(json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"identityRecords\":150", line, StringComparison.Ordinal);
    }

    private async Task EnrollAsync()
    {
        var result = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _patients, new UTF8Encoding(false)));
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }

    private List<string> Nirs(int count) => ForeignNirs.Make(count, _patients);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_cli.Root, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}

/// <summary>NIRs of strangers: distinct, keys valid, none of them the given people's.</summary>
internal static class ForeignNirs
{
    public static List<string> Make(int count, IEnumerable<SyntheticPatient> ours)
    {
        var theirs = ours.Select(p => p.Nir).ToHashSet(StringComparer.Ordinal);
        var nirs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; nirs.Count < count; i++)
        {
            var nir = CanaryGenerator.Nir(i % 2 == 0, new DateOnly(1940 + i % 60, 1 + i % 12, 1 + i % 28));
            if (!theirs.Contains(nir)) nirs.Add(nir);
        }
        return [.. nirs];
    }
}
