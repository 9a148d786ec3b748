using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Operations;

/// <summary>Operations' log events: counts and durations.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Retention purge: {Incidents} incidents, {SeenContent} seen-content hashes, {CrawlPages} crawl pages, {CrawlCursors} crawl cursors, {DeliveredAlerts} delivered alerts removed")]
    public static partial void Purged(ILogger logger, long incidents, long seenContent, long crawlPages, long crawlCursors, long deliveredAlerts);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Retention purge failed; the next run tries again")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Node {Node} joined: {Provider} database {Database}, clustered scheduling {Clustered}")]
    public static partial void NodeStarted(ILogger logger, string node, string provider, string database, bool clustered);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Node {Node} could not record its heartbeat; it tries again at the next one")]
    public static partial void HeartbeatFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Node {Node} removed from the node list: no heartbeat since {LastHeartbeat}, down for longer than {ForgetAfter}")]
    public static partial void NodeForgotten(ILogger logger, string node, string lastHeartbeat, TimeSpan forgetAfter);
}
