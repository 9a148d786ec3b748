using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Detection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// One run of one source, as its adapter sees it: fetch pages (conditionally), scan documents (once per content),
/// follow links (only where the source allows), keep cursors, and count what happened for the source's health.
/// Failures are counted and logged, never thrown: one bad item never stops a crawl.
/// </summary>
internal sealed class CrawlSession
{
    private readonly Fetcher _fetcher;
    private readonly IDocumentScanner _scanner;
    private readonly IIncidentRecorder _recorder;
    private readonly CrawlStateStore _state;
    private readonly ILogger _logger;
    private readonly Action<DocumentScanResult>? _onMatch;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _ownHosts;
    private readonly bool _anyHost;

    public CrawlSession(SourceOptions source, Fetcher fetcher, IDocumentScanner scanner, IIncidentRecorder recorder, CrawlStateStore state,
        TimeProvider time, ILogger logger, Action<DocumentScanResult>? onMatch)
    {
        _time = time;
        Source = source;
        _fetcher = fetcher;
        _scanner = scanner;
        _recorder = recorder;
        _state = state;
        _logger = logger;
        _onMatch = onMatch;
        _ownHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var url in source.Urls.Append(source.ApiBaseUrl ?? ""))
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var u)) _ownHosts.Add(u.IdnHost);
        }
        _anyHost = source.AllowedHosts.Contains("*");
        var listed = new HashSet<string>(_ownHosts.Concat(source.AllowedHosts.Where(h => h != "*")), StringComparer.OrdinalIgnoreCase);
        var privateHosts = source.AllowPrivateAddresses ? listed : new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        AllowedHosts = listed;
        Policy = new FetchPolicy(source.Name, ConnectionProfile.Create(source.Proxy, privateHosts), source.RequestInterval,
            !source.IgnoresRobots, !string.IsNullOrWhiteSpace(source.Proxy), privateHosts);
    }

    public SourceOptions Source { get; }

    public FetchPolicy Policy { get; }

    public IReadOnlySet<string> AllowedHosts { get; }

    public long Documents { get; private set; }

    public long Matches { get; private set; }

    public long Bytes { get; private set; }

    public long Requests { get; private set; }

    public long Errors { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Set when the source's entry point could not be read: the run failed as a whole.</summary>
    public string? Fatal { get; private set; }

    public string Name => Source.Name;

    public DateTimeOffset Now => _time.GetUtcNow();

    public bool IsOwnHost(Uri url) => _ownHosts.Contains(url.IdnHost);

    /// <summary>Links to the source's hosts, listed hosts, or (with "*") anywhere public; http and https only.</summary>
    public bool MayFollow(Uri url) =>
        (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && (_anyHost || AllowedHosts.Contains(url.IdnHost));

    /// <summary>A page; null when it failed (counted) or, if <paramref name="conditional"/>, when it did not change.</summary>
    public async Task<FetchResult?> FetchPageAsync(Uri url, bool conditional, CancellationToken ct, bool entryPoint = false, string? accept = null, string? bearer = null)
    {
        var key = UrlCanonical.Normalize(url);
        var validators = conditional ? await _state.GetValidatorsAsync(Name, key, ct) : null;
        var result = await _fetcher.GetAsync(url, Policy, ct, validators, accept, bearer);
        Requests++;
        if (result.Outcome == FetchOutcome.Failed)
        {
            Fail(url.AbsoluteUri, result.Failure!, entryPoint);
            return null;
        }
        if (result.Outcome == FetchOutcome.NotModified) return null;
        Bytes += result.Body.Length;
        if (result.Truncated is { } cut) Warn(url.AbsoluteUri, cut);
        return result;
    }

    /// <summary>Remembers a page's validators once everything on it was handled, so the next run may skip it.</summary>
    public Task CommitPageAsync(FetchResult page, CancellationToken ct) =>
        _state.SavePageAsync(Name, UrlCanonical.Normalize(page.Url), page.ETag, page.LastModified, Fetcher.Sha256(page.Body), ct);

    public async Task<bool> WasFetchedAsync(Uri url, CancellationToken ct) =>
        await _state.GetValidatorsAsync(Name, UrlCanonical.Normalize(url), ct) is not null;

    /// <summary>
    /// Fetches a linked file (attachment, raw paste, linked page) and scans it, once per URL: a URL fetched and scanned
    /// by an earlier run is not asked again. True when done (now or before).
    /// </summary>
    public async Task<bool> FetchAndScanOnceAsync(Uri url, CancellationToken ct, string? accept = null, string? bearer = null)
    {
        if (await WasFetchedAsync(url, ct)) return true;
        var result = await FetchPageAsync(url, conditional: false, ct, accept: accept, bearer: bearer);
        if (result is null) return false;
        var content = result.Body;
        if (result.IsHtml)
        {
            var text = HtmlText.Extract(HtmlDocuments.Parse(result.Text));
            if (text.Length < 4096 && ErrorPages.Denied(text, Source.ErrorPhrases) is { } denied)
            {
                Fail(url.AbsoluteUri, denied);
                return false;
            }
            content = System.Text.Encoding.UTF8.GetBytes(text);
        }
        if (!await ScanAsync(url.AbsoluteUri, content, ct)) return false;
        await CommitPageAsync(result, ct);
        return true;
    }

    /// <summary>Scans one document unless this source already scanned the same bytes. True when done (now or before).</summary>
    public async Task<bool> ScanAsync(string documentUrl, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        if (content.Length == 0) return true;
        var sha = Fetcher.Sha256(content.Span);
        if (await _state.IsSeenAsync(Name, sha, ct)) return true;
        IReadOnlyList<DocumentScanResult> results;
        try
        {
            // The bytes are already in memory (up to MaxBodyBytes): hand them over without a second copy.
            using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(content.ToArray(), writable: false);
            results = await _scanner.ScanAsync(stream, documentUrl, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The scanner's bug or a document it cannot take must not stop the crawl; the type says which, no content.
            Fail(documentUrl, $"scan failed ({e.GetType().Name})");
            return false;
        }
        Documents++;
        foreach (var result in results)
        {
            if (result.Skipped is { } skipped) Warn(DocumentNames.Mask(result.Document), "not scanned: " + skipped);
            if (result.Matches.Count == 0) continue;
            Matches += result.Matches.Count;
            Log.DocumentMatched(_logger, Name, result.Matches.Count, documentUrl);
            // Entry names inside archives are content: the incident (and so the alert) keeps the URL and entry hashes.
            await _recorder.RecordAsync(Name, DocumentNames.Mask(result.Document), result, ct);
            _onMatch?.Invoke(result);
        }
        await _state.MarkSeenAsync(Name, sha, documentUrl, ct);
        return true;
    }

    public Task<string?> GetCursorAsync(string key, CancellationToken ct) => _state.GetCursorAsync(Name, key, ct);

    public Task SetCursorAsync(string key, string value, CancellationToken ct) => _state.SetCursorAsync(Name, key, value, ct);

    /// <summary>Counts a failure. On an entry point (the board, the listing, the feed) the run as a whole failed.</summary>
    public void Fail(string url, string reason, bool entryPoint = false)
    {
        Errors++;
        var at = Trim(url);
        LastError = $"{at}: {reason}";
        if (entryPoint) Fatal ??= LastError;
        Log.FetchFailed(_logger, Name, at, reason);
    }

    /// <summary>Something to know that is not a failure (a body cut at the limit, an archive entry skipped).</summary>
    public void Warn(string url, string reason)
    {
        var at = Trim(url);
        LastError = $"{at}: {reason}";
        Log.FetchWarning(_logger, Name, at, reason);
    }

    // Health rows and logs hold URLs, never content; a hostile URL is cut to a sensible length.
    private static string Trim(string url) => url.Length <= 300 ? url : url[..300] + "…";
}
