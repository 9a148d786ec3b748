namespace LeakWatch.Service.Alerting;

/// <summary>A password, signing secret or secret URL. Its <see cref="ToString"/> never shows it.</summary>
internal sealed record Secret(string Value)
{
    public override string ToString() => "Secret(***)";
}

/// <summary>
/// Reads a channel's secrets from where its configuration points: a file (first line, trimmed) or an environment
/// variable. Read at each use, so a rotated secret is picked up without a restart.
/// </summary>
internal static class ChannelSecrets
{
    public static Secret? Password(AlertChannelOptions channel) =>
        Read(null, channel.PasswordFile, channel.PasswordEnvironmentVariable);

    public static Secret? SigningSecret(AlertChannelOptions channel) =>
        Read(null, channel.SecretFile, channel.SecretEnvironmentVariable);

    public static Uri EndpointUrl(AlertChannelOptions channel)
    {
        var url = Read(channel.Url, channel.UrlFile, channel.UrlEnvironmentVariable)
            ?? throw new InvalidOperationException($"The {channel} has no URL (Url, UrlFile or UrlEnvironmentVariable).");
        return new Uri(url.Value, UriKind.Absolute);
    }

    /// <summary>The first source set wins; the options validator makes sure only one is.</summary>
    public static Secret? Read(string? inline, string? file, string? environmentVariable)
    {
        if (!string.IsNullOrWhiteSpace(inline)) return new Secret(inline.Trim());
        if (!string.IsNullOrWhiteSpace(file))
        {
            var text = File.ReadAllText(file);
            var firstLine = text.Split('\n', 2)[0].Trim();
            return firstLine.Length == 0 ? null : new Secret(firstLine);
        }
        if (!string.IsNullOrWhiteSpace(environmentVariable))
        {
            var value = Environment.GetEnvironmentVariable(environmentVariable)?.Trim();
            return string.IsNullOrEmpty(value) ? null : new Secret(value);
        }
        return null;
    }
}
