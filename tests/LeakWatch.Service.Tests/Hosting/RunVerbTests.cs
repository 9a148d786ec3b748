using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Tests.Hosting;

public sealed class RunVerbTests : IDisposable
{
    private readonly CliHarness _cli = new() { Services = s => s.AddHostedService<StopWhenStarted>() };

    [Fact]
    public async Task Run_EmptyFolder_CreatesDataFolderDatabaseAndOwnerOnlyKeyAndSaysWhatIsMissing()
    {
        var result = await _cli.RunAsync("run");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.True(File.Exists(_cli.DatabasePath));
        Assert.True(File.Exists(_cli.KeyFile));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.KeyFile));
        var generated = Assert.Single(result.Logs, l => l.Message.Contains("generated a new key", StringComparison.Ordinal));
        Assert.Contains(_cli.KeyFile, generated.Message, StringComparison.Ordinal);
        Assert.Contains(result.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("No patients enrolled", StringComparison.Ordinal)
            && l.Message.Contains("leakwatch enroll FILE", StringComparison.Ordinal));
        Assert.Contains(result.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("No sources configured", StringComparison.Ordinal));
        Assert.Contains(result.Logs, l => l.Message.Contains(_cli.DatabasePath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_NoVerb_IsRun()
    {
        var result = await _cli.RunAsync();

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.True(File.Exists(_cli.DatabasePath));
    }

    [Fact]
    public async Task Run_SecondStart_KeepsTheKeyAndReportsTheEnrollment()
    {
        var export = Enrollment.ExportFiles.Write(_cli.Root, count: 10, seed: 8, name: "lab.csv");
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("run")).ExitCode);
        var key = await File.ReadAllTextAsync(_cli.KeyFile);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", export)).ExitCode);
        _cli.Settings["LeakWatch:Sources:0:Name"] = "forum";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "urls";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = "https://forum.example/list.txt";
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "false";

        var result = await _cli.RunAsync("run");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(key, await File.ReadAllTextAsync(_cli.KeyFile));
        Assert.Contains(result.Logs, l => l.Message.Contains("10 patients enrolled", StringComparison.Ordinal) && l.Message.Contains("lab.csv", StringComparison.Ordinal));
        Assert.Contains(result.Logs, l => l.Message.Contains("1 sources configured", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Logs, l => l.Message.Contains("generated a new key", StringComparison.Ordinal));
    }

    public void Dispose() => _cli.Dispose();
}
