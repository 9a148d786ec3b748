using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Alerting;

/// <summary>Alerting's log events: incident ids, source and channel names, counts. Never URLs of secret endpoints, never content.</summary>
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

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Alert {IdempotencyKey} delivered to channel {Channel} (attempt {Attempt})")]
    public static partial void AlertDelivered(ILogger logger, string idempotencyKey, string channel, int attempt);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Alert {IdempotencyKey} to channel {Channel} failed (attempt {Attempt}): {Error}; next attempt at {NextAttempt:u}")]
    public static partial void AlertDeliveryFailed(ILogger logger, string idempotencyKey, string channel, int attempt, string error, DateTimeOffset nextAttempt);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Alert {IdempotencyKey} waits for channel {Channel}, which is no longer configured")]
    public static partial void AlertChannelMissing(ILogger logger, string idempotencyKey, string channel);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Digest {IdempotencyKey} queued for channel {Channel}: {Incidents} incidents")]
    public static partial void DigestQueued(ILogger logger, string idempotencyKey, string channel, int incidents);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Error, Message = "Alert delivery run failed")]
    public static partial void DeliveryRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Test alert to channel {Channel}: {Result}")]
    public static partial void TestAlertSent(ILogger logger, string channel, string result);
}
