using System.ComponentModel.DataAnnotations;
using LeakWatch.Core.Matching;

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

internal enum ChannelKind
{
    Email = 1,
    Webhook,
    Slack,
    Teams,
}

/// <summary>Where a channel sends incidents of one kind: at once, into its digest, or not at all.</summary>
internal enum AlertRoute
{
    None = 0,
    Immediate,
    Digest,
}

internal enum DigestMode
{
    None = 0,
    Hourly,
    Daily,
}

/// <summary>How the SMTP connection is protected. <see cref="None"/> is accepted for loopback servers only.</summary>
internal enum SmtpSecurity
{
    StartTls = 1,
    SslOnConnect,
    None,
}

/// <summary>
/// One destination. Secrets (SMTP password, webhook signing secret, Slack/Teams URLs, which are secrets themselves) come
/// from a file or an environment variable named here, never from appsettings.json itself.
/// </summary>
internal sealed class AlertChannelOptions
{
    /// <summary>Stable name: part of the idempotency key, and how logs and <c>alerts test</c> name the channel.</summary>
    public string Name { get; set; } = "";

    public ChannelKind? Kind { get; set; }

    /// <summary>Only incidents with at least <see cref="MinPatients"/> patients of this confidence or better alert at once.</summary>
    public Confidence MinConfidence { get; set; } = Confidence.Low;

    public int MinPatients { get; set; } = 1;

    /// <summary>What happens to incidents below the threshold: nothing, or one summary per hour or per day (UTC).</summary>
    public DigestMode Digest { get; set; } = DigestMode.None;

    /// <summary>Canary incidents (a system of the lab leaked; highest confidence): immediate unless set to digest or none.</summary>
    public AlertRoute? Canaries { get; set; }

    /// <summary>Early warnings (a watched term in a crawled page; lower severity): immediate unless set to digest or none.</summary>
    public AlertRoute? EarlyWarnings { get; set; }

    /// <summary>Suspicious dumps (informational): into the channel's digest when it has one, else none, unless set.</summary>
    public AlertRoute? SuspiciousDumps { get; set; }

    /// <summary>The route of incidents of a kind other than patients (whose threshold is <see cref="MinConfidence"/> and <see cref="MinPatients"/>).</summary>
    public AlertRoute RouteOf(Incidents.IncidentKind kind) => kind switch
    {
        Incidents.IncidentKind.Canary => Canaries ?? AlertRoute.Immediate,
        Incidents.IncidentKind.EarlyWarning => EarlyWarnings ?? AlertRoute.Immediate,
        Incidents.IncidentKind.SuspiciousDump => SuspiciousDumps ?? (Digest == DigestMode.None ? AlertRoute.None : AlertRoute.Digest),
        _ => AlertRoute.Immediate,
    };

    // Email
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.StartTls;
    public string? Username { get; set; }
    public string? PasswordFile { get; set; }
    public string? PasswordEnvironmentVariable { get; set; }
    public string? From { get; set; }
    public List<string> To { get; set; } = [];

    // Webhook, Slack, Teams
    /// <summary>The endpoint. For Slack and Teams the URL is itself a secret: prefer <see cref="UrlFile"/> or <see cref="UrlEnvironmentVariable"/>.</summary>
    public string? Url { get; set; }
    public string? UrlFile { get; set; }
    public string? UrlEnvironmentVariable { get; set; }

    /// <summary>The HMAC-SHA256 signing secret of a generic webhook.</summary>
    public string? SecretFile { get; set; }
    public string? SecretEnvironmentVariable { get; set; }

    public override string ToString() => $"{Kind} channel '{Name}'";
}
