using LeakWatch.Service.Crawling.Sources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// At start, one Quartz job per enabled source with its cron trigger. A run missed while the service was down fires
/// once at start (not once per missed slot).
/// </summary>
internal sealed class CrawlScheduleRegistrar(ISchedulerFactory schedulers, IOptions<SourcesOptions> sources, TimeProvider time, ILogger<CrawlScheduleRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var enabled = sources.Value.Sources.Where(s => s.Enabled).ToList();
        if (enabled.Count == 0) return;
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var source in enabled)
        {
            var job = JobBuilder.Create<CrawlJob>()
                .WithIdentity(source.Name, CrawlJob.Group)
                .UsingJobData(CrawlJob.SourceKey, source.Name)
                .Build();
            var trigger = TriggerBuilder.Create(time)
                .WithIdentity(source.Name, CrawlJob.Group)
                .WithCronSchedule(source.Schedule, b => b.WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await scheduler.ScheduleJob(job, trigger, cancellationToken: cancellationToken);
            Log.Scheduled(logger, source.Name, source.Schedule);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
