using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Tests.Hosting;

/// <summary>
/// Usage errors exit 2 for every verb, through the built executable: never 1, which for scan and crawl means "found".
/// </summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly ExecutableHarness _cli = new();

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run", "--no-such-option")]
    [InlineData("key")]
    [InlineData("key", "rotate")]
    [InlineData("key", "id", "--no-such-option")]
    [InlineData("enroll")]
    [InlineData("enroll", "export.csv", "--no-such-option")]
    [InlineData("enroll", "export.csv", "--delimiter")]
    [InlineData("resolve")]
    [InlineData("scan")]
    [InlineData("scan", "x.csv", "--min-confidence", "certain")]
    [InlineData("scan", "x.csv", "--no-such-option")]
    [InlineData("crawl", "--once", "--no-such-option")]
    [InlineData("crawl", "--source")]
    [InlineData("sources", "--no-such-option")]
    [InlineData("alerts", "--no-such-option")]
    public async Task AnyVerb_UsageError_Exits2WithOneMessageAndNoStackTrace(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Matches("(^|\n)leakwatch: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.False(Directory.Exists(_cli.DataDirectory));
    }

    [Fact]
    public async Task Scan_PathThatDoesNotExist_Exits2NamingIt()
    {
        var result = await _cli.RunAsync("scan", "no-such-file.csv");

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains("no-such-file.csv: no such file or folder", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
