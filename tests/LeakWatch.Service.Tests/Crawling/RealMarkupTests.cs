using AngleSharp.Dom;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.Adapters;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>
/// The forum defects of issue 11, each on markup saved from the real phpBB 3.3.15 and MyBB 1.8.37 installs of
/// ../shared/forums (Crawling/Fixtures): what the presets select, sign and read there.
/// </summary>
public sealed class RealMarkupTests
{
    private static readonly Uri Mybb = new("http://127.0.0.1:18381/");
    private static readonly Uri Phpbb = new("http://127.0.0.1:18382/");

    private static IDocument Page(string name) =>
        CrawledHtml.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Crawling", "Fixtures", name)));

    private static ForumSelectors Preset(string name) => ForumPresets.All[name];

    [Fact]
    public void MybbNextPage_ThreadPageWithBreadcrumbPagination_FollowsTheThreadNotTheBoard()
    {
        var page = new Uri(Mybb, "showthread.php?tid=26&page=2");
        var document = Page("mybb-thread-page2.html");

        var next = NextPage.Find(document, Preset("mybb").NextPage, page, new HashSet<string>());
        // The old selector took the hidden breadcrumb popup's "next": the board's page 2.
        var old = NextPage.Find(document, "a.pagination_next", page, new HashSet<string>());

        Assert.Equal(new Uri(Mybb, "showthread.php?tid=26&page=3"), next);
        Assert.Equal(new Uri(Mybb, "forumdisplay.php?fid=2&page=2"), old);
    }

    [Theory]
    [InlineData("phpbb", "phpbb-index.html", "viewforum.php?f=2", "viewforum.php?f=3")]
    [InlineData("mybb", "mybb-index.html", "forumdisplay.php?fid=2", "forumdisplay.php?fid=3")]
    public void Boards_ForumIndex_AreFoundWithTheirTitlesAndNoCategoryOrSessionToken(string preset, string fixture, string first, string second)
    {
        var root = preset == "mybb" ? Mybb : Phpbb;

        var boards = ForumAdapter.Boards(Page(fixture), Preset(preset), root);

        Assert.Equal([new Uri(root, first), new Uri(root, second)], boards.Select(b => b.Url));
        Assert.Equal(["Bases de donnees", "Fuites sante"], boards.Select(b => b.Title));
        Assert.Empty(ForumAdapter.Threads(Page(fixture), Preset(preset), root)); // an index: no thread of its own
    }

    [Fact]
    public void Wanted_IncludeAndExcludeLists_MatchTitlesOrUrls()
    {
        var board = new ForumAdapter.Board(new Uri(Phpbb, "viewforum.php?f=3"), "Fuites sante", EntryPoint: false);

        Assert.True(ForumAdapter.Wanted(new SourceOptions(), board));
        Assert.True(ForumAdapter.Wanted(new SourceOptions { Boards = ["fuites SANTE"] }, board));
        Assert.True(ForumAdapter.Wanted(new SourceOptions { Boards = [new Uri(Phpbb, "viewforum.php?f=3&sid=0123456789abcdef0123456789abcdef").AbsoluteUri] }, board));
        Assert.False(ForumAdapter.Wanted(new SourceOptions { Boards = ["Bases de donnees"] }, board));
        Assert.False(ForumAdapter.Wanted(new SourceOptions { ExcludeBoards = ["Fuites sante"] }, board));
    }

    [Fact]
    public void Signature_MybbBoardAfterTheCrawlersOwnVisit_IsUnchangedButChangesWithAReply()
    {
        // Between the two saves the crawler read a page of thread 26: its views went 4 -> 5, its "new posts" marks went.
        var before = ForumAdapter.Threads(Page("mybb-board.html"), Preset("mybb"), new Uri(Mybb, "forumdisplay.php?fid=2"));
        var after = ForumAdapter.Threads(Page("mybb-board-again.html"), Preset("mybb"), new Uri(Mybb, "forumdisplay.php?fid=2"));
        var replied = Page("mybb-board-again.html");
        var replies = replied.QuerySelector("a[href*=\"action=whoposted&tid=26\"]")!;
        replies.TextContent = "18";
        var withReply = ForumAdapter.Threads(replied, Preset("mybb"), new Uri(Mybb, "forumdisplay.php?fid=2"));

        Assert.Equal(10, before.Count);
        Assert.Equal(before, after);
        Assert.NotEqual(after.Single(t => t.Thread.Query == "?tid=26").Signature, withReply.Single(t => t.Thread.Query == "?tid=26").Signature);
        Assert.Equal(after.Where(t => t.Thread.Query != "?tid=26"), withReply.Where(t => t.Thread.Query != "?tid=26"));
    }

