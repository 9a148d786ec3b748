using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace LeakWatch.Service.Tests.Crawling.Support;

internal sealed record ForumAttachment(int Id, string FileName, byte[] Content);

internal sealed record ForumPost(int Id, string Html, IReadOnlyList<ForumAttachment> Attachments);

internal sealed class ForumThread(int id, string title)
{
    public int Id { get; } = id;
    public string Title { get; } = title;
    public List<ForumPost> Posts { get; } = [];
    public int LastActivity { get; set; }
}

/// <summary>
/// A forum served on loopback with the markup of a real forum software's default templates (board list with
/// pagination, threads with pagination, posts, attachments). The model can change between two crawls.
/// </summary>
internal sealed class ForumSite
{
    public const int ThreadsPerPage = 2;
    public const int PostsPerPage = 2;
    private int _activity;
    private int _nextPostId = 100;
    private int _nextAttachmentId = 1;
    private int _session;

    public ForumSite(string software) => Software = software;

    public string Software { get; }

    public List<ForumThread> Threads { get; } = [];

    public ForumThread AddThread(string title)
    {
        var thread = new ForumThread(Threads.Count + 1, title) { LastActivity = ++_activity };
        Threads.Add(thread);
        return thread;
    }

    public ForumPost AddPost(ForumThread thread, string text, params (string Name, byte[] Content)[] attachments)
    {
        var post = new ForumPost(_nextPostId++, text, [.. attachments.Select(a => new ForumAttachment(_nextAttachmentId++, a.Name, a.Content))]);
        thread.Posts.Add(post);
        thread.LastActivity = ++_activity;
        return post;
    }

    /// <summary>The URL a source starts from: the board.</summary>
    public string BoardPath => Software switch
    {
        "phpbb" => "/viewforum.php?f=2",
        "mybb" => "/forumdisplay.php?fid=2",
        "xenforo" => "/forums/leaks.2/",
        "smf" => "/index.php?board=2.0",
        "vbulletin" => "/forumdisplay.php?f=2",
        "flarum" => "/",
        _ => throw new ArgumentOutOfRangeException(nameof(Software)),
    };

