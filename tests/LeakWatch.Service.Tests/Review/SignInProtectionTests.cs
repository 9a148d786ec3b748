using System.Net;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Review;

/// <summary>
/// The sign-in form under attack, over real HTTP on `leakwatch run` in process: a rate limit per client address (429
/// with Retry-After and a page), and an account lockout that parallel wrong passwords cannot race past.
/// </summary>
public sealed class SignInProtectionTests : IAsyncLifetime, IDisposable
{
    private readonly CliHarness _cli = new();
    private Task<CliResult>? _run;
    private IServiceProvider _services = null!;
    private Uri _baseUri = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(int attemptsPerWindow) =>
        (_run, _services, _baseUri) = await ConsoleFixture.StartWithAnalystAsync(_cli, attemptsPerWindow);

    private async Task<CliResult> StopAsync()
    {
        _services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var result = await _run!;
        _run = null;
        return result;
    }

    [Fact]
    public async Task SignIn_MoreAttemptsFromOneAddressThanTheLimit_Answered429WithRetryAfterAndAPageWithoutCheckingThePassword()
    {
        await StartAsync(attemptsPerWindow: 3);
        using var client = new ConsoleClient(_baseUri);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("analyst.one", "wrong " + i)).StatusCode);

        var refused = await client.SignInAsync("analyst.one", ConsoleFixture.Password); // even the right password
        var form = await client.GetAsync("/login");
        using var health = await new HttpClient { BaseAddress = _baseUri }.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var wait = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Contains("Too many sign-in attempts from your address", client.Pages[^2], StringComparison.Ordinal);
        Assert.Contains("<h1>429</h1>", client.Pages[^2], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode); // the form itself is not limited, nor health
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // The refused attempt reached neither the account (no session, no count) nor the audit log.
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "leakwatch-session");
        Assert.Equal(3, (await _services.GetRequiredService<UserStore>().FindAsync("analyst.one", default))!.FailedSignIns);
        Assert.Equal(3, (await _services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.SignInFailed), default)).Count);
        var run = await StopAsync();
        Assert.Contains("Console sign-in from 127.0.0.1 refused (429) on /login: more than 3 attempts in 01:00:00", run.AllLogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_TwentyWrongPasswordsInParallelOverHttp_OneLockoutAuditedAndTheRightPasswordRefused()
    {
        await StartAsync(attemptsPerWindow: 1000);
        var clients = Enumerable.Range(0, 20).Select(_ => new ConsoleClient(_baseUri)).ToList();
        try
        {
            var answers = await Task.WhenAll(clients.Select((c, i) => Task.Run(() => c.SignInAsync("analyst.one", "guess " + i))));
            var right = await clients[0].SignInAsync("analyst.one", ConsoleFixture.Password);

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
            var pages = clients.Select(c => c.Pages[0]).ToList();
            Assert.Equal(4, pages.Count(p => p.Contains("Wrong user name or password", StringComparison.Ordinal)));
            Assert.Equal(16, pages.Count(p => p.Contains("This account is locked", StringComparison.Ordinal)));
            Assert.Contains("This account is locked", clients[0].Pages[^1], StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
            var lockout = Assert.Single(await _services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.LockedOut), default));
            Assert.Equal(("analyst.one", "127.0.0.1"), (lockout.Actor, lockout.Address));
            Assert.StartsWith("5 failed sign-ins; locked until ", lockout.Detail, StringComparison.Ordinal);
            Assert.Equal(5, (await _services.GetRequiredService<UserStore>().FindAsync("analyst.one", default))!.FailedSignIns);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    public async Task DisposeAsync()
    {
        if (_run is not null) await StopAsync();
    }

    public void Dispose() => _cli.Dispose();
}
