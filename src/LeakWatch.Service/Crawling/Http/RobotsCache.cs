using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// robots.txt per scheme, host and port, kept for <see cref="CrawlerOptions.RobotsCacheDuration"/>. As RFC 9309 says:
/// a 4xx answer means no rules (allow all); a 5xx answer or no answer means disallow all until it can be read.
/// </summary>
internal sealed class RobotsCache(TimeProvider time, IOptions<CrawlerOptions> options)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Task<RobotsRules> Rules)> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task<bool> IsAllowedAsync(Uri url, FetchPolicy policy, Func<Uri, Task<FetchResult>> fetch, CancellationToken cancellationToken)
    {
        if (url.AbsolutePath == "/robots.txt") return true;
        var key = url.GetLeftPart(UriPartial.Authority);
        var now = time.GetUtcNow();
        var entry = _hosts.AddOrUpdate(
            key,
            _ => (now, LoadAsync(new Uri(key + "/robots.txt"), fetch)),
            (_, existing) => now - existing.At > options.Value.RobotsCacheDuration || existing.Rules.IsFaulted ? (now, LoadAsync(new Uri(key + "/robots.txt"), fetch)) : existing);
        var rules = await entry.Rules.WaitAsync(cancellationToken);
        return rules.IsAllowed(url.PathAndQuery);
    }

    private async Task<RobotsRules> LoadAsync(Uri robotsUrl, Func<Uri, Task<FetchResult>> fetch)
    {
        var result = await fetch(robotsUrl);
        return result.Outcome switch
        {
            FetchOutcome.Ok => RobotsRules.Parse(result.Text, ProductToken(options.Value.UserAgent)),
            _ when result.StatusCode is >= 400 and < 500 => RobotsRules.AllowAll,
            _ => RobotsRules.DisallowAll,
        };
    }

    /// <summary>"LeakWatch/1.0 (+...)" is the product token "LeakWatch".</summary>
    internal static string ProductToken(string userAgent)
    {
        var end = userAgent.IndexOfAny(['/', ' ', ';', '(']);
        return end < 0 ? userAgent : userAgent[..end];
    }
}
