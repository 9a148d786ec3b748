using System.Globalization;
using System.Text;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Tests.Crawling.Support;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>
/// How a run ends (issue 11): one forum session per run and source, failures that show in the status and the exit
/// code, a circuit per source, paste archives under a path, cut or slow files remembered.
/// </summary>
public sealed class CrawlOutcomeTests
{
    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    private static Dictionary<string, string?> Urls(LoopbackServer server, string name, int index, params string[] paths) =>
        CrawlHarness.Source(index, name, "urls", paths.Select(p => server.Url(p).AbsoluteUri));

    [Fact]
    public async Task Fetcher_ForumSettingASessionCookie_GetsItBackForTheRestOfTheRunOnlyAndNeverStoresIt()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var cookies = new List<string>();
        foreach (var path in new[] { "/one", "/two", "/three" })
        {
            server.Map(path, ctx =>
            {
                lock (cookies) cookies.Add(ctx.Request.Headers["Cookie"].FirstOrDefault() ?? "");
                ctx.Response.Headers["Set-Cookie"] = "mybb_sid=s3ss10nS3cr3t; path=/; HttpOnly";
                return ctx.Response.WriteAsync("<html><body>rien</body></html>");
            });
        }
        await using var harness = CrawlHarness.Create(Urls(server, "list", 0, "/one", "/two", "/three"), time);

        await harness.CrawlAsync("list");
        await harness.CrawlAsync("list");

