using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;

namespace LeakWatch.Service.Tests.Keys;

/// <summary>Where the key is, as the file system really has it: links followed, a dangling link named as such.</summary>
public sealed class KeyPathTests : IDisposable
{
    private readonly ExecutableHarness _cli = new();

    [Fact]
    public async Task Enroll_KeyFileIsADanglingLink_RefusedNamingTheLinkAndNothingCreated()
    {
        var target = Path.Combine(_cli.Root, "unmounted", "leakwatch.key");
        Directory.CreateDirectory(Path.GetDirectoryName(_cli.KeyFile)!);
        File.CreateSymbolicLink(_cli.KeyFile, target);
        var export = ExportFiles.Write(_cli.Root, count: 50, seed: 3);

        var result = await _cli.RunAsync("enroll", export);

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains($"The key file {_cli.KeyFile} is a link to {target}, which does not exist", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(_cli.DatabasePath));
    }

    [Fact]
    public async Task AnyVerb_KeyFolderIsALinkIntoTheDataFolder_Refused()
    {
        Directory.CreateDirectory(Path.Combine(_cli.DataDirectory, "keys"));
        var linked = Path.Combine(_cli.Root, "innocent");
        Directory.CreateSymbolicLink(linked, Path.Combine(_cli.DataDirectory, "keys"));
        _cli.KeyFile = Path.Combine(linked, "leakwatch.key");

        var result = await _cli.RunAsync("key", "init");

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains("is inside LeakWatch:DataDirectory", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.KeyFile));
    }

    [Fact]
    public async Task AnyVerb_DataFolderIsALinkToTheKeysFolder_Refused()
    {
        var real = Path.Combine(_cli.Root, "real");
        Directory.CreateDirectory(real);
        var linkedData = Path.Combine(_cli.Root, "data-link");
        Directory.CreateSymbolicLink(linkedData, real);
        _cli.DataDirectory = linkedData;
        _cli.KeyFile = Path.Combine(real, "keys", "leakwatch.key");

        var result = await _cli.RunAsync("key", "init");

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains("is inside LeakWatch:DataDirectory", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.KeyFile));
    }

    public void Dispose() => _cli.Dispose();
}
