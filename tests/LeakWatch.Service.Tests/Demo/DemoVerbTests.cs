using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Demo;

/// <summary>`leakwatch demo --once` from the built executable, in an empty folder, as a new user or a CI script runs it.</summary>
public sealed class DemoVerbTests : IDisposable
{
    private readonly ExecutableHarness _folder = new();

    [Fact]
    public async Task DemoOnce_EmptyFolder_DeliversTheAlertToItsSinksAndExitsZero()
    {
        var result = await _folder.RunAsync("demo", "--once");
        var output = result.Out;

        // Were the real settings in the environment (the harness sets them), the demo must still keep to its folder.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ALERT (webhook, signature valid): incident #", output, StringComparison.Ordinal);
        Assert.Contains("E-mail received by the SMTP sink for security@demo.invalid: \"[LeakWatch] Incident #", output, StringComparison.Ordinal);
        // Its own folder, never the real data folder or key.
        var demo = Path.Combine(_folder.Root, "demo");
        Assert.True(File.Exists(Path.Combine(demo, "data", "leakwatch.db")));
        Assert.True(File.Exists(Path.Combine(demo, "key", "leakwatch.key")));
        Assert.False(File.Exists(_folder.KeyFile));
        Assert.False(Directory.Exists(_folder.DataDirectory));
    }

    [Fact]
    public async Task Demo_FolderNamedDemoThatIsNotOurs_IsLeftAloneWithExitTwo()
    {
        var theirs = Path.Combine(_folder.Root, "demo", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(theirs)!);
        await File.WriteAllTextAsync(theirs, "not LeakWatch's");

        var result = await _folder.RunAsync("demo", "--once");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a LeakWatch demo folder", result.Error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Path.GetDirectoryName(theirs)!).Select(Path.GetFileName));
    }

    public void Dispose() => _folder.Dispose();
}
