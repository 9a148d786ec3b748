using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// Forums by CSS selectors (a preset, overridable one by one). Each run reads the board's first pages; a thread is opened
/// only if its row changed since the last run (replies, last post), and from the last page read before, so a quiet
/// board costs one conditional request and a new reply costs its thread's last page and its attachments.
/// </summary>
internal sealed class ForumAdapter : ISourceAdapter
{
    public string Kind => SourceKinds.Forum;

    public async Task RunAsync(CrawlSession session, CancellationToken cancellationToken)
    {
        var selectors = ForumPresets.Resolve(session.Source)!;
        if (string.Equals(session.Source.Preset, "flarum", StringComparison.OrdinalIgnoreCase))
        {
            await FlarumApi.RunAsync(session, selectors.Attachments, cancellationToken);
            return;
        }
        var opened = 0;
        foreach (var start in session.Source.Urls)
        {
            var visited = new HashSet<string>(StringComparer.Ordinal);
            Uri? page = new(start);
            for (var n = 0; page is not null && n < session.Source.MaxPages; n++)
            {
                if (!visited.Add(UrlCanonical.Normalize(page))) break;
                var board = await session.FetchPageAsync(page, conditional: true, cancellationToken, entryPoint: n == 0);
                if (board is null) break; // unchanged since the last run, or failed (counted)
                var document = HtmlDocuments.Parse(board.Text);
                var threads = Threads(document, selectors, board.FinalUrl);
                if (threads.Count == 0)
                {
                    session.Fail(board.FinalUrl.AbsoluteUri, WhyEmpty(document, session, $"no thread matched '{selectors.ThreadLinks}'"), entryPoint: n == 0);
                    break;
                }
                var changed = 0;
                var complete = true;
                foreach (var (thread, signature) in threads)
                {
                    if (opened >= session.Source.MaxThreads) { complete = false; break; }
                    var key = "thread:" + UrlCanonical.Normalize(thread);
                    var state = ThreadState.Read(await session.GetCursorAsync(key, cancellationToken));
                    if (state is not null && signature.Length > 0 && state.Signature == signature) continue;
                    changed++;
                    opened++;
                    var done = await CrawlThreadAsync(session, selectors, thread, state, cancellationToken);
                    if (done is null) { complete = false; continue; }
                    await session.SetCursorAsync(key, (done with { Signature = signature }).Write(), cancellationToken);
                }
                // A board page is remembered only when all its threads were read; otherwise the next run looks again.
                if (complete) await session.CommitPageAsync(board, cancellationToken);
                // Boards list threads by last activity: a page with nothing new means nothing new further down.
                if (changed == 0) break;
                page = Links.Next(document, selectors.NextPage, board.FinalUrl, visited);
            }
        }
    }

    /// <summary>Reads a thread from where the last run stopped. The new state, or null if something failed (retried next run).</summary>
    private static async Task<ThreadState?> CrawlThreadAsync(CrawlSession session, ForumSelectors selectors, Uri thread, ThreadState? state, CancellationToken ct)
    {
        var page = state?.Resume is { } resume && Uri.TryCreate(resume, UriKind.Absolute, out var r) ? r : thread;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var lastPage = page;
        var lastPost = state?.LastPost;
        var ok = true;
        for (var n = 0; page is not null && n < session.Source.MaxThreadPages; n++)
        {
            if (!visited.Add(UrlCanonical.Normalize(page))) break; // a pagination loop
            var result = await session.FetchPageAsync(page, conditional: false, ct);
            if (result is null) return null;
            var document = HtmlDocuments.Parse(result.Text);
            var posts = document.QuerySelectorAll(selectors.Posts);
            if (posts.Length == 0)
            {
                session.Fail(result.FinalUrl.AbsoluteUri, WhyEmpty(document, session, $"no post matched '{selectors.Posts}'"));
                return null;
            }
            var index = 0;
            foreach (var post in posts)
            {
                index++;
                var id = PostId(post) ?? "post-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                lastPost = id;
                if (session.Source.MaxPostAge is { } maxAge && PostDate(post, selectors.PostDate) is { } date && session.Now - date > maxAge) continue;
                var body = selectors.PostBody is null ? post : post.QuerySelector(selectors.PostBody) ?? post;
                var text = HtmlText.Extract(body);
                var name = UrlCanonical.Normalize(result.FinalUrl) + "#" + id;
                ok &= await session.ScanAsync(name, Encoding.UTF8.GetBytes(text), ct);
                if (session.Source.MaxDepth >= 1)
                {
                    foreach (var link in Links.ToFetch(session, result.FinalUrl, post, selectors.Attachments))
                    {
                        ok &= await session.FetchAndScanOnceAsync(link, ct);
                    }
                }
            }
            lastPage = UrlCanonical.Clean(result.FinalUrl);
            page = Links.Next(document, selectors.NextPage, result.FinalUrl, visited);
        }
        return ok ? new ThreadState("", lastPage.AbsoluteUri, lastPost) : null;
    }

