using System.Text;
using Dapper;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Canaries;

/// <summary>
/// The shadow flags (canary values an enrolled patient shares, which count for the patient only) are the enrollment's:
/// written in its transaction, so an enrollment that fails leaves the previous one and its flags, and a scanner that
/// keeps its index between scans never blames a canary system for a real patient once the patient is enrolled.
/// </summary>
public sealed class CanaryShadowTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(200, seed: 2424);

    public void Dispose() => _cli.Dispose();

    /// <summary>Canaries for LIS, and a real person who bears the first one's names and birth date (nothing else of it).</summary>
    private async Task<(List<SyntheticPatient> Canaries, SyntheticPatient Newcomer, string Dump)> ArrangeAsync()
    {
        await EnrollAsync(_patients);
        var lis = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "2")).Out);
        var newcomer = SyntheticPopulation.Create(9999, seed: 4) with
        {
            BirthName = lis[0].BirthName, UsageName = null, FirstNames = lis[0].FirstNames, BirthDate = lis[0].BirthDate, Phone = "06 48 21 37 90",
        };
        // The newcomer's names, birth date and phone: without shadowing, the canary's name and birth date would fire too.
        var dump = CanaryOutput.WriteDump(Path.Combine(_cli.Root, "dump.csv"), [newcomer with { Nir = "", Email = "" }]);
        return (lis, newcomer, dump);
    }

    [Fact]
    public async Task Enroll_FaultBetweenTheEnrollmentAndItsShadowFlags_LeavesThePreviousEnrollmentAndFlagsAsTheyWere()
    {
        var (_, newcomer, dump) = await ArrangeAsync();
        var before = await QueryStateAsync();
        // The fault where the flags used to be written after the enrollment's commit: the enrollment is activated in the
        // transaction, then writing the first flag fails.
        await ExecuteAsync("""
            CREATE TRIGGER fail_shadow BEFORE UPDATE OF shadowed ON canary_fingerprints WHEN NEW.shadowed = 1
            BEGIN SELECT RAISE(ABORT, 'injected fault'); END
            """);

        var failed = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, [.. _patients, newcomer], new UTF8Encoding(false)));
        var after = await QueryStateAsync();
        var scan = await _cli.RunAsync("scan", "--json", dump);

        Assert.True(failed.ExitCode != ExitCodes.Success, failed.ToString());
        Assert.Equal(before, after); // the same active enrollment, no enrollment left building, no flag
        Assert.Equal((1L, 200L, 0L), (after.Enrollments, after.Patients, after.Shadowed));
        // Consistent with the enrollment that stayed: the newcomer is no patient of ours, so the canary's identity is the canary.
        Assert.Contains("\"canary\":{\"system\":\"LIS\"}", scan.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\"patient\":", scan.Out, StringComparison.Ordinal);

        await ExecuteAsync("DROP TRIGGER fail_shadow");
        await EnrollAsync([.. _patients, newcomer]);
        var done = await QueryStateAsync();
        var again = await _cli.RunAsync("scan", "--json", dump);

        Assert.Equal(201L, done.Patients);
        Assert.True(done.Shadowed > 0);
        var line = Assert.Single(again.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"patient\":", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ByARunningScannerAfterAShadowingEnrollment_FindsThePatientAndNotTheCanary()
    {
        var (_, newcomer, dump) = await ArrangeAsync();
        using var host = BuildHost();
        var scanner = host.Services.GetRequiredService<IDocumentScanner>();
        var beforeEnrollment = await ScanAsync(scanner, dump);
        Assert.Single(beforeEnrollment.Canaries); // the newcomer is not enrolled yet: the canary's identity is the canary's

        await EnrollAsync([.. _patients, newcomer]);
        var afterEnrollment = await ScanAsync(scanner, dump);

        Assert.Empty(afterEnrollment.Canaries);
        Assert.Single(afterEnrollment.Matches);
    }

    [Fact]
    public async Task Scan_EnrollmentCommittedBetweenReadingTheCanariesAndOpeningTheIndex_NeverPairsTheNewPatientsWithTheOldFlags()
    {
        var (_, newcomer, dump) = await ArrangeAsync();
        using var host = BuildHost();
        var scanner = host.Services.GetRequiredService<DocumentScanner>();
        var calls = 0;
        scanner.BetweenCanariesAndIndex = async _ =>
        {
            // A real enrollment, by another host on the same SQLite file, commits while the scanner loads: the newcomer
            // becomes a patient and the canary's name and birth date are shadowed, in one transaction.
            if (calls++ == 0) await EnrollAsync([.. _patients, newcomer]);
        };

        var result = await ScanAsync(scanner, dump);

        // Read the old flags, then the new index: the canary's identity, not shadowed by those flags, would fire beside the patient.
        Assert.Empty(result.Canaries);
        Assert.Single(result.Matches);
        Assert.Equal(2, calls); // the canaries were read again, with the enrollment the index is of
    }

    [Fact]
    public async Task Scan_EnrollmentCommittedAtEveryLoadAttempt_StopsWithAClearUsageError()
    {
        var (_, _, dump) = await ArrangeAsync();
        using var host = BuildHost();
        var scanner = host.Services.GetRequiredService<DocumentScanner>();
        var calls = 0;
        // Every attempt, another enrollment (one more patient each time) commits between the canaries and the index.
        scanner.BetweenCanariesAndIndex = async _ => await EnrollAsync([.. _patients, .. Enumerable.Range(0, ++calls).Select(i => SyntheticPopulation.Create(10_000 + i, seed: 5))]);

        var refused = await Assert.ThrowsAsync<LeakWatchException>(() => ScanAsync(scanner, dump));

        Assert.Equal(ExitCodes.BadConfiguration, refused.ExitCode);
        Assert.Contains("The active enrollment changed 5 times while the index was being loaded", refused.Message, StringComparison.Ordinal);
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task CanaryStore_ShadowFlagsWritten_ChangeTheVersionTheScannerReloadsOn()
    {
        await ArrangeAsync();
        using var host = BuildHost();
        var store = host.Services.GetRequiredService<CanaryStore>();
        var book = await store.LoadAsync(CancellationToken.None);
        var version = await store.GetVersionAsync(CancellationToken.None);

        await using (var connection = await host.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None))
        await using (var transaction = await Database.BeginWriteAsync(connection, CancellationToken.None))
        {
            await CanaryStore.SetShadowedAsync(connection, transaction, [book.Linked[0].Key], CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        Assert.NotEqual(version, await store.GetVersionAsync(CancellationToken.None));
        Assert.Equal(1, (await store.LoadAsync(CancellationToken.None)).Shadowed);
    }

    private static async Task<LeakWatch.Core.Matching.DocumentScanResult> ScanAsync(IDocumentScanner scanner, string path)
    {
        await using var stream = File.OpenRead(path);
        return Assert.Single(await scanner.ScanAsync(stream, path, CancellationToken.None));
    }

    private async Task EnrollAsync(IEnumerable<SyntheticPatient> patients)
    {
        var result = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, patients, new UTF8Encoding(false)));
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }

    private IHost BuildHost() =>
        LeakWatchHost.CreateBuilder(["--LeakWatch:DataDirectory=" + _cli.DataDirectory, "--LeakWatch:KeyFile=" + _cli.KeyFile]).Build();

    private sealed record State(long Enrollments, long ActiveId, long Patients, long Shadowed);

    private async Task<State> QueryStateAsync()
    {
        await using var connection = _cli.OpenDatabase();
        return new State(
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM enrollments"),
            await connection.ExecuteScalarAsync<long>("SELECT id FROM enrollments WHERE state = 'active'"),
            await connection.ExecuteScalarAsync<long>("SELECT patients FROM enrollments WHERE state = 'active'"),
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM canary_fingerprints WHERE shadowed <> 0"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = _cli.OpenDatabase();
        await connection.ExecuteAsync(sql);
    }
}
