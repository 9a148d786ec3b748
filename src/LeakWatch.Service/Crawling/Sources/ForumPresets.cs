namespace LeakWatch.Service.Crawling.Sources;

/// <summary>The selectors a forum crawl uses, resolved from a preset and the source's overrides.</summary>
internal sealed record ForumSelectors(
    string ThreadLinks,
    string? ThreadRows,
    string Posts,
    string? PostBody,
    string? PostDate,
    string Attachments,
    string NextPage,
    string? BoardLinks = null,
    string? ThreadChange = null)
{
    /// <summary>The preset's selectors, each replaced by the source's own where it gives one.</summary>
    public ForumSelectors Override(SelectorOptions o) => new(
        o.ThreadLinks ?? ThreadLinks,
        o.ThreadRows ?? ThreadRows,
        o.Posts ?? Posts,
        o.PostBody ?? PostBody,
        o.PostDate ?? PostDate,
        o.Attachments ?? Attachments,
        o.NextPage ?? NextPage,
        o.BoardLinks ?? BoardLinks,
        o.ThreadChange ?? ThreadChange);
}

/// <summary>
/// Selectors matching the default templates of each forum software (as shipped: phpBB 3.3 prosilver, MyBB 1.8 default
/// theme, XenForo 2 default style, vBulletin 4 and 5, SMF 2.0 and 2.1 Curve, Flarum's server-rendered page for crawlers).
/// A next-page selector may match an icon inside the link: the crawler takes the enclosing anchor.
/// <c>BoardLinks</c> finds the boards on a forum's index (so that the index is enough as a start URL), <c>ThreadChange</c>
/// the parts of a thread's row that change when a reply is posted (reply count, last post) and nothing else: a view
/// counter or a relative time ("5 minutes ago") would make every row look changed on every run.
/// phpBB and MyBB were checked against real installs (phpBB 3.3.15 prosilver, MyBB 1.8.37 default theme, served in the
/// tests); the others against the engines' default templates only (see the README).
/// </summary>
internal static class ForumPresets
{
    public static IReadOnlyDictionary<string, ForumSelectors> All { get; } = Build();

