using System.ComponentModel.DataAnnotations;

namespace LeakWatch.Service.Alerting;

/// <summary>Where alerts go and how insistently. Section <c>LeakWatch:Alerting</c>.</summary>
internal sealed class AlertingOptions
{
    public const string SectionName = "LeakWatch:Alerting";

    /// <summary>The review console, for the link to each incident (<c>{ConsoleBaseUrl}/incidents/{id}</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    public string ConsoleBaseUrl { get; set; } = "http://127.0.0.1:5080";

    public List<AlertChannelOptions> Channels { get; set; } = [];

    /// <summary>How often the delivery job looks at the outbox.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DeliveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait after the first failed attempt; it doubles with each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time allowed for one webhook request or one SMTP conversation.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
