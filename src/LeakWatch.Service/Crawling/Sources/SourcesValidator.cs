using System.Globalization;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Crawling.Sources;

/// <summary>
/// Checks <c>LeakWatch:Sources</c> at start. Each message names the setting, e.g.
/// <c>LeakWatch:Sources:2:Schedule</c>, so that a bad configuration stops the host with a message one can act on.
/// </summary>
internal sealed class SourcesValidator : IValidateOptions<SourcesOptions>
{
    private static readonly string[] ProxySchemes = ["http", "https", "socks4", "socks4a", "socks5"];

    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            Check(options.Sources[i], $"LeakWatch:Sources:{i.ToString(CultureInfo.InvariantCulture)}", names, errors);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(SourceOptions s, string at, HashSet<string> names, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 100 || s.Name.Any(c => char.IsControl(c)))
        {
            errors.Add($"{at}:Name must be a non-empty name of at most 100 characters.");
        }
        else if (!names.Add(s.Name))
        {
            errors.Add($"{at}:Name '{s.Name}' is used by another source; names must be unique.");
        }
        if (!SourceKinds.All.Contains(s.Kind, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{at}:Kind '{s.Kind}' is not one of {string.Join(", ", SourceKinds.All)}.");
        }
        try
        {
            _ = new CronExpression(s.Schedule);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            errors.Add($"{at}:Schedule '{s.Schedule}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week): {e.Message}");
        }

        var needsUrl = !string.Equals(s.Kind, SourceKinds.Gists, StringComparison.OrdinalIgnoreCase);
        if (needsUrl && s.Urls.Count == 0) errors.Add($"{at}:Urls must list at least one start URL.");
        for (var u = 0; u < s.Urls.Count; u++)
        {
            if (!IsHttpUrl(s.Urls[u])) errors.Add($"{at}:Urls:{u.ToString(CultureInfo.InvariantCulture)} '{s.Urls[u]}' is not an absolute http or https URL.");
        }
        if (s.ApiBaseUrl is { Length: > 0 } api && !IsHttpUrl(api)) errors.Add($"{at}:ApiBaseUrl '{api}' is not an absolute http or https URL.");

        if (string.Equals(s.Kind, SourceKinds.Forum, StringComparison.OrdinalIgnoreCase))
        {
            if (s.Preset is { Length: > 0 } preset && !ForumPresets.All.ContainsKey(preset))
            {
                errors.Add($"{at}:Preset '{preset}' is not a known preset ({string.Join(", ", ForumPresets.All.Keys)}).");
            }
            else if (ForumPresets.Resolve(s) is null)
            {
                errors.Add($"{at}:Preset is missing: a forum needs a Preset, or Selectors:ThreadLinks and Selectors:Posts.");
            }
        }
        CheckSelectors(s.Selectors, at, errors);

        if (s.MaxPages < 1) errors.Add($"{at}:MaxPages must be at least 1.");
        if (s.MaxThreads < 0) errors.Add($"{at}:MaxThreads must be 0 or more.");
        if (s.MaxThreadPages < 1) errors.Add($"{at}:MaxThreadPages must be at least 1.");
        if (s.MaxPostAge is { } age && age <= TimeSpan.Zero) errors.Add($"{at}:MaxPostAge must be positive (e.g. 90.00:00:00), or absent.");
        if (s.MaxDepth is < 0 or > 3) errors.Add($"{at}:MaxDepth must be between 0 and 3.");
        if (s.RequestInterval < TimeSpan.Zero || s.RequestInterval > TimeSpan.FromHours(1)) errors.Add($"{at}:RequestInterval must be between 00:00:00 and 01:00:00.");
        if (s.Proxy is { Length: > 0 } proxy &&
            (!Uri.TryCreate(proxy, UriKind.Absolute, out var p) || !ProxySchemes.Contains(p.Scheme, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add($"{at}:Proxy '{proxy}' must be an http://, https:// or socks5:// address with a port.");
        }
        if (!string.Equals(s.Robots, "obey", StringComparison.OrdinalIgnoreCase) && !s.IgnoresRobots)
        {
            errors.Add($"{at}:Robots '{s.Robots}' must be 'obey' or 'ignore'.");
        }
        for (var h = 0; h < s.AllowedHosts.Count; h++)
        {
            var host = s.AllowedHosts[h];
            if (host != "*" && Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                errors.Add($"{at}:AllowedHosts:{h.ToString(CultureInfo.InvariantCulture)} '{host}' is not a host name.");
            }
        }
        if (s.RawUrlTemplate is { Length: > 0 } raw && !raw.Contains("{id}", StringComparison.Ordinal))
        {
            errors.Add($"{at}:RawUrlTemplate '{raw}' must contain {{id}}.");
        }
    }

    private static void CheckSelectors(SelectorOptions selectors, string at, List<string> errors)
    {
        var document = new HtmlParser().ParseDocument("<html><body></body></html>");
        foreach (var (key, value) in new[]
                 {
                     ("ThreadLinks", selectors.ThreadLinks), ("ThreadRows", selectors.ThreadRows), ("Posts", selectors.Posts),
                     ("PostBody", selectors.PostBody), ("PostDate", selectors.PostDate), ("Attachments", selectors.Attachments),
                     ("NextPage", selectors.NextPage), ("PasteLinks", selectors.PasteLinks),
                 })
        {
            if (value is null) continue;
            try
            {
                _ = document.QuerySelectorAll(value);
            }
            catch (Exception e)
            {
                errors.Add($"{at}:Selectors:{key} '{value}' is not a valid CSS selector: {e.Message}");
            }
        }
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
}
