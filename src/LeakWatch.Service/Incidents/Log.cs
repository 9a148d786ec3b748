using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Incidents;

/// <summary>Incidents' log events: incident ids, source names, counts. Never URLs' content, never patient values.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Incident {IncidentId} created from source {Source}: {Patients} patients; {Alerts} alerts queued, {DigestItems} kept for digests")]
    public static partial void IncidentCreated(ILogger logger, long incidentId, string source, int patients, int alerts, int digestItems);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Incident {IncidentId} grew from source {Source}: {NewPatients} new patients, {Patients} in all; {Alerts} alerts queued, {DigestItems} kept for digests")]
    public static partial void IncidentGrew(ILogger logger, long incidentId, string source, int newPatients, int patients, int alerts, int digestItems);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "A new version of incident {IncidentId} seen from source {Source} adds no patient ({Patients} matched)")]
    public static partial void IncidentNewVersionNoNewPatients(ILogger logger, long incidentId, string source, int patients);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Content of incident {IncidentId} seen again from source {Source}")]
    public static partial void IncidentContentAlreadySeen(ILogger logger, long incidentId, string source);
}
