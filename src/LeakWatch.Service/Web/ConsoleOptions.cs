using System.ComponentModel.DataAnnotations;

namespace LeakWatch.Service.Web;

/// <summary>The review console and the web listener it shares with health and metrics. Section <c>LeakWatch:Console</c>.</summary>
internal sealed class ConsoleOptions
{
    public const string SectionName = "LeakWatch:Console";

    /// <summary>The console's pages. Health and metrics keep the listener running when it is off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the listener binds, separated by ';'. Loopback by default: put a reverse proxy in front to publish it.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "LeakWatch:Console:Urls must name at least one URL (default http://127.0.0.1:5080).")]
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>A PFX (PKCS#12) or PEM certificate: with one, https URLs are served and HSTS is sent.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key beside a PEM <see cref="CertificateFile"/>.</summary>
    public string? CertificateKeyFile { get; set; }

    /// <summary>A file whose first line is the PFX's password (never the password itself in the configuration).</summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>
    /// Reverse proxies in front of the listener (addresses or CIDR networks of proxies only): their <c>X-Forwarded-For</c>
    /// gives the client address that the sign-in rate limit and the audit log use, their <c>X-Forwarded-Proto</c> whether
    /// the browser used HTTPS (Secure cookies, HSTS). None by default: both headers are ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>How many <c>X-Forwarded-For</c> entries are read back from the right: 1 (one proxy); 2 to 5 for a chain of proxies, each listed.</summary>
    [Range(1, 5, ErrorMessage = "LeakWatch:Console:ForwardedHops must be between 1 and 5 (1: one reverse proxy in front).")]
    public int ForwardedHops { get; set; } = 1;

    /// <summary>A session unused this long ends.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in, however busy.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    [Range(1, 100, ErrorMessage = "LeakWatch:Console:MaxFailedSignIns must be between 1 and 100.")]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long an account stays locked after <see cref="MaxFailedSignIns"/> failures in a row (an admin's reset unlocks it).</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in forms (password or second-factor code) one client address may post per <see cref="SignInWindow"/>; more are answered 429.</summary>
    [Range(1, 10000, ErrorMessage = "LeakWatch:Console:SignInAttempts must be between 1 and 10000.")]
    public int SignInAttempts { get; set; } = 10;

    /// <summary>The window of <see cref="SignInAttempts"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "LeakWatch:Console:SignInWindow must be between 00:00:01 and 01:00:00.")]
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Shown in the notification report: the lab's name and the DPO's contact (name, e-mail, phone).</summary>
    public string? Organisation { get; set; }

    public string? DpoContact { get; set; }

    public IReadOnlyList<Uri> ParsedUrls() =>
        [.. Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u, UriKind.Absolute))];
}
