using System.Diagnostics;
using System.Runtime.ExceptionServices;
using LeakWatch.Core.Documents;
using LeakWatch.Core.Extraction;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Detection;

/// <summary>
/// Unpacks, decodes, extracts and matches one incoming document, in memory. The fingerprint index is loaded once
/// and reloaded when a new enrollment replaces the active one.
/// </summary>
internal sealed class DocumentScanner : IDocumentScanner, IDisposable
{
    private readonly KeyProvider _keys;
    private readonly ContentHashing _hashing;
    private readonly FingerprintStore _store;
    private readonly FingerprintIndexFiles _indexFiles;
    private readonly DetectionOptions _options;
    private readonly ILogger<DocumentScanner> _logger;
    private readonly SemaphoreSlim _loading = new(1, 1);
    // One document at a time: each scan already uses every core, and the matchers' memos stay few.
    private readonly SemaphoreSlim _scanning = new(1, 1);
    private readonly CanaryStore? _canaries;
    private LoadedIndex? _loaded;

    public DocumentScanner(KeyProvider keys, ContentHashing hashing, FingerprintStore store, FingerprintIndexFiles indexFiles, IOptions<DetectionOptions> options,
        ILogger<DocumentScanner> logger, CanaryStore? canaries = null)
    {
        _hashing = hashing;
        _indexFiles = indexFiles;
        _canaries = canaries;
        _keys = keys;
        _store = store;
        _options = options.Value;
        _logger = logger;
    }

