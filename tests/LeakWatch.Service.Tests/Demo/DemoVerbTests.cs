using System.Diagnostics;
using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Demo;

/// <summary>`leakwatch demo --once` from the built executable, in an empty folder, as a new user or a CI script runs it.</summary>
public sealed class DemoVerbTests : IDisposable
{
    private readonly CliHarness _folder = new();

    [Fact]
    public async Task DemoOnce_EmptyFolder_DeliversTheAlertToItsSinksAndExitsZero()
    {
        var (exit, output, error) = await RunAsync("demo", "--once");

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("ALERT (webhook, signature valid): incident #", output, StringComparison.Ordinal);
        Assert.Contains("E-mail received by the SMTP sink for security@demo.invalid: \"[LeakWatch] Incident #", output, StringComparison.Ordinal);
        // Its own folder, never the real data folder or key.
        var demo = Path.Combine(_folder.Root, "demo");
        Assert.True(File.Exists(Path.Combine(demo, "data", "leakwatch.db")));
        Assert.True(File.Exists(Path.Combine(demo, "key", "leakwatch.key")));
        Assert.False(Directory.Exists(Path.Combine(_folder.Root, "data")));
        Assert.False(File.Exists(_folder.KeyFile));
    }

    [Fact]
    public async Task Demo_FolderNamedDemoThatIsNotOurs_IsLeftAloneWithExitTwo()
    {
        var theirs = Path.Combine(_folder.Root, "demo", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(theirs)!);
        await File.WriteAllTextAsync(theirs, "not LeakWatch's");

        var (exit, _, error) = await RunAsync("demo", "--once");

        Assert.Equal(2, exit);
        Assert.Contains("is not a LeakWatch demo folder", error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Path.GetDirectoryName(theirs)!).Select(Path.GetFileName));
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "leakwatch.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Were the real settings in the environment, the demo must still keep to its folder.
        start.Environment["LeakWatch__DataDirectory"] = _folder.DataDirectory;
        start.Environment["LeakWatch__KeyFile"] = _folder.KeyFile;
        start.Environment.Remove("LEAKWATCH_KEY");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    public void Dispose() => _folder.Dispose();
}
