using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Alerting;

/// <summary>What one delivery run did.</summary>
internal sealed record DeliveryRun(int DigestsQueued, int Delivered, int Failed);

/// <summary>
/// Delivers what the outbox holds: at least once (an alert is marked delivered only after its channel accepted it),
/// with exponential backoff after a failure, the schedule kept in the database so that it survives restarts.
/// A channel that fails is left alone for the rest of the run, so an outage costs one attempt per run, not one per alert.
/// </summary>
internal sealed class AlertDispatcher(
    AlertOutbox outbox,
    AlertDigests digests,
    AlertSender sender,
    IOptions<AlertingOptions> options,
    TimeProvider time,
    ILogger<AlertDispatcher> logger) : IDisposable
{
    /// <summary>Alerts looked at per run; the rest wait for the next run.</summary>
    public const int BatchSize = 100;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<DeliveryRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var settings = options.Value;
            var digestsQueued = await digests.QueueDueAsync(time.GetUtcNow(), cancellationToken);
            var due = await outbox.DueAsync(time.GetUtcNow(), BatchSize, cancellationToken);
            var failing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var (delivered, failed) = (0, 0);
            foreach (var alert in due)
            {
                if (failing.Contains(alert.Channel))
                {
                    await outbox.ReleaseAsync(alert.Id, cancellationToken);
                    continue;
                }
                var attempt = (int)alert.Attempts + 1;
                var channel = settings.Channels.FirstOrDefault(c => string.Equals(c.Name, alert.Channel, StringComparison.OrdinalIgnoreCase));
                if (channel is null)
                {
                    // Kept, not dropped: the channel may come back under the same name.
                    Log.AlertChannelMissing(logger, alert.IdempotencyKey, alert.Channel);
                    if (await MarkFailedAsync(alert, time.GetUtcNow() + settings.MaxRetryDelay, "Channel not configured", cancellationToken)) failed++;
                    continue;
                }

                if (!TryRead(alert.Payload, out var payload))
                {
                    // One damaged row must not stop the others: it waits, loudly, for someone to look.
                    if (!await MarkFailedAsync(alert, time.GetUtcNow() + settings.MaxRetryDelay, "Unreadable payload", cancellationToken)) continue;
                    Log.AlertDeliveryFailed(logger, alert.IdempotencyKey, channel.Name, attempt, "Unreadable payload", time.GetUtcNow() + settings.MaxRetryDelay);
                    failed++;
                    continue;
                }

                // The lease was taken for the whole batch; a slow batch could outlive it and let another node take the
                // rest. Each alert renews its own lease just before it is sent, and is skipped if another node has it.
                if (!await outbox.RenewAsync(alert.Id, time.GetUtcNow(), cancellationToken)) continue;
                var result = await sender.SendAsync(channel, payload, cancellationToken);
                if (result.Ok)
                {
                    await outbox.MarkDeliveredAsync(alert.Id, time.GetUtcNow(), cancellationToken);
                    Log.AlertDelivered(logger, alert.IdempotencyKey, channel.Name, attempt);
                    Operations.LeakWatchMetrics.AlertDelivered(channel.Name, ok: true);
                    delivered++;
                }
                else
                {
                    var next = time.GetUtcNow() + RetryDelay(settings, attempt);
                    Operations.LeakWatchMetrics.AlertDelivered(channel.Name, ok: false);
                    failing.Add(alert.Channel);
                    if (!await MarkFailedAsync(alert, next, result.Error ?? "Failed", cancellationToken)) continue;
                    Log.AlertDeliveryFailed(logger, alert.IdempotencyKey, channel.Name, attempt, result.Error ?? "Failed", next);
                    failed++;
                }
            }
            return new DeliveryRun(digestsQueued, delivered, failed);
        }
        finally
        {
            _gate.Release();
        }
    }

    // A send can outlast the lease renewed just before it: the failure is then the new holder's business, not ours.
    private async Task<bool> MarkFailedAsync(PendingAlert alert, DateTimeOffset next, string error, CancellationToken cancellationToken)
    {
        if (await outbox.MarkFailedAsync(alert.Id, next, error, cancellationToken)) return true;
        Log.AlertClaimLost(logger, alert.IdempotencyKey, alert.Channel, error);
        return false;
    }

    private static bool TryRead(string json, [NotNullWhen(true)] out AlertPayload? payload)
    {
        try
        {
            payload = AlertPayload.FromJson(json);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            payload = null;
            return false;
        }
    }

    /// <summary>FirstRetryDelay after the first failure, doubling after each further one, capped at MaxRetryDelay.</summary>
    public static TimeSpan RetryDelay(AlertingOptions settings, int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = Math.Min((double)settings.FirstRetryDelay.Ticks * Math.Pow(2, exponent), settings.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    public void Dispose() => _gate.Dispose();
}
