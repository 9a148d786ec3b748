using System.Diagnostics.Metrics;
using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Operations;

/// <summary>
/// The one meter, <c>LeakWatch</c>, exported on <c>/metrics</c> (Prometheus). Counts, sizes and durations only: the
/// tags are source and channel names and confidences, never a document name or anything read in a document.
/// Each producing site makes one call here.
/// </summary>
internal static class LeakWatchMetrics
{
    public const string MeterName = "LeakWatch";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Documents = Meter.CreateCounter<long>("leakwatch.documents.scanned", "{document}", "Documents (files, pages, archive entries) scanned");
    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("leakwatch.bytes.scanned", "By", "Bytes scanned, after decompression");
    private static readonly Counter<long> Records = Meter.CreateCounter<long>("leakwatch.records.read", "{record}", "Candidate records read in scanned documents");
    private static readonly Counter<long> MatchCount = Meter.CreateCounter<long>("leakwatch.matches", "{patient}", "Patients of the base found in a document, by confidence");
    private static readonly Histogram<double> ScanSeconds = Meter.CreateHistogram<double>("leakwatch.scan.duration", "s", "Time to scan one document");
    private static readonly Counter<long> IncidentCount = Meter.CreateCounter<long>("leakwatch.incidents", "{incident}", "Incidents opened (created) or grown");
    private static readonly Counter<long> AlertsSent = Meter.CreateCounter<long>("leakwatch.alerts.sent", "{alert}", "Alerts a channel accepted");
    private static readonly Counter<long> AlertsFailed = Meter.CreateCounter<long>("leakwatch.alerts.failed", "{attempt}", "Alert deliveries that failed (retried later)");
    private static readonly Counter<long> SourceFailureCount = Meter.CreateCounter<long>("leakwatch.source.failures", "{run}", "Crawl runs that failed");
    private static readonly Histogram<double> CrawlSeconds = Meter.CreateHistogram<double>("leakwatch.crawl.duration", "s", "Time of one crawl run of one source");
    private static Func<long>? _pendingAlerts;

    static LeakWatchMetrics() =>
        Meter.CreateObservableGauge("leakwatch.alerts.pending", () => _pendingAlerts?.Invoke() ?? 0, "{alert}", "Alerts waiting in the outbox");

    /// <summary>Where the pending-alerts gauge reads from (the running service's outbox).</summary>
    public static void ObservePendingAlerts(Func<long> read) => _pendingAlerts = read;

    public static void DocumentScanned(DocumentScanResult result, TimeSpan elapsed)
    {
        Documents.Add(1);
        Bytes.Add(result.Bytes);
        Records.Add(result.Records);
        ScanSeconds.Record(elapsed.TotalSeconds);
        foreach (var group in result.Matches.GroupBy(m => m.Confidence))
        {
            MatchCount.Add(group.Count(), new KeyValuePair<string, object?>("confidence", group.Key.ToString().ToLowerInvariant()));
        }
    }

    public static void IncidentRecorded(string source, bool created) =>
        IncidentCount.Add(1, new("source", source), new("change", created ? "created" : "grown"));

    public static void AlertDelivered(string channel, bool ok) =>
        (ok ? AlertsSent : AlertsFailed).Add(1, new KeyValuePair<string, object?>("channel", channel));

    public static void CrawlFinished(string source, TimeSpan duration, bool succeeded)
    {
        CrawlSeconds.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("source", source));
        if (!succeeded) SourceFailureCount.Add(1, new KeyValuePair<string, object?>("source", source));
    }
}