        // Each run starts a session (no cookie on its first request) and keeps it: one guest session per run, not per request.
        Assert.Equal(["", "mybb_sid=s3ss10nS3cr3t", "mybb_sid=s3ss10nS3cr3t", "", "mybb_sid=s3ss10nS3cr3t", "mybb_sid=s3ss10nS3cr3t"], cookies);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(harness.DataDirectory))
        {
            Assert.DoesNotContain("s3ss10nS3cr3t", Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CrawlVerb_OneOfThreeUrlsFailsAndNothingFound_ExitsThreeDegradedAndAStatusInSources()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/a", "<html><body>rien</body></html>");
        server.MapText("/b", "<html><body>rien non plus</body></html>");
        var broken = true;
        server.Map("/c", ctx =>
        {
            if (broken) ctx.Response.StatusCode = 500;
            return ctx.Response.WriteAsync("<html><body>ok</body></html>");
        });
        await using var harness = CrawlHarness.Create(Urls(server, "list", 0, "/a", "/b", "/c"), time);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await harness.DriveAsync(() => CrawlVerb.RunAsync(harness.Services, null, json: false, output, errors, CancellationToken.None));
        var health = await harness.HealthAsync("list");
        using var sources = new StringWriter();
        await SourcesVerb.RunAsync(harness.Services, json: true, sources, errors, CancellationToken.None);
        broken = false;
        var clean = await harness.CrawlAsync("list");
        var healed = await harness.HealthAsync("list");

        Assert.Equal(ExitCodes.Partial, exit); // not "ok, nothing found": a third of the source could not be read
        Assert.Contains("list: degraded, 3 requests", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(RunStatus.Degraded, health!.LastRunStatus);
        Assert.Equal(1, health.LastRunErrors);
        Assert.Contains("\"status\":\"degraded\"", sources.ToString(), StringComparison.Ordinal);
        Assert.Equal(RunStatus.Ok, clean.Status);
        Assert.Null(healed!.LastError); // a clean run clears the last error
    }

    [Theory]
    [InlineData(0, 4, RunStatus.Ok)]
    [InlineData(1, 4, RunStatus.Degraded)]
    [InlineData(2, 4, RunStatus.Failing)]
    [InlineData(0, 0, RunStatus.Ok)]
    public void RunStatus_ShareOfFailedRequests_GivesTheStatus(long failed, long requests, string expected) =>
        Assert.Equal(expected, RunStatus.Of(entryPointFailed: false, requests, failed));

    [Fact]
    public void RunStatus_EntryPointFailed_IsFailing() => Assert.Equal(RunStatus.Failing, RunStatus.Of(entryPointFailed: true, 10, 1));

    [Fact]
    public async Task Circuit_OneSourceBreaksItOnAHost_AnotherSourceOnTheSameHostStillFetchesAndTheSkipsAreReported()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var failing = Enumerable.Range(0, 14).Select(i => "/down" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var path in failing)
        {
            server.Map(path, ctx =>
            {
                ctx.Response.StatusCode = 503;
                return Task.CompletedTask;
            });
        }
        server.MapText("/fine", "<html><body>rien</body></html>");
        var settings = Urls(server, "broken", 0, failing);
        foreach (var (k, v) in Urls(server, "healthy", 1, "/fine")) settings[k] = v;
        settings["LeakWatch:Crawler:MaxRetries"] = "0";
        await using var harness = CrawlHarness.Create(settings, time);

        var broken = await harness.CrawlAsync("broken");
        var healthy = await harness.CrawlAsync("healthy");

        Assert.True(broken.NotSent > 0, $"{broken.NotSent} not sent");
        Assert.Equal(failing.Length, server.Count(p => p.StartsWith("/down", StringComparison.Ordinal)) + broken.NotSent);
        Assert.Equal(RunStatus.Failing, broken.Status);
        Assert.Contains("not sent (circuit open", (await harness.HealthAsync("broken"))!.LastError + broken.NotSentSummary, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Ok, healthy.Status);
        Assert.Equal(1, server.Count("/fine"));
    }

    [Fact]
    public async Task PasteArchive_UnderAPath_FindsItsPastesAndRawTextsBesideTheListing()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/paste/archive", """
            <html><body><table class="maintable">
            <tr><td><a href="/paste/Ab12Cd34">dump</a></td></tr><tr><td><a href="/paste/archive?page=2">more</a></td></tr>
            </table></body></html>
            """);
        server.MapText("/paste/raw/Ab12Cd34", "nom;nir\nDUPONT;SYNTH-510001", "text/plain; charset=utf-8");
        server.MapText("/other/archive", """<html><body><table class="maintable"><tr><td><a href="/other/x/Ab12Cd34">dump</a></td></tr></table></body></html>""");
        var settings = CrawlHarness.Source(0, "paste", "paste-archive", [server.Url("/paste/archive").AbsoluteUri]);
        foreach (var (k, v) in CrawlHarness.Source(1, "other", "paste-archive", [server.Url("/other/archive").AbsoluteUri])) settings[k] = v;
        await using var harness = CrawlHarness.Create(settings, time);

        var paste = await harness.CrawlAsync("paste");
        var other = await harness.CrawlAsync("other");

        Assert.True(paste.Succeeded, paste.LastError);
        Assert.Equal(new HashSet<int> { 510001 }, harness.Recorder.Patients);
        Assert.Equal(1, server.Count("/paste/raw/Ab12Cd34"));
        Assert.False(other.Succeeded);
        Assert.Contains("1 links matched 'table.maintable a[href]', 0 on another host, 1 dropped by the default paste-link filter", other.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkedFile_CutAtTheLimit_IsNotFetchedAgainUnlessItsValidatorsChanged()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/p/archive", """<html><body><table class="maintable"><tr><td><a href="/p/Big12345">a</a></td><td><a href="/p/Tag12345">b</a></td></tr></table></body></html>""");
        var big = "DUPONT;SYNTH-520001\n" + new string('x', 8192);
        server.MapText("/p/raw/Big12345", big, "text/plain");
        var version = "\"v1\"";
        server.Map("/p/raw/Tag12345", ctx =>
        {
            ctx.Response.Headers["ETag"] = version;
            if (ctx.Request.Headers["If-None-Match"].FirstOrDefault() == version)
            {
                ctx.Response.StatusCode = 304;
                return Task.CompletedTask;
            }
            ctx.Response.ContentType = "text/plain";
            return ctx.Response.WriteAsync(big);
        });
        var settings = CrawlHarness.Source(0, "paste", "paste-archive", [server.Url("/p/archive").AbsoluteUri]);
        settings["LeakWatch:Crawler:MaxBodyBytes"] = "4096";
        await using var harness = CrawlHarness.Create(settings, time);

        var first = await harness.CrawlAsync("paste");
        var warned = (await harness.HealthAsync("paste"))!.LastWarning;
        var second = await harness.CrawlAsync("paste");
        version = "\"v2\"";
        await harness.CrawlAsync("paste");

        Assert.True(first.Succeeded && second.Succeeded, first.LastError + second.LastError);
        Assert.Contains(520001, harness.Recorder.Patients); // what arrived before the cut was scanned
        Assert.Equal(1, server.Count("/p/raw/Big12345")); // no validators: remembered like a seen document
        Assert.Equal(3, server.Count("/p/raw/Tag12345")); // asked conditionally each run; read again once it changed
        Assert.Contains(server.Requests, r => r.PathAndQuery == "/p/raw/Tag12345" && r.IfNoneMatch == "\"v1\"");
        Assert.Contains("cut at 4096 bytes", warned, StringComparison.Ordinal);
    }
}
