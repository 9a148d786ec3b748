namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// What a request's connections may do: through which proxy, and which hosts may resolve to private addresses.
/// Requests with different profiles never share a connection pool, so one source's allowance cannot leak to another.
/// </summary>
internal sealed record ConnectionProfile(string? Proxy, string PrivateHosts)
{
    public static ConnectionProfile Default { get; } = new(null, "");

    public static ConnectionProfile Create(string? proxy, IEnumerable<string> privateHosts) =>
        new(string.IsNullOrWhiteSpace(proxy) ? null : proxy.Trim(),
            string.Join(',', privateHosts.Select(h => h.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)));

    public bool AllowsPrivate(string host) =>
        PrivateHosts.Length > 0 && PrivateHosts.Split(',').Contains(host.ToLowerInvariant(), StringComparer.Ordinal);
}
