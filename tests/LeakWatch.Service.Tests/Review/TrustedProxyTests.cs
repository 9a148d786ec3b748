using System.Net;
using LeakWatch.Service.Audit;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Review;

/// <summary>
/// The console behind a reverse proxy (LeakWatch:Console:TrustedProxies), over real HTTP on `leakwatch run` in process:
/// the test's own loopback client plays the proxy and sets X-Forwarded-For. Believed from a trusted proxy, the forwarded
/// address is the client's for the sign-in rate limit and the audit log; from anyone else the header changes nothing.
/// </summary>
public sealed class TrustedProxyTests : IDisposable
{
    private const string First = "203.0.113.7";
    private const string Second = "198.51.100.9";
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task SignIn_LoopbackTrustedAndTwoForwardedClients_EachHasItsOwnRateLimitAndAuditAddress()
    {
        _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "127.0.0.1";
        _cli.Settings["LeakWatch:Console:TrustedProxies:1"] = "10.0.0.0/8";
        var (run, services, uri) = await ConsoleFixture.StartWithAnalystAsync(_cli, signInAttempts: 2);
        // The first client forges an address in front of its own: the proxy appends the real one, which is believed.
        using var first = new ConsoleClient(uri, forwardedFor: "192.0.2.66, " + First);
        using var second = new ConsoleClient(uri, forwardedFor: Second);

        var firstAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) firstAnswers.Add((await first.SignInAsync("analyst.one", "wrong " + i)).StatusCode);
        var secondAnswer = (await second.SignInAsync("analyst.one", "wrong again")).StatusCode;

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], firstAnswers);
        Assert.Equal(HttpStatusCode.Unauthorized, secondAnswer); // its own partition: the first's limit is not its
        var failed = await services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.SignInFailed), default);
        Assert.Equal([First, First, Second], failed.OrderBy(e => e.Id).Select(e => e.Address));
        var result = await StopAsync(services, run);
        Assert.Contains("Console sign-in from " + First + " refused (429)", result.AllLogText, StringComparison.Ordinal);
        Assert.Contains("Web listener believes X-Forwarded-For from 127.0.0.1, 10.0.0.0/8 only", result.AllLogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_NoTrustedProxy_XForwardedForIsIgnored()
    {
        var (run, services, uri) = await ConsoleFixture.StartWithAnalystAsync(_cli, signInAttempts: 2);
        using var first = new ConsoleClient(uri, forwardedFor: First);
        using var second = new ConsoleClient(uri, forwardedFor: Second);

        var firstAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++) firstAnswers.Add((await first.SignInAsync("analyst.one", "wrong " + i)).StatusCode);
        var secondAnswer = (await second.SignInAsync("analyst.one", "wrong again")).StatusCode;

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], firstAnswers);
        Assert.Equal(HttpStatusCode.TooManyRequests, secondAnswer); // one partition: the connection's address
        var failed = await services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.SignInFailed), default);
        Assert.Equal(["127.0.0.1", "127.0.0.1"], failed.Select(e => e.Address));
        await StopAsync(services, run);
    }

    [Theory]
    [InlineData("proxy.lab.example")]
    [InlineData("10.1")]
    [InlineData("10.0.0.5/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("fd00::1/8")]
    [InlineData("")]
    public async Task Run_TrustedProxyThatIsNotAnAddressOrNetwork_StopsWithTheSettingNamed(string entry)
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "127.0.0.1";
        _cli.Settings["LeakWatch:Console:TrustedProxies:1"] = entry;
        _cli.Services = services => services.AddHostedService<StopWhenStarted>(); // were it accepted, the run ends anyway

        var run = await _cli.RunAsync("run");

        Assert.Equal(ExitCodes.BadConfiguration, run.ExitCode);
        Assert.Contains($"LeakWatch:Console:TrustedProxies '{entry}' is not an address or a CIDR network", run.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> StopAsync(IServiceProvider services, Task<CliResult> run)
    {
        services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        return await run;
    }

    public void Dispose() => _cli.Dispose();
}
