using System.Text.Json;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Tests.Crawling.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace LeakWatch.Service.Tests.Crawling;

public sealed class CrawlVerbTests
{
    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task CrawlVerb_OnceWithJson_PrintsOneLinePerMatchedPatientAndExitsLikeGrep()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var site = new ForumSite("mybb");
        site.Serve(server);
        site.AddPost(site.AddThread("Vente"), "DUPONT;SYNTH-110001<br>MARTIN;SYNTH-110002");
        var settings = CrawlHarness.Source(0, "forum", "forum", [server.Url(site.BoardPath).AbsoluteUri], ("Preset", "mybb"));
        foreach (var (k, v) in CrawlHarness.Source(1, "off", "urls", [server.Url("/nothing").AbsoluteUri], ("Enabled", "false"))) settings[k] = v;
        await using var harness = CrawlHarness.Create(settings, time);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var first = await harness.DriveAsync(() => CrawlVerb.RunAsync(harness.Services, null, json: true, output, errors, CancellationToken.None));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var second = new StringWriter();
        var again = await harness.DriveAsync(() => CrawlVerb.RunAsync(harness.Services, null, json: true, second, errors, CancellationToken.None));

        Assert.Equal(1, first);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.StartsWith(server.BaseUri.AbsoluteUri + "showthread.php?tid=1", json.RootElement.GetProperty("document").GetString(), StringComparison.Ordinal);
            Assert.Equal(32, json.RootElement.GetProperty("patient").GetString()!.Length);
        }
        Assert.Equal(0, again); // a restart neither re-scans nor re-alerts
        Assert.Empty(second.ToString());
        Assert.Equal(0, server.Count("/nothing")); // disabled sources are not crawled
        Assert.Contains("forum: ok", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrawlVerb_UnknownSourceExitsTwo_BrokenSourceWithNothingFoundExitsThree()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "gone", "urls", [server.Url("/missing").AbsoluteUri]), time);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var unknown = await CrawlVerb.RunAsync(harness.Services, "nope", json: false, output, errors, CancellationToken.None);
        var broken = await harness.DriveAsync(() => CrawlVerb.RunAsync(harness.Services, "gone", json: false, output, errors, CancellationToken.None));

        Assert.Equal(2, unknown);
        Assert.Contains("leakwatch: no source named 'nope'", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Partial, broken);
        Assert.Contains("gone: FAILED", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 404", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrawlVerb_InvalidConfiguration_ExitsTwoNamingTheSetting()
    {
        var settings = CrawlHarness.Source(0, "bad", "forum", ["https://forum.example/"], ("Preset", "phpbb"), ("Schedule", "tous les jours"));
        await using var harness = CrawlHarness.Create(settings);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = await CrawlVerb.RunAsync(harness.Services, null, json: false, output, errors, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("LeakWatch:Sources:0:Schedule 'tous les jours'", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourcesVerb_AfterACrawl_ListsHealthAsTableAndJson()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/ok", "fine", "text/plain");
        var settings = CrawlHarness.Source(0, "list", "urls", [server.Url("/ok").AbsoluteUri]);
        foreach (var (k, v) in CrawlHarness.Source(1, "never-run", "urls", [server.Url("/x").AbsoluteUri])) settings[k] = v;
        await using var harness = CrawlHarness.Create(settings, time);
        await harness.CrawlAsync("list");
        using var table = new StringWriter();
        using var json = new StringWriter();
        using var errors = new StringWriter();

        Assert.Equal(0, await SourcesVerb.RunAsync(harness.Services, json: false, table, errors, CancellationToken.None));
        Assert.Equal(0, await SourcesVerb.RunAsync(harness.Services, json: true, json, errors, CancellationToken.None));

        Assert.StartsWith("NAME", table.ToString(), StringComparison.Ordinal);
        Assert.Contains("never-run", table.ToString(), StringComparison.Ordinal);
        var rows = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, rows[0].GetProperty("documentsSeen").GetInt64());
        Assert.Equal(0, rows[0].GetProperty("consecutiveFailures").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, rows[0].GetProperty("lastSuccessAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("lastRunAt").ValueKind);
    }

    [Fact]
    public async Task CrawlScheduleRegistrar_EnabledSources_GetOneCronJobEachThatNeverOverlaps()
    {
        var settings = CrawlHarness.Source(0, "a", "urls", ["https://a.example/"], ("Schedule", "0 5 * * * ?"));
        foreach (var (k, v) in CrawlHarness.Source(1, "b", "urls", ["https://b.example/"], ("Enabled", "false"))) settings[k] = v;
        await using var harness = CrawlHarness.Create(settings);
        var registrar = harness.Services.GetServices<IHostedService>().OfType<CrawlScheduleRegistrar>().Single();

        await registrar.StartAsync(CancellationToken.None);

        var scheduler = await harness.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var job = await scheduler.GetJobDetail(new JobKey("a", CrawlJob.Group));
        Assert.NotNull(job);
        Assert.True(job!.ConcurrentExecutionDisallowed);
        Assert.Equal("a", job.JobDataMap.GetString(CrawlJob.SourceKey));
        var trigger = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(new TriggerKey("a", CrawlJob.Group)));
        Assert.Equal("0 5 * * * ?", trigger.CronExpressionString);
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, trigger.MisfireInstruction);
        Assert.Null(await scheduler.GetJobDetail(new JobKey("b", CrawlJob.Group)));
        await scheduler.Shutdown();
    }

    [Fact]
    public void CrawlJob_IsMarkedDisallowConcurrentExecution() =>
        Assert.NotNull(Attribute.GetCustomAttribute(typeof(CrawlJob), typeof(DisallowConcurrentExecutionAttribute)));

    [Fact]
    public async Task SourcesOptions_BindsFromLeakWatchSources()
    {
        var settings = CrawlHarness.Source(0, "x", "forum", ["https://f.example/"], ("Preset", "smf"), ("AllowedHosts:0", "files.example"), ("Selectors:PostBody", ".inner"));
        await using var harness = CrawlHarness.Create(settings);
        var source = harness.SourceOptions("x");
        Assert.Equal("smf", source.Preset);
        Assert.Equal(["files.example"], source.AllowedHosts);
        Assert.Equal(".inner", source.Selectors.PostBody);
        Assert.Equal(TimeSpan.FromSeconds(1), source.RequestInterval);
        Assert.Equal(SourceKinds.Forum, source.Kind);
    }
}
