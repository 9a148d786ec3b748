using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Checks the channels at start, so a typo stops the host with a message that names the setting instead of an
/// alert failing on the night of a leak. Secrets are checked for presence, never printed.
/// </summary>
internal sealed class AlertingOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<AlertingOptions>
{
    private static readonly Dictionary<string, Type> RootSettings = SettingTypes(typeof(AlertingOptions));
    private static readonly Dictionary<string, Type> ChannelSettings = SettingTypes(typeof(AlertChannelOptions));

    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        var errors = new List<string>();
        const string section = AlertingOptions.SectionName;
        if (configuration is not null) CheckUnknownSettings(configuration.GetSection(section), errors);

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

    /// <summary>
    /// A key the options do not have is an error, not something to ignore: a <c>Password</c> or <c>Secret</c> written into
    /// appsettings.json must be refused, and a misspelt <c>MinPatient</c> must not silently mean the default.
    /// </summary>
    private static void CheckUnknownSettings(IConfigurationSection alerting, List<string> errors)
    {
        foreach (var setting in alerting.GetChildren())
        {
            if (!RootSettings.TryGetValue(setting.Key, out var type)) errors.Add($"{setting.Path} is not a setting of {AlertingOptions.SectionName}.");
            else CheckValue(setting, type, errors);
        }
        foreach (var channel in alerting.GetSection(nameof(AlertingOptions.Channels)).GetChildren())
        {
            foreach (var setting in channel.GetChildren())
            {
                if (ChannelSettings.TryGetValue(setting.Key, out var type))
                {
                    CheckValue(setting, type, errors);
                    continue;
                }
                var secret = setting.Key.Contains("password", StringComparison.OrdinalIgnoreCase)
                    || setting.Key.Contains("secret", StringComparison.OrdinalIgnoreCase)
                    || setting.Key.Contains("token", StringComparison.OrdinalIgnoreCase);
                errors.Add(secret
                    ? $"{setting.Path} is not a setting: secrets are never written in the configuration; name a file or an environment variable (PasswordFile, PasswordEnvironmentVariable, SecretFile, SecretEnvironmentVariable)."
                    : $"{setting.Path} is not a setting of an alert channel.");
            }
        }
    }

    /// <summary>
    /// The binder leaves a value it cannot convert at its default without a word (<c>Kind: pager</c> would read as no
    /// kind, <c>MinPatients: five</c> as 1): say so. Only enums, numbers and durations are checked, never strings, so a
    /// secret is never echoed.
    /// </summary>
    private static void CheckValue(IConfigurationSection setting, Type type, List<string> errors)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (setting.Value is not { Length: > 0 } value || target == typeof(string) || !(target.IsEnum || target.IsPrimitive || target == typeof(TimeSpan))) return;
        var valid = target.IsEnum
            ? Enum.TryParse(target, value, ignoreCase: true, out var parsed) && Enum.IsDefined(target, parsed!) && !int.TryParse(value, out _)
            : TryConvert(target, value);
        if (valid) return;
        errors.Add(target.IsEnum
            ? $"{setting.Path}: '{value}' is not one of {string.Join(", ", Enum.GetNames(target).Select(n => n.ToLowerInvariant()))}."
            : $"{setting.Path}: '{value}' is not a valid {(target == typeof(TimeSpan) ? "duration (hh:mm:ss)" : "number")}.");
    }

    private static bool TryConvert(Type target, string value)
    {
        try
        {
            _ = System.ComponentModel.TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException || ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, Type> SettingTypes(Type type) =>
        type.GetProperties().Where(p => p.CanWrite).ToDictionary(p => p.Name, p => p.PropertyType, StringComparer.OrdinalIgnoreCase);

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
