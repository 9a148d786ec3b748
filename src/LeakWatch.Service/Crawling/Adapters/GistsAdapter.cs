using System.Globalization;
using System.Text.Json;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// Public GitHub gists: <c>{api}/gists/public?per_page=100&amp;page=N</c>, newest first, each file's <c>raw_url</c>
/// fetched once (a new revision has a new raw URL). A token (file or environment variable) raises the rate limit.
/// Note that api.github.com's robots.txt disallows everything: an API source needs <c>Robots: ignore</c>.
/// </summary>
internal sealed class GistsAdapter : ISourceAdapter
{
    public string Kind => SourceKinds.Gists;

    public async Task RunAsync(CrawlSession session, CancellationToken ct)
    {
        var api = new Uri((session.Source.ApiBaseUrl ?? "https://api.github.com").TrimEnd('/') + "/");
        var token = ReadToken(session.Source);
        var previous = await session.GetCursorAsync("updated", ct) ?? "";
        var newest = previous;
        var opened = 0;
        var ok = true;
        for (var page = 1; page <= session.Source.MaxPages; page++)
        {
            var url = new Uri(api, "gists/public?per_page=100&page=" + page.ToString(CultureInfo.InvariantCulture));
            var result = await session.FetchPageAsync(url, conditional: false, ct, entryPoint: page == 1, accept: "application/vnd.github+json", bearer: token);
            if (result is null) { ok = false; break; }
            List<(string Updated, List<Uri> Files)> gists;
            try
            {
                using var json = JsonDocument.Parse(result.Body);
                gists = [.. json.RootElement.EnumerateArray().Select(Gist)];
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                session.Fail(url.AbsoluteUri, "not a gists list (JSON array expected)", entryPoint: page == 1);
                ok = false;
                break;
            }
            if (gists.Count == 0) break;
            var older = false;
            foreach (var (updated, files) in gists)
            {
                if (string.CompareOrdinal(updated, previous) <= 0) { older = true; continue; }
                if (opened++ >= session.Source.MaxThreads) { older = true; break; }
                foreach (var raw in files)
                {
                    // raw_url comes from the API, not from a page: its host (gist.githubusercontent.com) is the API's own.
                    ok &= await session.FetchAndScanOnceAsync(raw, ct, accept: "text/plain,*/*;q=0.5");
                }
                if (string.CompareOrdinal(updated, newest) > 0) newest = updated;
            }
            if (older) break;
        }
        if (ok && string.CompareOrdinal(newest, previous) > 0) await session.SetCursorAsync("updated", newest, ct);
    }

    private static (string, List<Uri>) Gist(JsonElement gist)
    {
        var updated = gist.TryGetProperty("updated_at", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
        var files = new List<Uri>();
        if (gist.TryGetProperty("files", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            foreach (var file in f.EnumerateObject())
            {
                if (file.Value.TryGetProperty("raw_url", out var raw) && raw.ValueKind == JsonValueKind.String &&
                    Uri.TryCreate(raw.GetString(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                {
                    files.Add(uri);
                }
            }
        }
        return (updated, files);
    }

    private static string? ReadToken(SourceOptions source)
    {
        if (source.TokenEnvironmentVariable is { Length: > 0 } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment.Trim();
        }
        if (source.TokenFile is { Length: > 0 } path && File.Exists(path)) return File.ReadAllText(path).Trim();
        return null;
    }
}
