using System.Globalization;
using LeakWatch.Service.Audit;
using Microsoft.Extensions.Logging;
using Quartz;

namespace LeakWatch.Service.Operations;

/// <summary>The Quartz job that applies retention on <c>LeakWatch:Operations:Retention:Schedule</c>; one run at a time.</summary>
[DisallowConcurrentExecution]
internal sealed class RetentionJob(RetentionPurger purger, RetentionHealth health, ILogger<RetentionJob> logger) : IJob
{
    public const string Name = "retention-purge";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var counts = await purger.PurgeAsync(cancellationToken);
            Log.Purged(logger, counts.Incidents, counts.SeenContent, counts.CrawlPages, counts.CrawlCursors, counts.DeliveredAlerts);
            health.Succeeded();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The job's edge: nothing is lost by a purge that did not happen, and the next run tries again; /readyz says so meanwhile.
            health.Failed(e.GetType().Name);
            Log.PurgeFailed(logger, e);
        }
    }
}

/// <summary>
/// A purge's counts as one entry of the console's audit log (actor <c>system</c>, action <c>retention-purged</c>), written
/// in the purge's transaction: the purge and its entry are committed together. The job also logs them (event 5001).
/// </summary>
internal sealed class AuditedRetention(AuditLog audit) : IRetentionAudit
{
    public const string Actor = "system";
    public const string Target = "retention";

    public async Task<RetentionRecord> PrepareAsync(CancellationToken cancellationToken)
    {
        var key = await audit.KeyAsync(cancellationToken);
        return async (connection, transaction, counts, ct) =>
        {
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"incidents {counts.Incidents}, seen-content hashes {counts.SeenContent}, crawl pages {counts.CrawlPages}, crawl cursors {counts.CrawlCursors}, delivered alerts {counts.DeliveredAlerts}");
            await audit.AppendAsync(connection, transaction, new AuditEvent(Actor, AuditActions.RetentionPurged, Target, detail), key, ct);
        };
    }
}
