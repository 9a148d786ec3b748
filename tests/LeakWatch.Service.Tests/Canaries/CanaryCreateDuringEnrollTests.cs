using System.Diagnostics;
using System.Text;
using Dapper;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Tests.Canaries;

/// <summary>
/// <c>canary create</c> checks its canaries against the enrolled base; while an <c>enroll</c> (another process) builds a
/// new base, that base cannot be checked, so the two never run together: a canary is never made that a patient of the
/// new base shares a value with.
/// </summary>
public sealed class CanaryCreateDuringEnrollTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly ExecutableHarness _exe = new();

    public CanaryCreateDuringEnrollTests()
    {
        _exe.DataDirectory = _cli.DataDirectory;
        _exe.KeyFile = _cli.KeyFile;
    }

    public void Dispose()
    {
        _exe.Dispose();
        _cli.Dispose();
    }

    [LinuxFact("the export is a named pipe (mkfifo), so the enrollment waits midway for the rest")]
    public async Task CanaryCreate_WhileAnotherProcessEnrolls_IsRefusedAndOnceEnrolledIsCheckedAgainstTheNewBase()
    {
        var patients = SyntheticPopulation.GenerateArray(12_000, seed: 3131);
        var enrolled = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, patients.Take(200), new UTF8Encoding(false)));
        Assert.True(enrolled.ExitCode == ExitCodes.Success, enrolled.ToString());
        // The new export adds patients; the first candidate canary shares the phone of one of them, enrolled by no base yet.
        var newcomer = patients[^1];
        var export = await File.ReadAllBytesAsync(ExportFiles.Write(_cli.Root, patients, new UTF8Encoding(false), name: "new.csv"));
        var firstPart = Array.LastIndexOf(export, (byte)'\n', (1 << 20) - 1) + 1;
        var pipe = Path.Combine(_cli.Root, "piped.csv");
        Mkfifo(pipe);

        var enrolling = _exe.RunAsync("enroll", pipe);
        using var host = LeakWatchHost.CreateBuilder(["--LeakWatch:DataDirectory=" + _cli.DataDirectory, "--LeakWatch:KeyFile=" + _cli.KeyFile]).Build();
        var maker = host.Services.GetRequiredService<CanaryMaker>();
        var draws = 0;
        maker.Generator = domain => draws++ == 0 ? CanaryGenerator.Next(domain) with { Phone = newcomer.Phone } : CanaryGenerator.Next(domain);
        LeakWatchException refused;
        // Opening a pipe for writing waits for its reader: the enrollment's process.
        var opening = Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write));
        Assert.Same(opening, await Task.WhenAny(opening, enrolling));
        await using (var writer = await opening)
        {
            // A megabyte written is a megabyte read, less what the pipe holds: the enrollment is past its header, writing rows.
            await writer.WriteAsync(export.AsMemory(0, firstPart));
            await writer.FlushAsync();
            Assert.Equal(1L, await CountAsync("SELECT count(*) FROM enrollments WHERE state = 'building'"));

            refused = await Assert.ThrowsAsync<LeakWatchException>(() => maker.CreateAsync("LIS", 1, null, CancellationToken.None));

            await writer.WriteAsync(export.AsMemory(firstPart));
        }
        var done = await enrolling;

        Assert.Contains("Another enrollment or canary creation is running", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM canary_sets"));
        Assert.True(done.ExitCode == ExitCodes.Success, done.ToString());
        Assert.Contains("Enrolled 12,000 patients", done.Out, StringComparison.Ordinal);
        draws = 0;
        var batch = await maker.CreateAsync("LIS", 1, null, CancellationToken.None);
        Assert.Equal(1, batch.Regenerated); // the newcomer's phone, now enrolled, was refused
        Assert.NotEqual(newcomer.Phone, Assert.Single(batch.Identities).Phone);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = _cli.OpenDatabase();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static void Mkfifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "mkfifo failed: " + error);
    }
}
