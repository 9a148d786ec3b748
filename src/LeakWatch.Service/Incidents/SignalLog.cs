using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Incidents;

/// <summary>The log lines of canary, early-warning and suspicious-dump incidents: kinds, ids, sources, counts.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Incident {IncidentId} ({Kind}) recorded from source {Source}; {Alerts} alerts queued")]
    public static partial void SignalRecorded(ILogger logger, string kind, long incidentId, string source, int alerts);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Debug, Message = "Incident {IncidentId} ({Kind}) seen again from source {Source}: nothing new")]
    public static partial void SignalSeenAgain(ILogger logger, string kind, long incidentId, string source);
}
