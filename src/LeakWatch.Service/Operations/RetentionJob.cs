using Microsoft.Extensions.Logging;
using Quartz;

namespace LeakWatch.Service.Operations;

/// <summary>The Quartz job that applies retention on <c>LeakWatch:Operations:Retention:Schedule</c>; one run at a time.</summary>
[DisallowConcurrentExecution]
internal sealed class RetentionJob(RetentionPurger purger, ILogger<RetentionJob> logger) : IJob
{
    public const string Name = "retention-purge";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await purger.PurgeAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The job's edge: nothing is lost by a purge that did not happen; the next run tries again.
            Log.PurgeFailed(logger, e);
        }
    }
}

/// <summary>Until the audit log is merged: the counts go to the service log (event 5001), at Information.</summary>
internal sealed class LoggedRetentionAudit(ILogger<LoggedRetentionAudit> logger) : IRetentionAudit
{
    public Task RecordPurgeAsync(PurgeCounts counts, CancellationToken cancellationToken)
    {
        Log.Purged(logger, counts.Incidents, counts.SeenContent, counts.CrawlPages, counts.CrawlCursors, counts.DeliveredAlerts);
        return Task.CompletedTask;
    }
}