    /// <summary>Thread links on a board page, each with a signature of its row (changes when someone replies).</summary>
    private static List<(Uri Thread, string Signature)> Threads(IParentNode document, ForumSelectors selectors, Uri page)
    {
        var threads = new List<(Uri, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in document.QuerySelectorAll(selectors.ThreadLinks))
        {
            if (Links.Href(page, link) is not { } url || !string.Equals(url.IdnHost, page.IdnHost, StringComparison.OrdinalIgnoreCase)) continue;
            url = UrlCanonical.Clean(url);
            if (!seen.Add(url.AbsoluteUri)) continue;
            var row = selectors.ThreadRows is null ? null : link.Closest(selectors.ThreadRows);
            threads.Add((url, row is null ? "" : Signature(row, page)));
        }
        return threads;
    }

    /// <summary>
    /// A row's text and links, with relative times ("5 minutes ago") replaced by their machine-readable datetime, so that
    /// the signature changes with a reply and not with the clock.
    /// </summary>
    private static string Signature(IElement row, Uri page)
    {
        var clone = (IElement)row.Clone(deep: true);
        foreach (var time in clone.QuerySelectorAll("time").ToList())
        {
            time.TextContent = time.GetAttribute("datetime") ?? time.GetAttribute("data-time") ?? time.TextContent;
        }
        var builder = new StringBuilder(HtmlText.Extract(clone));
        foreach (var anchor in clone.QuerySelectorAll("a[href]"))
        {
            // Session tokens in links (phpBB's sid) change on every visit; the signature must not.
            if (Links.Href(page, anchor) is { } href) builder.Append('\n').Append(UrlCanonical.Normalize(href));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())))[..32];
    }

    /// <summary>
    /// When a post was written: a machine-readable <c>datetime</c> (phpBB 3.3, XenForo, vBulletin 5 write one) or an ISO
    /// date in the text. Null when unsure: a date format that could be read two ways is no reason to skip a post.
    /// </summary>
    internal static DateTimeOffset? PostDate(IElement post, string? selector)
    {
        if (string.IsNullOrEmpty(selector) || post.QuerySelector(selector) is not { } element) return null;
        var stamp = element.GetAttribute("datetime") ?? element.QuerySelector("[datetime]")?.GetAttribute("datetime");
        if (stamp is null) return null;
        return DateTimeOffset.TryParse(stamp, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AllowWhiteSpaces, out var date) ? date : null;
    }

    private static string? PostId(IElement post)
    {
        var id = post.Id ?? post.GetAttribute("data-content") ?? post.GetAttribute("data-node-id") ?? post.QuerySelector("[id]")?.Id;
        return string.IsNullOrWhiteSpace(id) || id.Length > 100 ? null : id;
    }

    /// <summary>Why a page has no threads or posts: a "no permission" page, a login form, or selectors that do not match.</summary>
    internal static string WhyEmpty(IDocument document, CrawlSession session, string otherwise)
    {
        var text = HtmlText.Extract(document.Body);
        if (ErrorPages.Denied(text, session.Source.ErrorPhrases) is { } denied) return denied;
        if (document.QuerySelector("input[type=password]") is not null) return "login form instead of the content";
        return otherwise;
    }

    private sealed record ThreadState(string Signature, string Resume, string? LastPost)
    {
        public static ThreadState? Read(string? json)
        {
            if (json is null) return null;
            try
            {
                return JsonSerializer.Deserialize<ThreadState>(json);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public string Write() => JsonSerializer.Serialize(this);
    }
}