    public static byte[] Zip(string entryName, string text)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry(entryName).Open(), Encoding.UTF8);
            writer.Write(text);
        }
        return buffer.ToArray();
    }

    public void Serve(LoopbackServer server) => server.Fallback = context => HandleAsync(context);

    private async Task<bool> HandleAsync(LoopbackContext context)
    {
        var path = context.Request.Path;
        var query = context.Request.Query;
        int Int(string name, int fallback = 0) => int.TryParse(query[name].FirstOrDefault(), CultureInfo.InvariantCulture, out var v) ? v : fallback;
        string? html = null;
        ForumAttachment? attachment = null;
        switch (Software)
        {
            case "phpbb":
                if (path == "/viewforum.php") html = Board(Int("start") / ThreadsPerPage);
                else if (path == "/viewtopic.php") html = Thread(Int("t"), Int("start") / PostsPerPage);
                else if (path == "/download/file.php") attachment = Attachment(Int("id"));
                break;
            case "mybb":
                if (path == "/forumdisplay.php") html = Board(Int("page", 1) - 1);
                else if (path == "/showthread.php") html = Thread(Int("tid"), Int("page", 1) - 1);
                else if (path == "/attachment.php") attachment = Attachment(Int("aid"));
                break;
            case "vbulletin":
                if (path == "/forumdisplay.php") html = Board(Int("page", 1) - 1);
                else if (path == "/showthread.php") html = Thread(Int("t"), Int("page", 1) - 1);
                else if (path == "/attachment.php") attachment = Attachment(Int("attachmentid"));
                break;
            case "xenforo":
                if (path.StartsWith("/forums/leaks.2/", StringComparison.Ordinal)) html = Board(PageSegment(path) - 1);
                else if (path.StartsWith("/threads/", StringComparison.Ordinal)) html = Thread(int.Parse(path.Split('/')[2].Split('.')[^1], CultureInfo.InvariantCulture), PageSegment(path) - 1);
                else if (path.StartsWith("/attachments/", StringComparison.Ordinal)) attachment = Attachment(int.Parse(path.TrimEnd('/').Split('.')[^1], CultureInfo.InvariantCulture));
                break;
            case "smf":
                var raw = context.Request.QueryString;
                if (query.ContainsKey("board")) html = Board(int.Parse(query["board"]!.ToString().Split('.')[1], CultureInfo.InvariantCulture) / ThreadsPerPage);
                else if (query.ContainsKey("topic") && !raw.Contains("dlattach", StringComparison.Ordinal))
                {
                    var parts = query["topic"]!.ToString().Split('.');
                    html = Thread(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture) / PostsPerPage);
                }
                else if (raw.Contains("action=dlattach", StringComparison.Ordinal)) attachment = Attachment(int.Parse(raw.Split("attach=")[1].Split(';', '&')[0], CultureInfo.InvariantCulture));
                break;
            case "flarum":
                if (path.StartsWith("/api/", StringComparison.Ordinal))
                {
                    var api = FlarumApi(path, context.Request.Query);
                    if (api is null) return false;
                    context.Response.ContentType = "application/vnd.api+json";
                    await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(api));
                    return true;
                }
                if (path == "/") html = Board(Int("page", 1) - 1);
                else if (path.StartsWith("/d/", StringComparison.Ordinal)) html = Thread(int.Parse(path[3..].Split('-')[0], CultureInfo.InvariantCulture), Int("page", 1) - 1);
                else if (path.StartsWith("/assets/files/", StringComparison.Ordinal)) attachment = Attachment(int.Parse(path.Split('/')[^2], CultureInfo.InvariantCulture));
                break;
        }
        if (attachment is not null)
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers["Content-Disposition"] = $"attachment; filename=\"{attachment.FileName}\"";
            await context.Response.Body.WriteAsync(attachment.Content);
            return true;
        }
        if (html is null) return false;
        context.Response.ContentType = "text/html; charset=UTF-8";
        await context.Response.WriteAsync(html);
        return true;
    }

    /// <summary>Flarum's JSON:API (v1): discussions by last activity, a discussion with its post ids and first posts, posts by id.</summary>
    private object? FlarumApi(string path, LoopbackValues query)
    {
        object Post(ForumPost p) => new
        {
            type = "posts",
            id = p.Id.ToString(CultureInfo.InvariantCulture),
            attributes = new
            {
                number = Threads.First(t => t.Posts.Contains(p)).Posts.IndexOf(p) + 1,
                contentType = "comment",
                contentHtml = "<p>" + p.Html + "</p>" + string.Concat(p.Attachments.Select(a => $"<p><a href=\"/assets/files/2026-11-20/{a.Id}/{a.FileName}\">{E(a.FileName)}</a></p>")),
            },
        };
        if (path == "/api/discussions")
        {
            var offset = int.TryParse(query["page[offset]"].FirstOrDefault(), CultureInfo.InvariantCulture, out var o) ? o : 0;
            var ordered = Threads.OrderByDescending(t => t.LastActivity).ToList();
            return new
            {
                links = new { first = "/api/discussions?sort=-lastPostedAt", next = offset + ThreadsPerPage < ordered.Count ? $"/api/discussions?sort=-lastPostedAt&page%5Boffset%5D={offset + ThreadsPerPage}" : null },
                data = ordered.Skip(offset).Take(ThreadsPerPage).Select(t => new
                {
                    type = "discussions",
                    id = t.Id.ToString(CultureInfo.InvariantCulture),
                    attributes = new { title = t.Title, slug = $"{t.Id}-{Slug(t.Title)}", commentCount = t.Posts.Count, lastPostNumber = t.Posts.Count },
                }),
            };
        }
        if (path.StartsWith("/api/discussions/", StringComparison.Ordinal))
        {
            var thread = Threads.FirstOrDefault(t => t.Id.ToString(CultureInfo.InvariantCulture) == path["/api/discussions/".Length..]);
            if (thread is null) return null;
            return new
            {
                data = new
                {
                    type = "discussions",
                    id = thread.Id.ToString(CultureInfo.InvariantCulture),
                    attributes = new { title = thread.Title, slug = $"{thread.Id}-{Slug(thread.Title)}" },
                    relationships = new { posts = new { data = thread.Posts.Select(p => new { type = "posts", id = p.Id.ToString(CultureInfo.InvariantCulture) }) } },
                },
                // Like Flarum, only the first posts come included; the others are asked by id.
                included = thread.Posts.Take(PostsPerPage).Select(Post),
            };
        }
        if (path == "/api/posts")
        {
            var ids = (query["filter[id]"].FirstOrDefault() ?? "").Split(',').ToHashSet();
            return new { data = Threads.SelectMany(t => t.Posts).Where(p => ids.Contains(p.Id.ToString(CultureInfo.InvariantCulture))).Select(Post) };
        }
        return null;
    }

    private static int PageSegment(string path)
    {
        var last = path.TrimEnd('/').Split('/')[^1];
        return last.StartsWith("page-", StringComparison.Ordinal) ? int.Parse(last[5..], CultureInfo.InvariantCulture) : 1;
    }

    private ForumAttachment? Attachment(int id) => Threads.SelectMany(t => t.Posts).SelectMany(p => p.Attachments).FirstOrDefault(a => a.Id == id);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    // ---- Board pages ----

    private string? Board(int page)
    {
        var ordered = Threads.OrderByDescending(t => t.LastActivity).ToList();
        var pages = Math.Max(1, (ordered.Count + ThreadsPerPage - 1) / ThreadsPerPage);
        if (page < 0 || page >= pages) return null;
        var onPage = ordered.Skip(page * ThreadsPerPage).Take(ThreadsPerPage).ToList();
        var next = page + 1 < pages ? page + 1 : (int?)null;
        var sid = "&amp;sid=" + (++_session).ToString("x32", CultureInfo.InvariantCulture);
        var rows = new StringBuilder();
        foreach (var t in onPage)
        {
            var replies = (t.Posts.Count - 1).ToString(CultureInfo.InvariantCulture);
            var last = t.Posts.Count == 0 ? 0 : t.Posts[^1].Id;
            rows.Append(Software switch
            {
                "phpbb" => $"""
                    <li class="row bg1">
                      <dl class="row-item topic_read">
                        <dt title="No unread posts"><div class="list-inner">
                          <a href="./viewtopic.php?t={t.Id}{sid}" class="topictitle">{E(t.Title)}</a><br />
                          <div class="topic-poster responsive-hide left-box">by <a href="./memberlist.php?mode=viewprofile&amp;u=2" class="username">seller</a> &raquo; <time datetime="2026-11-20T10:00:00+00:00">Fri Nov 20, 2026 10:00 am</time></div>
                        </div></dt>
                        <dd class="posts">{replies} <dfn>Replies</dfn></dd>
                        <dd class="views">42 <dfn>Views</dfn></dd>
                        <dd class="lastpost"><span><dfn>Last post </dfn>by <a href="./memberlist.php?mode=viewprofile&amp;u=3" class="username">buyer</a>
                          <a href="./viewtopic.php?p={last}{sid}#p{last}" title="Go to last post"><i class="icon fa-external-link-square fa-fw icon-lightgray icon-md" aria-hidden="true"></i></a>
                          <br /><time datetime="2026-11-21T10:00:00+00:00">Sat Nov 21, 2026 10:00 am</time></span></dd>
                      </dl>
                    </li>
                    """,
                "mybb" => $"""
                    <tr class="inline_row">
                      <td align="center" class="trow1 forumdisplay_regular" width="2%"><span class="thread_status dot_folder" title="No new posts.">&nbsp;</span></td>
                      <td class="trow1 forumdisplay_regular"><div><span> <span class=" subject_old" id="tid_{t.Id}"><a href="showthread.php?tid={t.Id}">{E(t.Title)}</a></span></span>
                        <div class="author smalltext"><a href="member.php?action=profile&amp;uid=2">seller</a></div></div></td>
                      <td align="center" class="trow1 forumdisplay_regular"><a href="misc.php?action=whoposted&amp;tid={t.Id}" onclick="MyBB.whoPosted({t.Id}); return false;">{replies}</a></td>
                      <td class="trow1 forumdisplay_regular" style="white-space: nowrap; text-align: right;"><span class="lastpost smalltext">11-21-2026, 10:00 AM<br />
                        <a href="showthread.php?tid={t.Id}&amp;action=lastpost">Last Post</a>: <a href="member.php?action=profile&amp;uid=3">buyer</a></span></td>
                    </tr>
                    """,
                "vbulletin" => $"""
                    <li class="threadbit hot" id="thread_{t.Id}">
                      <div class="rating0 nonsticky"><div class="threadinfo" title="">
                        <div class="inner"><h3 class="threadtitle"><a class="title" href="showthread.php?t={t.Id}" id="thread_title_{t.Id}">{E(t.Title)}</a></h3>
                        <div class="threadmeta"><div class="author"><span class="label">Started by <a href="member.php?u=2" class="username understate">seller</a>, 11-20-2026</span></div></div></div></div>
                        <ul class="threadstats td alt" title=""><li>Replies: <a href="misc.php?do=whoposted&amp;t={t.Id}" class="understate">{replies}</a></li><li>Views: 42</li></ul>
                        <dl class="threadlastpost td"><dd><div class="popupmenu memberaction"><a class="username offline popupctrl" href="member.php?u=3"><strong>buyer</strong></a></div>
                          <a href="showthread.php?t={t.Id}&amp;p={last}#post{last}" class="lastpostdate understate" title="Go to last post">11-21-2026, 10:00 AM</a></dd></dl>
                      </div>
                    </li>
                    """,
                "xenforo" => $"""
                    <div class="structItem structItem--thread js-inlineModContainer js-threadListItem-{t.Id}" data-author="seller">
                      <div class="structItem-cell structItem-cell--main" data-xf-init="touch-proxy">
                        <div class="structItem-title">
                          <a href="/forums/leaks.2/?prefix_id=1" class="labelLink" rel="nofollow"><span class="label label--red" dir="auto">Leak</span></a>
                          <a href="/threads/{Slug(t.Title)}.{t.Id}/" class="" data-tp-primary="on" data-xf-init="preview-tooltip" data-preview-url="/threads/{Slug(t.Title)}.{t.Id}/preview">{E(t.Title)}</a>
                        </div>
                        <div class="structItem-minor"><ul class="structItem-parts"><li><a href="/members/seller.2/" class="username" dir="auto">seller</a></li>
                          <li class="structItem-startDate"><a href="/threads/{Slug(t.Title)}.{t.Id}/" rel="nofollow"><time class="u-dt" dir="auto" datetime="2026-11-20T10:00:00+0000" data-time="1795168800">Nov 20, 2026</time></a></li></ul></div>
                      </div>
                      <div class="structItem-cell structItem-cell--meta" title="First message reaction score: 0">
                        <dl class="pairs pairs--justified"><dt>Replies</dt><dd>{replies}</dd></dl>
                      </div>
                      <div class="structItem-cell structItem-cell--latest">
                        <a href="/threads/{Slug(t.Title)}.{t.Id}/post-{last}" rel="nofollow"><time class="structItem-latestDate u-dt" dir="auto" datetime="2026-11-21T10:00:00+0000" data-time="{1795255200 + last}">{(last % 2 == 0 ? "5 minutes ago" : "A moment ago")}</time></a>
                        <div class="structItem-minor"><a href="/members/buyer.3/" class="username" dir="auto">buyer</a></div>
                      </div>
                    </div>
                    """,
                "smf" => $"""
                    <div class="windowbg">
                      <div class="board_icon"><img src="/Themes/default/images/topic/normal_post.png" alt=""></div>
                      <div class="info info_block">
                        <div class="icons floatright"></div>
                        <div class="message_index_title"><span class="preview" title=""><span id="msg_{t.Posts.FirstOrDefault()?.Id}"><a href="/index.php?topic={t.Id}.0">{E(t.Title)}</a></span></span></div>
                        <p class="floatleft">Started by <a href="/index.php?action=profile;u=2" title="View the profile of seller">seller</a></p>
                      </div>
                      <div class="board_stats centertext"><p>Replies: {replies}<br>Views: 42</p></div>
                      <div class="lastpost"><p><a href="/index.php?topic={t.Id}.msg{last}#new" title="Last post"><span class="main_icons last_post"></span></a> November 21, 2026, 10:00:00 am<br>by <a href="/index.php?action=profile;u=3">buyer</a></p></div>
                    </div>
                    """,
                "flarum" => $"""<li><a href="/d/{t.Id}-{Slug(t.Title)}">{E(t.Title)}</a></li>""" + "\n",
                _ => "",
            });
        }
        return Software switch
        {
            "phpbb" => Page("Leaks - Board", $"""
                <div class="action-bar bar-top"><div class="pagination">{ThreadsCount()} topics &bull; <ul>{PhpbbPages(page, pages, n => "./viewforum.php?f=2" + (n == 0 ? "" : "&amp;start=" + (n * ThreadsPerPage).ToString(CultureInfo.InvariantCulture)) + sid)}</ul></div></div>
                <div class="forumbg"><div class="inner">
                  <ul class="topiclist"><li class="header"><dl class="row-item"><dt><div class="list-inner">Topics</div></dt><dd class="posts">Replies</dd></dl></li></ul>
                  <ul class="topiclist topics">
                {rows}  </ul>
                </div></div>
                """),
            "mybb" => Page("Leaks", $"""
                <div class="float_left"><div class="pagination"><span class="pages">Pages ({pages}):</span>{MybbPages(page, pages, n => "forumdisplay.php?fid=2&amp;page=" + (n + 1).ToString(CultureInfo.InvariantCulture))}</div></div>
                <table border="0" cellspacing="0" cellpadding="5" class="tborder clear">
                  <tr><td class="thead" colspan="7"><div><strong>Leaks</strong></div></td></tr>
                  <tr><td class="tcat" colspan="2"><span class="smalltext"><strong>Thread</strong></span></td></tr>
                {rows}</table>
                """),
            "vbulletin" => Page("Leaks", $"""
                <div id="above_threadlist" class="above_threadlist">{VbPages(page, pages, n => "forumdisplay.php?f=2&amp;page=" + (n + 1).ToString(CultureInfo.InvariantCulture))}</div>
                <div id="threadlist" class="threadlist"><form id="thread_inlinemod_form" action="inlinemod.php?forumid=2" method="post">
                  <div><div class="body_wrapper"><ol id="threads" class="threads">
                {rows}  </ol></div></div></form></div>
                """),
            "xenforo" => Page("Leaks | Forum", $"""
                <div class="block" data-xf-init="" data-type="thread" data-href="/inline-mod/">
                  <div class="block-outer">{XfPages(page, pages, n => "/forums/leaks.2/" + (n == 0 ? "" : "page-" + (n + 1).ToString(CultureInfo.InvariantCulture)))}</div>
                  <div class="block-container"><div class="block-body"><div class="structItemContainer"><div class="structItemContainer-group js-threadList">
                {rows}  </div></div></div></div>
                </div>
                """),
            "smf" => Page("Leaks", $"""
                <div class="pagesection"><div class="pagelinks floatleft">{SmfPages(page, pages, n => "/index.php?board=2." + (n * ThreadsPerPage).ToString(CultureInfo.InvariantCulture))}</div></div>
                <div id="messageindex"><div class="title_bar" id="topic_header"><div class="info">Subject / Started by</div></div>
                  <div id="topic_container">
                {rows}  </div></div>
                """),
            "flarum" => FlarumPage("Forum", $"""
                <div class="container">
                    <h2>All Discussions</h2>
                    <ul>
                {rows}    </ul>
                    {(page > 0 ? $"<a href=\"/?page={page}\">&laquo; Previous Page</a>" : "")}
                    {(next is not null ? $"<a href=\"/?page={next + 1}\">Next Page &raquo;</a>" : "")}
                </div>
                """),
            _ => null,
        };
    }

    private string ThreadsCount() => Threads.Count.ToString(CultureInfo.InvariantCulture);

    // ---- Thread pages ----

    private string? Thread(int id, int page)
    {
        var thread = Threads.FirstOrDefault(t => t.Id == id);
        if (thread is null) return null;
        var pages = Math.Max(1, (thread.Posts.Count + PostsPerPage - 1) / PostsPerPage);
        if (page < 0 || page >= pages) return null;
        var posts = new StringBuilder();
        foreach (var p in thread.Posts.Skip(page * PostsPerPage).Take(PostsPerPage))
        {
            posts.Append(Software switch
            {
                "phpbb" => $"""
                    <div id="p{p.Id}" class="post has-profile bg2">
                      <div class="inner">
                        <dl class="postprofile" id="profile{p.Id}"><dt class="has-profile-rank no-avatar"><a href="./memberlist.php?mode=viewprofile&amp;u=2" class="username">seller</a></dt></dl>
                        <div class="postbody"><div id="post_content{p.Id}">
                          <h3 class="first"><a href="./viewtopic.php?p={p.Id}#p{p.Id}">{E(thread.Title)}</a></h3>
                          <p class="author"><a class="unread" href="./viewtopic.php?p={p.Id}#p{p.Id}" title="Post"><span class="imageset icon_post_target"></span></a><span class="responsive-hide">by <strong><a href="./memberlist.php?mode=viewprofile&amp;u=2" class="username">seller</a></strong> &raquo; </span><time datetime="2026-11-20T10:00:00+00:00">Fri Nov 20, 2026 10:00 am</time></p>
                          <div class="content">{p.Html}</div>
                          {(p.Attachments.Count == 0 ? "" : "<dl class=\"attachbox\"><dt>Attachments</dt>" + string.Concat(p.Attachments.Select(a => $"<dd><dl class=\"file\"><dt><span class=\"imageset icon_topic_attach\"></span> <a class=\"postlink\" href=\"./download/file.php?id={a.Id}\">{E(a.FileName)}</a></dt><dd>(12.3 KiB) Downloaded 7 times</dd></dl></dd>")) + "</dl>")}
                          <div id="sig{p.Id}" class="signature">Cheap data, PM me</div>
                        </div></div>
                      </div>
                    </div>
                    <hr class="divider" />
                    """,
                "mybb" => $"""
                    <a name="pid{p.Id}" id="pid{p.Id}"></a>
                    <div class="post " style="" id="post_{p.Id}">
                      <div class="post_author"><div class="author_information"><strong><span class="largetext"><a href="member.php?action=profile&amp;uid=2">seller</a></span></strong></div></div>
                      <div class="post_content">
                        <div class="post_head"><div class="float_right" style="vertical-align: top"><strong><a href="showthread.php?tid={thread.Id}&amp;pid={p.Id}#pid{p.Id}" title="{E(thread.Title)}">#1</a></strong></div>
                          <span class="post_date">11-20-2026, 10:00 AM <span class="post_edit" id="edited_by_{p.Id}"></span></span></div>
                        <div class="post_body scaleimages" id="pid_{p.Id}">{p.Html}</div>
                        {(p.Attachments.Count == 0 ? "" : "<br />\n<fieldset><legend><strong>Attached Files</strong></legend>" + string.Concat(p.Attachments.Select(a => $"<br /><img src=\"images/attachtypes/zip.png\" title=\"ZIP File\" border=\"0\" alt=\".zip\" />&nbsp;&nbsp;<a href=\"attachment.php?aid={a.Id}\" target=\"_blank\" title=\"\">{E(a.FileName)}</a> (Size: 12.3 KB / Downloads: 7)\n")) + "</fieldset>")}
                      </div>
                      <div class="post_meta" id="post_meta_{p.Id}"></div>
                    </div>
                    """,
                "vbulletin" => $"""
                    <li class="postbitlegacy postbitim postcontainer old" id="post_{p.Id}">
                      <div class="posthead"><span class="postdate old"><span class="date">11-20-2026,&nbsp;<span class="time">10:00 AM</span></span></span>
                        <span class="nodecontrols"><a name="post{p.Id}" href="showthread.php?t={thread.Id}&amp;p={p.Id}#post{p.Id}" class="postcounter">#1</a></span></div>
                      <div class="postdetails"><div class="userinfo"><div class="username_container"><a class="username offline popupctrl" href="member.php?u=2"><strong>seller</strong></a></div></div>
                        <div class="postbody"><div class="postrow"><h2 class="title icon">{E(thread.Title)}</h2>
                          <div class="content"><div id="post_message_{p.Id}"><blockquote class="postcontent restore ">{p.Html}</blockquote></div></div>
                          {(p.Attachments.Count == 0 ? "" : "<div class=\"attachments\"><fieldset class=\"postcontent\"><legend><img class=\"inlineimg\" src=\"images/misc/paperclip.png\" /> Attached Files</legend><ul>" + string.Concat(p.Attachments.Select(a => $"<li><img class=\"inlineimg\" src=\"images/attach/zip.gif\" alt=\"File Type: zip\" /> <a href=\"attachment.php?attachmentid={a.Id}&amp;d=1795168800\">{E(a.FileName)}</a> (12.3 KB, 7 views)</li>")) + "</ul></fieldset></div>")}
                        </div></div></div>
                    </li>
                    """,
                "xenforo" => $"""
                    <article class="message message--post js-post js-inlineModContainer" data-author="seller" data-content="post-{p.Id}" id="js-post-{p.Id}">
                      <span class="u-anchorTarget" id="post-{p.Id}"></span>
                      <div class="message-inner">
                        <div class="message-cell message-cell--user"><section class="message-user"><h4 class="message-name"><a href="/members/seller.2/" class="username" dir="auto">seller</a></h4></section></div>
                        <div class="message-cell message-cell--main"><div class="message-main js-quickEditTarget">
                          <header class="message-attribution message-attribution--split"><ul class="message-attribution-main listInline"><li class="u-concealed"><a href="/threads/{Slug(thread.Title)}.{thread.Id}/post-{p.Id}" rel="nofollow"><time class="u-dt" dir="auto" datetime="2026-11-20T10:00:00+0000" data-time="1795168800">Nov 20, 2026</time></a></li></ul></header>
                          <div class="message-content js-messageContent"><div class="message-userContent lbContainer js-lbContainer">
                            <article class="message-body js-selectToQuote"><div><div class="bbWrapper">{p.Html}</div></div><div class="js-selectToQuoteEnd">&nbsp;</div></article>
                            {(p.Attachments.Count == 0 ? "" : "<section class=\"message-attachments\"><h4 class=\"block-textHeader\">Attachments</h4><ul class=\"attachmentList\">" + string.Concat(p.Attachments.Select(a => $"<li class=\"file file--linked\"><a class=\"u-anchorTarget\" id=\"attachment-{a.Id}\"></a><a class=\"file-preview\" href=\"/attachments/{Slug(a.FileName)}.{a.Id}/\" target=\"_blank\"><span class=\"file-typeIcon\"><i class=\"fa--xf far fa-file-archive\" aria-hidden=\"true\"></i></span></a><div class=\"file-content\"><div class=\"file-info\"><span class=\"file-name\" title=\"{E(a.FileName)}\">{E(a.FileName)}</span><div class=\"file-meta\">12.3 KB &middot; Views: 7</div></div></div></li>")) + "</ul></section>")}
                          </div></div>
                        </div></div>
                      </div>
                    </article>
                    """,
                "smf" => $"""
                    <div class="windowbg" id="msg{p.Id}">
                      <div class="post_wrapper">
                        <div class="poster"><h4><a href="/index.php?action=profile;u=2" title="View the profile of seller">seller</a></h4></div>
                        <div class="postarea">
                          <div class="keyinfo"><div id="subject_{p.Id}" class="subject_title subject_hidden"><a href="/index.php?msg={p.Id}" rel="nofollow">{E(thread.Title)}</a></div>
                            <div class="postinfo"><span class="messageicon"></span><a href="/index.php?topic={thread.Id}.msg{p.Id}#msg{p.Id}" title="Reply #1 - {E(thread.Title)}" class="smalltext">November 20, 2026, 10:00:00 am</a></div></div>
                          <div class="post"><div class="inner" data-msgid="{p.Id}" id="msg_{p.Id}">{p.Html}</div></div>
                          {(p.Attachments.Count == 0 ? "" : $"<div id=\"msg_{p.Id}_footer\" class=\"attachments\">" + string.Concat(p.Attachments.Select(a => $"<div class=\"attached\"><div class=\"attachments_bot\"><a href=\"/index.php?action=dlattach;topic={thread.Id}.0;attach={a.Id}\"><img src=\"/Themes/default/images/icons/clip.png\" class=\"centericon\" alt=\"*\">&nbsp;{E(a.FileName)}</a> <br>(12.3 kB. - downloaded 7 times.)</div></div>")) + "</div>")}
                        </div>
                      </div>
                    </div>
                    """,
                "flarum" => $"""
                            <div>
                                <h3>seller</h3>
                                <div class="Post-body">
                                    {p.Html}{string.Concat(p.Attachments.Select(a => $"<p><a href=\"/assets/files/2026-11-20/{a.Id}/{a.FileName}\">{E(a.FileName)}</a></p>"))}
                                </div>
                            </div>

                            <hr>
                    """,
                _ => "",
            });
        }
        var title = thread.Title;
        return Software switch
        {
            "phpbb" => Page(title, $"""
                <h2 class="topic-title"><a href="./viewtopic.php?t={thread.Id}">{E(title)}</a></h2>
                <div class="action-bar bar-top"><div class="pagination">{thread.Posts.Count} posts &bull; <ul>{PhpbbPages(page, pages, n => $"./viewtopic.php?t={thread.Id}" + (n == 0 ? "" : "&amp;start=" + (n * PostsPerPage).ToString(CultureInfo.InvariantCulture)))}</ul></div></div>
                {posts}
                <div class="action-bar bar-bottom"><div class="pagination"><ul>{PhpbbPages(page, pages, n => $"./viewtopic.php?t={thread.Id}" + (n == 0 ? "" : "&amp;start=" + (n * PostsPerPage).ToString(CultureInfo.InvariantCulture)))}</ul></div></div>
                """),
            "mybb" => Page(title, $"""
                <div class="float_left"><div class="pagination"><span class="pages">Pages ({pages}):</span>{MybbPages(page, pages, n => $"showthread.php?tid={thread.Id}&amp;page=" + (n + 1).ToString(CultureInfo.InvariantCulture))}</div></div>
                <table border="0" cellspacing="0" cellpadding="5" class="tborder tfixed clear"><tr><td class="thead"><div><strong>{E(title)}</strong></div></td></tr></table>
                <div id="posts_container"><div id="posts">
                {posts}</div></div>
                """),
            "vbulletin" => Page(title, $"""
                <div id="above_postlist" class="above_postlist">{VbPages(page, pages, n => $"showthread.php?t={thread.Id}&amp;page=" + (n + 1).ToString(CultureInfo.InvariantCulture))}</div>
                <div id="postlist" class="postlist restrain"><ol id="posts" class="posts" start="1">
                {posts}</ol></div>
                """),
            "xenforo" => Page(title, $"""
                <div class="block block--messages" data-xf-init="" data-type="post" data-href="/inline-mod/">
                  <div class="block-outer">{XfPages(page, pages, n => $"/threads/{Slug(title)}.{thread.Id}/" + (n == 0 ? "" : "page-" + (n + 1).ToString(CultureInfo.InvariantCulture)))}</div>
                  <div class="block-container lbContainer"><div class="block-body js-replyNewMessageContainer">
                {posts}  </div></div>
                </div>
                """),
            "smf" => Page(title, $"""
                <div class="pagesection"><div class="pagelinks floatleft">{SmfPages(page, pages, n => $"/index.php?topic={thread.Id}." + (n * PostsPerPage).ToString(CultureInfo.InvariantCulture))}</div></div>
                <div id="forumposts"><form action="/index.php?action=quickmod2;topic={thread.Id}.0" method="post" name="quickModForm" id="quickModForm">
                {posts}</form></div>
                """),
            "flarum" => FlarumPage(title, $"""
                <div class="container">
                    <h2>{E(title)}</h2>

                    <div>
                {posts}    </div>

                    {(page > 0 ? $"<a href=\"/d/{thread.Id}-{Slug(title)}?page={page}\">&laquo; Previous Page</a>" : "")}
                    {(page + 1 < pages ? $"<a href=\"/d/{thread.Id}-{Slug(title)}?page={page + 2}\">Next Page &raquo;</a>" : "")}
                </div>
                """),
            _ => null,
        };
    }

    // ---- Pagination blocks (each as the software writes it) ----

    private static string PhpbbPages(int page, int pages, Func<int, string> url)
    {
        if (pages < 2) return "<li class=\"active\"><span>1</span></li>";
        var b = new StringBuilder();
        if (page > 0) b.Append($"<li class=\"arrow previous\"><a class=\"button button-icon-only\" href=\"{url(page - 1)}\" rel=\"prev\" role=\"button\"><i class=\"icon fa-chevron-left fa-fw\" aria-hidden=\"true\"></i><span class=\"sr-only\">Previous</span></a></li>");
        for (var n = 0; n < pages; n++) b.Append(n == page ? $"<li class=\"active\"><span>{n + 1}</span></li>" : $"<li><a class=\"button\" href=\"{url(n)}\" role=\"button\">{n + 1}</a></li>");
        if (page + 1 < pages) b.Append($"<li class=\"arrow next\"><a class=\"button button-icon-only\" href=\"{url(page + 1)}\" rel=\"next\" role=\"button\"><i class=\"icon fa-chevron-right fa-fw\" aria-hidden=\"true\"></i><span class=\"sr-only\">Next</span></a></li>");
        return b.ToString();
    }

    private static string MybbPages(int page, int pages, Func<int, string> url)
    {
        var b = new StringBuilder();
        if (page > 0) b.Append($"<a href=\"{url(page - 1)}\" class=\"pagination_previous\">&laquo; Previous</a>");
        for (var n = 0; n < pages; n++) b.Append(n == page ? $"<span class=\"pagination_current\">{n + 1}</span>" : $"<a href=\"{url(n)}\" class=\"pagination_page\">{n + 1}</a>");
        if (page + 1 < pages) b.Append($"<a href=\"{url(page + 1)}\" class=\"pagination_next\">Next &raquo;</a>");
        return b.ToString();
    }

    private static string VbPages(int page, int pages, Func<int, string> url)
    {
        var b = new StringBuilder("<div class=\"pagination_top\"><form action=\"\" method=\"get\" class=\"pagination popupmenu nohovermenu\"><span><a href=\"javascript://\" class=\"popupctrl\">Page " + (page + 1) + " of " + pages + "</a></span>");
        if (page > 0) b.Append($"<span class=\"prev_next\"><a rel=\"prev\" href=\"{url(page - 1)}\" title=\"Prev Page\"><img src=\"images/pagination/previous-right.png\" alt=\"Previous\" /></a></span>");
        for (var n = 0; n < pages; n++) b.Append(n == page ? $"<span class=\"selected\"><a href=\"javascript://\">{n + 1}</a></span>" : $"<span><a href=\"{url(n)}\">{n + 1}</a></span>");
        if (page + 1 < pages) b.Append($"<span class=\"prev_next\"><a rel=\"next\" href=\"{url(page + 1)}\" title=\"Next Page\"><img src=\"images/pagination/next-right.png\" alt=\"Next\" /></a></span>");
        return b.Append("</form></div>").ToString();
    }

    private static string XfPages(int page, int pages, Func<int, string> url)
    {
        if (pages < 2) return "";
        var b = new StringBuilder("<div class=\"block-outer-main\"><nav class=\"pageNavWrapper pageNavWrapper--mixed \"><div class=\"pageNav  \">");
        if (page > 0) b.Append($"<a href=\"{url(page - 1)}\" class=\"pageNav-jump pageNav-jump--prev\">Prev</a>");
        b.Append("<ul class=\"pageNav-main\">");
        for (var n = 0; n < pages; n++) b.Append($"<li class=\"pageNav-page {(n == page ? "pageNav-page--current " : "")}\"><a href=\"{url(n)}\">{n + 1}</a></li>");
        b.Append("</ul>");
        if (page + 1 < pages) b.Append($"<a href=\"{url(page + 1)}\" class=\"pageNav-jump pageNav-jump--next\">Next</a>");
        return b.Append("</div></nav></div>").ToString();
    }

    private static string SmfPages(int page, int pages, Func<int, string> url)
    {
        var b = new StringBuilder("<span class=\"pages\">Pages</span>");
        if (page > 0) b.Append($"<a class=\"nav_page\" href=\"{url(page - 1)}\"><span class=\"main_icons previous_page\"></span></a> ");
        for (var n = 0; n < pages; n++) b.Append(n == page ? $"<span class=\"current_page\">{n + 1}</span> " : $"<a class=\"nav_page\" href=\"{url(n)}\">{n + 1}</a> ");
        if (page + 1 < pages) b.Append($"<a class=\"nav_page\" href=\"{url(page + 1)}\"><span class=\"main_icons next_page\"></span></a> ");
        return b.ToString();
    }

    private static string Slug(string text) => new(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private static string Page(string title, string body) => $"""
        <!DOCTYPE html>
        <html dir="ltr" lang="en-gb">
        <head><meta charset="utf-8" /><title>{E(title)}</title><script>var x = "SYNTH-999999 in a script is not content";</script></head>
        <body id="phpbb" class="nojs notouch section-viewforum ltr">
        <div id="wrap" class="wrap"><div id="page-header"><a href="./ucp.php?mode=login" title="Login" accesskey="x" role="menuitem">Login</a>
        <div id="quick_login" style="display:none"><form method="post" action="member.php"><input name="username" type="text" /><input name="password" type="password" /></form></div></div>
        <div id="page-body" class="page-body" role="main">
        {body}
        </div></div>
        </body></html>
        """;

    private static string FlarumPage(string title, string content) => $"""
        <!doctype html>
        <html dir="ltr" lang="en">
        <head><meta charset="utf-8"><title>{E(title)}</title></head>
        <body>
        <div id="app" class="App">
          <div id="app-navigation" class="App-navigation"></div>
          <main class="App-content">
            <div id="content"></div>
            <div id="flarum-loading" style="display: none">Loading...</div>
            <noscript>
              <div class="Alert"><div class="container">This site is best viewed in a modern browser with JavaScript enabled.</div></div>
              {content}
            </noscript>
          </main>
        </div>
        </body></html>
        """;
}
