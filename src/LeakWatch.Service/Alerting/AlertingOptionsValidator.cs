using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Checks the channels at start, so a mistake stops the host with a message that names the setting instead of an
/// alert failing on the night of a leak (unknown keys and unreadable values are the binder's, see StrictOptions).
/// Secrets are checked for presence, never printed.
/// </summary>
internal sealed class AlertingOptionsValidator : IValidateOptions<AlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        var errors = new List<string>();
        const string section = AlertingOptions.SectionName;

        if (!Uri.TryCreate(options.ConsoleBaseUrl, UriKind.Absolute, out var console) || (console.Scheme != Uri.UriSchemeHttp && console.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{section}:ConsoleBaseUrl must be an absolute http(s) URL.");
        }
        if (options.MaxRetryDelay < options.FirstRetryDelay)
        {
            errors.Add($"{section}:MaxRetryDelay must not be shorter than {section}:FirstRetryDelay.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Channels.Count; i++)
        {
            var channel = options.Channels[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{section}:Channels:{i}");
            if (string.IsNullOrWhiteSpace(channel.Name))
            {
                errors.Add($"{at}:Name is required.");
            }
            else if (!names.Add(channel.Name))
            {
                errors.Add($"{at}:Name '{channel.Name}' is used by another channel; names must be unique.");
            }
            if (channel.MinPatients < 1) errors.Add($"{at}:MinPatients must be at least 1.");
            if (!Enum.IsDefined(channel.MinConfidence)) errors.Add($"{at}:MinConfidence must be low, medium or high.");
            if (!Enum.IsDefined(channel.Digest)) errors.Add($"{at}:Digest must be none, hourly or daily.");
            foreach (var (setting, route) in new[] { ("Canaries", channel.Canaries), ("EarlyWarnings", channel.EarlyWarnings), ("SuspiciousDumps", channel.SuspiciousDumps) })
            {
                if (route == AlertRoute.Digest && channel.Digest == DigestMode.None)
                {
                    errors.Add($"{at}:{setting} is digest, but the channel has no digest: set its Digest to hourly or daily, or {setting} to immediate or none.");
                }
            }

            switch (channel.Kind)
            {
                case ChannelKind.Email:
                    ValidateEmail(channel, at, errors);
                    break;
                case ChannelKind.Webhook or ChannelKind.Slack or ChannelKind.Teams:
                    ValidateWebhook(channel, at, errors);
                    break;
                default:
                    errors.Add($"{at}:Kind is required: email, webhook, slack or teams.");
                    break;
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateEmail(AlertChannelOptions channel, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(channel.SmtpHost))
        {
            errors.Add($"{at}:SmtpHost is required for an email channel.");
        }
        else if (channel.SmtpSecurity == SmtpSecurity.None && !IsLoopback(channel.SmtpHost))
        {
            errors.Add($"{at}:SmtpSecurity none is only allowed for a loopback SmtpHost; use starttls or sslonconnect.");
        }
        if (channel.SmtpPort is < 1 or > 65535) errors.Add($"{at}:SmtpPort must be between 1 and 65535.");
        if (!Enum.IsDefined(channel.SmtpSecurity)) errors.Add($"{at}:SmtpSecurity must be starttls, sslonconnect or none.");
        if (string.IsNullOrWhiteSpace(channel.From) || !MailboxAddress.TryParse(channel.From, out _))
        {
            errors.Add($"{at}:From must be an email address.");
        }
        if (channel.To.Count == 0) errors.Add($"{at}:To must list at least one address.");
        for (var j = 0; j < channel.To.Count; j++)
        {
            if (!MailboxAddress.TryParse(channel.To[j], out _)) errors.Add($"{at}:To:{j} is not an email address.");
        }

        var passwordSources = CheckSources(at, errors, null, ("PasswordFile", channel.PasswordFile), ("PasswordEnvironmentVariable", channel.PasswordEnvironmentVariable));
        if (!string.IsNullOrWhiteSpace(channel.Username) && passwordSources == 0)
        {
            errors.Add($"{at}:Username is set: give the password with PasswordFile or PasswordEnvironmentVariable.");
        }
        if (string.IsNullOrWhiteSpace(channel.Username) && passwordSources > 0)
        {
            errors.Add($"{at}:Username is required when a password is given.");
        }
    }

    private static void ValidateWebhook(AlertChannelOptions channel, string at, List<string> errors)
    {
        var urlSources = CheckSources(at, errors, ("Url", channel.Url), ("UrlFile", channel.UrlFile), ("UrlEnvironmentVariable", channel.UrlEnvironmentVariable));
        if (urlSources == 0)
        {
            errors.Add($"{at}:Url (or UrlFile, or UrlEnvironmentVariable) is required for a {channel.Kind?.ToString().ToLowerInvariant()} channel.");
        }
        else if (urlSources == 1)
        {
            CheckUrl(channel, at, errors);
        }

        var secretSources = CheckSources(at, errors, null, ("SecretFile", channel.SecretFile), ("SecretEnvironmentVariable", channel.SecretEnvironmentVariable));
        if (channel.Kind == ChannelKind.Webhook && secretSources == 0)
        {
            errors.Add($"{at}:SecretFile or SecretEnvironmentVariable is required: generic webhooks are signed.");
        }
        if (channel.Kind != ChannelKind.Webhook && secretSources > 0)
        {
            errors.Add($"{at}:SecretFile and SecretEnvironmentVariable apply to generic webhooks only; {channel.Kind} does not check signatures.");
        }
    }

    private static void CheckUrl(AlertChannelOptions channel, string at, List<string> errors)
    {
        string? text;
        try
        {
            text = ChannelSecrets.Read(channel.Url, channel.UrlFile, channel.UrlEnvironmentVariable)?.Value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{at}:UrlFile cannot be read ({ex.GetType().Name}).");
            return;
        }
        // The URL may be a secret (Slack, Teams): the messages say what is wrong with it, never what it is.
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{at}:Url must be an absolute https URL.");
        }
        else if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url.Host))
        {
            errors.Add($"{at}:Url must use https (plain http is allowed for loopback receivers only).");
        }
    }

    /// <summary>Counts the sources set, and reports a second one, a missing file or an unset variable.</summary>
    private static int CheckSources(string at, List<string> errors, (string Setting, string? Value)? inline, (string Setting, string? Value) file, (string Setting, string? Value) variable)
    {
        var set = new List<string>();
        if (inline is { } i && !string.IsNullOrWhiteSpace(i.Value)) set.Add(i.Setting);
        if (!string.IsNullOrWhiteSpace(file.Value))
        {
            set.Add(file.Setting);
            if (!File.Exists(file.Value)) errors.Add($"{at}:{file.Setting}: the file '{file.Value}' does not exist.");
        }
        if (!string.IsNullOrWhiteSpace(variable.Value))
        {
            set.Add(variable.Setting);
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable.Value)))
            {
                errors.Add($"{at}:{variable.Setting}: the environment variable '{variable.Value}' is not set.");
            }
        }
        if (set.Count > 1) errors.Add($"{at}: set only one of {string.Join(", ", set)}.");
        return set.Count;
    }

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
