using System.Globalization;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;

namespace LeakWatch.Service.Tests.Detection;

public sealed class ScanVerbTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Scan_DumpOfPatients_OutputsAndLogsNoValueOfTheDocument()
    {
        var patients = SyntheticPopulation.GenerateArray(300, seed: 5);
        var export = ExportFiles.Write(_cli.Root, patients);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("enroll", export)).ExitCode);
        var dump = Path.Combine(_cli.Root, "dump.csv");
        var people = patients.Take(100).Select(p => (p, false)).ToList();
        await File.WriteAllTextAsync(dump, QualityDumps.Write("lab2021", people, seed: 1), CodePagesEncoding.Windows1252);

        var text = await _cli.RunAsync("scan", dump);
        var json = await _cli.RunAsync("scan", "--json", "--min-confidence", "low", dump);

        Assert.Equal(1, text.ExitCode);
        Assert.Equal(1, json.ExitCode);
        Assert.Contains("100 patients of ours", text.Out, StringComparison.Ordinal);
        var everything = text.Out + text.Error + text.AllLogText + json.Out + json.Error + json.AllLogText;
        foreach (var p in people.Select(x => x.p))
        {
            foreach (var value in Values(p)) Assert.DoesNotContain(value, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Scan_MissingFileAndNoEnrollment_ExitTwo()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var file = Path.Combine(_cli.Root, "x.csv");
        await File.WriteAllTextAsync(file, "a;b\n1;2\n");

        var noEnrollment = await _cli.RunAsync("scan", file);
        var missing = await _cli.RunAsync("scan", Path.Combine(_cli.Root, "nope.csv"));

        Assert.Equal(2, noEnrollment.ExitCode);
        Assert.Contains("enroll", noEnrollment.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
    }

    private static IEnumerable<string> Values(SyntheticPatient p)
    {
        yield return p.Nir;
        yield return p.Nir[..13];
        yield return DumpStyle.Upper(p.BirthName);
        yield return p.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        yield return p.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        if (p.Email.Length > 0) yield return p.Email;
        if (p.Phone.Length > 0) yield return DumpStyle.PhoneDotted(p.Phone);
    }

    public void Dispose() => _cli.Dispose();
}
