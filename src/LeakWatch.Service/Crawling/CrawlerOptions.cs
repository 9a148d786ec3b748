using System.ComponentModel.DataAnnotations;

namespace LeakWatch.Service.Crawling;

/// <summary>How the crawler talks to the world, for every source. Section <c>LeakWatch:Crawler</c>.</summary>
internal sealed class CrawlerOptions
{
    public const string SectionName = "LeakWatch:Crawler";

    [Required(AllowEmptyStrings = false)]
    public string UserAgent { get; set; } = "LeakWatch/1.0 (+leak monitoring for a medical laboratory)";

    /// <summary>A body is read up to this many bytes (after decompression), then cut with a reason.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 256L * 1024 * 1024;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles with jitter. Retry-After, when sent, wins.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One attempt, until the headers arrive.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>All attempts of one request, backoff included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Reading one body once the headers are in.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a host's robots.txt is trusted.</summary>
    public TimeSpan RobotsCacheDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long a linked URL refused for good (robots.txt, the address guard, 401/403/404/410, a "no permission" or
    /// challenge page) is left alone. Past it the URL is asked again: by the adapter if it meets the link again, else at
    /// the end of the source's next run. A site that opened up, or a page that came back, is read then.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "LeakWatch:Crawler:RefusalExpiry must be between 01:00:00 and 365.00:00:00.")]
    public TimeSpan RefusalExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A host's circuit opens when this share of its answers fail (within 60 s, at least 8 requests).</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromMinutes(2);
}
