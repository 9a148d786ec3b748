using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// Forums by CSS selectors (a preset, overridable one by one). Each run reads the board's first pages; a thread is opened
/// only if its row changed since the last run (replies, last post), and from the last page read before, so a quiet
/// board costs one conditional request and a new reply costs its thread's last page and its attachments.
/// </summary>
internal sealed class ForumAdapter : ISourceAdapter
{
    public string Kind => SourceKinds.Forum;

    /// <summary>More boards than this on one forum is a loop or a site that is not a forum.</summary>
    private const int MaxBoards = 200;

    public async Task RunAsync(CrawlSession session, CancellationToken cancellationToken)
    {
        var selectors = ForumPresets.Resolve(session.Source)!;
        if (string.Equals(session.Source.Preset, "flarum", StringComparison.OrdinalIgnoreCase))
        {
            await FlarumApi.RunAsync(session, selectors.Attachments, cancellationToken);
            return;
        }
        // The start URLs may be boards or an index: the boards an index lists are crawled in turn, each with its own
        // MaxPages and MaxThreads, filtered by Boards/ExcludeBoards.
        var boards = new Queue<Board>(session.Source.Urls.Select(u => new Board(new Uri(u), null, EntryPoint: true)));
        var queued = new HashSet<string>(boards.Select(b => UrlCanonical.Normalize(b.Url)), StringComparer.Ordinal);
        while (boards.TryDequeue(out var board))
        {
            await CrawlBoardAsync(session, selectors, board, found =>
            {
                if (queued.Count >= MaxBoards || !Wanted(session.Source, found) || !queued.Add(UrlCanonical.Normalize(found.Url))) return;
                boards.Enqueue(found);
            }, cancellationToken);
        }
    }

    internal sealed record Board(Uri Url, string? Title, bool EntryPoint);

    /// <summary>A board found on an index, against the source's include and exclude lists (titles or URLs).</summary>
    internal static bool Wanted(SourceOptions source, Board board)
    {
        bool Matches(string entry) =>
            (board.Title is not null && string.Equals(entry.Trim(), board.Title, StringComparison.OrdinalIgnoreCase)) ||
            (Uri.TryCreate(board.Url, entry.Trim(), out var url) && UrlCanonical.Normalize(url) == UrlCanonical.Normalize(board.Url));
        if (source.ExcludeBoards.Any(Matches)) return false;
        return source.Boards.Count == 0 || source.Boards.Any(Matches);
    }

