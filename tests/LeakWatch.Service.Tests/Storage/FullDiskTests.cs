using System.Diagnostics;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Storage;

/// <summary>
/// A full or read-only disk under the data folder: one message naming the cause and the remedy, exit 2, the active
/// enrollment intact, and the verbs that only read still working. The data folder is put on a small tmpfs when this
/// process may mount one (root); elsewhere the database's size ceiling makes SQLite answer "full" at the same place.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FullDiskTests : IDisposable
{
    private readonly ExecutableHarness _cli = new();
    private readonly string? _mount;

    public FullDiskTests()
    {
        var folder = Path.Combine(_cli.Root, "small");
        Directory.CreateDirectory(folder);
        // LEAKWATCH_TESTS_NO_MOUNT=1 runs the fallback where mounting is allowed, to check it too.
        if (Environment.GetEnvironmentVariable("LEAKWATCH_TESTS_NO_MOUNT") != "1" && Run("mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", folder) == 0)
        {
            _mount = folder;
            _cli.DataDirectory = Path.Combine(folder, "data");
        }
        else
        {
            _cli.Environment["LeakWatch__MaxDatabaseMegabytes"] = "1";
        }
    }

    [Fact]
    public async Task Enroll_DiskFills_OneMessageExit2TheActiveEnrollmentIntactAndReadingVerbsStillWork()
    {
        var patients = SyntheticPopulation.GenerateArray(20_000, seed: 77);
        var small = ExportFiles.Write(_cli.Root, patients.Take(500), name: "small.csv");
        var large = ExportFiles.Write(_cli.Root, patients, name: "large.csv");
        var first = await _cli.RunAsync("enroll", small);
        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());

        var full = await _cli.RunAsync("enroll", large);

        Assert.True(full.ExitCode == ExitCodes.BadConfiguration, full.ToString());
        Assert.Contains("the disk is full", full.Error, StringComparison.Ordinal);
        Assert.Contains("Free space", full.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", full.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", full.Error, StringComparison.Ordinal);

        // Reading needs no room: scan and key id open the database on the full disk.
        var suspect = ExportFiles.Write(_cli.Root, patients.Take(20), name: "suspect.csv");
        var scan = await _cli.RunAsync("scan", suspect);
        Assert.True(scan.ExitCode == ExitCodes.Found, scan.ToString());
        Assert.Contains("20 patients of ours", scan.Out, StringComparison.Ordinal);
        var keyId = await _cli.RunAsync("key", "id");
        Assert.True(keyId.ExitCode == ExitCodes.Success, keyId.ToString());
        var sources = await _cli.RunAsync("sources");
        Assert.True(sources.ExitCode == ExitCodes.Success, sources.ToString());

        var active = await new FingerprintStore(new Database(Options.Create(new StorageOptions { DataDirectory = _cli.DataDirectory })), TimeProvider.System)
            .GetActiveEnrollmentAsync(CancellationToken.None);
        Assert.Equal(("small.csv", 500), (active!.FileName, active.Patients));
        var values = new PlaintextScanner(PlaintextScanner.ValuesOf(patients.Take(500)));
        Assert.Empty(_cli.FindValues(values, full));
    }

    [Fact]
    public async Task Enroll_ReadOnlyDataFolder_OneMessageExit2()
    {
        var patients = SyntheticPopulation.GenerateArray(300, seed: 78);
        var export = ExportFiles.Write(_cli.Root, patients, name: "export.csv");
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", export)).ExitCode);
        if (_mount is not null)
        {
            Assert.Equal(0, Run("mount", "-o", "remount,ro", _mount));
        }
        else
        {
            // Read-only for everyone but root, who ignores file modes.
            const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            foreach (var file in Directory.EnumerateFiles(_cli.DataDirectory)) File.SetUnixFileMode(file, readable);
            File.SetUnixFileMode(_cli.DataDirectory, readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            if (Environment.IsPrivilegedProcess)
            {
                // Root without the right to mount (a CI container): the verbs run as an unprivileged user, who owns
                // the key file (its mode stays private) and meets the folder's modes as every service account would.
                Assert.Equal(0, Run("chown", NobodyIds, _cli.KeyFile, Path.GetDirectoryName(_cli.KeyFile)!));
                _cli.RunThrough = ["setpriv", "--reuid=" + Nobody, "--regid=" + Nobody, "--clear-groups"];
            }

            // The condition holds for the user the verbs run as: a write is refused.
            var probe = Path.Combine(_cli.DataDirectory, "probe");
            Assert.Equal(1, Environment.IsPrivilegedProcess ? Run("setpriv", "--reuid=" + Nobody, "--regid=" + Nobody, "--clear-groups", "touch", probe) : Run("touch", probe));
        }

        var again = await _cli.RunAsync("enroll", export);
        var scan = await _cli.RunAsync("scan", export);

        Assert.True(again.ExitCode == ExitCodes.BadConfiguration, again.ToString());
        Assert.Contains("read-only", again.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", again.Error, StringComparison.Ordinal);
        Assert.True(scan.ExitCode is ExitCodes.Found or ExitCodes.BadConfiguration, scan.ToString());
        Assert.DoesNotContain("   at ", scan.Error, StringComparison.Ordinal);
    }

    private const string Nobody = "65534";
    private const string NobodyIds = Nobody + ":" + Nobody;

    private static int Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_mount is not null) Run("umount", "-l", _mount);
        else if (Directory.Exists(_cli.DataDirectory)) File.SetUnixFileMode(_cli.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _cli.Dispose();
    }
}
