using LeakWatch.Service.Crawling.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Crawling;

/// <summary>One scheduled run of one source; never two of the same source at once.</summary>
[DisallowConcurrentExecution]
internal sealed class CrawlJob(SourceCrawler crawler, IOptionsMonitor<SourcesOptions> sources, ILogger<CrawlJob> logger) : IJob
{
    public const string SourceKey = "source";
    public const string Group = "crawl";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var name = context.MergedJobDataMap.GetString(SourceKey);
        var source = name is null ? null : sources.CurrentValue.Find(name);
        if (source is null || !source.Enabled) return;
        try
        {
            await crawler.RunAsync(source, null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The crawler catches everything at its edge; this is the job's own edge.
            Log.RunCrashed(logger, source.Name, e);
        }
    }
}
