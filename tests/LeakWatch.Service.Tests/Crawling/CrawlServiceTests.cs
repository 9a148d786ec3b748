using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>
/// `leakwatch run` with a source: Quartz fires the source's job on its cron schedule, and the crawl's health is written.
/// Quartz runs on the host's clock, a fake one here: the test moves it past the next slot instead of waiting for it.
/// </summary>
public sealed class CrawlServiceTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task RunVerb_SourceOnAnHourlySchedule_IsCrawledByTheQuartzJobWhenTheHourComes()
    {
        // Half a second before the hour: the trigger's first slot is the hour, reached only when the test moves the clock.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 59, 59, 500, TimeSpan.Zero));
        await using var server = await LoopbackServer.StartAsync(TimeProvider.System);
        var crawled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/watched.txt", async ctx =>
        {
            await ctx.Response.WriteAsync("rien");
            crawled.TrySetResult();
        });
        _cli.Settings["LeakWatch:Sources:0:Name"] = "watched";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "urls";
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "true";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = server.Url("/watched.txt").AbsoluteUri;
        _cli.Settings["LeakWatch:Sources:0:Schedule"] = "0 0 * * * ?";
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";
        _cli.Services = services =>
        {
            services.AddSingleton<TimeProvider>(time);
            // Once the service has started (its trigger scheduled), the clock moves one second: past the hour.
            services.AddHostedService(sp => new AdvanceWhenStarted(time, TimeSpan.FromSeconds(1), sp.GetRequiredService<IHostApplicationLifetime>()));
            // Stops the service once the page was fetched and the job has had its say (health written after the fetch).
            services.AddHostedService(sp => new StopAfter(crawled.Task, sp.GetRequiredService<IHostApplicationLifetime>()));
        };

        var run = await _cli.RunAsync("run");
        var sources = await _cli.RunAsync("sources", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(crawled.Task.IsCompletedSuccessfully);
        Assert.True(run.AllLogText.Contains("Crawl of watched finished", StringComparison.Ordinal), run.AllLogText);
        // The run is dated by the fake clock: the job ran at the hour, not at the test's real time.
        Assert.Contains("\"lastRunAt\":\"2026-11-30T11:00:00", sources.Out, StringComparison.Ordinal);
        // Nothing is enrolled here: the run says so instead of passing for a clean crawl.
        Assert.Contains("\"status\":\"failing\"", sources.Out, StringComparison.Ordinal);
        Assert.Contains("No patients are enrolled yet", sources.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}

/// <summary>Moves a fake clock once the host has started: every hosted service, the scheduler's triggers included, is in place.</summary>
internal sealed class AdvanceWhenStarted(FakeTimeProvider time, TimeSpan by, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => time.Advance(by));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
