namespace LeakWatch.Service.Tests.Hosting;

public sealed class BadSettingTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Verb_SettingTheBinderCannotConvert_ExitsWithBadConfigurationNamingIt()
    {
        var result = await _cli.RunAsync("key", "id", "--LeakWatch:Alerting:DeliveryInterval=soon");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("LeakWatch:Alerting:DeliveryInterval", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
