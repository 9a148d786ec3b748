using System.ComponentModel.DataAnnotations;

namespace LeakWatch.Service.Operations;

/// <summary>Schedule persistence, readiness thresholds and retention. Section <c>LeakWatch:Operations</c>.</summary>
internal sealed class OperationsOptions
{
    public const string SectionName = "LeakWatch:Operations";

    /// <summary>
    /// A scheduled run later than this is a misfire: it fires once at start (not once per missed slot). A run late by
    /// less than this simply fires late.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "LeakWatch:Operations:MisfireThreshold must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>/readyz is unhealthy when an enabled source has failed this many runs in a row.</summary>
    [Range(1, 1000, ErrorMessage = "LeakWatch:Operations:SourceFailureThreshold must be between 1 and 1000.")]
    public int SourceFailureThreshold { get; set; } = 3;

    /// <summary>/readyz is unhealthy when more alerts than this wait in the outbox.</summary>
    [Range(1, 1_000_000, ErrorMessage = "LeakWatch:Operations:OutboxBacklogThreshold must be between 1 and 1000000.")]
    public int OutboxBacklogThreshold { get; set; } = 50;

    /// <summary>/readyz warns (degraded) when the active enrollment is older than this: the export should be refreshed.</summary>
    public TimeSpan EnrollmentMaxAge { get; set; } = TimeSpan.FromDays(45);

    public RetentionOptions Retention { get; set; } = new();
}

/// <summary>How long what LeakWatch records is kept. <c>LeakWatch:Operations:Retention</c>.</summary>
internal sealed class RetentionOptions
{
    /// <summary>Quartz cron of the purge job (default 03:30 every day).</summary>
    public string Schedule { get; set; } = "0 30 3 * * ?";

    /// <summary>Incidents whose last sighting is older, with their documents and patient references (and their delivered alerts).</summary>
    public TimeSpan Incidents { get; set; } = TimeSpan.FromDays(3 * 365);

    /// <summary>Seen-content hashes (a document seen earlier is scanned again once its hash is forgotten).</summary>
    public TimeSpan SeenContent { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Per-page crawl state (validators, content hashes) not refreshed since.</summary>
    public TimeSpan CrawlState { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Delivered alerts in the outbox. Undelivered ones are never purged.</summary>
    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(90);
}
