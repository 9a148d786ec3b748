using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Tests.Keys;

public sealed class WrongKeyTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData("enroll")]
    [InlineData("resolve")]
    [InlineData("run")]
    [InlineData("key id")]
    public async Task Verb_DatabaseMadeWithAnotherKey_RefusesNamingBothKeys(string verb)
    {
        var export = ExportFiles.Write(_cli.Root, count: 50, seed: 3);
        var first = await _cli.RunAsync("enroll", export);
        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.True(SecretKey.TryParse(await File.ReadAllTextAsync(_cli.KeyFile), out var original));
        File.Delete(_cli.KeyFile);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.True(SecretKey.TryParse(await File.ReadAllTextAsync(_cli.KeyFile), out var other));
        _cli.Services = s => s.AddHostedService<StopWhenStarted>();
        _cli.StandardInput = "{\"patient\":\"00000000000000000000000000000000\"}\n";

        string[] args = verb switch
        {
            "enroll" or "resolve" => [verb, export],
            _ => verb.Split(' '),
        };
        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"this database was created with key {original!.Id}, the configured key is {other!.Id}", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out.Trim());
    }

    [Fact]
    public async Task Enroll_KeyFileLostButDatabaseExists_DoesNotMakeANewKey()
    {
        var export = ExportFiles.Write(_cli.Root, count: 20, seed: 4);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", export)).ExitCode);
        File.Delete(_cli.KeyFile);

        var result = await _cli.RunAsync("enroll", export);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("was created with key", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.KeyFile));
    }

    public void Dispose() => _cli.Dispose();
}
