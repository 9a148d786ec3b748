using LeakWatch.Service.Configuration;
using LeakWatch.Service.Crawling.Adapters;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Crawling;

internal static class CrawlingRegistration
{
    /// <summary>
    /// Sources (<c>LeakWatch:Sources</c>, checked at start), the crawler's HttpClient (per-host resilience pipeline,
    /// per-host gate, guarded sockets), crawl state and health, and one Quartz job per enabled source. The scheduler is
    /// started by the Quartz hosted service, which only <c>leakwatch run</c> adds.
    /// </summary>
    public static IServiceCollection AddCrawling(this IServiceCollection services)
    {
        services.AddStrictOptions<SourcesOptions>(SourcesOptions.SectionName);
        services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesValidator>();
        services.AddStrictOptions<CrawlerOptions>(CrawlerOptions.SectionName).ValidateDataAnnotations();

        services.AddMetrics();
        services.AddSingleton<CrawlerConnections>();
        services.AddSingleton<HostGate>();
        services.AddSingleton<RobotsCache>();
        services.AddSingleton<Fetcher>();
        services.AddTransient<HostGateHandler>();
        var client = services.AddHttpClient(Fetcher.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new ProfileRoutingHandler(sp.GetRequiredService<CrawlerConnections>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // One log line per request and per attempt would drown the crawl's own log, which says what matters.
            .RemoveAllLoggers();
        // One pipeline (and so one circuit breaker) per source and host: a source's failures never silence another source.
        client.AddResilienceHandler("crawler", CrawlerResilience.Configure).SelectPipelineBy(_ => CrawlerResilience.PipelineKey);
        // Added after the resilience handler, so inside it: every attempt, retries included, waits for its host.
        client.AddHttpMessageHandler<HostGateHandler>();

        services.AddSingleton<CrawlStateStore>();
        services.AddSingleton<SourceHealthStore>();
        services.AddSingleton<ISourceAdapter, ForumAdapter>();
        services.AddSingleton<ISourceAdapter, DiscourseAdapter>();
        services.AddSingleton<ISourceAdapter, PasteArchiveAdapter>();
        services.AddSingleton<ISourceAdapter, GistsAdapter>();
        services.AddSingleton<ISourceAdapter, TelegramAdapter>();
        services.AddSingleton<ISourceAdapter, FeedAdapter>();
        services.AddSingleton<ISourceAdapter, UrlListAdapter>();
        services.AddSingleton<SourceCrawler>();

        services.AddQuartz();
        services.AddTransient<CrawlJob>();
        services.AddHostedService<CrawlScheduleRegistrar>();
        return services;
    }
}
