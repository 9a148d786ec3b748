using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Hosting;

namespace LeakWatch.Service.Tests.Hosting;

public sealed class ConfigurationTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task AnyVerb_DataDirectoryIsAFile_StopsNamingTheSetting()
    {
        var file = Path.Combine(_cli.Root, "not-a-folder");
        await File.WriteAllTextAsync(file, "");
        _cli.DataDirectory = file;

        var run = await _cli.RunAsync("run");
        var keyInit = await _cli.RunAsync("key", "init");

        Assert.Equal(ExitCodes.BadConfiguration, run.ExitCode);
        Assert.Contains("LeakWatch:DataDirectory", run.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadConfiguration, keyInit.ExitCode);
        Assert.Contains("LeakWatch:DataDirectory", keyInit.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.KeyFile));
    }

    [Fact]
    public async Task AnyVerb_KeyFileInsideDataFolder_StopsNamingTheSetting()
    {
        _cli.KeyFile = Path.Combine(_cli.DataDirectory, "leakwatch.key");

        var result = await _cli.RunAsync("key", "init");

        Assert.Equal(ExitCodes.BadConfiguration, result.ExitCode);
        Assert.Contains("LeakWatch:KeyFile", result.Error, StringComparison.Ordinal);
        Assert.Contains("inside LeakWatch:DataDirectory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyVerb_EmptyDataDirectory_StopsNamingTheSetting()
    {
        _cli.Settings["LeakWatch:DataDirectory"] = "";

        var result = await _cli.RunAsync("key", "id");

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains("LeakWatch:DataDirectory must name a folder", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitConfigurationOverrides_MixedArguments_SeparatesSettingsFromVerb()
    {
        var (config, verb) = LeakWatchCommandLine.SplitConfigurationOverrides(
            ["enroll", "--LeakWatch:DataDirectory=/srv/lw", "export.csv", "--map", "id=IPP", "--LeakWatch:KeyFile", "/etc/lw.key", "Logging:LogLevel:Default=Debug"]);

        Assert.Equal(["--LeakWatch:DataDirectory=/srv/lw", "--LeakWatch:KeyFile=/etc/lw.key", "--Logging:LogLevel:Default=Debug"], config);
        Assert.Equal(["enroll", "export.csv", "--map", "id=IPP"], verb);
    }

    public void Dispose() => _cli.Dispose();
}
