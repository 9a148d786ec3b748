using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace LeakWatch.Service.Web;

/// <summary>
/// <see cref="ConsoleOptions.TrustedProxies"/>: the reverse proxies whose <c>X-Forwarded-For</c> the listener believes.
/// An entry is an address (<c>10.0.0.5</c>, <c>::1</c>) or a CIDR network (<c>10.0.0.0/8</c>, <c>fd00::/8</c>); an IPv4
/// address is written in full (four numbers), so that <c>10.1</c> is refused rather than read as <c>10.0.0.1</c>, and a
/// network by its first address, so that <c>10.0.0.5/8</c> (one proxy, or the whole of 10/8?) is refused rather than
/// widened.
/// </summary>
internal static class TrustedProxies
{
    public static bool TryParse(string entry, out IPNetwork network)
    {
        network = default;
        var text = entry.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? text : text[..slash];
        if (!address.Contains(':', StringComparison.Ordinal) && address.Split('.').Length != 4) return false;
        if (!IPAddress.TryParse(address, out var single)) return false;
        if (slash >= 0) return IPNetwork.TryParse(text, out network) && network.BaseAddress.Equals(single);
        network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>X-Forwarded-For from these proxies only, followed back through every trusted hop to the first address that is not one.</summary>
    public static void Configure(ForwardedHeadersOptions options, IEnumerable<string> entries)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
        // The framework's defaults trust loopback: only what the setting names is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (!TryParse(entry, out var network)) throw new ArgumentException($"LeakWatch:Console:TrustedProxies '{entry}' is not an address or a CIDR network.", nameof(entries));
            options.KnownIPNetworks.Add(network);
        }
        options.ForwardLimit = null;
    }
}
