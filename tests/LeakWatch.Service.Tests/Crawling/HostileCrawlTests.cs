using System.IO.Compression;
using System.Text;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Tests.Crawling.Support;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>
/// Sites that misbehave. After each: the crawl returned (nothing escaped), the other documents were scanned, the
/// source's health says what happened, and the host never saw two requests closer than the configured interval.
/// </summary>
public sealed class HostileCrawlTests
{
    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    private static Dictionary<string, string?> Urls(LoopbackServer server, params string[] paths) =>
        CrawlHarness.Source(0, "list", "urls", paths.Select(p => server.Url(p).AbsoluteUri));

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, params (string Key, string Value)[] extra)
    {
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task Crawl_TooManyRequestsWithRetryAfter_WaitsAsToldAndScansEverything()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var calls = 0;
        server.Map("/a", async ctx =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers["Retry-After"] = "30";
                return;
            }
            await ctx.Response.WriteAsync("nom;nir\nDUPONT;SYNTH-200001");
        });
        server.MapText("/b", "SYNTH-200002", "text/plain");
        await using var harness = CrawlHarness.Create(Urls(server, "/a", "/b"), time);

        var run = await harness.CrawlAsync("list");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 200001, 200002 }, harness.Recorder.Patients);
        var attempts = server.Requests.Where(r => r.PathAndQuery == "/a").Select(r => r.At).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(30), $"retried after {attempts[1] - attempts[0]}");
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("list");
        Assert.Equal(0, health!.LastRunErrors);
        Assert.NotNull(health.LastSuccessAt);
    }

    [Fact]
    public async Task Crawl_BurstsOf503_RetriesWithBackoffAndReportsTheHostThatNeverRecovered()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var calls = 0;
        server.Map("/flaky", async ctx =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                ctx.Response.StatusCode = 503;
                return;
            }
            await ctx.Response.WriteAsync("SYNTH-200011");
        });
        server.Map("/down", ctx =>
        {
            ctx.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        server.MapText("/fine", "SYNTH-200012", "text/plain");
        await using var harness = CrawlHarness.Create(Urls(server, "/flaky", "/down", "/fine"), time);

        var run = await harness.CrawlAsync("list");

        Assert.True(run.Succeeded, run.LastError); // one URL of three is down: the source works
        Assert.Equal(new HashSet<int> { 200011, 200012 }, harness.Recorder.Patients);
        Assert.Equal(3, server.Count("/down")); // the first attempt and two retries, no more
        var flaky = server.Requests.Where(r => r.PathAndQuery == "/flaky").Select(r => r.At).ToList();
        Assert.True(flaky[2] - flaky[1] > flaky[1] - flaky[0] - TimeSpan.FromSeconds(1), "backoff grows");
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("list");
        Assert.Equal(1, health!.LastRunErrors);
        Assert.Contains("/down", health.LastError, StringComparison.Ordinal);
        Assert.Contains("503", health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_ServerThatNeverAnswers_TimesOutAndGoesOn()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.Map("/slow", async ctx =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The crawler gave up, as it should.
            }
        });
        server.MapText("/ok", "SYNTH-200021", "text/plain");
        var settings = With(Urls(server, "/slow", "/ok"),
            ("LeakWatch:Crawler:AttemptTimeout", "00:00:05"), ("LeakWatch:Crawler:MaxRetries", "1"), ("LeakWatch:Crawler:TotalTimeout", "00:01:00"));
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("list", advanceDuringRequests: true);

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 200021 }, harness.Recorder.Patients);
        Assert.Equal(2, server.Count("/slow"));
        var health = await harness.HealthAsync("list");
        Assert.Contains("/slow", health!.LastError, StringComparison.Ordinal);
        Assert.Contains("timed out", health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_BodyOfSeveralGigabytes_IsCutAtTheLimitWithoutBeingStored()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/after", "SYNTH-200032", "text/plain");
        // A raw socket server: what it counts is what the kernel accepted, so it measures what was really sent.
        using var huge = new HugeBodyServer(4L * 1024 * 1024 * 1024, "nom;nir\nDUPONT;SYNTH-200031\n");
        var settings = CrawlHarness.Source(0, "list", "urls", [huge.Url.AbsoluteUri, server.Url("/after").AbsoluteUri], ("Robots", "ignore"));
        settings["LeakWatch:Crawler:MaxBodyBytes"] = "1048576";
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("list");
        var sent = await huge.Finished.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(RunStatus.Degraded, run.Status); // read in part: never "ok"
        Assert.Equal(new HashSet<int> { 200031, 200032 }, harness.Recorder.Patients); // the kept part was scanned
        Assert.True(sent < 64L * 1024 * 1024, $"the server sent {sent} bytes before the crawler hung up");
        var health = await harness.HealthAsync("list");
        Assert.Contains("cut at 1048576 bytes", health!.LastWarning, StringComparison.Ordinal); // a warning, not an error
        Assert.InRange(health.BytesSeen, 1048576, 1048576 + 100);
    }

    [Fact]
    public async Task Crawl_ArchiveBombAttachedToAPost_IsSkippedWithAReasonAndTheRestIsScanned()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var site = new ForumSite("phpbb");
        site.Serve(server);
        var thread = site.AddThread("Big dump");
        site.AddPost(thread, "Tout est dedans", ("dump.zip", Bomb()));
        site.AddPost(thread, "Extrait: SYNTH-200041");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "forum", "forum", [server.Url(site.BoardPath).AbsoluteUri], ("Preset", "phpbb")), time);

        var run = await harness.CrawlAsync("forum");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 200041 }, harness.Recorder.Patients);
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("forum");
        // The reason is the real unpacker's, under the detection defaults: the fake scanner only matches tokens.
        Assert.Contains("compression ratio above 200:1", health!.LastWarning, StringComparison.Ordinal);
        Assert.Contains("download/file.php", health.LastWarning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_PaginationThatLoopsBack_ReadsEachPageOnceAndEnds()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/viewforum.php?f=2", PhpbbMarkup.Board([("./viewtopic.php?t=1", "A")], "./viewforum.php?f=2&amp;start=25"));
        server.MapText("/viewforum.php?f=2&start=25", PhpbbMarkup.Board([("./viewtopic.php?t=2", "B")], "./viewforum.php?f=2&amp;sid=0123456789abcdef0123456789abcdef"));
        server.MapText("/viewtopic.php?t=1", PhpbbMarkup.Topic([(1, "SYNTH-200051")], "./viewtopic.php?t=1&amp;start=10"));
        server.MapText("/viewtopic.php?t=1&start=10", PhpbbMarkup.Topic([(2, "SYNTH-200052")], "./viewtopic.php?t=1"));
        server.MapText("/viewtopic.php?t=2", PhpbbMarkup.Topic([(3, "SYNTH-200053")], "./viewtopic.php?t=2"));
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "forum", "forum", [server.Url("/viewforum.php?f=2").AbsoluteUri],
            ("Preset", "phpbb"), ("MaxPages", "50"), ("MaxThreadPages", "50")), time);

        var run = await harness.CrawlAsync("forum");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 200051, 200052, 200053 }, harness.Recorder.Patients);
        Assert.All(server.Requests.GroupBy(r => r.PathAndQuery), g => Assert.Single(g));
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("forum");
        Assert.Equal(0, health!.ConsecutiveFailures);
        Assert.Equal(3, health.LastRunDocuments);
    }

    [Fact]
    public async Task Crawl_LinksToLoopbackAdminPage_AreNeverFollowedWhenOnlyTheForumMayBePrivate()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        await using var hostile = await LoopbackServer.StartAsync(time, "127.0.0.2");
        hostile.MapText("/admin", "SYNTH-299999 admin console");
        var admin = hostile.Url("/admin").AbsoluteUri;
        var site = new ForumSite("phpbb");
        site.Serve(server);
        server.Map("/download/file.php?id=999", ctx =>
        {
            ctx.Response.Redirect(admin);
            return Task.CompletedTask;
        });
        var thread = site.AddThread("Links");
        site.AddPost(thread, $"""Voir <a href="{admin}" class="postlink">ici</a>, <a href="http://localhost:{hostile.BaseUri.Port}/admin" class="postlink">là</a> et <a class="postlink" href="./download/file.php?id=999">dump.zip</a>""");
        site.AddPost(thread, "SYNTH-200061");
        var settings = CrawlHarness.Source(0, "forum", "forum", [server.Url(site.BoardPath).AbsoluteUri], ("Preset", "phpbb"), ("AllowedHosts:0", "*"));
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("forum");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Empty(hostile.Requests);
        Assert.Equal(new HashSet<int> { 200061 }, harness.Recorder.Patients);
        // Refused links are outcomes of the thread, not failures: the run is ok and the thread is not re-read for them.
        Assert.Equal(3, run.Refused);
        Assert.Equal(0, run.Errors);
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("forum");
        Assert.Contains("blocked", health!.LastWarning, StringComparison.Ordinal);
        Assert.Equal(0, health.LastRunErrors);
        Assert.Equal(3, health.LastRunRefused);
        Assert.Equal(LeakWatch.Service.Crawling.State.RunStatus.Ok, health.LastRunStatus);
    }

    [Fact]
    public async Task Crawl_MalformedHtml_StillYieldsThePosts()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/viewforum.php?f=2", "<html><body><ul class=\"topiclist topics\"><li class=\"row\"><a href=\"./viewtopic.php?t=1\" class=\"topictitle\">A<li class=row><a href='./viewtopic.php?t=2' class=topictitle>B</ul></ul></body></html></html>\0\0<<<>>>");
        var nested = string.Concat(Enumerable.Repeat("<div>", 3000));
        server.MapText("/viewtopic.php?t=1", $"<html><body><div id=\"p1\" class=\"post\"><div class=\"postbody\"><div class=\"content\">DUPONT<br>SYNTH-200071<b><i>pas fermé{nested}<table><tr><td>MARTIN<td>SYNTH-200072</table></div></div>");
        server.MapText("/viewtopic.php?t=2", "<div id=p2 class=post><div class=postbody><div class=content>&#xD800; &bogus; <![CDATA[x]]> <!-- SYNTH-299998 --> SYNTH-200073</div>\uFFFD");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "forum", "forum", [server.Url("/viewforum.php?f=2").AbsoluteUri], ("Preset", "phpbb")), time);

        var run = await harness.CrawlAsync("forum");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 200071, 200072, 200073 }, harness.Recorder.Patients); // comments are not content
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("forum");
        Assert.Equal(0, health!.LastRunErrors);
        Assert.NotNull(health.LastSuccessAt);
    }

    [Fact]
    public async Task Crawl_Windows1252PageWithoutDeclaredCharset_DecodesAccentsRight()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var cp1252 = CodePagesEncoding("windows-1252");
        server.MapBytes("/liste.html", cp1252.GetBytes("<html><head><title>Liste</title></head><body><p>Hélène MÜLLER-ŒUVRE;née le 12 mars 1965;SYNTH-200081 – fin</p></body></html>"), "text/html");
        await using var harness = CrawlHarness.Create(Urls(server, "/liste.html"), time);

        var run = await harness.CrawlAsync("list");

        Assert.True(run.Succeeded, run.LastError);
        var text = Assert.Single(harness.Scanner.Texts).Value;
        Assert.Contains("Hélène MÜLLER-ŒUVRE;née le 12 mars 1965;SYNTH-200081 – fin", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_BoardAnswering200WithNoPermissionPage_FailsTheRunAndSaysWhy()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/viewforum.php?f=2", """
            <html><body><div id="message" class="panel"><div class="inner"><h2 class="message-title">Information</h2>
            <p>Vous n’êtes pas autorisé à lire ce forum.</p></div></div>
            <form action="./ucp.php?mode=login" method="post" id="login"><input type="password" name="password" /></form></body></html>
            """);
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "forum", "forum", [server.Url("/viewforum.php?f=2").AbsoluteUri], ("Preset", "phpbb")), time);

        var first = await harness.CrawlAsync("forum");
        var second = await harness.CrawlAsync("forum");

        Assert.False(first.Succeeded);
        Assert.False(second.Succeeded);
        Assert.Empty(harness.Scanner.Scanned); // an error page is never content
        var health = await harness.HealthAsync("forum");
        Assert.Equal(2, health!.ConsecutiveFailures);
        Assert.Null(health.LastSuccessAt);
        Assert.Contains("access denied page", health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_CloudflareChallengeAndLoginForm_AreFailuresNotContent()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.Map("/challenge", async ctx =>
        {
            ctx.Response.StatusCode = 403;
            ctx.Response.Headers["cf-mitigated"] = "challenge";
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync("<html><head><title>Just a moment...</title></head><body>SYNTH-299997</body></html>");
        });
        server.MapText("/soft-challenge", "<html><head><title>Just a moment...</title></head><body>Checking your browser SYNTH-299996</body></html>");
        var site = new ForumSite("xenforo");
        site.Serve(server);
        site.AddPost(site.AddThread("Members only"), "SYNTH-299995");
        server.MapText("/threads/members-only.1/", """
            <html><head><title>Log in | Forum</title></head><body><div class="blockMessage">You must be logged-in to do that.</div>
            <form action="/login/login" method="post" class="block"><input type="text" name="login" /><input type="password" name="password" /></form></body></html>
            """);
        var settings = Urls(server, "/challenge", "/soft-challenge");
        foreach (var (key, value) in CrawlHarness.Source(1, "xf", "forum", [server.Url(site.BoardPath).AbsoluteUri], ("Preset", "xenforo"))) settings[key] = value;
        await using var harness = CrawlHarness.Create(settings, time);

        var list = await harness.CrawlAsync("list");
        var forum = await harness.CrawlAsync("xf");

        Assert.Empty(harness.Scanner.Scanned);
        Assert.False(list.Succeeded); // nothing of the list could be read
        Assert.Contains("challenge", list.LastError, StringComparison.Ordinal);
        Assert.True(forum.Succeeded); // the board was read; one thread was not
        Assert.Contains("logged-in", forum.LastError, StringComparison.Ordinal);
        Assert.Equal(1, (await harness.HealthAsync("xf"))!.LastRunErrors);
    }

    [Fact]
    public async Task Crawl_HostFailingEverything_OpensTheCircuitAndStopsAsking()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var paths = Enumerable.Range(1, 20).Select(i => "/p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        foreach (var path in paths)
        {
            server.Map(path, ctx =>
            {
                ctx.Response.StatusCode = 500;
                return Task.CompletedTask;
            });
        }
        var settings = With(Urls(server, paths), ("LeakWatch:Crawler:MaxRetries", "0"));
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("list");

        Assert.False(run.Succeeded); // nothing of the list could be read
        // The breaker opens once 8 answers (robots.txt's included) are in and at least half failed.
        Assert.InRange(server.Requests.Count(r => r.PathAndQuery != "/robots.txt"), 7, 12);
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1));
        var health = await harness.HealthAsync("list");
        Assert.Equal(21, health!.LastRunErrors); // twenty URLs, and the list as a whole
        Assert.Contains("circuit open", health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_RedirectLoopAndGzipBomb_AreBoundedAndReported()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var hops = 0;
        server.Map("/loop", ctx =>
        {
            ctx.Response.Redirect("/loop?again=" + Interlocked.Increment(ref hops).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        });
        // 64 MB once decompressed, 64 KB on the wire: the limit applies to what is decompressed.
        var gzip = GzipBomb("nom;nir\nDUPONT;SYNTH-200091\n", 64 * 1024 * 1024);
        server.Map("/bomb.txt", async ctx =>
        {
            ctx.Response.ContentType = "text/plain";
            ctx.Response.Headers["Content-Encoding"] = "gzip";
            await ctx.Response.Body.WriteAsync(gzip);
        });
        var settings = With(Urls(server, "/bomb.txt", "/loop"), ("LeakWatch:Crawler:MaxBodyBytes", "1048576"), ("LeakWatch:Crawler:MaxRedirects", "4"));
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("list");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 200091 }, harness.Recorder.Patients);
        Assert.Equal(5, server.Count(p => p.StartsWith("/loop", StringComparison.Ordinal)));
        Assert.Equal(1, run.Errors);
        var health = await harness.HealthAsync("list");
        Assert.InRange(health!.BytesSeen, 1048576, 1048576 + 100); // cut after decompression
        Assert.Contains("/loop", health.LastError, StringComparison.Ordinal);
        Assert.Contains("more than 4 redirects", health.LastError, StringComparison.Ordinal);
    }

    private static byte[] GzipBomb(string head, int zeros)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(head));
            var block = new byte[1024 * 1024];
            for (var written = 0; written < zeros; written += block.Length) gzip.Write(block);
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task ForumAdapter_MaxPostAge_SkipsOldPostsButNeverUndatedOnes()
    {
        var time = NewTime(); // 2026-11-28
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/viewforum.php?f=2", PhpbbMarkup.Board([("./viewtopic.php?t=1", "A")], null));
        var topic = PhpbbMarkup.Topic([(1, "SYNTH-940001 (2019)"), (2, "SYNTH-940002 (last week)"), (3, "SYNTH-940003 (no date)")], null)
            .Replace("<time datetime=\"2026-11-20T10:00:00+00:00\">Fri</time>", "", StringComparison.Ordinal);
        topic = topic.Replace("SYNTH-940001", "<time datetime=\"2019-03-01T10:00:00+00:00\">2019</time>SYNTH-940001", StringComparison.Ordinal)
            .Replace("SYNTH-940002", "<time datetime=\"2026-11-21T10:00:00+00:00\">x</time>SYNTH-940002", StringComparison.Ordinal);
        server.MapText("/viewtopic.php?t=1", topic);
        var settings = CrawlHarness.Source(0, "forum", "forum", [server.Url("/viewforum.php?f=2").AbsoluteUri], ("Preset", "phpbb"),
            ("MaxPostAge", "90.00:00:00"), ("Selectors:PostDate", ".content time"));
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("forum");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 940002, 940003 }, harness.Recorder.Patients);
    }

    private static Encoding CodePagesEncoding(string name)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(name);
    }

    /// <summary>A zip whose one entry expands to 100 MB of zeros (about 100 KB compressed).</summary>
    private static byte[] Bomb()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("patients.csv", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 100; i++) entry.Write(zeros);
        }
        return buffer.ToArray();
    }
}
