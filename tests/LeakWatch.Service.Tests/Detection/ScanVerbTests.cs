using System.Globalization;
using LeakWatch.Service.CommandLine;
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

    [Fact]
    public async Task Scan_FolderWithUnreadableSubfolderAndLink_ReportsThemMaskedExitThree()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes and setpriv; Windows folders are guarded by ACLs
        using var exe = new ExecutableHarness();
        Assert.Equal(0, (await exe.RunAsync("key", "init")).ExitCode);
        Assert.Equal(0, (await exe.RunAsync("enroll", ExportFiles.Write(exe.Root, SyntheticPopulation.GenerateArray(50, seed: 4242)))).ExitCode);
        var folder = Path.Combine(exe.Root, "incoming");
        var locked = Path.Combine(folder, "DUPONT Marie");
        Directory.CreateDirectory(locked);
        await File.WriteAllTextAsync(Path.Combine(folder, "clean.txt"), "nothing of a patient here\n");
        await File.WriteAllTextAsync(Path.Combine(locked, "dossier.csv"), "a;b\n1;2\n");
        File.CreateSymbolicLink(Path.Combine(folder, "MARTIN Paul"), Path.Combine(folder, "clean.txt"));
        if (Environment.IsPrivilegedProcess)
        {
            // Root reads through any mode: the verb runs as an unprivileged user, who owns everything but the locked folder's content.
            Assert.Equal(0, Run("chown", "-R", "65534:65534", exe.Root));
            exe.RunThrough = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
        }
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            // The condition holds for the user the verb runs as: the folder cannot be listed.
            Assert.NotEqual(0, Environment.IsPrivilegedProcess ? Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ls", locked) : Run("ls", locked));

            var scan = await exe.RunAsync("scan", folder);

            Assert.True(scan.ExitCode == ExitCodes.Partial, scan.ToString());
            Assert.Contains($"cannot list folder {TestHashes.FromKeyFile(exe.KeyFile).Names.MaskBelow(folder, locked)} (UnauthorizedAccessException)", scan.Error, StringComparison.Ordinal);
            Assert.Contains($"{TestHashes.FromKeyFile(exe.KeyFile).Names.MaskBelow(folder, Path.Combine(folder, "MARTIN Paul"))} is a link: not followed", scan.Error, StringComparison.Ordinal);
            Assert.Contains("could not be read whole", scan.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("DUPONT", scan.Error + scan.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("MARTIN", scan.Error + scan.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static int Run(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
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
