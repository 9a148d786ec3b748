using LeakWatch.Core.Matching;
using LeakWatch.Service.EarlyWarning;
using LeakWatch.Service.Incidents;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Detection;

/// <summary>What became of one fetched document: its per-leaf results, or why it could not be scanned (no content).</summary>
/// <param name="WatchedTerms">Names of the lab's watched terms the document holds (early warning), even with no patient in it.</param>
/// <param name="TermsTimedOut">Watched patterns that ran out of time on the document: it was not searched whole for them.</param>
internal sealed record IntakeResult(IReadOnlyList<DocumentScanResult> Results, string? Failure, IReadOnlyList<string>? WatchedTerms = null, IReadOnlyList<string>? TermsTimedOut = null)
{
    public int Patients => Results.Sum(r => r.Matches.Count);
}

/// <summary>
/// The one way a crawled document enters detection: the fetched bytes with their declared charset are decoded once,
/// hashed once, scanned (HTML by Core's HTML extractor), and every leaf that holds patients becomes an incident.
/// The crawler calls nothing else of detection or alerting.
/// </summary>
internal sealed class DocumentIntake(IDocumentScanner scanner, IIncidentRecorder recorder, ContentHashing hashing, ILogger<DocumentIntake> logger,
    EarlySignals? early = null, SignalIncidentRecorder? signals = null)
{
    /// <param name="source">The configured source's name.</param>
    /// <param name="documentName">Where the document was found (its URL without session tokens).</param>
    public async Task<IntakeResult> AcceptAsync(string source, string documentName, FetchedDocument document, CancellationToken cancellationToken)
    {
        var hashes = await hashing.GetForRecordingAsync(cancellationToken);
        var names = hashes.Names;
        // A watched term counts whether or not anything else is found, even when the scan fails; it is recorded after
        // the patients so that a fault in the early-warning path can never keep a patient incident from being written.
        var search = early?.SearchTerms(document) ?? TermSearch.None;
        var terms = search.Found;
        async Task RecordEarlyWarningAsync()
        {
            if (signals is not null) await signals.RecordEarlyWarningAsync(source, names.Mask(documentName), document.ContentHash(hashes), document.Body.Length, terms, cancellationToken);
        }
        IReadOnlyList<DocumentScanResult> results;
        try
        {
            results = await scanner.ScanAsync(document, documentName, cancellationToken);
        }
        catch (NoEnrollmentException)
        {
            // Nothing to match against: every document would pass for clean. The run stops and says why.
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A scanner bug or a document it cannot take must not stop the crawl; the type says which, no content.
            Log.Unreadable(logger, names.Mask(documentName), e.GetType().Name);
            await RecordEarlyWarningAsync();
            return new IntakeResult([], $"scan failed ({e.GetType().Name})", terms, search.TimedOut);
        }
        foreach (var result in results)
        {
            // Entry names inside archives are content: the incident (and so the alert) keeps the URL and entry hashes.
            var masked = names.Mask(result.Document);
            if (result.Matches.Count > 0) await recorder.RecordAsync(source, masked, result, cancellationToken);
            if (signals is not null)
            {
                await signals.RecordCanariesAsync(source, masked, result, cancellationToken);
                if (early?.Suspicious(result) is { } dump) await signals.RecordSuspiciousDumpAsync(source, masked, result, dump, cancellationToken);
            }
        }
        await RecordEarlyWarningAsync();
        return new IntakeResult(results, null, terms, search.TimedOut);
    }
}
