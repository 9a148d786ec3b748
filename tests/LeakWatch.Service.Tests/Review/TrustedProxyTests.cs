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
/// address is the client's for the sign-in rate limit and the audit log (one hop back by default), and X-Forwarded-Proto
/// https makes the cookies Secure; from anyone else the headers change nothing.
/// </summary>
public sealed class TrustedProxyTests : IDisposable
{
    private const string First = "203.0.113.7";
    private const string Second = "198.51.100.9";
    private const string NotAnAddress = "is not an address or a CIDR network";
    private const string EveryAddress = "trusts every address";
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
        Assert.Contains("Web listener believes X-Forwarded-For and X-Forwarded-Proto from 127.0.0.1, 10.0.0.0/8 only, 1 hop(s) back", result.AllLogText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "203.0.113.7, 10.0.0.9", "10.0.0.9")] // the client (in 10/8) wrote 203.0.113.7; the proxy appended 10.0.0.9
    [InlineData(2, "192.0.2.66, 10.0.0.8, 10.0.0.9", "10.0.0.8")] // two proxies: the second appended the first's client
    public async Task SignIn_ClientInsideATrustedNetwork_OnlyTheHopsSetAreRead(int hops, string forwardedFor, string expected)
    {
        _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "127.0.0.1";
        _cli.Settings["LeakWatch:Console:TrustedProxies:1"] = "10.0.0.0/8";
        if (hops != 1) _cli.Settings["LeakWatch:Console:ForwardedHops"] = hops.ToString(System.Globalization.CultureInfo.InvariantCulture); // 1: the default
        var (run, services, uri) = await ConsoleFixture.StartWithAnalystAsync(_cli, signInAttempts: 10);
        using var client = new ConsoleClient(uri, forwardedFor: forwardedFor);

        var answer = await client.SignInAsync("analyst.one", "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        var failed = await services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.SignInFailed), default);
        Assert.Equal(expected, Assert.Single(failed).Address);
        await StopAsync(services, run);
    }

    [Fact]
    public async Task SignIn_ConnectionFromAnAddressNotListed_XForwardedForIsIgnored()
    {
        // A proxy is listed, but the test's loopback client is not it (the framework's defaults would trust loopback).
        _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "10.0.0.5";
        var (run, services, uri) = await ConsoleFixture.StartWithAnalystAsync(_cli, signInAttempts: 10);
        using var client = new ConsoleClient(uri, forwardedFor: First);

        var answer = await client.SignInAsync("analyst.one", "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        var failed = await services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.SignInFailed), default);
        Assert.Equal("127.0.0.1", Assert.Single(failed).Address);
        await StopAsync(services, run);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignIn_XForwardedProtoHttps_SecureCookiesAndHstsOnlyFromATrustedProxy(bool trusted)
    {
        if (trusted) _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "127.0.0.1";
        var (run, services, uri) = await ConsoleFixture.StartWithAnalystAsync(_cli, signInAttempts: 10);
        // Cookies by hand: a cookie container keeps Secure cookies from plain http, as a browser does; the browser
        // behind a TLS proxy sends them, and the proxy forwards them.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = uri };
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var form = await http.GetAsync("/login");
        var antiforgery = Assert.Single(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith("leakwatch-antiforgery=", StringComparison.Ordinal));
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(await form.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = "analyst.one", ["password"] = ConsoleFixture.Password, [LeakWatch.Service.Review.ConsolePage.AntiforgeryField] = token,
            }),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var signIn = await http.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.Contains("leakwatch-session=", StringComparison.Ordinal));
        var secure = new[] { antiforgery, session }.Select(c => c.Split(';').Any(a => a.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal([trusted, trusted], secure);
        Assert.Equal(trusted, session.StartsWith("__Host-leakwatch-session=", StringComparison.Ordinal));
        Assert.Equal(trusted, signIn.Headers.Contains("Strict-Transport-Security"));
        await StopAsync(services, run);
    }

    /// <summary>
    /// ASPNETCORE_FORWARDEDHEADERS_ENABLED=true (some container platforms set it) registers the framework's own
    /// forwarded-headers setup, whose options believe every caller: the built executable, with the variable in its
    /// environment, still believes the listed proxies only (none: the header is ignored), one hop, never applied twice.
    /// </summary>
    [Theory]
    [InlineData(false, "127.0.0.1")]
    [InlineData(true, "10.0.0.9")]
    public async Task Run_AspNetCoreForwardedHeadersEnabled_StillBelievesTheListedProxiesOnly(bool listed, string expected)
    {
        using var folder = new ExecutableHarness();
        Assert.Equal(0, (await folder.RunAsync("key", "init")).ExitCode);
        folder.Environment["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        folder.Environment["LeakWatch__Console__Urls"] = "http://127.0.0.1:0";
        folder.Environment["LeakWatch__Console__SignInAttempts"] = "1";
        folder.Environment["LeakWatch__Console__SignInWindow"] = "01:00:00";
        if (listed)
        {
            folder.Environment["LeakWatch__Console__TrustedProxies__0"] = "127.0.0.1";
            folder.Environment["LeakWatch__Console__TrustedProxies__1"] = "10.0.0.0/8";
        }
        await using var run = folder.StartReading("run");
        var listening = await run.WaitForLineAsync(l => l.Contains("Web listener on ", StringComparison.Ordinal));
        var uri = new Uri(System.Text.RegularExpressions.Regex.Match(listening, @"Web listener on (http://127\.0\.0\.1:\d+)").Groups[1].Value);
        using var first = new ConsoleClient(uri, forwardedFor: "203.0.113.7, 10.0.0.9");
        using var second = new ConsoleClient(uri, forwardedFor: Second);

        HttpStatusCode[] firstAnswers = [(await first.SignInAsync("analyst.one", "wrong")).StatusCode, (await first.SignInAsync("analyst.one", "wrong")).StatusCode];
        var secondAnswer = (await second.SignInAsync("analyst.one", "wrong")).StatusCode;
        var refused = await run.WaitForLineAsync(l => l.Contains("refused (429)", StringComparison.Ordinal));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], firstAnswers);
        Assert.Contains("Console sign-in from " + expected + " refused (429)", refused, StringComparison.Ordinal);
        // Not listed: one partition, the connection's; listed: the second client's forwarded address is its own.
        Assert.Equal(listed ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, secondAnswer);
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
    [InlineData("proxy.lab.example", NotAnAddress)]
    [InlineData("10.1", NotAnAddress)]
    [InlineData("10.0.0.5/8", NotAnAddress)]
    [InlineData("10.0.0.0/33", NotAnAddress)]
    [InlineData("fd00::1/8", NotAnAddress)]
    [InlineData("fe80::1%2", NotAnAddress)]
    [InlineData("", NotAnAddress)]
    [InlineData("010.0.0.5", "is not written as the address it stands for (8.0.0.5)")] // octal
    [InlineData("0x0a.0.0.5", "is not written as the address it stands for (10.0.0.5)")] // hex
    [InlineData("10.0.0.05", "is not written as the address it stands for")]
    [InlineData("::ffff:010.0.0.5", "")]
    [InlineData("0.0.0.0/0", EveryAddress)]
    [InlineData("::/0", EveryAddress)]
    [InlineData("::ffff:0:0/96", EveryAddress)] // every IPv4 client, as a dual-stack listener sees it
    public async Task Run_TrustedProxyThatIsNotAnAddressOrNetworkOfProxies_StopsWithTheSettingNamed(string entry, string reason)
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "127.0.0.1";
        _cli.Settings["LeakWatch:Console:TrustedProxies:1"] = entry;
        _cli.Services = services => services.AddHostedService<StopWhenStarted>(); // were it accepted, the run ends anyway

        var run = await _cli.RunAsync("run");

        Assert.Equal(ExitCodes.BadConfiguration, run.ExitCode);
        Assert.Contains($"LeakWatch:Console:TrustedProxies '{entry}' {reason}", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    public async Task Run_ForwardedHopsOutOfRange_StopsWithTheSettingNamed(string hops)
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.Settings["LeakWatch:Console:TrustedProxies:0"] = "127.0.0.1";
        _cli.Settings["LeakWatch:Console:ForwardedHops"] = hops;
        _cli.Services = services => services.AddHostedService<StopWhenStarted>();

        var run = await _cli.RunAsync("run");

        Assert.Equal(ExitCodes.BadConfiguration, run.ExitCode);
        Assert.Contains("LeakWatch:Console:ForwardedHops must be between 1 and 5", run.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> StopAsync(IServiceProvider services, Task<CliResult> run)
    {
        services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        return await run;
    }

    public void Dispose() => _cli.Dispose();
}
