using System.Globalization;
using System.Text.Json;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// Discourse through its JSON API: <c>/latest.json?page=N</c> lists topics with their highest post number; a topic that
/// grew is read from <c>/t/{id}.json</c> (first 20 posts and the stream of all post ids) and
/// <c>/t/{id}/posts.json?post_ids[]=...</c> for the rest. Posts are scanned from their cooked HTML; uploads and links
/// to listed hosts are fetched.
/// </summary>
internal sealed class DiscourseAdapter : ISourceAdapter
{
    private const int Batch = 20;

    public string Kind => SourceKinds.Discourse;

    public async Task RunAsync(CrawlSession session, CancellationToken ct)
    {
        foreach (var start in session.Source.Urls)
        {
            // The site root may be a folder (https://example.org/forum/): every API path is taken relative to it.
            var entry = new Uri(start);
            var listing = entry.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? entry
                : new Uri(entry, entry.AbsolutePath.TrimEnd('/') + "/latest.json");
            var site = new Uri(listing, "./");
            var opened = 0;
            for (var page = 0; page < session.Source.MaxPages; page++)
            {
                var url = page == 0 ? listing : new Uri(listing, listing.AbsolutePath + "?page=" + page.ToString(CultureInfo.InvariantCulture));
                var result = await session.FetchPageAsync(url, conditional: false, ct, entryPoint: page == 0, accept: "application/json");
                if (result is null) break;
                List<Topic> topics;
                bool more;
                try
                {
                    using var json = JsonDocument.Parse(result.Body);
                    var list = json.RootElement.GetProperty("topic_list");
                    topics = [.. list.GetProperty("topics").EnumerateArray().Select(Topic.From).OfType<Topic>()];
                    more = list.TryGetProperty("more_topics_url", out var m) && m.ValueKind == JsonValueKind.String;
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    session.Fail(url.AbsoluteUri, "not a Discourse topic list (JSON without topic_list.topics)", entryPoint: page == 0);
                    break;
                }
                var changed = 0;
                foreach (var topic in topics)
                {
                    if (opened >= session.Source.MaxThreads) break;
                    var key = "topic:" + topic.Id.ToString(CultureInfo.InvariantCulture);
                    var seen = int.TryParse(await session.GetCursorAsync(key, ct), CultureInfo.InvariantCulture, out var s) ? s : 0;
                    if (topic.Highest <= seen) continue;
                    changed++;
                    opened++;
                    if (await ReadTopicAsync(session, site, topic, seen, ct) is { } highest)
                    {
                        await session.SetCursorAsync(key, highest.ToString(CultureInfo.InvariantCulture), ct);
                    }
                }
                if (!more || changed == 0 || topics.Count == 0) break;
            }
        }
    }

    private static async Task<int?> ReadTopicAsync(CrawlSession session, Uri site, Topic topic, int seen, CancellationToken ct)
    {
        var id = topic.Id.ToString(CultureInfo.InvariantCulture);
        var topicUrl = new Uri(site, "t/" + id + ".json");
        var result = await session.FetchPageAsync(topicUrl, conditional: false, ct, accept: "application/json");
        if (result is null) return null;
        var posts = new List<Post>();
        var stream = new List<long>();
        try
        {
            using var json = JsonDocument.Parse(result.Body);
            var postStream = json.RootElement.GetProperty("post_stream");
            posts.AddRange(postStream.GetProperty("posts").EnumerateArray().Select(Post.From).OfType<Post>());
            if (postStream.TryGetProperty("stream", out var ids)) stream.AddRange(ids.EnumerateArray().Select(i => i.GetInt64()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            session.Fail(topicUrl.AbsoluteUri, "not a Discourse topic (JSON without post_stream.posts)");
            return null;
        }

        // Posts past the first page: the newest ones are at the end of the stream; fetch only as many as are new.
        var loaded = posts.Select(p => p.Id).ToHashSet();
        var missing = stream.Where(i => !loaded.Contains(i)).ToList();
        var wanted = Math.Max(0, topic.Highest - seen);
        if (missing.Count > wanted) missing = missing[^wanted..];
        foreach (var chunk in missing.Chunk(Batch))
        {
            var query = string.Join('&', chunk.Select(i => "post_ids[]=" + i.ToString(CultureInfo.InvariantCulture)));
            var more = await session.FetchPageAsync(new Uri(site, "t/" + id + "/posts.json?" + query), conditional: false, ct, accept: "application/json");
            if (more is null) return null;
            try
            {
                using var json = JsonDocument.Parse(more.Body);
                posts.AddRange(json.RootElement.GetProperty("post_stream").GetProperty("posts").EnumerateArray().Select(Post.From).OfType<Post>());
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                session.Fail(more.Url.AbsoluteUri, "not a Discourse post list");
                return null;
            }
        }

        var ok = true;
        var highest = seen;
        foreach (var post in posts.Where(p => p.Number > seen).OrderBy(p => p.Number))
        {
            var page = new Uri(site, "t/" + Uri.EscapeDataString(topic.Slug) + "/" + id + "/" + post.Number.ToString(CultureInfo.InvariantCulture));
            var html = "<html><body>" + post.Cooked + "</body></html>";
            var document = CrawledHtml.Parse(html);
            ok &= await session.ScanAsync(page.AbsoluteUri, FetchedDocument.FromText(html, "text/html"), ct);
            if (session.Source.MaxDepth >= 1 && document.Body is { } body)
            {
                foreach (var link in PostLinks.ToFetch(session, page, body, "a.attachment, a[href*=\"/uploads/\"]"))
                {
                    ok &= await session.FetchAndScanOnceAsync(link, ct);
                }
            }
            highest = Math.Max(highest, post.Number);
        }
        return ok ? Math.Max(highest, topic.Highest) : null;
    }

    private sealed record Topic(long Id, string Slug, int Highest)
    {
        public static Topic? From(JsonElement e)
        {
            if (!e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number) return null;
            var highest = e.TryGetProperty("highest_post_number", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32()
                : e.TryGetProperty("posts_count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 1;
            var slug = e.TryGetProperty("slug", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "topic";
            return new Topic(id.GetInt64(), slug, highest);
        }
    }

    private sealed record Post(long Id, int Number, string Cooked)
    {
        public static Post? From(JsonElement e)
        {
            if (!e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number) return null;
            if (!e.TryGetProperty("post_number", out var n) || n.ValueKind != JsonValueKind.Number) return null;
            var cooked = e.TryGetProperty("cooked", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            return new Post(id.GetInt64(), n.GetInt32(), cooked);
        }
    }
}