    public Task<IReadOnlyList<DocumentScanResult>> ScanAsync(Stream content, string documentName, CancellationToken cancellationToken) =>
        RunAsync(pipeline => Scan(pipeline, content, documentName, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<DocumentScanResult>> ScanAsync(FetchedDocument document, string documentName, CancellationToken cancellationToken) =>
        RunAsync(pipeline => ScanFetched(pipeline, document, documentName, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<DocumentScanResult>> RunAsync(Func<LoadedIndex, List<DocumentScanResult>> scan, CancellationToken cancellationToken)
    {
        await _scanning.WaitAsync(cancellationToken);
        try
        {
            // Under the scanning lock: no scan uses the previous index when a new enrollment replaces (and unmaps) it.
            var pipeline = await GetPipelineAsync(cancellationToken);
            // Extraction and matching are CPU-bound and synchronous: keep them off the caller's thread.
            return await Task.Run(() => scan(pipeline), cancellationToken);
        }
        finally
        {
            _scanning.Release();
        }
    }

    /// <summary>
    /// Archives are unpacked (their entries are other bytes, hashed as leaves); a page goes to the HTML extractor from
    /// the text the crawler already decoded; other text is decoded once here with the declared charset.
    /// </summary>
    private List<DocumentScanResult> ScanFetched(LoadedIndex loaded, FetchedDocument document, string documentName, CancellationToken cancellationToken)
    {
        var pipeline = loaded.Pipeline;
        if (ArchiveSniffer.Detect(document.Body.AsSpan(0, Math.Min(document.Body.Length, ArchiveSniffer.HeadBytes))) != ArchiveKind.None)
        {
            return Scan(loaded, new MemoryStream(document.Body, writable: false), documentName, cancellationToken);
        }
        var watch = Stopwatch.StartNew();
        string? problem = null;
        var matches = pipeline.Run((writer, token) =>
        {
            var context = new ExtractionContext(token);
            if (document.IsHtml)
            {
                new HtmlExtractor(xml: false).Extract(new StringReader(document.Text), writer, context);
            }
            else
            {
                using var decoded = TextDecoding.Open(new MemoryStream(document.Body, writable: false), leaveOpen: false, document.DeclaredCharset);
                if (decoded.IsBinary)
                {
                    problem = "binary content";
                    return;
                }
                RecordExtraction.ExtractText(decoded, documentName, writer, context);
            }
            problem = context.Problem;
        }, cancellationToken);
        var (found, signals) = CanaryMatches.Split(matches.ToMatches(pipeline.Index.Patients), loaded.Canaries, matches);
        var logged = loaded.Hashes.Names.Mask(documentName);
        Log.Scanned(_logger, logged, matches.Records, found.Count, document.Body.Length, watch.ElapsedMilliseconds);
        return [new DocumentScanResult(documentName, document.ContentHash(loaded.Hashes), document.Body.Length, matches.Records, found, problem is null ? null : "partly read: " + problem, signals)];
    }

    private List<DocumentScanResult> Scan(LoadedIndex loaded, Stream content, string documentName, CancellationToken cancellationToken)
    {
        var pipeline = loaded.Pipeline;
        var results = new List<DocumentScanResult>();
        var unpacked = DocumentUnpacker.Unpack(content, documentName, _options.UnpackLimits, (leafName, leaf) =>
        {
            var watch = Stopwatch.StartNew();
            using var hashing = new HashingStream(leaf, loaded.Hashes);
            ExtractionSummary? summary = null;
            Exception? refused = null;
            var matches = pipeline.Run((writer, token) =>
            {
                try
                {
                    summary = RecordExtraction.Extract(hashing, leafName, writer, token);
                }
                catch (Exception ex) when (UnpackRefusedException.Find(ex) is not null)
                {
                    // The leaf was cut (truncated, a limit): the unpacker lists it with its reason; what was read still counts.
                    refused = ex;
                }
            }, cancellationToken);
            // A leaf read in part has no digest of the whole: its rest cannot be read.
            var contentHash = refused is null ? hashing.Finish() : "";
            var (found, signals) = CanaryMatches.Split(matches.ToMatches(pipeline.Index.Patients), loaded.Canaries, matches);
            // A document read only in part (too large, binary) must not pass for a clean scan.
            var problem = summary?.Problem is { } why ? "partly read: " + why : null;
            results.Add(new DocumentScanResult(leafName, contentHash, hashing.BytesRead, matches.Records, found, problem, signals));
            Operations.LeakWatchMetrics.DocumentScanned(results[^1], watch.Elapsed);
            var logged = loaded.Hashes.Names.Mask(leafName);
            Log.Scanned(_logger, logged, matches.Records, found.Count, hashing.BytesRead, watch.ElapsedMilliseconds);

            // Handed back to the unpacker, whose layer that refused records the reason and carries on.
            if (refused is not null) ExceptionDispatchInfo.Throw(refused);
        }, cancellationToken);
        foreach (var skipped in unpacked.Skipped)
        {
            var logged = loaded.Hashes.Names.Mask(skipped.Name);
            Log.Skipped(_logger, logged, skipped.Reason);

            // A leaf cut short after some of it was read keeps its matches and carries the reason itself.
            var cut = skipped.Partial ? results.FindIndex(r => r.Document == skipped.Name && r.Skipped is null) : -1;
            if (cut >= 0) results[cut] = results[cut] with { Skipped = skipped.Reason };
            else results.Add(new DocumentScanResult(skipped.Name, "", 0, 0, [], skipped.Reason));
        }
        return results;
    }

    private async Task<LoadedIndex> GetPipelineAsync(CancellationToken cancellationToken)
    {
        var active = await _store.GetActiveEnrollmentAsync(cancellationToken)
            ?? throw new NoEnrollmentException();
        // Canaries made since the index was loaded (by `canary create`, in another process) are loaded with it.
        var canaryVersion = _canaries is null ? "" : await _canaries.GetVersionAsync(cancellationToken);
        if (_loaded is { } current && current.EnrollmentId == active.Id && current.CanaryVersion == canaryVersion) return current;

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_loaded is { } again && again.EnrollmentId == active.Id && again.CanaryVersion == canaryVersion) return again;
            var watch = Stopwatch.StartNew();
            var keys = await _keys.GetKeysAsync(cancellationToken);
            var hashes = await _hashing.GetAsync(cancellationToken);
            var (index, enrollmentId, canaries) = await OpenConsistentAsync(keys, cancellationToken);
            // The canaries, a few dozen fingerprints, are indexed in memory after the patients.
            if (canaries.Count > 0) index.Append(canaries.ToSnapshot());
            Log.IndexLoaded(_logger, index.Patients.Count, index.LinkedCount, index.MemberCount, watch.ElapsedMilliseconds);
            // Called under the scanning lock: no scan uses the previous index any more.
            _loaded?.Pipeline.Dispose();
            // Keyed by what was loaded, not by what the check above read: an enrollment since then is loaded next time.
            _loaded = new LoadedIndex(enrollmentId, _canaries is null ? "" : canaries.Version, new ExtractAndMatchPipeline(index, keys, _options.EffectiveWorkers), canaries, hashes);
            return _loaded;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Called between reading the canaries and opening the index; tests enroll there.</summary>
    internal Func<CancellationToken, Task>? BetweenCanariesAndIndex { get; set; }

    private const int MaxLoadAttempts = 5;

    /// <summary>
    /// The active enrollment's index with the canaries whose shadow flags are that enrollment's. The canaries are read
    /// with the active enrollment's id in one transaction, and the index (mapped from its file, built from the store
    /// first if missing or stale: memory does not grow with the base) is opened after: an enrollment committed in
    /// between would pair its new patients with the previous enrollment's flags (a canary taken for a patient, or the
    /// reverse), so the ids are compared and both read again until they agree. The index is not read inside that
    /// transaction: building its file can take seconds, and an enrollment's checkpoint would wait for it.
    /// </summary>
    private async Task<(FingerprintIndex Index, long EnrollmentId, CanaryBook Canaries)> OpenConsistentAsync(FingerprintKeys keys, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var canaries = _canaries is null ? CanaryBook.Empty : await _canaries.LoadAsync(cancellationToken);
            if (BetweenCanariesAndIndex is { } between) await between(cancellationToken);
            var (index, enrollmentId) = await _indexFiles.OpenActiveWithIdAsync(keys, cancellationToken) ?? throw new NoEnrollmentException();
            if (_canaries is null || enrollmentId == canaries.EnrollmentId) return (index, enrollmentId, canaries);
            index.Dispose();
            Log.EnrollmentChangedWhileLoading(_logger, canaries.EnrollmentId, enrollmentId, attempt);
            if (attempt == MaxLoadAttempts)
            {
                throw new LeakWatchException($"The active enrollment changed {MaxLoadAttempts} times while the index was being loaded; scan again once enrollments have stopped.", ExitCodes.BadConfiguration);
            }
        }
    }

    public void Dispose()
    {
        _loaded?.Pipeline.Dispose();
        _loading.Dispose();
        _scanning.Dispose();
    }
}

/// <summary>The index in use: the enrollment and the canaries it was loaded with, and the keyed hashes of content and names.</summary>
internal sealed record LoadedIndex(long EnrollmentId, string CanaryVersion, ExtractAndMatchPipeline Pipeline, CanaryBook Canaries, ContentHashes Hashes);
