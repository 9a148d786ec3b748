using System.Text;
using Dapper;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Canaries;

/// <summary>
/// <c>canary retire --system NAME</c> through the real command line: the system's canaries are no longer matched, the
/// other systems' still are, the list says retired, the audit log has the action (chain intact), and an export that
/// still holds a retired canary keeps it out of the patients.
/// </summary>
public sealed class CanaryRetireTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(150, seed: 3131);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task CanaryRetire_OneSystem_IsNoLongerMatchedListedAsRetiredAndAudited()
    {
        await EnrollAsync(_patients);
        var billing = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "billing", "--count", "2")).Out);
        var lis = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "2")).Out);
        var dump = WriteDump([_patients[3], billing[0], lis[1]]);
        var before = await _cli.RunAsync("scan", dump);

        var retire = await _cli.RunAsync("canary", "retire", "--system", "billing");
        var after = await _cli.RunAsync("scan", dump);
        var list = await _cli.RunAsync("canary", "list");
        var again = await _cli.RunAsync("canary", "retire", "--system", "billing");
        var verify = await _cli.RunAsync("audit", "verify");

        Assert.Contains("CANARY of system 'billing'", before.Out, StringComparison.Ordinal);
        Assert.True(retire.ExitCode == ExitCodes.Success, retire.ToString());
        Assert.Contains("2 canaries of system 'billing' retired", retire.Out, StringComparison.Ordinal);
        Assert.True(after.ExitCode == ExitCodes.Found, after.ToString());
        Assert.DoesNotContain("'billing'", after.Out, StringComparison.Ordinal);
        Assert.Contains("CANARY of system 'LIS'", after.Out, StringComparison.Ordinal); // the other system still counts
        Assert.Contains("1 patients of ours", after.Out, StringComparison.Ordinal);
        Assert.Matches(@"billing\s+2\s+\S+ \S+\s+retired \d{4}-\d{2}-\d{2} \d{2}:\d{2}", list.Out);
        Assert.Matches(@"LIS\s+2\s+\S+ \S+\s+matched", list.Out);
        Assert.Equal(ExitCodes.BadConfiguration, again.ExitCode);
        Assert.Contains("nothing retired", again.Error, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == ExitCodes.Success, verify.ToString());
        await using var db = _cli.OpenDatabase();
        var entry = await db.QuerySingleAsync<(string Actor, string Target, string Detail)>(
            "SELECT actor, target, detail FROM audit_log WHERE action = 'canary-retired'");
        Assert.StartsWith("cli:", entry.Actor, StringComparison.Ordinal);
        Assert.Equal(("canary/billing", "2 canaries no longer matched"), (entry.Target, entry.Detail));
        var needles = new PlaintextScanner(PlaintextScanner.ValuesOf([.. billing, .. lis]));
        Assert.Empty(needles.Find(list.ToString() + retire.ToString()));
    }

    [Fact]
    public async Task Enroll_ExportStillHoldingARetiredCanary_KeepsItOutOfThePatients()
    {
        await EnrollAsync(_patients);
        var backup = CanaryOutput.Parse((await _cli.RunAsync("canary", "create", "--system", "backup", "--count", "1")).Out);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("canary", "retire", "--system", "backup")).ExitCode);

        var enrolled = await EnrollAsync([.. _patients, backup[0]]);
        var scan = await _cli.RunAsync("scan", WriteDump([backup[0]]));

        Assert.Contains("Enrolled 150 patients from 151 rows", enrolled.Out, StringComparison.Ordinal);
        Assert.True(scan.ExitCode == ExitCodes.Success, scan.ToString()); // neither a canary any more nor a patient
        Assert.Contains("no patient found", scan.Out, StringComparison.Ordinal);
    }

    private async Task<CliResult> EnrollAsync(IEnumerable<SyntheticPatient> patients)
    {
        var result = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, patients, new UTF8Encoding(false)));
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        return result;
    }

    private string WriteDump(IEnumerable<SyntheticPatient> people) =>
        CanaryOutput.WriteDump(Path.Combine(_cli.Root, "dump-" + Guid.NewGuid().ToString("n") + ".csv"), people);
}
