using System.Globalization;
using System.Text;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Canaries;

/// <summary>
/// Canaries through the real command line, on a real SQLite file: made, printed once, found in a dump and named by
/// their system, kept apart from the patients when the lab's export is enrolled, and never written anywhere.
/// </summary>
public sealed class CanaryTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(300, seed: 1515);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task CanaryCreate_WithPatientsEnrolled_PrintsRealLookingIdentitiesOnceAndListShowsNoValue()
    {
        await EnrollAsync(_patients);

        var created = await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "6");
        var list = await _cli.RunAsync("canary", "list");

        Assert.True(created.ExitCode == ExitCodes.Success, created.ToString());
        var canaries = CanaryOutput.Parse(created.Out);
        Assert.Equal(6, canaries.Count);
        foreach (var c in canaries)
        {
            Assert.Equal(15, c.Nir.Length);
            Assert.NotNull(NirNormalizer.Body(c.Nir)); // the key is valid
            Assert.Equal(c.Sex == 'F' ? '2' : '1', c.Nir[0]);
            Assert.Equal(c.BirthDate.ToString("yyMM", CultureInfo.InvariantCulture), c.Nir[1..5]);
            Assert.StartsWith("+336", PhoneNormalizer.ToE164(c.Phone), StringComparison.Ordinal);
            Assert.NotNull(EmailNormalizer.Normalize(c.Email));
            Assert.NotNull(NameNormalizer.Compact(c.BirthName));
        }
        Assert.Equal(6, canaries.Select(c => c.Nir).Distinct().Count());
        Assert.Contains("printed this once", created.Error, StringComparison.Ordinal);

        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        var line = Assert.Single(list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("LIS", StringComparison.Ordinal));
        Assert.Matches(@"^LIS\s+6\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+matched\s*$", line);

        // The values were on standard output once: nowhere else, not in the list, the logs or the data folder.
        var needles = new PlaintextScanner(PlaintextScanner.ValuesOf(canaries));
        Assert.Empty(needles.Find(list.ToString()));
        Assert.Empty(needles.Find(created.Error + created.AllLogText));
        Assert.NotEmpty(needles.Find(created.Out)); // the needles do find the values where they are
        AssertDataFolderHoldsNone(needles);
    }

    [Fact]
    public async Task Scan_DumpHoldingOneCanary_NamesTheSystemItWasMadeFor()
    {
        await EnrollAsync(_patients);
        var lis = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "3")).Out);
        var billing = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "billing", "--count", "3")).Out);
        // A dump of strangers with one billing canary among them: the leak came from billing.
        var strangers = SyntheticPopulation.GenerateArray(40, seed: 77);
        var dump = WriteDump("dump.csv", [.. strangers.Take(20), billing[1], .. strangers.Skip(20)]);

        var scan = await _cli.RunAsync("scan", dump);
        var json = await _cli.RunAsync("scan", "--json", dump);

        Assert.True(scan.ExitCode == 1, scan.ToString()); // found: the canary is ours
        Assert.Contains("CANARY of system 'billing' found (1 canaries", scan.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("'LIS'", scan.Out, StringComparison.Ordinal);
        Assert.Contains("no patient found", scan.Out, StringComparison.Ordinal); // a canary is not a patient
        var canaryLine = Assert.Single(json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"canary\":{\"system\":\"billing\"}", canaryLine, StringComparison.Ordinal);
        Assert.Contains("\"confidence\":\"high\"", canaryLine, StringComparison.Ordinal);
        Assert.DoesNotContain("\"patient\"", canaryLine, StringComparison.Ordinal);
        var needles = new PlaintextScanner(PlaintextScanner.ValuesOf([.. lis, .. billing]));
        Assert.Empty(needles.Find(scan.ToString() + json.ToString()));
    }

    [Fact]
    public async Task Enroll_AgainAfterCanaries_KeepsThemAndAnExportHoldingOneKeepsItACanary()
    {
        await EnrollAsync(_patients);
        var lis = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "2")).Out);

        // The lab planted the canaries in its LIS and exports from it: they come back in the export.
        var enrolled = await EnrollAsync([.. _patients, .. lis]);
        var dump = WriteDump("dump.csv", [_patients[5], lis[0]]);
        var scan = await _cli.RunAsync("scan", "--json", dump);

        Assert.Contains("Enrolled 300 patients from 302 rows", enrolled.Out, StringComparison.Ordinal);
        Assert.Contains("canaries: 2 rows of the export are canaries of system 'LIS'", enrolled.Out, StringComparison.Ordinal);
        var lines = scan.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Single(lines, l => l.Contains("\"canary\":{\"system\":\"LIS\"}", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("\"patient\":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enroll_PatientSharingACanarysIdentity_IsEnrolledSaidAndTheSharedValueCountsForThePatientOnly()
    {
        await EnrollAsync(_patients);
        var lis = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "2")).Out);
        // A new patient, a real person, who happens to bear a canary's names and birth date (nothing else of it).
        var newcomer = SyntheticPopulation.Create(9999, seed: 4) with
        {
            BirthName = lis[0].BirthName, UsageName = null, FirstNames = lis[0].FirstNames, BirthDate = lis[0].BirthDate, Phone = "06 48 21 37 90",
        };

        var enrolled = await EnrollAsync([.. _patients, newcomer]);
        // The patient's names, birth date and phone: without shadowing, the canary's name and birth date would fire too.
        var dump = WriteDump("dump.csv", [newcomer with { Nir = "", Email = "" }]);
        var scan = await _cli.RunAsync("scan", "--json", dump);

        Assert.Contains("Enrolled 301 patients", enrolled.Out, StringComparison.Ordinal);
        Assert.Contains("WARNING: 1 enrolled patients share a name and birth date with a canary of system 'LIS'", enrolled.Out, StringComparison.Ordinal);
        Assert.Contains(enrolled.Logs, l => l.Id.Id == 203);
        var line = Assert.Single(scan.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"patient\":", line, StringComparison.Ordinal);
        Assert.Contains("identity", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanaryMaker_CandidateSharingAPatientsPhone_IsDrawnAgain()
    {
        await EnrollAsync(_patients);
        using var host = BuildHost();
        var maker = host.Services.GetRequiredService<CanaryMaker>();
        var draws = 0;
        maker.Generator = domain =>
        {
            var canary = CanaryGenerator.Next(domain);
            // The first candidate shares a phone with an enrolled patient: it must be refused.
            return draws++ == 0 ? canary with { Phone = _patients[10].Phone } : canary;
        };

        var batch = await maker.CreateAsync("LIS", 1, "labo.example", CancellationToken.None);

        Assert.Equal(1, batch.Regenerated);
        Assert.True(batch.CheckedAgainstPatients);
        var canary = Assert.Single(batch.Identities);
        Assert.NotEqual(_patients[10].Phone, canary.Phone);
        Assert.EndsWith("@labo.example", canary.Email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanaryMaker_IndexFileMissing_ChecksCollisionsThroughTheRebuiltIndexFile()
    {
        await EnrollAsync(_patients);
        // The enrolled base is read through the index file (mapped, bounded memory), not loaded whole: without it, the
        // file is built again first, and a candidate sharing an enrolled patient's e-mail is still refused.
        foreach (var file in Directory.GetFiles(_cli.DataDirectory, "fingerprints-*.index")) File.Delete(file);
        using var host = BuildHost();
        var maker = host.Services.GetRequiredService<CanaryMaker>();
        var draws = 0;
        maker.Generator = domain => draws++ == 0 ? CanaryGenerator.Next(domain) with { Email = _patients[20].Email } : CanaryGenerator.Next(domain);

        var batch = await maker.CreateAsync("backup", 2, null, CancellationToken.None);

        Assert.Equal(1, batch.Regenerated);
        Assert.Single(Directory.GetFiles(_cli.DataDirectory, "fingerprints-*.index"));
        Assert.DoesNotContain(batch.Identities, c => c.Email == _patients[20].Email);
    }

    [Theory]
    [InlineData("--system", "", "--count", "2", "--system must be")]
    [InlineData("--system", "Billing, backup", "--count", "2", "without a comma")]
    [InlineData("--system", "LIS", "--count", "0", "--count must be between 1 and 1000")]
    [InlineData("--system", "LIS", "--email-domain", "not a domain", "--email-domain must be")]
    public async Task CanaryCreate_BadArgument_ExitsTwoAndStoresNothing(string a, string b, string c, string d, string message)
    {
        var result = await _cli.RunAsync("canary", "create", a, b, c, d);
        var list = await _cli.RunAsync("canary", "list");

        Assert.Equal(ExitCodes.BadConfiguration, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
        Assert.Contains("No canaries yet", list.Out, StringComparison.Ordinal);
    }

    private async Task<CliResult> EnrollAsync(IEnumerable<SyntheticPatient> patients)
    {
        var export = ExportFiles.Write(_cli.Root, patients, new UTF8Encoding(false));
        var result = await _cli.RunAsync("enroll", export);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        return result;
    }

    /// <summary>The host every verb runs in, on this test's data folder and key.</summary>
    private IHost BuildHost() =>
        LeakWatchHost.CreateBuilder(["--LeakWatch:DataDirectory=" + _cli.DataDirectory, "--LeakWatch:KeyFile=" + _cli.KeyFile]).Build();

    private string WriteDump(string name, IEnumerable<SyntheticPatient> people) => CanaryOutput.WriteDump(Path.Combine(_cli.Root, name), people);

    private void AssertDataFolderHoldsNone(PlaintextScanner needles)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(_cli.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("leakwatch.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var found = needles.Find(File.ReadAllBytes(file));
            Assert.True(found.Count == 0, $"{Path.GetFileName(file)} holds canary values: {string.Join(", ", found.Take(5))}");
        }
        // Nor any temporary file of ours.
        Assert.Empty(Directory.GetFiles(_cli.Root, "*.tmp", SearchOption.AllDirectories));
    }
}

/// <summary>Reads what <c>canary create</c> printed.</summary>
internal static class CanaryOutput
{
    /// <summary>The canaries printed by <c>canary create</c>, as patients (the export and dump writers take those).</summary>
    public static List<SyntheticPatient> Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("NOM;PRENOMS;SEXE;DATE_NAISSANCE;NIR;TELEPHONE;EMAIL", lines[0]);
        return [.. lines.Skip(1).Select((line, i) =>
        {
            var f = line.Split(';');
            var birth = DateOnly.ParseExact(f[3], "dd/MM/yyyy", CultureInfo.InvariantCulture);
            return new SyntheticPatient($"CAN{i:D4}", f[0], null, f[1], f[2][0], birth, f[4], f[5], f[6], "", "", "");
        })];
    }

    /// <summary>A dump of <paramref name="people"/> (names, birth date, NIR, phone, e-mail) at <paramref name="path"/>.</summary>
    public static string WriteDump(string path, IEnumerable<SyntheticPatient> people)
    {
        var text = new StringBuilder("nom;prenom;date_naissance;nir;telephone;email\n");
        foreach (var p in people)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.BirthName};{p.FirstNames};{p.BirthDate:dd/MM/yyyy};{p.Nir};{p.Phone};{p.Email}\n");
        }
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }
}
