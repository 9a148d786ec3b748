using System.Text.Json;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Enrollment;

public sealed class ResolveVerbTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Resolve_ReferencesOnStandardInput_PrintsTheExportIdentifiersInOrderAndNullForUnknown()
    {
        var patients = SyntheticPopulation.GenerateArray(500, seed: 12);
        var export = ExportFiles.Write(_cli.Root, patients);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", export)).ExitCode);
        Assert.True(SecretKey.TryParse(await File.ReadAllTextAsync(_cli.KeyFile), out var key));
        using var fingerprinter = new FingerprintKeys(key!).CreateFingerprinter();
        string Ref(SyntheticPatient p) => FingerprintRecipe.PatientRef(fingerprinter, p.Ipp).ToHex();
        var unknown = new string('0', 32);
        // SQLite's -wal and -shm companions come and go with connections; any other file would be something written.
        static HashSet<string> Files(string folder) =>
            Directory.GetFiles(folder).Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).ToHashSet();
        var enrolledBefore = Files(_cli.DataDirectory);
        _cli.StandardInput =
            $"{{\"patient\":\"{Ref(patients[42])}\",\"rule\":\"nir+name\"}}\n" +
            "not json\n" +
            $"{{\"patient\":\"{unknown}\"}}\n" +
            $"{{\"patient\":\"{Ref(patients[7])}\"}}\n";

        var result = await _cli.RunAsync("resolve", export);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal((Ref(patients[42]), patients[42].Ipp), (lines[0].GetProperty("patient").GetString(), lines[0].GetProperty("id").GetString()));
        Assert.Equal(unknown, lines[1].GetProperty("patient").GetString());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("id").ValueKind);
        Assert.Equal(patients[7].Ipp, lines[2].GetProperty("id").GetString());
        Assert.Contains("line 2: not a JSON object", result.Error, StringComparison.Ordinal);
        Assert.Contains("2 references resolved", result.Error, StringComparison.Ordinal);
        // Nothing written: no file appears in the data folder (SQLite may fold its WAL back into the database on close),
        // and no identifier reached a log.
        Assert.Equal(enrolledBefore, Files(_cli.DataDirectory));
        Assert.DoesNotContain(patients[42].Ipp, result.AllLogText, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
