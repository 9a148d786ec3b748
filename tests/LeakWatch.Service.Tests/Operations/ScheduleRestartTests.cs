using System.Globalization;
using Dapper;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>
/// The schedule lives in the database (Quartz's ADO.NET store): a crawl that fell due while the service was down runs
/// once when the service starts again.
/// </summary>
public sealed class ScheduleRestartTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Run_RestartedAfterADueTimePassedWhileStopped_CrawlsOnceAtStart()
    {
        // A fake clock, shared by both runs: the service is "stopped across the due time" by moving it, not by waiting,
        // and nothing depends on how long a start takes. Years ahead, so that a real clock read by mistake finds the
        // trigger not yet due and the test fails.
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 15, 9, 0, 0, TimeSpan.Zero));
        await using var server = await LoopbackServer.StartAsync(time);
        var crawled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/watched.txt", async ctx =>
        {
            await ctx.Response.WriteAsync("rien");
            crawled.TrySetResult();
        });
        // Once a day, a few seconds from now (Quartz reads cron in local time).
        var due = TimeZoneInfo.ConvertTime(time.GetUtcNow().AddSeconds(8), TimeZoneInfo.Local);
        var cron = string.Create(CultureInfo.InvariantCulture, $"{due.Second} {due.Minute} {due.Hour} * * ?");
        _cli.Settings["LeakWatch:Sources:0:Name"] = "watched";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "urls";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = server.Url("/watched.txt").AbsoluteUri;
        _cli.Settings["LeakWatch:Sources:0:Schedule"] = cron;
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";
        _cli.Settings["LeakWatch:Operations:MisfireThreshold"] = "00:00:01";

        // First start: the schedule is stored; the scheduler is kept from running so that nothing can fire yet.
        _cli.Services = services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.Configure<QuartzHostedServiceOptions>(o => o.AutoStart = false);
            services.AddHostedService<StopWhenStarted>();
        };
        var first = await _cli.RunAsync("run");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(due.ToUnixTimeSeconds(), (await NextFireTimeAsync()).ToUnixTimeSeconds());
        Assert.Equal(0, server.Count("/watched.txt"));

        // Stopped across the due time (and past the misfire threshold).
        time.Advance(TimeSpan.FromSeconds(10));

        _cli.Services = services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddHostedService(sp => new StopAfter(crawled.Task, sp.GetRequiredService<IHostApplicationLifetime>()));
        };
        var second = await _cli.RunAsync("run");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(1, server.Count("/watched.txt"));
        Assert.Single(second.Logs, l => l.Message.StartsWith("Crawl of watched finished", StringComparison.Ordinal));
        // The missed run is done; the next one is tomorrow's, not another catch-up.
        Assert.Equal(due.AddDays(1).ToUnixTimeSeconds(), (await NextFireTimeAsync()).ToUnixTimeSeconds());
    }

    private async Task<DateTimeOffset> NextFireTimeAsync()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _cli.DatabasePath, Pooling = false }.ToString());
        var ticks = await connection.ExecuteScalarAsync<long>("SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = 'watched' AND TRIGGER_GROUP = 'crawl'");
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    public void Dispose() => _cli.Dispose();
}