    [Fact]
    public void Signature_PhpbbViewCounter_IsNotSignedButTheLastPostIs()
    {
        var board = new Uri(Phpbb, "viewforum.php?f=2");
        var document = Page("phpbb-board.html");
        var before = ForumAdapter.Threads(document, Preset("phpbb"), board);
        foreach (var views in document.QuerySelectorAll("dd.views")) views.TextContent = "99 Views";
        var viewed = ForumAdapter.Threads(document, Preset("phpbb"), board);
        var time = document.QuerySelector("dd.lastpost time")!;
        time.SetAttribute("datetime", "2026-12-01T10:00:00+00:00");
        var replied = ForumAdapter.Threads(document, Preset("phpbb"), board);

        Assert.Equal(before, viewed);
        Assert.NotEqual(viewed[0].Signature, replied[0].Signature);
        Assert.Equal(viewed.Skip(1), replied.Skip(1));
    }

    [Fact]
    public void WhyEmpty_BoardListingReadAsAThread_SaysWhatDidNotMatchNotLoginForm()
    {
        // Every MyBB guest page carries a hidden quick-login form; the listing is what the page is.
        var document = Page("mybb-board.html");
        Assert.NotNull(document.QuerySelector("input[type=password]"));

        var why = ForumAdapter.WhyEmpty(document, [], Preset("mybb"), "no post matched 'div.post'");

        Assert.StartsWith("no post matched 'div.post': the page is a board listing (", why, StringComparison.Ordinal);
        Assert.DoesNotContain("login", why, StringComparison.Ordinal);
    }

    [Fact]
    public void WhyEmpty_PhpbbIndexWithItsLoginBoxReadAsABoard_SaysItIsAnIndex()
    {
        var why = ForumAdapter.WhyEmpty(Page("phpbb-index.html"), [], Preset("phpbb") with { BoardLinks = "a.forumtitle" }, "no thread matched 'x'");

        Assert.Equal("no thread matched 'x': the page is a board index (2 board links)", why);
    }

    [Fact]
    public void WhyEmpty_WrongPreset_SaysNothingOfThePresetMatched()
    {
        var why = ForumAdapter.WhyEmpty(Page("phpbb-thread-attachments.html"), [], Preset("xenforo"), "no post matched 'article.message--post'");

        Assert.Contains("nothing the preset knows is on the page", why, StringComparison.Ordinal);
    }

    [Fact]
    public void PostDate_MybbRelativeTimeWithTheDateInATitle_IsRead()
    {
        var posts = Page("mybb-thread-page2.html").QuerySelectorAll(Preset("mybb").Posts);

        var dates = posts.Select(p => ForumAdapter.PostDate(p, Preset("mybb").PostDate)).ToList();

        Assert.Equal(5, dates.Count);
        Assert.All(dates, d => Assert.Equal(new DateTime(2026, 11, 30), d!.Value.UtcDateTime.Date));
    }

    [Fact]
    public void PostDate_PhpbbTimeElement_IsRead()
    {
        var posts = Page("phpbb-thread-attachments.html").QuerySelectorAll(Preset("phpbb").Posts);

        Assert.NotEmpty(posts);
        Assert.All(posts, p => Assert.Equal(new DateTime(2026, 11, 30), ForumAdapter.PostDate(p, Preset("phpbb").PostDate)!.Value.UtcDateTime.Date));
    }

    [Fact]
    public void Attachments_PhpbbThread_AreTheDownloadLinksOfThePost()
    {
        var document = Page("phpbb-thread-attachments.html");
        var post = document.QuerySelector(Preset("phpbb").Posts)!;

        var links = post.QuerySelectorAll(Preset("phpbb").Attachments).Select(a => Hrefs.Of(Phpbb, a)!).Select(UrlCanonical.Normalize).Distinct().ToList();

        Assert.Equal([new Uri(Phpbb, "download/file.php?id=1").AbsoluteUri, new Uri(Phpbb, "download/file.php?id=2").AbsoluteUri], links.Order());
    }
}
