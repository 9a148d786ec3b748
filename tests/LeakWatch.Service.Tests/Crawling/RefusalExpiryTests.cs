using System.Text.Json;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Tests.Crawling.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>A linked URL refused once (403, robots.txt, a challenge page) is left alone for RefusalExpiry, then asked again.</summary>
public sealed class RefusalExpiryTests
{
    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    private const string Attachment = "/download/file.php?id=77";

    private static async Task<JsonElement> SourcesJsonAsync(CrawlHarness harness)
    {
        using var output = new StringWriter();
        Assert.Equal(0, await SourcesVerb.RunAsync(harness.Services, json: true, output, TextWriter.Null, CancellationToken.None));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    /// <summary>A phpBB-shaped forum on <paramref name="server"/> whose one post links the attachment; the source's settings.</summary>
    private static Dictionary<string, string?> ForumLinkingTheAttachment(LoopbackServer server, string text)
    {
        var site = new ForumSite("phpbb");
        site.Serve(server);
        var thread = site.AddThread("Export");
        site.AddPost(thread, text + "<a class=\"postlink\" href=\"./download/file.php?id=77\">dump.csv</a>");
        var settings = CrawlHarness.Source(0, "forum", "forum", [server.Url(site.BoardPath).AbsoluteUri], ("Preset", "phpbb"));
        settings["LeakWatch:Crawler:RefusalExpiry"] = "1.00:00:00";
        settings["LeakWatch:Sources:0:Enabled"] = "true";
        return settings;
    }

    [Fact]
    public async Task Crawl_AttachmentRefused403ThenOpened_LeftAloneUntilTheRefusalExpiresThenReadAndShownInSourcesAndHealth()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var opened = false;
        server.Map(Attachment, async ctx =>
        {
            ctx.Response.StatusCode = opened ? 200 : 403;
            ctx.Response.ContentType = "text/csv";
            await ctx.Response.WriteAsync(opened ? "nom;id\nDUPONT;SYNTH-200091\n" : "Forbidden");
        });
        await using var harness = CrawlHarness.Create(ForumLinkingTheAttachment(server, "Extrait SYNTH-200090, le reste: "), time);

        var first = await harness.CrawlAsync("forum");
        var refusedAt = time.GetUtcNow();
        var listed = await SourcesJsonAsync(harness);
        var health = (await harness.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "sources")).Entries["sources"];
        opened = true; // the site lets the crawler in from now on
        time.Advance(TimeSpan.FromHours(12));
        var beforeExpiry = await harness.CrawlAsync("forum");
        var askedBeforeExpiry = server.Count(p => p == Attachment);
        time.Advance(TimeSpan.FromHours(13));
        var afterExpiry = await harness.CrawlAsync("forum");

