using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Alerting;

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
