using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>`leakwatch run` with a source: Quartz fires the source's job on its cron schedule, and the crawl's health is written.</summary>
public sealed class CrawlServiceTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task RunVerb_SourceOnEverySecondSchedule_IsCrawledByTheQuartzJob()
    {
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
        _cli.Settings["LeakWatch:Sources:0:Schedule"] = "* * * * * ?";
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";
        // Stops the service once the page was fetched and the job has had its say (health written after the fetch).
        _cli.Services = services => services.AddHostedService(sp => new StopAfter(crawled.Task, sp.GetRequiredService<IHostApplicationLifetime>()));

        var run = await _cli.RunAsync("run");
        var sources = await _cli.RunAsync("sources", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(crawled.Task.IsCompletedSuccessfully);
        Assert.True(run.AllLogText.Contains("Crawl of watched finished", StringComparison.Ordinal), run.AllLogText);
        Assert.Contains("\"lastRunAt\":\"", sources.Out, StringComparison.Ordinal);
        // Nothing is enrolled here: the run says so instead of passing for a clean crawl.
        Assert.Contains("\"status\":\"failing\"", sources.Out, StringComparison.Ordinal);
        Assert.Contains("No patients are enrolled yet", sources.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