        Assert.Equal(1, first.Refused);
        Assert.Equal(new HashSet<int> { 200090, 200091 }, harness.Recorder.Patients);
        Assert.Equal(1, askedBeforeExpiry); // once, refused; not again within the day
        Assert.Equal(0, beforeExpiry.Refused);
        Assert.Equal(2, server.Count(p => p == Attachment)); // asked again once the refusal expired, and read
        Assert.True(afterExpiry.Succeeded, afterExpiry.LastError);
        Assert.Equal(1, listed.GetProperty("refusedLinks").GetInt64());
        var nextRetry = DateTimeOffset.Parse(listed.GetProperty("nextRefusalRetryAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(nextRetry, refusedAt.AddDays(1).AddMinutes(-5), refusedAt.AddDays(1));
        Assert.StartsWith("1 refused link(s), asked again from ", (string)health.Data["forum"], StringComparison.Ordinal);
        Assert.Equal(0, (await SourcesJsonAsync(harness)).GetProperty("refusedLinks").GetInt64());
    }

    /// <summary>
    /// An expired refusal asked again that fails another way (a 500) is a warning, not the source failing, and waits a
    /// whole expiry again: otherwise the same oldest links were asked at every run and failed it.
    /// </summary>
    [Fact]
    public async Task Crawl_ExpiredRefusalAskedAgainFailsWith500_RunNotFailingAndTheLinkWaitsAnotherExpiry()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var status = 403;
        server.Map(Attachment, async ctx =>
        {
            ctx.Response.StatusCode = status;
            await ctx.Response.WriteAsync("no");
        });
        await using var harness = CrawlHarness.Create(ForumLinkingTheAttachment(server, "Le reste: "), time);

        var first = await harness.CrawlAsync("forum");
        status = 500;
        time.Advance(TimeSpan.FromHours(25));
        var afterExpiry = await harness.CrawlAsync("forum");
        var askedAfterExpiry = server.Count(p => p == Attachment);
        time.Advance(TimeSpan.FromHours(1));
        var nextRun = await harness.CrawlAsync("forum");

        Assert.Equal(1, first.Refused);
        Assert.True(askedAfterExpiry > 1, "asked again once the refusal expired");
        Assert.True(afterExpiry.Succeeded, afterExpiry.LastError);
        Assert.Equal(askedAfterExpiry, server.Count(p => p == Attachment)); // not asked again within the new expiry
        Assert.True(nextRun.Succeeded, nextRun.LastError);
        Assert.Equal(1, (await SourcesJsonAsync(harness)).GetProperty("refusedLinks").GetInt64());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrawlStateStore_RefusalOlderThanTheExpiry_IsForgottenSoTheNextMeetingAsksAgain(bool postgres)
    {
        var time = NewTime();
        var settings = new Dictionary<string, string?> { ["LeakWatch:Crawler:RefusalExpiry"] = "02:00:00" };
        if (postgres)
        {
            settings["LeakWatch:Database:Provider"] = "postgres";
            settings["LeakWatch:Database:ConnectionString"] = await Postgres.PostgresServer.CreateDatabaseAsync();
        }
        await using var harness = CrawlHarness.Create(settings, time);
        var state = harness.Services.GetRequiredService<CrawlStateStore>();
        await state.SavePageAsync("s", "https://forum.example/file.php?id=1", null, null, null, CancellationToken.None, outcome: "refused");
        await state.SavePageAsync("s", "https://forum.example/file.php?id=2", null, null, "abc", CancellationToken.None);

        time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        var stillRefused = await state.GetValidatorsAsync("s", "https://forum.example/file.php?id=1", CancellationToken.None);
        var noneDue = await state.ExpiredRefusalsAsync("s", 10, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("refused", stillRefused?.Outcome);
        Assert.Empty(noneDue);
        Assert.Null(await state.GetValidatorsAsync("s", "https://forum.example/file.php?id=1", CancellationToken.None));
        Assert.Equal(["https://forum.example/file.php?id=1"], await state.ExpiredRefusalsAsync("s", 10, CancellationToken.None));
        Assert.NotNull(await state.GetValidatorsAsync("s", "https://forum.example/file.php?id=2", CancellationToken.None)); // read pages do not expire
        var remembered = Assert.Single(await state.RefusalsAsync(CancellationToken.None));
        Assert.Equal(("s", 1L, NewTime().GetUtcNow().AddHours(2)), (remembered.Key, remembered.Value.Links, remembered.Value.NextRetryAt));
    }

    [Theory]
    [InlineData("00:59:59")]
    [InlineData("366.00:00:00")]
    public async Task CrawlerOptions_RefusalExpiryOutOfRange_RefusedNamingTheSetting(string expiry)
    {
        await using var harness = CrawlHarness.Create(new Dictionary<string, string?> { ["LeakWatch:Crawler:RefusalExpiry"] = expiry });

        var refused = Assert.Throws<OptionsValidationException>(() => harness.Services.GetRequiredService<IOptions<CrawlerOptions>>().Value);

        Assert.Contains("LeakWatch:Crawler:RefusalExpiry must be between 01:00:00 and 365.00:00:00.", refused.Message, StringComparison.Ordinal);
    }
}
