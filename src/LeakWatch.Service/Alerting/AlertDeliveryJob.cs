using Microsoft.Extensions.Logging;
using Quartz;

namespace LeakWatch.Service.Alerting;

/// <summary>The Quartz job that runs the dispatcher every <c>DeliveryInterval</c>; one run at a time.</summary>
[DisallowConcurrentExecution]
internal sealed class AlertDeliveryJob(AlertDispatcher dispatcher, ILogger<AlertDeliveryJob> logger) : IJob
{
    public const string Name = "alert-delivery";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await dispatcher.RunOnceAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The job's edge: the outbox keeps everything, and the next run tries again.
            Log.DeliveryRunFailed(logger, ex);
        }
    }
}
