using System.Globalization;
using System.Text.Json;
using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// Flarum through its JSON:API, which says what changed (the crawler view lists titles only):
/// <c>/api/discussions?sort=-lastPostedAt&amp;page[offset]=N</c> gives each discussion's <c>lastPostNumber</c>;
/// a discussion that grew is read from <c>/api/discussions/{id}</c> (all post ids, the first posts included) and
/// <c>/api/posts?filter[id]=...</c> for the rest. Posts are scanned from their <c>contentHtml</c>.
/// </summary>
internal static class FlarumApi
{
    private const int Batch = 20;
    private const string Accept = "application/vnd.api+json, application/json";

    public static async Task RunAsync(CrawlSession session, string attachments, CancellationToken ct)
    {
        var opened = 0;
        foreach (var start in session.Source.Urls)
        {
            var root = new Uri(start.TrimEnd('/') + "/");
            Uri? page = new(root, "api/discussions?sort=-lastPostedAt");
            for (var n = 0; page is not null && n < session.Source.MaxPages; n++)
            {
                var result = await session.FetchPageAsync(page, conditional: false, ct, entryPoint: n == 0, accept: Accept);
                if (result is null) break;
                List<(string Id, string Slug, int Last)> discussions;
                Uri? next;
                try
                {
                    using var json = JsonDocument.Parse(result.Body);
                    discussions = [.. json.RootElement.GetProperty("data").EnumerateArray().Select(Discussion).OfType<(string, string, int)>()];
                    next = json.RootElement.TryGetProperty("links", out var links) && links.TryGetProperty("next", out var nx) && nx.ValueKind == JsonValueKind.String
                        && Hrefs.Resolve(page, nx.GetString()) is { } u && u.IdnHost == root.IdnHost ? u : null;
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    session.Fail(page.AbsoluteUri, "not a Flarum discussion list (JSON:API data expected)", entryPoint: n == 0);
                    break;
                }
                var changed = 0;
                foreach (var (id, slug, last) in discussions)
                {
                    if (opened >= session.Source.MaxThreads) return;
                    var key = "discussion:" + root.AbsoluteUri + id;
                    var seen = int.TryParse(await session.GetCursorAsync(key, ct), CultureInfo.InvariantCulture, out var s) ? s : 0;
                    if (last <= seen) continue;
                    changed++;
                    opened++;
                    if (await ReadAsync(session, root, id, slug, seen, last, attachments, ct) is { } done)
                    {
                        await session.SetCursorAsync(key, done.ToString(CultureInfo.InvariantCulture), ct);
                    }
                }
                // Sorted by last activity: a page with nothing new means nothing new after it.
                if (changed == 0) break;
                page = next;
            }
        }
    }

    private static async Task<int?> ReadAsync(CrawlSession session, Uri root, string id, string slug, int seen, int last, string attachments, CancellationToken ct)
    {
        var url = new Uri(root, "api/discussions/" + Uri.EscapeDataString(id));
        var result = await session.FetchPageAsync(url, conditional: false, ct, accept: Accept);
        if (result is null) return null;
        var posts = new Dictionary<string, (int Number, string Html)>(StringComparer.Ordinal);
        var ids = new List<string>();
        try
        {
            using var json = JsonDocument.Parse(result.Body);
            if (json.RootElement.GetProperty("data").TryGetProperty("relationships", out var rel) && rel.TryGetProperty("posts", out var p))
            {
                ids.AddRange(p.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            }
            if (json.RootElement.TryGetProperty("included", out var included)) AddPosts(included, posts);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            session.Fail(url.AbsoluteUri, "not a Flarum discussion (JSON:API data expected)");
            return null;
        }
        var missing = ids.Where(i => !posts.ContainsKey(i)).ToList();
        var wanted = Math.Max(0, last - seen);
        if (missing.Count > wanted) missing = missing[^wanted..];
        foreach (var chunk in missing.Chunk(Batch))
        {
            var more = await session.FetchPageAsync(new Uri(root, "api/posts?filter[id]=" + string.Join(',', chunk.Select(Uri.EscapeDataString))), conditional: false, ct, accept: Accept);
            if (more is null) return null;
            try
            {
                using var json = JsonDocument.Parse(more.Body);
                AddPosts(json.RootElement.GetProperty("data"), posts);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                session.Fail(more.Url.AbsoluteUri, "not a Flarum post list");
                return null;
            }
        }
        var ok = true;
        foreach (var (number, html) in posts.Values.Where(p => p.Number > seen).OrderBy(p => p.Number))
        {
            var page = new Uri(root, "d/" + Uri.EscapeDataString(slug) + "/" + number.ToString(CultureInfo.InvariantCulture));
            var markup = "<html><body>" + html + "</body></html>";
            var document = CrawledHtml.Parse(markup);
            ok &= await session.ScanAsync(page.AbsoluteUri, FetchedDocument.FromText(markup, "text/html"), ct);
            if (session.Source.MaxDepth >= 1 && document.Body is { } body)
            {
                foreach (var link in PostLinks.ToFetch(session, page, body, attachments)) ok &= await session.FetchAndScanOnceAsync(link, ct);
            }
        }
        return ok ? last : null;
    }

    private static (string, string, int)? Discussion(JsonElement e)
    {
        if (!e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) return null;
        if (!e.TryGetProperty("attributes", out var a)) return null;
        var last = a.TryGetProperty("lastPostNumber", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32()
            : a.TryGetProperty("commentCount", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 1;
        var slug = a.TryGetProperty("slug", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : id.GetString()!;
        return (id.GetString()!, slug, last);
    }

    private static void AddPosts(JsonElement array, Dictionary<string, (int, string)> posts)
    {
        foreach (var e in array.EnumerateArray())
        {
            if (!e.TryGetProperty("type", out var type) || type.GetString() != "posts") continue;
            if (!e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !e.TryGetProperty("attributes", out var a)) continue;
            if (!a.TryGetProperty("number", out var number) || number.ValueKind != JsonValueKind.Number) continue;
            var html = a.TryGetProperty("contentHtml", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString()! : "";
            posts[id.GetString()!] = (number.GetInt32(), html);
        }
    }
}
