using LeakWatch.Core.Matching;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Detection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// One run of one source, as its adapter sees it: fetch pages (conditionally), hand documents to detection's intake
/// (once per content), follow links (only where the source allows), keep cursors, and count what happened for the
/// source's health. Failures are counted and logged, never thrown: one bad item never stops a crawl.
/// </summary>
internal sealed class CrawlSession
{
    private readonly Fetcher _fetcher;
    private readonly DocumentIntake _intake;
    private readonly CrawlStateStore _state;
    private readonly ContentHashes _hashes;
    private readonly ILogger _logger;
    private readonly Action<DocumentScanResult>? _onMatch;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _ownHosts;
    private readonly bool _anyHost;
    private readonly Dictionary<string, long> _notSent = new(StringComparer.OrdinalIgnoreCase);

    public CrawlSession(SourceOptions source, Fetcher fetcher, DocumentIntake intake, CrawlStateStore state, ContentHashes hashes, TimeProvider time, ILogger logger,
        Action<DocumentScanResult>? onMatch)
    {
        _hashes = hashes;
        _time = time;
        Source = source;
        _fetcher = fetcher;
        _intake = intake;
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
        // A new policy per run: its cookie jar lives as long as the run, for this source only.
        Policy = new FetchPolicy(source.Name, ConnectionProfile.Create(source.Proxy, privateHosts), source.RequestInterval,
            !source.IgnoresRobots, !string.IsNullOrWhiteSpace(source.Proxy), privateHosts);
    }

    public SourceOptions Source { get; }

    public FetchPolicy Policy { get; }

    public IReadOnlySet<string> AllowedHosts { get; }

    public long Documents { get; private set; }