    private static Dictionary<string, ForumSelectors> Build()
    {
        var presets = new Dictionary<string, ForumSelectors>(StringComparer.OrdinalIgnoreCase)
        {
            // viewforum_body.html: <a href="./viewtopic.php?t=N" class="topictitle"> in ul.topiclist.topics > li.row;
            // viewtopic_body.html: <div id="pN" class="post ..."><div class="postbody"> ... <div class="content">,
            // <p class="author"> <time datetime>, attachments in dl.attachbox (download/file.php?id=N);
            // pagination.html: <li class="arrow next"><a rel="next" ...>.
            ["phpbb"] = new(
                ThreadLinks: "ul.topiclist.topics a.topictitle",
                ThreadRows: "ul.topiclist.topics > li.row",
                Posts: "div.post[id^=\"p\"]",
                PostBody: ".postbody .content",
                PostDate: ".postbody .author time, .postbody .author",
                Attachments: ".attachbox a[href*=\"download/file.php\"], .postbody a.postlink[href*=\"download/file.php\"], .inline-attachment a[href*=\"download/file.php\"]",
                NextPage: ".pagination li.next a, .pagination a[rel=\"next\"]",
                // forumlist_body.html: <a href="./viewforum.php?f=N" class="forumtitle">; a topic row's dd.posts ("5 Replies")
                // and dd.lastpost (the last post's link viewtopic.php?p=N and its <time datetime>), not dd.views.
                BoardLinks: "a.forumtitle",
                ThreadChange: "dd.posts, dd.lastpost"),
            // forumdisplay_thread: <tr class="inline_row"> ... <span class="subject_new" id="tid_N"><a href="showthread.php?tid=N">;
            // postbit: <div class="post" id="post_N"> ... <span class="post_date"> ... <div class="post_body scaleimages" id="pid_N">;
            // postbit_attachments_attachment: <a href="attachment.php?aid=N">; multipage: <a class="pagination_next">.
            ["mybb"] = new(
                ThreadLinks: "span[id^=\"tid_\"] > a",
                ThreadRows: "tr.inline_row",
                Posts: "div.post[id^=\"post_\"]",
                PostBody: ".post_body",
                PostDate: ".post_date",
                Attachments: "a[href*=\"attachment.php\"]",
                // A thread page also holds the breadcrumb's hidden pagination popup (div.pagination.pagination_breadcrumb),
                // whose "next" goes to the board's next page: only the thread's own pagination counts.
                NextPage: ".pagination:not(.pagination_breadcrumb) a.pagination_next",
                // forumbit_depth2_forum: <td class="trow1"><strong><a href="forumdisplay.php?fid=N">; the category row's
                // link is in td.thead, not a board. A thread row's reply count is the who-posted link; the last post
                // cell's date is relative ("2 minutes ago") with the real date in span[title]; the views cell is left out.
                BoardLinks: "td[class*=\"trow\"] a[href*=\"forumdisplay.php?fid=\"]",
                ThreadChange: "a[href*=\"action=whoposted\"], span.lastpost"),
            // forum_view: <div class="structItem structItem--thread"> <div class="structItem-title"><a href="/threads/slug.N/">
            // (prefix labels are a.labelLink); thread_view: <article class="message message--post" id="js-post-N">
            // <div class="message-body"> <div class="bbWrapper">, <time class="u-dt" datetime>, ul.attachmentList
            // (/attachments/name.N/); page_nav: <a class="pageNav-jump pageNav-jump--next">.
            ["xenforo"] = new(
                ThreadLinks: ".structItem--thread .structItem-title a:not(.labelLink)",
                ThreadRows: ".structItem--thread",
                Posts: "article.message--post",
                PostBody: ".message-body .bbWrapper",
                PostDate: "time.u-dt",
                Attachments: ".attachmentList a[href*=\"/attachments/\"], .bbWrapper a[href*=\"/attachments/\"]",
                NextPage: "a.pageNav-jump--next",
                // node_list_forum: <h3 class="node-title"><a href="/forums/slug.N/">; thread_list_macros: the replies pair
                // of .structItem-cell--meta (views are dl.structItem-minor) and the latest post's <time datetime>.
                BoardLinks: ".node-title a",
                ThreadChange: ".structItem-cell--meta dl:not(.structItem-minor) dd, .structItem-cell--latest time"),
            // vBulletin 4: li.threadbit > h3.threadtitle > a.title[id^=thread_title_]; li.postcontainer[id^=post_]
            // blockquote.postcontent; span.date; attachment.php?attachmentid=N; <a rel="next">.
            // vBulletin 5: tr.topic-item a.topic-title; li.b-post .js-post__content-text; filedata/fetch?id=N;
            // pagination a.js-pagenav-next-button / a.right-arrow.
            ["vbulletin"] = new(
                ThreadLinks: "a.title[id^=\"thread_title_\"], a.topic-title",
                ThreadRows: "li.threadbit, tr.topic-item",
                Posts: "li.postcontainer[id^=\"post_\"], li.b-post",
                PostBody: "blockquote.postcontent, .js-post__content-text",
                PostDate: "span.date, .b-post__timestamp, time",
                Attachments: "a[href*=\"attachment.php?attachmentid=\"], a[href*=\"filedata/fetch\"]",
                NextPage: "a[rel=\"next\"], a.js-pagenav-next-button, .pagenav a.right-arrow",
                // vB4 forumhome_forumbit: <h2 class="forumtitle"><a href="forumdisplay.php?f=N">; vB5: a.forum-title.
                // threadbit: ul.threadstats first item ("Replies: N") and dl.threadlastpost; vB5: .posts-count, .lastpost.
                BoardLinks: "h2.forumtitle a, a.forum-title",
                ThreadChange: "ul.threadstats li:first-child, dl.threadlastpost, .posts-count, .lastpost"),
            // SMF 2.0/2.1 MessageIndex: <span id="msg_N"><a href="index.php?topic=N.0">; Display: div.post_wrapper ...
            // <div class="inner" id="msg_N">, .keyinfo .smalltext (date), attachments index.php?action=dlattach;attach=N;
            // page index: 2.1 <a class="nav_page"><span class="main_icons next_page"></span></a>, 2.0 [<strong>1</strong>] <a class="navPages">.
            ["smf"] = new(
                ThreadLinks: "span[id^=\"msg_\"] > a",
                ThreadRows: "#topic_container > div, #messageindex tbody > tr",
                Posts: ".post_wrapper",
                PostBody: ".inner",
                PostDate: ".keyinfo .smalltext",
                Attachments: "a[href*=\"action=dlattach\"]",
                NextPage: ".pagelinks span.next_page, .pagelinks strong + a.navPages, a.nav_page:has(span.next_page)",
                // BoardIndex: <a class="subject mobile_subject" href="index.php?board=N.0">; MessageIndex: the last post
                // link (index.php?topic=N.msgM#new) changes with every reply; replies and views share one cell.
                BoardLinks: "a.subject[href*=\"board=\"]",
                ThreadChange: ".lastpost a[href*=\".msg\"], td.lastpost a[href*=\"msg\"]"),
            // "flarum" reads the JSON:API (it says which discussions grew; see FlarumApi), "flarum-html" the crawler view:
            // Flarum serves crawlers (no JavaScript) a plain page: index.blade.php lists <li><a href="/d/N-slug">, and
            // discussion.blade.php renders each post's <div class="Post-body">, with "?page=N" links below (previous, then next:
            // the next one is the last child; on the last page the previous one is re-read once, then the loop check stops).
            ["flarum-html"] = new(
                ThreadLinks: ".container ul li a[href*=\"/d/\"]",
                // The crawler view lists titles only (no reply count), so no row tells that a discussion changed: each run
                // re-reads every listed discussion from its last page read (old posts are not scanned again).
                ThreadRows: null,
                Posts: ".container .Post-body",
                PostBody: null,
                PostDate: null,
                Attachments: "a[href*=\"/assets/files/\"], a[href*=\"/fof/upload\"]",
                NextPage: ".container > a[href*=\"page=\"]:last-child"),
        };
        // The JSON:API preset keeps the crawler view's attachment selector for links inside posts.
        presets["flarum"] = presets["flarum-html"];
        return presets;
    }

    public static ForumSelectors? Resolve(SourceOptions source)
    {
        if (source.Preset is { Length: > 0 } name)
        {
            return All.TryGetValue(name, out var preset) ? preset.Override(source.Selectors) : null;
        }
        var s = source.Selectors;
        if (s.ThreadLinks is null || s.Posts is null) return null;
        return new ForumSelectors(s.ThreadLinks, s.ThreadRows, s.Posts, s.PostBody, s.PostDate, s.Attachments ?? "a[href*=\"attach\"]", s.NextPage ?? "a[rel=\"next\"]",
            s.BoardLinks, s.ThreadChange);
    }
}
