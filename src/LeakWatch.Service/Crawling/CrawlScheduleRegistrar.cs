using LeakWatch.Service.Crawling.Sources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// At start, one Quartz job per enabled source with its cron trigger. The schedule is persistent (Operations): a trigger
/// whose cron is unchanged is kept, so a run missed while the service was down fires once at start (misfire), not once
/// per missed slot; jobs of sources no longer enabled are removed. On PostgreSQL the store is clustered: the job, keyed
/// by source and [DisallowConcurrentExecution], never runs on two nodes at once.
/// </summary>
internal sealed class CrawlScheduleRegistrar(ISchedulerFactory schedulers, IOptions<SourcesOptions> sources, TimeProvider time, ILogger<CrawlScheduleRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var enabled = sources.Value.Sources.Where(s => s.Enabled).ToList();
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var stale in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(CrawlJob.Group), cancellationToken))
        {
            if (!enabled.Any(s => s.Name == stale.Name)) await scheduler.DeleteJob(stale, cancellationToken);
        }
        foreach (var source in enabled)
        {
            var existing = await scheduler.GetTrigger(new TriggerKey(source.Name, CrawlJob.Group), cancellationToken);
            if (existing is ICronTrigger kept && kept.CronExpressionString == source.Schedule) continue;
            var job = JobBuilder.Create<CrawlJob>()
                .WithIdentity(source.Name, CrawlJob.Group)
                .UsingJobData(CrawlJob.SourceKey, source.Name)
                // In a cluster, a crawl cut short by its node's death is run again by another node (Quartz's recovery).
                .RequestRecovery()
                .Build();
            var trigger = TriggerBuilder.Create(time)
                .WithIdentity(source.Name, CrawlJob.Group)
                .WithCronSchedule(source.Schedule, b => b.WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
            Log.Scheduled(logger, source.Name, source.Schedule);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
