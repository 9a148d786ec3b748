using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Alerting;

/// <summary>Alerting's log events: incident ids, channel names, counts. Never URLs of secret endpoints, never content.</summary>
internal static partial class Log
{
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

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "Alert {IdempotencyKey} to channel {Channel}: this node's claim ran out and another node holds it now; its failure ({Error}) is not recorded here")]
    public static partial void AlertClaimLost(ILogger logger, string idempotencyKey, string channel, string error);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Test alert to channel {Channel}: {Result}")]
    public static partial void TestAlertSent(ILogger logger, string channel, string result);
}
