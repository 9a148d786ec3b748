using System.Text;
using System.Text.Json;
using LeakWatch.Service.Tests.Crawling.Support;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>Discourse, paste archives, gists, Telegram previews, feeds and URL lists, each served on loopback in its real shape.</summary>
public sealed class SourceKindsCrawlTests
{
    private static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task DiscourseAdapter_JsonApi_ReadsNewPostsOnlyIncludingThoseBeyondTheFirstTwenty()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        // Topic 7 has 25 posts: 20 in /t/7.json, 5 more through posts.json; post 23 carries a leak, post 2 an upload.
        var posts = Enumerable.Range(1, 25).Select(n => new
        {
            id = 1000 + n,
            post_number = n,
            cooked = n switch
            {
                23 => "<p>Sample:<br>DUPONT;SYNTH-400001</p>",
                2 => "<p>Full file: <a class=\"attachment\" href=\"/uploads/short-url/abc.zip\">dump.zip</a></p>",
                _ => "<p>bump</p>",
            },
        }).ToList();
        var highest = 25;
        server.Map("/latest.json", ctx => Json(ctx, new
        {
            topic_list = new
            {
                more_topics_url = ctx.Request.Query.ContainsKey("page") ? null : "/latest?page=1",
                topics = ctx.Request.Query.ContainsKey("page")
                    ? new object[] { new { id = 8, slug = "old", highest_post_number = 1, posts_count = 1 } }
                    : new object[] { new { id = 7, slug = "vente-base", highest_post_number = highest, posts_count = highest } },
            },
        }));
        server.Map("/t/7.json", ctx => Json(ctx, new { post_stream = new { posts = posts.Take(20), stream = posts.Select(p => p.id) } }));
        server.Map("/t/7/posts.json", ctx =>
        {
            var ids = ctx.Request.Query["post_ids[]"].Select(v => int.Parse(v!, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            return Json(ctx, new { post_stream = new { posts = posts.Where(p => ids.Contains(p.id)) } });
        });
        server.Map("/t/8.json", ctx => Json(ctx, new { post_stream = new { posts = new[] { new { id = 2001, post_number = 1, cooked = "<p>SYNTH-400003</p>" } }, stream = new[] { 2001 } } }));
        server.MapBytes("/uploads/short-url/abc.zip", ForumSite.Zip("a.csv", "SYNTH-400002"), "application/zip");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "disc", "discourse", [server.BaseUri.AbsoluteUri]), time);

        var first = await harness.CrawlAsync("disc");

        Assert.True(first.Succeeded, first.LastError);
        Assert.Equal(new HashSet<int> { 400001, 400002, 400003 }, harness.Recorder.Patients);
        Assert.Contains(harness.Recorder.Recorded, r => r.Url.EndsWith("/t/vente-base/7/23", StringComparison.Ordinal));

        posts.Add(new { id = 1026, post_number = 26, cooked = "<p>SYNTH-400004</p>" });
        highest = 26;
        var before = server.Requests.Count;
        var second = await harness.CrawlAsync("disc");

