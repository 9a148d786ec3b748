using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Operations;

/// <summary>Points the <c>leakwatch.alerts.pending</c> gauge at this service's outbox while the service runs.</summary>
internal sealed class PendingAlertsGauge(OutboxBacklog backlog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Observed at scrape time, synchronously: SQLite answers a count from its index at once.
        LeakWatchMetrics.ObservePendingAlerts(() => backlog.CountAsync(CancellationToken.None).GetAwaiter().GetResult().Pending);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