    private static async Task CrawlBoardAsync(CrawlSession session, ForumSelectors selectors, Board board, Action<Board> discovered, CancellationToken cancellationToken)
    {
        var opened = 0;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Uri? page = board.Url;
        for (var n = 0; page is not null && n < session.Source.MaxPages; n++)
        {
            if (!visited.Add(UrlCanonical.Normalize(page))) break;
            var entryPoint = board.EntryPoint && n == 0;
            var listing = await session.FetchPageAsync(page, conditional: true, cancellationToken, entryPoint);
            if (listing is null) break; // unchanged since the last run, or failed (counted)
            var document = CrawledHtml.Parse(listing.Text);
            var boardsHere = n == 0 ? Boards(document, selectors, listing.FinalUrl) : [];
            foreach (var found in boardsHere) discovered(found);
            var threads = Threads(document, selectors, listing.FinalUrl);
            if (threads.Count == 0)
            {
                // An index (or a category) lists boards and no thread: its boards are crawled in turn. It is not
                // remembered, so that the next run reads it again (its boards' last posts are what changes).
                if (boardsHere.Count == 0)
                {
                    session.Fail(listing.FinalUrl.AbsoluteUri, WhyEmpty(document, session.Source.ErrorPhrases, selectors, $"no thread matched '{selectors.ThreadLinks}'" +
                        (selectors.BoardLinks is null ? "" : $" and no board matched '{selectors.BoardLinks}'")), entryPoint);
                }
                break;
            }
            var changed = 0;
            var complete = true;
            foreach (var (thread, rowText) in threads)
            {
                var signature = session.ThreadSignature(rowText);
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
            if (complete) await session.CommitPageAsync(listing, cancellationToken);
            // Boards list threads by last activity: a page with nothing new means nothing new further down.
            if (changed == 0) break;
            page = NextPage.Find(document, selectors.NextPage, listing.FinalUrl, visited);
        }
    }

    /// <summary>
    /// Reads a thread from where the last run stopped. Each page goes whole to detection (Core's HTML extractor reads
    /// posts, code blocks and tables); posts give the attachments, the dates and where to resume. The new state, or null
    /// if something failed (retried next run). A refused or denied attachment is an outcome, not a failure.
    /// </summary>
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
            var document = CrawledHtml.Parse(result.Text);
            var posts = document.QuerySelectorAll(selectors.Posts);
            if (posts.Length == 0)
            {
                session.Fail(result.FinalUrl.AbsoluteUri, WhyEmpty(document, session.Source.ErrorPhrases, selectors, $"no post matched '{selectors.Posts}'"));
                return null;
            }
            var recent = new List<IElement>();
            var index = 0;
            foreach (var post in posts)
            {
                index++;
                lastPost = PostId(post) ?? "post-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (session.Source.MaxPostAge is { } maxAge && PostDate(post, selectors.PostDate) is { } date && session.Now - date > maxAge) continue;
                recent.Add(post);
            }
            var name = UrlCanonical.Normalize(result.FinalUrl);
            if (recent.Count == posts.Length)
            {
                ok &= await session.ScanAsync(name, result.Document, ct);
            }
            else if (recent.Count > 0)
            {
                // Posts older than MaxPostAge are taken out of the page; the rest goes to detection as the page's markup.
                foreach (var old in posts.Except(recent)) old.Remove();
                ok &= await session.ScanAsync(name, FetchedDocument.FromText(document.DocumentElement.OuterHtml, "text/html"), ct);
            }
            if (session.Source.MaxDepth >= 1)
            {
                foreach (var post in recent)
                {
                    foreach (var link in PostLinks.ToFetch(session, result.FinalUrl, post, selectors.Attachments))
                    {
                        ok &= await session.FetchAndScanOnceAsync(link, ct);
                    }
                }
            }
            lastPage = UrlCanonical.Clean(result.FinalUrl);
            page = NextPage.Find(document, selectors.NextPage, result.FinalUrl, visited);
        }
        return ok ? new ThreadState("", lastPage.AbsoluteUri, lastPost) : null;
    }

    /// <summary>Board links on an index (same host), with the title the index shows.</summary>
    internal static List<Board> Boards(IParentNode document, ForumSelectors selectors, Uri page)
    {
        var boards = new List<Board>();
        if (string.IsNullOrEmpty(selectors.BoardLinks)) return boards;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in document.QuerySelectorAll(selectors.BoardLinks))
        {
            if (Hrefs.Of(page, link) is not { } url || !string.Equals(url.IdnHost, page.IdnHost, StringComparison.OrdinalIgnoreCase)) continue;
            url = UrlCanonical.Clean(url);
            if (seen.Add(url.AbsoluteUri)) boards.Add(new Board(url, PageWords.Of(link), EntryPoint: false));
        }
        return boards;
    }

    /// <summary>
    /// Thread links on a board page, each with what of its row changes when someone replies (<see cref="Signature"/>),
    /// in memory only: the crawler remembers its keyed hash (<see cref="CrawlSession.ThreadSignature"/>).
    /// </summary>
    internal static List<(Uri Thread, string Signature)> Threads(IParentNode document, ForumSelectors selectors, Uri page)
    {
        var threads = new List<(Uri, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in document.QuerySelectorAll(selectors.ThreadLinks))
        {
            if (Hrefs.Of(page, link) is not { } url || !string.Equals(url.IdnHost, page.IdnHost, StringComparison.OrdinalIgnoreCase)) continue;
            url = UrlCanonical.Clean(url);
            if (!seen.Add(url.AbsoluteUri)) continue;
            var row = selectors.ThreadRows is null ? null : link.Closest(selectors.ThreadRows);
            threads.Add((url, row is null ? "" : Signature(row, selectors.ThreadChange, page)));
        }
        return threads;
    }

    /// <summary>
    /// What of a thread's row changes when someone replies: the preset's <c>ThreadChange</c> parts (reply count, last
    /// post), else the whole row. Relative times ("5 minutes ago") are replaced by their machine-readable date (a
    /// <c>time</c>'s datetime, a <c>span</c>'s title), session tokens dropped from links: the crawler's own visits and the
    /// clock must not change it. The row's text, which may name someone: only its keyed hash is stored.
    /// </summary>
    internal static string Signature(IElement row, string? changeSelector, Uri page)
    {
        var parts = string.IsNullOrEmpty(changeSelector) ? [] : row.QuerySelectorAll(changeSelector).ToList();
        if (parts.Count == 0) parts = [row];
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            var clone = (IElement)part.Clone(deep: true);
            foreach (var time in clone.QuerySelectorAll("time").ToList())
            {
                time.TextContent = time.GetAttribute("datetime") ?? time.GetAttribute("data-time") ?? time.TextContent;
            }
            foreach (var dated in clone.QuerySelectorAll("span[title], abbr[title]").ToList())
            {
                if (dated.Children.Length == 0) dated.TextContent = dated.GetAttribute("title")!;
            }
            builder.Append(PageWords.Of(clone)).Append('\n');
            foreach (var anchor in clone.QuerySelectorAll("a[href]").Prepend(clone).Where(a => a.LocalName == "a"))
            {
                if (Hrefs.Of(page, anchor) is { } href) builder.Append('\n').Append(UrlCanonical.Normalize(href));
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// When a post was written: a machine-readable <c>datetime</c> (phpBB 3.3, XenForo, vBulletin 5), else a date in a
    /// <c>title</c> (MyBB writes "2 minutes ago" with the date in span[title]) or in the text, in a format that cannot be
    /// read two ways (ISO, or MyBB's default "11-30-2026, 04:06 AM"), taken as UTC. Null when unsure: an undated post
    /// is never skipped.
    /// </summary>
    internal static DateTimeOffset? PostDate(IElement post, string? selector)
    {
        if (string.IsNullOrEmpty(selector) || post.QuerySelector(selector) is not { } element) return null;
        var stamp = element.GetAttribute("datetime") ?? element.QuerySelector("[datetime]")?.GetAttribute("datetime");
        if (stamp is not null) return Parse(stamp);
        var titled = element.GetAttribute("title") ?? element.QuerySelector("span[title], abbr[title]")?.GetAttribute("title");
        return (titled is null ? null : Parse(titled)) ?? Parse(PageWords.Of(element));

        static DateTimeOffset? Parse(string text)
        {
            const System.Globalization.DateTimeStyles Utc = System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AllowWhiteSpaces;
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            text = text.Trim();
            if (DateTimeOffset.TryParseExact(text, DateFormats, invariant, Utc, out var exact)) return exact;
            return text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-' &&
                   DateTimeOffset.TryParse(text, invariant, Utc, out var iso) ? iso : null;
        }
    }

    /// <summary>Unambiguous date formats seen in default themes besides ISO: MyBB 1.8 (m-d-Y, h:i A).</summary>
    private static readonly string[] DateFormats = ["MM-dd-yyyy, hh:mm tt", "MM-dd-yyyy, h:mm tt", "MM-dd-yyyy"];

    private static string? PostId(IElement post)
    {
        var id = post.Id ?? post.GetAttribute("data-content") ?? post.GetAttribute("data-node-id") ?? post.QuerySelector("[id]")?.Id;
        return string.IsNullOrWhiteSpace(id) || id.Length > 100 ? null : id;
    }

    /// <summary>
    /// Why a page has no threads or posts, saying what did not match: a "no permission" page; a page of another kind
    /// (a board listing where a thread was expected, a thread page, an index); a login form in place of everything the
    /// preset knows; or none of it (a wrong preset, a changed theme). A login form beside content (MyBB's hidden quick
    /// login on every guest page, phpBB's login box on the index) is not the reason.
    /// </summary>
    internal static string WhyEmpty(IDocument document, IEnumerable<string> errorPhrases, ForumSelectors? selectors, string missing)
    {
        if (DeniedPages.Reason(PageWords.Of(document.Body), errorPhrases) is { } denied) return denied;
        if (selectors is not null)
        {
            var posts = document.QuerySelectorAll(selectors.Posts).Length;
            var threads = document.QuerySelectorAll(selectors.ThreadLinks).Length;
            var boards = string.IsNullOrEmpty(selectors.BoardLinks) ? 0 : document.QuerySelectorAll(selectors.BoardLinks).Length;
            if (posts > 0) return $"{missing}: the page is a thread page ({posts} posts)";
            if (threads > 0) return $"{missing}: the page is a board listing ({threads} thread links), not a thread";
            if (boards > 0) return $"{missing}: the page is a board index ({boards} board links)";
        }
        if (document.QuerySelector("input[type=password]") is not null) return $"{missing}: a login form instead of the content (the page may need an account)";
        return $"{missing}: nothing the preset knows is on the page (another forum software, or a changed theme?)";
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