        Assert.True(second.Succeeded, second.LastError);
        Assert.Contains(400004, harness.Recorder.Patients);
        var asked = server.Requests.Skip(before).Select(r => r.PathAndQuery).ToList();
        Assert.DoesNotContain(asked, p => p.StartsWith("/t/8", StringComparison.Ordinal) || p.StartsWith("/uploads/", StringComparison.Ordinal));
        Assert.Contains(asked, p => p.StartsWith("/t/7/posts.json?post_ids[]=1026", StringComparison.Ordinal) || p.StartsWith("/t/7/posts.json?post_ids%5B%5D=1026", StringComparison.Ordinal));
        Assert.Equal(1, second.Documents);
    }

    [Fact]
    public async Task PasteArchiveAdapter_PastebinShapedArchive_ScansEachRawPasteOnce()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/archive", """
            <html><body><div class="archive-table"><table class="maintable">
            <tr><th scope="col" align="left">Name / Title</th><th scope="col" align="left">Posted</th><th scope="col" align="right">Syntax</th></tr>
            <tr><td><span class="status -public"></span><a href="/Ab12Cd34">Untitled</a></td><td class="td_smaller h_800">8 sec ago</td><td class="td_smaller h_800"><a href="/archive/text">None</a></td></tr>
            <tr><td><span class="status -public"></span><a href="/Ef56Gh78">patients</a></td><td class="td_smaller h_800">1 min ago</td><td class="td_smaller h_800"><a href="/archive/sql">SQL</a></td></tr>
            </table></div></body></html>
            """);
        server.MapText("/raw/Ab12Cd34", "hello world", "text/plain; charset=utf-8");
        server.MapText("/raw/Ef56Gh78", "INSERT INTO patients VALUES ('DUPONT','SYNTH-500001');", "text/plain; charset=utf-8");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "paste", "paste-archive", [server.Url("/archive").AbsoluteUri]), time);

        var first = await harness.CrawlAsync("paste");
        var second = await harness.CrawlAsync("paste");

        Assert.True(first.Succeeded, first.LastError);
        Assert.True(second.Succeeded, second.LastError);
        Assert.Equal(new HashSet<int> { 500001 }, harness.Recorder.Patients);
        Assert.Equal(1, server.Count("/raw/Ef56Gh78"));
        Assert.Equal(0, server.Count(p => p.StartsWith("/archive/", StringComparison.Ordinal)));
        Assert.Contains(harness.Recorder.Recorded, r => r.Url.EndsWith("/raw/Ef56Gh78", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GistsAdapter_PublicGistsApi_FetchesRawFilesWithTheTokenOnlyOnTheApi()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.Map("/gists/public", ctx => Json(ctx, ctx.Request.Query["page"] == "1"
            ? new object[]
            {
                new { id = "g1", updated_at = "2026-11-28T07:00:00Z", files = new Dictionary<string, object> { ["export.csv"] = new { raw_url = server.Url("/raw/g1/export.csv").AbsoluteUri, size = 30 } } },
                new { id = "g2", updated_at = "2026-11-28T06:00:00Z", files = new Dictionary<string, object> { ["notes.md"] = new { raw_url = server.Url("/raw/g2/notes.md").AbsoluteUri, size = 10 } } },
            }
            : Array.Empty<object>()));
        server.MapText("/raw/g1/export.csv", "nom;nir\nDUPONT;SYNTH-600001", "text/plain");
        server.MapText("/raw/g2/notes.md", "nothing", "text/plain");
        Environment.SetEnvironmentVariable("LEAKWATCH_TEST_GIST_TOKEN", "test-token");
        var settings = CrawlHarness.Source(0, "gists", "gists", [], ("ApiBaseUrl", server.BaseUri.AbsoluteUri), ("TokenEnvironmentVariable", "LEAKWATCH_TEST_GIST_TOKEN"), ("Robots", "ignore"), ("MaxPages", "3"));
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("gists");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 600001 }, harness.Recorder.Patients);
        Assert.All(server.Requests.Where(r => r.PathAndQuery.StartsWith("/gists/", StringComparison.Ordinal)), r => Assert.Equal("Bearer test-token", r.Authorization));
        Assert.All(server.Requests.Where(r => r.PathAndQuery.StartsWith("/raw/", StringComparison.Ordinal)), r => Assert.Null(r.Authorization));
        Assert.Equal(0, server.Count("/robots.txt"));
    }

    [Fact]
    public async Task TelegramAdapter_ChannelPreview_ReadsNewMessagesAndPagesBackToTheLastSeen()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        await using var pastes = await LoopbackServer.StartAsync(time, "127.0.0.3");
        var newest = 105L;
        string Page(long from, long to) => $"""
            <html><body><div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span dir="auto">Leaks FR</span></div></div>
            <section class="tgme_channel_history js-message_history">
            {(from > 100 ? $"<div class=\"tme_messages_more js-messages_more\" data-before=\"{from}\"></div>" : "")}
            {string.Concat(Enumerable.Range((int)from, (int)(to - from + 1)).Select(id => $"""
                <div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="leaksfr/{id}" data-view="x">
                  <div class="tgme_widget_message_bubble">
                    {(id == 102 ? "<div class=\"tgme_widget_message_document_wrap\"><a class=\"tgme_widget_message_document_wrap\" href=\"https://t.me/leaksfr/102\"><div class=\"tgme_widget_message_document\"><div class=\"tgme_widget_message_document_title accent_color\" dir=\"auto\">labo_patients.zip</div><div class=\"tgme_widget_message_document_extra\" dir=\"auto\">12.3 MB</div></div></a></div>" : "")}
                    <div class="tgme_widget_message_text js-message_text" dir="auto">Message {id}<br/>{(id % 2 == 0 ? $"SYNTH-{700000 + id}" : "rien")}{(id == 101 ? $" <a href=\"{pastes.Url("/paste/1")}\">paste</a>" : "")}</div>
                  </div></div></div>
                """))}
            </section></body></html>
            """;
        server.Map("/s/leaksfr", ctx =>
        {
            ctx.Response.ContentType = "text/html; charset=utf-8";
            var before = long.TryParse(ctx.Request.Query["before"], System.Globalization.CultureInfo.InvariantCulture, out var b) ? b : newest + 1;
            return ctx.Response.WriteAsync(Page(Math.Max(100, before - 3), before - 1));
        });
        pastes.MapText("/paste/1", "SYNTH-700999", "text/plain");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "tg", "telegram", [server.Url("/s/leaksfr").AbsoluteUri], ("AllowedHosts:0", "127.0.0.3")), time);

        var first = await harness.CrawlAsync("tg");

        Assert.True(first.Succeeded, first.LastError);
        Assert.Equal(new HashSet<int> { 700100, 700102, 700104, 700999 }, harness.Recorder.Patients);
        Assert.Contains(harness.Scanner.Texts, t => t.Key.EndsWith("/leaksfr/102", StringComparison.Ordinal) && t.Value.Contains("labo_patients.zip", StringComparison.Ordinal));

        newest = 106;
        var count = server.Requests.Count;
        var second = await harness.CrawlAsync("tg");
        Assert.True(second.Succeeded, second.LastError);
        Assert.Contains(700106, harness.Recorder.Patients);
        Assert.Single(server.Requests.Skip(count), r => r.PathAndQuery.StartsWith("/s/", StringComparison.Ordinal));
        Assert.Equal(1, second.Documents);
    }

    [Theory]
    [InlineData("rss")]
    [InlineData("atom")]
    public async Task FeedAdapter_RssAndAtom_ScansItemContentAndLinkedPages(string format)
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var link = server.Url("/post/1").AbsoluteUri;
        var feed = format == "rss"
            ? $"""
              <?xml version="1.0" encoding="UTF-8"?>
              <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Leaks</title>
              <item><title>New dump</title><link>{link}</link><guid>1</guid><description>&lt;p&gt;Extrait&lt;br&gt;SYNTH-800001&lt;/p&gt;</description>
                <enclosure url="{server.Url("/files/dump.zip")}" length="100" type="application/zip" /></item>
              </channel></rss>
              """
            : $"""
              <?xml version="1.0" encoding="utf-8"?>
              <feed xmlns="http://www.w3.org/2005/Atom"><title>Leaks</title><id>urn:x</id><updated>2026-11-28T00:00:00Z</updated>
              <entry><title>New dump</title><id>urn:1</id><updated>2026-11-28T00:00:00Z</updated><link href="{link}" />
                <link rel="enclosure" href="{server.Url("/files/dump.zip")}" /><content type="html">&lt;p&gt;Extrait&lt;br&gt;SYNTH-800001&lt;/p&gt;</content></entry>
              </feed>
              """;
        server.MapText("/feed", feed, "application/xml");
        server.MapText("/post/1", "<html><body><article>Voir SYNTH-800002</article></body></html>");
        server.MapBytes("/files/dump.zip", ForumSite.Zip("d.csv", "SYNTH-800003"), "application/zip");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "feed", "feed", [server.Url("/feed").AbsoluteUri]), time);

        var run = await harness.CrawlAsync("feed");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 800001, 800002, 800003 }, harness.Recorder.Patients);
    }

    [Fact]
    public async Task FeedAdapter_FeedWithDtd_IsRefusedWithoutExpandingEntities()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/feed", """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY a "SYNTH-899999SYNTH-899999"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <rss version="2.0"><channel><item><title>&b;</title><description>&b;</description></item></channel></rss>
            """, "application/rss+xml");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "feed", "feed", [server.Url("/feed").AbsoluteUri]), time);

        var run = await harness.CrawlAsync("feed");

        Assert.False(run.Succeeded);
        Assert.Empty(harness.Scanner.Scanned);
        Assert.Contains("DTDs are refused", (await harness.HealthAsync("feed"))!.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlListAdapter_ServerWithETag_AsksConditionallyAndSkipsUnchangedPages()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.Map("/list.csv", async ctx =>
        {
            if (ctx.Request.Headers["If-None-Match"] == "\"v1\"")
            {
                ctx.Response.StatusCode = 304;
                return;
            }
            ctx.Response.Headers["ETag"] = "\"v1\"";
            ctx.Response.ContentType = "text/csv";
            await ctx.Response.WriteAsync("nom;nir\nDUPONT;SYNTH-900001\n");
        });
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "list", "urls", [server.Url("/list.csv").AbsoluteUri]), time);

        var first = await harness.CrawlAsync("list");
        var second = await harness.CrawlAsync("list");

        Assert.True(first.Succeeded && second.Succeeded);
        Assert.Equal(1, first.Documents);
        Assert.Equal(0, second.Documents);
        Assert.Single(harness.Recorder.Recorded);
        Assert.Equal("\"v1\"", server.Requests.Last(r => r.PathAndQuery == "/list.csv").IfNoneMatch);
        Assert.Equal("LeakWatchTest/1.0", server.Requests.First().UserAgent);
    }

    [Fact]
    public async Task Robots_DisallowedPathsAreNotFetchedUnlessTheSourceIgnoresRobots()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.MapText("/robots.txt", "User-agent: *\nDisallow: /private\n\nUser-agent: LeakWatchTest\nDisallow: /secret\nAllow: /secret/open$\n", "text/plain");
        server.MapText("/private/a", "SYNTH-910001", "text/plain");
        server.MapText("/secret/b", "SYNTH-910002", "text/plain");
        server.MapText("/secret/open", "SYNTH-910003", "text/plain");
        var settings = CrawlHarness.Source(0, "obey", "urls", [server.Url("/private/a").AbsoluteUri, server.Url("/secret/b").AbsoluteUri, server.Url("/secret/open").AbsoluteUri]);
        foreach (var (k, v) in CrawlHarness.Source(1, "ignore", "urls", [server.Url("/secret/b").AbsoluteUri], ("Robots", "ignore"))) settings[k] = v;
        await using var harness = CrawlHarness.Create(settings, time);

        var obey = await harness.CrawlAsync("obey");
        var ignore = await harness.CrawlAsync("ignore");

        // Our group (LeakWatchTest) replaces the * group: /private is allowed for us, /secret is not, /secret/open is.
        Assert.Equal(new HashSet<int> { 910001, 910002, 910003 }, harness.Recorder.Patients);
        Assert.Equal(1, obey.Errors);
        Assert.Contains("robots.txt", obey.LastError, StringComparison.Ordinal);
        Assert.True(ignore.Succeeded);
        Assert.Equal(1, server.Count("/robots.txt")); // cached per host
        Assert.Equal(1, server.Count("/secret/b"));
    }

    [Fact]
    public async Task Robots_RedirectedRobotsTxt_IsFollowed()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        server.Map("/robots.txt", ctx =>
        {
            ctx.Response.Redirect("/static/robots.txt", permanent: true);
            return Task.CompletedTask;
        });
        server.MapText("/static/robots.txt", "User-agent: *\nDisallow: /x\n", "text/plain");
        server.MapText("/x/1", "SYNTH-930001", "text/plain");
        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "list", "urls", [server.Url("/x/1").AbsoluteUri]), time);

        var run = await harness.CrawlAsync("list");

        Assert.Equal(0, server.Count("/x/1"));
        Assert.Contains("disallowed by robots.txt", run.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForumAdapter_OnionForumThroughSocks5Proxy_NamesGoToTheProxyUnresolved()
    {
        var time = NewTime();
        await using var server = await LoopbackServer.StartAsync(time);
        var site = new ForumSite("smf");
        site.Serve(server);
        site.AddPost(site.AddThread("Dump"), "SYNTH-920001", ("d.zip", ForumSite.Zip("d.csv", "SYNTH-920002")));
        using var proxy = new Socks5Proxy(server.BaseUri);
        const string Onion = "leaksxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion";
        var settings = CrawlHarness.Source(0, "tor", "forum", [$"http://{Onion}{site.BoardPath}"], ("Preset", "smf"), ("Proxy", proxy.Url));
        settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "false";
        await using var harness = CrawlHarness.Create(settings, time);

        var run = await harness.CrawlAsync("tor");

        Assert.True(run.Succeeded, run.LastError);
        Assert.Equal(new HashSet<int> { 920001, 920002 }, harness.Recorder.Patients);
        Assert.All(proxy.Destinations, d => Assert.Equal(Onion + ":80", d));
        Assert.NotEmpty(proxy.Destinations);
    }

    private static Task Json(LoopbackContext context, object value)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value), Encoding.UTF8);
    }
}