    public long Matches { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Requests asked for, including those the circuit breaker did not send.</summary>
    public long Requests { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Requests not sent because this source's circuit for the host was open.</summary>
    public long Skipped { get; private set; }

    /// <summary>Linked files refused for good (address guard, robots.txt, denied, gone): outcomes, not failures.</summary>
    public long Refused { get; private set; }

    public string? LastError { get; private set; }

    public string? LastWarning { get; private set; }

    /// <summary>Bodies cut at the size limit and documents not scanned whole: the run read less than there was.</summary>
    public long ReadInPart { get; private set; }

    /// <summary>Set when the source's entry point could not be read: the run failed as a whole.</summary>
    public string? Fatal { get; private set; }

    /// <summary>What the circuit breaker skipped, per host: "127.0.0.1:8080: 12 requests not sent (circuit open)".</summary>
    public string? SkippedSummary => _notSent.Count == 0
        ? null
        : string.Join("; ", _notSent.Select(h => $"{h.Key}: {h.Value} request(s) not sent (circuit open after repeated failures)"));

    public string Name => Source.Name;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The keyed signature of a forum thread's row text (see <see cref="ContentHashes.ThreadSignature"/>).</summary>
    public string ThreadSignature(string rowText) => rowText.Length == 0 ? "" : _hashes.ThreadSignature(rowText);

    public bool IsOwnHost(Uri url) => _ownHosts.Contains(url.IdnHost);

    /// <summary>Links to the source's hosts, listed hosts, or (with "*") anywhere public; http and https only.</summary>
    public bool MayFollow(Uri url) =>
        (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && (_anyHost || AllowedHosts.Contains(url.IdnHost));

    /// <summary>A page; null when it failed (counted) or, if <paramref name="conditional"/>, when it did not change.</summary>
    public async Task<FetchResult?> FetchPageAsync(Uri url, bool conditional, CancellationToken ct, bool entryPoint = false, string? accept = null, string? bearer = null)
    {
        var result = await FetchAsync(url, conditional ? await _state.GetValidatorsAsync(Name, UrlCanonical.Normalize(url), ct) : null, accept, bearer, ct);
        if (result.Outcome == FetchOutcome.Failed)
        {
            Fail(url.AbsoluteUri, result.Failure!, entryPoint);
            return null;
        }
        return result.Outcome == FetchOutcome.NotModified ? null : result;
    }

    private async Task<FetchResult> FetchAsync(Uri url, Validators? validators, string? accept, string? bearer, CancellationToken ct)
    {
        var result = await _fetcher.GetAsync(url, Policy, ct, validators, accept, bearer);
        Requests++;
        // A server that sends no validators: the same content as last time is "not modified" too.
        if (result.Outcome == FetchOutcome.Ok && validators?.ContentHash is { } previous && previous == result.Document.ContentHash(_hashes))
        {
            result = result with { Outcome = FetchOutcome.NotModified };
        }
        if (result.NotSent)
        {
            var host = url.Authority;
            _notSent[host] = _notSent.GetValueOrDefault(host) + 1;
            Skipped++;
        }
        if (result.Outcome != FetchOutcome.Ok) return result;
        Bytes += result.Body.Length;
        if (result.Truncated is { } cut)
        {
            ReadInPart++;
            Warn(url.AbsoluteUri, cut);
        }
        return result;
    }

    /// <summary>Remembers a page's validators once everything on it was handled, so the next run may skip it.</summary>
    public Task CommitPageAsync(FetchResult page, CancellationToken ct) =>
        _state.SavePageAsync(Name, UrlCanonical.Normalize(page.Url), page.ETag, page.LastModified, page.Document.ContentHash(_hashes), ct);

    public async Task<bool> WasFetchedAsync(Uri url, CancellationToken ct) =>
        await _state.GetValidatorsAsync(Name, UrlCanonical.Normalize(url), ct) is { } known && !known.MayHaveChanged;

    /// <summary>
    /// Fetches a linked file (attachment, raw paste, linked page) and scans it, once per URL: a URL fetched and scanned
    /// by an earlier run is not asked again; one that was cut (too large, too slow) is asked again only conditionally,
    /// when it had validators, and read again only if they changed. A link refused for good (address guard, robots.txt,
    /// 401/403/404/410, a "no permission" page) is an outcome, remembered too. True when done (now or before).
    /// </summary>
    public Task<bool> FetchAndScanOnceAsync(Uri url, CancellationToken ct, string? accept = null, string? bearer = null) =>
        FetchAndScanOnceAsync(url, retryingRefusal: false, ct, accept, bearer);

    private async Task<bool> FetchAndScanOnceAsync(Uri url, bool retryingRefusal, CancellationToken ct, string? accept = null, string? bearer = null)
    {
        var key = UrlCanonical.Normalize(url);
        var known = await _state.GetValidatorsAsync(Name, key, ct);
        if (known is not null && !known.MayHaveChanged) return true;
        var result = await FetchAsync(url, known, accept, bearer, ct);
        if (result.Outcome == FetchOutcome.NotModified)
        {
            return true;
        }
        if (result.Outcome == FetchOutcome.Failed)
        {
            if (!result.Refused && retryingRefusal)
            {
                // A link refused before, asked again and still not given: a warning, not the source failing. Marked as
                // asked now, it waits another RefusalExpiry and the other expired refusals get their turn.
                Warn(url.AbsoluteUri, "link refused before, still not read: " + result.Failure);
                await _state.SavePageAsync(Name, key, null, null, null, ct, outcome: "refused");
                return true;
            }
            if (!result.Refused)
            {
                Fail(url.AbsoluteUri, result.Failure!);
                return false;
            }
            RefuseLink(url, result.Failure!);
            await _state.SavePageAsync(Name, key, null, null, null, ct, outcome: "refused");
            return true;
        }
        if (result.IsHtml)
        {
            var document = CrawledHtml.Parse(result.Text);
            var words = PageWords.Of(document.Body);
            if (words.Length < 4096 && DeniedPages.Reason(words, Source.ErrorPhrases) is { } denied)
            {
                RefuseLink(url, denied);
                await _state.SavePageAsync(Name, key, null, null, null, ct, outcome: "refused");
                return true;
            }
        }
        if (!await ScanAsync(key, result.Document, ct)) return false;
        await _state.SavePageAsync(Name, key, result.ETag, result.LastModified, result.Document.ContentHash(_hashes), ct, outcome: result.Truncated is null ? null : "cut");
        return true;
    }

    /// <summary>
    /// Asks again, once each, the linked URLs whose refusal has expired (<see cref="CrawlerOptions.RefusalExpiry"/>) and
    /// that this run did not meet again: a thread's attachment is not met again unless the thread changes. A URL this
    /// source may no longer follow (its allowed hosts changed) stays refused.
    /// </summary>
    public async Task RetryExpiredRefusalsAsync(CancellationToken ct)
    {
        foreach (var value in await _state.ExpiredRefusalsAsync(Name, CrawlStateStore.RefusalRetriesPerRun, ct))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || !MayFollow(url))
            {
                await _state.SavePageAsync(Name, value, null, null, null, ct, outcome: "refused");
                continue;
            }
            RetriedRefusals++;
            await FetchAndScanOnceAsync(url, retryingRefusal: true, ct);
        }
    }

    /// <summary>Linked URLs asked again this run because their refusal had expired.</summary>
    public long RetriedRefusals { get; private set; }

    /// <summary>
    /// Hands one fetched document to detection's intake unless this source already scanned the same bytes. True when
    /// done (now or before).
    /// </summary>
    public async Task<bool> ScanAsync(string documentName, FetchedDocument document, CancellationToken ct)
    {
        if (document.Body.Length == 0) return true;
        var contentHash = document.ContentHash(_hashes);
        if (await _state.IsSeenAsync(Name, contentHash, ct)) return true;
        var intake = await _intake.AcceptAsync(Name, documentName, document, ct);
        if (intake.Failure is { } failure)
        {
            Fail(documentName, failure);
            return false;
        }
        Documents++;
        if (intake.TermsTimedOut is { Count: > 0 } timedOut)
        {
            ReadInPart++;
            Warn(_hashes.Names.Mask(documentName), "not searched whole for watched terms: " + string.Join(", ", timedOut) + " ran out of time");
        }
        foreach (var result in intake.Results)
        {
            if (result.Skipped is { } skipped)
            {
                ReadInPart++;
                Warn(_hashes.Names.Mask(result.Document), "not scanned whole: " + skipped);
            }
            // A canary is ours too: the document came from the system it was planted in.
            if (result.Matches.Count == 0 && result.Canaries.Count == 0) continue;
            Matches += result.Matches.Count + result.Canaries.Count;
            Log.DocumentMatched(_logger, Name, result.Matches.Count, _hashes.Names.Mask(result.Document));
            _onMatch?.Invoke(result);
        }
        await _state.MarkSeenAsync(Name, contentHash, documentName, ct);
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
        LastWarning = $"{at}: {reason}";
        Log.FetchWarning(_logger, Name, at, reason);
    }

    private void RefuseLink(Uri url, string reason)
    {
        Refused++;
        Warn(url.AbsoluteUri, "link not followed: " + reason);
    }

    // Health rows and logs hold URLs, never content; a hostile URL is cut to a sensible length.
    private static string Trim(string url) => url.Length <= 300 ? url : url[..300] + "…";
}
