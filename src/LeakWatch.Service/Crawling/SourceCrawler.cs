using System.Collections.Concurrent;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Crawling.Adapters;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Detection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Crawling;

/// <summary>What one run of one source did.</summary>
internal sealed record CrawlRunResult(string Source, bool Succeeded, bool Skipped, long Documents, long Matches, long Requests, long Errors, string? LastError,
    string Status = RunStatus.Ok, long NotSent = 0, long Refused = 0, string? NotSentSummary = null)
{
    /// <summary>Some requests failed or were not sent: what was found may not be all there is.</summary>
    public bool Partial => Status != RunStatus.Ok;
}

/// <summary>
/// Runs one source once: the Quartz job and <c>leakwatch crawl --once</c> both come here. Catches at its edge, so that
/// nothing a site does escapes, and writes the source's health after every run.
/// </summary>
internal sealed class SourceCrawler(
    IEnumerable<ISourceAdapter> adapters,
    Fetcher fetcher,
    DocumentIntake intake,
    ContentHashing hashing,
    CrawlStateStore state,
    SourceHealthStore health,
    TimeProvider time,
    IOptions<CrawlerOptions> crawler,
    ILogger<SourceCrawler> logger)
{
    private readonly Dictionary<string, ISourceAdapter> _adapters = adapters.ToDictionary(a => a.Kind, StringComparer.OrdinalIgnoreCase);
    // Quartz never runs one job twice at once; this also covers a job and a caller in the same process.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _running = new(StringComparer.OrdinalIgnoreCase);

    public async Task<CrawlRunResult> RunAsync(SourceOptions source, Action<DocumentScanResult>? onMatch, CancellationToken cancellationToken)
    {
        var gate = _running.GetOrAdd(source.Name, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, cancellationToken))
        {
            Log.AlreadyRunning(logger, source.Name);
            return new CrawlRunResult(source.Name, true, true, 0, 0, 0, 0, null);
        }
        try
        {
            return await RunCoreAsync(source, onMatch, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CrawlRunResult> RunCoreAsync(SourceOptions source, Action<DocumentScanResult>? onMatch, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        Log.RunStarted(logger, source.Name);
        // Keyed before the first page: its content hash is compared with the one remembered.
        var hashes = await hashing.GetForRecordingAsync(cancellationToken);
        var session = new CrawlSession(source, fetcher, intake, state, hashes, time, logger, onMatch);
        try
        {
            if (!_adapters.TryGetValue(source.Kind, out var adapter))
            {
                session.Fail(source.Name, $"no crawler for kind '{source.Kind}'", entryPoint: true);
            }
            else
            {
                await adapter.RunAsync(session, cancellationToken);
                // Not when the source itself could not be read: its links would likely fail the same way.
                if (session.Fatal is null) await session.RetryExpiredRefusalsAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            session.Fail(source.Urls.FirstOrDefault() ?? source.Name, "run cancelled (service stopping)", entryPoint: true);
        }
        catch (NoEnrollmentException e)
        {
            session.Fail(source.Urls.FirstOrDefault() ?? source.Name, e.Message, entryPoint: true);
        }
        catch (Exception e)
        {
            Log.RunCrashed(logger, source.Name, e);
            session.Fail(source.Urls.FirstOrDefault() ?? source.Name, $"crawl stopped by an unexpected {e.GetType().Name}", entryPoint: true);
        }

        var duration = time.GetElapsedTime(started);
        var succeeded = session.Fatal is null;
        var status = RunStatus.Of(!succeeded, session.Requests, session.Errors + session.Skipped);
        // A run that read something only in part did not see everything: never "ok", so `crawl --once` exits 3.
        if (status == RunStatus.Ok && session.ReadInPart > 0) status = RunStatus.Degraded;
        var lastError = session.Fatal ?? session.LastError ?? session.SkippedSummary;
        Operations.LeakWatchMetrics.CrawlFinished(source.Name, duration, succeeded);
        try
        {
            await health.RecordAsync(new RunReport(source.Name, source.Kind, startedAt, duration, succeeded, lastError,
                session.Documents, session.Bytes, session.Requests, session.Errors, status, session.Skipped, session.Refused, session.LastWarning), CancellationToken.None);
        }
        catch (NoEnrollmentException e)
        {
            session.Fail(source.Urls.FirstOrDefault() ?? source.Name, e.Message, entryPoint: true);
        }
        catch (Exception e)
        {
            Log.RunCrashed(logger, source.Name, e);
        }
        if (!succeeded) Log.RunFailed(logger, source.Name, session.Fatal!);
        if (session.SkippedSummary is { } skipped) Log.RequestsSkipped(logger, source.Name, skipped);
        if (session.RetriedRefusals > 0) Log.RefusalsRetried(logger, source.Name, session.RetriedRefusals, crawler.Value.RefusalExpiry);
        Log.RunFinished(logger, source.Name, status, (long)duration.TotalMilliseconds, session.Requests, session.Documents, session.Matches, session.Errors,
            session.Skipped, session.Refused);
        return new CrawlRunResult(source.Name, succeeded, false, session.Documents, session.Matches, session.Requests, session.Errors, lastError,
            status, session.Skipped, session.Refused, session.SkippedSummary);
    }
}
