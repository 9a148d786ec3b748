using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// Stands in for <see cref="IIncidentRecorder"/> only while no alerting feature is registered (TryAdd): matches are
/// logged (counts and URL) so that a crawl still says what it found. The alerting feature's recorder replaces it.
/// </summary>
internal sealed class UnrecordedIncidents(ILogger<UnrecordedIncidents> logger) : IIncidentRecorder
{
    public Task RecordAsync(string source, string url, DocumentScanResult result, CancellationToken cancellationToken)
    {
        if (result.Matches.Count > 0) Log.NotRecorded(logger, source, result.Matches.Count, url);
        return Task.CompletedTask;
    }
}
