using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Alerting;

/// <summary>The outcome of a test alert on one channel.</summary>
internal sealed record ChannelTestResult(string Channel, ChannelKind Kind, bool Ok, string? Error);

/// <summary>
/// Sends a test alert, marked as such and carrying nothing but the word "test", to every configured channel, directly
/// rather than through the outbox: the point is to see now whether each channel works.
/// </summary>
internal sealed class AlertTester(AlertSender sender, IOptions<AlertingOptions> options, TimeProvider time, ILogger<AlertTester> logger)
{
    public async Task<IReadOnlyList<ChannelTestResult>> SendTestAlertsAsync(CancellationToken cancellationToken)
    {
        var results = new List<ChannelTestResult>();
        foreach (var channel in options.Value.Channels)
        {
            var alert = new AlertPayload
            {
                Type = AlertPayload.TestType,
                Test = true,
                IdempotencyKey = IdempotencyKeys.Test(),
                CreatedAt = time.GetUtcNow(),
            };
            var result = await sender.SendAsync(channel, alert, cancellationToken);
            Log.TestAlertSent(logger, channel.Name, result.Ok ? "ok" : result.Error ?? "failed");
            results.Add(new ChannelTestResult(channel.Name, channel.Kind ?? default, result.Ok, result.Error));
        }
        return results;
    }
}
