using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Operations;

/// <summary>Operations' log events: counts and durations.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Retention purge: {Incidents} incidents, {SeenContent} seen-content hashes, {CrawlPages} crawl pages, {CrawlCursors} crawl cursors, {DeliveredAlerts} delivered alerts removed")]
    public static partial void Purged(ILogger logger, long incidents, long seenContent, long crawlPages, long crawlCursors, long deliveredAlerts);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Retention purge failed; the next run tries again")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
