using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// The crawler's pipeline, one instance per host (authority): total timeout, retries with exponential backoff and jitter
/// honouring Retry-After, a circuit breaker, and a timeout per attempt. Time comes from the injected TimeProvider.
/// </summary>
internal static class CrawlerResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var o = context.ServiceProvider.GetRequiredService<IOptions<CrawlerOptions>>().Value;
        builder.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = o.TotalTimeout });
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, o.MaxRetries),
            Delay = o.RetryDelay,
            MaxDelay = TimeSpan.FromMinutes(5),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(o.MaxRetries > 0 && !IsForbidden(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
        });
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = o.CircuitFailureRatio,
            MinimumThroughput = 8,
            SamplingDuration = TimeSpan.FromSeconds(60),
            BreakDuration = o.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(!IsForbidden(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = o.AttemptTimeout });
    }

    /// <summary>The pipeline of a request: its source and its host's authority.</summary>
    public static string PipelineKey(HttpRequestMessage request) =>
        (request.Options.TryGetValue(CrawlRequestOptions.Source, out var source) ? source : "") + "|" + request.RequestUri!.Authority;

    private static bool IsForbidden(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is ForbiddenAddressException) return true;
        }
        return false;
    }
}
